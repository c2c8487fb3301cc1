package graph

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/graphql-go/graphql/gqlerrors"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/internal/reqinfo"
	"github.com/digital-inclusion/refurb/requests"
)

func TestMappedErrors(t *testing.T) {
	s := newTestServer(t, Config{})
	tests := []struct {
		kind    string
		code    string
		message string
		fields  map[string]any
	}{
		{"unauthenticated", CodeUnauthenticated, "authentication required", nil},
		{"invalidCredentials", CodeUnauthenticated, "invalid email or password", nil},
		{"forbidden", CodeForbidden, "not allowed for your role", nil},
		{"notFound", CodeNotFound, "not found", nil},
		{"conflict", CodeConflict, "already exists", nil},
		{"rateLimited", CodeRateLimited, "too many requests, retry in 1m30s", map[string]any{"retryAfterSeconds": float64(91)}},
		{"field", CodeBadUserInput, "input.email: must contain an @", map[string]any{"field": "input.email"}},
	}
	for _, tt := range tests {
		t.Run(tt.kind, func(t *testing.T) {
			status, resp := s.post(`query($kind: String!) { hello fail(kind: $kind) }`, map[string]any{"kind": tt.kind}, "")
			if status != http.StatusOK {
				t.Errorf("got status %d, want 200", status)
			}
			if resp.Data["hello"] != "hello world" || resp.Data["fail"] != nil {
				t.Errorf("got data %v, want hello and a null fail", resp.Data)
			}
			if len(resp.Errors) != 1 {
				t.Fatalf("got errors %+v, want 1", resp.Errors)
			}
			e := resp.Errors[0]
			if e.Message != tt.message {
				t.Errorf("got message %q, want %q", e.Message, tt.message)
			}
			want := map[string]any{"code": tt.code}
			for k, v := range tt.fields {
				want[k] = v
			}
			if fmt.Sprint(e.Extensions) != fmt.Sprint(want) {
				t.Errorf("got extensions %v, want %v", e.Extensions, want)
			}
			if fmt.Sprint(e.Path) != "[fail]" {
				t.Errorf("got path %v, want [fail]", e.Path)
			}
			if len(e.Locations) != 1 || e.Locations[0]["line"] != 1 || e.Locations[0]["column"] != 31 {
				t.Errorf("got locations %v, want line 1 column 31", e.Locations)
			}
			if s.log.Len() != 0 {
				t.Errorf("a mapped error was logged: %s", s.log)
			}
		})
	}
}

func TestInternalErrors(t *testing.T) {
	for _, kind := range []string{"database", "panic"} {
		t.Run(kind, func(t *testing.T) {
			s := newTestServer(t, Config{})
			r := jsonRequest(`{"query": "query Leak { fail(kind: \"` + kind + `\") }"}`)
			r = r.WithContext(reqinfo.With(r.Context(), &reqinfo.Info{ID: "REQ42"}))
			w := s.do(r)
			if strings.Contains(w.Body.String(), "secret") {
				t.Errorf("the response leaks the internal error: %s", w.Body)
			}
			status, resp := s.decode(w)
			wantError(t, status, resp, http.StatusOK, CodeInternal, "internal error (request REQ42)")
			if got := resp.Errors[0].Extensions["requestId"]; got != "REQ42" {
				t.Errorf("got requestId %v, want REQ42", got)
			}
			if fmt.Sprint(resp.Errors[0].Path) != "[fail]" {
				t.Errorf("got path %v, want [fail]", resp.Errors[0].Path)
			}
			log := s.log.String()
			for _, want := range []string{"level=ERROR", "request_id=REQ42", "operation=Leak", "path=fail", "secret"} {
				if !strings.Contains(log, want) {
					t.Errorf("log %q does not contain %q", log, want)
				}
			}
		})
	}
}

