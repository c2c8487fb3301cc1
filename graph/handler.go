package graph

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"sync/atomic"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/graphql-go/graphql"
	"github.com/graphql-go/graphql/gqlerrors"
	"github.com/graphql-go/graphql/language/ast"
	"github.com/graphql-go/graphql/language/parser"
	"golang.org/x/sync/semaphore"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/internal/reqinfo"
)

// Config sets the limits and switches of a Handler. Zero values take the defaults.
type Config struct {
	MaxDepth      int   // how deep fields may nest, fragments expanded (default 12)
	MaxAliases    int   // aliases per document (default 30)
	MaxFields     int   // field selections per document, fragments expanded (default 1000)
	MaxQueryBytes int   // query text (default 64 KiB)
	MaxBodyBytes  int64 // POST body (default 1 MiB)
	Introspection bool  // allow __schema and __type to everyone (__typename is always allowed)
	GraphiQL      bool  // serve GraphiQL to browsers on a GET without a query
	// CacheBytes bounds the memory of the parsed and validated documents kept, estimated from
	// their query text (doccache.go; default 16 MiB, some 2,000 documents of a usual size).
	// With IntrospectionSignedIn, the signed-in callers' documents have a cache as large.
	CacheBytes int64
	// IntrospectionSignedIn allows __schema and __type to signed-in callers (a session or an
	// API token) when Introspection keeps them from everyone else.
	IntrospectionSignedIn bool
	// MaxCost bounds the objects a query may ask for, estimated before it runs (cost.go):
	// first/last multiplied down every path of nested lists (default 10,000).
	MaxCost int
	// ListEstimate is the number of items the cost estimate assumes for a list field without
	// first or last, such as a device's storage media (default 10).
	ListEstimate int
	// MaxResponseBytes bounds the response while it executes (budget.go); a response that
	// grows past it is cut and answered with one error (default 4 MiB).
	MaxResponseBytes int64
	// MaxConcurrent is how many operations execute at once; the others wait for a place in
	// their order of arrival (0: no limit). Only the execution holds a place: reading the
	// request and writing the answer to a slow client do not. With PostgreSQL on the same
	// cores, twice their number kept the scan's p99 under that of no limit in every paired
	// round (docs/performance.md, "Operations in turn"): eight operations at once left eight
	// PostgreSQL backends and the server's goroutines to the kernel's scheduler, which served
	// some of them late; a queue serves them first come, first served.
	MaxConcurrent int
	// Reference, when set, runs every query that our executor runs (exec.go) on graphql-go's
	// executor as well and calls Reference with the query and the difference whenever the two
	// answers differ. It doubles the work of a query: tests set it, servers do not.
	Reference func(query, difference string)
}

// The defaults of Config.
const (
	DefaultMaxDepth      = 12
	DefaultMaxAliases    = 30
	DefaultMaxFields     = 1000
	DefaultMaxQueryBytes = 64 << 10
	DefaultMaxBodyBytes  = 1 << 20
	DefaultCacheBytes    = 16 << 20
	DefaultMaxCost       = 10_000
	DefaultListEstimate  = 10
	// DefaultMaxResponseBytes is about 30 pages of 100 devices with all their edges.
	DefaultMaxResponseBytes = 4 << 20
)

