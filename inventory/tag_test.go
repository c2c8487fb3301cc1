package inventory_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/digital-inclusion/refurb/inventory"
	"github.com/digital-inclusion/refurb/validation"
)

const alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"

func TestCheckCharKnownValues(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		// The GRid example of ISO 7064 MOD 37,36 (A1-2425G-ABC1234002-M).
		{"A12425GABC1234002", "M"},
		{"a12425gabc1234002", "M"},
		{"DI000123", "N"},
	} {
		got, err := inventory.CheckChar(tc.in)
		if err != nil || string(got) != tc.want {
			t.Errorf("CheckChar(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
	for _, in := range []string{"DI-000123", "DI 1", "DÏ1"} {
		if _, err := inventory.CheckChar(in); err == nil {
			t.Errorf("CheckChar(%q) succeeded, want an error", in)
		}
	}
}

// sampleTags are tags across the range of numbers, with a few prefixes.
func sampleTags() []string {
	var tags []string
	for _, n := range []int64{1, 2, 9, 10, 36, 37, 123, 999, 4711, 31415, 99999, 100000, 123456, 999999, 1000000, 27182818} {
		tags = append(tags, inventory.FormatTag("DI", n))
	}
	tags = append(tags, inventory.FormatTag("R", 42), inventory.FormatTag("LUX", 77), inventory.FormatTag("ZZ", 5))
	return tags
}

func TestFormatTag(t *testing.T) {
	for _, tc := range []struct {
		n    int64
		want string
	}{
		{1, "DI-000001-"},
		{123, "DI-000123-"},
		{999999, "DI-999999-"},
		{1000000, "DI-1000000-"}, // seven digits, not cut to six
	} {
		got := inventory.FormatTag("DI", tc.n)
		if !strings.HasPrefix(got, tc.want) || len(got) != len(tc.want)+1 {
			t.Errorf("FormatTag(DI, %d) = %q, want %s and a check character", tc.n, got, tc.want)
		}
	}
	if got := inventory.FormatTag("DI", 123); got != "DI-000123-N" {
		t.Errorf("FormatTag(DI, 123) = %q, want DI-000123-N", got)
	}
}

// TestCheckCharCatchesTypos types every tag of a sample with each single character replaced by
// every other one, and with each pair of neighbours swapped. ParseTag must refuse every
// substitution. ISO 7064 MOD 37,36, a hybrid system, misses one kind of swap: two neighbours
// whose values differ by one (1 and 2, A and B) when the running check value before them is such
// that their sums with it are 18 and 19 modulo 36, about 1 such swap in 36 (DI-000123-N and
// DI-000213-N are both valid tags). Every other swap must be caught.
func TestCheckCharCatchesTypos(t *testing.T) {
	for _, tag := range sampleTags() {
		if _, _, err := inventory.ParseTag(tag); err != nil {
			t.Fatalf("ParseTag(%q): %v", tag, err)
		}
		for i := 0; i < len(tag); i++ {
			if tag[i] == '-' {
				continue
			}
			for _, c := range []byte(alphabet) {
				if c == tag[i] {
					continue
				}
				typo := tag[:i] + string(c) + tag[i+1:]
				if got, _, err := inventory.ParseTag(typo); err == nil {
					t.Errorf("ParseTag(%q) = %q, want an error (typo of %s)", typo, got, tag)
				}
			}
		}
		// Swaps of neighbours, hyphens left out as a person typing the tag would.
		compact := strings.ReplaceAll(tag, "-", "")
		for i := 0; i+1 < len(compact); i++ {
			if compact[i] == compact[i+1] {
				continue
			}
			swapped := compact[:i] + string(compact[i+1]) + string(compact[i]) + compact[i+2:]
			body, check := swapped[:len(swapped)-1], swapped[len(swapped)-1]
			if c, err := inventory.CheckChar(body); err == nil && c == check {
				a, b := strings.IndexByte(alphabet, compact[i]), strings.IndexByte(alphabet, compact[i+1])
				if d := (a - b + 36) % 36; d != 1 && d != 35 {
					t.Errorf("%s with positions %d and %d swapped (%s) still has a valid check character", tag, i, i+1, swapped)
				}
			}
		}
	}
}

func TestParseTag(t *testing.T) {
	for _, in := range []string{
		"DI-000123-N",
		"di-000123-n",
		"DI000123N",
		"di000123n",
		"  DI-000123-N\n",
		"DI-000123N",
		"https://refurb.example/D/DI-000123-N",
		"https://refurb.example/D/di-000123-n/",
		"https://refurb.example/D/DI-000123-N?src=label",
		"refurb.example/D/DI000123N",
	} {
		tag, n, err := inventory.ParseTag(in)
		if err != nil || tag != "DI-000123-N" || n != 123 {
			t.Errorf("ParseTag(%q) = %q, %d, %v; want DI-000123-N, 123", in, tag, n, err)
		}
	}
	// A prefix with digits works as printed, with its hyphens.
	r2 := inventory.FormatTag("R2", 77)
	if tag, n, err := inventory.ParseTag(strings.ToLower(r2)); err != nil || tag != r2 || n != 77 {
		t.Errorf("ParseTag(%q) = %q, %d, %v; want %s, 77", strings.ToLower(r2), tag, n, err, r2)
	}
	big := inventory.FormatTag("DI", 1234567)
	if tag, n, err := inventory.ParseTag(strings.ReplaceAll(big, "-", "")); err != nil || tag != big || n != 1234567 {
		t.Errorf("ParseTag(%q) = %q, %d, %v; want %s", big, tag, n, err, big)
	}
	for _, in := range []string{
		"",
		"   ",
		"DI-000123-K", // wrong check character
		"DI000123K",
		"https://refurb.example/D/DI-000123-K",
		"DI-000124-N", // a neighbour's number with this check character
		"DI-000000-0",
		"DI--000123-N",
		"DI-000123",
		"000123",
		"hello world",
		"DI-000123-N; DROP TABLE devices",
		"https://refurb.example/D/",
		"DI-0001\x0023-N",
	} {
		if tag, n, err := inventory.ParseTag(in); err == nil {
			t.Errorf("ParseTag(%q) = %q, %d; want an error", in, tag, n)
		}
	}
}

// TestCheckCharSwapLimit pins down the known limit of MOD 37,36 described above, so that a
// change of the check algorithm (or of the documentation) is a conscious one.
func TestCheckCharSwapLimit(t *testing.T) {
	a, _, errA := inventory.ParseTag("DI-000123-N")
	b, _, errB := inventory.ParseTag("DI-000213-N")
	if errA != nil || errB != nil {
		t.Fatalf("ParseTag: %v, %v; want both valid (the documented limit of MOD 37,36)", errA, errB)
	}
	if a == b {
		t.Fatalf("two numbers, one tag %s", a)
	}
}

// TestTagError checks the typed error of a refused tag: its reason, its text (which front ends
// showed before it was typed), and that a reader's is a field error for its input.
func TestTagError(t *testing.T) {
	for _, tc := range []struct {
		in     string
		reason inventory.TagReason
		input  string
		text   string
	}{
		{"DI-000123-K", inventory.TagBadCheck, "DI-000123-K", `"DI-000123-K" has a wrong check character: it was mistyped or misread`},
		{"https://refurb.example/D/di000123k", inventory.TagBadCheck, "di000123k", `"di000123k" has a wrong check character: it was mistyped or misread`},
		{" hello ", inventory.TagMalformed, "hello", `"hello" is not an asset tag (like DI-000123-K)`},
		{"DI-000000-0", inventory.TagMalformed, "DI-000000-0", `"DI-000000-0" is not an asset tag (like DI-000123-K)`},
	} {
		_, _, err := inventory.ParseTag(tc.in)
		te, ok := errors.AsType[*inventory.TagError](err)
		if !ok {
			t.Errorf("ParseTag(%q): got %v, want a *TagError", tc.in, err)
			continue
		}
		if te.Reason != tc.reason || te.Input != tc.input || te.Field != "" {
			t.Errorf("ParseTag(%q): got %+v, want reason %s, input %q, no field", tc.in, te, tc.reason, tc.input)
		}
		if err.Error() != tc.text {
			t.Errorf("ParseTag(%q): text %q, want %q", tc.in, err.Error(), tc.text)
		}
		if _, ok := validation.As(err); ok {
			t.Errorf("ParseTag(%q): a field error without a field", tc.in)
		}
		// As DeviceByTag returns it.
		field := &inventory.TagError{Field: "tag", Input: te.Input, Reason: te.Reason}
		fe, ok := validation.As(field)
		if !ok || fe.Field != "tag" || fe.Message != tc.text || fe.Error() != field.Error() {
			t.Errorf("%q for field tag: field error %+v, text %q", tc.in, fe, field.Error())
		}
	}
}
