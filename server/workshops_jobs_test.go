package server_test

import (
	"bytes"
	"context"
	"log/slog"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/digital-inclusion/refurb/impact"
	"github.com/digital-inclusion/refurb/server"
	"github.com/digital-inclusion/refurb/workshops"
	wt "github.com/digital-inclusion/refurb/workshops/workshopstest"
)

// TestDailyJobAnonymisesTrainees: the daily job anonymises a trainee who refused consent and
// whose programme ended a year ago, logs the id and never the name, and the impact ledger's
// figures for trainees stay the same; the server's start does it too.
func TestDailyJobAnonymisesTrainees(t *testing.T) {
	t.Parallel()
	e := wt.New(t)
	ctx, st, staff := context.Background(), e.Store, e.Actors.Staff
	today := wt.Today()
	past := wt.Programme(t, st, staff, "Last year's track", e.Actors.StaffUser.ID, today.AddDate(-2, 0, 0), today.AddDate(-1, 0, 0))
	no := false
	name := "Rosalind Refusenik"
	tr, err := st.CreateTrainee(staff, workshops.NewTrainee{Name: name, Languages: []string{"en"}, Consent: &no, ConsentOn: past.StartsOn})
	if err != nil {
		t.Fatal(err)
	}
	wt.Enrol(t, st, staff, tr.ID, past.ID)
	h := wt.Hours(t, st, staff, workshops.NewHours{TraineeID: tr.ID, Date: past.StartsOn.AddDate(0, 1, 0), Minutes: 300, Note: name + " again"})
	if _, err := st.ReviewHours(e.Actors.Admin, []int64{h.ID}, true, ""); err != nil {
		t.Fatal(err)
	}
	ledger := func() *impact.Ledger {
		t.Helper()
		l, err := impact.NewStore(e.DB.App).Ledger(staff, past.StartsOn, today)
		if err != nil {
			t.Fatal(err)
		}
		return l
	}
	before := ledger()
	if before.TraineeMinutes < 300 {
		t.Fatalf("the ledger before: %d trainee minutes", before.TraineeMinutes)
	}

	var log bytes.Buffer
	if ran, err := server.RunDaily(ctx, e.DB.App, slog.New(slog.NewTextHandler(&log, nil))); err != nil || !ran {
		t.Fatalf("the daily job: %v %v", ran, err)
	}
	if !strings.Contains(log.String(), "anonymised trainees") || !strings.Contains(log.String(), "trainee_ids=["+strconv.FormatInt(tr.ID, 10)+"]") ||
		strings.Contains(log.String(), "Rosalind") {
		t.Errorf("log: %s", log.String())
	}
	got, err := st.Trainee(staff, tr.ID)
	if err != nil || got.AnonymisedAt == nil || got.Name != "#"+strconv.FormatInt(tr.ID, 10) {
		t.Errorf("after the daily job: %+v, %v", got, err)
	}
	after := ledger()
	if after.TraineeMinutes != before.TraineeMinutes || !reflect.DeepEqual(after.Hours, before.Hours) ||
		!reflect.DeepEqual(after.Programmes, before.Programmes) || !reflect.DeepEqual(after.Skills, before.Skills) {
		t.Errorf("the ledger's school figures changed:\nbefore %d %+v %+v\nafter  %d %+v %+v",
			before.TraineeMinutes, before.Hours, before.Programmes, after.TraineeMinutes, after.Hours, after.Programmes)
	}

	// At start: a second trainee due, anonymised by RunJobs before it waits for anything.
	tr2, err := st.CreateTrainee(staff, workshops.NewTrainee{Name: "Otto Ohneantwort"})
	if err != nil {
		t.Fatal(err)
	}
	wt.Enrol(t, st, staff, tr2.ID, past.ID)
	var log2 syncBuffer
	jobs, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		server.RunJobs(jobs, server.JobsConfig{}, e.DB.App, slog.New(slog.NewTextHandler(&log2, nil)))
		close(done)
	}()
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(log2.String(), "anonymised trainees") && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	cancel()
	<-done
	if !strings.Contains(log2.String(), "trainee_ids=["+strconv.FormatInt(tr2.ID, 10)+"]") || strings.Contains(log2.String(), "Otto") {
		t.Errorf("log at start: %s", log2.String())
	}
}