func (c Config) withDefaults() Config {
	if c.MaxDepth <= 0 {
		c.MaxDepth = DefaultMaxDepth
	}
	if c.MaxAliases <= 0 {
		c.MaxAliases = DefaultMaxAliases
	}
	if c.MaxFields <= 0 {
		c.MaxFields = DefaultMaxFields
	}
	if c.MaxQueryBytes <= 0 {
		c.MaxQueryBytes = DefaultMaxQueryBytes
	}
	if c.MaxBodyBytes <= 0 {
		c.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if c.CacheBytes <= 0 {
		c.CacheBytes = DefaultCacheBytes
	}
	if c.MaxCost <= 0 {
		c.MaxCost = DefaultMaxCost
	}
	if c.ListEstimate <= 0 {
		c.ListEstimate = DefaultListEstimate
	}
	if c.MaxResponseBytes <= 0 {
		c.MaxResponseBytes = DefaultMaxResponseBytes
	}
	return c
}

// Handler serves GraphQL over HTTP: POST with a JSON body, or GET with URL parameters for
// queries. It parses and validates each distinct query text once and keeps the document in an
// LRU cache keyed by that text, bounded by bytes (doccache.go), because graphql-go's validation
// costs several times more than executing a typical query (docs/performance.md). The cache is
// per process: each instance fills its own. With Config.GraphiQL it also serves GraphiQL and
// its assets under <path>/assets/, so mount the same Handler at both /graphql and
// /graphql/assets/ (each NewHandler has its own cache). A Handler is safe for concurrent use.
type Handler struct {
	schema    *graphql.Schema
	cfg       Config
	logger    *slog.Logger
	rules     []graphql.ValidationRuleFn
	documents *docCache  // valid documents by query text
	plans     *planCache // our executor's plans of the documents it ran (exec_plan.go)
	presenter *presenter
	graphiql  *graphiql // nil unless Config.GraphiQL
	// signedInRules and signedInDocuments validate and cache the documents of signed-in callers
	// when Config.IntrospectionSignedIn opens introspection to them alone; nil otherwise. A
	// document valid for them (one asking for __schema) is not valid for an anonymous caller,
	// so the two rule sets keep separate caches.
	signedInRules     []graphql.ValidationRuleFn
	signedInDocuments *docCache

	validations atomic.Int64        // documents parsed and validated, i.e. cache misses
	turns       *semaphore.Weighted // Config.MaxConcurrent places, nil for no limit
	waiting     atomic.Int64        // operations waiting for a place
	// jsonType is every response's Content-Type, shared: Header.Set would allocate it each time.
	jsonType []string
	// buffers hold the JSON our executor writes, from one response to the next.
	buffers bufferPool
}

// NewHandler returns a Handler that executes requests against schema. The logger receives the
// details of internal errors, which clients only see as a request id.
func NewHandler(schema *graphql.Schema, cfg Config, logger *slog.Logger) *Handler {
	cfg = cfg.withDefaults()
	if logger == nil {
		logger = slog.Default()
	}
	rules := append(specifiedRules(cfg.MaxFields),
		executableDefinitionsRule,
		depthRule(cfg.MaxDepth),
		aliasRule(cfg.MaxAliases),
		fieldCountRule(cfg.MaxFields),
	)
	newCache := func() *docCache { return newDocCache(cfg.CacheBytes) }
	h := &Handler{
		schema:    schema,
		cfg:       cfg,
		logger:    logger,
		rules:     rules,
		documents: newCache(),
		plans:     newPlanCache(planDocuments),
		jsonType:  []string{"application/json; charset=utf-8"},
		presenter: &presenter{mappings: errorMappings(), logger: logger},
	}
	if !cfg.Introspection {
		h.rules = append(rules[:len(rules):len(rules)], noIntrospectionRule)
		if cfg.IntrospectionSignedIn {
			h.signedInRules, h.signedInDocuments = rules, newCache()
		}
	}
	if cfg.GraphiQL {
		h.graphiql = newGraphiQL()
	}
	if cfg.MaxConcurrent > 0 {
		// x/sync's semaphore gives places in the order they were asked for.
		h.turns = semaphore.NewWeighted(int64(cfg.MaxConcurrent))
	}
	return h
}

// Waiting returns how many operations are waiting for a place to execute (Config.MaxConcurrent),
// for the server's metrics.
func (h *Handler) Waiting() int64 { return h.waiting.Load() }

// inTurn runs an operation's execution once a place is free (Config.MaxConcurrent), and frees
// it after, a panic included. When ctx ends first the client went away (or gave up) before its
// turn and nothing runs: a 503, not an internal error, since a queue that clients abandon is a
// server too busy for its load.
func (h *Handler) inTurn(ctx context.Context, run func()) *httpError {
	if h.turns == nil {
		run()
		return nil
	}
	h.waiting.Add(1)
	err := h.turns.Acquire(ctx, 1)
	h.waiting.Add(-1)
	if err != nil {
		return badRequest(http.StatusServiceUnavailable, "the request ended before its turn to execute came (%v)", err)
	}
	defer h.turns.Release(1)
	run()
	return nil
}

// params are the parameters of a GraphQL request.
type params struct {
	Query         string         `json:"query"`
	OperationName string         `json:"operationName"`
	Variables     map[string]any `json:"variables"`
}

// httpError is a request that fails before execution: its status and what the client reads.
type httpError struct {
	status int
	errors []gqlError
}

func badRequest(status int, format string, args ...any) *httpError {
	return &httpError{status: status, errors: requestError(fmt.Sprintf(format, args...))}
}

// ServeHTTP serves one GraphQL request, or GraphiQL's page or files when they are switched on.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if h.graphiql != nil && h.graphiql.serveAsset(w, r) {
		return
	}
	var p params
	var herr *httpError
	switch r.Method {
	case http.MethodPost:
		p, herr = h.readPost(w, r)
	case http.MethodGet:
		if h.graphiql != nil && !r.URL.Query().Has("query") && acceptsHTML(r) {
			h.graphiql.servePage(w, r)
			return
		}
		p, herr = readGet(r)
	default:
		w.Header().Set("Allow", "GET, POST")
		herr = badRequest(http.StatusMethodNotAllowed, "method %s is not allowed; send POST, or GET for queries", r.Method)
	}
	if herr == nil {
		herr = h.execute(w, r, p)
	}
	if herr != nil {
		h.writeJSON(w, r, herr.status, struct {
			Errors []gqlError `json:"errors"`
		}{herr.errors})
	}
}

