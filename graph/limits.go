package graph

import (
	"fmt"
	"reflect"
	"strings"

	"github.com/graphql-go/graphql"
	"github.com/graphql-go/graphql/gqlerrors"
	"github.com/graphql-go/graphql/language/ast"
	"github.com/graphql-go/graphql/language/kinds"
	"github.com/graphql-go/graphql/language/visitor"
)

// The validation rules below bound what one document may ask for, so that a request's cost is
// known before anything runs. graphql-go runs all rules in one pass of one visitor, in no
// guaranteed order with respect to NoFragmentCyclesRule or KnownFragmentNamesRule, so each rule
// that follows fragment spreads guards against cycles and unknown fragments itself (and leaves
// reporting them to those rules).

// specifiedRules returns graphql.SpecifiedRules with OverlappingFieldsCanBeMergedRule guarded
// (see guardOverlappingFields).
func specifiedRules(maxFields int) []graphql.ValidationRuleFn {
	overlapping := reflect.ValueOf(graphql.OverlappingFieldsCanBeMergedRule).Pointer()
	rules := make([]graphql.ValidationRuleFn, len(graphql.SpecifiedRules))
	for i, rule := range graphql.SpecifiedRules {
		if reflect.ValueOf(rule).Pointer() == overlapping {
			rule = guardOverlappingFields(maxFields)
		}
		rules[i] = rule
	}
	return rules
}

// guardOverlappingFields runs graphql-go's OverlappingFieldsCanBeMergedRule only on documents
// that no other rule rejects for their shape. In v0.8.1 that rule follows fragment spreads
// without remembering where it has been: a fragment cycle recurses until the goroutine's stack
// overflows, which kills the whole process (`{ a { ...F } } fragment F on A { ...F }` would
// take the server down), a chain of fragments each spreading the next two is explored
// exponentially, and n copies of one field are compared pairwise. Those documents are
// rejected anyway (by NoFragmentCyclesRule, KnownFragmentNamesRule, UniqueFragmentNamesRule,
// NoUnusedFragmentsRule or fieldCountRule), so skipping the rule for them loses nothing.
func guardOverlappingFields(maxFields int) graphql.ValidationRuleFn {
	return func(vc *graphql.ValidationContext) *graphql.ValidationRuleInstance {
		if !newFragmentWalker(vc).bounded(vc.Document(), maxFields) {
			return &graphql.ValidationRuleInstance{VisitorOpts: &visitor.VisitorOptions{}}
		}
		return graphql.OverlappingFieldsCanBeMergedRule(vc)
	}
}

// countCeiling caps field counts, which grow exponentially with nested fragment spreads (a
// fragment spreading the next one twice, thirty deep, asks for a billion fields).
const countCeiling = 1_000_000_000

// depthRule rejects an operation whose fields nest deeper than limit, counting the fields of
// fragments where they are spread. The subtrees under __schema and __type count as one level:
// introspection is switched on only for development, and the introspection query of GraphiQL
// and graphql-js nests fifteen levels deep.
func depthRule(limit int) graphql.ValidationRuleFn {
	return func(vc *graphql.ValidationContext) *graphql.ValidationRuleInstance {
		return documentRule(func(doc *ast.Document) {
			w := newFragmentWalker(vc)
			for _, op := range operations(doc) {
				if d := w.depth(op.SelectionSet); d > limit {
					report(vc, op, fmt.Sprintf("%s is %d levels deep; the limit is %d", opLabel(op), d, limit))
				}
			}
		})
	}
}

// fieldCountRule rejects a document that selects more than limit fields, counting the fields of
// a fragment again at every place it is spread.
func fieldCountRule(limit int) graphql.ValidationRuleFn {
	return func(vc *graphql.ValidationContext) *graphql.ValidationRuleInstance {
		return documentRule(func(doc *ast.Document) {
			w := newFragmentWalker(vc)
			ops := operations(doc)
			total := 0
			for _, op := range ops {
				total = saturatingAdd(total, w.count(op.SelectionSet))
			}
			if total <= limit {
				return
			}
			var msg string
			if total >= countCeiling {
				msg = fmt.Sprintf("query has more than %d field selections; the limit is %d", countCeiling, limit)
			} else {
				msg = fmt.Sprintf("query has %d field selections; the limit is %d", total, limit)
			}
			report(vc, ops[0], msg)
		})
	}
}

