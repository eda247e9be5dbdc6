// Package partnerconsole_test holds checks over the whole module's source.
package partnerconsole_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
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
