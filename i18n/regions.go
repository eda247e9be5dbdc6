package i18n

import (
	"sort"
	"sync"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
)

var (
	countryOnce  sync.Once
	countryCodes []string
	sortedMu     sync.Mutex
	sortedCache  = map[string][]string{}
)

// allCountries enumerates every ISO 3166-1 alpha-2 code known to x/text.
func allCountries() []string {
	countryOnce.Do(func() {
		for a := 'A'; a <= 'Z'; a++ {
			for b := 'A'; b <= 'Z'; b++ {
				code := string([]rune{a, b})
				r, err := language.ParseRegion(code)
				if err == nil && r.IsCountry() && r.String() == code {
					countryCodes = append(countryCodes, code)
				}
			}
		}
	})
	return countryCodes
}

func regionName(locale string, r language.Region) string {
	n := display.Regions(language.Make(locale)).Name(r)
	if n == "" {
		return r.String()
	}
	return n
}

func sortedCountries(locale string) []string {
	sortedMu.Lock()
	defer sortedMu.Unlock()
	if c, ok := sortedCache[locale]; ok {
		return c
	}
	codes := append([]string(nil), allCountries()...)
	col := collate.New(language.Make(locale))
	names := map[string]string{}
	for _, c := range codes {
		r, _ := language.ParseRegion(c)
		names[c] = regionName(locale, r)
	}
	sort.Slice(codes, func(i, j int) bool { return col.CompareString(names[codes[i]], names[codes[j]]) < 0 })
	sortedCache[locale] = codes
	return codes
}
