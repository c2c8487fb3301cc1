package server_test

import (
	"encoding/json"
	"maps"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/graphql-go/graphql/language/ast"
	"github.com/graphql-go/graphql/language/parser"
)

// azField is a root field of the served schema, as introspection describes it.
type azField struct {
	root, name string
	idArgs     []string // paths of its ID arguments and of the ID fields of its input arguments
	args       []string // its arguments' paths, input fields included
}

// azType is a type of the served schema, as introspection describes it.
type azType struct {
	Kind   string
	Name   string
	Fields []struct {
		Name string
		Args []struct {
			Name string
			Type azTypeRef
		}
	}
	InputFields []struct {
		Name string
		Type azTypeRef
	}
	PossibleTypes []struct{ Name string }
}

type azTypeRef struct {
	Kind   string
	Name   string
	OfType *azTypeRef
}

func (r azTypeRef) named() string {
	for r.OfType != nil {
		r = *r.OfType
	}
	return r.Name
}

const azIntrospection = `{ __schema { queryType { name } mutationType { name }
	types { kind name fields { name args { name type { ...T } } } inputFields { name type { ...T } } possibleTypes { name } } } }
fragment T on __Type { kind name ofType { kind name ofType { kind name ofType { kind name } } } }`

// served reads the served schema's root fields, with the paths of their ID arguments, and the
// types that implement Node, through introspection as the administrator.
func (w *azWorld) served(t *testing.T) ([]azField, []string) {
	t.Helper()
	r := w.gql(t, w.tokens["admin"], azIntrospection, nil)
	if len(r.Errors) > 0 {
		t.Fatalf("introspection: %s", r.Raw)
	}
	var out struct {
		Schema struct {
			QueryType, MutationType struct{ Name string }
			Types                   []azType
		} `json:"__schema"`
	}
	if err := json.Unmarshal(r.Data, &out); err != nil {
		t.Fatal(err)
	}
	types := map[string]azType{}
	for _, ty := range out.Schema.Types {
		types[ty.Name] = ty
	}
	// argPaths lists the paths under an argument or input field of type ref, at path, and
	// those of type ID.
	var argPaths func(path string, ref azTypeRef, depth int) (all, ids []string)
	argPaths = func(path string, ref azTypeRef, depth int) (all, ids []string) {
		named := ref.named()
		all = []string{path}
		if named == "ID" {
			return all, []string{path}
		}
		ty := types[named]
		if ty.Kind != "INPUT_OBJECT" || depth > 3 {
			return all, nil
		}
		for _, f := range ty.InputFields {
			a, i := argPaths(path+"."+f.Name, f.Type, depth+1)
			all, ids = append(all, a...), append(ids, i...)
		}
		return all, ids
	}
	var fields []azField
	for _, root := range []string{out.Schema.QueryType.Name, out.Schema.MutationType.Name} {
		for _, f := range types[root].Fields {
			af := azField{root: root, name: f.Name}
			for _, a := range f.Args {
				all, ids := argPaths(a.Name, a.Type, 0)
				af.args, af.idArgs = append(af.args, all...), append(af.idArgs, ids...)
			}
			fields = append(fields, af)
		}
	}
	var nodes []string
	for _, p := range types["Node"].PossibleTypes {
		nodes = append(nodes, p.Name)
	}
	sort.Strings(nodes)
	return fields, nodes
}

// rows returns the matrix's rows of a root field: the one named after it and those named
// "field (what)".
func rows(root, name string) map[string]azOp {
	table := azQueries
	if root == "Mutation" {
		table = azMutations
	}
	out := map[string]azOp{}
	for key, op := range table {
		if field, _, _ := strings.Cut(key, " ("); field == name {
			out[key] = op
		}
	}
	return out
}

