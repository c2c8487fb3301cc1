package graph

import (
	"bytes"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/graphql-go/graphql"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/internal/reqinfo"
	"github.com/digital-inclusion/refurb/validation"
)

// toySchema is a small schema for the handler's tests: a query, a mutation, a resolver per
// mapped error and a self-nesting type to build deep queries with.
//
//	type Query {
//	  hello(name: String = "world"): String
//	  node(id: Int = 1): Node
//	  fail(kind: String!): String
//	  mustFail: String!
//	  echo(n: Int!): Int
//	  requestId: String
//	}
//	type Node { id: Int  name: String  child: Node  children(n: Int = 2): [Node] }
//	type Mutation { setName(name: String!): String }
func toySchema(t testing.TB) *graphql.Schema {
	t.Helper()
	type node struct{ id int }
	nodeType := graphql.NewObject(graphql.ObjectConfig{Name: "Node", Fields: graphql.Fields{}})
	nodeType.AddFieldConfig("id", &graphql.Field{Type: graphql.Int, Resolve: func(p graphql.ResolveParams) (any, error) {
		return p.Source.(node).id, nil
	}})
	nodeType.AddFieldConfig("name", &graphql.Field{Type: graphql.String, Resolve: func(p graphql.ResolveParams) (any, error) {
		return fmt.Sprintf("node %d", p.Source.(node).id), nil
	}})
	nodeType.AddFieldConfig("child", &graphql.Field{Type: nodeType, Resolve: func(p graphql.ResolveParams) (any, error) {
		return node{p.Source.(node).id + 1}, nil
	}})
	nodeType.AddFieldConfig("children", &graphql.Field{
		Type: graphql.NewList(nodeType),
		Args: graphql.FieldConfigArgument{"n": {Type: graphql.Int, DefaultValue: 2}},
		Resolve: func(p graphql.ResolveParams) (any, error) {
			var out []node
			for i := range p.Args["n"].(int) {
				out = append(out, node{p.Source.(node).id*10 + i})
			}
			return out, nil
		},
	})
	query := graphql.NewObject(graphql.ObjectConfig{Name: "Query", Fields: graphql.Fields{
		"hello": {
			Type: graphql.String,
			Args: graphql.FieldConfigArgument{"name": {Type: graphql.String, DefaultValue: "world"}},
			Resolve: func(p graphql.ResolveParams) (any, error) {
				return "hello " + p.Args["name"].(string), nil
			},
		},
		"node": {
			Type: nodeType,
			Args: graphql.FieldConfigArgument{"id": {Type: graphql.Int, DefaultValue: 1}},
			Resolve: func(p graphql.ResolveParams) (any, error) {
				return node{p.Args["id"].(int)}, nil
			},
		},
		"fail": {
			Type: graphql.String,
			Args: graphql.FieldConfigArgument{"kind": {Type: graphql.NewNonNull(graphql.String)}},
			Resolve: func(p graphql.ResolveParams) (any, error) {
				return nil, toyError(p.Args["kind"].(string))
			},
		},
		"mustFail": {
			Type: graphql.NewNonNull(graphql.String),
			Resolve: func(p graphql.ResolveParams) (any, error) {
				return nil, fmt.Errorf("loading device 7: %w", auth.ErrNotFound)
			},
		},
		"echo": {
			Type: graphql.Int,
			Args: graphql.FieldConfigArgument{"n": {Type: graphql.NewNonNull(graphql.Int)}},
			Resolve: func(p graphql.ResolveParams) (any, error) {
				return p.Args["n"], nil
			},
		},
		"requestId": {
			Type: graphql.String,
			Resolve: func(p graphql.ResolveParams) (any, error) {
				return reqinfo.From(p.Context).ID, nil
			},
		},
	}})
	mutation := graphql.NewObject(graphql.ObjectConfig{Name: "Mutation", Fields: graphql.Fields{
		"setName": {
			Type: graphql.String,
			Args: graphql.FieldConfigArgument{"name": {Type: graphql.NewNonNull(graphql.String)}},
			Resolve: func(p graphql.ResolveParams) (any, error) {
				return p.Args["name"], nil
			},
		},
	}})
	schema, err := graphql.NewSchema(graphql.SchemaConfig{Query: query, Mutation: mutation})
	if err != nil {
		t.Fatal(err)
	}
	return &schema
}

