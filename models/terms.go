package models

import (
	"strings"
	"time"
)

// TermsVersion is one published version of the platform's terms of
// service (R-OFF-5). The version in force is the latest one published.
type TermsVersion struct {
	ID          int64
	Version     string
	PublishedAt time.Time
}

// TermsText is a version's text in one language.
type TermsText struct {
	VersionID int64
	Locale    string
	Title     string
	Body      string
}

// TermsDocument is the version in force with its text in the reader's
// language.
type TermsDocument struct {
	TermsVersion
	Text TermsText
}

// Paragraphs splits the text's body at blank lines.
func (d TermsDocument) Paragraphs() []string {
	var out []string
	for _, p := range strings.Split(strings.ReplaceAll(d.Text.Body, "\r\n", "\n"), "\n\n") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// PickTermsText chooses the text in locale, else in English, else the
// first one; false when there is none.
func PickTermsText(texts []TermsText, locale string) (TermsText, bool) {
	for _, want := range []string{locale, "en"} {
		for _, t := range texts {
			if t.Locale == want {
				return t, true
			}
		}
	}
	if len(texts) > 0 {
		return texts[0], true
	}
	return TermsText{}, false
}

// TermsStanding is a customer's acceptance of the terms: when, and which
// version. Both are empty until an admin accepts.
type TermsStanding struct {
	AcceptedAt *time.Time `gorm:"column:tos_accepted_at"`
	VersionID  *int64     `gorm:"column:tos_version_id"`
	Version    string     `gorm:"column:tos_version"` // the accepted version's name
}

// Accepted tells whether the customer accepted any version.
func (s TermsStanding) Accepted() bool { return s.AcceptedAt != nil }

// AcceptedVersion tells whether the customer accepted version v.
func (s TermsStanding) AcceptedVersion(v TermsVersion) bool {
	return s.AcceptedAt != nil && s.VersionID != nil && *s.VersionID == v.ID
}

// AcceptTerms decides a customer admin's acceptance, at now, of the
// version they read (seenID; 0 when the form did not say) while current is
// in force. Accepting records the version and its time; a version already
// accepted changes nothing (changed is false). The admin must have read
// the version in force: a newer one published meanwhile is refused.
func AcceptTerms(s TermsStanding, current *TermsVersion, seenID int64, now time.Time) (next TermsStanding, changed bool, err error) {
	if current == nil {
		return s, false, &Error{Code: CodeConflict, Message: "No terms of service are published yet."}
	}
	if seenID != 0 && seenID != current.ID {
		return s, false, &Error{Code: CodeConflict, Message: "The terms of service changed while you were reading them. Read the current version and accept it."}
	}
	if s.AcceptedVersion(*current) {
		return s, false, nil
	}
	id := current.ID
	return TermsStanding{AcceptedAt: &now, VersionID: &id, Version: current.Version}, true, nil
}

// LiftTermsSuspension decides what accepting the terms does to the
// customer's subscriptions: each loses its pending_tos_acceptance reason
// and is active again when no other reason is left (R-OFF-5).
func LiftTermsSuspension(subs []Subscription, now time.Time) []SubChange {
	var out []SubChange
	for _, s := range subs {
		before := s
		before.SuspensionReasons = append(TextArray{}, s.SuspensionReasons...)
		if !RemoveReason(&s, SuspendPendingTOS) {
			continue
		}
		s.UpdatedAt = now
		out = append(out, SubChange{Before: before, After: s})
	}
	return out
}
