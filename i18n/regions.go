package i18n

import (
	"sort"
	"sync"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"
	"golang.org/x/text/language/display"

	"partnerconsole/models"
)

var (
	sortedMu    sync.Mutex
	sortedCache = map[string][]string{}
	// nameCache holds country names per locale: every list page's country
	// filter names ~250 countries, and the CLDR lookup is not free.
	nameCache sync.Map // locale+code → name
)

// CountryName is the country's name in the locale ("Royaume-Uni" for GB in
// French, "イギリス" in Japanese); the code itself when it is unknown.
func (t *Translator) CountryName(code string) string {
	key := t.locale() + ":" + code
	if n, ok := nameCache.Load(key); ok {
		return n.(string)
	}
	r, err := language.ParseRegion(code)
	if err != nil {
		return code
	}
	n := regionName(t.locale(), r)
	nameCache.Store(key, n)
	return n
}

// shortNames are the short forms CLDR gives for names whose display form is
// long; a country picker shows the short one, as Google's consoles do.
var shortNames = map[string]map[string]string{
	"en": {"HK": "Hong Kong", "MO": "Macao"},
	"fr": {"HK": "Hong Kong", "MO": "Macao"},
	"ja": {"HK": "香港", "MO": "マカオ"},
}

// jaReadings are the katakana readings of the Japanese country names that
// start with kanji, so the list sorts in dictionary (gojūon) order as
// Japanese readers expect (中国 under チ, 日本 under ニ).
var jaReadings = map[string]string{
	"IO": "エイリョウインドヨウチイキ", "VG": "エイリョウヴァージンショトウ", "KR": "カンコク",
	"UM": "ガッシュウコクリョウユウショウリトウ", "EH": "ニシサハラ", "GQ": "セキドウギニア", "TW": "タイワン",
	"CF": "チュウオウアフリカキョウワコク", "HK": "ホンコン", "CN": "チュウゴク", "TL": "ヒガシティモール",
	"ZA": "ミナミアフリカ", "SS": "ミナミスーダン", "AQ": "ナンキョク", "JP": "ニホン", "GF": "フツリョウギアナ",
	"PF": "フツリョウポリネシア", "TF": "フツリョウキョクナンショトウ", "VI": "ベイリョウヴァージンショトウ",
	"AS": "ベイリョウサモア", "MP": "キタマリアナショトウ", "KP": "キタチョウセン",
}

func regionName(locale string, r language.Region) string {
	if n, ok := shortNames[locale][r.String()]; ok {
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
	return append([]string(nil), sortedCountries(t.locale())...)
}

func sortedCountries(locale string) []string {
	sortedMu.Lock()
	defer sortedMu.Unlock()
	if c, ok := sortedCache[locale]; ok {
		return c
	}
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
		case locale == "ja" && jaReadings[c] != "":
			names[c] = jaReadings[c]
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
	sortedCache[locale] = codes
	return codes
}
