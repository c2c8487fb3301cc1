package graph

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/graphql-go/graphql"
)

// gates is a schema whose one field, gate(n), says it started and then waits for the test to
// let it finish: the tests see which operations execute, and in which order.
type gates struct {
	started chan int
	finish  chan struct{}
	running atomic.Int32
	most    atomic.Int32 // the most operations seen executing at once
}

func newGates(t *testing.T, cfg Config) (*gates, *Handler) {
	t.Helper()
	g := &gates{started: make(chan int, 16), finish: make(chan struct{})}
	query := graphql.NewObject(graphql.ObjectConfig{Name: "Query", Fields: graphql.Fields{
		"gate": {
			Type: graphql.Int,
			Args: graphql.FieldConfigArgument{"n": {Type: graphql.NewNonNull(graphql.Int)}},
			Resolve: func(p graphql.ResolveParams) (any, error) {
				now := g.running.Add(1)
				for {
					most := g.most.Load()
					if now <= most || g.most.CompareAndSwap(most, now) {
						break
					}
				}
				g.started <- p.Args["n"].(int)
				<-g.finish
				g.running.Add(-1)
				return p.Args["n"], nil
			},
		},
		"boom": {
			Type:    graphql.Int,
			Resolve: func(graphql.ResolveParams) (any, error) { panic("resolver bug") },
		},
	}})
	schema, err := graphql.NewSchema(graphql.SchemaConfig{Query: query})
	if err != nil {
		t.Fatal(err)
	}
	return g, NewHandler(&schema, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
}

// gateRequest serves gate(n) in the background; the recorder is complete once done is closed.
func gateRequest(ctx context.Context, h *Handler, n int) (w *httptest.ResponseRecorder, done chan struct{}) {
	w, done = httptest.NewRecorder(), make(chan struct{})
	r := jsonRequest(fmt.Sprintf(`{"query":"{ gate(n: %d) }"}`, n)).WithContext(ctx)
	go func() {
		defer close(done)
		h.ServeHTTP(w, r)
	}()
	return w, done
}

// waitFor polls cond until it holds or a generous deadline passes (a failure, not a timing).
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !cond(); time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("never: %s", what)
		}
	}
}

// TestOperationsTakeTurns: with MaxConcurrent 2, two operations execute at once, the ones that
// come while both places are taken wait, and each freed place goes to the one that has waited
// longest; every operation is answered.
func TestOperationsTakeTurns(t *testing.T) {
	g, h := newGates(t, Config{MaxConcurrent: 2})
	var mu sync.Mutex
	var answers []*httptest.ResponseRecorder
	var dones []chan struct{}
	send := func(n int) {
		w, done := gateRequest(t.Context(), h, n)
		mu.Lock()
		answers, dones = append(answers, w), append(dones, done)
		mu.Unlock()
	}
	send(1)
	send(2)
	first := map[int]bool{<-g.started: true, <-g.started: true}
	if !first[1] || !first[2] {
		t.Fatalf("the first two operations executing: %v, want 1 and 2", first)
	}
	// 3, 4 and 5 arrive in that order while both places are taken.
	for i, n := range []int{3, 4, 5} {
		send(n)
		waitFor(t, fmt.Sprintf("operation %d waiting", n), func() bool { return h.Waiting() == int64(i+1) })
	}
	select {
	case n := <-g.started:
		t.Fatalf("operation %d executed while two others held both places", n)
	default:
	}
	for _, want := range []int{3, 4, 5} {
		g.finish <- struct{}{}
		if got := <-g.started; got != want {
			t.Fatalf("a freed place went to operation %d, want %d (the one waiting longest)", got, want)
		}
	}
	g.finish <- struct{}{}
	g.finish <- struct{}{}
	for i, done := range dones {
		<-done
		if w := answers[i]; w.Code != http.StatusOK || w.Body.String() != fmt.Sprintf(`{"data":{"gate":%d}}`, i+1) {
			t.Errorf("operation %d answered %d %s", i+1, w.Code, w.Body)
		}
	}
	if most := g.most.Load(); most != 2 {
		t.Errorf("at most %d operations executed at once, want 2", most)
	}
	if h.Waiting() != 0 {
		t.Errorf("%d operations still counted as waiting", h.Waiting())
	}
}

