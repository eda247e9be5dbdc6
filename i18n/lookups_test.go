package i18n

import (
	"slices"
	"testing"
)

// The CLDR look-ups are memoised in the bundle, not in package variables
// (issue 7 §2): translators of one bundle share them, another bundle starts
// empty, and a translator without a bundle answers the same, unmemoised.
func TestLookupsBelongToTheBundle(t *testing.T) {
	b := MustLoad()
	fr, ja := b.For("fr", "Europe/Paris"), b.For("ja", "Asia/Tokyo")
	if fr.lookup == nil || fr.lookup != ja.lookup {
		t.Fatal("translators of one bundle do not share its lookups")
	}
	if other := MustLoad().For("fr", "UTC"); other.lookup == fr.lookup {
		t.Fatal("two bundles share lookups")
	}
	if got := fr.CountryName("GB"); got != "Royaume-Uni" {
		t.Errorf("CountryName(GB) = %q", got)
	}
	if _, ok := fr.lookup.names.Load("fr"); !ok {
		t.Error("the country name was not memoised in the bundle")
	}
	fr.Money(100, "USD")
	if _, ok := fr.lookup.symbols.Load("fr|USD"); !ok {
		t.Error("the currency symbol was not memoised in the bundle")
	}
	// Callers get their own copy of the sorted list.
	list := fr.Countries()
	want := slices.Clone(list)
	list[0] = "XX"
	if again := fr.Countries(); !slices.Equal(again, want) {
		t.Error("changing a returned country list changed the bundle's")
	}
	// Without a bundle: same answers, nothing memoised.
	en := English()
	if en.lookup != nil || en.CountryName("GB") != b.For("en", "UTC").CountryName("GB") ||
		!slices.Equal(en.Countries(), b.For("en", "UTC").Countries()) {
		t.Error("English() answers differently from the bundle's English")
	}
}
