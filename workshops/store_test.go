package workshops_test

import (
	"context"
	"slices"
	"strconv"
	"testing"

	"github.com/digital-inclusion/refurb/workshops"
	"github.com/digital-inclusion/refurb/workshops/workshopstest"
)

// TestTransitionsMatchTheDatabase holds workshops.Transitions and the table hour_transitions
// together.
func TestTransitionsMatchTheDatabase(t *testing.T) {
	t.Parallel()
	e := workshopstest.New(t)
	var rows []struct {
		From string `bun:"from_status"`
		To   string `bun:"to_status"`
	}
	if err := e.DB.Owner.NewSelect().Table("hour_transitions").Column("from_status", "to_status").Order("from_status", "to_status").Scan(context.Background(), &rows); err != nil {
		t.Fatal(err)
	}
	var db, code []string
	for _, r := range rows {
		db = append(db, r.From+">"+r.To)
	}
	for from, tos := range workshops.Transitions {
		for _, to := range tos {
			code = append(code, string(from)+">"+string(to))
		}
	}
	slices.Sort(code)
	if !slices.Equal(db, code) {
		t.Errorf("hour_transitions %v, workshops.Transitions %v", db, code)
	}
}

// TestRowLevelSecurity reads the trainee tables as the application role with each actor set
// the way the store sets it.
func TestRowLevelSecurity(t *testing.T) {
	t.Parallel()
	e := workshopstest.New(t)
	day := workshopstest.Today()
	workshopstest.Hours(t, e.Store, e.AliceCtx, workshops.NewHours{TraineeID: e.Alice.ID, Date: day, Minutes: 60})
	workshopstest.Hours(t, e.Store, e.BrunoCtx, workshops.NewHours{TraineeID: e.Bruno.ID, Date: day, Minutes: 60})
	ctx := context.Background()
	count := func(role, trainee, table string) int {
		t.Helper()
		tx, err := e.DB.App.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback()
		if _, err := tx.ExecContext(ctx, "SELECT set_config('refurb.role', ?, true), set_config('refurb.trainee_id', ?, true)", role, trainee); err != nil {
			t.Fatal(err)
		}
		var n int
		if err := tx.NewSelect().TableExpr(table).ColumnExpr("count(*)").Scan(ctx, &n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	alice := itoa(e.Alice.ID)
	for _, tt := range []struct {
		role, trainee, table string
		want                 int
	}{
		{"staff", "", "trainees", 2},
		{"admin", "", "hour_entries", 2},
		{"trainee", alice, "trainees", 1},
		{"trainee", alice, "hour_entries", 1},
		{"trainee", alice, "enrolments", 1},
		{"trainee", "", "trainees", 0},
		{"donor", alice, "trainees", 0},
		{"social_worker", "", "hour_entries", 0},
		{"", "", "trainees", 0},
	} {
		if got := count(tt.role, tt.trainee, tt.table); got != tt.want {
			t.Errorf("%s (trainee %q) sees %d rows of %s, want %d", tt.role, tt.trainee, got, tt.table, tt.want)
		}
	}
	// The owner is held by the policies too (FORCE); only a superuser (the test's owner) is not.
	var forced []string
	if err := e.DB.Owner.NewRaw("SELECT relname FROM pg_class WHERE relforcerowsecurity ORDER BY relname").Scan(ctx, &forced); err != nil {
		t.Fatal(err)
	}
	for _, table := range []string{"attendance", "enrolments", "hour_entries", "hour_entry_devices", "hour_entry_work", "skill_assessments", "skill_evidence", "trainees"} {
		if !slices.Contains(forced, table) {
			t.Errorf("%s does not force row-level security", table)
		}
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
