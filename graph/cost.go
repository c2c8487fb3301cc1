package graph

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"

	"github.com/graphql-go/graphql"
	"github.com/graphql-go/graphql/language/ast"
	"github.com/graphql-go/graphql/language/location"

	"github.com/digital-inclusion/refurb/inventory"
)

// A query's cost is an estimate, made before anything runs, of how many list items it makes the
// server build: the product of first/last down every path of nested lists, summed over the
// document. A connection or a list with first/last counts that many items, a list without them
// counts listEstimate items, and whatever is selected below a list counts once per item:
// devices(first: 100) { nodes { donation { devices(first: 100) { nodes { tag } } } } } costs
// 100 + 100 x 100. Single objects (a device's donation) add nothing of their own but carry
// their parent's multiplier. Depth, alias and field limits bound the text of a document; only
// a cost limit bounds what it asks for, which grows exponentially with depth. The estimate
// may depend on the variables (first: $n): one that reads none is kept with the query's plan
// (Handler.cost), the others are computed for every request on the cached document; it walks
// the document once (fragments memoised), in about a microsecond.

// costCeiling caps estimates, which overflow int64 quickly with nesting.
const costCeiling = math.MaxInt32

// costEstimator computes the cost of one operation with its variables.
type costEstimator struct {
	schema       *graphql.Schema
	fragments    map[string]*ast.FragmentDefinition
	vars         map[string]any // the request's variables, defaults of the operation applied
	listEstimate int
	memo         map[fragmentKey]int
	inProgress   map[string]bool
	readVars     bool // a page size came from a variable
}

type fragmentKey struct {
	name    string
	pending int
}

// estimateCost returns the estimated number of list items op builds with vars, and whether
// it read a variable to say so. Unknown fields and fragments count nothing: validation has
// already refused such documents.
func estimateCost(schema *graphql.Schema, doc *ast.Document, op *ast.OperationDefinition, vars map[string]any, listEstimate int) (cost int, readVars bool) {
	e := &costEstimator{
		schema:       schema,
		fragments:    map[string]*ast.FragmentDefinition{},
		vars:         map[string]any{},
		listEstimate: listEstimate,
		memo:         map[fragmentKey]int{},
		inProgress:   map[string]bool{},
	}
	for _, def := range doc.Definitions {
		if f, ok := def.(*ast.FragmentDefinition); ok && f.Name != nil {
			e.fragments[f.Name.Value] = f
		}
	}
	for _, v := range op.VariableDefinitions {
		if v.Variable == nil || v.Variable.Name == nil {
			continue
		}
		if v.DefaultValue != nil {
			e.vars[v.Variable.Name.Value] = v.DefaultValue
		}
	}
	for k, v := range vars {
		e.vars[k] = v
	}
	var root *graphql.Object
	switch op.Operation {
	case ast.OperationTypeMutation:
		root = schema.MutationType()
	default:
		root = schema.QueryType()
	}
	if root == nil {
		return 0, false
	}
	cost = e.selections(root, op.SelectionSet, -1)
	return cost, e.readVars
}

// selections returns the cost of set for one object of type parent. pending is the page size
// when parent is a connection (-1 otherwise): it sizes the connection's nodes or edges.
func (e *costEstimator) selections(parent graphql.Type, set *ast.SelectionSet, pending int) int {
	if set == nil {
		return 0
	}
	cost := 0
	for _, sel := range set.Selections {
		switch s := sel.(type) {
		case *ast.Field:
			cost = costAdd(cost, e.field(parent, s, pending))
		case *ast.InlineFragment:
			t := parent
			if s.TypeCondition != nil && s.TypeCondition.Name != nil {
				if named := e.schema.Type(s.TypeCondition.Name.Value); named != nil {
					t = named
				}
			}
			cost = costAdd(cost, e.selections(t, s.SelectionSet, pending))
		case *ast.FragmentSpread:
			cost = costAdd(cost, e.spread(s, pending))
		}
	}
	return cost
}

func (e *costEstimator) spread(s *ast.FragmentSpread, pending int) int {
	if s.Name == nil {
		return 0
	}
	key := fragmentKey{s.Name.Value, pending}
	if v, ok := e.memo[key]; ok {
		return v
	}
	frag := e.fragments[key.name]
	if frag == nil || e.inProgress[key.name] || frag.TypeCondition == nil || frag.TypeCondition.Name == nil {
		return 0 // validation refuses unknown and cyclic fragments
	}
	t := e.schema.Type(frag.TypeCondition.Name.Value)
	if t == nil {
		return 0
	}
	e.inProgress[key.name] = true
	v := e.selections(t, frag.SelectionSet, pending)
	delete(e.inProgress, key.name)
	e.memo[key] = v
	return v
}

// field returns the cost of one field selected on one object of type parent.
func (e *costEstimator) field(parent graphql.Type, f *ast.Field, pending int) int {
	if f.Name == nil {
		return 0
	}
	def := fieldDefinition(e.schema, parent, f.Name.Value)
	if def == nil {
		return 0
	}
	typ, isList := unwrapType(def.Type)
	if !isComposite(typ) {
		return 0 // scalars and enums, and lists of them, are no items
	}
	// items is what the field itself adds; each of its children counts once per copy.
	items, copies, childPending := 0, 1, -1
	size, paged := e.pageSize(def, f)
	switch {
	case paged && isList: // events(last: 20)
		items, copies = size, size
	case paged: // a connection: its page is counted here, its nodes are the page
		items, childPending = size, size
	case isList && pending >= 0: // a connection's nodes or edges
		copies = pending
	case isList:
		items, copies = e.listEstimate, e.listEstimate
	}
	return costAdd(items, costMul(copies, e.selections(typ, f.SelectionSet, childPending)))
}

