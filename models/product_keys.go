package models

import (
	"encoding/csv"
	"errors"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Office 365 product keys (issue 11, SPEC §6, R-PK-1, seed 003): key cards a
// console holds, the Redeem wizard's server-side draft, the customer account
// it creates, and renewing a subscription with a key. Pure rules: the store
// loads the facts under locks and writes what these decide.

// ---- Keys ----

// O365KeyLength is the number of letters and digits of a product key.
const O365KeyLength = 25

// NormalizeO365Key reads a typed product key: 25 letters and digits in five
// groups, accepted in lower case, with or without dashes and spaces. It
// returns the canonical XXXXX-XXXXX-XXXXX-XXXXX-XXXXX form, or false.
func NormalizeO365Key(s string) (string, bool) {
	var b strings.Builder
	n := 0
	for _, r := range strings.ToUpper(s) {
		switch {
		case r == '-' || r == ' ' || r == '\t':
			continue
		case (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9'):
			if n == O365KeyLength {
				return "", false
			}
			if n > 0 && n%5 == 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			n++
		default:
			return "", false
		}
	}
	if n != O365KeyLength {
		return "", false
	}
	return b.String(), true
}

// KeyLast5 is what a key card shows of its key once loaded: the last five
// characters.
func KeyLast5(canonical string) string {
	if len(canonical) < 5 {
		return canonical
	}
	return canonical[len(canonical)-5:]
}

// KeyCardState is where a key card is in its life.
type KeyCardState string

const (
	KeyAvailable KeyCardState = "available"
	KeyReserved  KeyCardState = "reserved" // checked into a redemption draft, until reserved_until
	KeyUsed      KeyCardState = "used"
)

// KeyReservation is how long a checked key stays reserved to the draft that
// checked it (the partner resumes where it stopped).
const KeyReservation = 24 * time.Hour

// KeyCard is one Office 365 product key a console holds (a card bought from
// a distributor): its product, term and seats. The key is sealed; only its
// hash is searchable and its last five characters shown.
type KeyCard struct {
	ID                    int64
	ConsoleID             int64
	ProductID             int64
	TermMonths            int
	Seats                 int
	KeyHash               []byte
	KeySealed             []byte
	KeyLast5              string `gorm:"column:key_last5"`
	State                 KeyCardState
	ReservedDraftID       *int64
	ReservedUntil         *time.Time
	UsedAt                *time.Time
	UsedForSubscriptionID *int64
	Source                string
	LoadedBy              *int64
	CreatedAt             time.Time
}

// TableName is the key cards table.
func (KeyCard) TableName() string { return "product_key_cards" }

// EffectiveState is the card's state at now: a reservation that ran out
// makes the card available again.
func (k KeyCard) EffectiveState(now time.Time) KeyCardState {
	if k.State == KeyReserved && (k.ReservedUntil == nil || !now.Before(*k.ReservedUntil)) {
		return KeyAvailable
	}
	return k.State
}

// KeyCardRow is a key cards list row.
type KeyCardRow struct {
	KeyCard
	ProductName string
	ProductSKU  string
	ConsoleName string
}

// KeyCardFilter narrows the key cards list.
type KeyCardFilter struct {
	Query     string // the last characters of a key
	State     KeyCardState
	ProductID int64
}

// ---- The Redeem wizard's draft ----

// DraftStep is the step of the Redeem wizard a draft is at.
type DraftStep string

const (
	StepInstructions DraftStep = "instructions" // read and tick "I understand"
	StepKeys         DraftStep = "keys"         // type and check keys
	StepReview       DraftStep = "review"       // "Does everything look right?"
	StepAccount      DraftStep = "account"      // create the customer's account
)

// RedemptionDraft is a partner user's Redeem wizard in progress, kept on
// the server so that leaving half-way loses nothing (R-PK-1).
type RedemptionDraft struct {
	ID             int64
	ConsoleID      int64
	UserID         int64
	Step           DraftStep
	AcknowledgedAt *time.Time
	CustomerID     *int64
	CompletedAt    *time.Time
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// KeyCheck is what checking one typed key against a draft needs: the card
// the key's hash found (nil: unknown), and the cards already in the draft.
type KeyCheck struct {
	Card      *KeyCard
	ConsoleID int64
	DraftID   int64
	InDraft   []KeyCard
	Now       time.Time
}

func errKeyFormat() *Error {
	return &Error{Code: CodeInvalid, Message: "Enter the 25 letters and digits of the key: XXXXX-XXXXX-XXXXX-XXXXX-XXXXX."}
}
func errKeyUnknown() *Error {
	return &Error{Code: CodeInvalid, Message: "This key is not known. Check it against the key card."}
}
func errKeyUsed() *Error {
	return &Error{Code: CodeInvalid, Message: "This key was already redeemed: a key can be used once."}
}
func errKeyOtherConsole() *Error {
	return &Error{Code: CodeInvalid, Message: "This key belongs to another partner's console."}
}
func errKeyReservedElsewhere() *Error {
	return &Error{Code: CodeInvalid, Message: "Someone in your console is redeeming this key; it stays reserved to them for up to 24 hours."}
}
func errKeyInDraft() *Error {
	return &Error{Code: CodeInvalid, Message: "You already added this key."}
}
func errKeyMismatch() *Error {
	return &Error{Code: CodeInvalid, Message: "This key is for another product or term than the keys already added: redeem it separately."}
}

// ErrKeyFormat is the message on a key that is not 25 letters and digits.
func ErrKeyFormat() *Error { return errKeyFormat() }

// CheckKey decides whether a typed key may join a draft: one message on
// that key when it may not (R-PK-1: each key checked on its own).
func CheckKey(k KeyCheck) error {
	c := k.Card
	if c == nil {
		return errKeyUnknown()
	}
	if c.ConsoleID != k.ConsoleID {
		return errKeyOtherConsole()
	}
	switch c.EffectiveState(k.Now) {
	case KeyUsed:
		return errKeyUsed()
	case KeyReserved:
		if c.ReservedDraftID != nil && *c.ReservedDraftID == k.DraftID {
			return errKeyInDraft()
		}
		return errKeyReservedElsewhere()
	}
	for _, x := range k.InDraft {
		if x.ID == c.ID {
			return errKeyInDraft()
		}
		if x.ProductID != c.ProductID || x.TermMonths != c.TermMonths {
			return errKeyMismatch()
		}
	}
	return nil
}

// RedemptionPlan is the subscription a draft's keys make: one product, one
// term, the seats of every key.
type RedemptionPlan struct {
	ProductID  int64
	TermMonths int
	Seats      int
	Plan       Plan
	Start, End time.Time
}

// ErrNoKeys is the answer when a draft holds no reserved key (none added,
// or the 24-hour reservation ran out).
func ErrNoKeys() *Error {
	return &Error{Code: CodeConflict, Message: "Your draft holds no reserved key (reservations last 24 hours): add your keys again."}
}

// PlanRedemption decides the subscription of a draft's keys, starting today.
func PlanRedemption(keys []KeyCard, now time.Time) (RedemptionPlan, error) {
	var p RedemptionPlan
	if len(keys) == 0 {
		return p, ErrNoKeys()
	}
	p.ProductID, p.TermMonths = keys[0].ProductID, keys[0].TermMonths
	for _, k := range keys {
		if k.ProductID != p.ProductID || k.TermMonths != p.TermMonths {
			return p, errKeyMismatch()
		}
		p.Seats += k.Seats
	}
	p.Plan = PlanForTerm(p.TermMonths)
	p.Start = Day(now)
	p.End = TermEnd(p.Start, p.TermMonths)
	return p, nil
}

// PlanForTerm is the plan a key's term makes: a year or more is an annual
// commitment paid up front (on the key card); less is a monthly plan.
func PlanForTerm(months int) Plan {
	if months >= 12 {
		return PlanAnnualPrepaid
	}
	return PlanFlexible
}

// TermEnd is the last day of a term of months starting on start.
func TermEnd(start time.Time, months int) time.Time {
	return Day(start).AddDate(0, months, -1)
}

// ---- Step 2: the customer's account ----

// O365Countries are the countries and regions where Office 365 is offered
// (seed 003: a country not listed has no Office 365 service).
func O365Countries() []string {
	return []string{"AT", "AU", "BE", "BR", "CA", "CH", "CZ", "DE", "DK", "ES", "FI", "FR", "GB", "HK", "IE", "IN", "IT", "JP",
		"KR", "LU", "MX", "NL", "NO", "NZ", "PL", "PT", "SE", "SG", "US", "ZA"}
}

// O365Offered tells whether Office 365 is offered in a country.
func O365Offered(code string) bool {
	for _, c := range O365Countries() {
		if c == code {
			return true
		}
	}
	return false
}

// AccountInput is step 2 of the Redeem wizard: the customer's organisation
// and the person who becomes its administrator.
type AccountInput struct {
	Country    string
	OrgName    string
	Domain     string // optional: derived from the name when empty
	AdminName  string
	AdminEmail string
}

// Normalize trims and canonicalises the fields.
func (in *AccountInput) Normalize() {
	in.Country = strings.ToUpper(strings.TrimSpace(in.Country))
	in.OrgName = strings.TrimSpace(in.OrgName)
	in.Domain = strings.TrimSuffix(strings.ToLower(strings.TrimSpace(in.Domain)), ".")
	in.AdminName = strings.TrimSpace(in.AdminName)
	in.AdminEmail = NormalizeEmail(in.AdminEmail)
}

// Validate checks every field and returns all messages at once.
func (in AccountInput) Validate() error {
	f := FieldErrors{}
	switch {
	case in.Country == "":
		f.Add("country", "Choose the country or region.")
	case !O365Offered(in.Country):
		f.Add("country", "Office 365 is not offered in this country or region.")
	}
	switch n := utf8.RuneCountInString(in.OrgName); {
	case n == 0:
		f.Add("org_name", "Enter the organisation name.")
	case n > 200:
		f.Add("org_name", "The organisation name is at most 200 characters.")
	case DeriveTenantDomain(in.OrgName) == "" && in.Domain == "":
		f.Add("domain", "Enter a domain: the name has no letters or digits to make one from.")
	}
	if in.Domain != "" {
		if _, ok := NormalizeDomain(in.Domain); !ok {
			f.Add("domain", "Enter a valid domain name, e.g. example.com.")
		}
	}
	switch n := utf8.RuneCountInString(in.AdminName); {
	case n == 0:
		f.Add("admin_name", "Enter the administrator's name.")
	case n > 200:
		f.Add("admin_name", "The name is at most 200 characters.")
	}
	if in.AdminEmail == "" {
		f.Add("admin_email", "Enter the administrator's email address.")
	} else if !ValidEmail(in.AdminEmail) {
		f.Add("admin_email", "Enter a valid email address.")
	}
	return f.Err()
}

// TenantDomainSuffix ends the domains the platform gives new tenants.
const TenantDomainSuffix = ".onmicrosoft.example"

// DeriveTenantDomain makes a tenant domain from an organisation name:
// its ASCII letters and digits, lower case, up to 40, under
// TenantDomainSuffix ("Contoso Ltd" → contosoltd.onmicrosoft.example). ""
// when the name has none.
func DeriveTenantDomain(name string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(name) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
			if b.Len() == 40 {
				break
			}
		}
	}
	if b.Len() == 0 {
		return ""
	}
	return b.String() + TenantDomainSuffix
}

// TenantDomainCandidate is the n-th domain to try when a derived one is
// taken: n = 0 is the domain itself, then contosoltd2, contosoltd3…
func TenantDomainCandidate(derived string, n int) string {
	if n == 0 {
		return derived
	}
	label, rest, _ := strings.Cut(derived, ".")
	return label + strconv.Itoa(n+1) + "." + rest
}

// ---- Invitations (the admin sets a password) ----

// InvitationValidity is how long an invitation link works.
const InvitationValidity = 7 * 24 * time.Hour

// UserInvitation lets an invited user set a password once, before it expires.
type UserInvitation struct {
	ID        int64
	UserID    int64
	TokenHash []byte
	ExpiresAt time.Time
	UsedAt    *time.Time
	CreatedAt time.Time
}

// CheckInvitation tells whether an invitation's link still works at now.
func CheckInvitation(inv UserInvitation, now time.Time) error {
	if inv.UsedAt != nil {
		return &Error{Code: CodeConflict, Message: "This invitation link was already used: sign in with the password you set."}
	}
	if !now.Before(inv.ExpiresAt) {
		return &Error{Code: CodeConflict, Message: "This invitation link has expired: ask your partner for a new one."}
	}
	return nil
}

// SetPasswordInput is the invitation page's form.
type SetPasswordInput struct {
	Password string
	Confirm  string
}

// Validate checks the new password and its confirmation.
func (in SetPasswordInput) Validate() error {
	f := FieldErrors{}
	if msg := ValidatePassword(in.Password); msg != "" {
		f.Add("password", msg)
	} else if in.Confirm != in.Password {
		f.Add("confirm", "The two passwords differ.")
	}
	return f.Err()
}

// ---- Renew with a product key ----

// RenewalKeyFacts is what renewing a subscription with a key needs.
type RenewalKeyFacts struct {
	Sub       Subscription
	Family    ProductFamily
	Card      *KeyCard
	ConsoleID int64
	Now       time.Time
}

// CheckRenewalKey decides whether a key renews a subscription (R-PK-4:
// renewal by product key extends the term). Messages are on the key field.
func CheckRenewalKey(f RenewalKeyFacts) error {
	if f.Family != FamilyOffice365 {
		return &Error{Code: CodeConflict, Message: "Only an Office 365 subscription is renewed with a product key."}
	}
	switch f.Sub.Status {
	case SubEnded, "deleted":
		return &Error{Code: CodeConflict, Message: "This subscription has ended: redeem the key to start a new one."}
	}
	c := f.Card
	if c == nil {
		return onKey(errKeyUnknown())
	}
	if c.ConsoleID != f.ConsoleID {
		return onKey(errKeyOtherConsole())
	}
	switch c.EffectiveState(f.Now) {
	case KeyUsed:
		return onKey(errKeyUsed())
	case KeyReserved:
		return onKey(errKeyReservedElsewhere())
	}
	if c.ProductID != f.Sub.ProductID {
		return onKey(&Error{Code: CodeInvalid, Message: "This key is for another product than the subscription."})
	}
	return nil
}

func onKey(e *Error) *Error { e.Field = "key"; return e }

// RenewedEnd is the end date after renewing with a key of months: the term
// runs on from the current end date.
func RenewedEnd(end time.Time, months int) time.Time {
	return Day(end).AddDate(0, months, 0)
}

// ---- Loading key cards (the desk) ----

// KeyCardBatch is the desk's "generate a batch" form (local mode).
type KeyCardBatch struct {
	ProductID  int64
	TermMonths string
	Seats      string
	Count      string
}

// MaxKeyBatch bounds one generated batch or one imported file.
const MaxKeyBatch = 500

// KeyCardSpec is one key card to load, checked.
type KeyCardSpec struct {
	Line       int    // the CSV line (0 when generated)
	Key        string // canonical
	SKU        string
	ProductID  int64
	TermMonths int
	Seats      int
}

func parseTerm(s string) (int, bool) {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	return n, err == nil && n >= 1 && n <= 36
}

func parseSeats(s string) (int, bool) {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	return n, err == nil && n >= 1 && n <= 100000
}

// Validate checks a batch and returns its term, seats and count.
func (b KeyCardBatch) Validate() (term, seats, count int, err error) {
	f := FieldErrors{}
	if b.ProductID == 0 {
		f.Add("product", "Choose an Office 365 product.")
	}
	term, ok := parseTerm(b.TermMonths)
	if !ok {
		f.Add("term_months", "Enter a term from 1 to 36 months.")
	}
	seats, ok = parseSeats(b.Seats)
	if !ok {
		f.Add("seats", "Enter a number of seats from 1 to 100000.")
	}
	count, cerr := strconv.Atoi(strings.TrimSpace(b.Count))
	if cerr != nil || count < 1 || count > MaxKeyBatch {
		f.Add("count", "Enter how many keys to make, from 1 to 500.")
	}
	return term, seats, count, f.Err()
}

// KeyLineError is one bad line of an imported CSV of keys.
type KeyLineError struct {
	Line    int
	Problem *Error
}

// KeyImportError lists every bad line of an import; nothing was loaded.
type KeyImportError struct{ Lines []KeyLineError }

func (e *KeyImportError) Error() string {
	var b strings.Builder
	b.WriteString("invalid key file:")
	for _, l := range e.Lines {
		b.WriteString(" line " + strconv.Itoa(l.Line) + ": " + l.Problem.Message)
	}
	return b.String()
}

// AsKeyImport extracts the bad lines of an import.
func AsKeyImport(err error) (*KeyImportError, bool) {
	var e *KeyImportError
	ok := errors.As(err, &e)
	return e, ok
}

// KeyLineProblem names what is wrong with a CSV line's field.
func keyLineProblems() (format, columns, sku, term, seats, dup, empty, tooMany *Error) {
	return &Error{Code: CodeInvalid, Message: "The key is not 25 letters and digits (XXXXX-XXXXX-XXXXX-XXXXX-XXXXX)."},
		&Error{Code: CodeInvalid, Message: "A line has four columns: key, product SKU, term in months, seats."},
		&Error{Code: CodeInvalid, Message: "This SKU is not an Office 365 product of the catalogue."},
		&Error{Code: CodeInvalid, Message: "The term is a number of months from 1 to 36."},
		&Error{Code: CodeInvalid, Message: "The seats are a number from 1 to 100000."},
		&Error{Code: CodeInvalid, Message: "This key appears twice in the file."},
		&Error{Code: CodeInvalid, Message: "The file has no keys."},
		&Error{Code: CodeInvalid, Message: "A file holds at most 500 keys."}
}

// ErrKeyAlreadyLoaded is the message on an imported line whose key is loaded already.
func ErrKeyAlreadyLoaded() *Error {
	return &Error{Code: CodeInvalid, Message: "This key is already loaded."}
}

// ParseKeyCardsCSV reads a distributor's CSV of keys: key, product SKU,
// term in months, seats; an optional header line starting with "key". Each
// line is checked on its own; any bad line fails the whole file with every
// line's message, so nothing is half-loaded. products maps an Office 365
// SKU to its product id.
func ParseKeyCardsCSV(r io.Reader, products map[string]int64) ([]KeyCardSpec, error) {
	format, columns, badSKU, badTerm, badSeats, dup, empty, tooMany := keyLineProblems()
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	var out []KeyCardSpec
	var bad []KeyLineError
	seen := map[string]int{}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		line, _ := cr.FieldPos(0)
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				line = pe.Line
			}
			bad = append(bad, KeyLineError{Line: line, Problem: columns})
			continue
		}
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue
		}
		if len(out) == 0 && len(bad) == 0 && len(rec) > 0 && strings.EqualFold(strings.TrimSpace(rec[0]), "key") {
			continue // the header
		}
		if len(rec) != 4 {
			bad = append(bad, KeyLineError{Line: line, Problem: columns})
			continue
		}
		key, ok := NormalizeO365Key(rec[0])
		if !ok {
			bad = append(bad, KeyLineError{Line: line, Problem: format})
			continue
		}
		sku := strings.ToUpper(strings.TrimSpace(rec[1]))
		pid, ok := products[sku]
		if !ok {
			bad = append(bad, KeyLineError{Line: line, Problem: badSKU})
			continue
		}
		term, ok := parseTerm(rec[2])
		if !ok {
			bad = append(bad, KeyLineError{Line: line, Problem: badTerm})
			continue
		}
		seats, ok := parseSeats(rec[3])
		if !ok {
			bad = append(bad, KeyLineError{Line: line, Problem: badSeats})
			continue
		}
		if _, twice := seen[key]; twice {
			bad = append(bad, KeyLineError{Line: line, Problem: dup})
			continue
		}
		seen[key] = line
		out = append(out, KeyCardSpec{Line: line, Key: key, SKU: sku, ProductID: pid, TermMonths: term, Seats: seats})
	}
	if len(bad) == 0 && len(out) == 0 {
		bad = append(bad, KeyLineError{Line: 1, Problem: empty})
	}
	if len(out) > MaxKeyBatch {
		bad = append(bad, KeyLineError{Line: out[MaxKeyBatch].Line, Problem: tooMany})
	}
	if len(bad) > 0 {
		return nil, &KeyImportError{Lines: bad}
	}
	return out, nil
}