// TestAuthorisationMatrix runs every query and mutation of the served schema, read through
// introspection, as anonymous and as each role (an administrator, staff, a trainee, a donor's
// user and a social worker) on side A's objects, the party roles' own, and checks each answer
// against the matrix (azQueries and azMutations, server/authz_ops_test.go): allowed, scoped
// (allowed, and nothing of another party's), null, UNAUTHENTICATED, FORBIDDEN or NOT_FOUND. A
// served field without a row fails, and so does an ID argument (or an ID field of an input)
// that its row does not say what it names: a new operation cannot ship without its rule. (Rows
// also name the arguments of other types that name a party's object: a tag, a number.)
// docs/api.md, "The authorisation matrix", says how to add a row.
func TestAuthorisationMatrix(t *testing.T) {
	t.Parallel()
	w := newAZWorld(t)
	fields, _ := w.served(t)
	served := map[string]bool{}
	for _, f := range fields {
		served[f.root+"."+f.name] = true
		rs := rows(f.root, f.name)
		if len(rs) == 0 {
			t.Errorf("%s.%s is served but has no row in the authorisation matrix: add one to az%ss in server/authz_ops_test.go (docs/api.md)",
				f.root, f.name, map[string]string{"Query": "Querie", "Mutation": "Mutation"}[f.root])
			continue
		}
		if op, ok := rs[f.name]; !ok {
			t.Errorf("%s.%s has rows %v but none named %s, which says what its ID arguments name", f.root, f.name, slices.Collect(maps.Keys(rs)), f.name)
		} else {
			for _, p := range f.idArgs {
				if _, ok := op.ids[p]; !ok {
					t.Errorf("%s.%s: the ID argument %s is not in the row's ids: say what it names (an object of a party's kind, or a person)", f.root, f.name, p)
				}
			}
		}
		for key, op := range rs {
			for p := range op.ids {
				if !slices.Contains(f.args, p) {
					t.Errorf("%s.%s: the row %q names an argument %s that the field does not take", f.root, f.name, key, p)
				}
			}
		}
	}
	for root, table := range map[string]map[string]azOp{"Query": azQueries, "Mutation": azMutations} {
		for key := range table {
			field, _, _ := strings.Cut(key, " (")
			if !served[root+"."+field] {
				t.Errorf("the matrix has a row %q for %s.%s, which is not served", key, root, field)
			}
		}
	}
	if t.Failed() {
		t.FailNow()
	}

	calls := 0
	for _, f := range fields {
		for key, op := range rows(f.root, f.name) {
			for i, role := range azRoles {
				t.Run(f.root+"."+key+"/"+role, func(t *testing.T) {
					query, vars := op.call(w, w.a, role)
					checkCalls(t, query, f.name)
					r := w.gql(t, w.tokens[role], query, vars)
					calls++
					got := outcome(t, r, f.name)
					want := op.want[i]
					switch {
					case want == scoped && got == allow:
					case got != want:
						t.Fatalf("%s as %s: got %s (%s), want %s", key, role, got, r.Raw, want)
					}
					if leak := w.leak(r.Raw, role); leak != "" {
						t.Errorf("%s as %s on their own objects: the answer holds %s, another party's: %s", key, role, leak, r.Raw)
					}
				})
			}
		}
	}
	t.Logf("%d root fields, %d calls", len(fields), calls)
}

