package models_test

import (
	"regexp"
	"strings"
	"testing"

	"golang.org/x/text/currency"
	"golang.org/x/text/language"

	"partnerconsole/models"
)

var resellerIDShape = regexp.MustCompile(`^[A-Z2-9]{4}-[A-Z2-9]{4}$`)

func TestNewPublicResellerIDFormat(t *testing.T) {
	seen := map[string]bool{}
	used := map[rune]bool{}
	const n = 5000
	for i := 0; i < n; i++ {
		id := models.NewPublicResellerID()
		if !resellerIDShape.MatchString(id) {
			t.Fatalf("id %q does not match XXXX-XXXX", id)
		}
		if strings.ContainsAny(id, "0O1IL") {
			t.Fatalf("id %q holds an ambiguous character", id)
		}
		norm, ok := models.NormalizePublicResellerID(id)
		if !ok || norm != id {
			t.Fatalf("NormalizePublicResellerID(%q) = %q, %v; want the id itself", id, norm, ok)
		}
		seen[id] = true
		for _, r := range strings.ReplaceAll(id, "-", "") {
			used[r] = true
		}
	}
	// 40 bits of space: 5000 draws colliding would mean a broken generator.
	if len(seen) < n-1 {
		t.Errorf("only %d distinct ids out of %d", len(seen), n)
	}
	// Every letter of the 31-character alphabet shows up over 40000 draws.
	for _, r := range "ABCDEFGHJKMNPQRSTUVWXYZ23456789" {
		if !used[r] {
			t.Errorf("character %q never drawn", r)
		}
	}
	if len(used) != 31 {
		t.Errorf("alphabet used has %d characters, want 31", len(used))
	}
}

func TestNormalizePublicResellerID(t *testing.T) {
	cases := []struct {
		in   string
		want string
		ok   bool
	}{
		{"K7QM-4XTD", "K7QM-4XTD", true},
		{"k7qm-4xtd", "K7QM-4XTD", true},
		{"K7QM4XTD", "K7QM-4XTD", true},
		{"k7qm4xtd", "K7QM-4XTD", true},
		{"  k7qm 4xtd ", "K7QM-4XTD", true},
		{"K7 QM-4X TD", "K7QM-4XTD", true},
		{"K0QM-4XTD", "", false},  // zero
		{"KOQM-4XTD", "", false},  // letter O
		{"K1QM-4XTD", "", false},  // one
		{"KIQM-4XTD", "", false},  // letter I
		{"KLQM-4XTD", "", false},  // letter L
		{"klqm-4xtd", "", false},  // lower-case l
		{"K7QM-4XT", "", false},   // too short
		{"K7QM-4XTDA", "", false}, // too long
		{"", "", false},
		{"K7QM_4XTD", "", false},
		{"K7QM-4XT!", "", false},
		{"K7QM-4XTÉ", "", false},
	}
	for _, c := range cases {
		got, ok := models.NormalizePublicResellerID(c.in)
		if ok != c.ok || (c.ok && got != c.want) {
			t.Errorf("NormalizePublicResellerID(%q) = %q, %v; want %q, %v", c.in, got, ok, c.want, c.ok)
		}
	}
}

func TestNormalizeDomain(t *testing.T) {
	long63 := strings.Repeat("a", 63)
	long64 := strings.Repeat("a", 64)
	// 4 labels of 63 + "com": 4*64+3 = 259 > 253.
	tooLong := strings.Repeat(long63+".", 4) + "com"
	// 3 labels of 63 + a 56-char label + ".com" = 253 exactly.
	maxLen := strings.Repeat(long63+".", 3) + strings.Repeat("b", 57) + ".com"
	if len(maxLen) != 253 {
		t.Fatalf("test setup: len %d", len(maxLen))
	}
	cases := []struct {
		in   string
		want string
		ok   bool
	}{
		{"example.com", "example.com", true},
		{"Example.COM", "example.com", true},
		{"  example.com  ", "example.com", true},
		{"example.com.", "example.com", true}, // trailing dot of a fully qualified name
		{"mail.eu.example.co.uk", "mail.eu.example.co.uk", true},
		{"acme-robotics.example", "acme-robotics.example", true},
		{"a1.io", "a1.io", true},
		{"123.example", "123.example", true},
		{"xn--bcher-kva.example", "xn--bcher-kva.example", true}, // IDN label (bücher)
		{"example.xn--p1ai", "example.xn--p1ai", true},           // IDN top-level label (.рф)
		{long63 + ".com", long63 + ".com", true},
		{maxLen, maxLen, true},
		{"localhost", "", false},          // single label
		{"com", "", false},                // single label
		{"", "", false},                   // empty
		{".", "", false},                  // only a dot
		{"example.com..", "", false},      // two trailing dots
		{".example.com", "", false},       // empty first label
		{"exa..mple.com", "", false},      // empty label
		{"-example.com", "", false},       // label starts with a hyphen
		{"example-.com", "", false},       // label ends with a hyphen
		{"exa_mple.com", "", false},       // underscore
		{"exa mple.com", "", false},       // space
		{"example.c", "", false},          // one-letter TLD
		{"example.123", "", false},        // numeric TLD
		{"example.c0m", "", false},        // TLD with a digit
		{"192.168.1.1", "", false},        // an IP address
		{"bücher.example", "", false},     // raw Unicode: type its xn-- form
		{long64 + ".com", "", false},      // label over 63 characters
		{tooLong, "", false},              // name over 253 characters
		{"http://example.com", "", false}, // a URL
		{"user@example.com", "", false},   // an email
		{"example.com/path", "", false},   // a path
		{"*.example.com", "", false},      // a wildcard
	}
	for _, c := range cases {
		got, ok := models.NormalizeDomain(c.in)
		if ok != c.ok || (c.ok && got != c.want) {
			t.Errorf("NormalizeDomain(%q) = %q, %v; want %q, %v", c.in, got, ok, c.want, c.ok)
		}
	}
}

