//lint:file-ignore ST1005 the field errors are worded as graphql-go words them: clients read both executors' answers alike

package graph

import (
	"context"
	"fmt"
	"reflect"
	"strconv"

	"github.com/graphql-go/graphql"
	"github.com/graphql-go/graphql/gqlerrors"
	"github.com/graphql-go/graphql/language/ast"
)

// Our executor for queries. graphql-go's executor costs about a third of the server's CPU and
// two thirds of its allocations on a scan (docs/perf/): per field it copies a ResolveInfo,
// builds an argument map, a response path and an extension hook, keeps every object as a map,
// and runs the operation on a goroutine of its own; the response map is then sorted by
// encoding/json. This executor runs a validated query on the same schema with the same
// resolvers, the same ResolveParams and the same GraphQL semantics (the spec's null
// propagation, errors with their path and locations), but:
//
//   - column by column: a field is resolved for every object of a batch (the objects of one
//     type that one selection reached) before any dataloader thunk is called, so loaders batch
//     a whole level; then the values are completed and the next level's batches are run;
//   - a field's arguments, ResolveInfo and collected sub-fields are worked out once per batch,
//     not once per object;
//   - the response is written as JSON in the query's field order, straight from the
//     resolvers' values (exec_json.go).
//
// Mutations (run rarely, one field after another) and introspection (__schema and __type)
// keep graphql-go's executor. A variable value that does not fit its type also goes to
// graphql-go, which words the error. Config.Reference runs both executors on each query and
// reports any difference: the graph and server tests run with it.
//
// ResolveInfo.Path is not set: no resolver of ours reads it (errors get their path here).

// execution is one query being executed.
type execution struct {
	schema    *graphql.Schema
	ctx       context.Context
	root      any
	op        *ast.OperationDefinition
	fragments map[string]ast.Definition
	vars      map[string]any
	errs      []gqlerrors.FormattedError
	plan      *docPlan
	args      []columnArgs // of the columns whose arguments use variables
	objects   []object     // where newObject takes the response's objects from, a slab at a time
}

// newObject returns a new response object. A scan's response has some 25 objects (its events
// among them): they are allocated a slab at a time (8, 16, 32 ... 128), not one by one.
func (e *execution) newObject(o object) *object {
	if len(e.objects) == cap(e.objects) {
		e.objects = make([]object, 0, min(max(8, 2*cap(e.objects)), 128))
	}
	e.objects = append(e.objects, o)
	return &e.objects[len(e.objects)-1]
}

type columnArgs struct {
	c    *column
	args map[string]any
}

// object is one object of the response: its fields' values once completed (nil, a leaf's
// serialized value, *object or []any), and where it sits, for the path of its errors.
type object struct {
	cols   []*column
	values []any
	failed bool // a non-null field failed: the object is null
	parent *object
	key    string // its field in parent
	index  []int  // its position in that field's (nested) lists
}

// column is one response field of a batch, worked out once for all its objects.
//
// Columns are cached with their document (exec_plan.go) and shared by every request that runs
// it: nothing in them may change once built. info lacks the request's RootValue and
// VariableValues (execution.info adds them); args are nil when they use variables
// (execution.argsOf computes them per request).
type column struct {
	key    string
	typ    graphql.Output
	asts   []*ast.Field
	def    *graphql.FieldDefinition // nil for __typename
	args   map[string]any
	varies bool // args use variables
	// argsPrint is args printed when the column was built, for docPlan.argsChanged.
	argsPrint string
	info      graphql.ResolveInfo
}

// batch is objects of one runtime type reached by the same selections.
type batch struct {
	typ     *graphql.Object
	parent  *column // the field whose selection sets select the objects' fields; nil at the root
	objects []*object
	sources []any
}

// failure is the value of a field whose resolver failed (its error is recorded).
type failure struct{}

// errVariables says the variables do not fit the operation: graphql-go words that error.
type errVariables struct{}

func (errVariables) Error() string { return "variables do not fit the operation" }

func (e jsonError) Error() string { return e.err.Error() }

// queryPlan is the plan our executor runs op of doc with, or nil when graphql-go's runs it: a
// mutation, or a query that introspects.
func (h *Handler) queryPlan(doc *ast.Document, op *ast.OperationDefinition) *docPlan {
	if op.Operation != ast.OperationTypeQuery {
		return nil
	}
	plan := h.plans.get(doc)
	if introspects(op.SelectionSet, plan.fragments, 0) {
		return nil
	}
	return plan
}

