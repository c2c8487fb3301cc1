package graph

import (
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"math"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/graphql-go/graphql"

	"github.com/digital-inclusion/refurb/internal/fuzztest"
)

// execSchema exercises what the executor must do as graphql-go does: non-null fields failing
// at every depth, lists of lists, thunks, an interface and a union, enums, input objects with
// defaults, directives, aliases, and values JSON must escape or cannot hold.
// With thunkFails, Item.later fails through its thunk for the item named "bad" (where the two
// executors part, TestExecutorThunkFailsNonNull).
func execSchema(t testing.TB, thunkFails bool) *graphql.Schema {
	t.Helper()
	color := graphql.NewEnum(graphql.EnumConfig{Name: "Color", Values: graphql.EnumValueConfigMap{
		"RED": {Value: "red"}, "GREEN": {Value: "green"}}})
	var named *graphql.Interface
	var item, other *graphql.Object
	named = graphql.NewInterface(graphql.InterfaceConfig{Name: "Named",
		Fields: graphql.Fields{"name": {Type: graphql.String}},
		ResolveType: func(p graphql.ResolveTypeParams) *graphql.Object {
			if m, ok := p.Value.(map[string]any); ok && m["other"] == true {
				return other
			}
			return item
		}})
	item = graphql.NewObject(graphql.ObjectConfig{Name: "Item", Interfaces: []*graphql.Interface{named},
		Fields: graphql.FieldsThunk(func() graphql.Fields {
			return graphql.Fields{
				"name":  {Type: graphql.String},
				"n":     {Type: graphql.Int},
				"must":  {Type: graphql.NewNonNull(graphql.String)}, // fails when the item has none
				"color": {Type: color},
				"oops": {Type: graphql.String, Resolve: func(p graphql.ResolveParams) (any, error) {
					return nil, errors.New("oops at " + p.Source.(map[string]any)["name"].(string))
				}},
				"later": {Type: graphql.NewNonNull(graphql.String), Resolve: func(p graphql.ResolveParams) (any, error) {
					name := p.Source.(map[string]any)["name"].(string)
					return func() (any, error) {
						if thunkFails && name == "bad" {
							return nil, errors.New("later failed")
						}
						return "later " + name, nil
					}, nil
				}},
				"self": {Type: item, Resolve: func(p graphql.ResolveParams) (any, error) { return p.Source, nil }},
				"grid": {Type: graphql.NewList(graphql.NewList(graphql.Int)), Resolve: func(graphql.ResolveParams) (any, error) {
					return [][]int{{1, 2}, {3}}, nil
				}},
			}
		})})
	other = graphql.NewObject(graphql.ObjectConfig{Name: "Other", Interfaces: []*graphql.Interface{named},
		Fields: graphql.Fields{"name": {Type: graphql.String}, "extra": {Type: graphql.Int}}})
	both := graphql.NewUnion(graphql.UnionConfig{Name: "Both", Types: []*graphql.Object{item, other},
		ResolveType: func(p graphql.ResolveTypeParams) *graphql.Object { return named.ResolveType(p) }})
	filter := graphql.NewInputObject(graphql.InputObjectConfig{Name: "Filter", Fields: graphql.InputObjectConfigFieldMap{
		"color": {Type: color, DefaultValue: "green"},
		"names": {Type: graphql.NewList(graphql.String)},
	}})
	items := []any{
		map[string]any{"name": "a<b>&c", "n": 1, "must": "x", "color": "red"},
		map[string]any{"name": "bad", "n": 2, "color": "green"},
		map[string]any{"name": "o", "other": true, "extra": 7},
	}
	query := graphql.NewObject(graphql.ObjectConfig{Name: "Query", Fields: graphql.Fields{
		"items": {Type: graphql.NewList(named), Resolve: func(graphql.ResolveParams) (any, error) { return items, nil }},
		"strict": {Type: graphql.NewList(graphql.NewNonNull(item)), Resolve: func(graphql.ResolveParams) (any, error) {
			return items[:2], nil
		}},
		"both": {Type: graphql.NewList(both), Resolve: func(graphql.ResolveParams) (any, error) { return items, nil }},
		"echo": {Type: graphql.String,
			Args: graphql.FieldConfigArgument{
				"filter": {Type: filter},
				"n":      {Type: graphql.Int, DefaultValue: 3},
				"list":   {Type: graphql.NewList(graphql.Int)},
			},
			Resolve: func(p graphql.ResolveParams) (any, error) {
				b, err := jsonString(p.Args)
				return b, err
			}},
		"text": {Type: graphql.String, Resolve: func(graphql.ResolveParams) (any, error) { return "<tag> & \u2028 \x01 é \xff", nil }},
		"nan": {Type: graphql.NewScalar(graphql.ScalarConfig{Name: "Raw", Serialize: func(v any) any { return v }}),
			Resolve: func(graphql.ResolveParams) (any, error) { return math.Inf(1), nil }},
		"notList": {Type: graphql.NewList(graphql.Int), Resolve: func(graphql.ResolveParams) (any, error) { return 5, nil }},
	}})
	s, err := graphql.NewSchema(graphql.SchemaConfig{Query: query, Types: []graphql.Type{item, other}})
	if err != nil {
		t.Fatal(err)
	}
	return &s
}