// toyError returns the error that Query.fail returns for kind.
func toyError(kind string) error {
	switch kind {
	case "unauthenticated":
		return auth.ErrUnauthenticated
	case "invalidCredentials":
		return auth.ErrInvalidCredentials
	case "forbidden":
		return fmt.Errorf("user 42 may not read donor 9: %w", auth.ErrForbidden)
	case "notFound":
		return auth.ErrNotFound
	case "conflict":
		return fmt.Errorf("insert user alice@example.org: %w", auth.ErrConflict)
	case "rateLimited":
		return &auth.RateLimitError{RetryAfter: 90*time.Second + 200*time.Millisecond}
	case "unavailable":
		return fmt.Errorf("select device: %w", driver.ErrBadConn)
	case "recovering":
		return fmt.Errorf("select device: %w", &pgconn.PgError{Code: "57P03", Message: "the database system is in recovery mode"})
	case "diskFull":
		return fmt.Errorf("insert devices: %w", &pgconn.PgError{Code: "53100", Message: "could not extend file"})
	case "field":
		return fmt.Errorf("creating user: %w", validation.Field("input.email", "must contain an @"))
	case "panic":
		panic("resolver bug: secret panic detail")
	default:
		return errors.New("pq: connection to 10.0.0.5 refused (secret detail)")
	}
}

// response is a decoded GraphQL response.
type response struct {
	Data   map[string]any `json:"data"`
	Errors []struct {
		Message    string           `json:"message"`
		Locations  []map[string]int `json:"locations"`
		Path       []any            `json:"path"`
		Extensions map[string]any   `json:"extensions"`
	} `json:"errors"`
}

type testServer struct {
	t       testing.TB
	handler *Handler
	log     *bytes.Buffer
}

func newTestServer(t testing.TB, cfg Config) *testServer {
	t.Helper()
	var log bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&syncWriter{w: &log}, nil))
	if _, bench := t.(*testing.B); !bench && cfg.Reference == nil {
		cfg.Reference = func(query, difference string) { t.Errorf("the executors differ on\n%s\n%s", query, difference) }
	}
	return &testServer{t: t, handler: NewHandler(toySchema(t), cfg, logger), log: &log}
}

// syncWriter lets concurrent requests log to one buffer.
type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}

// do serves r and returns the recorded response.
func (s *testServer) do(r *http.Request) *httptest.ResponseRecorder {
	s.t.Helper()
	w := httptest.NewRecorder()
	s.handler.ServeHTTP(w, r)
	return w
}

// post sends a GraphQL request as JSON and returns the status and decoded response.
func (s *testServer) post(query string, variables map[string]any, operationName string) (int, response) {
	s.t.Helper()
	body, err := json.Marshal(map[string]any{"query": query, "variables": variables, "operationName": operationName})
	if err != nil {
		s.t.Fatal(err)
	}
	return s.decode(s.do(jsonRequest(string(body))))
}

func (s *testServer) decode(w *httptest.ResponseRecorder) (int, response) {
	s.t.Helper()
	if ct := w.Header().Get("Content-Type"); ct != "application/json; charset=utf-8" {
		s.t.Fatalf("got Content-Type %q, want application/json; charset=utf-8 (body %q)", ct, w.Body.String())
	}
	var resp response
	if err := json.Unmarshal(w.Body.Bytes(), &resp); err != nil {
		s.t.Fatalf("decoding %q: %v", w.Body.String(), err)
	}
	return w.Code, resp
}

func jsonRequest(body string) *http.Request {
	r := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	return r
}

// wantError checks that resp holds exactly one error, with code and a message containing msg.
func wantError(t *testing.T, status int, resp response, wantStatus int, code, msg string) {
	t.Helper()
	if status != wantStatus {
		t.Errorf("got status %d, want %d", status, wantStatus)
	}
	if len(resp.Errors) != 1 {
		t.Fatalf("got %d errors %+v, want 1", len(resp.Errors), resp.Errors)
	}
	e := resp.Errors[0]
	if got := e.Extensions["code"]; got != code {
		t.Errorf("got code %v, want %s", got, code)
	}
	if !strings.Contains(e.Message, msg) {
		t.Errorf("got message %q, want it to contain %q", e.Message, msg)
	}
}

