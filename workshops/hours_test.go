package workshops_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/workshops"
	"github.com/digital-inclusion/refurb/workshops/workshopstest"
)

// wantRule fails unless err is a RuleError of rule whose message contains msg.
func wantRule(t *testing.T, what string, err error, rule workshops.Rule, msg string) {
	t.Helper()
	var re *workshops.RuleError
	if !errors.As(err, &re) || re.Rule != rule || !strings.Contains(re.Message, msg) {
		t.Errorf("%s: got %v, want rule %s saying %q", what, err, rule, msg)
	}
}

// TestHourRules refuses each rule with its message, from the trainee's own account.
func TestHourRules(t *testing.T) {
	t.Parallel()
	e := workshopstest.New(t)
	st, ctx := e.Store, e.AliceCtx
	today := workshopstest.Today()
	yesterday := today.AddDate(0, 0, -1)
	log := func(n workshops.NewHours) error {
		n.TraineeID = e.Alice.ID
		if n.Activity == "" {
			n.Activity = workshops.ActivityRepair
		}
		_, err := st.LogHours(ctx, n)
		return err
	}

	wantRule(t, "0 minutes", log(workshops.NewHours{Date: today, Minutes: 0}), workshops.RuleMinutes, "minutes must be more than 0")
	wantRule(t, "-30 minutes", log(workshops.NewHours{Date: today, Minutes: -30}), workshops.RuleMinutes, "minutes must be more than 0")
	wantRule(t, "tomorrow", log(workshops.NewHours{Date: today.AddDate(0, 0, 1), Minutes: 60}), workshops.RuleFuture, "is in the future")

	if err := log(workshops.NewHours{Date: yesterday, StartMinute: workshopstest.At(9, 0), Minutes: 180}); err != nil {
		t.Fatal(err)
	}
	wantRule(t, "overlap", log(workshops.NewHours{Date: yesterday, StartMinute: workshopstest.At(11, 30), Minutes: 60}),
		workshops.RuleOverlap, "overlap the entry from 09:00 to 12:00")
	// Touching is not overlapping.
	if err := log(workshops.NewHours{Date: yesterday, StartMinute: workshopstest.At(12, 0), Minutes: 240}); err != nil {
		t.Errorf("an entry starting when another ends: %v", err)
	}
	// Entries without a start only count toward the day.
	if err := log(workshops.NewHours{Date: yesterday, Minutes: 240}); err != nil {
		t.Fatal(err)
	}
	wantRule(t, "two more hours", log(workshops.NewHours{Date: yesterday, Minutes: 120}), workshops.RuleDayCap,
		"a day holds at most 12 hours: 11 h are already logged")
	if err := log(workshops.NewHours{Date: yesterday, Minutes: 60, Activity: workshops.ActivityQA}); err != nil {
		t.Errorf("the 12th hour: %v", err)
	}
	wantRule(t, "one minute more", log(workshops.NewHours{Date: yesterday, Minutes: 1}), workshops.RuleDayCap, "12 h are already logged")
}

// TestHourRulesInTheDatabase writes entries around the package: the database refuses them too.
func TestHourRulesInTheDatabase(t *testing.T) {
	t.Parallel()
	e := workshopstest.New(t)
	ctx := context.Background()
	today := workshopstest.Today()
	insert := func(date string, start any, minutes int) error {
		tx, err := e.DB.App.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback()
		if _, err := tx.ExecContext(ctx, "SELECT set_config('refurb.role', 'staff', true)"); err != nil {
			t.Fatal(err)
		}
		_, err = tx.ExecContext(ctx, "INSERT INTO hour_entries (trainee_id, on_date, start_minute, minutes, activity) VALUES (?, ?, ?, ?, 'repair')",
			e.Alice.ID, date, start, minutes)
		if err == nil {
			err = tx.Commit()
		}
		return err
	}
	day := today.AddDate(0, 0, -2).Format("2006-01-02")
	for _, tt := range []struct {
		name    string
		date    string
		start   any
		minutes int
		code    string
	}{
		{"0 minutes", day, nil, 0, "23514"},
		{"tomorrow", today.AddDate(0, 0, 1).Format("2006-01-02"), nil, 60, "RF031"},
		{"13 hours", day, nil, 780, "RF030"},
	} {
		if err := insert(tt.date, tt.start, tt.minutes); err == nil || !strings.Contains(err.Error(), tt.code) {
			t.Errorf("%s: got %v, want SQLSTATE %s", tt.name, err, tt.code)
		}
	}
	if err := insert(day, 600, 120); err != nil {
		t.Fatal(err)
	}
	if err := insert(day, 660, 30); err == nil || !strings.Contains(err.Error(), "23P01") {
		t.Errorf("overlap: got %v, want an exclusion violation", err)
	}
	if err := insert(day, nil, 600); err != nil {
		t.Fatal(err)
	}
	if err := insert(day, nil, 1); err == nil || !strings.Contains(err.Error(), "RF030") {
		t.Errorf("over 12 hours: got %v, want RF030", err)
	}
	// Without an actor, row-level security shows and accepts nothing.
	var n int
	if err := e.DB.App.NewRaw("SELECT count(*) FROM hour_entries").Scan(ctx, &n); err != nil || n != 0 {
		t.Errorf("entries seen without an actor: %d, %v", n, err)
	}
	if _, err := e.DB.App.ExecContext(ctx, "INSERT INTO trainees (name) VALUES ('Nobody')"); err == nil {
		t.Error("a trainee inserted without an actor")
	}
}