func jsonString(v any) (string, error) {
	raw, err := json.Marshal(v)
	return string(raw), err
}

// TestExecutorAgreesWithGraphqlGo runs documents through the handler with Config.Reference:
// each is executed by our executor and by graphql-go's, and any difference fails the test.
// Some answers are also checked as the client reads them (field order, null propagation).
func TestExecutorAgreesWithGraphqlGo(t *testing.T) {
	h := NewHandler(execSchema(t, true), Config{Reference: func(q, d string) { t.Errorf("the executors differ on\n%s\n%s", q, d) }}, nil)
	post := func(query string, variables map[string]any) (int, string) {
		t.Helper()
		body, _ := json.Marshal(map[string]any{"query": query, "variables": variables})
		w := httptest.NewRecorder()
		h.ServeHTTP(w, jsonRequest(string(body)))
		return w.Code, w.Body.String()
	}
	for _, q := range []string{
		`{ items { name ... on Item { n color must } ... on Other { extra } __typename } }`,
		`{ strict { name } }`,
		`{ strict { name must } }`,
		`{ items { ... on Item { oops } } }`,
		`{ items { ... on Item { self { self { must } } } } }`,
		`{ both { __typename ... on Item { first: n second: n n } ... on Named { name } } }`,
		`{ items { ...F } } fragment F on Named { name ... on Item { grid } }`,
		`{ echo echo2: echo(n: 5, list: 4, filter: {names: ["x"]}) }`,
		`{ text notList }`,
		`{ items { name @skip(if: true) ... on Item @include(if: false) { n } } }`,
	} {
		if code, body := post(q, nil); code != http.StatusOK {
			t.Errorf("%s: %d %s", q, code, body)
		}
	}
	vars := `query($f: Filter, $s: Boolean!, $l: [Int], $n: Int) {
		echo(filter: $f, list: $l, n: $n) items { name @skip(if: $s) } }`
	for _, v := range []map[string]any{
		{"f": map[string]any{"color": "RED"}, "s": true, "l": 7},
		{"f": map[string]any{"names": []any{"a", "b"}}, "s": false, "l": []any{1, 2}, "n": 9},
		{"s": false},
	} {
		post(vars, v)
	}

	// Variables that do not fit are worded by graphql-go, as before.
	if code, body := post(vars, map[string]any{"s": nil}); code != http.StatusOK || !strings.Contains(body, `Variable \"$s\" of required type \"Boolean!\" was not provided.`) {
		t.Errorf("a variable of the wrong type: %d %s", code, body)
	}
	// Fields come in the query's order, a non-null field's failure nulls its object, and a
	// non-null item's failure nulls the whole list.
	_, body := post(`{ items { ... on Item { n name must } } strict { must } }`, nil)
	if !strings.Contains(body, `"data":{"items":[{"n":1,"name":"a\u003cb\u003e\u0026c","must":"x"},null,{}],"strict":null}`) {
		t.Errorf("got %s", body)
	}
	// A value JSON cannot hold (a scalar serialized as an infinity) is the server's fault, answered as such.
	if code, body := post(`{ nan }`, nil); code != http.StatusInternalServerError {
		t.Errorf("NaN: %d %s", code, body)
	}
}