func TestQueryAndMutation(t *testing.T) {
	s := newTestServer(t, Config{})
	status, resp := s.post(`query Greet($name: String) { hello(name: $name) }`, map[string]any{"name": "Ada"}, "")
	if status != http.StatusOK || len(resp.Errors) != 0 || resp.Data["hello"] != "hello Ada" {
		t.Fatalf("got %d %+v, want 200 with hello Ada", status, resp)
	}
	status, resp = s.post(`mutation { setName(name: "Bob") }`, nil, "")
	if status != http.StatusOK || resp.Data["setName"] != "Bob" {
		t.Fatalf("got %d %+v, want 200 with setName Bob", status, resp)
	}
}

func TestRequestErrors(t *testing.T) {
	s := newTestServer(t, Config{})
	tests := []struct {
		name        string
		body        string
		contentType string
		status      int
		msg         string
	}{
		{"malformed JSON", `{"query": "{ hello }"`, "application/json", 400, "not a valid GraphQL request in JSON"},
		{"JSON that is not an object", `["{ hello }"]`, "application/json", 400, "not a valid GraphQL request in JSON"},
		{"no query", `{"variables": {}}`, "application/json", 400, "query is required"},
		{"wrong content type", `{"query": "{ hello }"}`, "text/plain", 415, "Content-Type application/json"},
		{"no content type", `{"query": "{ hello }"}`, "", 415, "Content-Type application/json"},
		{"syntax error", `{"query": "{ hello "}`, "application/json", 400, "Syntax Error"},
		{"unknown field", `{"query": "{ goodbye }"}`, "application/json", 400, `Cannot query field "goodbye"`},
		{"unknown operationName", `{"query": "query A { hello } query B { hello }", "operationName": "C"}`, "application/json", 400, `unknown operation "C"`},
		{"several operations without a name", `{"query": "query A { hello } query B { hello }"}`, "application/json", 400, "2 operations; operationName must say which"},
		{"type definition", `{"query": "{ hello } type Foo { a: Int }"}`, "application/json", 400, "only hold operations and fragments"},
		{"subscription", `{"query": "subscription { hello }"}`, "application/json", 400, "subscriptions are not supported"},
		{"variables of the wrong shape", `{"query": "{ hello }", "variables": [1]}`, "application/json", 400, "not a valid GraphQL request"},
		// Two values for one name: which one a proxy checked and which one we ran could differ.
		{"query given twice", `{"query": "{ hello }", "query": "mutation { setName(name: \"Eve\") }"}`, "application/json", 400, "duplicate"},
		{"not UTF-8", "{\"query\": \"{ hello(name: \\\"\xff\\\") }\"}", "application/json", 400, "not a valid GraphQL request in JSON"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(tt.body))
			if tt.contentType != "" {
				r.Header.Set("Content-Type", tt.contentType)
			}
			status, resp := s.decode(s.do(r))
			wantError(t, status, resp, tt.status, CodeBadUserInput, tt.msg)
			if resp.Data != nil {
				t.Errorf("got data %v, want none", resp.Data)
			}
		})
	}
}

func TestValidationErrorLocations(t *testing.T) {
	s := newTestServer(t, Config{})
	status, resp := s.post("{\n  hello\n  goodbye\n}", nil, "")
	wantError(t, status, resp, 400, CodeBadUserInput, "goodbye")
	if got := resp.Errors[0].Locations; len(got) != 1 || got[0]["line"] != 3 || got[0]["column"] != 3 {
		t.Errorf("got locations %v, want line 3 column 3", got)
	}
}

