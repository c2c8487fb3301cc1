package graph

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/digital-inclusion/refurb/auth"
)

// typos are requests with a misspelt name, each of which graphql-go answers with a suggestion
// naming a real one.
var typos = []struct {
	name, query string
	message     string // without the suggestion
	suggestion  string // its start: graphql-go lists several names in any order
}{
	{"field", `{ devics(first: 1) { totalCount } }`,
		`Cannot query field "devics" on type "Query".`, ` Did you mean "device`},
	{"argument", `{ device(tagg: "DI-000123-N") { tag } }`,
		`Unknown argument "tagg" on field "device" of type "Query".`, ` Did you mean "tag"?`},
	{"type of a variable", `query($t: Strng!) { device(tag: $t) { tag } }`,
		`Unknown type "Strng".`, ` Did you mean "String"?`},
	{"type of a fragment", `{ node(id: "x") { ... on Devce { tag } } }`,
		`Unknown type "Devce".`, ` Did you mean "Device`},
	{"field of an interface", `{ node(id: "x") { tag } }`,
		`Cannot query field "tag" on type "Node".`, ` Did you mean to use an inline fragment on "`},
}

// TestNoSuggestionsWithoutIntrospection: a caller who may not introspect gets "Cannot query
// field" without "Did you mean", so that typos do not read the schema back; one who may gets
// the suggestions.
func TestNoSuggestionsWithoutIntrospection(t *testing.T) {
	schema := realSchema(t)
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	closed := NewHandler(schema, Config{}, logger)
	open := NewHandler(schema, Config{Introspection: true}, logger)
	signedIn := NewHandler(schema, Config{IntrospectionSignedIn: true}, logger)
	staff := auth.Actor{UserID: 7, Role: auth.RoleStaff}
	for _, tc := range typos {
		for _, c := range []struct {
			name    string
			h       *Handler
			actor   *auth.Actor
			suggest bool
		}{
			{"introspection off", closed, nil, false},
			{"introspection off, signed in", closed, &staff, false},
			{"introspection on", open, nil, true},
			{"introspection for the signed-in, anonymous", signedIn, nil, false},
			{"introspection for the signed-in, signed in", signedIn, &staff, true},
		} {
			t.Run(tc.name+"/"+c.name, func(t *testing.T) {
				body, _ := json.Marshal(map[string]string{"query": tc.query})
				r := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(string(body)))
				r.Header.Set("Content-Type", "application/json")
				if c.actor != nil {
					r = r.WithContext(auth.WithActor(r.Context(), *c.actor))
				}
				w := httptest.NewRecorder()
				c.h.ServeHTTP(w, r)
				var resp struct{ Errors []gqlError }
				json.Unmarshal(w.Body.Bytes(), &resp)
				if w.Code != http.StatusBadRequest || len(resp.Errors) == 0 {
					t.Fatalf("got %d %s, want 400", w.Code, w.Body)
				}
				found := false
				for _, e := range resp.Errors {
					suggests := strings.Contains(e.Message, "Did you mean")
					if suggests && !c.suggest {
						t.Errorf("got %q: a suggestion for a caller who may not introspect", e.Message)
					}
					if e.Message == tc.message || c.suggest && strings.HasPrefix(e.Message, tc.message+tc.suggestion[:len(" Did you mean ")]) {
						found = found || suggests == c.suggest
					}
				}
				if !found {
					want := tc.message
					if c.suggest {
						want += tc.suggestion
					}
					t.Errorf("got %s, want an error %q", w.Body, want)
				}
			})
		}
	}
}

func TestWithoutSuggestions(t *testing.T) {
	errs := []gqlError{
		{Message: `Cannot query field "a" on type "B". Did you mean "c", "d", or "e"?`},
		{Message: `Cannot query field "a" on type "Node". Did you mean to use an inline fragment on "Device" or "Donor"?`},
		{Message: `query is 13 levels deep; the limit is 12`},
	}
	withoutSuggestions(errs)
	for i, want := range []string{`Cannot query field "a" on type "B".`, `Cannot query field "a" on type "Node".`, `query is 13 levels deep; the limit is 12`} {
		if errs[i].Message != want {
			t.Errorf("got %q, want %q", errs[i].Message, want)
		}
	}
}
