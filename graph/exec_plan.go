package graph

import (
	"fmt"
	"sync"

	"github.com/graphql-go/graphql"
	"github.com/graphql-go/graphql/language/ast"
	lru "github.com/hashicorp/golang-lru/v2/simplelru"
)

// A document's plan: the columns the executor worked out for each (type, parent field) it met,
// kept for the next request that runs the same document. Clients send the same few documents
// with other variables, so after the first request a query's fields, their ResolveInfo and
// their literal arguments cost nothing to collect. A document whose @skip or @include take a
// variable selects other fields with other variables: its columns are collected anew at every
// request.

// docPlan is the plan of one document.
type docPlan struct {
	fragments map[string]ast.Definition
	cacheable bool // no @skip or @include takes a variable

	mu    sync.Mutex
	cols  map[planKey][]*column
	n     int                              // columns kept
	costs map[*ast.OperationDefinition]int // estimates that read no variable (Handler.cost)
}

// argsChanged reports a kept column whose arguments are no longer what they were when the
// plan kept them: a resolver wrote to its p.Args, which every request running the document
// shares. Config.Reference checks it after each query (tests); servers never call it.
func (p *docPlan) argsChanged() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, cols := range p.cols {
		for _, c := range cols {
			if c.args != nil && fmt.Sprint(c.args) != c.argsPrint {
				return fmt.Sprintf("a resolver of %s.%s changed its arguments: %s, was %s", c.info.ParentType.Name(), c.info.FieldName, fmt.Sprint(c.args), c.argsPrint)
			}
		}
	}
	return ""
}

// Bounds of the memory plans hold (a column is some 320 bytes): planColumns columns a
// document, for planDocuments documents, some 16 MB at worst. A document with more columns
// (a large export, say) has the rest collected at every request.
const (
	planColumns   = 200
	planDocuments = 256
)

type planKey struct {
	typ    *graphql.Object
	parent *column // nil at the root
}

func newDocPlan(doc *ast.Document) *docPlan {
	p := &docPlan{fragments: fragmentsOf(doc), cacheable: true, cols: map[planKey][]*column{}}
	for _, d := range doc.Definitions {
		if def, ok := d.(interface{ GetSelectionSet() *ast.SelectionSet }); ok && variableDirectives(def.GetSelectionSet()) {
			p.cacheable = false
		}
	}
	return p
}

// variableDirectives reports whether a directive in set takes a variable.
func variableDirectives(set *ast.SelectionSet) bool {
	if set == nil {
		return false
	}
	for _, s := range set.Selections {
		var directives []*ast.Directive
		var inner *ast.SelectionSet
		switch s := s.(type) {
		case *ast.Field:
			directives, inner = s.Directives, s.SelectionSet
		case *ast.InlineFragment:
			directives, inner = s.Directives, s.SelectionSet
		case *ast.FragmentSpread:
			directives = s.Directives
		}
		for _, d := range directives {
			for _, a := range d.Arguments {
				if _, ok := a.Value.(*ast.Variable); ok {
					return true
				}
			}
		}
		if variableDirectives(inner) {
			return true
		}
	}
	return false
}

// columns returns the columns of objects of type t selected by parent's selection sets (the
// operation's at the root), from the plan when it has them.
func (p *docPlan) columns(e *execution, t *graphql.Object, parent *column) []*column {
	key := planKey{t, parent}
	if p.cacheable {
		p.mu.Lock()
		cols, ok := p.cols[key]
		p.mu.Unlock()
		if ok {
			return cols
		}
	}
	var sets []*ast.SelectionSet
	if parent == nil {
		sets = []*ast.SelectionSet{e.op.SelectionSet}
	} else {
		for _, f := range parent.asts {
			sets = append(sets, f.SelectionSet)
		}
	}
	cols := e.collect(t, sets)
	if p.cacheable {
		p.mu.Lock()
		if cached, ok := p.cols[key]; ok {
			cols = cached // another request built them first: columns are compared by identity
		} else if p.n+len(cols) <= planColumns {
			p.cols[key] = cols
			p.n += len(cols)
		}
		p.mu.Unlock()
	}
	return cols
}

