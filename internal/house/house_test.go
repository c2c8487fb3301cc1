package house

import (
	"bytes"
	"errors"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The house rule: a function this long does several things that each deserve a name, and a
// file this long holds several concepts that each deserve a file (docs/architecture.md).
const (
	maxFuncLines = 150
	maxFileLines = 550
)

// TestShape fails naming every non-test Go file of the module over maxFileLines lines and
// every function, declared or literal, over maxFuncLines lines.
func TestShape(t *testing.T) {
	t.Parallel()
	root := moduleRoot(t)
	fset := token.NewFileSet()
	files := 0
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			if path != root && skipDir(rel, d.Name()) {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(d.Name(), ".go") || strings.HasSuffix(d.Name(), "_test.go") {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		f, err := parser.ParseFile(fset, path, src, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		files++
		if n := lineCount(src); n > maxFileLines {
			t.Errorf("%s: %d lines, over %d: split it by concept", rel, n, maxFileLines)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			var name string
			var body *ast.BlockStmt
			switch fn := n.(type) {
			case *ast.FuncDecl:
				name, body = funcName(fn), fn.Body
			case *ast.FuncLit:
				name, body = "func literal", fn.Body
			}
			if body == nil {
				return true
			}
			start := fset.Position(n.Pos()).Line
			if lines := fset.Position(body.End()).Line - start + 1; lines > maxFuncLines {
				t.Errorf("%s:%d: %s is %d lines, over %d: split it into named steps", rel, start, name, lines, maxFuncLines)
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// A walk that found nothing checked nothing: the module root or the skipping is wrong.
	if files < 10 {
		t.Fatalf("found %d Go files under %s: want the whole module", files, root)
	}
}

// moduleRoot is the nearest directory at or above the test's working directory (the
// package's) that holds go.mod.
func moduleRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		} else if !errors.Is(err, fs.ErrNotExist) {
			t.Fatal(err)
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod at or above the working directory")
		}
		dir = parent
	}
}

// skipDir reports whether a directory holds no code of the module: vendored code, test
// data, the private database's files (var/, make run's) and hidden directories (.git, .ci).
func skipDir(rel, name string) bool {
	return name == "vendor" || name == "testdata" || rel == "var" || strings.HasPrefix(name, ".")
}

// lineCount is the number of lines of src, a last line without a newline included.
func lineCount(src []byte) int {
	n := bytes.Count(src, []byte("\n"))
	if len(src) > 0 && src[len(src)-1] != '\n' {
		n++
	}
	return n
}

// funcName is a declared function's name, with its receiver's type for a method.
func funcName(fn *ast.FuncDecl) string {
	if fn.Recv == nil || len(fn.Recv.List) == 0 {
		return fn.Name.Name
	}
	typ := fn.Recv.List[0].Type
	if star, ok := typ.(*ast.StarExpr); ok {
		typ = star.X
	}
	switch x := typ.(type) {
	case *ast.IndexExpr:
		typ = x.X
	case *ast.IndexListExpr:
		typ = x.X
	}
	if id, ok := typ.(*ast.Ident); ok {
		return id.Name + "." + fn.Name.Name
	}
	return fn.Name.Name
}
