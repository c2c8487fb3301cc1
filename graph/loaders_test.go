package graph

import (
	"context"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/graph-gophers/dataloader/v7"
	"github.com/graphql-go/graphql"
)

// TestLoaderBatchesEachDepth executes a list of 100 items whose fields are loaded two depths
// deep and checks that each depth costs one batch, with every key in it.
func TestLoaderBatchesEachDepth(t *testing.T) {
	var batches [][]int
	newItemLoader := func() *loader[int, int] {
		return newLoader(func(_ context.Context, keys []int) []*dataloader.Result[int] {
			batches = append(batches, slices.Clone(keys))
			out := make([]*dataloader.Result[int], len(keys))
			for i, k := range keys {
				out[i] = &dataloader.Result[int]{Data: k + 1000}
			}
			return out
		})
	}
	key := new(int)
	load := func(p graphql.ResolveParams, k int) any {
		return thunk(scoped(p.Info, key, newItemLoader).Load(p.Context, k))
	}
	var item *graphql.Object
	item = graphql.NewObject(graphql.ObjectConfig{Name: "Item", Fields: graphql.FieldsThunk(func() graphql.Fields {
		return graphql.Fields{
			"n": {Type: graphql.Int},
			"next": {Type: item, Resolve: func(p graphql.ResolveParams) (any, error) {
				th := load(p, p.Source.(map[string]any)["n"].(int)).(func() (any, error))
				return func() (any, error) {
					v, err := th()
					return map[string]any{"n": v}, err
				}, nil
			}},
		}
	})})
	schema, err := graphql.NewSchema(graphql.SchemaConfig{Query: graphql.NewObject(graphql.ObjectConfig{Name: "Query", Fields: graphql.Fields{
		"items": {Type: graphql.NewList(item), Resolve: func(p graphql.ResolveParams) (any, error) {
			var out []map[string]any
			for n := range 100 {
				out = append(out, map[string]any{"n": n})
			}
			return out, nil
		}},
	}})})
	if err != nil {
		t.Fatal(err)
	}
	h := NewHandler(&schema, Config{}, nil)
	w := httptest.NewRecorder()
	h.ServeHTTP(w, jsonRequest(`{"query": "{ items { n next { n next { n } } } }"}`))
	if w.Code != 200 || !strings.Contains(w.Body.String(), `{"n":2099}`) {
		t.Fatalf("got %d %s", w.Code, w.Body)
	}
	if len(batches) != 2 || len(batches[0]) != 100 || len(batches[1]) != 100 {
		var sizes []int
		for _, b := range batches {
			sizes = append(sizes, len(b))
		}
		t.Errorf("batches of %v keys, want two of 100", sizes)
	}

	// A second request has loaders of its own.
	batches = nil
	h.ServeHTTP(httptest.NewRecorder(), jsonRequest(`{"query": "{ items { next { n } } }"}`))
	if len(batches) != 1 || len(batches[0]) != 100 {
		t.Errorf("second request: got %d batches, want one of 100 keys", len(batches))
	}
}

func TestLoaderCacheClearAndPrime(t *testing.T) {
	calls := 0
	l := newLoader(byKey(func(_ context.Context, keys []string) (map[string]int, error) {
		calls++
		out := map[string]int{}
		for _, k := range keys {
			out[k] = len(k)
		}
		return out, nil
	}))
	ctx := context.Background()
	a, b := l.Load(ctx, "a"), l.Load(ctx, "bb")
	if v, _ := b(); v != 2 {
		t.Errorf("bb: got %d, want 2", v)
	}
	if v, _ := a(); v != 1 || calls != 1 {
		t.Errorf("a: got %d after %d batches, want 1 after 1", v, calls)
	}
	if v, _ := l.Load(ctx, "a")(); v != 1 || calls != 1 {
		t.Errorf("cached a: got %d after %d batches, want 1 after 1", v, calls)
	}
	th := l.Load(ctx, "a")
	l.ClearAll()
	if v, _ := th(); v != 1 || calls != 2 {
		t.Errorf("a loaded before ClearAll: got %d after %d batches, want 1 after 2", v, calls)
	}
	l.Prime(ctx, "ccc", 42)
	if v, _ := l.Load(ctx, "ccc")(); v != 42 || calls != 2 {
		t.Errorf("primed ccc: got %d after %d batches, want 42 after 2", v, calls)
	}
	vs, errs := l.LoadMany(ctx, []string{"dddd", "ccc"})()
	if !slices.Equal(vs, []int{4, 42}) || errs != nil || calls != 3 {
		t.Errorf("LoadMany: got %v %v after %d batches", vs, errs, calls)
	}
}
