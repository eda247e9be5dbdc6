package i18n

import (
	"fmt"
	"partnerconsole/models"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/currency"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// Number separators per locale, as CLDR and the browsers' Intl API write
// them: French groups digits with a narrow no-break space (U+202F) and puts a
// no-break space (U+00A0) before the currency symbol.
const (
	nbsp       = "\u00a0"
	narrowNbsp = "\u202f"
)

func (t *Translator) separators() (group, decimal string) {
	if t.locale() == "fr" {
		return narrowNbsp, ","
	}
	return ",", "."
}

// CurrencyScale is the number of minor-unit digits of a currency; the one
// list lives in models.
func CurrencyScale(cur string) int { return models.CurrencyScale(cur) }

// abs returns |n| without overflowing on the smallest int64.
func abs(n int64) uint64 {
	if n < 0 {
		return uint64(-(n + 1)) + 1
	}
	return uint64(n)
}

// group writes digits with a separator every three digits from the right.
func group(digits, sep string) string {
	if len(digits) <= 3 {
		return digits
	}
	var b strings.Builder
	head := len(digits) % 3
	if head > 0 {
		b.WriteString(digits[:head])
	}
	for i := head; i < len(digits); i += 3 {
		if b.Len() > 0 {
			b.WriteString(sep)
		}
		b.WriteString(digits[i : i+3])
	}
	return b.String()
}

// decimal formats |minor| with scale fraction digits in the locale's
// separators, exactly (no floating point).
func (t *Translator) decimal(minor int64, scale int) string {
	gs, ds := t.separators()
	digits := fmt.Sprint(abs(minor))
	if scale <= 0 {
		return group(digits, gs)
	}
	for len(digits) <= scale {
		digits = "0" + digits
	}
	cut := len(digits) - scale
	return group(digits[:cut], gs) + ds + digits[cut:]
}

// Money formats integer minor units of a currency for the locale, as
// Google's and Microsoft's consoles show it: "€1,234.50" and "-€1,234.50" in
// English, "1 234,50 €" in French, "￥1,235" in Japanese. Currencies whose
// symbol is a code get a space ("CHF 1,234.50").
func (t *Translator) Money(minor int64, cur string) string {
	cur = strings.ToUpper(strings.TrimSpace(cur))
	num := t.decimal(minor, CurrencyScale(cur))
	sym := t.currencySymbol(cur)
	sign := ""
	if minor < 0 {
		sign = "-"
	}
	if t.locale() == "fr" {
		return sign + num + nbsp + sym
	}
	if r, _ := utf8.DecodeLastRuneInString(sym); unicode.IsLetter(r) {
		return sign + sym + nbsp + num
	}
	return sign + sym + num
}

// currencySymbol is the currency's symbol in the locale (CLDR data from
// golang.org/x/text): "€", "$US" in French, "￥" in Japanese; the code itself
// for an unknown currency.
func (t *Translator) currencySymbol(cur string) string {
	locale := t.locale()
	key := locale + "|" + cur
	if t != nil && t.lookup != nil {
		if s, ok := t.lookup.symbols.Load(key); ok {
			return s.(string)
		}
	}
	sym := cur
	if unit, err := currency.ParseISO(cur); err == nil {
		sym = message.NewPrinter(language.Make(locale)).Sprint(currency.Symbol(unit))
	}
	if t != nil && t.lookup != nil {
		t.lookup.symbols.Store(key, sym)
	}
	return sym
}

// MoneyAmount formats minor units as a plain decimal for a form field
// ("1234.50", "1235" for JPY): no grouping, a dot, whatever the locale.
func MoneyAmount(minor int64, cur string) string {
	scale := CurrencyScale(cur)
	digits := fmt.Sprint(abs(minor))
	sign := ""
	if minor < 0 {
		sign = "-"
	}
	if scale == 0 {
		return sign + digits
	}
	for len(digits) <= scale {
		digits = "0" + digits
	}
	cut := len(digits) - scale
	return sign + digits[:cut] + "." + digits[cut:]
}

// Number formats an integer with the locale's grouping: "1,234,567" in
// English and Japanese, "1 234 567" in French.
func (t *Translator) Number(n int64) string {
	gs, _ := t.separators()
	s := group(fmt.Sprint(abs(n)), gs)
	if n < 0 {
		return "-" + s
	}
	return s
}

// frMonth is the French abbreviated month name.
func frMonth(m time.Month) string {
	return [...]string{"janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."}[m-1]
}

// Date formats a calendar date for the locale: "4 Mar 2025", "4 mars 2025",
// "2025年3月4日". There is no time zone shift: dates such as renewal dates
// are calendar days, read in the location they carry.
func (t *Translator) Date(d time.Time) string {
	if d.IsZero() {
		return "—"
	}
	switch t.locale() {
	case "fr":
		return fmt.Sprintf("%d %s %d", d.Day(), frMonth(d.Month()), d.Year())
	case "ja":
		return fmt.Sprintf("%d年%d月%d日", d.Year(), int(d.Month()), d.Day())
	}
	return d.Format("2 Jan 2006")
}

// DateTime formats an instant in the user's time zone, with the zone's
// abbreviation: "5 Mar 2025 00:30 CET", "5 mars 2025 00:30 CET",
// "2025年3月5日 00:30 CET".
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
		return fmt.Sprintf("%d %s %d %s", ts.Day(), frMonth(ts.Month()), ts.Year(), ts.Format("15:04 MST"))
	case "ja":
		return fmt.Sprintf("%d年%d月%d日 %s", ts.Year(), int(ts.Month()), ts.Day(), ts.Format("15:04 MST"))
	}
	return ts.Format("2 Jan 2006 15:04 MST")
}
