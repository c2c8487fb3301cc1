package server_test

import (
	"context"
	"log/slog"
	"testing"

	"github.com/digital-inclusion/refurb/internal/pgtest"
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
