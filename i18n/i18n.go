// Package i18n translates the interface (R-I18N-1) and formats money and
// dates per locale. Message ids are the English text itself, so English is
// always complete; fr and ja files translate them. A test checks that every
// id used in views, handlers, web and model errors has a French and a
// Japanese translation.
package i18n

import (
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/BurntSushi/toml"
	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"

	"partnerconsole/models"
)

//go:embed locales/*.toml
var files embed.FS

// Bundle holds every translation.
type Bundle struct {
	b      *goi18n.Bundle
	cache  sync.Map // locale|zone → *Translator
	lookup *lookups // CLDR look-ups shared by the bundle's translators
	// plain holds, per locale, the translations of messages without
	// placeholders: T answers them with one map read instead of a go-i18n
	// Localize call (templates, plural rules, allocations) per label.
	plain map[string]map[string]string
	// filled holds, per locale, the translations of messages whose only
	// template actions are simple {{.Name}} placeholders: T fills them by
	// substitution instead of go-i18n parsing and executing the template on
	// every call (the case queue's age column was a fifth of its CPU).
	filled map[string]map[string]string
	// other holds, per locale, the translated messages with placeholders
	// that are not in filled: Localize answers them.
	other map[string]map[string]bool
}

// lookups memoises CLDR look-ups (currency symbols, country names, sorted
// country lists). One is built with the Bundle, at start-up, and shared by
// every translator the bundle makes; a translator without one (English())
// looks up every time.
type lookups struct {
	symbols  sync.Map // locale|code → currency symbol
	names    sync.Map // locale → map[code]country name, every accepted country
	sortedMu sync.Mutex
	sorted   map[string][]string // locale → country codes in collation order
}

func newLookups() *lookups { return &lookups{sorted: map[string][]string{}} }

// catalogueFile is one locales/<area>.<locale>.toml file.
type catalogueFile struct {
	Name     string            // file name, e.g. "core.fr.toml"
	Locale   string            // "fr"
	Messages map[string]string // English id → translation
}

// readCatalogue parses every translation file. The files are flat TOML:
// one `"English text" = "Traduction"` line per message. They are parsed here
// rather than by go-i18n's file loader, which reads a top-level key such as
// "Other", "One" or "Description" as a plural form and refuses the file.
func readCatalogue(fsys fs.FS) ([]catalogueFile, error) {
	names, err := fs.Glob(fsys, "locales/*.toml")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	var out []catalogueFile
	for _, name := range names {
		base := path.Base(name)
		parts := strings.Split(strings.TrimSuffix(base, ".toml"), ".")
		if len(parts) != 2 || !validLocale(parts[1]) {
			return nil, fmt.Errorf("%s: name translation files <area>.<locale>.toml with locale one of %v", base, models.Locales())
		}
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		var raw map[string]any
		if err := toml.Unmarshal(data, &raw); err != nil {
			return nil, fmt.Errorf("%s: %w", base, err)
		}
		f := catalogueFile{Name: base, Locale: parts[1], Messages: make(map[string]string, len(raw))}
		for id, v := range raw {
			s, ok := v.(string)
			if !ok {
				return nil, fmt.Errorf("%s: %q is not a string; write flat \"English text\" = \"translation\" lines", base, id)
			}
			f.Messages[id] = s
		}
		out = append(out, f)
	}
	return out, nil
}

func validLocale(l string) bool { return models.ValidLocale(l) }

// Load reads the embedded translation files.
func Load() (*Bundle, error) { return load(files) }

func load(fsys fs.FS) (*Bundle, error) {
	b := goi18n.NewBundle(language.English)
	cat, err := readCatalogue(fsys)
	if err != nil {
		return nil, err
	}
	plain := map[string]map[string]string{}
	filled := map[string]map[string]string{}
	other := map[string]map[string]bool{}
	for _, f := range cat {
		msgs := make([]*goi18n.Message, 0, len(f.Messages))
		if plain[f.Locale] == nil {
			plain[f.Locale] = map[string]string{}
			filled[f.Locale] = map[string]string{}
			other[f.Locale] = map[string]bool{}
		}
		for id, text := range f.Messages {
			if text == "" {
				continue // an empty translation falls back to English
			}
			msgs = append(msgs, &goi18n.Message{ID: id, Other: text})
			if !strings.Contains(id, "{{") && !strings.Contains(text, "{{") {
				plain[f.Locale][id] = text
			} else if simpleTemplate(id) && simpleTemplate(text) {
				filled[f.Locale][id] = text
			} else {
				other[f.Locale][id] = true
			}
		}
		if err := b.AddMessages(language.Make(f.Locale), msgs...); err != nil {
			return nil, fmt.Errorf("load %s: %w", f.Name, err)
		}
	}
	return &Bundle{b: b, lookup: newLookups(), plain: plain, filled: filled, other: other}, nil
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
	cat, _ := readCatalogue(files)
	for _, f := range cat {
		if f.Locale != locale {
			continue
		}
		for id, text := range f.Messages {
			if text != "" {
				out[id] = true
			}
		}
	}
	return out
}