func (h *Handler) readPost(w http.ResponseWriter, r *http.Request) (params, *httpError) {
	var p params
	// Requiring JSON also keeps cross-site forms out: a browser sends application/json to
	// another origin only after a CORS preflight.
	mediaType, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mediaType != "application/json" {
		return p, badRequest(http.StatusUnsupportedMediaType, "the request body must be JSON sent as Content-Type application/json")
	}
	tooLarge := func() *httpError {
		return badRequest(http.StatusRequestEntityTooLarge, "the request body is larger than the limit of %d bytes", h.cfg.MaxBodyBytes)
	}
	if r.ContentLength > h.cfg.MaxBodyBytes {
		return p, tooLarge() // refused before reading a byte
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, h.cfg.MaxBodyBytes))
	if err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			return p, tooLarge()
		}
		return p, badRequest(http.StatusBadRequest, "could not read the request body: %v", err)
	}
	// encoding/json/v2's decoder: half the time of encoding/json's (a thirtieth of the
	// server's CPU on a scan), and stricter where a request should be: a name given twice
	// ("query" twice, one of them smuggled past a proxy) or text that is not UTF-8 is refused
	// instead of taken last-one-wins or replaced.
	if err := jsonv2.Unmarshal(body, &p); err != nil {
		return p, badRequest(http.StatusBadRequest, "the request body is not a valid GraphQL request in JSON: %v", err)
	}
	return p, nil
}

func readGet(r *http.Request) (params, *httpError) {
	q := r.URL.Query()
	p := params{Query: q.Get("query"), OperationName: q.Get("operationName")}
	if v := q.Get("variables"); v != "" {
		if err := jsonv2.Unmarshal([]byte(v), &p.Variables); err != nil {
			return p, badRequest(http.StatusBadRequest, "the variables parameter is not a JSON object: %v", err)
		}
	}
	return p, nil
}

