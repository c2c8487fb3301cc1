package server

import (
	"context"
	"log/slog"

	"github.com/uptrace/bun"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/notify"
	"github.com/digital-inclusion/refurb/requests"
)

// JobsConfig says which background work of device requests the server does besides serving.
type JobsConfig struct {
	// SMTP, when set, sends the notifications device requests leave in their outbox.
	SMTP      *notify.Config
	PublicURL string
	OrgName   string
}

// RunJobs does the device requests' background work until ctx ends: it anonymises closed
// requests past their retention once at start (the daily job does it every day after that,
// docs/requests.md) and sends notifications when SMTP is configured. Both are safe with
// several servers on one database: anonymisation never touches an anonymised request again,
// notifications are claimed with SKIP LOCKED. It logs ids only.
func RunJobs(ctx context.Context, cfg JobsConfig, db *bun.DB, logger *slog.Logger) {
	store := requests.NewStore(db)
	Anonymise(ctx, store, logger)
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
