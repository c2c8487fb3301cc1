package server_test

import (
	"context"
	"log/slog"
	"testing"

	"github.com/digital-inclusion/refurb/internal/pgtest"
	rt "github.com/digital-inclusion/refurb/requests/requeststest"
	"github.com/digital-inclusion/refurb/server"
)

// The daily job purges expired rows and runs once a day, however many instances check.
func TestDailyJob(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	ctx := context.Background()
	if _, err := db.Owner.ExecContext(ctx, `INSERT INTO rate_limits (key, window_start, n) VALUES
		('verify:192.0.2.1', now() - interval '3 days', 5), ('verify:192.0.2.1', now(), 1)`); err != nil {
		t.Fatal(err)
	}
	ran, err := server.RunDaily(ctx, db.App, slog.New(slog.DiscardHandler))
	if err != nil || !ran {
		t.Fatalf("first run: got %v %v, want it to run", ran, err)
	}
	var left int
	if err := db.Owner.QueryRowContext(ctx, "SELECT count(*) FROM rate_limits").Scan(&left); err != nil || left != 1 {
		t.Errorf("rate limits after the job: got %d %v, want the current window only", left, err)
	}
	if ran, err := server.RunDaily(ctx, db.App, slog.New(slog.DiscardHandler)); err != nil || ran {
		t.Errorf("second run the same day (another instance): got %v %v, want skipped", ran, err)
	}
}

// The daily job folds the impact summaries (the sums stay) and asks the follow-up of a hand-out
// three months old.
func TestDailyJobImpact(t *testing.T) {
	t.Parallel()
	e := rt.New(t)
	ctx := context.Background()
	r := e.Allocated(t, e.WorkerA, rt.Laptop("JOB-1"), e.ReadyLaptop(t, "JOB-1"))
	e.ReadyLaptop(t, "JOB-2") // a second intake of a laptop: a second row of the same key
	if _, err := e.Store.HandOut(e.Staff, r.ID, rt.Signature(), "fr"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.DB.Owner.ExecContext(ctx, "UPDATE device_requests SET handed_out_at = now() - interval '3 months 3 days' WHERE id = ?", r.ID); err != nil {
		t.Fatal(err)
	}
	sums := func() (rows, devices int) {
		t.Helper()
		if err := e.DB.Owner.QueryRowContext(ctx, "SELECT count(*), coalesce(sum(devices), 0) FROM impact_device_days").Scan(&rows, &devices); err != nil {
			t.Fatal(err)
		}
		return rows, devices
	}
	rowsBefore, devicesBefore := sums()
	if ran, err := server.RunDaily(ctx, e.DB.App, slog.New(slog.DiscardHandler)); err != nil || !ran {
		t.Fatalf("the daily job: %v %v", ran, err)
	}
	rowsAfter, devicesAfter := sums()
	if devicesAfter != devicesBefore || rowsAfter >= rowsBefore {
		t.Errorf("folding: %d rows summing %d devices before, %d rows summing %d after; want fewer rows, the same sum", rowsBefore, devicesBefore, rowsAfter, devicesAfter)
	}
	if f, err := e.Store.FollowUp(e.WorkerA, r.ID); err != nil || f == nil {
		t.Errorf("the follow-up after the daily job: %v, %v", f, err)
	}
}