// execute runs one request and writes its result, or returns why it cannot run. Queries run
// on our executor (exec.go); mutations, introspection and variables that do not fit their
// types on graphql-go's.
func (h *Handler) execute(w http.ResponseWriter, r *http.Request, p params) *httpError {
	doc, op, herr := h.prepare(w, r, p)
	if herr != nil {
		return herr
	}
	if plan := h.queryPlan(doc, op); plan != nil {
		scope := &requestScope{budget: &responseBudget{limit: h.cfg.MaxResponseBytes}} // see loaders.go and budget.go
		buf := h.buffers.get()
		defer h.buffers.put(buf)
		var data []byte
		var errs []gqlerrors.FormattedError
		var err error
		if herr := h.inTurn(r.Context(), func() {
			data, errs, err = executeQuery(r.Context(), h.schema, plan, op, p.Variables, scope, (*buf)[:0])
		}); herr != nil {
			return herr
		}
		if cap(data) > cap(*buf) {
			*buf = data[:0] // grown, it is kept grown
		}
		if _, ok := errors.AsType[errVariables](err); !ok {
			if h.cfg.Reference != nil {
				h.compare(r, p, doc, scope, data, errs, err)
				if changed := plan.argsChanged(); changed != "" {
					h.cfg.Reference(p.Query, changed)
				}
			}
			if je, ok := errors.AsType[jsonError](err); ok {
				h.encodingFailed(w, r, je.err)
				return nil
			}
			var raw any
			if data != nil {
				raw = json.RawMessage(data)
			}
			h.respond(w, r, scope, raw, errs)
			return nil
		}
	}
	scope := &requestScope{budget: &responseBudget{limit: h.cfg.MaxResponseBytes}}
	var result *graphql.Result
	if herr := h.inTurn(r.Context(), func() { result = h.executeReference(r, doc, p, scope) }); herr != nil {
		return herr
	}
	// The GraphQL spec leaves data out when execution did not start (a variable that does not
	// fit the operation) and has it null when a non-null root field failed.
	data := any(result.Data)
	if data == nil && started(result) {
		data = json.RawMessage("null")
	}
	h.respond(w, r, scope, data, result.Errors)
	return nil
}

// executeReference runs a request on graphql-go's executor.
func (h *Handler) executeReference(r *http.Request, doc *ast.Document, p params, scope *requestScope) *graphql.Result {
	return graphql.Execute(graphql.ExecuteParams{
		Schema:        *h.schema,
		AST:           doc,
		OperationName: p.OperationName,
		Args:          p.Variables,
		Context:       r.Context(),
		Root:          scope,
	})
}

// prepare checks a request up to its execution and returns the document to execute: the
// query's size, its parse and validation (cached), the operation and whether the method allows
// it (over GET, the safe method, which caches, prefetchers and links may repeat, only queries
// run), and the cost estimate with the request's variables.
func (h *Handler) prepare(w http.ResponseWriter, r *http.Request, p params) (*ast.Document, *ast.OperationDefinition, *httpError) {
	if p.Query == "" {
		return nil, nil, badRequest(http.StatusBadRequest, "query is required")
	}
	if len(p.Query) > h.cfg.MaxQueryBytes {
		return nil, nil, badRequest(http.StatusRequestEntityTooLarge, "query is %d bytes; the limit is %d", len(p.Query), h.cfg.MaxQueryBytes)
	}
	doc, errs := h.document(r, p.Query)
	if errs != nil {
		return nil, nil, errs
	}
	op, herr := selectOperation(doc, p.OperationName)
	if herr != nil {
		return nil, nil, herr
	}
	name := "anonymous"
	if op.Name != nil && op.Name.Value != "" {
		name = op.Name.Value
	}
	reqinfo.From(r.Context()).Operation = name
	switch op.Operation {
	case ast.OperationTypeMutation:
		if r.Method == http.MethodGet {
			w.Header().Set("Allow", "POST")
			return nil, nil, badRequest(http.StatusMethodNotAllowed, "mutations must be sent with POST, not GET")
		}
		if h.schema.MutationType() == nil {
			return nil, nil, badRequest(http.StatusBadRequest, "this API has no mutations")
		}
	case ast.OperationTypeSubscription:
		return nil, nil, badRequest(http.StatusBadRequest, "subscriptions are not supported")
	}
	if cost := h.cost(doc, op, p.Variables); cost > h.cfg.MaxCost {
		return nil, nil, &httpError{status: http.StatusBadRequest, errors: []gqlError{{
			Message:    costMessage(cost, h.cfg.MaxCost),
			Locations:  locationOf(op),
			Extensions: map[string]any{"code": CodeBadUserInput, "cost": cost, "maxCost": h.cfg.MaxCost},
		}}}
	}
	return doc, op, nil
}

