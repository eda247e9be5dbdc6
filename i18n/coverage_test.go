package i18n

// The coverage test finds every message id the code hands to the translator
// and fails when one has no French or no Japanese translation.
//
// What counts as a message id:
//   - a string literal given to a translating call: p.Tr("…"), tr.T("…"), and
//     the component helpers that call p.Tr on their arguments
//     (Select's blank choice, Empty title and detail);
//   - the Label and Hint of a components.Field literal, which the form
//     field components (Input, TextArea, Select, Checkbox) translate;
//   - any function that passes one of its own parameters to such a call is a
//     translating call too, found automatically: h.page(c, "Title"),
//     PageFor(c, "Title"), h.redirect(c, url, "Flash."), the navigation's
//     add(ok, "Label", …), a new component whose label goes through p.Tr, …;
//   - a variable given to a translating call, when the function assigns it
//     string literals (msg := "…"; title = "…") or the result of a function of
//     the same package that returns literals (heading, detail := describe(s));
//   - a call given to a translating call: the literals the function or method
//     returns (p.Tr(s.Label()), p.Tr(models.ActionLabel(a)): the console's
//     label tables are switches, issue 7 §2); a package table given to it:
//     the table's values (p.Tr(models.ActionLabels[a]));
//   - the Label of composite literals in models (the label tables of case
//     types, fields, states), which views translate with p.Tr(x.Label);
//   - the Message of a models.Error literal (also inside a constructor such
//     as errTaken()), the format of models.Errorf, the
//     message of FieldErrors.Add(field, "…") and FieldErrors{"f": "…"}, and
//     the Title and Body of notices (Notice{…}, models.Notification{…}).
//
// Ids without letters, and dotted identifiers such as "customers.add", are
// not prose and need no translation. A message built at run time ("The file "
// + name + " is empty.", fmt.Sprintf in a translated argument) can never be
// translated: it is reported too, with advice to use a {{.Placeholder}}.

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"unicode"
)

// seedSinks are the translating calls known by name: callee key → indexes
// of the arguments that are message ids. Keys are "method.Name" for a method
// of any type, "<dir>.Name" for a function or templ component of the package
// in that directory (relative to the module root).
var seedSinks = map[string][]int{
	"method.Tr":               {0},
	"method.T":                {0},
	"views/components.Select": {3},
	"views/components.Empty":  {1, 2},
}

// sourceFile is one scanned file.
type sourceFile struct {
	rel     string            // path relative to the module root, slash-separated
	dir     string            // its package directory, relative
	modDirs bool              // models or models/store: every 2-argument .Add is FieldErrors.Add
	fset    *token.FileSet    // for Go (and the Go parts of templ files)
	file    *ast.File         // nil when the Go parts did not parse
	imports map[string]string // local name → package dir (relative) or "ext:" + path
	comps   []templComponent  // templ components (templ files only)
	locals  map[*ast.FuncLit]string
}

// templComponent is the body of one `templ Name(params) { … }` block.
type templComponent struct {
	name   string
	params map[string]int
	body   string
	line   int // line of the body's first character
}

type funcRef struct {
	file *sourceFile
	decl *ast.FuncDecl
}

type varRef struct {
	file  *sourceFile
	value ast.Expr
}

type use struct {
	rel  string
	line int
}

type scan struct {
	root   string
	module string
	files  []*sourceFile
	funcs  map[string][]funcRef // "<dir>.Name" / "method.Name" → declarations
	vars   map[string]varRef    // "<dir>.Name" → package-level variable
	sinks  map[string]map[int]bool
	ids    map[string][]use // id → where it is used
	built  map[use]string   // messages built at run time → expression
	broken []string         // files that could not be parsed
}

func TestEveryMessageIsTranslated(t *testing.T) {
	s := scanRepo(t)
	if len(s.ids) < 100 {
		t.Fatalf("found only %d message ids: the scanner is broken", len(s.ids))
	}
	cat, err := readCatalogue(files)
	if err != nil {
		t.Fatal(err)
	}
	tr := map[string]map[string]string{"fr": {}, "ja": {}}
	for _, f := range cat {
		if tr[f.Locale] == nil {
			continue
		}
		for id, text := range f.Messages {
			if strings.TrimSpace(text) != "" {
				tr[f.Locale][id] = text
			}
		}
	}

	byFile := map[string][]string{}
	missingIDs := 0
	var badPlaceholders []string
	for id, uses := range s.ids {
		var missing []string
		for _, l := range []string{"fr", "ja"} {
			text, ok := tr[l][id]
			if !ok || strings.TrimSpace(text) == "" {
				missing = append(missing, l)
				continue
			}
			if want, got := placeholders(id), placeholders(text); want != got {
				badPlaceholders = append(badPlaceholders, fmt.Sprintf("  %s %s: has %s, wants %s", l, tomlQuote(id), orNone(got), orNone(want)))
			}
		}
		if len(missing) == 0 {
			continue
		}
		missingIDs++
		seen := map[string]bool{}
		for _, u := range uses {
			if seen[u.rel] {
				continue
			}
			seen[u.rel] = true
			byFile[u.rel] = append(byFile[u.rel], fmt.Sprintf("%5d: %s  (no %s)", u.line, tomlQuote(id), strings.Join(missing, ", no ")))
		}
	}
	if missingIDs > 0 {
		var b strings.Builder
		fmt.Fprintf(&b, "%d message ids have no French or no Japanese translation.\n", missingIDs)
		b.WriteString("Add them to i18n/locales/<area>.fr.toml and <area>.ja.toml as \"English text\" = \"traduction\" lines.\n")
		writeGrouped(&b, byFile)
		t.Error(b.String())
	}
	if len(badPlaceholders) > 0 {
		sort.Strings(badPlaceholders)
		t.Errorf("translations whose {{.Placeholders}} differ from their English id:\n%s", strings.Join(badPlaceholders, "\n"))
	}
	if len(s.built) > 0 {
		built := map[string][]string{}
		for u, expr := range s.built {
			built[u.rel] = append(built[u.rel], fmt.Sprintf("%5d: %s", u.line, expr))
		}
		var b strings.Builder
		fmt.Fprintf(&b, "%d messages are built at run time and can never be translated; write one id with a {{.Placeholder}} "+
			"(p.Tr(\"The file {{.Name}} is empty.\", \"Name\", name)) or a fixed sentence instead:\n", len(s.built))
		writeGrouped(&b, built)
		t.Error(b.String())
	}
	if len(s.broken) > 0 {
		t.Errorf("files the scanner could not read (their ids were looked for with the fallback scan only):\n  %s", strings.Join(s.broken, "\n  "))
	}
}

