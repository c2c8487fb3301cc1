package graph

import (
	"strings"
	"testing"

	"github.com/graphql-go/graphql"
	"github.com/graphql-go/graphql/language/ast"
	"github.com/graphql-go/graphql/language/parser"
)

// realSchema is the served schema; building it needs no database (resolvers are not run).
func realSchema(t testing.TB) *graphql.Schema {
	t.Helper()
	s, err := NewSchema(Deps{PublicURL: "https://refurb.example"})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func costOf(t testing.TB, s *graphql.Schema, query string, vars map[string]any) int {
	t.Helper()
	doc, err := parser.Parse(parser.ParseParams{Source: query})
	if err != nil {
		t.Fatalf("parsing %s: %v", query, err)
	}
	if res := graphql.ValidateDocument(s, doc, nil); !res.IsValid {
		t.Fatalf("%s is not valid: %v", query, res.Errors)
	}
	var op *ast.OperationDefinition
	for _, def := range doc.Definitions {
		if o, ok := def.(*ast.OperationDefinition); ok {
			op = o
		}
	}
	cost, _ := estimateCost(s, doc, op, vars, DefaultListEstimate)
	return cost
}

// The nested device lists of the report that took a server down: 100 devices, each with its
// donation's 100 devices, each with ... (docs/api.md, "Limits").
const (
	nested2 = `{devices(first:100){nodes{donation{devices(first:100){nodes{tag}}}}}}`
	nested3 = `{devices(first:100){nodes{donation{devices(first:100){nodes{donation{devices(first:100){nodes{tag}}}}}}}}}`
	nested4 = `{devices(first:100){nodes{donation{devices(first:100){nodes{donation{devices(first:100){nodes{donation{devices(first:100){nodes{tag}}}}}}}}}}}}`
)

// devicePageQuery is the largest page a client needs: 100 devices with every edge a list shows.
const devicePageQuery = `query Devices($first: Int, $after: String) {
  devices(first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    nodes {
      id tag kind make model serialNumber status version wipeComplete allowedTransitions scanURL labelURL
      donation { id number receivedOn donor { id name kind } }
      storage { id kind serialNumber capacityGB sanitization { id method technique tool result finishedAt operator { id name } } }
      events(last: 20) { id at kind fromStatus toStatus note actor { id name } }
    }
  }
}`

func TestEstimateCost(t *testing.T) {
	s := realSchema(t)
	tests := []struct {
		name  string
		query string
		vars  map[string]any
		want  int
	}{
		{"single objects are no items", `{ me { id name } }`, nil, 0},
		{"nothing but scalars", `{ __typename }`, nil, 0},
		{"one page", `{ devices(first: 100) { totalCount nodes { tag } } }`, nil, 100},
		{"default page size", `{ devices { nodes { tag } } }`, nil, 50},
		{"page info is no item", `{ devices(first: 10) { pageInfo { hasNextPage } nodes { tag } } }`, nil, 10},
		{"first from a variable", `query($n: Int) { devices(first: $n) { nodes { tag } } }`, map[string]any{"n": float64(7)}, 7},
		{"variable's default", `query($n: Int = 3) { devices(first: $n) { nodes { tag } } }`, nil, 3},
		{"variable not sent: the argument's default", `query($n: Int) { devices(first: $n) { nodes { tag } } }`, nil, 50},
		{"negative first counts none", `query($n: Int) { devices(first: $n) { nodes { tag } } }`, map[string]any{"n": float64(-5)}, 0},
		// 10 devices, each with an estimated 10 storage media
		{"lists without first count the estimate", `{ devices(first: 10) { nodes { donation { number } storage { sanitization { method } } } } }`, nil, 10 + 10*10},
		// a list field with last: 5 events of each of 2 devices
		{"last on a list", `{ devices(first: 2) { nodes { events(last: 5) { kind actor { name } } } } }`, nil, 2 + 2*5},
		{"fragments count where spread", `{ devices(first: 4) { nodes { ...D } } } fragment D on Device { storage { kind } }`, nil, 4 + 4*10},
		{"fragment on a connection", `{ devices(first: 4) { ...C } } fragment C on DeviceConnection { nodes { tag } }`, nil, 4},
		{"inline fragment on node", `{ node(id: "x") { ... on Donation { devices(first: 5) { nodes { tag } } } } }`, nil, 5},
		{"aliases add up", `{ a: devices(first: 10) { nodes { tag } } b: devices(first: 20) { nodes { tag } } }`, nil, 10 + 20},
		{"nested 2 levels", nested2, nil, 100 + 100*100},
		{"nested 3 levels", nested3, nil, 100 + 100*(100+100*100)},
		{"nested 4 levels", nested4, nil, 100 + 100*(100+100*(100+100*100))},
		// 100 devices, each with an estimated 10 storage media and 20 events
		{"device page", devicePageQuery, map[string]any{"first": float64(100)}, 100 + 100*(10+20)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := costOf(t, s, tt.query, tt.vars); got != tt.want {
				t.Errorf("got %d, want %d", got, tt.want)
			}
		})
	}
}

func TestEstimateCostSaturates(t *testing.T) {
	s := realSchema(t)
	q := nested4
	for range 4 { // 8 levels of 100: 10^16 objects
		q = strings.Replace(q, "nodes{tag}", "nodes{donation{devices(first:100){nodes{tag}}}}", 1)
	}
	if got := costOf(t, s, q, nil); got != costCeiling {
		t.Errorf("got %d, want the ceiling %d", got, costCeiling)
	}
	if !strings.Contains(costMessage(costCeiling, 10_000), "more than") {
		t.Errorf("the message for a saturated estimate should say it is a lower bound: %s", costMessage(costCeiling, 10_000))
	}
}

// The default limit lets what clients need through: GraphiQL's introspection and a full page.
func TestDefaultCostLimitAdmitsRealQueries(t *testing.T) {
	s := realSchema(t)
	for name, q := range map[string]string{"introspection": introspectionQuery, "device page": devicePageQuery} {
		got := costOf(t, s, q, map[string]any{"first": float64(100)})
		if got > DefaultMaxCost {
			t.Errorf("%s costs %d, over the default limit of %d", name, got, DefaultMaxCost)
		}
		t.Logf("%s costs %d", name, got)
	}
	if got := costOf(t, s, nested2, nil); got <= DefaultMaxCost {
		t.Errorf("two nested pages of 100 cost %d, within the default limit of %d", got, DefaultMaxCost)
	}
}

func BenchmarkEstimateCost(b *testing.B) {
	s := realSchema(b)
	doc, err := parser.Parse(parser.ParseParams{Source: devicePageQuery})
	if err != nil {
		b.Fatal(err)
	}
	op := doc.Definitions[0].(*ast.OperationDefinition)
	vars := map[string]any{"first": float64(100)}
	b.ReportAllocs()
	for b.Loop() {
		estimateCost(s, doc, op, vars, DefaultListEstimate)
	}
}