// TestExecutorThunkFailsNonNull checks where graphql-go and the spec part: a non-null field
// whose loader fails. graphql-go loses the whole response; the spec (and our executor) null
// the nearest nullable position and keep the rest.
func TestExecutorThunkFailsNonNull(t *testing.T) {
	h := NewHandler(execSchema(t, true), Config{}, nil)
	w := httptest.NewRecorder()
	h.ServeHTTP(w, jsonRequest(`{"query": "{ items { name ... on Item { later } } }"}`))
	want := `"data":{"items":[{"name":"a\u003cb\u003e\u0026c","later":"later a\u003cb\u003e\u0026c"},null,{"name":"o"}]}`
	if !strings.Contains(w.Body.String(), want) || !strings.Contains(w.Body.String(), `"path":["items",1,"later"]`) {
		t.Errorf("got %s\nwant %s and the error at items.1.later", w.Body, want)
	}
}

// FuzzExecutor runs queries and variables on both executors (Config.Reference) and fails on any
// difference in their answers; the seeds are the documents of TestExecutorAgreesWithGraphqlGo.
// Most mutated documents are refused before execution: those that pass validation are the ones
// that matter, with variables of every JSON shape.
func FuzzExecutor(f *testing.F) {
	for _, q := range []string{
		`{ items { name ... on Item { n color must oops later self { name } grid } ... on Other { extra } __typename } }`,
		`{ strict { name must later } both { __typename ... on Item { first: n n } ... on Named { name } } }`,
		`{ items { ...F } } fragment F on Named { name ... on Item { grid } }`,
		`{ echo echo2: echo(n: 5, list: 4, filter: {names: ["x"], color: RED}) text notList }`,
		`{ items { name @skip(if: true) ... on Item @include(if: false) { n } } }`,
	} {
		f.Add(q, `{}`)
	}
	f.Add(`query($f: Filter, $s: Boolean!, $l: [Int], $n: Int) { echo(filter: $f, list: $l, n: $n) items { name @skip(if: $s) } }`,
		`{"f": {"color": "RED", "names": "a"}, "s": false, "l": [1, null, 3], "n": 2}`)
	f.Add(`query($s: Boolean = true) { items @include(if: $s) { name } }`, `{"s": null}`)
	var query, difference string
	h := NewHandler(execSchema(f, false), Config{Reference: func(q, d string) { query, difference = q, d }},
		slog.New(slog.NewTextHandler(io.Discard, nil)))
	f.Fuzz(func(t *testing.T, q, variables string) {
		var vars map[string]any
		if json.Unmarshal([]byte(variables), &vars) != nil {
			vars = nil
		}
		body, err := json.Marshal(map[string]any{"query": q, "variables": vars})
		if err != nil {
			return
		}
		query, difference = "", ""
		w := httptest.NewRecorder()
		stop := fuzztest.Watch(fuzztest.Hang, "query %q with %s", q, variables)
		h.ServeHTTP(w, jsonRequest(string(body)))
		stop()
		if difference != "" {
			t.Fatalf("the executors differ on\n%s\n%s", query, difference)
		}
		if w.Code == http.StatusInternalServerError && !strings.Contains(q, "nan") {
			t.Fatalf("%s: %d %s", q, w.Code, w.Body)
		}
	})
}

// TestResolverWritingItsArgsIsCaught: the executor shares a field's arguments between the
// objects of a level and the requests of a document, so a resolver that writes to them would
// leak one request's values into the next; with Config.Reference (tests) that is reported.
func TestResolverWritingItsArgsIsCaught(t *testing.T) {
	query := graphql.NewObject(graphql.ObjectConfig{Name: "Query", Fields: graphql.Fields{
		"greet": {Type: graphql.String, Args: graphql.FieldConfigArgument{"name": {Type: graphql.String}},
			Resolve: func(p graphql.ResolveParams) (any, error) {
				name, _ := p.Args["name"].(string)
				p.Args["name"] = name + "!" // the bug
				return "hello " + name, nil
			}},
	}})
	s, err := graphql.NewSchema(graphql.SchemaConfig{Query: query})
	if err != nil {
		t.Fatal(err)
	}
	var reported []string
	h := NewHandler(&s, Config{Reference: func(_, d string) { reported = append(reported, d) }}, nil)
	h.ServeHTTP(httptest.NewRecorder(), jsonRequest(`{"query": "{ greet(name: \"ana\") }"}`))
	if !slices.ContainsFunc(reported, func(d string) bool { return strings.Contains(d, "Query.greet changed its arguments") }) {
		t.Errorf("reported %q, want the changed arguments of Query.greet", reported)
	}
}
