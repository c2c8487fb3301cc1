// Package fuzztest helps the fuzz targets (`make fuzz`, docs/operations.md): it turns an input
// that makes the code under test hang into a crash, which the fuzzer records in testdata/fuzz.
package fuzztest

import (
	"fmt"
	"time"
)

// Hang is how long one input may take before Watch calls it a hang: far above what any input
// should cost, with room for a machine whose cores are shared.
const Hang = 10 * time.Second

// Watch starts a watchdog for one input of a fuzz target and returns the function that stops
// it. Should the input run for longer than limit, the watchdog panics in its own goroutine,
// which kills the fuzzing worker: go test -fuzz then saves the input under
// testdata/fuzz/<target> like any crash, where a plain test always fails on it. Go's fuzzer
// has no time limit per input of its own: a hanging input stalls its worker silently.
//
//	defer fuzztest.Watch(fuzztest.Hang, "Parse %q", name)()
func Watch(limit time.Duration, format string, args ...any) (stop func()) {
	done := make(chan struct{})
	what := fmt.Sprintf(format, args...)
	go func() {
		select {
		case <-done:
		case <-time.After(limit):
			panic(fmt.Sprintf("fuzztest: %.200s ran for more than %s: a hang", what, limit))
		}
	}()
	return func() { close(done) }
}
