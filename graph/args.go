package graph

import (
	"fmt"
	"strings"
	"time"

	"github.com/graphql-go/graphql"

	"github.com/digital-inclusion/refurb/inventory"
	"github.com/digital-inclusion/refurb/validation"
)

// What the areas share to declare types, read arguments and present lists.
//
// Input objects are read one way: graphql-go hands an input object over as a map, having checked
// its types, and the area's decoder beside the input object's declaration (newRecordWipeInput
// for RecordWipeInput) turns the map into the domain's input. A decoder that parses ids returns
// their errors with the field as named in the input object ("mediumID"); the resolver prefixes
// the argument the input came in with inArg, as it does for the domain's validation errors.

func nonNull(t graphql.Type) *graphql.NonNull { return graphql.NewNonNull(t) }

// listOf is a non-null list of non-null ts.
func listOf(t graphql.Type) *graphql.NonNull { return nonNull(graphql.NewList(nonNull(t))) }

// newEnum returns an enum whose names are the upper-case spellings of the domain's snake_case
// values (like Role), and whose values are the domain's.
func newEnum[T ~string](name, description string, values []T) *graphql.Enum {
	m := graphql.EnumValueConfigMap{}
	for _, v := range values {
		m[strings.ToUpper(string(v))] = &graphql.EnumValueConfig{Value: v}
	}
	e := graphql.NewEnum(graphql.EnumConfig{Name: name, Description: description, Values: m})
	// graphql-go fills an enum's lookup tables on first use, without a lock: fill them now,
	// before requests run concurrently.
	e.Serialize(values[0])
	e.ParseValue(strings.ToUpper(string(values[0])))
	return e
}

// enumName is how GraphQL spells a domain value, e.g. in_repair as IN_REPAIR.
func enumName[T ~string](v T) any {
	if v == "" {
		return nil
	}
	return strings.ToUpper(string(v))
}

// inArg prefixes the field of a validation error with the argument its input came in, so that
// the client reads the path it sent (input.devices[1].serialNumber) rather than the domain's
// (devices[1].serialNumber). Other errors pass unchanged.
func inArg(arg string, err error) error {
	fe, ok := validation.As(err)
	if !ok || strings.HasPrefix(fe.Field, arg+".") {
		return err
	}
	return &validation.FieldError{Field: arg + "." + fe.Field, Message: fe.Message}
}

// Input helpers: they read one field of an input object's map (or of p.Args), absent or null
// giving the zero value or nil.

func inputMap(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}

func inputString(m map[string]any, k string) string {
	s, _ := m[k].(string)
	return s
}

// inputText is an optional string: nil when absent or null, so that "" can mean "clear it".
func inputText(m map[string]any, k string) *string {
	if s, ok := m[k].(string); ok {
		return &s
	}
	return nil
}

func inputInt(m map[string]any, k string) *int {
	if n, ok := m[k].(int); ok {
		return &n
	}
	return nil
}

func inputFloat(m map[string]any, k string) *float64 {
	switch n := m[k].(type) {
	case float64:
		return &n
	case int:
		f := float64(n)
		return &f
	}
	return nil
}

func inputTime(m map[string]any, k string) *time.Time {
	if t, ok := m[k].(time.Time); ok {
		return &t
	}
	return nil
}

func inputList(m map[string]any, k string) []any {
	l, _ := m[k].([]any)
	return l
}

// inputEnums reads a list of enum values.
func inputEnums[T any](m map[string]any, k string) []T {
	var out []T
	for _, v := range inputList(m, k) {
		e, _ := v.(T)
		out = append(out, e)
	}
	return out
}

// optionalID parses an optional global id of type typeName given in field.
func optionalID(field, typeName string, v any) (*int64, error) {
	s, ok := v.(string)
	if !ok || s == "" {
		return nil, nil
	}
	id, err := idOf(field, typeName, s)
	if err != nil {
		return nil, err
	}
	return &id, nil
}

// inputIDs parses the list of global ids of type typeName in field k.
func inputIDs(m map[string]any, k, typeName string) ([]int64, error) {
	var ids []int64
	for i, v := range inputList(m, k) {
		s, _ := v.(string)
		id, err := idOf(fmt.Sprintf("%s[%d]", k, i), typeName, s)
		if err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, nil
}

// page reads the first and after arguments of a connection.
func page(p graphql.ResolveParams, def int) inventory.Page {
	pg := inventory.Page{First: def}
	if n, ok := p.Args["first"].(int); ok {
		pg.First = n
	}
	pg.After, _ = p.Args["after"].(string)
	return pg
}

func pageInfo(hasNext bool, endCursor string) map[string]any {
	info := map[string]any{"hasNextPage": hasNext, "endCursor": nil}
	if endCursor != "" {
		info["endCursor"] = endCursor
	}
	return info
}

// connection presents a page of nodes as a connection object.
func connection(nodes any, hasNext bool, endCursor string, totalCount int) map[string]any {
	return map[string]any{"nodes": nodes, "pageInfo": pageInfo(hasNext, endCursor), "totalCount": totalCount}
}

// newConnection declares name, a page of nodes: nodes, pageInfo and totalCount.
func (b *builder) newConnection(name string, node graphql.Type) *graphql.Object {
	return graphql.NewObject(graphql.ObjectConfig{
		Name: name,
		Fields: graphql.Fields{
			"nodes":      {Type: listOf(node)},
			"pageInfo":   {Type: nonNull(b.pageInfo)},
			"totalCount": {Type: nonNull(graphql.Int)},
		},
	})
}

// pointers returns pointers to the elements of s: graphql-go's default resolvers and the
// area's own read the domain's structs through pointers.
func pointers[T any](s []T) []*T {
	out := make([]*T, len(s))
	for i := range s {
		out[i] = &s[i]
	}
	return out
}

// listThunk turns a loader's thunk for a list into a resolver thunk of pointers.
func listThunk[T any](th func() ([]T, error)) func() (any, error) {
	return func() (any, error) {
		l, err := th()
		if err != nil {
			return nil, err
		}
		return pointers(l), nil
	}
}
