package auth

import (
	"context"
	"testing"
	"time"

	"github.com/alexedwards/scs/v2"
)

// The idle sign-out without scs's IdleTimeout: a session unseen for SessionIdleTimeout is
// destroyed; one seen is noted as seen at most once every seenResolution, so that reads do not
// write.
func TestSessionIdle(t *testing.T) {
	sm := scs.New() // the memory store
	ctx, err := sm.Load(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Unix(1_800_000_000, 0)
	sm.Put(ctx, sessionUserKey, int64(7))
	sm.Put(ctx, sessionSeenKey, now.Unix())
	if _, _, err := sm.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	check := func(at time.Time, wantIn bool, wantStatus scs.Status) {
		t.Helper()
		ctx, err := sm.Load(context.Background(), sm.Token(ctx))
		if err != nil {
			t.Fatal(err)
		}
		in, err := sessionIdle(ctx, sm, at)
		if err != nil || in != wantIn || sm.Status(ctx) != wantStatus {
			t.Errorf("at +%v: got signed in %v, status %v, %v; want %v, %v", at.Sub(now), in, sm.Status(ctx), err, wantIn, wantStatus)
		}
	}
	check(now.Add(30*time.Second), true, scs.Unmodified)
	check(now.Add(2*time.Minute), true, scs.Modified)
	check(now.Add(SessionIdleTimeout+time.Second), false, scs.Destroyed)
}
