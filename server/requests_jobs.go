package server

import (
	"context"
	"log/slog"

	"github.com/uptrace/bun"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/notify"
	"github.com/digital-inclusion/refurb/requests"
	"github.com/digital-inclusion/refurb/workshops"
)

// JobsConfig says which background work of device requests the server does besides serving.
type JobsConfig struct {
	// SMTP, when set, sends the notifications device requests leave in their outbox.
	SMTP      *notify.Config
	PublicURL string
	OrgName   string
}

// RunJobs does the background work of device requests and trainees' records until ctx ends: it
// anonymises closed requests past their retention and the records of trainees due for it once
// at start (the daily job does it every day after that, docs/requests.md and docs/workshops.md)
// and sends notifications when SMTP is configured. All are safe with several servers on one
// database: anonymisation never touches an anonymised request or record again, notifications
// are claimed with SKIP LOCKED. It logs ids only.
func RunJobs(ctx context.Context, cfg JobsConfig, db *bun.DB, logger *slog.Logger) {
	store := requests.NewStore(db)
	Anonymise(ctx, store, logger)
	AnonymiseTrainees(ctx, workshops.NewStore(db), logger)
	if cfg.SMTP != nil {
		notify.New(*cfg.SMTP, store, cfg.PublicURL, cfg.OrgName, logger).Run(ctx)
	}
}

// Anonymise runs one anonymisation of closed device requests and logs the ids it anonymised.
func Anonymise(ctx context.Context, store *requests.Store, logger *slog.Logger) {
	ids, err := store.Anonymise(auth.System(ctx))
	if err != nil {
		if ctx.Err() == nil {
			logger.ErrorContext(ctx, "anonymise device requests", "err", err, "anonymised", len(ids))
		}
		return
	}
	if len(ids) > 0 {
		logger.InfoContext(ctx, "anonymised device requests", "count", len(ids), "request_ids", ids)
	}
}

// AnonymiseTrainees runs one anonymisation of the records of trainees who did not consent to
// keeping them, past the retention period, and logs the ids it anonymised (never a name).
func AnonymiseTrainees(ctx context.Context, store *workshops.Store, logger *slog.Logger) {
	ids, err := store.Anonymise(auth.System(ctx))
	if err != nil {
		if ctx.Err() == nil {
			logger.ErrorContext(ctx, "anonymise trainees", "err", err, "anonymised", len(ids))
		}
		return
	}
	if len(ids) > 0 {
		logger.InfoContext(ctx, "anonymised trainees", "count", len(ids), "trainee_ids", ids)
	}
}