func TestNonNullErrorNullsParent(t *testing.T) {
	s := newTestServer(t, Config{})
	// The wrapped sentinel is presented with its own text, not the wrapping text.
	status, resp := s.post(`{ hello mustFail }`, nil, "")
	wantError(t, status, resp, http.StatusOK, CodeNotFound, "not found")
	if resp.Errors[0].Message != "not found" {
		t.Errorf("got message %q, want the sentinel's text only", resp.Errors[0].Message)
	}
	if resp.Data != nil {
		t.Errorf("got data %v, want null (a non-null root field failed)", resp.Data)
	}
	w := s.do(jsonRequest(`{"query": "{ mustFail }"}`))
	if !strings.Contains(w.Body.String(), `"data":null`) {
		t.Errorf("got %s, want data present and null", w.Body)
	}
}

func TestVariableErrors(t *testing.T) {
	s := newTestServer(t, Config{})
	tests := []struct {
		variables map[string]any
		msg       string
	}{
		{map[string]any{"n": "seven"}, `Variable "$n" got invalid value "seven"`},
		{nil, `Variable "$n" of required type "Int!" was not provided`},
	}
	for _, tt := range tests {
		body, _ := json.Marshal(map[string]any{"query": `query Echo($n: Int!) { echo(n: $n) }`, "variables": tt.variables})
		w := s.do(jsonRequest(string(body)))
		status, resp := s.decode(w)
		wantError(t, status, resp, http.StatusOK, CodeBadUserInput, tt.msg)
		if strings.Contains(w.Body.String(), `"data"`) {
			t.Errorf("got %s, want no data: execution did not start", w.Body)
		}
		if s.log.Len() != 0 {
			t.Errorf("a client's mistake was logged: %s", s.log)
		}
	}
}

func TestOriginalError(t *testing.T) {
	cause := fmt.Errorf("wrapped: %w", auth.ErrForbidden)
	located := gqlerrors.NewError("x", nil, "", nil, nil, cause)
	tests := []struct {
		name string
		in   gqlerrors.FormattedError
		want error
	}{
		{"resolver error", gqlerrors.FormatError(located), cause},
		{"thunk error", gqlerrors.FormatError(gqlerrors.NewError("x", nil, "", nil, nil, gqlerrors.FormatError(cause))), cause},
		{"plain error", gqlerrors.FormatError(cause), cause},
		{"graphql-go's own", gqlerrors.FormatError(gqlerrors.NewError("bad variable", nil, "", nil, nil, nil)), nil},
	}
	for _, tt := range tests {
		if got := originalError(tt.in); got != tt.want {
			t.Errorf("%s: got %v, want %v", tt.name, got, tt.want)
		}
	}
}

// TestAnonymisedReceipt: re-issuing the receipt of a request anonymisation emptied names the
// reason rather than answering a bare NOT_FOUND.
func TestAnonymisedReceipt(t *testing.T) {
	p := &presenter{mappings: errorMappings()}
	pr, ok := p.lookup(fmt.Errorf("issue: %w", requests.ErrAnonymised))
	if !ok || pr.code != CodeBadUserInput || pr.fields["field"] != "subjectID" || pr.fields["reason"] != "ANONYMISED" ||
		!strings.Contains(pr.message, "anonymised") || strings.Contains(pr.message, "issue:") {
		t.Errorf("got %+v %v, want BAD_USER_INPUT on subjectID, reason ANONYMISED, with the sentinel's own words", pr, ok)
	}
}

func TestMappingOrder(t *testing.T) {
	// An error that is both a sentinel and a typed error takes the first row that matches.
	p := &presenter{mappings: errorMappings()}
	err := errors.Join(auth.ErrForbidden, &auth.RateLimitError{})
	pr, ok := p.lookup(err)
	if !ok || pr.code != CodeForbidden {
		t.Errorf("got %+v %v, want FORBIDDEN", pr, ok)
	}
	if _, ok := p.lookup(errors.New("other")); ok {
		t.Error("an unknown error matched a mapping")
	}
}
