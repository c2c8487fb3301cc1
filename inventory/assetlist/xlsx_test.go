package assetlist

import (
	"bytes"
	"errors"
	"runtime"
	"runtime/metrics"
	"testing"
	"time"

	"github.com/digital-inclusion/refurb/inventory/assetlist/assetlisttest"
)

// heapUse is what a call cost in memory: the most the heap grew above what it held before
// (sampled every millisecond), what it allocated in all (an upper bound of that growth), and
// what it still held once done and garbage collected.
type heapUse struct {
	took              time.Duration
	peak, alloc, kept int64
}

func measureHeap(fn func()) heapUse {
	samples := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}, {Name: "/gc/heap/allocs:bytes"}}
	read := func() (heap, allocs int64) {
		metrics.Read(samples)
		return int64(samples[0].Value.Uint64()), int64(samples[1].Value.Uint64())
	}
	runtime.GC()
	before, allocsBefore := read()
	var u heapUse
	done, sampled := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(sampled)
		s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		for {
			metrics.Read(s)
			u.peak = max(u.peak, int64(s[0].Value.Uint64())-before)
			select {
			case <-done:
				return
			case <-tick.C:
			}
		}
	}()
	start := time.Now()
	fn()
	u.took = time.Since(start)
	close(done)
	<-sampled
	heap, allocs := read()
	u.peak, u.alloc = max(u.peak, heap-before), allocs-allocsBefore
	runtime.GC()
	heap, _ = read()
	u.kept = heap - before
	return u
}

func TestBombIsAWorkbook(t *testing.T) {
	// The bombs below are refused for their size alone: a small one is read as a list.
	l, err := Parse("bomb.xlsx", bytes.NewReader(assetlisttest.Bomb(t, 1<<20, 0)), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	if want := assetlisttest.BombRows(1 << 20); l.Sheet != "Devices" || l.Count != want || len(l.Rows) != want || l.Rows[0].Device.Model != "EliteBook 840 G5" {
		t.Errorf("got sheet %q, %d rows, %d read, first %+v; want Devices, %d laptops", l.Sheet, l.Count, len(l.Rows), l.Rows[0], want)
	}
}

func TestParseRefusesZipBombs(t *testing.T) {
	const mb = 1 << 20
	for _, tc := range []struct {
		name            string
		sheet, declared int64
		want            string
		maxAlloc        int64 // 0: the work of reading the rows up to the limit
	}{
		// The bomb measured from outside: 3.5 MB unzipping to 0.9 GB, under the former 1 GB cap.
		{"honest headers", 900 * mb, 0, "the workbook expands to 901 MB; the limit is 100 MB", 20 * mb},
		{"lying headers", 400 * mb, 1 * mb, "the workbook expands to more than 100 MB; the limit is 100 MB", 20 * mb},
		{"rows under the unzip limit", 99 * mb, 0, `worksheet "Devices" has more rows than the limit of 100,000`, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data := assetlisttest.Bomb(t, tc.sheet, tc.declared)
			var err error
			u := measureHeap(func() { _, err = Parse("bomb.xlsx", bytes.NewReader(data), 10*mb) })
			t.Logf("%d KB unzipping to %d MB: refused in %v, heap grew %.1f MB at most (%.1f MB allocated), %.1f MB kept",
				len(data)>>10, tc.sheet/mb, u.took.Round(time.Millisecond), float64(u.peak)/mb, float64(u.alloc)/mb, float64(u.kept)/mb)
			if err == nil || err.Error() != tc.want {
				t.Fatalf("got %v, want %q", err, tc.want)
			}
			if !errors.Is(err, ErrTooLarge) {
				t.Errorf("got %v, want it to wrap ErrTooLarge", err)
			}
			if u.peak > 100*mb || tc.maxAlloc > 0 && u.alloc > tc.maxAlloc {
				t.Errorf("the heap grew by %d MB, %d MB allocated; want under 100 MB and %d MB", u.peak/mb, u.alloc/mb, tc.maxAlloc/mb)
			}
			if u.kept > 10*mb {
				t.Errorf("the heap kept %d MB after the refusal; want under 10 MB", u.kept/mb)
			}
		})
	}
}

func TestParseRefusesLyingHeadersUnderTheLimit(t *testing.T) {
	// A sheet that holds more than its header says would be read cut short, rows missing.
	_, err := Parse("bomb.xlsx", bytes.NewReader(assetlisttest.Bomb(t, 5<<20, 1<<20)), 10<<20)
	want := "the XLSX workbook is damaged: xl/worksheets/sheet1.xml holds more than its ZIP header says"
	if err == nil || err.Error() != want || errors.Is(err, ErrTooLarge) {
		t.Errorf("got %v, want %q, not ErrTooLarge", err, want)
	}
}

func TestSizeWords(t *testing.T) {
	for n, want := range map[uint64]string{900: "900 bytes", 1 << 10: "1 KB", 1<<10 + 1: "2 KB", 100 << 20: "100 MB", 100<<20 + 1: "101 MB", 1<<64 - 1: "17592186044416 MB"} {
		if got := roughSize(n); got != want {
			t.Errorf("roughSize(%d): got %q, want %q", n, got, want)
		}
	}
	for n, want := range map[int]string{7: "7", 999: "999", 1000: "1,000", 100000: "100,000", 1048576: "1,048,576"} {
		if got := thousands(n); got != want {
			t.Errorf("thousands(%d): got %q, want %q", n, got, want)
		}
	}
}
