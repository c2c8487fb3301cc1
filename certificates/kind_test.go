package certificates

import (
	"errors"
	"regexp"
	"testing"

	"github.com/digital-inclusion/refurb/validation"
)

// numberRe is the CHECK on certificates.number in the migration.
var numberRe = regexp.MustCompile(`^(DC|EC|HC|AC|IR)-[0-9]{4}-[0-9]{5,}$`)

func TestKindTable(t *testing.T) {
	prefixes := map[string]Kind{}
	for _, k := range Kinds {
		sp, ok := kinds[k]
		if !ok {
			t.Errorf("%s: no row in kinds", k)
			continue
		}
		if other, dup := prefixes[sp.prefix]; dup {
			t.Errorf("%s: prefix %q is %s's too", k, sp.prefix, other)
		}
		prefixes[sp.prefix] = k
		if !numberRe.MatchString(sp.prefix + "-2026-00042") {
			t.Errorf("%s: prefix %q is not one the database accepts", k, sp.prefix)
		}
		if sp.issuers == 0 {
			t.Errorf("%s: nobody may issue it", k)
		}
		if _, ok := subjects[sp.subject]; sp.gather != nil && !ok {
			t.Errorf("%s: issuable, but its subject %s has no row in subjects", k, sp.subject)
		}
	}
	if len(kinds) != len(Kinds) {
		t.Errorf("kinds has %d rows, Kinds %d", len(kinds), len(Kinds))
	}
}

func TestSubjectOf(t *testing.T) {
	tests := []struct {
		kind    Kind
		want    Subject
		message string
	}{
		{KindDonation, SubjectDonation, ""},
		{KindErasure, SubjectDonation, ""},
		{KindHandover, SubjectDeviceRequest, ""},
		{KindAttendance, SubjectTrainee, ""},
		{KindImpactReport, SubjectReportYear, ""},
		{"receipt", "", `unknown kind "receipt"`},
	}
	for _, tt := range tests {
		got, err := SubjectOf(tt.kind)
		if tt.message == "" {
			if err != nil || got != tt.want {
				t.Errorf("%s: got %q, %v, want %q", tt.kind, got, err, tt.want)
			}
			continue
		}
		var fe *validation.FieldError
		if !errors.As(err, &fe) || fe.Field != "kind" || fe.Message != tt.message {
			t.Errorf("%s: got %q, %v, want a field error on kind: %s", tt.kind, got, err, tt.message)
		}
	}
}
