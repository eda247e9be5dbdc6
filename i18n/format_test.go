package i18n

import (
	"math"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"

	"partnerconsole/models"
)

var bundle = MustLoad()

func TestMoney(t *testing.T) {
	for _, c := range []struct {
		locale string
		minor  int64
		cur    string
		want   string
	}{
		// EUR: symbol before in English and Japanese, after in French with
		// French separators (narrow no-break space for groups, comma).
		{"en", 123450, "EUR", "€1,234.50"},
		{"fr", 123450, "EUR", "1\u202f234,50\u00a0€"},
		{"ja", 123450, "EUR", "€1,234.50"},
		{"en", 5, "EUR", "€0.05"},
		{"fr", 0, "EUR", "0,00\u00a0€"},
		{"en", 123456789012, "EUR", "€1,234,567,890.12"},
		// JPY has no minor unit: no decimals, in every locale.
		{"en", 1235, "JPY", "¥1,235"},
		{"fr", 1235, "JPY", "1\u202f235\u00a0JPY"},
		{"ja", 1235, "JPY", "￥1,235"},
		{"ja", 1000000, "JPY", "￥1,000,000"},
		// Negative amounts (credits, refunds): the sign leads.
		{"en", -123450, "EUR", "-€1,234.50"},
		{"fr", -123450, "EUR", "-1\u202f234,50\u00a0€"},
		{"ja", -1235, "JPY", "-￥1,235"},
		{"en", -7, "USD", "-$0.07"},
		// Other currencies: locale symbols, a space after a letter symbol,
		// three decimals for KWD, the code for an unknown currency.
		{"fr", 1999, "USD", "19,99\u00a0$US"},
		{"en", 1999, "GBP", "£19.99"},
		{"en", 123450, "CHF", "CHF\u00a01,234.50"},
		{"ja", 123450, "CHF", "CHF\u00a01,234.50"},
		{"en", 1234567, "KWD", "KWD\u00a01,234.567"},
		{"en", 1050, "xyz", "XYZ\u00a010.50"},
		{"en", 1050, "eur", "€10.50"},
	} {
		if got := bundle.For(c.locale, "UTC").Money(c.minor, c.cur); got != c.want {
			t.Errorf("%s Money(%d, %s) = %q, want %q", c.locale, c.minor, c.cur, got, c.want)
		}
	}
	// The smallest int64 does not overflow.
	if got := bundle.For("en", "UTC").Money(math.MinInt64, "EUR"); got != "-€92,233,720,368,547,758.08" {
		t.Errorf("Money(MinInt64) = %q", got)
	}
}

func TestMoneyAmount(t *testing.T) {
	for _, c := range []struct {
		minor int64
		cur   string
		want  string
	}{
		{123450, "EUR", "1234.50"}, {5, "EUR", "0.05"}, {-5, "EUR", "-0.05"}, {0, "EUR", "0.00"},
		{1235, "JPY", "1235"}, {-1235, "JPY", "-1235"}, {1234567, "KWD", "1234.567"},
	} {
		if got := MoneyAmount(c.minor, c.cur); got != c.want {
			t.Errorf("MoneyAmount(%d, %s) = %q, want %q", c.minor, c.cur, got, c.want)
		}
	}
}

func TestCurrencyScale(t *testing.T) {
	for cur, want := range map[string]int{"EUR": 2, "USD": 2, "JPY": 0, "KRW": 0, "jpy": 0, "KWD": 3, "BHD": 3, "IDR": 2, "CLF": 4} {
		if got := CurrencyScale(cur); got != want {
			t.Errorf("CurrencyScale(%s) = %d, want %d", cur, got, want)
		}
	}
}

func TestNumber(t *testing.T) {
	for _, c := range []struct {
		locale string
		n      int64
		want   string
	}{
		{"en", 0, "0"}, {"en", 999, "999"}, {"en", 1000, "1,000"}, {"en", 1234567, "1,234,567"},
		{"en", -1234567, "-1,234,567"},
		{"fr", 1234567, "1\u202f234\u202f567"}, {"fr", 999, "999"}, {"fr", -1000, "-1\u202f000"},
		{"ja", 1234567, "1,234,567"},
	} {
		if got := bundle.For(c.locale, "UTC").Number(c.n); got != c.want {
			t.Errorf("%s Number(%d) = %q, want %q", c.locale, c.n, got, c.want)
		}
	}
}

func TestDate(t *testing.T) {
	d := time.Date(2025, 3, 4, 0, 0, 0, 0, time.UTC)
	aug := time.Date(2026, 8, 31, 0, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		locale string
		d      time.Time
		want   string
	}{
		{"en", d, "4 Mar 2025"}, {"fr", d, "4 mars 2025"}, {"ja", d, "2025年3月4日"},
		{"en", aug, "31 Aug 2026"}, {"fr", aug, "31 août 2026"}, {"ja", aug, "2026年8月31日"},
		{"fr", time.Date(2025, 2, 1, 0, 0, 0, 0, time.UTC), "1 févr. 2025"},
		{"en", time.Time{}, "—"}, {"ja", time.Time{}, "—"},
	} {
		// A calendar date does not move with the user's time zone.
		if got := bundle.For(c.locale, "America/Los_Angeles").Date(c.d); got != c.want {
			t.Errorf("%s Date(%v) = %q, want %q", c.locale, c.d, got, c.want)
		}
	}
}

