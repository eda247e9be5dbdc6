// Package partnerconsole_test holds checks over the whole module's source.
package partnerconsole_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"partnerconsole/models"
)

// TestNoInitFunctions keeps init() out of the console's code (issue 7 §2):
// routes, jobs and registries are explicit lists built where they are used,
// so a reader finds them by following calls from main. Test files may still
// use init(); generated templ files and testdata are left aside.
func TestNoInitFunctions(t *testing.T) {
	fset := token.NewFileSet()
	checked := 0
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if path != "." && (strings.HasPrefix(name, ".") || name == "testdata" || name == "node_modules" || name == "vendor") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") || strings.HasSuffix(name, "_templ.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		checked++
		for _, pos := range initFuncs(f) {
			t.Errorf("%s: func init(); build the list where it is used instead", fset.Position(pos))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if checked < 50 {
		t.Fatalf("checked only %d files: is the test running at the module root?", checked)
	}
}

// initFuncs finds the init functions a file declares.
func initFuncs(f *ast.File) []token.Pos {
	var out []token.Pos
	for _, decl := range f.Decls {
		if fn, ok := decl.(*ast.FuncDecl); ok && fn.Recv == nil && fn.Name.Name == "init" {
			out = append(out, fn.Pos())
		}
	}
	return out
}

func TestInitFuncsFindsInit(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		want      int
	}{
		{"init function", "package p\nfunc init() {}\n", 1},
		{"two init functions", "package p\nfunc init() {}\nfunc init() {}\n", 2},
		{"method named init", "package p\ntype T struct{}\nfunc (T) init() {}\n", 0},
		{"other function", "package p\nfunc setup() {}\n", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, err := parser.ParseFile(token.NewFileSet(), "x.go", tc.src, parser.SkipObjectResolution)
			if err != nil {
				t.Fatal(err)
			}
			if got := len(initFuncs(f)); got != tc.want {
				t.Errorf("found %d init functions, want %d", got, tc.want)
			}
		})
	}
}

// testSupport are the packages whose non-test files only tests import (the
// test below checks it): storetest owns the one PostgreSQL server of a test
// binary and its clone counter, set up by TestMain; webtest builds on it.
// Their package state lives and dies with the test process.
var testSupport = map[string]bool{
	"models/store/storetest": true,
	"web/webtest":            true,
}