func TestValidCountry(t *testing.T) {
	cases := map[string]bool{
		"FR": true, "GB": true, "US": true, "JP": true, "DE": true, "SE": true, "CH": true, "AU": true, "CA": true, "NL": true,
		"AQ": true, "AX": true, "CW": true, "SS": true, "BQ": true,
		"fr": false, "Fr": false, "FRA": false, "F": false, "": false, " FR": false, "FR ": false, "FR GA": false, "R G": false,
		"UK": false,                                                     // exceptionally reserved: the code is GB
		"EU": false,                                                     // a union, not a country
		"UN": false,                                                     // United Nations
		"ZZ": false,                                                     // unknown region
		"XK": false,                                                     // user-assigned (Kosovo), not ISO 3166-1
		"SU": false, "DD": false, "YU": false, "CS": false, "AN": false, // withdrawn
		"EA": false, "IC": false, "AC": false, "CP": false, "DG": false, "TA": false, // reserved
		"AA": false, "QO": false, "XA": false, "12": false,
	}
	for code, want := range cases {
		if got := models.ValidCountry(code); got != want {
			t.Errorf("ValidCountry(%q) = %v, want %v", code, got, want)
		}
	}
	codes := models.CountryCodes()
	if len(codes) != 249 {
		t.Errorf("CountryCodes has %d codes, want the 249 assigned ones", len(codes))
	}
	seen := map[string]bool{}
	for _, c := range codes {
		if seen[c] {
			t.Errorf("CountryCodes repeats %s", c)
		}
		seen[c] = true
		if !models.ValidCountry(c) {
			t.Errorf("listed %s is not valid", c)
		}
		// Every listed code has a name to show in the pickers.
		r, err := language.ParseRegion(c)
		if err != nil || !r.IsCountry() || r.String() != c {
			t.Errorf("x/text does not know %s as a country", c)
		}
	}
}

func TestValidCurrency(t *testing.T) {
	cases := map[string]bool{
		"EUR": true, "USD": true, "GBP": true, "JPY": true, "CHF": true, "SEK": true, "AUD": true, "CAD": true,
		"eur": false, "Eur": false, "EU": false, "EURO": false, "": false, " EUR": false,
		"XXX": false, "XTS": false, // no currency, testing
		"ABC": false,
		"FRF": false, "DEM": false, "ITL": false, "HRK": false, "ZWD": false, "VEF": false, // withdrawn
		"XAU": false, "XDR": false, "CHE": false, "USN": false, // metals and funds
	}
	for code, want := range cases {
		if got := models.ValidCurrency(code); got != want {
			t.Errorf("ValidCurrency(%q) = %v, want %v", code, got, want)
		}
	}
	for _, c := range models.CurrencyCodes() {
		if !models.ValidCurrency(c) {
			t.Errorf("listed %s is not valid", c)
		}
		// Money formatting needs x/text to know the currency's minor units.
		if _, err := currency.ParseISO(c); err != nil {
			t.Errorf("x/text does not know %s: %v", c, err)
		}
	}
}

func TestValidEmail(t *testing.T) {
	cases := map[string]bool{
		"alice@example.com":          true,
		"alice.martin@example.co.uk": true,
		"a+tag@example.com":          true,
		"o'brien@example.ie":         true,
		"it@xn--bcher-kva.example":   true,
		"":                           false,
		"alice":                      false,
		"alice@":                     false,
		"@example.com":               false,
		"alice@example":              false, // single-label domain
		"alice@example.com.":         false,
		"alice@-example.com":         false,
		"alice@exa_mple.com":         false,
		"alice@[192.0.2.1]":          false, // IP literal
		"alice@192.0.2.1":            false,
		"alice@@example.com":         false,
		"alice @example.com":         false,
		"Alice <alice@example.com>":  false, // a display name is not a bare address
		" alice@example.com":         false, // callers normalise first
		"alice@example..com":         false,
		"alice.@example.com":         false,
		`"a b"@example.com`:          false,
	}
	for in, want := range cases {
		if got := models.ValidEmail(in); got != want {
			t.Errorf("ValidEmail(%q) = %v, want %v", in, got, want)
		}
	}
	if got := models.NormalizeEmail("  Alice@Example.COM "); got != "alice@example.com" {
		t.Errorf("NormalizeEmail = %q", got)
	}
}