// TestCoreTranslationsAreUsed lists the core translations no code uses any
// more (a hint, not a failure: a removed string leaves a harmless line).
func TestCoreTranslationsAreUsed(t *testing.T) {
	s := scanRepo(t)
	cat, err := readCatalogue(files)
	if err != nil {
		t.Fatal(err)
	}
	var unused []string
	for _, f := range cat {
		if !strings.HasPrefix(f.Name, "core.") {
			continue
		}
		for id := range f.Messages {
			if _, ok := s.ids[id]; !ok {
				unused = append(unused, f.Name+": "+tomlQuote(id))
			}
		}
	}
	sort.Strings(unused)
	if len(unused) > 0 {
		t.Logf("%d core translations are not used by the code scanned (check they are not dead):\n  %s", len(unused), strings.Join(unused, "\n  "))
	}
}

// TestScannerFindsKnownUses guards the scanner itself against silently
// missing a kind of use.
func TestScannerFindsKnownUses(t *testing.T) {
	s := scanRepo(t)
	for id, where := range map[string]string{
		"Please correct the fields marked below.":            "views/components/components.templ", // p.Tr in a templ body
		"Organisation name":                                  "views/customers/customers.templ",   // components.Input label
		"Unique on the platform, e.g. example.com.":          "views/customers/customers.templ",   // components.Input hint
		"Choose a country":                                   "views/customers/customers.templ",   // components.Select blank
		"No customers yet":                                   "views/customers/customers.templ",   // components.Empty title
		"may add and edit customers":                         "views/users/users.templ",           // components.Checkbox hint
		"Super admin":                                        "views/auth/auth.templ",             // Go func in a templ file
		"Billing accounts":                                   "views/layout/nav.go",               // closure add(ok, label, …)
		"Annual, prepaid":                                    "views/labels.go",                   // p.Tr in Go
		"Edit customer":                                      "handlers/customers.go",             // h.page(c, title)
		"Customer added.":                                    "handlers/customers.go",             // h.redirect(c, url, flash)
		"Edit billing account":                               "handlers/billing_accounts.go",      // title = "…"; h.page(c, title)
		"{{.Name}} can sign in again.":                       "handlers/users.go",                 // msg := "…"; T(msg, …)
		"Page not found":                                     "web/errors.go",                     // heading, detail := describe(status)
		"Sign in to continue.":                               "web/middleware.go",                 // &models.Error{Message: …}
		"This domain is already registered on the platform.": "models/store/customers.go",
		"Enter the organisation name.":                       "models/customer.go", // f.Add(field, "…")
		"Use at least 12 characters.":                        "models/password.go", // f.Add("password", msg) with msg := ValidatePassword(…)
		"Not found.":                                         "models/errors.go",
	} {
		found := false
		for _, u := range s.ids[id] {
			found = found || u.rel == where
		}
		if !found {
			t.Errorf("scanner missed %q in %s (found in %v)", id, where, s.ids[id])
		}
	}
	for _, id := range []string{"customers.add", "/console/customers", "nav-home", "text", "email", ""} {
		if _, ok := s.ids[id]; ok && isProse(id) {
			t.Errorf("%q is not prose but would need a translation", id)
		}
	}
}