// pageSize returns the page size a field asks for, from its first or last argument (the
// larger when both are given), else the arguments' default, else DefaultPageEstimate; and
// whether the field takes such an argument at all.
func (e *costEstimator) pageSize(def *graphql.FieldDefinition, f *ast.Field) (int, bool) {
	given, defaults, paged := -1, -1, false
	for _, arg := range def.Args {
		if arg.Name() != "first" && arg.Name() != "last" {
			continue
		}
		paged = true
		if n, ok := e.argument(f, arg.Name()); ok {
			given = max(given, n)
		} else if n, ok := toCount(arg.DefaultValue); ok {
			defaults = max(defaults, n)
		}
	}
	switch {
	case !paged:
		return 0, false
	case given >= 0:
		// A larger page is refused by the list itself, with a message that says what first
		// and last accept.
		return min(given, inventory.MaxPageSize), true
	case defaults >= 0:
		return defaults, true
	}
	return DefaultPageEstimate, true
}

// DefaultPageEstimate is the page size assumed for a first or last argument that has no
// value and no default.
const DefaultPageEstimate = 100

// argument returns the value given for the field's argument name, literal or variable.
func (e *costEstimator) argument(f *ast.Field, name string) (int, bool) {
	for _, a := range f.Arguments {
		if a.Name == nil || a.Name.Value != name {
			continue
		}
		switch v := a.Value.(type) {
		case *ast.Variable:
			if v.Name == nil {
				return 0, false
			}
			e.readVars = true
			return toCount(e.vars[v.Name.Value])
		default:
			return toCount(a.Value)
		}
	}
	return 0, false
}

// toCount reads a page size from a literal, a variable's JSON value or a default. Negative
// sizes count as none (the resolver refuses them); values that are no integer say nothing.
func toCount(v any) (int, bool) {
	var n int64
	switch v := v.(type) {
	case int:
		n = int64(v)
	case int64:
		n = v
	case float64:
		if v != math.Trunc(v) {
			return 0, false
		}
		n = int64(min(max(v, -1), costCeiling))
	case json.Number:
		i, err := v.Int64()
		if err != nil {
			return 0, false
		}
		n = i
	case *ast.IntValue:
		i, err := strconv.ParseInt(v.Value, 10, 64)
		if err != nil {
			return costCeiling, true // a literal too large for int64 is refused later; count it as huge
		}
		n = i
	default:
		return 0, false
	}
	return int(min(max(n, 0), costCeiling)), true
}

// fieldDefinition returns the definition of the field name on t, including the
// introspection fields graphql-go adds to every type and to the query root.
func fieldDefinition(schema *graphql.Schema, t graphql.Type, name string) *graphql.FieldDefinition {
	switch name {
	case graphql.TypeNameMetaFieldDef.Name:
		return graphql.TypeNameMetaFieldDef
	case graphql.SchemaMetaFieldDef.Name:
		if t == schema.QueryType() {
			return graphql.SchemaMetaFieldDef
		}
	case graphql.TypeMetaFieldDef.Name:
		if t == schema.QueryType() {
			return graphql.TypeMetaFieldDef
		}
	}
	var fields graphql.FieldDefinitionMap
	switch t := t.(type) {
	case *graphql.Object:
		fields = t.Fields()
	case *graphql.Interface:
		fields = t.Fields()
	default:
		return nil
	}
	return fields[name]
}

// unwrapType returns the named type under t's non-null and list wrappers, and whether a list
// is among them.
func unwrapType(t graphql.Type) (graphql.Type, bool) {
	isList := false
	for {
		switch w := t.(type) {
		case *graphql.NonNull:
			t = w.OfType
		case *graphql.List:
			t, isList = w.OfType, true
		default:
			return t, isList
		}
	}
}

func isComposite(t graphql.Type) bool {
	switch t.(type) {
	case *graphql.Object, *graphql.Interface, *graphql.Union:
		return true
	}
	return false
}

func costAdd(a, b int) int { return int(min(int64(a)+int64(b), costCeiling)) }

func costMul(a, b int) int {
	if a == 0 || b == 0 {
		return 0
	}
	if a > costCeiling/b {
		return costCeiling
	}
	return a * b
}

// costMessage explains a refused estimate and what to do instead.
func costMessage(cost, limit int) string {
	estimate := strconv.Itoa(cost)
	if cost >= costCeiling {
		estimate = "more than " + estimate
	}
	return fmt.Sprintf("query asks for an estimated %s items (first or last multiplied down nested lists); the limit is %d: ask for fewer items, nest fewer lists, and page through the rest with after (docs/api.md)", estimate, limit)
}

// locationOf returns where node starts in the query text, for an error's locations.
func locationOf(node ast.Node) []location.SourceLocation {
	loc := node.GetLoc()
	if loc == nil || loc.Source == nil {
		return nil
	}
	return []location.SourceLocation{location.GetLocation(loc.Source, loc.Start)}
}
