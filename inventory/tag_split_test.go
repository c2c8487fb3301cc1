package inventory

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// TestSplitCanonicalTag holds the hand-written match to the pattern it replaces.
func TestSplitCanonicalTag(t *testing.T) {
	for _, s := range []string{"DI-000123-K", "DI-000123-", "DI--K", "-1-K", "D1-1-K", "DI-1-KK", "DI-1A-K", "ABCDEFGHIJK-1-K",
		"ABCDEFGHIJ-123456789012-Z", "DI-1234567890123-K", "DI-000123-K-", "DI-00 123-K", "DI_000123-K", "É-1-K", "DI-1-é", ""} {
		got, want := splitCanonicalTag(s), tagPattern.FindStringSubmatch(s)
		if !slices.Equal(got, want) {
			t.Errorf("%q: got %q, want %q", s, got, want)
		}
	}
	// And on strings made of the characters that matter, at every length around the limits.
	r := rand.New(rand.NewPCG(1, 2))
	const chars = "AZ09-é_"
	for range 20000 {
		b := make([]byte, r.IntN(28))
		for i := range b {
			b[i] = chars[r.IntN(len(chars))]
		}
		s := string(b)
		if got, want := splitCanonicalTag(s), tagPattern.FindStringSubmatch(s); !slices.Equal(got, want) {
			t.Fatalf("%q: got %q, want %q", s, got, want)
		}
	}
}
