package inventory_test

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/digital-inclusion/refurb/inventory"
)

// canonicalTag is what ParseTag returns: the tag as FormatTag prints it.
var canonicalTag = regexp.MustCompile(`^[A-Z0-9]{1,10}-[0-9]{6,12}-[0-9A-Z]$`)

// FuzzParseTag feeds ParseTag what people and scanners type into the scan box: tags in any case,
// with or without hyphens, label URLs, keyboard-wedge input with its line ending, and garbage.
// A tag it accepts is canonical, parses to itself, carries the number and the check character
// that were typed (a misread check character never opens another device), and anything refused
// is a *TagError. `make fuzz` runs it for a while; the seeds and testdata/fuzz run in `make test`.
func FuzzParseTag(f *testing.F) {
	for _, s := range []string{
		"DI-000123-N", "di-000123-n", "DI000123N", "  DI-000123-N\r\n", "DI-000123N",
		"https://refurb.example/D/DI-000123-N", "https://refurb.example/D/di-000123-n/",
		"https://refurb.example/D/DI-000123-N?src=label", "refurb.example/D/DI000123N",
		"http://[::1]:8080/d/DI-000001-8#x", "R2-000077-" + lastChar(inventory.FormatTag("R2", 77)),
		inventory.FormatTag("LUX", 999999999999), "DI-1234567-" + lastChar(inventory.FormatTag("DI", 1234567)),
		"DI-000123-K", "DI-000000-0", "DI--000123-N", "MODE:READY", "mode:in-repair", "", "/", "%zz/DI-000123-N",
		"DI-0001\x0023-N", "ДИ-000123-N", "DI-000123-N; DROP TABLE devices", "\ufeffDI-000123-N",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		tag, n, err := inventory.ParseTag(s)
		if err != nil {
			te, ok := errors.AsType[*inventory.TagError](err)
			if !ok || te.Field != "" || (te.Reason != inventory.TagMalformed && te.Reason != inventory.TagBadCheck) {
				t.Fatalf("ParseTag(%q): %#v, want a *TagError without a field", s, err)
			}
			if tag != "" || n != 0 {
				t.Fatalf("ParseTag(%q) = %q, %d with an error", s, tag, n)
			}
			return
		}
		if n <= 0 || !canonicalTag.MatchString(tag) {
			t.Fatalf("ParseTag(%q) = %q, %d: not a canonical tag", s, tag, n)
		}
		prefix := tag[:strings.IndexByte(tag, '-')]
		if want := inventory.FormatTag(prefix, n); want != tag {
			t.Fatalf("ParseTag(%q) = %q, %d; FormatTag(%s, %d) = %s", s, tag, n, prefix, n, want)
		}
		for _, again := range []string{tag, strings.ToLower(tag), strings.ReplaceAll(tag, "-", "")} {
			if again == strings.ReplaceAll(tag, "-", "") && strings.ContainsAny(prefix, "0123456789") {
				continue // a prefix with digits needs its hyphens
			}
			if t2, n2, err := inventory.ParseTag(again); err != nil || t2 != tag || n2 != n {
				t.Fatalf("ParseTag(%q) = %q, %d, %v; want %s, %d (ParseTag(%q))", again, t2, n2, err, tag, n, s)
			}
		}
		// Typed without a URL, the check character accepted is the one typed.
		if typed := strings.ToUpper(strings.TrimSpace(s)); !strings.ContainsAny(s, "/%") && typed[len(typed)-1] != tag[len(tag)-1] {
			t.Fatalf("ParseTag(%q) = %q: the check character is not the one typed", s, tag)
		}
	})
}

// FuzzCheckChar: the check character is defined for alphanumeric text only, and always one of
// the alphabet's.
func FuzzCheckChar(f *testing.F) {
	for _, s := range []string{"DI000123", "A12425GABC1234002", "a12425gabc1234002", "", "DI-000123", "DÏ1", "ß"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := inventory.CheckChar(s)
		if err != nil {
			return
		}
		if !strings.ContainsRune(alphabet, rune(c)) {
			t.Fatalf("CheckChar(%q) = %q, not in the alphabet", s, c)
		}
		for _, r := range strings.ToUpper(s) {
			if !strings.ContainsRune(alphabet, r) {
				t.Fatalf("CheckChar(%q) accepted %q", s, r)
			}
		}
	})
}

func lastChar(s string) string { return s[len(s)-1:] }

// TestFormatTagAsPrinted keeps FormatTag's hand-built text equal to the printf it replaced.
func TestFormatTagAsPrinted(t *testing.T) {
	for _, prefix := range []string{"DI", "R2", "LUX", "a-b", ""} {
		for _, n := range []int64{-12, 0, 1, 7, 123, 99999, 999999, 1000000, 1234567, 999999999999} {
			body := fmt.Sprintf("%s-%06d", prefix, n)
			want := body + "-?"
			if c, err := inventory.CheckChar(strings.ReplaceAll(body, "-", "")); err == nil {
				want = body + "-" + string(c)
			}
			if got := inventory.FormatTag(prefix, n); got != want {
				t.Errorf("FormatTag(%q, %d) = %q, want %q", prefix, n, got, want)
			}
		}
	}
}
