package labels

import (
	"math/rand/v2"
	"strings"
	"testing"
)

func TestQRURL(t *testing.T) {
	for _, c := range []struct{ base, tag, want string }{
		{"https://refurb.example", "DI-000123-K", "HTTPS://REFURB.EXAMPLE/D/DI-000123-K"},
		{"https://refurb.example/", "di-000123-k", "HTTPS://REFURB.EXAMPLE/D/DI-000123-K"},
		{"http://10.0.0.5:8080", "DI-1", "HTTP://10.0.0.5:8080/D/DI-1"},
	} {
		if got := QRURL(c.base, c.tag); got != c.want {
			t.Errorf("QRURL(%q, %q) = %q, want %q", c.base, c.tag, got, c.want)
		}
	}
}

// The upper-case URL is all QR alphanumeric characters, so the example tag URL is a version 2
// code (25 modules) at M and version 3 (29) at Q; in lower case it would need version 3 and 4.
func TestQRVersion(t *testing.T) {
	url := QRURL("https://refurb.example", "DI-000123-K")
	for level, want := range map[Level]int{LevelM: 25, LevelQ: 29} {
		s, err := encode(url, level)
		if err != nil {
			t.Fatal(err)
		}
		if s.size != want {
			t.Errorf("%s at %v: %d modules, want %d", url, level, s.size, want)
		}
		lower, err := encode(strings.ToLower(url), level)
		if err != nil {
			t.Fatal(err)
		}
		if lower.size != want+4 {
			t.Errorf("lower case at %v: %d modules, want %d", level, lower.size, want+4)
		}
	}
}

// merge covers exactly the dark modules, each once.
func TestMerge(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for trial := range 200 {
		n := 1 + r.IntN(40)
		bits := make([][]bool, n)
		for y := range bits {
			bits[y] = make([]bool, n)
			for x := range bits[y] {
				bits[y][x] = r.IntN(100) < 20+trial%60
			}
		}
		covered := make([][]int, n)
		for y := range covered {
			covered[y] = make([]int, n)
		}
		flat := make([]bool, 0, n*n)
		for _, row := range bits {
			flat = append(flat, row...)
		}
		rects := merge(flat, n)
		for _, c16 := range rects {
			c := struct{ x, y, w, h int }{int(c16.X), int(c16.Y), int(c16.W), int(c16.H)}
			if c.w < 1 || c.h < 1 || c.x < 0 || c.y < 0 || c.x+c.w > n || c.y+c.h > n {
				t.Fatalf("trial %d: bad rectangle %+v in %dx%d", trial, c, n, n)
			}
			for y := c.y; y < c.y+c.h; y++ {
				for x := c.x; x < c.x+c.w; x++ {
					covered[y][x]++
				}
			}
		}
		dark := 0
		for y := range bits {
			for x := range bits[y] {
				want := 0
				if bits[y][x] {
					want = 1
					dark++
				}
				if covered[y][x] != want {
					t.Fatalf("trial %d: module (%d,%d) dark=%v covered %d times", trial, x, y, bits[y][x], covered[y][x])
				}
			}
		}
		if len(rects) > dark {
			t.Fatalf("trial %d: %d rectangles for %d dark modules", trial, len(rects), dark)
		}
	}
	// A real code: far fewer rectangles than dark modules.
	s, err := encode(QRURL("https://refurb.example", "DI-000123-K"), LevelQ)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("version 3 code: %d rectangles", len(s.rects))
	if len(s.rects) > 250 {
		t.Errorf("%d rectangles for a 29 x 29 code, want far fewer than its ~440 dark modules", len(s.rects))
	}
}