func TestMethods(t *testing.T) {
	s := newTestServer(t, Config{})

	r := httptest.NewRequest(http.MethodGet, "/graphql?"+url.Values{
		"query":         {`query Greet($name: String) { hello(name: $name) }`},
		"variables":     {`{"name": "Ada"}`},
		"operationName": {"Greet"},
	}.Encode(), nil)
	status, resp := s.decode(s.do(r))
	if status != http.StatusOK || resp.Data["hello"] != "hello Ada" {
		t.Errorf("GET query: got %d %+v, want 200 with hello Ada", status, resp)
	}

	r = httptest.NewRequest(http.MethodGet, "/graphql?"+url.Values{"query": {`mutation { setName(name: "Eve") }`}}.Encode(), nil)
	w := s.do(r)
	status, resp = s.decode(w)
	wantError(t, status, resp, 405, CodeBadUserInput, "mutations must be sent with POST")
	if got := w.Header().Get("Allow"); got != "POST" {
		t.Errorf("got Allow %q, want POST", got)
	}

	r = httptest.NewRequest(http.MethodGet, "/graphql?"+url.Values{"query": {`{ hello }`}, "variables": {`{`}}.Encode(), nil)
	status, resp = s.decode(s.do(r))
	wantError(t, status, resp, 400, CodeBadUserInput, "variables parameter is not a JSON object")

	r = httptest.NewRequest(http.MethodGet, "/graphql", nil)
	r.Header.Set("Accept", "text/html")
	status, resp = s.decode(s.do(r))
	wantError(t, status, resp, 400, CodeBadUserInput, "query is required")

	for _, method := range []string{http.MethodPut, http.MethodDelete, http.MethodHead} {
		w := s.do(httptest.NewRequest(method, "/graphql", nil))
		if w.Code != http.StatusMethodNotAllowed || w.Header().Get("Allow") != "GET, POST" {
			t.Errorf("%s: got %d Allow %q, want 405 Allow GET, POST", method, w.Code, w.Header().Get("Allow"))
		}
	}
}

func TestBodyTooLarge(t *testing.T) {
	s := newTestServer(t, Config{})
	big := `{"query": "{ hello }", "variables": {"x": "` + strings.Repeat("a", 10<<20) + `"}}`
	for _, knownLength := range []bool{true, false} {
		t.Run(fmt.Sprintf("known length %v", knownLength), func(t *testing.T) {
			r := jsonRequest(big)
			if !knownLength {
				r.Body = io.NopCloser(io.MultiReader(strings.NewReader(big)))
				r.ContentLength = -1
			}
			start := time.Now()
			status, resp := s.decode(s.do(r))
			wantError(t, status, resp, 413, CodeBadUserInput, "larger than the limit of 1048576 bytes")
			if d := time.Since(start); d > time.Second {
				t.Errorf("took %v, want it refused quickly", d)
			}
		})
	}
}

func TestQueryTooLarge(t *testing.T) {
	s := newTestServer(t, Config{})
	query := "{ hello }" + strings.Repeat(" ", 64<<10)
	status, resp := s.post(query, nil, "")
	wantError(t, status, resp, 413, CodeBadUserInput, fmt.Sprintf("query is %d bytes; the limit is 65536", len(query)))
}

// nested returns a query whose fields nest depth levels deep: node, then child down to id.
func nested(depth int) string {
	return "{ node " + strings.Repeat("{ child ", depth-2) + "{ id }" + strings.Repeat(" }", depth-2) + " }"
}

func TestDepthLimit(t *testing.T) {
	s := newTestServer(t, Config{})
	status, resp := s.post(nested(12), nil, "")
	if status != http.StatusOK || len(resp.Errors) != 0 {
		t.Fatalf("12 levels: got %d %+v, want 200", status, resp)
	}
	status, resp = s.post(nested(50), nil, "")
	wantError(t, status, resp, 400, CodeBadUserInput, "query is 50 levels deep; the limit is 12")

	// The same depth, reached through fragments.
	q := `query Deep { ...Top } fragment Top on Query { node { ...Down } }
		fragment Down on Node { child { child { ... on Node { child { child { child { child { child { child { child { child { child { id } } } } } } } } } } } } }`
	status, resp = s.post(q, nil, "")
	wantError(t, status, resp, 400, CodeBadUserInput, "query Deep is 13 levels deep; the limit is 12")
}

