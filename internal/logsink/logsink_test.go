package logsink

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
)

// output is an io.Writer safe for concurrent use that counts the writes it gets.
type output struct {
	mu     sync.Mutex
	b      bytes.Buffer
	writes int
	err    error
}

func (o *output) Write(p []byte) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.writes++
	if o.err != nil {
		return 0, o.err
	}
	return o.b.Write(p)
}

func (o *output) String() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.b.String()
}

func (o *output) Writes() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.writes
}

func TestHeldLinesWaitThenComeTogether(t *testing.T) {
	out := &output{}
	s := New(out, 50*time.Millisecond, 0)
	held := s.Held()
	for i := range 3 {
		fmt.Fprintf(held, "request %d\n", i)
	}
	if got := out.String(); got != "" {
		t.Fatalf("held lines written at once: %q", got)
	}
	deadline := time.Now().Add(5 * time.Second)
	for out.String() == "" && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if got, want := out.String(), "request 0\nrequest 1\nrequest 2\n"; got != want {
		t.Fatalf("after the delay: %q, want %q", got, want)
	}
	if n := out.Writes(); n != 1 {
		t.Errorf("three held lines took %d writes, want 1", n)
	}
}

func TestImmediateLineKeepsTheOrder(t *testing.T) {
	out := &output{}
	s := New(out, time.Hour, 0)
	fmt.Fprint(s.Held(), "request 1\n")
	fmt.Fprint(s, "level=ERROR something failed\n")
	if got, want := out.String(), "request 1\nlevel=ERROR something failed\n"; got != want {
		t.Fatalf("output %q, want %q: an immediate line must come at once, after the lines held before it", got, want)
	}
	fmt.Fprint(s.Held(), "request 2\n")
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if got := out.String(); !strings.HasSuffix(got, "failed\nrequest 2\n") {
		t.Fatalf("Close did not write the held line: %q", got)
	}
}

func TestFullBufferIsWrittenAtOnce(t *testing.T) {
	out := &output{}
	s := New(out, time.Hour, 100)
	line := strings.Repeat("x", 39) + "\n"
	fmt.Fprint(s.Held(), line)
	fmt.Fprint(s.Held(), line)
	if out.String() != "" {
		t.Fatal("80 of 100 bytes written before the buffer was full")
	}
	fmt.Fprint(s.Held(), line)
	if got := out.String(); got != line+line+line {
		t.Fatalf("a full buffer was not written at once: %q", got)
	}
}

func TestConcurrentLinesStayWhole(t *testing.T) {
	out := &output{}
	s := New(out, time.Millisecond, 256)
	var wg sync.WaitGroup
	const writers, lines = 8, 500
	for w := range writers {
		wg.Go(func() {
			for i := range lines {
				line := fmt.Sprintf("writer %d line %d\n", w, i)
				if i%50 == 0 {
					fmt.Fprint(s, line)
				} else {
					fmt.Fprint(s.Held(), line)
				}
			}
		})
	}
	wg.Wait()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	got := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(got) != writers*lines {
		t.Fatalf("%d lines written, want %d", len(got), writers*lines)
	}
	next := make([]int, writers) // each writer's lines in its own order
	for _, l := range got {
		var w, i int
		if _, err := fmt.Sscanf(l, "writer %d line %d", &w, &i); err != nil || w < 0 || w >= writers {
			t.Fatalf("torn line %q", l)
		}
		if i != next[w] {
			t.Fatalf("writer %d: line %d came where %d was due", w, i, next[w])
		}
		next[w]++
	}
}

func TestWriteErrorIsReported(t *testing.T) {
	broken := errors.New("disk full")
	out := &output{err: broken}
	s := New(out, time.Hour, 0)
	if _, err := fmt.Fprint(s.Held(), "request\n"); err != nil {
		t.Fatalf("a held line returned %v: its error belongs to the write that meets it", err)
	}
	if _, err := fmt.Fprint(s, "level=WARN x\n"); !errors.Is(err, broken) {
		t.Fatalf("immediate write: %v, want %v", err, broken)
	}
	if err := s.Close(); !errors.Is(err, broken) {
		t.Fatalf("Close: %v, want %v", err, broken)
	}
}