// TestScannerRules runs the scanner on a small tree in testdata/_scan that
// uses every rule once, and checks it finds exactly the ids it should (the
// leading "_" keeps templ generate and the go tool out of it).
func TestScannerRules(t *testing.T) {
	s := scanTree(t, filepath.Join("testdata", "_scan"), "example")
	if len(s.broken) > 0 {
		t.Fatalf("unreadable fixtures: %v", s.broken)
	}
	want := map[string]string{
		"Templ title":                "views/thing/thing.templ:10", // p.Tr("…") in markup
		"Derived label":              "views/thing/thing.templ:11", // a component whose label goes through p.Tr
		"State label":                "models/m.go:24",             // p.Tr(s.Label())
		"Other state":                "models/m.go:26",             //
		"Table label":                "models/m.go:7",              // p.Tr(models.ActionLabels[x])
		"Switch label":               "models/m.go:39",             // p.Tr(models.ActionLabel(x)), a switch
		"Constructor message.":       "models/m.go:44",             // func errX() *Error { return &Error{Message: "…"} }
		"Go part label":              "views/thing/thing.templ:26", // p.Tr(label(s)), label in the templ file's Go part
		"Go part call":               "views/thing/thing.templ:28", // p.Tr in the Go part
		"Attribute text":             "views/thing/thing.templ:15", // attribute expression
		"With {{.N}} placeholder":    "views/thing/thing.templ:16", // multi-line markup
		"Assigned title":             "handlers/h.go:15",           // title := "…"; h.page(c, title)
		"Reassigned title":           "handlers/h.go:17",           //
		"Heading text":               "handlers/h.go:36",           // heading, detail := describe(1)
		"Detail text":                "handlers/h.go:36",           //
		"Other heading":              "handlers/h.go:38",           //
		"Other detail":               "handlers/h.go:38",           //
		"Closure label":              "handlers/h.go:26",           // add := func(ok, label) {T(label)}
		"Handler field message.":     "handlers/h.go:28",           // f.Errors.Add
		"Flash text":                 "handlers/h.go:31",           // h.redirect(c, url, "…")
		"Model message.":             "models/m.go:5",              // &Error{Message: "…"}
		"Spec label":                 "models/m.go:9",              // Label: "…" in models
		"Field label":                "models/m.go:9",              //
		"Field message.":             "models/m.go:13",             // f.Add(field, "…")
		"Returned message.":          "models/m.go:20",             // if msg := check(); … f.Add("x", msg)
		"Errorf message.":            "models/m.go:17",             // Errorf(code, "…")
		"Store message.":             "models/store/s.go:5",        // &models.Error{Message: "…"}
		"Notice title {{.ID}}":       "models/store/s.go:12",       // Notice{Title: "…"}
		"Notice body":                "models/store/s.go:8",        // Notice{Body: body}
		"Notice body with {{.Note}}": "models/store/s.go:10",       //
		"Web title":                  "web/w.go:9",                 // handlers.PageFor(c, "…")
		"Web model message.":         "web/w.go:10",                //
	}
	for id, where := range want {
		ok := false
		for _, u := range s.ids[id] {
			ok = ok || fmt.Sprintf("%s:%d", u.rel, u.line) == where
		}
		if !ok {
			t.Errorf("%q: found at %v, want %s", id, s.ids[id], where)
		}
	}
	for id, uses := range s.ids {
		if _, ok := want[id]; !ok {
			t.Errorf("unexpected id %q at %v", id, uses)
		}
	}
	built := map[string]bool{}
	for u := range s.built {
		built[fmt.Sprintf("%s:%d", u.rel, u.line)] = true
	}
	for _, where := range []string{"handlers/h.go:23", "handlers/h.go:24", "models/m.go:31", "models/m.go:33"} {
		if !built[where] {
			t.Errorf("message built at run time at %s not reported (got %v)", where, s.built)
		}
	}
	if len(s.built) != 4 {
		t.Errorf("built messages = %v, want 4", s.built)
	}
}

func TestIsProse(t *testing.T) {
	for id, want := range map[string]bool{
		"Customers": true, "Enter a valid domain name, e.g. example.com.": true, "{{.N}} results": true,
		"customers.add": false, "customers.migrate": false, "—": false, "": false, "#{{.N}}": false,
		"123": false, "Tenant id": true, "PO": true,
	} {
		if got := isProse(id); got != want {
			t.Errorf("isProse(%q) = %v, want %v", id, got, want)
		}
	}
}

func TestTranslationFilesAreConsistent(t *testing.T) {
	cat, err := readCatalogue(files)
	if err != nil {
		t.Fatal(err)
	}
	// One id translated two ways in two files of one locale: the later file
	// silently wins, so the interface would be inconsistent.
	first := map[string]map[string]string{} // locale → id → "file: text"
	var clashes []string
	for _, f := range cat {
		if first[f.Locale] == nil {
			first[f.Locale] = map[string]string{}
		}
		for id, text := range f.Messages {
			if prev, ok := first[f.Locale][id]; ok {
				prevFile, prevText, _ := strings.Cut(prev, "\x00")
				if prevText != text {
					clashes = append(clashes, fmt.Sprintf("  %s: %s is %s in %s but %s in %s",
						f.Locale, tomlQuote(id), tomlQuote(prevText), prevFile, tomlQuote(text), f.Name))
				}
				continue
			}
			first[f.Locale][id] = f.Name + "\x00" + text
		}
	}
	sort.Strings(clashes)
	if len(clashes) > 0 {
		t.Errorf("ids translated differently in two files (keep one):\n%s", strings.Join(clashes, "\n"))
	}

	// Every translation renders through go-i18n: a valid template whose
	// placeholders are filled, not English.
	b := MustLoad()
	for _, f := range cat {
		if f.Locale == "en" {
			continue
		}
		tr := b.For(f.Locale, "UTC")
		for id, text := range f.Messages {
			if text == "" {
				continue
			}
			var args []any
			for _, name := range placeholderNames(id) {
				args = append(args, name, "«"+name+"»")
			}
			got := tr.T(id, args...)
			if strings.Contains(got, "{{") || strings.Contains(got, "<no value>") {
				t.Errorf("%s: %s renders as %q", f.Name, tomlQuote(id), got)
			}
			if got == id && text != id {
				t.Errorf("%s: %s is not picked up (got the English text)", f.Name, tomlQuote(id))
			}
		}
	}
}

// --- reporting helpers ---

func writeGrouped(b *strings.Builder, byFile map[string][]string) {
	var names []string
	for f := range byFile {
		names = append(names, f)
	}
	sort.Strings(names)
	for _, f := range names {
		lines := byFile[f]
		sort.Slice(lines, func(i, j int) bool {
			if a, b := lineNo(lines[i]), lineNo(lines[j]); a != b {
				return a < b
			}
			return lines[i] < lines[j]
		})
		fmt.Fprintf(b, "\n%s\n", f)
		for _, l := range lines {
			fmt.Fprintf(b, "  %s\n", l)
		}
	}
}

func lineNo(s string) int {
	n, _ := strconv.Atoi(strings.TrimSpace(strings.SplitN(s, ":", 2)[0]))
	return n
}

// tomlQuote writes an id as a TOML basic string, ready to paste.
func tomlQuote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\n':
			b.WriteString(`\n`)
		case '\t':
			b.WriteString(`\t`)
		default:
			if r < 0x20 || r == 0x7f {
				fmt.Fprintf(&b, `\u%04X`, r)
			} else {
				b.WriteRune(r)
			}
		}
	}
	b.WriteByte('"')
	return b.String()
}

