package i18n

import (
	"testing"

	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
)

// T answers a message without placeholders from a map; it must say what
// go-i18n's Localize says, for every message of every locale, for an
// unknown message, and leave messages with placeholders to Localize.
func TestPlainMessagesAnswerAsLocalize(t *testing.T) {
	b := MustLoad()
	for _, locale := range []string{"en", "fr", "ja"} {
		t.Run(locale, func(t *testing.T) {
			tr := b.For(locale, "UTC")
			ids := []string{"Customers", "Not a message anyone wrote", "{{.N}} results"}
			for id := range Messages(locale) {
				ids = append(ids, id)
			}
			for _, id := range ids {
				want, err := tr.l.Localize(&goi18n.LocalizeConfig{DefaultMessage: &goi18n.Message{ID: id, Other: id}})
				if err != nil {
					want = fill(id, nil)
				}
				if got := tr.T(id); got != want {
					t.Errorf("T(%q) = %q, Localize says %q", id, got, want)
				}
			}
		})
	}
}