// TestNoPackageState keeps package-level variables out of the console's
// code outside main (issue 7 §2): caches and registries are fields of the
// structs that own them (the i18n Bundle's lookups, the store's case
// actions), lookup tables are functions or switches (models.OfferStates(),
// models.ActionLabel, Actor.Can's role lists), sentinel errors are
// constructors. What stays, by kind (see packageVars):
//   - `var x = regexp.MustCompile(…)`: compiled once, and a *regexp.Regexp
//     has no exported fields and no method that changes what it matches;
//   - `//go:embed` `var x embed.FS`: the compiler fills it, and an embed.FS
//     is read-only;
//   - `var _ T = …`: compile-time interface checks, nothing to read;
//   - the test-support packages above.
//
// cmd/ (package main), test files, generated templ files and testdata are
// left aside.
func TestNoPackageState(t *testing.T) {
	fset := token.NewFileSet()
	imports := map[string][]string{} // imported package → non-test files that import it
	checked := 0
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if path != "." && (strings.HasPrefix(name, ".") || name == "testdata" || name == "node_modules" || name == "vendor") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") || strings.HasSuffix(name, "_templ.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		dir := filepath.ToSlash(filepath.Dir(path))
		for _, im := range f.Imports {
			p := strings.Trim(im.Path.Value, `"`)
			if rel, ok := strings.CutPrefix(p, "partnerconsole/"); ok && testSupport[rel] {
				imports[rel] = append(imports[rel], dir)
			}
		}
		if dir == "cmd" || strings.HasPrefix(dir, "cmd/") || testSupport[dir] {
			return nil
		}
		checked++
		for _, v := range packageVars(f) {
			t.Errorf("%s: package-level var %s; make it a field of the struct that owns it, a function or a constant", fset.Position(v.Pos()), v.Name)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if checked < 50 {
		t.Fatalf("checked only %d files: is the test running at the module root?", checked)
	}
	for pkg, from := range imports {
		for _, dir := range from {
			if !testSupport[dir] {
				t.Errorf("%s imports the test-support package %s outside a test; its package state is only allowed in test binaries", dir, pkg)
			}
		}
	}
}

// packageVars finds the package-level variables a file declares, leaving
// out the allowed kinds (TestNoPackageState says why each is allowed).
func packageVars(f *ast.File) []*ast.Ident {
	regexpName := importName(f, "regexp")
	embedName := importName(f, "embed")
	var out []*ast.Ident
	for _, decl := range f.Decls {
		gd, ok := decl.(*ast.GenDecl)
		if !ok || gd.Tok != token.VAR {
			continue
		}
		for _, sp := range gd.Specs {
			vs := sp.(*ast.ValueSpec)
			for i, n := range vs.Names {
				switch {
				case n.Name == "_":
				case embedName != "" && isSelector(vs.Type, embedName, "FS") && len(vs.Values) == 0:
				case regexpName != "" && len(vs.Values) == len(vs.Names) && isCall(vs.Values[i], regexpName, "MustCompile"):
				default:
					out = append(out, n)
				}
			}
		}
	}
	return out
}

// importName is the name a file uses for an imported package; "" when the
// file does not import it.
func importName(f *ast.File, path string) string {
	for _, im := range f.Imports {
		if strings.Trim(im.Path.Value, `"`) != path {
			continue
		}
		if im.Name != nil {
			return im.Name.Name
		}
		return path[strings.LastIndex(path, "/")+1:]
	}
	return ""
}

func isSelector(e ast.Expr, pkg, name string) bool {
	sel, ok := e.(*ast.SelectorExpr)
	if !ok {
		return false
	}
	x, ok := sel.X.(*ast.Ident)
	return ok && x.Name == pkg && sel.Sel.Name == name
}

func isCall(e ast.Expr, pkg, name string) bool {
	call, ok := e.(*ast.CallExpr)
	return ok && isSelector(call.Fun, pkg, name)
}

func TestPackageVarsFindsState(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		want      []string
	}{
		{"map table", "package p\nvar labels = map[string]string{\"a\": \"A\"}\n", []string{"labels"}},
		{"slice table", "package p\nvar States = []string{\"a\"}\n", []string{"States"}},
		{"cache", "package p\nimport \"sync\"\nvar cache sync.Map\n", []string{"cache"}},
		{"sentinel error", "package p\nimport \"errors\"\nvar errX = errors.New(\"x\")\n", []string{"errX"}},
		{"var block", "package p\nvar (\n\ta = 1\n\tb, c int\n)\n", []string{"a", "b", "c"}},
		{"struct value", "package p\ntype A struct{ Name string }\nvar System = A{Name: \"system\"}\n", []string{"System"}},
		{"compiled regexp", "package p\nimport \"regexp\"\nvar re = regexp.MustCompile(`x`)\n", nil},
		{"renamed regexp import", "package p\nimport rx \"regexp\"\nvar re = rx.MustCompile(`x`)\n", nil},
		{"regexp built otherwise", "package p\nimport \"regexp\"\nvar re, _ = regexp.Compile(`x`)\n", []string{"re"}},
		{"MustCompile of another package", "package p\nimport \"other/regexp2\"\nvar re = regexp2.MustCompile(`x`)\n", []string{"re"}},
		{"embedded files", "package p\nimport \"embed\"\n//go:embed x\nvar FS embed.FS\n", nil},
		{"embed.FS with a value", "package p\nimport \"embed\"\nvar FS = embed.FS{}\n", []string{"FS"}},
		{"interface check", "package p\nimport \"io\"\ntype T struct{}\nfunc (T) Read([]byte) (int, error) { return 0, nil }\nvar _ io.Reader = T{}\n", nil},
		{"constant", "package p\nconst limit = 3\n", nil},
		{"local variable", "package p\nfunc f() { var x = map[string]int{}; _ = x }\n", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, err := parser.ParseFile(token.NewFileSet(), "x.go", tc.src, parser.SkipObjectResolution|parser.ParseComments)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, n := range packageVars(f) {
				got = append(got, n.Name)
			}
			if strings.Join(got, ",") != strings.Join(tc.want, ",") {
				t.Errorf("found %v, want %v", got, tc.want)
			}
		})
	}
}

// Every audit action the store writes by name is in models.AuditActions, the
// audit log filter's suggestions: a new action is added there too. (Actions
// built from a state, like "delegated_admin." + state, are listed by hand.)
func TestAuditActionsListed(t *testing.T) {
	listed := map[string]bool{}
	for _, a := range models.AuditActions() {
		listed[a] = true
	}
	literal := regexp.MustCompile(`"([a-z_]+\.[a-z_]+)"`)
	files, err := filepath.Glob("models/store/*.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for i, line := range strings.Split(string(src), "\n") {
			if !strings.Contains(strings.ToLower(line), "action") {
				continue
			}
			for _, m := range literal.FindAllStringSubmatch(line, -1) {
				if !listed[m[1]] {
					t.Errorf("%s:%d: audit action %q is not in models.AuditActions", f, i+1, m[1])
				}
			}
		}
	}
}