var placeholderRe = regexp.MustCompile(`\{\{\s*\.(\w+)\s*\}\}`)

// placeholders is the sorted list of {{.X}} placeholders of a message, each
// as many times as it occurs.
func placeholders(s string) string {
	var out []string
	for _, m := range placeholderRe.FindAllStringSubmatch(s, -1) {
		out = append(out, "{{."+m[1]+"}}")
	}
	sort.Strings(out)
	return strings.Join(out, " ")
}

func placeholderNames(s string) []string {
	seen := map[string]bool{}
	var out []string
	for _, m := range placeholderRe.FindAllStringSubmatch(s, -1) {
		if !seen[m[1]] {
			seen[m[1]] = true
			out = append(out, m[1])
		}
	}
	return out
}

func orNone(s string) string {
	if s == "" {
		return "no placeholder"
	}
	return s
}

var dottedIdent = regexp.MustCompile(`^[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)+$`)

// isProse tells whether an id is text a person reads (and so needs a
// translation): it has letters outside its placeholders and is not a dotted
// identifier like "customers.add".
func isProse(id string) bool {
	text := placeholderRe.ReplaceAllString(id, "")
	hasLetter := false
	for _, r := range text {
		if unicode.IsLetter(r) {
			hasLetter = true
			break
		}
	}
	return hasLetter && !dottedIdent.MatchString(id)
}

// --- the scanner ---

var scanCache *scan

func scanRepo(t *testing.T) *scan {
	t.Helper()
	if scanCache != nil {
		return scanCache
	}
	root, module := moduleRoot(t)
	scanCache = scanTree(t, root, module)
	return scanCache
}

// scanTree scans the views, handlers, web, models and models/store folders
// of the module at root.
func scanTree(t *testing.T, root, module string) *scan {
	s := &scan{root: root, module: module, funcs: map[string][]funcRef{}, vars: map[string]varRef{}, sinks: map[string]map[int]bool{},
		ids: map[string][]use{}, built: map[use]string{}}
	for k, idx := range seedSinks {
		for _, i := range idx {
			s.addSink(k, i)
		}
	}
	for _, pattern := range []struct {
		dir       string
		recursive bool
	}{{"views", true}, {"handlers", true}, {"web", false}, {"models", false}, {"models/store", false}} {
		s.walk(t, pattern.dir, pattern.recursive)
	}
	// Derive translating functions until nothing new is found, then collect.
	for i := 0; i < 20; i++ {
		n := s.sinkCount()
		for _, f := range s.files {
			s.visit(f, false)
		}
		if s.sinkCount() == n {
			break
		}
	}
	for _, f := range s.files {
		s.visit(f, true)
	}
	return s
}

func moduleRoot(t *testing.T) (string, string) {
	dir, err := filepath.Abs(".")
	if err != nil {
		t.Fatal(err)
	}
	for {
		data, err := os.ReadFile(filepath.Join(dir, "go.mod"))
		if err == nil {
			for _, line := range strings.Split(string(data), "\n") {
				if strings.HasPrefix(line, "module ") {
					return dir, strings.TrimSpace(strings.TrimPrefix(line, "module "))
				}
			}
			t.Fatal("go.mod has no module line")
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("go.mod not found")
		}
		dir = parent
	}
}

func (s *scan) sinkCount() int {
	n := 0
	for _, m := range s.sinks {
		n += len(m)
	}
	return n
}

func (s *scan) addSink(key string, idx int) {
	if s.sinks[key] == nil {
		s.sinks[key] = map[int]bool{}
	}
	s.sinks[key][idx] = true
}

func (s *scan) walk(t *testing.T, dir string, recursive bool) {
	abs := filepath.Join(s.root, filepath.FromSlash(dir))
	if _, err := os.Stat(abs); os.IsNotExist(err) {
		return
	}
	err := filepath.WalkDir(abs, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if p != abs && (!recursive || strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata") {
				return filepath.SkipDir
			}
			return nil
		}
		name := d.Name()
		isGo := strings.HasSuffix(name, ".go") && !strings.HasSuffix(name, "_test.go") && !strings.HasSuffix(name, "_templ.go")
		// The scanner's own sample tree names its templ files *.templ.sample,
		// so templ tooling and CI's generated-file check leave them alone.
		isTempl := strings.HasSuffix(name, ".templ") || strings.HasSuffix(name, ".templ.sample")
		if !isGo && !isTempl {
			return nil
		}
		rel, _ := filepath.Rel(s.root, p)
		rel = strings.TrimSuffix(filepath.ToSlash(rel), ".sample")
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if isGo {
			s.addGo(rel, string(data))
		} else {
			s.addTempl(rel, string(data))
		}
		return nil
	})
	if err != nil {
		t.Fatalf("scan %s: %v", dir, err)
	}
}

func (s *scan) newFile(rel string) *sourceFile {
	dir := pathDir(rel)
	return &sourceFile{rel: rel, dir: dir, modDirs: dir == "models" || dir == "models/store", fset: token.NewFileSet(),
		imports: map[string]string{}, locals: map[*ast.FuncLit]string{}}
}

func pathDir(rel string) string {
	if i := strings.LastIndex(rel, "/"); i >= 0 {
		return rel[:i]
	}
	return "."
}

func (s *scan) addGo(rel, src string) {
	f := s.newFile(rel)
	file, err := parser.ParseFile(f.fset, rel, src, parser.SkipObjectResolution)
	if err != nil {
		s.broken = append(s.broken, fmt.Sprintf("%s: %v", rel, err))
		return
	}
	f.file = file
	s.index(f)
	s.files = append(s.files, f)
}

// templBlockRe finds the start of a top-level templ, css or script block.
var templBlockRe = regexp.MustCompile(`(?m)^(templ|css|script)\s+`)

