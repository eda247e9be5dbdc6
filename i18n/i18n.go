// Package i18n translates the interface (R-I18N-1) and formats money and
// dates per locale. Message ids are the English text itself, so English is
// always complete; fr and ja files translate them. A test checks that every
// id used in views has a French and a Japanese translation.
package i18n

import (
	"embed"
	"fmt"
	"math"
	"strings"

	"time"

	"github.com/BurntSushi/toml"
	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/currency"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
	"golang.org/x/text/number"
)

//go:embed locales/*.toml
var files embed.FS

// Bundle holds every translation.
type Bundle struct{ b *goi18n.Bundle }

// Load reads the embedded translation files.
func Load() (*Bundle, error) {
	b := goi18n.NewBundle(language.English)
	b.RegisterUnmarshalFunc("toml", toml.Unmarshal)
	entries, err := files.ReadDir("locales")
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
		if _, err := b.LoadMessageFileFS(files, "locales/"+e.Name()); err != nil {
			return nil, fmt.Errorf("load %s: %w", e.Name(), err)
		}
	}
	return &Bundle{b: b}, nil
}

// MustLoad is Load for start-up and tests.
func MustLoad() *Bundle {
	b, err := Load()
	if err != nil {
		panic(err)
	}
	return b
}

// Messages returns the ids translated for a locale, across all its files
// (core.fr.toml, cases.fr.toml, ...).
func Messages(locale string) map[string]bool {
	out := map[string]bool{}
	entries, _ := files.ReadDir("locales")
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), "."+locale+".toml") {
			continue
		}
		data, _ := files.ReadFile("locales/" + e.Name())
		var m map[string]any
		_ = toml.Unmarshal(data, &m)
		for k := range m {
			out[k] = true
		}
	}
	return out
}

// English is a translator for when no request context exists yet.
var English = &Translator{Locale: "en", Zone: time.UTC}

// Translator speaks one locale in one time zone.
type Translator struct {
	Locale string
	Zone   *time.Location
	l      *goi18n.Localizer
	p      *message.Printer
}

// For returns a translator for a locale ("en", "fr", "ja") and time zone.
func (b *Bundle) For(locale, zone string) *Translator {
	switch locale {
	case "en", "fr", "ja":
	default:
		locale = "en"
	}
	loc, err := time.LoadLocation(zone)
	if err != nil || zone == "" {
		loc = time.UTC
	}
	tag := language.Make(locale)
	return &Translator{Locale: locale, Zone: loc, l: goi18n.NewLocalizer(b.b, locale), p: message.NewPrinter(tag)}
}

// T translates an English message. args are name/value pairs for the
// message's {{.Name}} placeholders.
func (t *Translator) T(msg string, args ...any) string {
	if t == nil || t.l == nil {
		return msg
	}
	var data map[string]any
	if len(args) > 0 {
		data = map[string]any{}
		for i := 0; i+1 < len(args); i += 2 {
			data[fmt.Sprint(args[i])] = args[i+1]
		}
	}
	out, err := t.l.Localize(&goi18n.LocalizeConfig{
		DefaultMessage: &goi18n.Message{ID: msg, Other: msg},
		TemplateData:   data,
	})
	if err != nil {
		return msg
	}
	return out
}

// Money formats integer minor units of a currency for the locale, e.g.
// "€1,234.50" in English, "1 234,50 €" in French, "￥1,235" in Japanese.
func (t *Translator) Money(minor int64, cur string) string {
	unit, err := currency.ParseISO(cur)
	if err != nil {
		return fmt.Sprintf("%d %s", minor, cur)
	}
	scale, _ := currency.Standard.Rounding(unit)
	v := float64(minor) / math.Pow10(scale)
	p := t.printer()
	return p.Sprint(currency.Symbol(unit.Amount(v)))
}

// MoneyAmount formats minor units as a plain decimal for a form field.
func MoneyAmount(minor int64, cur string) string {
	unit, err := currency.ParseISO(cur)
	if err != nil {
		return fmt.Sprint(minor)
	}
	scale, _ := currency.Standard.Rounding(unit)
	if scale == 0 {
		return fmt.Sprint(minor)
	}
	neg := ""
	if minor < 0 {
		neg, minor = "-", -minor
	}
	pow := int64(math.Pow10(scale))
	return fmt.Sprintf("%s%d.%0*d", neg, minor/pow, scale, minor%pow)
}

// Number formats an integer with the locale's grouping.
func (t *Translator) Number(n int64) string { return t.printer().Sprint(number.Decimal(n)) }

func (t *Translator) printer() *message.Printer {
	if t == nil || t.p == nil {
		return message.NewPrinter(language.English)
	}
	return t.p
}

var frMonths = []string{"janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."}

// Date formats a calendar date for the locale (no time zone shift: dates such
// as renewal dates are calendar days).
func (t *Translator) Date(d time.Time) string {
	if d.IsZero() {
		return "—"
	}
	switch t.locale() {
	case "fr":
		return fmt.Sprintf("%d %s %d", d.Day(), frMonths[d.Month()-1], d.Year())
	case "ja":
		return fmt.Sprintf("%d年%d月%d日", d.Year(), int(d.Month()), d.Day())
	}
	return d.Format("2 Jan 2006")
}

// DateTime formats an instant in the user's time zone.
func (t *Translator) DateTime(ts time.Time) string {
	if ts.IsZero() {
		return "—"
	}
	zone := time.UTC
	if t != nil && t.Zone != nil {
		zone = t.Zone
	}
	ts = ts.In(zone)
	switch t.locale() {
	case "fr":
		return fmt.Sprintf("%d %s %d %s", ts.Day(), frMonths[ts.Month()-1], ts.Year(), ts.Format("15:04 MST"))
	case "ja":
		return fmt.Sprintf("%d年%d月%d日 %s", ts.Year(), int(ts.Month()), ts.Day(), ts.Format("15:04 MST"))
	}
	return ts.Format("2 Jan 2006 15:04 MST")
}

func (t *Translator) locale() string {
	if t == nil {
		return "en"
	}
	return t.Locale
}

// CountryName is the country's name in the locale.
func (t *Translator) CountryName(code string) string {
	r, err := language.ParseRegion(code)
	if err != nil {
		return code
	}
	return regionName(t.locale(), r)
}

// LanguageName is a locale's own name, for the language picker.
func LanguageName(locale string) string {
	switch locale {
	case "fr":
		return "Français"
	case "ja":
		return "日本語"
	}
	return "English"
}

// Countries lists ISO 3166-1 alpha-2 codes, sorted by name in the locale.
func (t *Translator) Countries() []string { return sortedCountries(t.locale()) }