// cost estimates what op asks for (cost.go). A query's estimate that reads no variable is
// the same for every request of its document: it is kept with the document's plan, as the
// scan's is (its tag is a variable, its events' count a literal).
func (h *Handler) cost(doc *ast.Document, op *ast.OperationDefinition, vars map[string]any) int {
	if op.Operation != ast.OperationTypeQuery {
		cost, _ := estimateCost(h.schema, doc, op, vars, h.cfg.ListEstimate)
		return cost
	}
	plan := h.plans.get(doc)
	plan.mu.Lock()
	cost, ok := plan.costs[op]
	plan.mu.Unlock()
	if ok {
		return cost
	}
	cost, readVars := estimateCost(h.schema, doc, op, vars, h.cfg.ListEstimate)
	if !readVars {
		plan.mu.Lock()
		if plan.costs == nil {
			plan.costs = make(map[*ast.OperationDefinition]int)
		}
		plan.costs[op] = cost
		plan.mu.Unlock()
	}
	return cost
}

// introspects reports whether set selects __schema or __type on the query type.
func introspects(set *ast.SelectionSet, fragments map[string]ast.Definition, depth int) bool {
	if set == nil || depth > 64 {
		return false
	}
	for _, s := range set.Selections {
		switch s := s.(type) {
		case *ast.Field:
			if n := s.Name.Value; n == "__schema" || n == "__type" {
				return true
			}
		case *ast.InlineFragment:
			if introspects(s.SelectionSet, fragments, depth+1) {
				return true
			}
		case *ast.FragmentSpread:
			if f, ok := fragments[s.Name.Value].(*ast.FragmentDefinition); ok && introspects(f.SelectionSet, fragments, depth+1) {
				return true
			}
		}
	}
	return false
}

// info is c's ResolveInfo for this request.
func (e *execution) info(c *column) graphql.ResolveInfo {
	info := c.info
	info.RootValue, info.VariableValues = e.root, e.vars
	return info
}

// argsOf is c's arguments for this request.
func (e *execution) argsOf(c *column) map[string]any {
	if !c.varies {
		return c.args
	}
	for _, a := range e.args {
		if a.c == c {
			return a.args
		}
	}
	args := argumentValues(c.def.Args, c.asts[0].Arguments, e.vars)
	e.args = append(e.args, columnArgs{c, args})
	return args
}

func fragmentsOf(doc *ast.Document) map[string]ast.Definition {
	fragments := map[string]ast.Definition{}
	for _, d := range doc.Definitions {
		if f, ok := d.(*ast.FragmentDefinition); ok && f.Name != nil {
			fragments[f.Name.Value] = f
		}
	}
	return fragments
}

// executeQuery runs the query op of doc and returns its data as JSON, appended to out, and its
// errors; an errVariables error means the variables do not fit and nothing ran.
func executeQuery(ctx context.Context, schema *graphql.Schema, plan *docPlan, op *ast.OperationDefinition, variables map[string]any, root any, out []byte) (data []byte, errs []gqlerrors.FormattedError, err error) {
	e := &execution{schema: schema, ctx: ctx, root: root, op: op, fragments: plan.fragments, plan: plan}
	vars, ok := e.variables(op.VariableDefinitions, variables)
	if !ok {
		return nil, nil, errVariables{}
	}
	e.vars = vars
	result := &object{}
	queue := []*batch{{typ: schema.QueryType(), objects: []*object{result}, sources: []any{root}}}
	for len(queue) > 0 {
		if err := ctx.Err(); err != nil {
			// As graphql-go answers a request whose client went away: the context's error alone.
			return nil, []gqlerrors.FormattedError{gqlerrors.FormatError(err)}, nil
		}
		queue = append(queue[1:], e.run(queue[0])...)
	}
	if settle(result) {
		return []byte("null"), e.errs, nil
	}
	defer func() {
		if r := recover(); r != nil {
			je, ok := r.(jsonError)
			if !ok {
				panic(r)
			}
			data, errs, err = nil, nil, je
		}
	}()
	return appendObject(out, result), e.errs, nil
}