// TestDayCapUnderConcurrency logs many entries of one day at once: the 12 hours hold.
func TestDayCapUnderConcurrency(t *testing.T) {
	t.Parallel()
	e := workshopstest.New(t)
	day := workshopstest.Today().AddDate(0, 0, -1)
	var wg sync.WaitGroup
	errs := make([]error, 8)
	for i := range errs {
		wg.Go(func() {
			_, errs[i] = e.Store.LogHours(e.Actors.Staff, workshops.NewHours{TraineeID: e.Alice.ID, Date: day, Minutes: 150, Activity: workshops.ActivityWipe})
		})
	}
	wg.Wait()
	ok := 0
	for _, err := range errs {
		if err == nil {
			ok++
		} else {
			wantRule(t, "concurrent entry", err, workshops.RuleDayCap, "at most 12 hours")
		}
	}
	if ok != 4 {
		t.Errorf("%d entries of 150 minutes passed, want 4 (600 of 720 minutes)", ok)
	}
}

// TestTraineesSeeTheirOwn: a trainee logs and sees their own entries only, never reviews.
func TestTraineesSeeTheirOwn(t *testing.T) {
	t.Parallel()
	e := workshopstest.New(t)
	st := e.Store
	day := workshopstest.Today()
	alices := workshopstest.Hours(t, st, e.AliceCtx, workshops.NewHours{TraineeID: e.Alice.ID, Date: day, Minutes: 60})
	brunos := workshopstest.Hours(t, st, e.BrunoCtx, workshops.NewHours{TraineeID: e.Bruno.ID, Date: day, Minutes: 90})
	if alices.Status != workshops.StatusPending || *alices.LoggedBy != e.AliceUser.ID {
		t.Errorf("a trainee's entry: got %+v", alices)
	}
	if _, err := st.LogHours(e.AliceCtx, workshops.NewHours{TraineeID: e.Bruno.ID, Date: day, Minutes: 60, Activity: workshops.ActivityRepair}); !errors.Is(err, auth.ErrForbidden) {
		t.Errorf("Alice logs Bruno's hours: got %v, want forbidden", err)
	}
	if _, err := st.HourEntry(e.AliceCtx, brunos.ID); !errors.Is(err, workshops.ErrNotFound) {
		t.Errorf("Alice reads Bruno's entry: got %v, want not found", err)
	}
	if _, err := st.Trainee(e.AliceCtx, e.Bruno.ID); !errors.Is(err, workshops.ErrNotFound) {
		t.Errorf("Alice reads Bruno's record: got %v, want not found", err)
	}
	if _, err := st.Progress(e.AliceCtx, e.Bruno.ID); !errors.Is(err, workshops.ErrNotFound) {
		t.Errorf("Alice reads Bruno's progress: got %v, want not found", err)
	}
	page, err := st.HourEntries(e.AliceCtx, workshops.HourFilter{}, workshops.Page{})
	if err != nil || page.TotalCount != 1 || page.Entries[0].ID != alices.ID {
		t.Errorf("Alice's list: got %+v, %v; want her entry only", page, err)
	}
	list, err := st.Trainees(e.AliceCtx, "", workshops.Page{})
	if err != nil || list.TotalCount != 1 || list.Trainees[0].ID != e.Alice.ID {
		t.Errorf("Alice's list of trainees: got %+v, %v; want herself only", list, err)
	}
	byID, err := st.HourEntriesByID(e.AliceCtx, []int64{alices.ID, brunos.ID})
	if err != nil || len(byID) != 1 || byID[alices.ID] == nil {
		t.Errorf("Alice's entries by id: got %v, %v; want hers only", byID, err)
	}
	for _, approve := range []bool{true, false} {
		if _, err := st.ReviewHours(e.AliceCtx, []int64{alices.ID}, approve, "no"); !errors.Is(err, auth.ErrForbidden) {
			t.Errorf("Alice reviews her own entry (approve %v): got %v, want forbidden", approve, err)
		}
	}
	for _, ctx := range []context.Context{e.Actors.Donor, e.Actors.SocialWorker, e.Actors.Trainee} {
		if _, err := st.HourEntry(ctx, alices.ID); err == nil {
			t.Errorf("%v reads Alice's entry", ctx)
		}
	}
	if _, err := st.HourEntry(e.Actors.Anonymous, alices.ID); !errors.Is(err, auth.ErrUnauthenticated) {
		t.Errorf("anonymous: got %v", err)
	}
}