// unavailableIn reports whether one of errs is the database's absence.
func unavailableIn(errs []gqlError) bool {
	for _, e := range errs {
		if e.Extensions["code"] == CodeUnavailable {
			return true
		}
	}
	return false
}

// started reports whether graphql-go got as far as running resolvers: errors raised before
// (variables that do not fit the operation) have no path.
func started(result *graphql.Result) bool {
	for _, e := range result.Errors {
		if len(e.Path) > 0 {
			return true
		}
	}
	return len(result.Errors) == 0
}

// document returns the parsed and validated document for query, from the cache when it can.
// Only valid documents are cached: an invalid one costs its sender a validation every time.
// A signed-in caller's documents are validated with their own rules and cached apart when
// introspection is open to signed-in callers alone. A caller who may not introspect gets the
// validation errors without their suggestions (withoutSuggestions).
func (h *Handler) document(r *http.Request, query string) (doc *ast.Document, herr *httpError) {
	rules, documents, introspection := h.rules, h.documents, h.cfg.Introspection
	if h.signedInDocuments != nil {
		if _, ok := auth.ActorFrom(r.Context()); ok {
			rules, documents, introspection = h.signedInRules, h.signedInDocuments, true
		}
	}
	if doc, ok := documents.get(query); ok {
		return doc, nil
	}
	h.validations.Add(1)
	defer func() {
		// graphql-go's parser and rules have panicked on odd documents before; such a panic is
		// our bug to log, not a reason to drop the connection.
		if v := recover(); v != nil {
			doc = nil
			herr = &httpError{status: http.StatusInternalServerError, errors: []gqlError{
				h.presenter.present(r.Context(), gqlerrors.FormatError(fmt.Errorf("parsing or validating a query panicked: %v", v))),
			}}
		}
	}()
	doc, err := parser.Parse(parser.ParseParams{Source: query})
	if err != nil {
		return nil, &httpError{status: http.StatusBadRequest, errors: requestErrors(gqlerrors.FormatErrors(err))}
	}
	if errs := untypedVariables(doc); errs != nil {
		return nil, &httpError{status: http.StatusBadRequest, errors: errs}
	}
	if res := graphql.ValidateDocument(h.schema, doc, rules); !res.IsValid {
		errs := requestErrors(res.Errors)
		if !introspection {
			withoutSuggestions(errs)
		}
		return nil, &httpError{status: http.StatusBadRequest, errors: errs}
	}
	documents.add(query, doc)
	return doc, nil
}

// selectOperation returns the operation that operationName names, or the document's only
// operation when it is empty.
func selectOperation(doc *ast.Document, operationName string) (*ast.OperationDefinition, *httpError) {
	var found *ast.OperationDefinition
	n := 0
	for _, op := range operations(doc) {
		n++
		if operationName == "" || op.Name != nil && op.Name.Value == operationName {
			found = op
		}
	}
	switch {
	case operationName != "" && found == nil:
		return nil, badRequest(http.StatusBadRequest, "unknown operation %q: operationName must name an operation of the query", operationName)
	case n == 0:
		return nil, badRequest(http.StatusBadRequest, "the query has no operation")
	case operationName == "" && n > 1:
		return nil, badRequest(http.StatusBadRequest, "the query has %d operations; operationName must say which to run", n)
	}
	return found, nil
}