// ---- The wizard's steps ----

// DraftView is a draft as the wizard shows it: its step and the keys still
// reserved to it, with their product.
type DraftView struct {
	Draft RedemptionDraft
	Keys  []KeyCardRow
	// Seats and TermMonths sum up the keys (one product, one term).
	Seats       int
	TermMonths  int
	ProductName string
}

// Started tells whether the partner ticked "I understand" and pressed Start.
func (v DraftView) Started() bool { return v.Draft.ID != 0 && v.Draft.AcknowledgedAt != nil }

// MoveDraft decides a move of the wizard from one step to another with the
// number of keys the draft holds: the review and the account need a key.
func MoveDraft(from, to DraftStep, keys int) error {
	if from == StepInstructions {
		return &Error{Code: CodeConflict, Message: "Read the instructions and press Start first."}
	}
	switch to {
	case StepKeys:
		return nil
	case StepReview, StepAccount:
		if keys == 0 {
			return &Error{Code: CodeInvalid, Field: "key", Message: "Add at least one product key."}
		}
		if to == StepAccount && from == StepKeys {
			return &Error{Code: CodeConflict, Message: "Check the keys on the review page first."}
		}
		return nil
	}
	return &Error{Code: CodeConflict, Message: "Read the instructions and press Start first."}
}

// ErrUnderstand is the message when "I understand" is not ticked.
func ErrUnderstand() error {
	return FieldErrors{"understand": "Tick the box to confirm you are the best person to do this for your organisation."}.Err()
}