// aliasRule rejects a document with more than limit aliased fields. Aliases are how one
// request repeats a field (a login attempt, an expensive search) under different names. Each
// is counted once, where it is written: a fragment spread twice in one selection merges with
// itself, and repetition through spreads under different fields is bounded by fieldCountRule.
func aliasRule(limit int) graphql.ValidationRuleFn {
	return func(vc *graphql.ValidationContext) *graphql.ValidationRuleInstance {
		return documentRule(func(doc *ast.Document) {
			var n int
			var first *ast.Field // the first alias over the limit, to point at
			var visit func(set *ast.SelectionSet)
			visit = func(set *ast.SelectionSet) {
				if set == nil {
					return
				}
				for _, sel := range set.Selections {
					switch s := sel.(type) {
					case *ast.Field:
						if s.Alias != nil {
							n++
							if n == limit+1 {
								first = s
							}
						}
						visit(s.SelectionSet)
					case *ast.InlineFragment:
						visit(s.SelectionSet)
					}
				}
			}
			for _, def := range doc.Definitions {
				if d, ok := def.(ast.Definition); ok {
					visit(d.GetSelectionSet())
				}
			}
			if n > limit {
				report(vc, first, fmt.Sprintf("query has %d aliases; the limit is %d", n, limit))
			}
		})
	}
}

// noIntrospectionRule rejects __schema and __type, for servers that keep their schema to
// themselves. __typename stays allowed: clients need it to tell union members apart.
func noIntrospectionRule(vc *graphql.ValidationContext) *graphql.ValidationRuleInstance {
	return &graphql.ValidationRuleInstance{VisitorOpts: &visitor.VisitorOptions{
		KindFuncMap: map[string]visitor.NamedVisitFuncs{
			kinds.Field: {Kind: func(p visitor.VisitFuncParams) (string, any) {
				if f, ok := p.Node.(*ast.Field); ok && f.Name != nil && isIntrospection(f) {
					report(vc, f, fmt.Sprintf("introspection is disabled; %s is not allowed", f.Name.Value))
				}
				return visitor.ActionNoChange, nil
			}},
		},
	}}
}

// untypedVariables refuses the variables that graphql-go's parser (v0.8.1) leaves without a
// type, or with half of one: it accepts `query($s:) { ... }`, `($s: !)` and `($s: ])`,
// whose validation then dereferences the missing type and panics. Found by FuzzRequest.
func untypedVariables(doc *ast.Document) []gqlError {
	var errs []gqlError
	for _, op := range operations(doc) {
		for _, v := range op.VariableDefinitions {
			if v == nil || v.Variable == nil || v.Variable.Name == nil {
				errs = append(errs, gqlError{Message: "Syntax Error: a variable definition without a name", Locations: locationOf(op),
					Extensions: map[string]any{"code": CodeBadUserInput}})
				continue
			}
			if !wellTyped(v.Type, false) {
				errs = append(errs, gqlError{Message: fmt.Sprintf("Syntax Error: variable $%s needs a type, such as String or [ID!]!", v.Variable.Name.Value),
					Locations: locationOf(v), Extensions: map[string]any{"code": CodeBadUserInput}})
			}
		}
	}
	return errs
}

// wellTyped reports whether t is a whole type: a name, a list of a whole type, or either of
// them non-null.
func wellTyped(t ast.Type, inNonNull bool) bool {
	switch t := t.(type) {
	case *ast.Named:
		return t != nil && t.Name != nil && t.Name.Value != ""
	case *ast.List:
		return t != nil && wellTyped(t.Type, false)
	case *ast.NonNull:
		return t != nil && !inNonNull && wellTyped(t.Type, true)
	}
	return false
}

// withoutSuggestions cuts the suggestions off graphql-go's validation messages (`Cannot query
// field "devics" on type "Query". Did you mean "devices"?`, and the same for arguments, types
// and fragments' type conditions), for callers who may not introspect: a caller guessing names
// would otherwise read the schema back one typo at a time. A suggestion always ends the
// message, and the names quoted before it cannot hold a space.
func withoutSuggestions(errs []gqlError) {
	for i := range errs {
		if before, _, found := strings.Cut(errs[i].Message, " Did you mean "); found {
			errs[i].Message = before
		}
	}
}

// executableDefinitionsRule rejects type system definitions (type, schema, directive, ...) in
// a request. The GraphQL specification has this rule but graphql-go v0.8.1 lacks it, and its
// executor then fails with an error that would otherwise be presented as internal.
func executableDefinitionsRule(vc *graphql.ValidationContext) *graphql.ValidationRuleInstance {
	return documentRule(func(doc *ast.Document) {
		for _, def := range doc.Definitions {
			switch def.(type) {
			case *ast.OperationDefinition, *ast.FragmentDefinition:
			default:
				report(vc, def, fmt.Sprintf("a request may only hold operations and fragments, not a %s", def.GetKind()))
			}
		}
	})
}

// documentRule returns a rule instance that calls check once with the whole document.
func documentRule(check func(doc *ast.Document)) *graphql.ValidationRuleInstance {
	return &graphql.ValidationRuleInstance{VisitorOpts: &visitor.VisitorOptions{
		KindFuncMap: map[string]visitor.NamedVisitFuncs{
			kinds.Document: {Kind: func(p visitor.VisitFuncParams) (string, any) {
				if doc, ok := p.Node.(*ast.Document); ok {
					check(doc)
				}
				return visitor.ActionNoChange, nil
			}},
		},
	}}
}