func TestAliasLimit(t *testing.T) {
	s := newTestServer(t, Config{})
	var b strings.Builder
	b.WriteString("{")
	for i := range 5000 {
		fmt.Fprintf(&b, " a%d: hello", i)
	}
	b.WriteString(" }")
	start := time.Now()
	status, resp := s.post(b.String(), nil, "")
	t.Logf("5000 aliases refused in %v", time.Since(start))
	// The fields are over their limit too.
	if status != http.StatusBadRequest || len(resp.Errors) != 2 ||
		resp.Errors[0].Message != "query has 5000 aliases; the limit is 30" ||
		resp.Errors[1].Message != "query has 5000 field selections; the limit is 1000" {
		t.Errorf("got %d %+v, want 400 with the alias and field limits", status, resp.Errors)
	}
}

func TestFieldLimit(t *testing.T) {
	s := newTestServer(t, Config{})
	// Each fragment asks for the next one twice: 2^10 copies of the last one's two fields.
	var b strings.Builder
	b.WriteString("{ node { ...F0 } }\n")
	for i := range 10 {
		fmt.Fprintf(&b, "fragment F%d on Node { a: child { ...F%d } b: child { ...F%d } }\n", i, i+1, i+1)
	}
	b.WriteString("fragment F10 on Node { id name }\n")
	status, resp := s.post(b.String(), nil, "")
	wantError(t, status, resp, 400, CodeBadUserInput, "query has 4095 field selections; the limit is 1000")
}

func TestFragmentCycles(t *testing.T) {
	s := newTestServer(t, Config{})
	queries := map[string]string{
		"self":  `{ node { ...A } } fragment A on Node { id ...A }`,
		"pair":  `{ node { ...A } } fragment A on Node { child { ...B } } fragment B on Node { child { ...A } }`,
		"inner": `{ node { ...A } } fragment A on Node { ... on Node { children { ...B } } } fragment B on Node { ...C } fragment C on Node { ...B id }`,
	}
	for name, q := range queries {
		t.Run(name, func(t *testing.T) {
			done := make(chan struct{})
			var status int
			var resp response
			go func() {
				defer close(done)
				status, resp = s.post(q, nil, "")
			}()
			select {
			case <-done:
			case <-time.After(10 * time.Second):
				t.Fatal("validating a fragment cycle did not finish in 10s")
			}
			if status != http.StatusBadRequest || len(resp.Errors) == 0 {
				t.Fatalf("got %d %+v, want 400", status, resp)
			}
			if !strings.Contains(fmt.Sprint(resp.Errors), "Cannot spread fragment") {
				t.Errorf("got %+v, want a fragment cycle error", resp.Errors)
			}
		})
	}
}

func TestIntrospection(t *testing.T) {
	off := newTestServer(t, Config{})
	for _, q := range []string{`{ __schema { types { name } } }`, `{ node { id } __type(name: "Node") { name } }`} {
		status, resp := off.post(q, nil, "")
		wantError(t, status, resp, 400, CodeBadUserInput, "introspection is disabled")
	}
	status, resp := off.post(`query Hidden { ...F } fragment F on Query { __schema { queryType { name } } }`, nil, "")
	wantError(t, status, resp, 400, CodeBadUserInput, "introspection is disabled; __schema is not allowed")
	status, resp = off.post(`{ __typename node { __typename id } }`, nil, "")
	if status != http.StatusOK || resp.Data["__typename"] != "Query" {
		t.Errorf("__typename with introspection off: got %d %+v, want 200", status, resp)
	}

	// With introspection on, GraphiQL's own introspection query passes the default limits.
	on := newTestServer(t, Config{Introspection: true})
	status, resp = on.post(introspectionQuery, nil, "IntrospectionQuery")
	if status != http.StatusOK || len(resp.Errors) != 0 {
		t.Fatalf("introspection on: got %d %+v, want 200", status, resp.Errors)
	}
	schema, _ := resp.Data["__schema"].(map[string]any)
	if qt, _ := schema["queryType"].(map[string]any); qt["name"] != "Query" {
		t.Errorf("got __schema %v, want queryType Query", schema["queryType"])
	}
}