// run resolves, then completes, every field of a batch's objects, and returns the batches of
// the objects its fields returned.
func (e *execution) run(b *batch) []*batch {
	cols := e.plan.columns(e, b.typ, b.parent)
	// The objects' values and the batch's resolved values, each in one allocation.
	n := len(b.objects)
	cells := make([]any, 2*len(cols)*n)
	for oi, o := range b.objects {
		o.cols, o.values = cols, cells[oi*len(cols):(oi+1)*len(cols):(oi+1)*len(cols)]
	}
	resolved := cells[len(cols)*n:]
	// Every resolver of the batch runs before any thunk is called: a loader sees every key.
	values := make([][]any, len(cols))
	for ci, c := range cols {
		values[ci] = resolved[ci*n : (ci+1)*n : (ci+1)*n]
		for oi, o := range b.objects {
			values[ci][oi] = e.resolve(c, b.typ, b.sources[oi], o)
		}
	}
	for ci, c := range cols {
		for oi, o := range b.objects {
			values[ci][oi] = e.dethunk(c, o, values[ci][oi])
		}
	}
	var next []*batch
	for ci, c := range cols {
		kids := map[*graphql.Object]*batch{}
		var order []*batch
		for oi, o := range b.objects {
			v := values[ci][oi]
			if _, failed := v.(failure); failed {
				if _, nonNull := c.typ.(*graphql.NonNull); nonNull {
					o.failed = true
				}
				continue
			}
			out, ok := e.complete(c, c.typ, v, o, nil, func(t *graphql.Object, child *object, source any) {
				k := kids[t]
				if k == nil {
					k = &batch{typ: t, parent: c}
					kids[t] = k
					order = append(order, k)
				}
				k.objects = append(k.objects, child)
				k.sources = append(k.sources, source)
			})
			if !ok {
				o.failed = true
			}
			o.values[ci] = out
		}
		next = append(next, order...)
	}
	return next
}

// resolve runs c's resolver on source, or answers __typename; a failed resolver's error is
// recorded and failure returned.
func (e *execution) resolve(c *column, parent *graphql.Object, source any, o *object) (v any) {
	if c.def == nil {
		return parent.Name()
	}
	defer func() {
		if r := recover(); r != nil {
			e.fail(r, c, o, nil)
			v = failure{}
		}
	}()
	resolve := c.def.Resolve
	if resolve == nil {
		resolve = graphql.DefaultResolveFn // as graphql-go; our schema's fields all have one (budget.go)
	}
	v, err := resolve(graphql.ResolveParams{Source: source, Args: e.argsOf(c), Info: e.info(c), Context: e.ctx})
	if err != nil {
		e.fail(err, c, o, nil)
		return failure{}
	}
	return v
}

// dethunk calls a loader's thunk.
func (e *execution) dethunk(c *column, o *object, v any) (out any) {
	if v == nil {
		return nil
	}
	thunk, ok := v.(func() (any, error))
	if !ok {
		if reflect.TypeOf(v).Kind() == reflect.Func {
			e.fail("Error resolving func. Expected `func() (interface{}, error)` signature", c, o, nil)
			return failure{}
		}
		return v
	}
	defer func() {
		if r := recover(); r != nil {
			e.fail(r, c, o, nil)
			out = failure{}
		}
	}()
	out, err := thunk()
	if err != nil {
		e.fail(err, c, o, nil)
		return failure{}
	}
	return out
}

// complete turns v, of type t, into the response's value; ok is false when t is non-null and
// v (or something below it) failed, so the failure propagates to the enclosing position.
// Objects are created empty and handed to add, which queues them for the next level.
func (e *execution) complete(c *column, t graphql.Type, v any, o *object, index []int, add func(*graphql.Object, *object, any)) (any, bool) {
	if nn, ok := t.(*graphql.NonNull); ok {
		out, ok := e.completeNullable(c, nn.OfType, v, o, index, add)
		if !ok {
			return nil, false
		}
		if out == nil {
			e.fail(fmt.Sprintf("Cannot return null for non-nullable field %v.%v.", c.info.ParentType, c.info.FieldName), c, o, index)
			return nil, false
		}
		return out, true
	}
	out, ok := e.completeNullable(c, t, v, o, index, add)
	if !ok {
		return nil, true // the failure stops at this nullable position
	}
	return out, true
}

func (e *execution) completeNullable(c *column, t graphql.Type, v any, o *object, index []int, add func(*graphql.Object, *object, any)) (any, bool) {
	if t := reflect.TypeOf(v); t != nil && t.Kind() == reflect.Func {
		// A thunk inside a list: called where it is found.
		if v = e.dethunk(c, o, v); v == (failure{}) {
			return nil, false
		}
	}
	if isNullish(v) {
		return nil, true
	}
	switch t := t.(type) {
	case *graphql.List:
		return e.completeList(c, t, v, o, index, add)
	case *graphql.Scalar:
		if id, ok := v.(int64); ok && t == graphql.ID {
			// Every object's id: graphql-go's ID formats it with fmt ("%v"), the same digits.
			return strconv.FormatInt(id, 10), true
		}
		return leaf(t.Serialize(v)), true
	case *graphql.Enum:
		return leaf(t.Serialize(v)), true
	case *graphql.Object:
		return e.completeObject(c, t, v, o, index, add)
	case graphql.Abstract:
		rt, err := e.runtimeType(c, t, v)
		if err != nil {
			e.fail(err, c, o, index)
			return nil, false
		}
		return e.completeObject(c, rt, v, o, index, add)
	}
	e.fail(fmt.Errorf(`Cannot complete value of unexpected type "%v."`, t), c, o, index)
	return nil, false
}