// TestWaitingClientGone: an operation whose client goes away while it waits for its turn is
// never executed, and its place in the queue is given up.
func TestWaitingClientGone(t *testing.T) {
	g, h := newGates(t, Config{MaxConcurrent: 1})
	_, firstDone := gateRequest(t.Context(), h, 1)
	<-g.started
	ctx, cancel := context.WithCancel(t.Context())
	w, done := gateRequest(ctx, h, 2)
	waitFor(t, "operation 2 waiting", func() bool { return h.Waiting() == 1 })
	cancel()
	<-done
	if h.Waiting() != 0 {
		t.Errorf("%d operations still counted as waiting after the client went away", h.Waiting())
	}
	if body := w.Body.String(); w.Code != http.StatusServiceUnavailable || !strings.Contains(body, "ended before its turn") || strings.Contains(body, `"gate"`) {
		t.Errorf("the abandoned operation answered %d %s, want 503 saying it ended before its turn, and no data", w.Code, body)
	}
	g.finish <- struct{}{}
	<-firstDone
	select {
	case n := <-g.started:
		t.Errorf("operation %d executed after its client went away", n)
	default:
	}
}

// TestPanicFreesItsPlace: an operation whose resolver panics is answered with an error and
// gives its place back; with one place, the next operation still executes.
func TestPanicFreesItsPlace(t *testing.T) {
	g, h := newGates(t, Config{MaxConcurrent: 1})
	for range 3 {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, jsonRequest(`{"query":"{ boom }"}`))
		if !strings.Contains(w.Body.String(), "INTERNAL") {
			t.Fatalf("a panicking resolver answered %d %s, want an internal error", w.Code, w.Body)
		}
	}
	w, done := gateRequest(t.Context(), h, 7)
	<-g.started
	g.finish <- struct{}{}
	<-done
	if w.Body.String() != `{"data":{"gate":7}}` {
		t.Errorf("after three panics, operation 7 answered %d %s", w.Code, w.Body)
	}
}

// TestClientGoneDuringExecution: a client that goes away while its operation executes cancels
// the operation's statements (their error wraps context.Canceled); that is logged as
// information, not as an internal error, while the same error with the request still there
// is one.
func TestClientGoneDuringExecution(t *testing.T) {
	started := make(chan struct{}, 1)
	query := graphql.NewObject(graphql.ObjectConfig{Name: "Query", Fields: graphql.Fields{
		"waits": {
			Type: graphql.Int,
			Resolve: func(p graphql.ResolveParams) (any, error) {
				started <- struct{}{}
				<-p.Context.Done()
				return nil, fmt.Errorf("scan device: %w", p.Context.Err())
			},
		},
		"cancelledInside": {
			Type: graphql.Int,
			Resolve: func(graphql.ResolveParams) (any, error) {
				return nil, fmt.Errorf("a context of its own: %w", context.Canceled)
			},
		},
	}})
	schema, err := graphql.NewSchema(graphql.SchemaConfig{Query: query})
	if err != nil {
		t.Fatal(err)
	}
	var logs strings.Builder // read once the request is done
	h := NewHandler(&schema, Config{}, slog.New(slog.NewTextHandler(&syncWriter{w: &logs}, nil)))

	ctx, cancel := context.WithCancel(context.Background())
	w := httptest.NewRecorder()
	done := make(chan struct{})
	go func() {
		defer close(done)
		h.ServeHTTP(w, jsonRequest(`{"query":"{ waits }"}`).WithContext(ctx))
	}()
	<-started
	cancel()
	<-done
	if got := logs.String(); strings.Contains(got, "level=ERROR") || !strings.Contains(got, "level=INFO msg=\"graphql: request ended during execution\"") {
		t.Errorf("a client gone during execution was logged as:\n%s", got)
	}

	logs.Reset()
	w = httptest.NewRecorder()
	h.ServeHTTP(w, jsonRequest(`{"query":"{ cancelledInside }"}`))
	if got := logs.String(); !strings.Contains(got, "level=ERROR msg=\"graphql: internal error\"") {
		t.Errorf("context.Canceled with the request still there was logged as:\n%s", got)
	}
	if !strings.Contains(w.Body.String(), "internal error (request") {
		t.Errorf("answer: %s", w.Body.String())
	}
}