// TestObjectLevelAuthorisation is the other party's side of the matrix: donor A, social worker A
// and trainee A call every query and mutation that takes an ID (in an argument or an input)
// with side B's objects, and node(id:) with the id of side B's object of every type that
// implements Node. Whatever names an object of a kind the role may not see of another party
// (donors and social workers: anything of another party's; trainees: another trainee's
// records, requests and users) must answer NOT_FOUND, FORBIDDEN, null, or a list without it:
// never its data, and a mutation must be refused.
func TestObjectLevelAuthorisation(t *testing.T) {
	t.Parallel()
	w := newAZWorld(t)
	fields, nodes := w.served(t)
	calls := 0
	for _, f := range fields {
		for key, op := range rows(f.root, f.name) {
			for _, role := range []string{"donor", "social", "trainee"} {
				if !reachesHidden(op, role) {
					continue
				}
				t.Run(f.root+"."+key+"/"+role, func(t *testing.T) {
					query, vars := op.call(w, w.b, role)
					r := w.gql(t, w.tokens[role], query, vars)
					calls++
					got := outcome(t, r, f.name)
					t.Logf("%s as %s on side B's: %s %.300s", key, role, got, r.Raw)
					switch {
					case got == nf || got == forbid:
					case f.root == "Query" && (got == null || got == allow):
					case actsOnOwn(op, role) && got == allow: // checked for leaks below
					default:
						t.Errorf("%s as %s on side B's objects: got %s (%s), want NOT_FOUND, FORBIDDEN%s", key, role, got, r.Raw,
							map[bool]string{true: ", null or nothing of theirs", false: ""}[f.root == "Query"])
					}
					if leak := w.leak(r.Raw, role); leak != "" {
						t.Errorf("%s as %s: the answer holds %s, another party's: %s", key, role, leak, r.Raw)
					}
				})
			}
		}
	}
	for _, typ := range nodes {
		n, ok := azNodes[typ]
		if !ok {
			t.Errorf("node type %s has no row in azNodes (server/authz_ops_test.go): say whose its objects are and how to find side A's and B's", typ)
			continue
		}
		query := `query($id: ID!) { node(id: $id) { __typename id } }`
		// The owner sees its own (the fixture names the right object); the office sees any.
		for _, role := range []string{"admin", n.owner} {
			if role == "" || n.kind == kindShared {
				continue
			}
			r := w.gql(t, w.tokens[role], query, v("id", n.id(w, w.a)))
			calls++
			if got := outcome(t, r, "node"); got != allow && !n.neverLoaded {
				t.Errorf("node(%s of side A) as %s: got %s (%s), want the object", typ, role, got, r.Raw)
			}
		}
		for _, role := range []string{"donor", "social", "trainee"} {
			if n.kind == kindShared || !hides(role, n.kind) {
				continue
			}
			r := w.gql(t, w.tokens[role], query, v("id", n.id(w, w.b)))
			calls++
			if got := outcome(t, r, "node"); got != null && got != nf && got != forbid {
				t.Errorf("node(%s of side B) as %s: got %s (%s), want null, NOT_FOUND or FORBIDDEN", typ, role, got, r.Raw)
			}
		}
	}
	t.Logf("%d calls on another party's objects", calls)
}

// reachesHidden reports whether op takes an ID of an object of a kind role may not see of
// another party.
func reachesHidden(op azOp, role string) bool {
	for _, a := range op.ids {
		if !a.person && hides(role, a.kind) {
			return true
		}
	}
	return false
}

// actsOnOwn reports whether every ID of a hidden kind that op takes is one that role's own
// object replaces.
func actsOnOwn(op azOp, role string) bool {
	for _, a := range op.ids {
		if !a.person && !a.own && hides(role, a.kind) {
			return false
		}
	}
	return true
}

// outcome sums up an answer for field: allow, null, or the first error's code.
func outcome(t *testing.T, r azResult, field string) string {
	t.Helper()
	if len(r.Errors) > 0 {
		if c := r.code(); c != "" {
			return c
		}
		return "error without a code"
	}
	var data map[string]json.RawMessage
	if err := json.Unmarshal(r.Data, &data); err != nil {
		t.Fatalf("data %s: %v", r.Data, err)
	}
	if v, ok := data[field]; !ok || string(v) == "null" {
		return null
	}
	return allow
}

// checkCalls checks that query's operation selects field at its root, so that a row runs what
// it is the row of.
func checkCalls(t *testing.T, query, field string) {
	t.Helper()
	doc, err := parser.Parse(parser.ParseParams{Source: query})
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	for _, def := range doc.Definitions {
		if op, ok := def.(*ast.OperationDefinition); ok {
			for _, sel := range op.SelectionSet.Selections {
				if f, ok := sel.(*ast.Field); ok && f.Name.Value == field {
					return
				}
			}
		}
	}
	t.Fatalf("the row of %s runs %s", field, query)
}

// leak returns the marker of side B's objects that role may not see found in text, "" if
// there is none.
func (w *azWorld) leak(text, role string) string {
	for _, k := range hiddenKinds[role] {
		if m := w.b.marker(k); strings.Contains(text, m) {
			return m
		}
		// A certificate's number carries no marker: side B's trainee's is looked for itself.
		if k == kindTrainee && strings.Contains(text, w.b.attendance) {
			return w.b.attendance
		}
	}
	return ""
}