// TestReview: a rejection says why, nobody reviews their own entries, a review happens once, and
// a week is approved at once.
func TestReview(t *testing.T) {
	t.Parallel()
	e := workshopstest.New(t)
	st := e.Store
	monday := workshops.WeekStart(workshopstest.Today()).AddDate(0, 0, -7)
	var week []int64
	for i := range 3 {
		h := workshopstest.Hours(t, st, e.AliceCtx, workshops.NewHours{TraineeID: e.Alice.ID, Date: monday.AddDate(0, 0, i), Minutes: 120})
		week = append(week, h.ID)
	}
	byStaff := workshopstest.Hours(t, st, e.Actors.Staff, workshops.NewHours{TraineeID: e.Alice.ID, Date: monday.AddDate(0, 0, 4), Minutes: 60})

	wantRule(t, "reject without a reason", func() error { _, err := st.ReviewHours(e.Actors.Staff, week[:1], false, " "); return err }(),
		workshops.RuleReason, "say why")
	rejected, err := st.ReviewHours(e.Actors.Staff, week[:1], false, "You were at the language course that morning")
	if err != nil || rejected[0].Status != workshops.StatusRejected || *rejected[0].Reason != "You were at the language course that morning" {
		t.Fatalf("reject: got %+v, %v", rejected, err)
	}
	var te *workshops.TransitionError
	if _, err := st.ReviewHours(e.Actors.Staff, week[:1], true, ""); !errors.As(err, &te) || te.From != workshops.StatusRejected {
		t.Errorf("approve a rejected entry: got %v, want a transition error", err)
	}
	wantRule(t, "review one's own", func() error { _, err := st.ReviewHours(e.Actors.Staff, []int64{byStaff.ID}, true, ""); return err }(),
		workshops.RuleOwnEntry, "you cannot review hours you logged yourself")

	approved, err := st.ApproveWeek(e.Actors.Staff, e.Alice.ID, monday.AddDate(0, 0, 3))
	if err != nil || len(approved) != 2 {
		t.Fatalf("approve the week: got %d entries, %v; want the 2 pending ones not logged by the reviewer", len(approved), err)
	}
	for _, h := range approved {
		if h.Status != workshops.StatusApproved || *h.ReviewedBy != e.Actors.StaffUser.ID || h.ReviewedAt == nil {
			t.Errorf("approved entry: %+v", h)
		}
	}
	// The administrator reviews what the staff member logged.
	if _, err := st.ReviewHours(e.Actors.Admin, []int64{byStaff.ID}, true, ""); err != nil {
		t.Errorf("another reviewer: %v", err)
	}
	tot, err := st.Totals(e.AliceCtx, []int64{e.Alice.ID})
	if err != nil || tot[e.Alice.ID].ApprovedMinutes != 300 || *tot[e.Alice.ID].TargetMinutes != 200*60 {
		t.Errorf("totals: got %+v, %v; want 300 approved minutes of 12000", tot, err)
	}
	// The database refuses a change other than the review, even from staff.
	ctx := context.Background()
	tx, _ := e.DB.App.BeginTx(ctx, nil)
	defer tx.Rollback()
	tx.ExecContext(ctx, "SELECT set_config('refurb.role', 'admin', true)")
	if _, err := tx.ExecContext(ctx, "UPDATE hour_entries SET status = 'pending', reviewed_at = NULL, reviewed_by = NULL WHERE id = ?", approved[0].ID); err == nil ||
		!strings.Contains(err.Error(), "RF032") {
		t.Errorf("approved back to pending in SQL: got %v, want RF032", err)
	}
}