func (e *execution) completeList(c *column, t *graphql.List, v any, o *object, index []int, add func(*graphql.Object, *object, any)) (any, bool) {
	rv := reflect.ValueOf(v)
	if rv.Kind() == reflect.Pointer {
		rv = rv.Elem()
	}
	if k := rv.Kind(); k != reflect.Slice && k != reflect.Array {
		e.fail(fmt.Errorf("User Error: expected iterable, but did not find one for field %v.%v.", c.info.ParentType.Name(), c.info.FieldName), c, o, index)
		return nil, false
	}
	items := make([]any, rv.Len())
	for i := range items {
		at := append(index[:len(index):len(index)], i)
		item, ok := e.complete(c, t.OfType, rv.Index(i).Interface(), o, at, add)
		if !ok {
			return nil, false
		}
		items[i] = item
	}
	return items, true
}

func (e *execution) completeObject(c *column, t *graphql.Object, v any, o *object, index []int, add func(*graphql.Object, *object, any)) (any, bool) {
	if t.IsTypeOf != nil && !t.IsTypeOf(graphql.IsTypeOfParams{Value: v, Info: e.info(c), Context: e.ctx}) {
		e.fail(fmt.Errorf(`Expected value of type "%v" but got: %T.`, t, v), c, o, index)
		return nil, false
	}
	child := e.newObject(object{parent: o, key: c.key, index: index})
	add(t, child, v)
	return child, true
}

// runtimeType is the object type of v returned for the abstract type t.
func (e *execution) runtimeType(c *column, t graphql.Abstract, v any) (*graphql.Object, error) {
	p := graphql.ResolveTypeParams{Value: v, Info: e.info(c), Context: e.ctx}
	var rt *graphql.Object
	switch a := t.(type) {
	case *graphql.Union:
		if a.ResolveType != nil {
			rt = a.ResolveType(p)
		}
	case *graphql.Interface:
		if a.ResolveType != nil {
			rt = a.ResolveType(p)
		}
	}
	if rt == nil {
		for _, pt := range e.schema.PossibleTypes(t) {
			if pt.IsTypeOf != nil && pt.IsTypeOf(graphql.IsTypeOfParams{Value: v, Info: e.info(c), Context: e.ctx}) {
				rt = pt
				break
			}
		}
	}
	if rt == nil {
		return nil, fmt.Errorf(`Abstract type %v must resolve to an Object type at runtime for field %v.%v with value "%v", received "%v".`, t, c.info.ParentType, c.info.FieldName, v, rt)
	}
	if !e.schema.IsPossibleType(t, rt) {
		return nil, fmt.Errorf(`Runtime Object type "%v" is not a possible type for "%v".`, rt, t)
	}
	return rt, nil
}

// fail records a field error at c in o (and index in its lists), as graphql-go words it.
func (e *execution) fail(r any, c *column, o *object, index []int) {
	path := o.path()
	path = append(path, c.key)
	for _, i := range index {
		path = append(path, i)
	}
	err := graphql.NewLocatedErrorWithPath(r, graphql.FieldASTsToNodeASTs(c.asts), path)
	e.errs = append(e.errs, gqlerrors.FormatError(err))
}

// path is o's response path.
func (o *object) path() []any {
	if o == nil || o.parent == nil {
		return nil
	}
	p := o.parent.path()
	p = append(p, o.key)
	for _, i := range o.index {
		p = append(p, i)
	}
	return p
}

// settle propagates the failures of non-null fields up to the nearest nullable position,
// setting the positions that become null to nil, and reports whether o itself is null.
func settle(o *object) bool {
	for i, c := range o.cols {
		if settleValue(c.typ, o.values[i]) {
			o.values[i] = nil
			if _, nonNull := c.typ.(*graphql.NonNull); nonNull {
				o.failed = true
			}
		}
	}
	return o.failed
}

// settleValue reports whether v, of type t, is null once what is below it has settled.
func settleValue(t graphql.Type, v any) bool {
	switch v := v.(type) {
	case nil:
		return true
	case *object:
		return settle(v)
	case []any:
		l, err := mustList(t)
		if err != nil {
			return false // a scalar serialized as a list
		}
		item := l.OfType
		_, nonNull := item.(*graphql.NonNull)
		for i, it := range v {
			if settleValue(item, it) {
				if nonNull {
					return true
				}
				v[i] = nil
			}
		}
	}
	return false
}

// leaf is a serialized scalar or enum value, nil when it serialized to nothing.
func leaf(v any) any {
	if isNullish(v) {
		return nil
	}
	return v
}
