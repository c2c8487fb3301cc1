package pgcode_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/digital-inclusion/refurb/internal/pgcode"
)

// Every code a migration raises with USING ERRCODE is one of pgcode's, named beside it, and every
// one of pgcode's is raised somewhere.
func TestOwnCodesMatchTheMigrations(t *testing.T) {
	names := map[string]string{
		pgcode.TransitionRefused:        "TransitionRefused",
		pgcode.WipeRequired:             "WipeRequired",
		pgcode.ReadyRefused:             "ReadyRefused",
		pgcode.TagNeverIssued:           "TagNeverIssued",
		pgcode.SupersedeRefused:         "SupersedeRefused",
		pgcode.RequestTransitionRefused: "RequestTransitionRefused",
		pgcode.DeviceNeedsRequest:       "DeviceNeedsRequest",
		pgcode.AllocationRefused:        "AllocationRefused",
		pgcode.DayCapExceeded:           "DayCapExceeded",
		pgcode.HoursInFuture:            "HoursInFuture",
		pgcode.HoursTransitionRefused:   "HoursTransitionRefused",
		pgcode.SessionFull:              "SessionFull",
		pgcode.HourEntryFrozen:          "HourEntryFrozen",
		pgcode.TraineeAnonymised:        "TraineeAnonymised",
		pgcode.AssessmentFrozen:         "AssessmentFrozen",
		pgcode.FollowUpRefused:          "FollowUpRefused",
		pgcode.FollowUpAnswered:         "FollowUpAnswered",
		pgcode.WipeReportMismatch:       "WipeReportMismatch",
	}
	raise := regexp.MustCompile(`ERRCODE = '(RF\d{3})';(.*)`)
	raised := map[string]bool{}
	dir := filepath.Join("..", "..", "migrations")
	files, err := fs.Glob(os.DirFS(dir), "*.up.sql")
	if err != nil || len(files) == 0 {
		t.Fatalf("no migrations in %s: %v", dir, err)
	}
	for _, f := range files {
		data, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range raise.FindAllStringSubmatch(string(data), -1) {
			code, rest := m[1], m[2]
			raised[code] = true
			name, ok := names[code]
			if !ok || !slices.Contains(pgcode.Own(), code) {
				t.Errorf("%s raises %s, which pgcode does not name", f, code)
				continue
			}
			if !strings.Contains(rest, "-- pgcode."+name) {
				t.Errorf("%s raises %s without naming it: want \"-- pgcode.%s\" after it", f, code, name)
			}
		}
	}
	for _, code := range pgcode.Own() {
		if !raised[code] {
			t.Errorf("pgcode.%s (%s) is raised by no migration", names[code], code)
		}
	}
}
