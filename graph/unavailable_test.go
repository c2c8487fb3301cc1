package graph

import (
	"net/http"
	"strings"
	"testing"
)

// A database that went away under a request is a 503 with UNAVAILABLE and when to retry, never
// an INTERNAL 200: clients and load balancers retry, people read that nothing was saved.
func TestDatabaseUnavailable(t *testing.T) {
	s := newTestServer(t, Config{})
	for _, kind := range []string{"unavailable", "recovering", "diskFull"} {
		t.Run(kind, func(t *testing.T) {
			body := `{"query":"query($kind: String!) { hello fail(kind: $kind) }","variables":{"kind":"` + kind + `"}}`
			w := s.do(jsonRequest(body))
			status, resp := s.decode(w)
			if status != http.StatusServiceUnavailable || w.Header().Get("Retry-After") != "5" {
				t.Errorf("got %d, Retry-After %q; want 503 and 5", status, w.Header().Get("Retry-After"))
			}
			if len(resp.Errors) != 1 || resp.Errors[0].Extensions["code"] != CodeUnavailable || resp.Errors[0].Extensions["retryAfterSeconds"] != float64(5) {
				t.Fatalf("got errors %+v, want one UNAVAILABLE with retryAfterSeconds 5", resp.Errors)
			}
			msg := resp.Errors[0].Message
			if strings.Contains(msg, "SQLSTATE") || strings.Contains(msg, "driver") || !strings.Contains(msg, "nothing was saved") {
				t.Errorf("got message %q, want a sentence without internals", msg)
			}
			if kind == "diskFull" && !strings.Contains(msg, "disk is full") {
				t.Errorf("got message %q, want it to say the disk is full", msg)
			}
			if !strings.Contains(s.log.String(), "database unavailable") {
				t.Errorf("log lacks the warning:\n%s", s.log)
			}
		})
	}
}
