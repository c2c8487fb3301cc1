package graph

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/graphql-go/graphql"
	"github.com/graphql-go/graphql/language/parser"
)

// validate runs rule alone over query and returns the messages it reports.
func validate(t *testing.T, rule graphql.ValidationRuleFn, query string) []string {
	t.Helper()
	doc, err := parser.Parse(parser.ParseParams{Source: query})
	if err != nil {
		t.Fatalf("parsing %s: %v", query, err)
	}
	res := graphql.ValidateDocument(toySchema(t), doc, []graphql.ValidationRuleFn{rule})
	var msgs []string
	for _, e := range res.Errors {
		msgs = append(msgs, e.Message)
	}
	return msgs
}

func wantMessages(t *testing.T, got []string, want ...string) {
	t.Helper()
	if fmt.Sprintf("%q", got) != fmt.Sprintf("%q", want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestDepthRule(t *testing.T) {
	tests := []struct {
		name  string
		query string
		depth int
	}{
		{"one level", `{ hello }`, 1},
		{"nested", `{ node { child { id } } }`, 3},
		{"deepest branch counts", `{ hello node { id child { child { id } } } }`, 4},
		{"inline fragment adds no level", `{ node { ... on Node { child { id } } } }`, 3},
		{"spread counts where used", `{ node { ...F } } fragment F on Node { child { child { id } } }`, 4},
		{"fragment used twice", `{ node { ...F child { ...F } } } fragment F on Node { child { id } }`, 4},
		{"nested fragments", `{ ...A } fragment A on Query { node { ...B } } fragment B on Node { child { ...C } } fragment C on Node { id }`, 3},
		{"introspection counts as one level", `{ __schema { types { fields { type { ofType { ofType { name } } } } } } }`, 1},
		{"__typename is a field", `{ node { __typename } }`, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantMessages(t, validate(t, depthRule(tt.depth), tt.query))
			wantMessages(t, validate(t, depthRule(tt.depth-1), tt.query),
				fmt.Sprintf("query is %d levels deep; the limit is %d", tt.depth, tt.depth-1))
		})
	}
}

func TestDepthRuleNamesEachOperation(t *testing.T) {
	got := validate(t, depthRule(2), `query A { node { child { id } } } query B { hello } mutation C { setName(name: "x") }`)
	wantMessages(t, got, "query A is 3 levels deep; the limit is 2")
}

func TestFieldCountRule(t *testing.T) {
	tests := []struct {
		name  string
		query string
		count int
	}{
		{"flat", `{ hello node { id } }`, 3},
		{"aliases count", `{ a: hello b: hello }`, 2},
		{"inline fragment", `{ node { ... on Node { id name } } }`, 3},
		{"fragment counted at each spread", `{ node { ...F child { ...F } } } fragment F on Node { id name }`, 6},
		{"all operations of the document", `query A { hello } query B { hello node { id } }`, 4},
		{"introspection is counted", `{ __schema { types { name } } }`, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantMessages(t, validate(t, fieldCountRule(tt.count), tt.query))
			wantMessages(t, validate(t, fieldCountRule(tt.count-1), tt.query),
				fmt.Sprintf("query has %d field selections; the limit is %d", tt.count, tt.count-1))
		})
	}
}

func TestFieldCountSaturates(t *testing.T) {
	// 2^60 fields once expanded: the count must neither overflow nor take long.
	var b strings.Builder
	b.WriteString("{ node { ...F0 } }\n")
	for i := range 60 {
		fmt.Fprintf(&b, "fragment F%d on Node { a: child { ...F%d } b: child { ...F%d } }\n", i, i+1, i+1)
	}
	b.WriteString("fragment F60 on Node { id }\n")
	start := time.Now()
	got := validate(t, fieldCountRule(1000), b.String())
	wantMessages(t, got, "query has more than 1000000000 field selections; the limit is 1000")
	if d := time.Since(start); d > time.Second {
		t.Errorf("took %v", d)
	}
}

func TestAliasRule(t *testing.T) {
	query := `query A { a: hello b: node { c: id } ...F } fragment F on Query { d: hello node { e: name ... on Node { f: id } } }`
	wantMessages(t, validate(t, aliasRule(6), query))
	wantMessages(t, validate(t, aliasRule(5), query), "query has 6 aliases; the limit is 5")
	// An alias in a fragment is counted once, however often the fragment is spread.
	query = `{ node { ...F child { ...F } } } fragment F on Node { x: id }`
	wantMessages(t, validate(t, aliasRule(1), query))
}