// English is a translator for when no request context exists yet.
func English() *Translator { return &Translator{Locale: "en", Zone: time.UTC} }

// Translator speaks one locale in one time zone. It is immutable and safe
// for concurrent use.
type Translator struct {
	Locale string
	Zone   *time.Location
	l      *goi18n.Localizer
	lookup *lookups          // nil: no memo
	plain  map[string]string // the locale's translations without placeholders (read-only)
	filled map[string]string // the locale's translations with simple placeholders only (read-only)
	other  map[string]bool   // the locale's other translations with placeholders (read-only)
}

// For returns a translator for a locale ("en", "fr", "ja") and an IANA time
// zone; anything else falls back to English and UTC.
func (b *Bundle) For(locale, zone string) *Translator {
	if !validLocale(locale) {
		locale = "en"
	}
	key := locale + "|" + zone
	if t, ok := b.cache.Load(key); ok {
		return t.(*Translator)
	}
	loc, err := time.LoadLocation(zone)
	if err != nil || zone == "" {
		loc = time.UTC
	}
	t := &Translator{Locale: locale, Zone: loc, l: goi18n.NewLocalizer(b.b, locale), lookup: b.lookup, plain: b.plain[locale], filled: b.filled[locale], other: b.other[locale]}
	if err == nil && zone != "" {
		// Only valid zone names are cached, so the cache stays bounded.
		b.cache.Store(key, t)
	}
	return t
}

// T translates an English message. args are name/value pairs for the
// message's {{.Name}} placeholders.
func (t *Translator) T(msg string, args ...any) string {
	if t == nil || t.l == nil {
		return fill(msg, args)
	}
	if len(args) == 0 && !strings.Contains(msg, "{{") {
		// What Localize answers, without it: the translation, else the
		// English message itself.
		if s, ok := t.plain[msg]; ok {
			return s
		}
		return msg
	}
	if simpleTemplate(msg) {
		// What Localize answers for a template of plain placeholders: the
		// translation (else the English message) with each one filled in.
		text, ok := t.filled[msg]
		if !ok && !t.other[msg] {
			text, ok = msg, true // no translation: the English message
		}
		if ok {
			if out := fill(text, args); !strings.Contains(out, "{{") {
				return out
			}
		}
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
		return fill(msg, args)
	}
	return out
}

// simpleTemplate tells whether a message's only template actions are
// {{.Name}} placeholders (no pipelines, functions, conditions or plurals).
// T asks it on every call with arguments, so it scans by hand.
func simpleTemplate(msg string) bool {
	found := false
	for {
		open, end := strings.Index(msg, "{{"), strings.Index(msg, "}}")
		switch {
		case open < 0:
			return found && end < 0
		case end < open || !placeholder(msg[open+2:end]):
			return false
		}
		found = true
		msg = msg[end+2:]
	}
}

// placeholder tells whether an action is .Name: a dot and an ASCII
// identifier.
func placeholder(action string) bool {
	if len(action) < 2 || action[0] != '.' {
		return false
	}
	for i, r := range action[1:] {
		letter := r == '_' || 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z'
		if !letter && (i == 0 || r < '0' || r > '9') {
			return false
		}
	}
	return true
}

// fill substitutes {{.Name}} placeholders without a bundle (the English
// translator used before a request has one).
func fill(msg string, args []any) string {
	for i := 0; i+1 < len(args); i += 2 {
		msg = strings.ReplaceAll(msg, "{{."+fmt.Sprint(args[i])+"}}", fmt.Sprint(args[i+1]))
	}
	return msg
}

func (t *Translator) locale() string {
	if t == nil || t.Locale == "" {
		return "en"
	}
	return t.Locale
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
