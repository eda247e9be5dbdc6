package i18n

import (
	"regexp"
	"strings"
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

// T fills a message whose only actions are {{.Name}} placeholders by
// substitution; it must say what Localize says with the same data, for
// every such message of every locale, with values of several kinds.
func TestFilledMessagesAnswerAsLocalize(t *testing.T) {
	b := MustLoad()
	for _, locale := range []string{"en", "fr", "ja"} {
		t.Run(locale, func(t *testing.T) {
			tr := b.For(locale, "UTC")
			ids := []string{"{{.N}} min", "Not a message anyone wrote {{.N}}", "{{.N}} {{if .M}}x{{end}}", "{{.N}} and {{.Missing}}"}
			for id := range Messages(locale) {
				if strings.Contains(id, "{{") {
					ids = append(ids, id)
				}
			}
			for _, id := range ids {
				var args []any
				data := map[string]any{}
				for i, m := range simpleAction.FindAllString(id, -1) {
					name := m[3 : len(m)-2]
					if name == "Missing" {
						continue
					}
					var v any = "v" + name
					if i%2 == 1 {
						v = 42 + i
					}
					args = append(args, name, v)
					data[name] = v
				}
				want, err := tr.l.Localize(&goi18n.LocalizeConfig{DefaultMessage: &goi18n.Message{ID: id, Other: id}, TemplateData: data})
				if err != nil {
					want = fill(id, args)
				}
				if got := tr.T(id, args...); got != want {
					t.Errorf("T(%q) = %q, Localize says %q", id, got, want)
				}
			}
		})
	}
}

// simpleTemplate accepts messages whose only actions are {{.Name}}
// placeholders, and nothing else that go-i18n would treat as a template.
func TestSimpleTemplate(t *testing.T) {
	for msg, want := range map[string]bool{
		"Plain text":                       false,
		"{{.N}} min":                       true,
		"Sent to {{.Email}} on {{.Day}}.":  true,
		"{{.N_2}}":                         true,
		"{{ .N }}":                         false,
		"{{.N | printf}}":                  false,
		"{{if .N}}x{{end}}":                false,
		"{{.}}":                            false,
		"{{.2x}}":                          false,
		"{{.N}} and }} stray":              false,
		"stray {{ only":                    false,
		"}} before {{.N}}":                 false,
		"{{.PluralCount}} {{.Name.Field}}": false,
		"{{.Naïve}}":                       false,
	} {
		if got := simpleTemplate(msg); got != want {
			t.Errorf("simpleTemplate(%q) = %v, want %v", msg, got, want)
		}
	}
}

// simpleAction finds {{.Name}} placeholders, for the tests.
var simpleAction = regexp.MustCompile(`\{\{\.[A-Za-z_][A-Za-z0-9_]*\}\}`)
