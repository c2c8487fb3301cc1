// Package ratelimit counts requests per key in fixed windows kept in PostgreSQL (the
// rate_limits table), so that a limit holds across every server instance on the database and
// across restarts. One statement a request: an upsert that returns the window's count.
package ratelimit

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"
)

// Limiter allows Limit requests per key in each Window.
type Limiter struct {
	db     bun.IDB
	prefix string // keeps different limits' keys apart, e.g. "verify:"
	limit  int
	window time.Duration
}

// New returns a Limiter of limit requests per window for keys under prefix.
func New(db bun.IDB, prefix string, limit int, window time.Duration) *Limiter {
	return &Limiter{db: db, prefix: prefix, limit: max(limit, 1), window: max(window, time.Second)}
}

// Allow counts a request for key and reports whether it is within the limit; when it is not,
// retryAfter says when the next window starts. A refused request counts too, so that hammering
// a limit does not reopen it sooner.
func (l *Limiter) Allow(ctx context.Context, key string) (ok bool, retryAfter time.Duration, err error) {
	var n int
	var start time.Time
	// The window is computed by the database, whose clock every instance shares.
	err = l.db.QueryRowContext(ctx, `
		INSERT INTO rate_limits AS r (key, window_start, n)
		VALUES (?, to_timestamp(floor(extract(epoch FROM now()) / ?) * ?), 1)
		ON CONFLICT (key, window_start) DO UPDATE SET n = r.n + 1
		RETURNING n, window_start`, l.prefix+key, l.window.Seconds(), l.window.Seconds()).Scan(&n, &start)
	if err != nil {
		return false, 0, fmt.Errorf("count request: %w", err)
	}
	if n <= l.limit {
		return true, 0, nil
	}
	return false, time.Until(start.Add(l.window)).Round(time.Second) + time.Second, nil
}

// Purge deletes the counters of windows that ended more than a day ago (no limit uses longer
// windows). The daily job runs it.
func Purge(ctx context.Context, db bun.IDB) (int64, error) {
	res, err := db.NewDelete().TableExpr("rate_limits").Where("window_start < now() - interval '1 day'").Exec(ctx)
	if err != nil {
		return 0, fmt.Errorf("purge rate limits: %w", err)
	}
	return res.RowsAffected()
}