// templHeaderRe reads a templ component's name; its parameters follow in
// parentheses.
var templHeaderRe = regexp.MustCompile(`^templ\s+(?:\([^)]*\)\s*)?([A-Za-z_]\w*)\s*(?:\[[^\]]*\])?\s*\(`)

// addTempl splits a templ file: its templ blocks become components scanned
// with a careful regexp, the rest (package, imports, types, Go functions) is
// Go and is parsed with go/parser, with its line numbers kept.
func (s *scan) addTempl(rel, src string) {
	f := s.newFile(rel)
	goPart := []byte(src)
	for _, loc := range templBlockRe.FindAllStringIndex(src, -1) {
		start := loc[0]
		end := blockEnd(src, start)
		block := src[start:end]
		if h := templHeaderRe.FindStringSubmatchIndex(block); h != nil {
			name := block[h[2]:h[3]]
			open := h[1] - 1
			closeAt := matchParen(block, open)
			if closeAt > 0 {
				params := paramIndexes("func(" + block[open+1:closeAt] + ")")
				brace := strings.Index(block[closeAt:], "{")
				if brace >= 0 {
					bodyStart := closeAt + brace + 1
					f.comps = append(f.comps, templComponent{name: name, params: params, body: block[bodyStart:],
						line: 1 + strings.Count(src[:start+bodyStart], "\n")})
				}
			}
		}
		for i := start; i < end; i++ {
			if goPart[i] != '\n' {
				goPart[i] = ' '
			}
		}
	}
	file, err := parser.ParseFile(f.fset, rel, goPart, parser.SkipObjectResolution)
	if err != nil {
		s.broken = append(s.broken, fmt.Sprintf("%s (Go parts): %v", rel, err))
		// Keep the imports, so templ bodies still resolve component calls.
		file, _ = parser.ParseFile(f.fset, rel, goPart, parser.ImportsOnly)
		if file != nil {
			s.readImports(f, file)
		}
		// And scan the Go parts for calls like the templ bodies.
		f.comps = append(f.comps, templComponent{body: string(goPart), line: 1})
		s.files = append(s.files, f)
		return
	}
	f.file = file
	s.index(f)
	s.files = append(s.files, f)
}

// blockEnd returns the end of the top-level block starting at start: the
// line after the first "}" alone at the start of a line.
func blockEnd(src string, start int) int {
	re := regexp.MustCompile(`(?m)^}[ \t]*$`)
	loc := re.FindStringIndex(src[start:])
	if loc == nil {
		return len(src)
	}
	return start + loc[1]
}

// paramIndexes reads the parameter names of a function type's text.
func paramIndexes(fn string) map[string]int {
	out := map[string]int{}
	e, err := parser.ParseExpr(fn)
	if err != nil {
		return out
	}
	ft, ok := e.(*ast.FuncType)
	if !ok {
		return out
	}
	return fieldIndexes(ft.Params)
}

func fieldIndexes(fl *ast.FieldList) map[string]int {
	out := map[string]int{}
	if fl == nil {
		return out
	}
	i := 0
	for _, fd := range fl.List {
		if len(fd.Names) == 0 {
			i++
			continue
		}
		for _, n := range fd.Names {
			out[n.Name] = i
			i++
		}
	}
	return out
}

func (s *scan) readImports(f *sourceFile, file *ast.File) {
	for _, im := range file.Imports {
		p, _ := strconv.Unquote(im.Path.Value)
		local := p[strings.LastIndex(p, "/")+1:]
		if im.Name != nil {
			local = im.Name.Name
		}
		if strings.HasPrefix(p, s.module+"/") {
			f.imports[local] = strings.TrimPrefix(p, s.module+"/")
		} else {
			f.imports[local] = "ext:" + p
		}
	}
}

// index records the file's imports, its functions, and the names of the
// closures it binds (add := func(…) {…}).
func (s *scan) index(f *sourceFile) {
	s.readImports(f, f.file)
	for _, d := range f.file.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			s.funcs[funcKey(f, d)] = append(s.funcs[funcKey(f, d)], funcRef{f, d})
		case *ast.GenDecl:
			for _, sp := range d.Specs {
				if vs, ok := sp.(*ast.ValueSpec); ok && len(vs.Values) == len(vs.Names) {
					for i, n := range vs.Names {
						s.vars[f.dir+"."+n.Name] = varRef{f, vs.Values[i]}
					}
				}
			}
		}
	}
	ast.Inspect(f.file, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.AssignStmt:
			for i, r := range n.Rhs {
				if fl, ok := r.(*ast.FuncLit); ok && len(n.Lhs) == len(n.Rhs) {
					if id, ok := n.Lhs[i].(*ast.Ident); ok {
						f.locals[fl] = id.Name
					}
				}
			}
		case *ast.ValueSpec:
			for i, v := range n.Values {
				if fl, ok := v.(*ast.FuncLit); ok && i < len(n.Names) {
					f.locals[fl] = n.Names[i].Name
				}
			}
		}
		return true
	})
}

func funcKey(f *sourceFile, fd *ast.FuncDecl) string {
	if fd.Recv != nil {
		return "method." + fd.Name.Name
	}
	return f.dir + "." + fd.Name.Name
}

func localKey(f *sourceFile, name string) string { return "local:" + f.rel + ":" + name }

// scope is a function being visited: its parameters, the key that makes it
// a translating call when a parameter reaches a translating call, and its
// body for looking up assignments.
type scope struct {
	key    string
	params map[string]int
	body   ast.Node
}

