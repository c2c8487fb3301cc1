// Package logsink writes the server's log lines to one output, holding the access log's lines
// back for a moment so that they reach it in batches.
//
// Every answered request writes a line: at thousands of requests a second, one write(2) each
// was a twentieth of the server's CPU on a scan, and a write to journald's pipe also wakes
// journald once a line. Held lines are written at most Delay after the first of them, or as
// soon as they fill the buffer; any other line (a warning, an error, start-up and shutdown
// messages) is written at once, after the lines held before it, so the output keeps the
// order in which lines were logged. What a crash can lose is the access lines of the last
// Delay; Close writes what is held.
package logsink

import (
	"io"
	"sync"
	"time"
)

// Defaults of New.
const (
	DefaultDelay = 100 * time.Millisecond
	DefaultSize  = 64 << 10
)

// Sink is one log output shared by immediate and held lines. Its methods are safe for
// concurrent use. Each Write is expected to be whole lines, as log/slog's handlers write them.
type Sink struct {
	delay time.Duration
	size  int

	mu    sync.Mutex
	out   io.Writer
	buf   []byte      // held lines
	timer *time.Timer // pending flush of buf, nil when buf is empty
	err   error       // the first write error, returned by Close
}

// New returns a sink writing to out; lines written through Held wait up to delay, and are
// written earlier once size bytes are held. Zero values take the defaults.
func New(out io.Writer, delay time.Duration, size int) *Sink {
	if delay <= 0 {
		delay = DefaultDelay
	}
	if size <= 0 {
		size = DefaultSize
	}
	return &Sink{out: out, delay: delay, size: size}
}

// Write writes p at once, after any held lines.
func (s *Sink) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.flushLocked()
	n, err := s.out.Write(p)
	s.noteLocked(err)
	return n, err
}

// Held returns the writer for lines that may wait (the access log).
func (s *Sink) Held() io.Writer { return heldWriter{s} }

type heldWriter struct{ s *Sink }

func (h heldWriter) Write(p []byte) (int, error) {
	s := h.s
	s.mu.Lock()
	defer s.mu.Unlock()
	s.buf = append(s.buf, p...)
	switch {
	case len(s.buf) >= s.size:
		s.flushLocked()
	case s.timer == nil:
		s.timer = time.AfterFunc(s.delay, s.Flush)
	}
	// A held line's write error is not the caller's: it shows in the next immediate write's
	// result and in Close's.
	return len(p), nil
}

// Flush writes the held lines now.
func (s *Sink) Flush() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.flushLocked()
}

// Close writes the held lines and returns the first error writing to the output met.
func (s *Sink) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.flushLocked()
	return s.err
}

func (s *Sink) flushLocked() {
	if s.timer != nil {
		s.timer.Stop() // when it already fired, its Flush finds nothing to write
		s.timer = nil
	}
	if len(s.buf) == 0 {
		return
	}
	_, err := s.out.Write(s.buf)
	s.noteLocked(err)
	if cap(s.buf) > 4*s.size {
		s.buf = nil // a burst of long lines: do not keep its memory
	} else {
		s.buf = s.buf[:0]
	}
}

func (s *Sink) noteLocked(err error) {
	if err != nil && s.err == nil {
		s.err = err
	}
}
