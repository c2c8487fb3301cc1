package ratelimit_test

import (
	"context"
	"testing"
	"time"

	"github.com/digital-inclusion/refurb/internal/pgtest"
	"github.com/digital-inclusion/refurb/internal/ratelimit"
)

// Two instances (two Limiters on one database) share one count per key; a refused request
// says when to retry; other keys and other limits count apart; old windows are purged.
func TestLimitAcrossInstances(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	ctx := context.Background()
	one := ratelimit.New(db.App, "test:", 3, time.Hour)
	two := ratelimit.New(db.App, "test:", 3, time.Hour)
	for i, l := range []*ratelimit.Limiter{one, two, one} {
		if ok, _, err := l.Allow(ctx, "192.0.2.1"); !ok || err != nil {
			t.Fatalf("request %d: got %v %v, want allowed", i+1, ok, err)
		}
	}
	ok, retry, err := two.Allow(ctx, "192.0.2.1")
	if ok || err != nil || retry <= 0 || retry > time.Hour+time.Second {
		t.Errorf("fourth request: got %v, retry in %v, %v; want refused with a retry within the hour", ok, retry, err)
	}
	if ok, _, _ := one.Allow(ctx, "192.0.2.2"); !ok {
		t.Error("another address: refused, want allowed")
	}
	if ok, _, _ := ratelimit.New(db.App, "other:", 3, time.Hour).Allow(ctx, "192.0.2.1"); !ok {
		t.Error("another limit's key: refused, want allowed")
	}
	if _, err := db.Owner.ExecContext(ctx, "UPDATE rate_limits SET window_start = window_start - interval '2 days' WHERE key = 'test:192.0.2.2'"); err != nil {
		t.Fatal(err)
	}
	if n, err := ratelimit.Purge(ctx, db.App); err != nil || n != 1 {
		t.Errorf("purge: got %d rows, %v; want the one old window", n, err)
	}
}