// visit walks a file. With collect false it only derives translating
// functions; with collect true it records ids.
func (s *scan) visit(f *sourceFile, collect bool) {
	if f.file != nil {
		var stack []scope
		var walk func(n ast.Node) bool
		walk = func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.FuncDecl:
				if n.Body == nil {
					return false
				}
				stack = append(stack, scope{key: funcKey(f, n), params: fieldIndexes(n.Type.Params), body: n.Body})
				ast.Inspect(n.Body, walk)
				stack = stack[:len(stack)-1]
				return false
			case *ast.FuncLit:
				key := ""
				if name, ok := f.locals[n]; ok {
					key = localKey(f, name)
				}
				stack = append(stack, scope{key: key, params: fieldIndexes(n.Type.Params), body: n.Body})
				ast.Inspect(n.Body, walk)
				stack = stack[:len(stack)-1]
				return false
			case *ast.CallExpr:
				s.call(f, n, stack, collect, f.fset.Position(n.Pos()).Line)
			case *ast.CompositeLit:
				if collect {
					s.composite(f, n, stack, 0)
				}
			}
			return true
		}
		ast.Inspect(f.file, walk)
	}
	for _, c := range f.comps {
		s.visitTempl(f, c, collect)
	}
}

// callRe finds where a call may start in a templ body: a possibly dotted
// identifier right before "(", not preceded by an identifier character.
var callRe = regexp.MustCompile(`[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*\(`)

// visitTempl finds the Go calls of a templ body (in { … }, @component(…),
// if/for conditions and attribute expressions), parses each with
// go/parser, and treats it like Go code whose only known names are the
// component's parameters.
func (s *scan) visitTempl(f *sourceFile, c templComponent, collect bool) {
	key := ""
	if c.name != "" {
		key = f.dir + "." + c.name
	}
	stack := []scope{{key: key, params: c.params}}
	body := c.body
	pos := 0
	for pos < len(body) {
		loc := callRe.FindStringIndex(body[pos:])
		if loc == nil {
			return
		}
		start, open := pos+loc[0], pos+loc[1]-1
		if start > 0 {
			if r := body[start-1]; r == '.' || r == '_' || unicode.IsLetter(rune(r)) || unicode.IsDigit(rune(r)) {
				pos = open + 1
				continue
			}
		}
		end := matchParen(body, open)
		if end < 0 {
			pos = open + 1
			continue
		}
		expr, err := parser.ParseExpr(body[start : end+1])
		if err != nil {
			pos = open + 1
			continue
		}
		base := c.line + strings.Count(body[:start], "\n")
		ast.Inspect(expr, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.CallExpr:
				// Positions inside expr are offsets from 1 in the parsed text.
				line := base + strings.Count(body[start:start+int(n.Pos())-1], "\n")
				s.call(f, n, stack, collect, line)
			case *ast.CompositeLit:
				if collect {
					s.composite(f, n, stack, base+strings.Count(body[start:start+int(n.Pos())-1], "\n"))
				}
			}
			return true
		})
		pos = end + 1
	}
}

// matchParen returns the index of the ")" closing the "(" at open, skipping
// Go string, raw string and rune literals; -1 when there is none nearby.
func matchParen(s string, open int) int {
	depth := 0
	limit := open + 8000
	for i := open; i < len(s) && i < limit; i++ {
		switch s[i] {
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				return i
			}
		case '"', '\'':
			q := s[i]
			for i++; i < len(s) && s[i] != q; i++ {
				if s[i] == '\\' {
					i++
				} else if s[i] == '\n' {
					return -1
				}
			}
		case '`':
			for i++; i < len(s) && s[i] != '`'; i++ {
			}
		}
	}
	return -1
}

// calleeKey names what a call calls, in seedSinks' terms.
func calleeKey(f *sourceFile, call *ast.CallExpr) string {
	switch fn := call.Fun.(type) {
	case *ast.Ident:
		if f.file != nil {
			for _, name := range f.locals {
				if name == fn.Name {
					return localKey(f, fn.Name)
				}
			}
		}
		return f.dir + "." + fn.Name
	case *ast.SelectorExpr:
		if x, ok := fn.X.(*ast.Ident); ok {
			if dir, ok := f.imports[x.Name]; ok {
				return dir + "." + fn.Sel.Name
			}
		}
		return "method." + fn.Sel.Name
	case *ast.IndexExpr: // generic instantiation
		return calleeKey(f, &ast.CallExpr{Fun: fn.X})
	}
	return ""
}

// call handles one call: a translating call's id arguments, models.Errorf's
// format, and FieldErrors.Add's message.
func (s *scan) call(f *sourceFile, call *ast.CallExpr, stack []scope, collect bool, line int) {
	key := calleeKey(f, call)
	at := use{f.rel, line}
	for idx := range s.sinks[key] {
		if idx < len(call.Args) && !(call.Ellipsis.IsValid() && idx == len(call.Args)-1) {
			s.arg(f, call.Args[idx], stack, collect, at)
		}
	}
	if !collect {
		// FieldErrors.Add can also be reached through a parameter.
		if isFieldErrorsAdd(f, call, stack) {
			s.arg(f, call.Args[1], stack, false, at)
		}
		return
	}
	if key == "models.Errorf" && len(call.Args) >= 2 {
		if lit, ok := stringLit(call.Args[1]); ok {
			if strings.Contains(lit, "%") && len(call.Args) > 2 {
				s.built[at] = "models.Errorf(…, " + strconv.Quote(lit) + ", …)"
			} else {
				s.id(lit, at)
			}
		}
	}
	if isFieldErrorsAdd(f, call, stack) {
		s.arg(f, call.Args[1], stack, true, at)
	}
}