func TestDateTimeInUsersZone(t *testing.T) {
	late := time.Date(2025, 3, 4, 23, 30, 0, 0, time.UTC)   // winter
	summer := time.Date(2025, 7, 14, 10, 5, 0, 0, time.UTC) // summer time in Europe and America
	for _, c := range []struct {
		locale, zone string
		ts           time.Time
		want         string
	}{
		{"en", "UTC", late, "4 Mar 2025 23:30 UTC"},
		{"en", "Europe/Paris", late, "5 Mar 2025 00:30 CET"},
		{"fr", "Europe/Paris", late, "5 mars 2025 00:30 CET"},
		{"ja", "Asia/Tokyo", late, "2025年3月5日 08:30 JST"},
		{"en", "America/New_York", late, "4 Mar 2025 18:30 EST"},
		{"fr", "Europe/Paris", summer, "14 juil. 2025 12:05 CEST"},
		{"en", "America/Los_Angeles", summer, "14 Jul 2025 03:05 PDT"},
		{"ja", "Asia/Tokyo", summer, "2025年7月14日 19:05 JST"},
		// An unknown zone falls back to UTC.
		{"en", "Mars/Olympus_Mons", late, "4 Mar 2025 23:30 UTC"},
		{"fr", "", late, "4 mars 2025 23:30 UTC"},
		{"en", "Europe/Paris", time.Time{}, "—"},
	} {
		if got := bundle.For(c.locale, c.zone).DateTime(c.ts); got != c.want {
			t.Errorf("%s %s DateTime = %q, want %q", c.locale, c.zone, got, c.want)
		}
	}
	// The instant's own location does not matter, only the user's zone.
	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	if got := bundle.For("en", "Europe/Paris").DateTime(late.In(tokyo)); got != "5 Mar 2025 00:30 CET" {
		t.Errorf("DateTime of a Tokyo time for a Paris user = %q", got)
	}
}

func TestCountryName(t *testing.T) {
	want := map[string]map[string]string{
		"en": {"US": "United States", "FR": "France", "GB": "United Kingdom", "JP": "Japan", "DE": "Germany", "CH": "Switzerland", "HK": "Hong Kong"},
		"fr": {"US": "États-Unis", "FR": "France", "GB": "Royaume-Uni", "JP": "Japon", "DE": "Allemagne", "CH": "Suisse", "NL": "Pays-Bas", "HK": "Hong Kong"},
		"ja": {"US": "アメリカ合衆国", "FR": "フランス", "GB": "イギリス", "JP": "日本", "DE": "ドイツ", "CH": "スイス", "SE": "スウェーデン", "HK": "香港"},
	}
	for locale, names := range want {
		tr := bundle.For(locale, "UTC")
		for code, name := range names {
			if got := tr.CountryName(code); got != name {
				t.Errorf("%s CountryName(%s) = %q, want %q", locale, code, got, name)
			}
		}
		if got := tr.CountryName("Q1"); got != "Q1" {
			t.Errorf("%s CountryName of a bad code = %q, want the code", locale, got)
		}
	}
}

func TestCountries(t *testing.T) {
	for _, locale := range models.Locales() {
		tr := bundle.For(locale, "UTC")
		codes := tr.Countries()
		if len(codes) != len(models.CountryCodes()) {
			t.Errorf("%s: %d countries, want the %d models accept", locale, len(codes), len(models.CountryCodes()))
		}
		seen := map[string]bool{}
		for _, c := range codes {
			if !models.ValidCountry(c) || seen[c] {
				t.Errorf("%s: %q is invalid or listed twice", locale, c)
			}
			seen[c] = true
			if n := tr.CountryName(c); n == "" || n == c {
				t.Errorf("%s: %s has no name", locale, c)
			}
		}
		for _, c := range []string{"US", "FR", "GB", "JP", "SE", "CA", "CH", "AU", "DE", "NL"} {
			if !seen[c] {
				t.Errorf("%s: Countries() lacks %s", locale, c)
			}
		}
		// Sorted by name with the locale's collation (ja: by reading).
		col := collate.New(language.Make(locale))
		if locale == "ja" {
			col = collate.New(language.Und)
		}
		key := func(c string) string {
			if locale == "ja" && jaReadings()[c] != "" {
				return jaReadings()[c]
			}
			return tr.CountryName(c)
		}
		for i := 1; i < len(codes); i++ {
			if col.CompareString(key(codes[i-1]), key(codes[i])) > 0 {
				t.Errorf("%s: %s (%s) is listed before %s (%s)", locale, codes[i-1], tr.CountryName(codes[i-1]), codes[i], tr.CountryName(codes[i]))
			}
		}
		// The caller may not reorder the shared list.
		codes[0], codes[1] = codes[1], codes[0]
		if again := tr.Countries(); again[0] == codes[0] {
			t.Errorf("%s: Countries() returns a shared slice", locale)
		}
	}
	order := func(locale string, codes ...string) {
		t.Helper()
		pos := map[string]int{}
		for i, c := range bundle.For(locale, "UTC").Countries() {
			pos[c] = i
		}
		for i := 1; i < len(codes); i++ {
			if pos[codes[i-1]] >= pos[codes[i]] {
				t.Errorf("%s: %s should come before %s", locale, codes[i-1], codes[i])
			}
		}
	}
	order("en", "AF", "AL", "FR", "DE", "JP", "GB", "US")
	// French: accents do not break the order (Égypte with the E's, États-Unis
	// before Éthiopie), Afrique du Sud before Albanie.
	order("fr", "ZA", "AL", "DE", "EG", "AE", "EC", "ES", "US", "ET", "FR")
	// Japanese: gojūon order; the long-vowel mark and kanji names by reading.
	order("ja", "IS", "AZ", "GH", "CV", "KR", "CN", "JP", "RO")
}

