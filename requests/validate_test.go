package requests

import (
	"testing"

	"github.com/digital-inclusion/refurb/inventory"
	"github.com/digital-inclusion/refurb/validation"
)

func TestNewRequestValidate(t *testing.T) {
	ok := NewRequest{Reference: "HES-2026-017", Kind: inventory.KindLaptop, Purpose: PurposeSchool}
	for _, tc := range []struct {
		name  string
		edit  func(*NewRequest)
		field string // "" when valid
	}{
		{"valid", func(*NewRequest) {}, ""},
		{"reference with digits and hyphens", func(n *NewRequest) { n.Reference = "LUX-2024-0042" }, ""},
		{"short number", func(n *NewRequest) { n.Reference = "Famille 17" }, ""},
		{"no reference", func(n *NewRequest) { n.Reference = "  " }, "reference"},
		{"too long", func(n *NewRequest) { n.Reference = "0123456789012345678901234567890123456789X" }, "reference"},
		{"e-mail address", func(n *NewRequest) { n.Reference = "maria.silva@gmail.com" }, "reference"},
		{"e-mail inside", func(n *NewRequest) { n.Reference = "ref m@x.lu" }, "reference"},
		{"mobile number", func(n *NewRequest) { n.Reference = "621 123 456" }, "reference"},
		{"international number", func(n *NewRequest) { n.Reference = "+352 26 12 34" }, "reference"},
		{"landline alone", func(n *NewRequest) { n.Reference = "26123456" }, "reference"},
		{"number inside", func(n *NewRequest) { n.Reference = "fam. 691-234-567" }, "reference"},
		{"control character", func(n *NewRequest) { n.Reference = "A\tB" }, "reference"},
		{"unknown kind", func(n *NewRequest) { n.Kind = "spaceship" }, "kind"},
		{"unknown purpose", func(n *NewRequest) { n.Purpose = "gaming" }, "purpose"},
		{"unknown urgency", func(n *NewRequest) { n.Urgency = "yesterday" }, "urgency"},
		{"language", func(n *NewRequest) { n.Language = "AR" }, ""},
		{"unknown language", func(n *NewRequest) { n.Language = "xx" }, "language"},
		{"layout", func(n *NewRequest) { n.KeyboardLayout = "ch-fr" }, ""},
		{"bad layout", func(n *NewRequest) { n.KeyboardLayout = "azerty" }, "keyboardLayout"},
		{"household", func(n *NewRequest) { n.Household = HouseholdThreeFour }, ""},
		{"bad household", func(n *NewRequest) { n.Household = "3" }, "household"},
		{"note", func(n *NewRequest) { n.Note = "needs a webcam for video calls with the school" }, ""},
		{"long note", func(n *NewRequest) { n.Note = string(make([]byte, 301)) }, "note"},
		{"note with a phone number", func(n *NewRequest) { n.Note = "call her on 621123456" }, "note"},
		{"note with an address", func(n *NewRequest) { n.Note = "write to a.b@example.lu" }, "note"},
	} {
		n := ok
		tc.edit(&n)
		r, err := n.validate()
		if tc.field == "" {
			if err != nil {
				t.Errorf("%s: got %v, want valid", tc.name, err)
			} else if r.Urgency != UrgencyNormal || r.Status != StatusSubmitted {
				t.Errorf("%s: urgency %q status %q, want normal and submitted", tc.name, r.Urgency, r.Status)
			}
			continue
		}
		fe, ok := validation.As(err)
		if !ok || fe.Field != tc.field {
			t.Errorf("%s: got %v, want a field error on %s", tc.name, err, tc.field)
		}
	}
	n := ok
	n.Language, n.KeyboardLayout = " AR ", "ch-fr"
	r, _ := n.validate()
	if *r.Language != "ar" || *r.KeyboardLayout != "CH-FR" {
		t.Errorf("normalised language %q layout %q, want ar and CH-FR", *r.Language, *r.KeyboardLayout)
	}
}

func TestBackoff(t *testing.T) {
	for n, want := range map[int]string{1: "1m0s", 2: "2m0s", 3: "4m0s", 10: "6h0m0s"} {
		if got := Backoff(n).String(); got != want {
			t.Errorf("Backoff(%d) = %s, want %s", n, got, want)
		}
	}
}