func TestRulesSurviveCycles(t *testing.T) {
	// Without NoFragmentCyclesRule in the list, the rules must still terminate on cycles.
	queries := []string{
		`{ node { ...A } } fragment A on Node { id ...A }`,
		`{ node { ...A } } fragment A on Node { child { ...B } } fragment B on Node { child { ...A } }`,
		`{ node { ...A } } fragment A on Node { ... on Node { ...A } }`,
		`{ node { ...Missing } }`,
	}
	for _, q := range queries {
		for _, rule := range []graphql.ValidationRuleFn{depthRule(12), fieldCountRule(1000), aliasRule(30)} {
			done := make(chan struct{})
			go func() {
				defer close(done)
				validate(t, rule, q)
			}()
			select {
			case <-done:
			case <-time.After(5 * time.Second):
				t.Fatalf("a rule did not finish on %s", q)
			}
		}
	}
}

func TestNoIntrospectionRule(t *testing.T) {
	wantMessages(t, validate(t, noIntrospectionRule, `{ __typename node { __typename } }`))
	wantMessages(t, validate(t, noIntrospectionRule, `{ __schema { types { name } } __type(name: "Node") { name } }`),
		"introspection is disabled; __schema is not allowed",
		"introspection is disabled; __type is not allowed")
}

func TestExecutableDefinitionsRule(t *testing.T) {
	wantMessages(t, validate(t, executableDefinitionsRule, `{ hello } fragment F on Query { hello }`))
	wantMessages(t, validate(t, executableDefinitionsRule, `{ hello } type Foo { a: Int }`),
		"a request may only hold operations and fragments, not a ObjectDefinition")
}

func TestOverlappingFieldsStillChecked(t *testing.T) {
	s := newTestServer(t, Config{})
	status, resp := s.post(`{ hello(name: "a") hello(name: "b") }`, nil, "")
	wantError(t, status, resp, 400, CodeBadUserInput, `Fields "hello" conflict`)

	rules := specifiedRules(1000)
	if len(rules) != len(graphql.SpecifiedRules) {
		t.Fatalf("got %d rules, want %d", len(rules), len(graphql.SpecifiedRules))
	}
	overlapping := reflect.ValueOf(graphql.OverlappingFieldsCanBeMergedRule).Pointer()
	for _, r := range rules {
		if reflect.ValueOf(r).Pointer() == overlapping {
			t.Error("OverlappingFieldsCanBeMergedRule is in the list unguarded")
		}
	}
}

// TestHostileDocuments sends documents on which graphql-go's OverlappingFieldsCanBeMergedRule
// overflows the stack (killing the process) or runs for hours; each must be refused quickly.
func TestHostileDocuments(t *testing.T) {
	bomb := func(last string) string {
		var b strings.Builder
		b.WriteString("{ node { ...A0 } }\n")
		for i := range 40 {
			fmt.Fprintf(&b, "fragment A%d on Node { ...A%d ...B%d }\nfragment B%d on Node { ...A%d ...B%d }\n", i, i+1, i+1, i, i+1, i+1)
		}
		fmt.Fprintf(&b, "fragment A40 on Node { %s }\nfragment B40 on Node { %s }\n", last, last)
		return b.String()
	}
	tests := map[string]struct{ query, msg string }{
		"self-spread":           {`{ node { ...A } } fragment A on Node { id ...A }`, "Cannot spread fragment"},
		"unused cycle":          {`{ hello } fragment A on Node { ...B } fragment B on Node { ...A }`, "Cannot spread fragment"},
		"duplicate names cycle": {`{ node { ...A } } fragment A on Node { id } fragment A on Node { ...A }`, "one fragment named \"A\""},
		"spread bomb":           {bomb("id"), "more than 1000000000 field selections"},
		"spread bomb, unknown":  {bomb("...Missing"), `Unknown fragment "Missing"`},
		"repeated field":        {"{" + strings.Repeat(" hello", 10000) + " }", "query has 10000 field selections"},
	}
	s := newTestServer(t, Config{})
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			start := time.Now()
			status, resp := s.post(tt.query, nil, "")
			if d := time.Since(start); d > 2*time.Second {
				t.Errorf("took %v", d)
			}
			if status != 400 || !strings.Contains(fmt.Sprint(resp.Errors), tt.msg) {
				t.Errorf("got %d %+v, want 400 with %q", status, resp.Errors, tt.msg)
			}
		})
	}
}
