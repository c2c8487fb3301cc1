package graph

import (
	"reflect"
	"strings"
	"sync"

	"github.com/graphql-go/graphql"
)

// structFields caches, by struct type and GraphQL field name, which struct field
// graphql.DefaultResolveFn would read: it looks the field up anew at every call, reading and
// splitting every struct tag on the way, which made a fifth of a scan's allocations
// (docs/perf/). A schema has one (NewSchema), shared by its resolvers.
type structFields struct {
	indexes sync.Map // fieldKey → int, -1 for none
}

type fieldKey struct {
	t    reflect.Type
	name string
}

// resolve is graphql.DefaultResolveFn with the struct field found once per type: the
// same rules (the first field whose name matches in any case, or whose json or graphql tag
// names it), the same results.
func (f *structFields) resolve(p graphql.ResolveParams) (any, error) {
	if _, ok := p.Source.(graphql.FieldResolver); ok {
		return graphql.DefaultResolveFn(p)
	}
	v := reflect.ValueOf(p.Source)
	if v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return nil, nil
		}
		v = v.Elem()
	}
	if v.Kind() != reflect.Struct {
		return graphql.DefaultResolveFn(p)
	}
	key := fieldKey{v.Type(), p.Info.FieldName}
	i, ok := f.indexes.Load(key)
	if !ok {
		i = structField(v.Type(), p.Info.FieldName)
		f.indexes.Store(key, i)
	}
	if i.(int) < 0 {
		return nil, nil
	}
	return v.Field(i.(int)).Interface(), nil
}

// structField is the index of the field DefaultResolveFn reads for name, or -1.
func structField(t reflect.Type, name string) int {
	tagged := func(f reflect.StructField, key string) bool {
		first, _, _ := strings.Cut(f.Tag.Get(key), ",")
		return first == name
	}
	for i := range t.NumField() {
		f := t.Field(i)
		if strings.EqualFold(f.Name, name) || tagged(f, "json") || tagged(f, "graphql") {
			return i
		}
	}
	return -1
}
