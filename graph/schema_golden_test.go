package graph

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/graphql-go/graphql"
)

var update = flag.Bool("update", false, "rewrite testdata/schema.golden.graphql from the served schema")

// TestSchemaGolden holds the whole served schema (types, fields, arguments with defaults, enum
// values, descriptions) against testdata/schema.golden.graphql, so that a change to the schema is
// always a visible change to that file: a refactoring leaves it alone, a new field shows there.
// Run `go test ./graph -run SchemaGolden -update` after a change meant to alter the schema.
func TestSchemaGolden(t *testing.T) {
	got := printSchema(realSchema(t))
	path := filepath.Join("testdata", "schema.golden.graphql")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if got != string(want) {
		gl, wl := strings.Split(got, "\n"), strings.Split(string(want), "\n")
		for i := range max(len(gl), len(wl)) {
			g, w := "", ""
			if i < len(gl) {
				g = gl[i]
			}
			if i < len(wl) {
				w = wl[i]
			}
			if g != w {
				t.Fatalf("the served schema differs from %s at line %d:\n got: %s\nwant: %s\n(run with -update if the change is meant)", path, i+1, g, w)
			}
		}
	}
}

// printSchema writes s in SDL, every list sorted, for comparison (graphql-go has no printer).
func printSchema(s *graphql.Schema) string {
	var b strings.Builder
	names := make([]string, 0, len(s.TypeMap()))
	for name := range s.TypeMap() {
		if !strings.HasPrefix(name, "__") {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	desc := func(indent, d string) {
		if d != "" {
			fmt.Fprintf(&b, "%s# %s\n", indent, strings.ReplaceAll(d, "\n", "\n"+indent+"# "))
		}
	}
	fields := func(m graphql.FieldDefinitionMap) {
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			f := m[k]
			desc("  ", f.Description)
			var args []string
			for _, a := range f.Args {
				arg := a.Name() + ": " + a.Type.String()
				if a.DefaultValue != nil {
					arg += fmt.Sprintf(" = %v", a.DefaultValue)
				}
				args = append(args, arg)
			}
			slices.Sort(args)
			sig := ""
			if len(args) > 0 {
				sig = "(" + strings.Join(args, ", ") + ")"
			}
			dep := ""
			if f.DeprecationReason != "" {
				dep = fmt.Sprintf(" @deprecated(reason: %q)", f.DeprecationReason)
			}
			fmt.Fprintf(&b, "  %s%s: %s%s\n", k, sig, f.Type.String(), dep)
		}
	}
	for _, name := range names {
		switch t := s.TypeMap()[name].(type) {
		case *graphql.Object:
			desc("", t.Description())
			var ifaces []string
			for _, i := range t.Interfaces() {
				ifaces = append(ifaces, i.Name())
			}
			slices.Sort(ifaces)
			impl := ""
			if len(ifaces) > 0 {
				impl = " implements " + strings.Join(ifaces, " & ")
			}
			fmt.Fprintf(&b, "type %s%s {\n", name, impl)
			fields(t.Fields())
			b.WriteString("}\n\n")
		case *graphql.Interface:
			desc("", t.Description())
			fmt.Fprintf(&b, "interface %s {\n", name)
			fields(t.Fields())
			b.WriteString("}\n\n")
		case *graphql.Union:
			desc("", t.Description())
			var members []string
			for _, m := range t.Types() {
				members = append(members, m.Name())
			}
			slices.Sort(members)
			fmt.Fprintf(&b, "union %s = %s\n\n", name, strings.Join(members, " | "))
		case *graphql.Enum:
			desc("", t.Description())
			fmt.Fprintf(&b, "enum %s {\n", name)
			var vals []string
			for _, v := range t.Values() {
				vals = append(vals, v.Name)
			}
			slices.Sort(vals)
			for _, v := range vals {
				fmt.Fprintf(&b, "  %s\n", v)
			}
			b.WriteString("}\n\n")
		case *graphql.InputObject:
			desc("", t.Description())
			fmt.Fprintf(&b, "input %s {\n", name)
			m := t.Fields()
			keys := make([]string, 0, len(m))
			for k := range m {
				keys = append(keys, k)
			}
			slices.Sort(keys)
			for _, k := range keys {
				f := m[k]
				desc("  ", f.Description())
				def := ""
				if f.DefaultValue != nil {
					def = fmt.Sprintf(" = %v", f.DefaultValue)
				}
				fmt.Fprintf(&b, "  %s: %s%s\n", k, f.Type.String(), def)
			}
			b.WriteString("}\n\n")
		case *graphql.Scalar:
			desc("", t.Description())
			fmt.Fprintf(&b, "scalar %s\n\n", name)
		}
	}
	return b.String()
}