// fragmentWalker measures selection sets with fragments expanded. It remembers each
// fragment's measure, so a document is walked in time linear in its size however often its
// fragments are spread, and a fragment met again while it is being measured (a cycle) counts
// as empty.
type fragmentWalker struct {
	vc         *graphql.ValidationContext
	depths     map[string]int
	counts     map[string]int
	inProgress map[string]bool
	cyclic     bool // a fragment spreads itself, directly or not
	unknown    bool // a spread names no fragment
}

func newFragmentWalker(vc *graphql.ValidationContext) *fragmentWalker {
	return &fragmentWalker{vc: vc, depths: map[string]int{}, counts: map[string]int{}, inProgress: map[string]bool{}}
}

// depth returns how deep the fields of set nest; a set of leaf fields is one level deep.
func (w *fragmentWalker) depth(set *ast.SelectionSet) int {
	if set == nil {
		return 0
	}
	deepest := 0
	for _, sel := range set.Selections {
		var d int
		switch s := sel.(type) {
		case *ast.Field:
			d = 1
			if !isIntrospection(s) {
				d += w.depth(s.SelectionSet)
			}
		case *ast.InlineFragment:
			d = w.depth(s.SelectionSet)
		case *ast.FragmentSpread:
			d = w.fragment(s, w.depths, w.depth)
		}
		deepest = max(deepest, d)
	}
	return deepest
}

// count returns the number of fields selected in set, fragments expanded.
func (w *fragmentWalker) count(set *ast.SelectionSet) int {
	if set == nil {
		return 0
	}
	n := 0
	for _, sel := range set.Selections {
		switch s := sel.(type) {
		case *ast.Field:
			n = saturatingAdd(n, saturatingAdd(1, w.count(s.SelectionSet)))
		case *ast.InlineFragment:
			n = saturatingAdd(n, w.count(s.SelectionSet))
		case *ast.FragmentSpread:
			n = saturatingAdd(n, w.fragment(s, w.counts, w.count))
		}
	}
	return n
}

// fragment returns measure of the spread fragment's selection set, remembered in memo.
func (w *fragmentWalker) fragment(s *ast.FragmentSpread, memo map[string]int, measure func(*ast.SelectionSet) int) int {
	if s.Name == nil {
		return 0
	}
	name := s.Name.Value
	if v, ok := memo[name]; ok {
		return v
	}
	frag := w.vc.Fragment(name)
	if frag == nil || w.inProgress[name] {
		// KnownFragmentNamesRule or NoFragmentCyclesRule reports it.
		w.unknown = w.unknown || frag == nil
		w.cyclic = w.cyclic || frag != nil
		return 0
	}
	w.inProgress[name] = true
	v := measure(frag.SelectionSet)
	delete(w.inProgress, name)
	memo[name] = v
	return v
}

// bounded reports whether doc has no fragment cycles, no unknown or duplicate fragments, at
// most maxFields fields in its operations and at most maxFields in each fragment, all with
// fragments expanded.
func (w *fragmentWalker) bounded(doc *ast.Document, maxFields int) bool {
	total := 0
	names := map[string]bool{}
	for _, def := range doc.Definitions {
		switch d := def.(type) {
		case *ast.OperationDefinition:
			total = saturatingAdd(total, w.count(d.SelectionSet))
		case *ast.FragmentDefinition:
			if d.Name == nil || names[d.Name.Value] {
				return false
			}
			names[d.Name.Value] = true
			w.inProgress[d.Name.Value] = true
			n := w.count(d.SelectionSet)
			delete(w.inProgress, d.Name.Value)
			if n > maxFields {
				return false
			}
		}
	}
	return total <= maxFields && !w.cyclic && !w.unknown
}

func isIntrospection(f *ast.Field) bool {
	return f.Name != nil && (f.Name.Value == "__schema" || f.Name.Value == "__type")
}

func operations(doc *ast.Document) []*ast.OperationDefinition {
	var ops []*ast.OperationDefinition
	for _, def := range doc.Definitions {
		if op, ok := def.(*ast.OperationDefinition); ok {
			ops = append(ops, op)
		}
	}
	return ops
}

// opLabel names an operation in a message: "query", or "query Devices" in a document that
// names it.
func opLabel(op *ast.OperationDefinition) string {
	kind := op.Operation
	if kind == "" {
		kind = ast.OperationTypeQuery
	}
	if op.Name != nil && op.Name.Value != "" {
		return kind + " " + op.Name.Value
	}
	return kind
}

func saturatingAdd(a, b int) int {
	if a+b >= countCeiling {
		return countCeiling
	}
	return a + b
}

// report records a validation error located at node.
func report(vc *graphql.ValidationContext, node ast.Node, message string) {
	var nodes []ast.Node
	if node != nil {
		nodes = []ast.Node{node}
	}
	vc.ReportError(gqlerrors.NewError(message, nodes, "", nil, []int{}, nil))
}