func TestOperationRecorded(t *testing.T) {
	s := newTestServer(t, Config{})
	tests := []struct{ query, operationName, want string }{
		{`query Devices { hello }`, "", "Devices"},
		{`query A { hello } mutation B { setName(name: "x") }`, "B", "B"},
		{`{ hello }`, "", "anonymous"},
	}
	for _, tt := range tests {
		info := &reqinfo.Info{ID: "REQ1"}
		body, _ := json.Marshal(map[string]any{"query": tt.query, "operationName": tt.operationName})
		r := jsonRequest(string(body))
		r = r.WithContext(reqinfo.With(r.Context(), info))
		if status, resp := s.decode(s.do(r)); status != http.StatusOK {
			t.Errorf("%s: got %d %+v, want 200", tt.query, status, resp)
		}
		if info.Operation != tt.want {
			t.Errorf("%s: got operation %q, want %q", tt.query, info.Operation, tt.want)
		}
	}
}

func TestRequestContextReachesResolvers(t *testing.T) {
	s := newTestServer(t, Config{})
	r := jsonRequest(`{"query": "{ requestId }"}`)
	r = r.WithContext(reqinfo.With(r.Context(), &reqinfo.Info{ID: "CTX7"}))
	if _, resp := s.decode(s.do(r)); resp.Data["requestId"] != "CTX7" {
		t.Errorf("got %+v, want requestId CTX7", resp)
	}
}

func TestDocumentCache(t *testing.T) {
	s := newTestServer(t, Config{})
	q := `query Scan($id: Int) { node(id: $id) { id name } }`
	for i := range 3 {
		if status, resp := s.post(q, map[string]any{"id": i}, ""); status != http.StatusOK || len(resp.Errors) != 0 {
			t.Fatalf("got %d %+v, want 200", status, resp)
		}
	}
	if got := s.handler.validations.Load(); got != 1 {
		t.Errorf("after the same query three times: got %d validations, want 1", got)
	}
	for range 2 {
		s.post(`{ goodbye }`, nil, "")
	}
	if got := s.handler.validations.Load(); got != 3 {
		t.Errorf("after an invalid query twice: got %d validations, want 3 (invalid documents are not cached)", got)
	}
	// Another handler (say with introspection on) has its own cache and rules.
	other := newTestServer(t, Config{Introspection: true})
	other.post(q, nil, "")
	if got := other.handler.validations.Load(); got != 1 {
		t.Errorf("another handler: got %d validations, want 1", got)
	}
}

func TestCacheEviction(t *testing.T) {
	// Room for two of these documents, not three.
	s := newTestServer(t, Config{CacheBytes: 2*docBytes("{ a: hello }") + 10})
	for _, q := range []string{"{ a: hello }", "{ b: hello }", "{ c: hello }", "{ a: hello }"} {
		s.post(q, nil, "")
	}
	if got := s.handler.validations.Load(); got != 4 {
		t.Errorf("got %d validations, want 4 (the first query was evicted)", got)
	}
}

func TestConcurrentRequests(t *testing.T) {
	s := newTestServer(t, Config{CacheBytes: 4 * docBytes(`{ node(id: 0) { id child { id } } }`)})
	var wg sync.WaitGroup
	for i := range 32 {
		wg.Go(func() {
			q := fmt.Sprintf(`{ node(id: %d) { id child { id } } }`, i%8)
			status, resp := s.post(q, nil, "")
			if status != http.StatusOK || len(resp.Errors) != 0 {
				t.Errorf("got %d %+v, want 200", status, resp)
				return
			}
			node := resp.Data["node"].(map[string]any)
			if node["id"] != float64(i%8) {
				t.Errorf("got node %v, want id %d", node, i%8)
			}
		})
	}
	wg.Wait()
}

