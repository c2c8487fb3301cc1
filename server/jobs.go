package server

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"time"

	"github.com/uptrace/bun"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/impact"
	"github.com/digital-inclusion/refurb/internal/idempotency"
	"github.com/digital-inclusion/refurb/internal/ratelimit"
	"github.com/digital-inclusion/refurb/inventory"
	"github.com/digital-inclusion/refurb/requests"
	"github.com/digital-inclusion/refurb/workshops"
)

// The daily job purges what has expired (rate-limit windows, asset lists and wipe reports never
// confirmed, idempotency keys older than a day), folds the device counts and the impact
// summaries, anonymises closed device requests past their retention (docs/requests.md) and the
// records of trainees who did not consent to keeping them (docs/workshops.md, "Retention"), and asks
// the follow-ups of hand-outs three months old (docs/impact.md). Every instance looks hourly
// whether it is due; the jobs table's row,
// locked while the job runs, makes it run once a day whichever and however many instances there
// are (docs/operations.md).
const (
	dailyJob      = "daily"
	dailyInterval = 23 * time.Hour // a little under a day, so that hourly checks do not drift
	jobCheckEvery = time.Hour
)

// StartJobs runs the periodic jobs in the background until ctx ends: the first check a minute
// or two after start (not all instances at once), then hourly. Failures are logged and tried
// again at the next check.
func StartJobs(ctx context.Context, db *bun.DB, logger *slog.Logger) {
	go func() {
		wait := time.Minute + rand.N(time.Minute)
		for {
			select {
			case <-ctx.Done():
				return
			case <-time.After(wait):
			}
			wait = jobCheckEvery
			ran, err := RunDaily(ctx, db, logger)
			switch {
			case err != nil && ctx.Err() == nil:
				logger.Error("daily job", "err", err)
			case ran:
				logger.Info("daily job done")
			}
		}
	}()
}

// RunDaily runs the daily job unless it ran less than dailyInterval ago or another instance is
// running it, and reports whether it ran.
func RunDaily(ctx context.Context, db *bun.DB, logger *slog.Logger) (ran bool, err error) {
	var anonymised, trainees, followUps []int64
	err = db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.ExecContext(ctx, "INSERT INTO jobs (name, last_run) VALUES (?, '-infinity') ON CONFLICT (name) DO NOTHING", dailyJob); err != nil {
			return fmt.Errorf("register the daily job: %w", err)
		}
		var due bool
		err := tx.QueryRowContext(ctx, "SELECT last_run < now() - ? * interval '1 second' FROM jobs WHERE name = ? FOR UPDATE SKIP LOCKED",
			int(dailyInterval.Seconds()), dailyJob).Scan(&due)
		if errors.Is(err, sql.ErrNoRows) || (err == nil && !due) {
			return nil // running elsewhere, or done lately
		}
		if err != nil {
			return fmt.Errorf("lock the daily job: %w", err)
		}
		if _, err := ratelimit.Purge(ctx, tx); err != nil {
			return err
		}
		if _, err := inventory.PurgeHeldImports(ctx, tx); err != nil {
			return err
		}
		if _, err := inventory.PurgeHeldWipeReports(ctx, tx); err != nil {
			return err
		}
		if _, err := idempotency.Purge(ctx, tx); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "SELECT refurb_fold_device_counts()"); err != nil {
			return fmt.Errorf("fold device counts: %w", err)
		}
		if err := impact.Fold(ctx, tx); err != nil {
			return err
		}
		if anonymised, err = requests.NewStore(tx).Anonymise(auth.System(ctx)); err != nil {
			return fmt.Errorf("anonymise device requests: %w", err)
		}
		if trainees, err = workshops.NewStore(tx).Anonymise(auth.System(ctx)); err != nil {
			return fmt.Errorf("anonymise trainees: %w", err)
		}
		if followUps, err = requests.NewStore(tx).AskFollowUps(auth.System(ctx)); err != nil {
			return fmt.Errorf("ask follow-ups: %w", err)
		}
		if _, err := tx.ExecContext(ctx, "UPDATE jobs SET last_run = now() WHERE name = ?", dailyJob); err != nil {
			return fmt.Errorf("record the daily job: %w", err)
		}
		ran = true
		return nil
	})
	if err == nil && len(anonymised) > 0 {
		logger.InfoContext(ctx, "anonymised device requests", "count", len(anonymised), "request_ids", anonymised)
	}
	if err == nil && len(trainees) > 0 {
		logger.InfoContext(ctx, "anonymised trainees", "count", len(trainees), "trainee_ids", trainees)
	}
	if err == nil && len(followUps) > 0 {
		logger.InfoContext(ctx, "asked follow-ups of hand-outs", "count", len(followUps), "request_ids", followUps)
	}
	return ran, err
}
