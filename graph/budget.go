package graph

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync/atomic"
	"time"

	"github.com/graphql-go/graphql"
)

// The cost estimate (cost.go) refuses documents that ask for too much before they run; the
// response budget is the bound that holds when an estimate is wrong (a list far longer than
// listEstimate, long texts). Every resolver of the schema's own types is wrapped: it adds the
// approximate JSON size of the value it returns to the request's budget, and once the budget is
// spent every resolver fails at once without running, so no subtree below it is built. The
// handler then answers with one error instead of the partial data. graphql-go's introspection
// types are package globals shared by every schema and are left alone: their answers are
// bounded by the schema's size and by the cost estimate.

// errResponseTooLarge is what the resolvers of an over-budget request fail with; the handler
// replaces the whole response by one error saying so.
var errResponseTooLarge = errors.New("response too large")

// responseBudget counts the bytes a response has grown to during execution.
type responseBudget struct {
	limit int64
	used  atomic.Int64
}

func (b *responseBudget) spent() bool { return b.used.Load() > b.limit }

// spend adds n bytes and reports whether the budget still holds.
func (b *responseBudget) spend(n int64) bool { return b.used.Add(n) <= b.limit }

// limitResponses wraps the resolver of every field of the schema's own object types with the
// response budget.
func limitResponses(s *graphql.Schema, fields *structFields) {
	for name, t := range s.TypeMap() {
		obj, ok := t.(*graphql.Object)
		if !ok || strings.HasPrefix(name, "__") {
			continue
		}
		for _, def := range obj.Fields() {
			def.Resolve = budgeted(def.Name, def.Type, def.Resolve, fields)
		}
	}
}

// budgeted returns resolve counting its values against the request's budget. Once the
// budget is spent, a nullable field resolves to null and a non-null one fails, without running:
// the data is thrown away, so only the work matters, and a failing non-null field abandons its
// whole parent object (and a list of such objects) where an error per nullable field would
// allocate one error for each of possibly millions of items.
func budgeted(field string, typ graphql.Output, resolve graphql.FieldResolveFn, fields *structFields) graphql.FieldResolveFn {
	if resolve == nil {
		resolve = fields.resolve
	}
	_, nonNull := typ.(*graphql.NonNull)
	overhead := int64(len(field) + 4) // "field":,
	cut := func() (any, error) {
		if nonNull {
			return nil, errResponseTooLarge
		}
		return nil, nil
	}
	return func(p graphql.ResolveParams) (any, error) {
		scope, _ := p.Info.RootValue.(*requestScope)
		if scope == nil || scope.budget == nil {
			return resolve(p)
		}
		b := scope.budget
		if b.spent() {
			return cut()
		}
		v, err := resolve(p)
		if err != nil {
			return v, err
		}
		if thunk, ok := v.(func() (any, error)); ok {
			// A dataloader's value arrives later; count it when graphql-go asks for it.
			return func() (any, error) {
				v, err := thunk()
				if err == nil && !b.spend(overhead+approxSize(v)) {
					return cut()
				}
				return v, err
			}, nil
		}
		if !b.spend(overhead + approxSize(v)) {
			return cut()
		}
		return v, nil
	}
}

// approxSize is roughly how many bytes v takes in JSON, not counting the fields of objects
// (their own resolvers count them). A list counts minItemBytes an item when it is returned,
// before its items are completed: that is what bounds a list of lists of lists.
func approxSize(v any) int64 {
	switch v := v.(type) {
	case nil:
		return 4
	case string:
		return int64(len(v)) + 2
	case *string:
		if v == nil {
			return 4
		}
		return int64(len(*v)) + 2
	case bool, int, int32, int64, float64, *int, *int64, *float64:
		return 8
	case time.Time, *time.Time:
		return 32
	case []string:
		n := int64(2)
		for _, s := range v {
			n += int64(len(s)) + 3
		}
		return n
	case map[string]any:
		return 2
	}
	if rv := reflect.ValueOf(v); rv.Kind() == reflect.Slice {
		return int64(rv.Len())*minItemBytes + 2
	}
	return 2
}

// minItemBytes is about the least a list item takes in a response: {"tag":"RF-000123-X"},
const minItemBytes = 32

// responseTooLargeMessage explains a cut response and what to do instead.
func responseTooLargeMessage(limit int64) string {
	return fmt.Sprintf("the response grew past the limit of %s and was cut: ask for fewer items with first or last, or fewer fields, and page through the rest with after (docs/api.md)", byteCount(limit))
}

// byteCount writes n bytes for people: 8 MiB, 64 KiB, 100 bytes.
func byteCount(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}
