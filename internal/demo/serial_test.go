package demo

import "testing"

func TestSerialBodyUnique(t *testing.T) {
	for _, f := range []serialFormat{{"", 7, false}, {"PF", 6, false}, {"19", 10, true}, {"S3", 12, false}, {"", 14, true}} {
		seen := map[string]uint64{}
		for x := uint64(1); x <= 200000; x++ {
			s := serialBody(f, x)
			if len(s) != f.n {
				t.Fatalf("%+v: serialBody(%d) = %q, want %d characters", f, x, s, f.n)
			}
			if y, dup := seen[s]; dup {
				t.Fatalf("%+v: serialBody(%d) = serialBody(%d) = %q", f, x, y, s)
			}
			seen[s] = x
		}
	}
}
