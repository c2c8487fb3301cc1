package graph

import (
	"reflect"
	"strings"
	"testing"

	"github.com/graphql-go/graphql"
)

func newTestBuilder() *builder {
	return &builder{
		types:      map[string]graphql.Type{},
		extensions: map[string]graphql.Fields{},
		extended:   map[string]bool{},
		nodes:      map[string]nodeType{},
		nodeValues: map[reflect.Type]*graphql.Object{},
	}
}

// TestAddNode checks that a node type's loader that finds nothing makes node(id:) null, not a
// typed nil the Node interface could not resolve, and that the value's Go type picks the type.
func TestAddNode(t *testing.T) {
	type thing struct{ ID int64 }
	b := newTestBuilder()
	obj := graphql.NewObject(graphql.ObjectConfig{Name: "Thing", Fields: graphql.Fields{"id": {Type: graphql.ID}}})
	addNode(b, obj, func(_ graphql.ResolveParams, id int64) (*thing, error) {
		if id == 1 {
			return &thing{ID: 1}, nil
		}
		return nil, nil
	})
	if v, err := b.nodes["Thing"].load(graphql.ResolveParams{}, 2); v != nil || err != nil {
		t.Errorf("load of a missing thing: got %#v, %v, want nil, nil", v, err)
	}
	v, err := b.nodes["Thing"].load(graphql.ResolveParams{}, 1)
	if err != nil || b.nodeValues[reflect.TypeOf(v)] != obj {
		t.Errorf("load of thing 1: got %#v, %v, resolving to %v", v, err, b.nodeValues[reflect.TypeOf(v)])
	}
	if b.object("Thing") != obj {
		t.Error("a node type is not in the registry")
	}
}

// TestExtend checks that the fields an area adds to another's object come in with the object's
// own, and that adding a field twice is refused.
func TestExtend(t *testing.T) {
	b := newTestBuilder()
	b.extend("Thing", graphql.Fields{"extra": {Type: graphql.String}})
	fields := b.fields("Thing", func() graphql.Fields { return graphql.Fields{"id": {Type: graphql.ID}} })()
	if len(fields) != 2 || fields["extra"] == nil || !b.extended["Thing"] {
		t.Errorf("fields: got %v", fields)
	}
	defer func() {
		if r := recover(); r == nil || !strings.Contains(r.(string), "Thing.extra") {
			t.Errorf("a field added twice: got %v, want a panic naming Thing.extra", r)
		}
	}()
	b.extend("Thing", graphql.Fields{"extra": {Type: graphql.String}})
}
