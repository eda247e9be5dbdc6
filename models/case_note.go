package models

import (
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// A note the code writes into a timeline (a case's thread, a migration's
// steps) is stored as a Msg: an English message id and its arguments, so
// each reader sees it in their own language, dates in their own format.
// The JSON keeps each argument's kind (a date stays a date).

// msgArg is one stored argument: its name and exactly one typed value.
type msgArg struct {
	Name    string     `json:"name"`
	Int     *int64     `json:"int,omitempty"`
	Date    *time.Time `json:"date,omitempty"`
	Country string     `json:"country,omitempty"`
	Text    *string    `json:"text,omitempty"`
}

type msgJSON struct {
	Text string   `json:"text"`
	Args []msgArg `json:"args,omitempty"`
}

// MarshalJSON keeps each argument's kind.
func (m Msg) MarshalJSON() ([]byte, error) {
	out := msgJSON{Text: m.Text}
	for i := 0; i+1 < len(m.Args); i += 2 {
		a := msgArg{Name: fmt.Sprint(m.Args[i])}
		switch v := m.Args[i+1].(type) {
		case int:
			n := int64(v)
			a.Int = &n
		case int64:
			a.Int = &v
		case time.Time:
			t := v.UTC()
			a.Date = &t
		case CountryCode:
			a.Country = string(v)
		default:
			s := fmt.Sprint(v)
			a.Text = &s
		}
		out.Args = append(out.Args, a)
	}
	return json.Marshal(out)
}

// UnmarshalJSON reads what MarshalJSON wrote.
func (m *Msg) UnmarshalJSON(b []byte) error {
	var in msgJSON
	if err := json.Unmarshal(b, &in); err != nil {
		return err
	}
	m.Text, m.Args = in.Text, nil
	for _, a := range in.Args {
		var v any
		switch {
		case a.Int != nil:
			v = *a.Int
		case a.Date != nil:
			v = a.Date.UTC()
		case a.Country != "":
			v = CountryCode(a.Country)
		case a.Text != nil:
			v = *a.Text
		default:
			v = ""
		}
		m.Args = append(m.Args, a.Name, v)
	}
	return nil
}

// Value stores a Msg in a jsonb column.
func (m Msg) Value() (driver.Value, error) {
	b, err := json.Marshal(m)
	if err != nil {
		return nil, err
	}
	return string(b), nil
}

// Scan reads a Msg from a jsonb column.
func (m *Msg) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*m = Msg{}
		return nil
	case string:
		return json.Unmarshal([]byte(v), m)
	case []byte:
		return json.Unmarshal(v, m)
	}
	return fmt.Errorf("msg: cannot scan %T", src)
}

// English fills the message's placeholders without translating it: the
// text kept beside the Msg for plain-text readers (exports, old clients).
// Dates are written as YYYY-MM-DD.
func (m Msg) English() string {
	s := m.Text
	for i := 0; i+1 < len(m.Args); i += 2 {
		v := m.Args[i+1]
		var text string
		switch x := v.(type) {
		case time.Time:
			text = x.UTC().Format("2006-01-02")
		default:
			text = fmt.Sprint(x)
		}
		s = strings.ReplaceAll(s, "{{."+fmt.Sprint(m.Args[i])+"}}", text)
	}
	return s
}

// Timeline notes the code writes.

// CaseFiledNote is step 3's note: the support case it filed.
func CaseFiledNote(caseID int64) Msg { return msg("Case #{{.ID}}", "ID", caseID) }

// GraceConversionNote is the Meet case's action note (step 4).
func GraceConversionNote(n int, until time.Time) Msg {
	return msg("Converted {{.N}} Meet hardware subscription(s) to the temporary online grace plan until {{.Date}}.", "N", n, "Date", until)
}

// OfferSentNote is a migration's offer step note.
func OfferSentNote(offerID int64) Msg { return msg("Offer #{{.ID}}", "ID", offerID) }

// SubscriptionNote names the migrated subscription (steps 8 and 9).
func SubscriptionNote(subID int64) Msg { return msg("Subscription #{{.ID}}", "ID", subID) }

// ResellerIDNote is step 5's note: the public reseller id given.
func ResellerIDNote(id string) Msg { return msg("Public reseller id {{.ID}}", "ID", id) }
