package inventory

import (
	"strings"
	"testing"
	"time"

	"github.com/digital-inclusion/refurb/validation"
)

// TestNewWipeValidate holds the rules of a sanitization input that need no database: it runs
// with go test -short.
func TestNewWipeValidate(t *testing.T) {
	now := time.Date(2026, 3, 2, 14, 0, 0, 0, time.UTC)
	const operator, colleague = int64(7), int64(8)
	passing := func() NewWipe {
		return NewWipe{MediumID: 1, Method: MethodClear, Technique: "1-pass zero overwrite", Tool: "nwipe 0.38",
			Verification: "full", Result: ResultPassed}
	}
	at := func(d time.Duration) *time.Time { v := now.Add(d); return &v }
	for _, tc := range []struct {
		name  string
		edit  func(*NewWipe)
		field string // "" when the input is accepted
	}{
		{"a passing overwrite", func(*NewWipe) {}, ""},
		{"unknown method", func(w *NewWipe) { w.Method = "erase" }, "method"},
		{"no method", func(w *NewWipe) { w.Method = "" }, "method"},
		{"unknown result", func(w *NewWipe) { w.Result = "ok" }, "result"},
		{"no technique", func(w *NewWipe) { w.Technique = " " }, "technique"},
		{"technique too long", func(w *NewWipe) { w.Technique = strings.Repeat("x", 201) }, "technique"},
		{"control character in the tool", func(w *NewWipe) { w.Tool = "nwipe\x00" }, "tool"},
		{"warnings too long", func(w *NewWipe) { w.Warnings = strings.Repeat("x", 2001) }, "warnings"},
		{"unknown verification", func(w *NewWipe) { w.Verification = "partial" }, "verification"},
		{"verification in capitals", func(w *NewWipe) { w.Verification = " SAMPLE " }, ""},
		{"no verification", func(w *NewWipe) { w.Verification = "" }, ""},
		{"unknown destination", func(w *NewWipe) { w.Destination = "landfill" }, "destination"},
		{"a destination", func(w *NewWipe) { w.Destination = "Reuse" }, ""},
		{"destruction without DIN level", func(w *NewWipe) { w.Method, w.Technique = MethodDestroy, "shredded" }, "dinLevel"},
		{"failed destruction without DIN level", func(w *NewWipe) {
			w.Method, w.Technique, w.Result = MethodDestroy, "shredder jammed", ResultFailed
		}, ""},
		{"destruction with DIN level", func(w *NewWipe) {
			w.Method, w.Technique, w.DINLevel, w.Contractor = MethodDestroy, "shredded", "h-5", "Ecotrel"
		}, ""},
		{"DIN level on an overwrite", func(w *NewWipe) { w.DINLevel = "H-5" }, "method"},
		{"contractor on a purge", func(w *NewWipe) { w.Method, w.Contractor = MethodPurge, "Ecotrel" }, "method"},
		{"contractor certificate on a clear", func(w *NewWipe) { w.ContractorCertificate = "C-1" }, "method"},
		{"bad DIN level", func(w *NewWipe) { w.Method, w.DINLevel = MethodDestroy, "H-9" }, "dinLevel"},
		{"bad SHA-256", func(w *NewWipe) { w.ReportSHA256 = "abc" }, "reportSHA256"},
		{"SHA-256 in capitals", func(w *NewWipe) { w.ReportSHA256 = strings.Repeat("AB", 32) }, ""},
		{"finished in the future", func(w *NewWipe) { w.FinishedAt = at(time.Hour) }, "finishedAt"},
		{"finished a minute ahead (clock skew)", func(w *NewWipe) { w.FinishedAt = at(time.Minute) }, ""},
		{"started after it finished", func(w *NewWipe) { w.StartedAt, w.FinishedAt = at(-time.Minute), at(-time.Hour) }, "startedAt"},
		{"started before it finished", func(w *NewWipe) { w.StartedAt, w.FinishedAt = at(-time.Hour), at(-time.Minute) }, ""},
		{"operator verifies themself", func(w *NewWipe) { v := operator; w.VerifierID = &v }, "verifierID"},
		{"a colleague verifies", func(w *NewWipe) { v := colleague; w.VerifierID = &v }, ""},
	} {
		n := passing()
		tc.edit(&n)
		got, err := n.validate(operator, now)
		if tc.field == "" {
			if err != nil {
				t.Errorf("%s: got %v, want it accepted", tc.name, err)
			} else if got.OperatorID != operator || got.MediumID != n.MediumID {
				t.Errorf("%s: operator %d medium %d, want %d and %d", tc.name, got.OperatorID, got.MediumID, operator, n.MediumID)
			}
			continue
		}
		fe, ok := validation.As(err)
		if !ok || fe.Field != tc.field {
			t.Errorf("%s: got %v, want a field error about %s", tc.name, err, tc.field)
		}
		if got != nil {
			t.Errorf("%s: got a record with the error", tc.name)
		}
	}
}

// TestNewWipeValidateCleans checks what a record holds: inputs trimmed, cased as stored, empty
// ones absent, and the default verification and finishing time.
func TestNewWipeValidateCleans(t *testing.T) {
	now := time.Date(2026, 3, 2, 14, 0, 0, 0, time.UTC)
	n := NewWipe{MediumID: 3, Method: MethodDestroy, Technique: "  shredded ", Standard: " ", Result: ResultPassed,
		Destination: " DESTRUCTION ", DINLevel: " e-4 ", Contractor: "Ecotrel", ReportSHA256: " " + strings.Repeat("Ab", 32)}
	w, err := n.validate(7, now)
	if err != nil {
		t.Fatal(err)
	}
	if w.Technique != "shredded" {
		t.Errorf("technique %q, want %q", w.Technique, "shredded")
	}
	if w.Standard != nil || w.Tool != nil || w.Warnings != nil {
		t.Errorf("empty inputs kept: standard %v, tool %v, warnings %v", w.Standard, w.Tool, w.Warnings)
	}
	if w.Verification != string(VerificationNone) {
		t.Errorf("verification %q, want %q", w.Verification, VerificationNone)
	}
	if w.Destination == nil || *w.Destination != string(DestinationDestruction) {
		t.Errorf("destination %v, want %s", w.Destination, DestinationDestruction)
	}
	if w.DINLevel == nil || *w.DINLevel != "E-4" {
		t.Errorf("DIN level %v, want E-4", w.DINLevel)
	}
	if w.ReportSHA256 == nil || *w.ReportSHA256 != strings.Repeat("ab", 32) {
		t.Errorf("report SHA-256 %v, want it in lower case", w.ReportSHA256)
	}
	if !w.FinishedAt.Equal(now) || w.StartedAt != nil {
		t.Errorf("finished %v started %v, want %v and none", w.FinishedAt, w.StartedAt, now)
	}
}

func TestWipeLists(t *testing.T) {
	for _, tc := range []struct{ got, want string }{
		{orList(Verifications), "none, sample or full"},
		{orList(Destinations), "reuse, recycling or destruction"},
		{orList(Methods), "clear, purge or destroy"},
		{orList([]string{"one"}), "one"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}