func TestGraphiQL(t *testing.T) {
	page := func(s *testServer) *httptest.ResponseRecorder {
		r := httptest.NewRequest(http.MethodGet, "/graphql", nil)
		r.Header.Set("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")
		return s.do(r)
	}

	off := newTestServer(t, Config{})
	status, resp := off.decode(page(off))
	wantError(t, status, resp, 400, CodeBadUserInput, "query is required")

	on := newTestServer(t, Config{GraphiQL: true})
	w := page(on)
	if w.Code != http.StatusOK || w.Header().Get("Content-Type") != "text/html; charset=utf-8" {
		t.Fatalf("got %d %q, want 200 text/html", w.Code, w.Header().Get("Content-Type"))
	}
	html := w.Body.String()
	if !strings.Contains(html, `data-endpoint="/graphql"`) {
		t.Errorf("page does not point GraphiQL at /graphql:\n%s", html)
	}
	refs := regexp.MustCompile(`(?:src|href)="([^"]+)"`).FindAllStringSubmatch(html, -1)
	if len(refs) != 6 {
		t.Errorf("got %d asset references, want 6:\n%s", len(refs), html)
	}
	for _, ref := range refs {
		r := httptest.NewRequest(http.MethodGet, ref[1], nil)
		w := on.do(r)
		want := "text/javascript; charset=utf-8"
		if strings.HasSuffix(ref[1], ".css") {
			want = "text/css; charset=utf-8"
		}
		if w.Code != http.StatusOK || w.Header().Get("Content-Type") != want || w.Body.Len() == 0 {
			t.Errorf("%s: got %d %q, %d bytes; want 200 %q", ref[1], w.Code, w.Header().Get("Content-Type"), w.Body.Len(), want)
			continue
		}
		if !strings.HasPrefix(ref[1], "/graphql/assets/") {
			t.Errorf("got asset path %s, want it under /graphql/assets/", ref[1])
		}
		// A browser revalidates with the ETag and gets a 304.
		r = httptest.NewRequest(http.MethodGet, ref[1], nil)
		r.Header.Set("If-None-Match", w.Header().Get("ETag"))
		if w := on.do(r); w.Code != http.StatusNotModified {
			t.Errorf("%s with If-None-Match: got %d, want 304", ref[1], w.Code)
		}
	}
	if w := on.do(httptest.NewRequest(http.MethodGet, "/graphql/assets/nope.js", nil)); w.Code != http.StatusNotFound {
		t.Errorf("unknown asset: got %d, want 404", w.Code)
	}

	// Without Accept: text/html, or with a query, GraphiQL's endpoint answers GraphQL.
	status, resp = on.decode(on.do(httptest.NewRequest(http.MethodGet, "/graphql", nil)))
	wantError(t, status, resp, 400, CodeBadUserInput, "query is required")
	r := httptest.NewRequest(http.MethodGet, "/graphql?query=%7Bhello%7D", nil)
	r.Header.Set("Accept", "text/html")
	if status, resp := on.decode(on.do(r)); status != http.StatusOK || resp.Data["hello"] != "hello world" {
		t.Errorf("GET with a query from a browser: got %d %+v, want 200", status, resp)
	}
}

// benchQuery is a typical three-level query with a variable.
const benchQuery = `query Scan($id: Int!) {
  node(id: $id) {
    id
    name
    child { id name child { id name } }
    children(n: 3) { id name }
  }
}`

func benchmarkHandler(b *testing.B, cached bool) {
	s := newTestServer(b, Config{})
	body, _ := json.Marshal(map[string]any{"query": benchQuery, "variables": map[string]any{"id": 7}})
	b.ReportAllocs()
	for b.Loop() {
		if !cached {
			s.handler.documents.purge()
		}
		w := httptest.NewRecorder()
		s.handler.ServeHTTP(w, jsonRequest(string(body)))
		if w.Code != http.StatusOK {
			b.Fatalf("got %d %s", w.Code, w.Body)
		}
	}
}

func BenchmarkHandlerCached(b *testing.B)   { benchmarkHandler(b, true) }
func BenchmarkHandlerUncached(b *testing.B) { benchmarkHandler(b, false) }

// introspectionQuery is the query that GraphiQL 3.8 (graphql-js 16's getIntrospectionQuery)
// sends to load the schema.
const introspectionQuery = `query IntrospectionQuery {
  __schema {
    queryType { name }
    mutationType { name }
    subscriptionType { name }
    types { ...FullType }
    directives { name description locations args { ...InputValue } }
  }
}
fragment FullType on __Type {
  kind name description
  fields(includeDeprecated: true) {
    name description
    args { ...InputValue }
    type { ...TypeRef }
    isDeprecated deprecationReason
  }
  inputFields { ...InputValue }
  interfaces { ...TypeRef }
  enumValues(includeDeprecated: true) { name description isDeprecated deprecationReason }
  possibleTypes { ...TypeRef }
}
fragment InputValue on __InputValue {
  name description
  type { ...TypeRef }
  defaultValue
}
fragment TypeRef on __Type {
  kind name
  ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name
    ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } } } } }
}`
