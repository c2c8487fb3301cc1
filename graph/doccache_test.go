package graph

import (
	"strings"
	"testing"

	"github.com/graphql-go/graphql/language/ast"
)

// The document cache holds documents up to its byte budget: a large query pushes out as many
// small ones as it needs, and one larger than the whole budget is not kept.
func TestDocCacheBytes(t *testing.T) {
	small := func(c byte) string { return "{ " + string(c) + ": hello }" }
	c := newDocCache(4 * docBytes(small('a')))
	for _, q := range []byte("abcd") {
		c.add(small(q), &ast.Document{})
	}
	if c.lru.Len() != 4 || c.bytes != 4*docBytes(small('a')) {
		t.Fatalf("four small documents: got %d held, %d bytes", c.lru.Len(), c.bytes)
	}
	big := "{ " + strings.Repeat("x ", len(small('a'))) + "}" // about twice a small one
	c.add(big, &ast.Document{})
	if _, ok := c.get(big); !ok || c.lru.Len() != 3 || c.bytes > c.limit {
		t.Errorf("after a large one: got %d held, %d of %d bytes, want it and the two newest small ones", c.lru.Len(), c.bytes, c.limit)
	}
	huge := strings.Repeat(" ", int(c.limit))
	c.add(huge, &ast.Document{})
	if _, ok := c.get(huge); ok {
		t.Error("a document larger than the budget was kept")
	}
}
