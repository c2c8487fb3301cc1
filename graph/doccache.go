package graph

import (
	"sync"

	"github.com/graphql-go/graphql/language/ast"
	lru "github.com/hashicorp/golang-lru/v2/simplelru"
)

// docCache keeps parsed and validated documents by query text, least recently used first out,
// bounded by the memory they hold rather than by their number: one query of 64 KiB holds as
// much as hundreds of a client's usual ones. The size of a document is estimated from its
// text: a parsed document keeps about 28 bytes per byte of query (measured on the scan and
// list queries), plus the text itself.
type docCache struct {
	mu    sync.Mutex
	lru   *lru.LRU[string, *ast.Document]
	bytes int64 // estimated size of what is held
	limit int64
}

// docBytes estimates the memory a cached document of query holds.
func docBytes(query string) int64 { return int64(len(query))*(28+1) + 512 }

func newDocCache(limit int64) *docCache {
	c := &docCache{limit: limit}
	// The count bound is never reached before the byte bound (every document costs at least
	// docBytes("") bytes); the callback keeps the byte count when entries go.
	l, err := lru.NewLRU[string, *ast.Document](int(limit/docBytes(""))+1, func(q string, _ *ast.Document) {
		c.bytes -= docBytes(q)
	})
	if err != nil {
		panic(err) // only for a size <= 0
	}
	c.lru = l
	return c
}

func (c *docCache) get(query string) (*ast.Document, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.lru.Get(query)
}

// add keeps doc unless it alone is larger than the limit, evicting the least recently used
// documents until the rest fits.
func (c *docCache) add(query string, doc *ast.Document) {
	n := docBytes(query)
	if n > c.limit {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.lru.Contains(query) {
		return
	}
	c.lru.Add(query, doc)
	c.bytes += n
	for c.bytes > c.limit {
		c.lru.RemoveOldest()
	}
}

// purge forgets every document.
func (c *docCache) purge() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.lru.Purge()
}