// isFieldErrorsAdd recognises f.Add(field, msg) on a FieldErrors: any
// two-argument Add in models and models/store, elsewhere an Add on x.Errors
// or on a variable made as FieldErrors.
func isFieldErrorsAdd(f *sourceFile, call *ast.CallExpr, stack []scope) bool {
	sel, ok := call.Fun.(*ast.SelectorExpr)
	if !ok || sel.Sel.Name != "Add" || len(call.Args) != 2 {
		return false
	}
	if f.modDirs {
		return true
	}
	switch x := sel.X.(type) {
	case *ast.SelectorExpr:
		return x.Sel.Name == "Errors"
	case *ast.Ident:
		for i := len(stack) - 1; i >= 0; i-- {
			if stack[i].body == nil {
				continue
			}
			found := false
			ast.Inspect(stack[i].body, func(n ast.Node) bool {
				if as, ok := n.(*ast.AssignStmt); ok && len(as.Lhs) == len(as.Rhs) {
					for j, l := range as.Lhs {
						if id, ok := l.(*ast.Ident); ok && id.Name == x.Name && isFieldErrorsType(as.Rhs[j]) {
							found = true
						}
					}
				}
				if vs, ok := n.(*ast.ValueSpec); ok && isFieldErrorsType(vs.Type) {
					for _, nm := range vs.Names {
						found = found || nm.Name == x.Name
					}
				}
				return !found
			})
			if found {
				return true
			}
		}
	}
	return false
}

func isFieldErrorsType(e ast.Expr) bool {
	if cl, ok := e.(*ast.CompositeLit); ok {
		e = cl.Type
	}
	switch t := e.(type) {
	case *ast.Ident:
		return t.Name == "FieldErrors"
	case *ast.SelectorExpr:
		return t.Sel.Name == "FieldErrors"
	}
	return false
}

// composite handles models.Error{Message: "…"}, FieldErrors{"f": "…"},
// the Title and Body of notices (store.Notice, models.Notification), which
// in-app notices and emails translate, and the Label and Hint of a form
// field (components.Field). line is the literal's line in a templ body, 0
// in Go code.
func (s *scan) composite(f *sourceFile, cl *ast.CompositeLit, stack []scope, line int) {
	if isComponentField(f, cl.Type) {
		for _, el := range cl.Elts {
			if kv, ok := el.(*ast.KeyValueExpr); ok {
				if k, ok := kv.Key.(*ast.Ident); ok && (k.Name == "Label" || k.Name == "Hint") {
					at := line
					if at == 0 {
						at = f.fset.Position(kv.Pos()).Line
					}
					s.arg(f, kv.Value, stack, true, use{f.rel, at})
				}
			}
		}
		return
	}
	name := ""
	switch t := cl.Type.(type) {
	case *ast.Ident:
		if f.dir == "models" || t.Name == "Notice" {
			name = t.Name
		}
	case *ast.SelectorExpr:
		if x, ok := t.X.(*ast.Ident); ok && f.imports[x.Name] == "models" {
			name = t.Sel.Name
		}
	}
	if name == "" && f.modDirs {
		// Label tables of the domain (case types, their fields, states) are
		// translated by the views: p.Tr(spec.Label).
		for _, el := range cl.Elts {
			if kv, ok := el.(*ast.KeyValueExpr); ok {
				if k, ok := kv.Key.(*ast.Ident); ok && k.Name == "Label" {
					s.arg(f, kv.Value, stack, true, use{f.rel, f.fset.Position(kv.Pos()).Line})
				}
			}
		}
	}
	switch name {
	case "Error":
		for _, el := range cl.Elts {
			if kv, ok := el.(*ast.KeyValueExpr); ok {
				if k, ok := kv.Key.(*ast.Ident); ok && k.Name == "Message" {
					s.arg(f, kv.Value, stack, true, use{f.rel, f.fset.Position(kv.Pos()).Line})
				}
			}
		}
	case "Notice", "Notification":
		for _, el := range cl.Elts {
			if kv, ok := el.(*ast.KeyValueExpr); ok {
				if k, ok := kv.Key.(*ast.Ident); ok && (k.Name == "Title" || k.Name == "Body") {
					s.arg(f, kv.Value, stack, true, use{f.rel, f.fset.Position(kv.Pos()).Line})
				}
			}
		}
	case "FieldErrors":
		for _, el := range cl.Elts {
			if kv, ok := el.(*ast.KeyValueExpr); ok {
				s.arg(f, kv.Value, stack, true, use{f.rel, f.fset.Position(kv.Pos()).Line})
			}
		}
	}
}

// isComponentField recognises the type components.Field (Field inside
// views/components).
func isComponentField(f *sourceFile, t ast.Expr) bool {
	switch t := t.(type) {
	case *ast.Ident:
		return f.dir == "views/components" && t.Name == "Field"
	case *ast.SelectorExpr:
		x, ok := t.X.(*ast.Ident)
		return ok && t.Sel.Name == "Field" && f.imports[x.Name] == "views/components"
	}
	return false
}

func stringLit(e ast.Expr) (string, bool) {
	lit, ok := unparen(e).(*ast.BasicLit)
	if !ok || lit.Kind != token.STRING {
		return "", false
	}
	v, err := strconv.Unquote(lit.Value)
	return v, err == nil
}

func unparen(e ast.Expr) ast.Expr {
	for {
		p, ok := e.(*ast.ParenExpr)
		if !ok {
			return e
		}
		e = p.X
	}
}

func (s *scan) id(text string, at use) {
	if !isProse(text) {
		return
	}
	for _, u := range s.ids[text] {
		if u == at {
			return
		}
	}
	s.ids[text] = append(s.ids[text], at)
}

