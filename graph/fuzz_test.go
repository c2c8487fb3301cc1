package graph

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/graphql-go/graphql"

	"github.com/digital-inclusion/refurb/internal/fuzztest"
)

// FuzzRequest feeds the handler's pipeline before execution (readPost or readGet, then
// prepare: size limits, parse, validation with the depth, alias and field limits, the choice of
// the operation and the cost estimate) requests made of a query, a JSON text for the variables
// and an operation name, sent as a POST body or as GET parameters, on the served schema with
// introspection off. Seeds are the queries of the pages, the API guide and the tests, and the
// documents that once took servers down. A request is either refused before execution with
// 400, 405, 413 or 415 and BAD_USER_INPUT errors without suggestions, never a 500 (which means
// graphql-go's parser or validation panicked), or it names one operation within the limits.
// `make fuzz` runs it for a while; the seeds and testdata/fuzz run in `make test`.
func FuzzRequest(f *testing.F) {
	for _, q := range []string{
		`{ device(tag: "DI-000123-N") { id tag status storage { serialNumber sanitization { result } } events(last: 20) { kind } } }`,
		devicePageQuery, nested2, nested3, nested4, introspectionQuery,
		`query($after: String) { devices(first: 500, after: $after) { nodes { tag status } pageInfo { hasNextPage endCursor } } }`,
		`mutation($input: RecordDonationInput!) { recordDonation(input: $input) { id number devices { totalCount } } }`,
		`mutation($r: ID!, $s: String!) { handOutDevice(requestID: $r, signature: $s) { id status } }`,
		`query A { me { id } } query B { organisation { name } }`,
		`{ a: me { id } b: me { id } ...F } fragment F on Query { me { email } }`,
		`{ node(id: "RGV2aWNlOjE") { ... on Device { tag donation { devices(first: 100) { nodes { tag } } } } } }`,
		`{ devics { nodes { tag } } }`,
		`{ a { ...F } } fragment F on A { ...F }`,
		`{ ...A } fragment A on Query { ...B ...B } fragment B on Query { ...C ...C } fragment C on Query { me { id } }`,
		`{ verifyCertificate(number: "DC-2026-00042", token: "ABCDEFGHIJKLMNOPQRSTUVWXYZ") { status } }`,
		`subscription { me { id } }`,
		`type Query { x: Int }`,
		`{ __typename __schema { types { name } } }`,
		`query($n: Int = 100) { devices(first: $n) { nodes { events(last: 20) { actor { name } } } } }`,
	} {
		f.Add(q, `{}`, "", false)
	}
	f.Add(`query($first: Int, $after: String) { devices(first: $first, after: $after) { totalCount } }`, `{"first": 100000000000, "after": null}`, "", true)
	f.Add(`query B { me { id } } query A { statusCounts { status count } }`, `null`, "A", true)
	f.Add(`mutation { reserveTags(count: 5) }`, `{"x": [1, 2.5e308, "\u0000"]}`, "", true)
	f.Add(`query($f: DeviceFilter) { devices(filter: $f) { totalCount } }`, `{"f": {"status": [READY]}}`, "", false)

	schema := realSchema(f)
	h := NewHandler(schema, Config{}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	f.Fuzz(func(t *testing.T, query, variables, operationName string, get bool) {
		var r *http.Request
		if get {
			v := url.Values{"query": {query}, "variables": {variables}, "operationName": {operationName}}
			r = httptest.NewRequest(http.MethodGet, "/graphql?"+v.Encode(), nil)
		} else {
			q, _ := json.Marshal(query)
			op, _ := json.Marshal(operationName)
			body := `{"query":` + string(q) + `,"operationName":` + string(op) + `,"variables":` + variables + `}`
			r = httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(body))
			r.Header.Set("Content-Type", "application/json")
		}
		w := httptest.NewRecorder()
		stop := fuzztest.Watch(fuzztest.Hang, "a request of %d bytes of query", len(query))
		var p params
		var herr *httpError
		if get {
			p, herr = readGet(r)
		} else {
			p, herr = h.readPost(w, r)
		}
		if herr == nil {
			_, _, herr = h.prepare(w, r, p)
		}
		stop()
		if herr == nil {
			checkPrepared(t, h, schema, p)
			return
		}
		switch herr.status {
		case http.StatusBadRequest, http.StatusMethodNotAllowed, http.StatusRequestEntityTooLarge, http.StatusUnsupportedMediaType:
		default:
			t.Fatalf("status %d: %+v", herr.status, herr.errors)
		}
		if len(herr.errors) == 0 {
			t.Fatalf("status %d without an error", herr.status)
		}
		for _, e := range herr.errors {
			if e.Extensions["code"] != CodeBadUserInput || e.Message == "" || strings.Contains(e.Message, "Did you mean") {
				t.Fatalf("error %+v", e)
			}
		}
	})
}

// checkPrepared checks a request that prepare let through: one operation, within the cost
// limit, and the same document from the cache the second time.
func checkPrepared(t *testing.T, h *Handler, schema *graphql.Schema, p params) {
	t.Helper()
	if len(p.Query) > h.cfg.MaxQueryBytes {
		t.Fatalf("a query of %d bytes", len(p.Query))
	}
	doc, ok := h.documents.get(p.Query)
	if !ok {
		t.Fatal("a valid document is not in the cache")
	}
	op, herr := selectOperation(doc, p.OperationName)
	if herr != nil {
		t.Fatalf("no operation: %+v", herr.errors)
	}
	if cost, _ := estimateCost(schema, doc, op, p.Variables, h.cfg.ListEstimate); cost > h.cfg.MaxCost {
		t.Fatalf("cost %d over %d", cost, h.cfg.MaxCost)
	}
}