func TestTranslate(t *testing.T) {
	fr, ja, en := bundle.For("fr", "Europe/Paris"), bundle.For("ja", "Asia/Tokyo"), bundle.For("en", "UTC")
	if got := fr.T("Customers"); got != "Clients" {
		t.Errorf("fr Customers = %q", got)
	}
	if got := ja.T("Customers"); got != "顧客" {
		t.Errorf("ja Customers = %q", got)
	}
	if got := fr.T("Welcome, {{.Name}}", "Name", "Anne"); got != "Bienvenue, Anne" {
		t.Errorf("fr placeholder = %q", got)
	}
	if got := ja.T("Welcome, {{.Name}}", "Name", "佐藤"); got != "ようこそ、佐藤 さん" {
		t.Errorf("ja placeholder = %q", got)
	}
	if got := en.T("Welcome, {{.Name}}", "Name", "Ann"); got != "Welcome, Ann" {
		t.Errorf("en placeholder = %q", got)
	}
	// An id nobody translated stays English, placeholders filled.
	if got := fr.T("Untranslated {{.X}} text", "X", 3); got != "Untranslated 3 text" {
		t.Errorf("fallback = %q", got)
	}
	// Before a request has a translator: English with placeholders filled.
	if got := English().T("{{.N}} results", "N", "12"); got != "12 results" {
		t.Errorf("English = %q", got)
	}
	var nilTr *Translator
	if got := nilTr.T("Customers"); got != "Customers" {
		t.Errorf("nil translator = %q", got)
	}
	// An unknown locale is English; an unknown zone is UTC.
	if tr := bundle.For("de", "Nowhere/City"); tr.Locale != "en" || tr.Zone != time.UTC {
		t.Errorf("For(de, bad zone) = %s %v", tr.Locale, tr.Zone)
	}
	// "Other" and "Description" are ids like any other (go-i18n's own file
	// loader would take them for plural forms and refuse the file).
	if got := fr.T("Other"); got != "Autre" {
		t.Errorf("fr Other = %q", got)
	}
	if LanguageName("fr") != "Français" || LanguageName("ja") != "日本語" || LanguageName("en") != "English" {
		t.Error("LanguageName")
	}
	if !Messages("ja")["Customers"] || Messages("ja")["No such id"] {
		t.Error("Messages(ja) is wrong")
	}
}

func TestLoadFiles(t *testing.T) {
	good := fstest.MapFS{
		"locales/core.fr.toml":  {Data: []byte("\"Other\" = \"Autre\"\n\"Description\" = \"Description\"\n\"One\" = \"Un\"\n\"Empty\" = \"\"\n")},
		"locales/cases.fr.toml": {Data: []byte("\"Open\" = \"Ouvert\"\n")},
	}
	b, err := load(good)
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	fr := b.For("fr", "UTC")
	for id, want := range map[string]string{"Other": "Autre", "One": "Un", "Open": "Ouvert", "Empty": "Empty"} {
		if got := fr.T(id); got != want {
			t.Errorf("T(%q) = %q, want %q", id, got, want)
		}
	}
	for name, data := range map[string]string{
		"locales/core.de.toml": "\"A\" = \"B\"\n",                // a locale we do not speak
		"locales/core.toml":    "\"A\" = \"B\"\n",                // no locale
		"locales/x.fr.toml":    "[section]\n\"A\" = \"B\"\n",     // nested table
		"locales/y.fr.toml":    "\"A\" = \"B\"\n\"A\" = \"C\"\n", // duplicate key
		"locales/z.fr.toml":    "\"A\" = 3\n",                    // not a string
	} {
		if _, err := load(fstest.MapFS{name: {Data: []byte(data)}}); err == nil {
			t.Errorf("load accepted %s: %q", name, data)
		}
	}
}

func TestEmbeddedFilesLoad(t *testing.T) {
	if _, err := Load(); err != nil {
		t.Fatal(err)
	}
	cat, err := readCatalogue(files)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range cat {
		for id := range f.Messages {
			if strings.TrimSpace(id) != id {
				t.Errorf("%s: id %q has leading or trailing spaces", f.Name, id)
			}
		}
	}
}