// collect collects the fields that sets select on objects of type t, in the order of the
// query (a response key's first occurrence), each with its arguments and ResolveInfo.
func (e *execution) collect(t *graphql.Object, sets []*ast.SelectionSet) []*column {
	byKey := map[string]*column{}
	var cols []*column
	visited := map[string]bool{}
	var walk func(set *ast.SelectionSet)
	walk = func(set *ast.SelectionSet) {
		if set == nil {
			return
		}
		for _, s := range set.Selections {
			switch s := s.(type) {
			case *ast.Field:
				if !e.included(s.Directives) {
					continue
				}
				key := s.Name.Value
				if s.Alias != nil && s.Alias.Value != "" {
					key = s.Alias.Value
				}
				if c := byKey[key]; c != nil {
					c.asts = append(c.asts, s)
					continue
				}
				c := &column{key: key, asts: []*ast.Field{s}}
				byKey[key] = c
				cols = append(cols, c)
			case *ast.InlineFragment:
				if e.included(s.Directives) && e.matches(s.TypeCondition, t) {
					walk(s.SelectionSet)
				}
			case *ast.FragmentSpread:
				name := s.Name.Value
				if visited[name] || !e.included(s.Directives) {
					continue
				}
				visited[name] = true
				if f, ok := e.fragments[name].(*ast.FragmentDefinition); ok && e.matches(f.TypeCondition, t) {
					walk(f.SelectionSet)
				}
			}
		}
	}
	for _, set := range sets {
		walk(set)
	}
	kept := cols[:0]
	for _, c := range cols {
		name := c.asts[0].Name.Value
		if name == "__typename" {
			c.typ = graphql.NewNonNull(graphql.String)
			kept = append(kept, c)
			continue
		}
		def := t.Fields()[name]
		if def == nil {
			continue // as graphql-go: a field the type lacks is left out (validation refused it)
		}
		c.def, c.typ = def, def.Type
		if c.varies = usesVariables(c.asts[0].Arguments); !c.varies {
			c.args = argumentValues(def.Args, c.asts[0].Arguments, nil)
			c.argsPrint = fmt.Sprint(c.args) // fmt prints maps sorted: see argsChanged
		}
		c.info = graphql.ResolveInfo{FieldName: name, FieldASTs: c.asts, ReturnType: def.Type, ParentType: t,
			Schema: *e.schema, Fragments: e.fragments, Operation: e.op}
		kept = append(kept, c)
	}
	return kept
}

// usesVariables reports whether an argument's value is, or holds, a variable.
func usesVariables(args []*ast.Argument) bool {
	var in func(v ast.Value) bool
	in = func(v ast.Value) bool {
		switch v := v.(type) {
		case *ast.Variable:
			return true
		case *ast.ListValue:
			for _, item := range v.Values {
				if in(item) {
					return true
				}
			}
		case *ast.ObjectValue:
			for _, f := range v.Fields {
				if f != nil && in(f.Value) {
					return true
				}
			}
		}
		return false
	}
	for _, a := range args {
		if in(a.Value) {
			return true
		}
	}
	return false
}

// planCache keeps the plans of the documents recently run, by document: a document the
// document cache dropped and parsed again gets a new plan, and its old one goes in turn.
type planCache struct {
	mu  sync.Mutex
	lru *lru.LRU[*ast.Document, *docPlan]
}

func newPlanCache(size int) *planCache {
	l, err := lru.NewLRU[*ast.Document, *docPlan](size, nil)
	if err != nil {
		panic(err) // only for a size <= 0
	}
	return &planCache{lru: l}
}

func (c *planCache) get(doc *ast.Document) *docPlan {
	c.mu.Lock()
	defer c.mu.Unlock()
	if p, ok := c.lru.Get(doc); ok {
		return p
	}
	p := newDocPlan(doc)
	c.lru.Add(doc, p)
	return p
}
