package server

import (
	"context"
	"log/slog"
	"time"

	"github.com/uptrace/bun"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/notify"
	"github.com/digital-inclusion/refurb/requests"
)

// JobsConfig says which background work the server does besides serving.
type JobsConfig struct {
	// SMTP, when set, sends the notifications device requests leave in their outbox.
	SMTP      *notify.Config
	PublicURL string
	OrgName   string
	// AnonymiseEvery is how often closed requests past their retention period are anonymised
	// (also once at start); zero means daily.
	AnonymiseEvery time.Duration
}

// RunJobs does the server's background work until ctx ends: it anonymises closed device
// requests at start and then daily (docs/requests.md), and sends notifications when SMTP is
// configured. Both are safe with several servers on one database: anonymisation claims rows
// with SKIP LOCKED and never touches an anonymised request again; notifications are claimed the
// same way. It logs ids only.
func RunJobs(ctx context.Context, cfg JobsConfig, db *bun.DB, logger *slog.Logger) {
	store := requests.NewStore(db)
	done := make(chan struct{})
	if cfg.SMTP != nil {
		n := notify.New(*cfg.SMTP, store, cfg.PublicURL, cfg.OrgName, logger)
		go func() {
			defer func() { done <- struct{}{} }()
			n.Run(ctx)
		}()
	}
	every := cfg.AnonymiseEvery
	if every <= 0 {
		every = 24 * time.Hour
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		Anonymise(ctx, store, logger)
		select {
		case <-ctx.Done():
			if cfg.SMTP != nil {
				<-done
			}
			return
		case <-t.C:
		}
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
