package i18n

import (
	"sort"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"
	"golang.org/x/text/language/display"

	"partnerconsole/models"
)

// CountryName is the country's name in the locale ("Royaume-Uni" for GB in
// French, "イギリス" in Japanese); the code itself when it is unknown.
//
// Names are memoised in the bundle's lookups: every list page's country
// filter names ~250 countries, and the CLDR lookup is not free.
func (t *Translator) CountryName(code string) string {
	if t != nil && t.lookup != nil {
		if n, ok := t.lookup.countryNames(t.locale())[code]; ok {
			return n
		}
	}
	return countryName(t.locale(), code)
}

func countryName(locale, code string) string {
	r, err := language.ParseRegion(code)
	if err != nil {
		return code
	}
	return regionName(locale, r)
}

// countryNames names every accepted country in a locale, built once per
// locale: a look-up is then one map read, with no key to build.
func (l *lookups) countryNames(locale string) map[string]string {
	if m, ok := l.names.Load(locale); ok {
		return m.(map[string]string)
	}
	codes := models.CountryCodes()
	m := make(map[string]string, len(codes))
	for _, c := range codes {
		m[c] = countryName(locale, c)
	}
	got, _ := l.names.LoadOrStore(locale, m)
	return got.(map[string]string)
}

// shortName is the short form CLDR gives for a name whose display form is
// long; a country picker shows the short one, as Google's consoles do.
func shortName(locale, region string) (string, bool) {
	switch region + "|" + locale {
	case "HK|en", "HK|fr":
		return "Hong Kong", true
	case "MO|en", "MO|fr":
		return "Macao", true
	case "HK|ja":
		return "香港", true
	case "MO|ja":
		return "マカオ", true
	}
	return "", false
}

// jaReadings are the katakana readings of the Japanese country names that
// start with kanji, so the list sorts in dictionary (gojūon) order as
// Japanese readers expect (中国 under チ, 日本 under ニ). A fresh map per
// call: it is read once per sorted list.
func jaReadings() map[string]string {
	return map[string]string{
		"IO": "エイリョウインドヨウチイキ", "VG": "エイリョウヴァージンショトウ", "KR": "カンコク",
		"UM": "ガッシュウコクリョウユウショウリトウ", "EH": "ニシサハラ", "GQ": "セキドウギニア", "TW": "タイワン",
		"CF": "チュウオウアフリカキョウワコク", "HK": "ホンコン", "CN": "チュウゴク", "TL": "ヒガシティモール",
		"ZA": "ミナミアフリカ", "SS": "ミナミスーダン", "AQ": "ナンキョク", "JP": "ニホン", "GF": "フツリョウギアナ",
		"PF": "フツリョウポリネシア", "TF": "フツリョウキョクナンショトウ", "VI": "ベイリョウヴァージンショトウ",
		"AS": "ベイリョウサモア", "MP": "キタマリアナショトウ", "KP": "キタチョウセン",
	}
}

func regionName(locale string, r language.Region) string {
	if n, ok := shortName(locale, r.String()); ok {
		return n
	}
	n := display.Regions(language.Make(locale)).Name(r)
	if n == "" {
		return r.String()
	}
	return n
}

// Countries lists the ISO 3166-1 alpha-2 codes the console accepts
// (models.CountryCodes, the same list models.ValidCountry checks), sorted by
// their names in the locale with the locale's collation.
func (t *Translator) Countries() []string {
	locale := t.locale()
	if t == nil || t.lookup == nil {
		return sortedCountries(locale)
	}
	l := t.lookup
	l.sortedMu.Lock()
	defer l.sortedMu.Unlock()
	c, ok := l.sorted[locale]
	if !ok {
		c = sortedCountries(locale)
		l.sorted[locale] = c
	}
	return append([]string(nil), c...)
}

// sortedCountries sorts the country codes by their names in the locale.
func sortedCountries(locale string) []string {
	readings := jaReadings()
	codes := models.CountryCodes()
	col := collate.New(language.Make(locale))
	if locale == "ja" {
		// x/text's Japanese tailoring misplaces the long-vowel mark (ガーナ
		// before アゼルバイジャン); the root collation orders kana correctly.
		col = collate.New(language.Und)
	}
	names := make(map[string]string, len(codes))
	for _, c := range codes {
		r, err := language.ParseRegion(c)
		switch {
		case err != nil:
			names[c] = c
		case locale == "ja" && readings[c] != "":
			names[c] = readings[c]
		default:
			names[c] = regionName(locale, r)
		}
	}
	sort.SliceStable(codes, func(i, j int) bool {
		if d := col.CompareString(names[codes[i]], names[codes[j]]); d != 0 {
			return d < 0
		}
		return codes[i] < codes[j]
	})
	return codes
}