// arg handles an argument that is a message id: a literal is recorded; a
// parameter makes the enclosing function a translating call; a variable is
// followed to the literals the function assigns it; a concatenation or a
// fmt.Sprintf is a message built at run time.
func (s *scan) arg(f *sourceFile, e ast.Expr, stack []scope, collect bool, at use) {
	e = unparen(e)
	switch x := e.(type) {
	case *ast.BasicLit:
		if v, ok := stringLit(x); ok && collect {
			s.id(v, at)
		}
	case *ast.Ident:
		for i := len(stack) - 1; i >= 0; i-- {
			if idx, ok := stack[i].params[x.Name]; ok {
				if !collect && stack[i].key != "" {
					s.addSink(stack[i].key, idx)
				}
				return
			}
			if collect && stack[i].body != nil && s.assigned(f, x.Name, stack[i].body) {
				return
			}
		}
	case *ast.BinaryExpr:
		if collect && x.Op == token.ADD && hasStringLit(x) {
			s.built[at] = exprString(f, x)
		}
	case *ast.CallExpr:
		if collect && isSprintf(f, x) {
			if lit, ok := stringLit(x.Args[0]); ok && isProse(lit) {
				s.built[at] = exprString(f, x)
			}
		} else if collect {
			// p.Tr(s.Label()), p.Tr(stateLabel(st)): what the function returns.
			s.returnedLiterals(f, x, 0)
		}
	case *ast.IndexExpr:
		// p.Tr(models.ActionLabels[a]): the values of the package's table.
		if collect {
			s.tableValues(f, x.X)
		}
	}
}

// tableValues records the string values of a package-level map or slice
// literal named by e.
func (s *scan) tableValues(f *sourceFile, e ast.Expr) {
	key := ""
	switch x := unparen(e).(type) {
	case *ast.Ident:
		key = f.dir + "." + x.Name
	case *ast.SelectorExpr:
		if pkg, ok := x.X.(*ast.Ident); ok {
			key = f.imports[pkg.Name] + "." + x.Sel.Name
		}
	}
	v, ok := s.vars[key]
	if !ok {
		return
	}
	cl, ok := unparen(v.value).(*ast.CompositeLit)
	if !ok {
		return
	}
	for _, el := range cl.Elts {
		if kv, ok := el.(*ast.KeyValueExpr); ok {
			el = kv.Value
		}
		if lit, ok := stringLit(el); ok {
			s.id(lit, use{v.file.rel, v.file.fset.Position(el.Pos()).Line})
		}
	}
}

// assigned records the literals assigned to a variable in a function body
// (at the line of each literal); false when the body never assigns it.
func (s *scan) assigned(f *sourceFile, name string, body ast.Node) bool {
	found := false
	value := func(rhs ast.Expr, tupleIndex int) {
		rhs = unparen(rhs)
		if call, ok := rhs.(*ast.CallExpr); ok && !isSprintf(f, call) {
			s.returnedLiterals(f, call, tupleIndex)
			return
		}
		s.arg(f, rhs, nil, true, use{f.rel, f.fset.Position(rhs.Pos()).Line})
	}
	ast.Inspect(body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false // another scope
		case *ast.AssignStmt:
			for i, l := range n.Lhs {
				id, ok := l.(*ast.Ident)
				if !ok || id.Name != name {
					continue
				}
				found = true
				if len(n.Lhs) == len(n.Rhs) {
					value(n.Rhs[i], 0)
				} else if len(n.Rhs) == 1 {
					value(n.Rhs[0], i)
				}
			}
		case *ast.ValueSpec:
			for i, id := range n.Names {
				if id.Name != name {
					continue
				}
				found = true
				if len(n.Values) == len(n.Names) {
					value(n.Values[i], 0)
				} else if len(n.Values) == 1 {
					value(n.Values[0], i)
				}
			}
		}
		return true
	})
	return found
}

// returnedLiterals records the string literals a function of our module
// returns at one result position, where they are written. A method call
// looks at every method of that name (String and Error excepted: too
// general to be labels).
func (s *scan) returnedLiterals(f *sourceFile, call *ast.CallExpr, index int) {
	key := calleeKey(f, call)
	if key == "method.String" || key == "method.Error" || strings.HasPrefix(key, "ext:") || strings.HasPrefix(key, "local:") {
		return
	}
	for _, fn := range s.funcs[key] {
		ast.Inspect(fn.decl.Body, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.FuncLit:
				return false
			case *ast.ReturnStmt:
				if index < len(n.Results) {
					if v, ok := stringLit(n.Results[index]); ok {
						s.id(v, use{fn.file.rel, fn.file.fset.Position(n.Results[index].Pos()).Line})
					}
				}
			}
			return true
		})
	}
}

func hasStringLit(e ast.Expr) bool {
	found := false
	ast.Inspect(e, func(n ast.Node) bool {
		if lit, ok := n.(*ast.BasicLit); ok && lit.Kind == token.STRING {
			if v, err := strconv.Unquote(lit.Value); err == nil && isProse(v) {
				found = true
			}
		}
		return !found
	})
	return found
}

func isSprintf(f *sourceFile, call *ast.CallExpr) bool {
	sel, ok := call.Fun.(*ast.SelectorExpr)
	if !ok || len(call.Args) == 0 {
		return false
	}
	x, ok := sel.X.(*ast.Ident)
	return ok && f.imports[x.Name] == "ext:fmt" && strings.HasPrefix(sel.Sel.Name, "Sprint")
}

// exprString shows a short form of an expression for the report.
func exprString(f *sourceFile, e ast.Expr) string {
	var b strings.Builder
	var walk func(e ast.Expr)
	walk = func(e ast.Expr) {
		switch x := unparen(e).(type) {
		case *ast.BasicLit:
			b.WriteString(x.Value)
		case *ast.Ident:
			b.WriteString(x.Name)
		case *ast.SelectorExpr:
			walk(x.X)
			b.WriteString("." + x.Sel.Name)
		case *ast.BinaryExpr:
			walk(x.X)
			b.WriteString(" " + x.Op.String() + " ")
			walk(x.Y)
		case *ast.CallExpr:
			walk(x.Fun)
			b.WriteString("(")
			for i, a := range x.Args {
				if i > 0 {
					b.WriteString(", ")
				}
				walk(a)
			}
			b.WriteString(")")
		default:
			b.WriteString("…")
		}
	}
	walk(e)
	return b.String()
}
