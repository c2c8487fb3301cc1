package requests_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/requests"
	rt "github.com/digital-inclusion/refurb/requests/requeststest"
)

func TestOutbox(t *testing.T) {
	t.Parallel()
	e := rt.New(t)
	ctx := context.Background()
	d := e.ReadyLaptop(t, "OB1")
	r := e.Allocated(t, e.WorkerA, rt.Laptop("OB-1"), d) // decided, allocated
	if _, err := e.Store.HandOut(e.Staff, r.ID, rt.Signature(), ""); err != nil {
		t.Fatal(err)
	}
	e.Approved(t, e.Staff, rt.Laptop("WALK-IN")) // a walk-in: nobody to tell

	if _, _, err := e.Store.SendDue(e.Admin, 10, nil); !errors.Is(err, auth.ErrForbidden) {
		t.Errorf("an administrator sends the outbox: got %v", err)
	}
	var mu sync.Mutex
	var got []requests.Notification
	fail := true
	send := func(_ context.Context, n requests.Notification) error {
		mu.Lock()
		defer mu.Unlock()
		if fail && n.Kind == "request_allocated" {
			return errors.New("451 try again later")
		}
		got = append(got, n)
		return nil
	}
	// Two servers at once never send one notification twice.
	var wg sync.WaitGroup
	for range 2 {
		wg.Go(func() {
			if _, _, err := e.Store.SendDue(e.System, 10, send); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if len(got) != 2 || got[0].Kind == got[1].Kind {
		t.Fatalf("sent %+v, want the decision and the hand-out once each", got)
	}
	for _, n := range got {
		if n.RequestID != r.ID || n.Recipient.Email != "worker.a@example.org" || (n.Kind == "request_decided") != (n.Status == requests.StatusApproved) {
			t.Errorf("notification %+v", n)
		}
	}
	var row struct {
		Attempts int     `bun:"attempts"`
		Error    *string `bun:"last_error"`
		Later    bool    `bun:"later"`
	}
	if err := e.DB.Owner.NewRaw("SELECT attempts, last_error, next_attempt_at > now() + interval '50 seconds' AS later FROM notification_outbox WHERE kind = 'request_allocated'").Scan(ctx, &row); err != nil {
		t.Fatal(err)
	}
	if row.Attempts != 1 || row.Error == nil || !row.Later {
		t.Errorf("failed notification: %+v, want one attempt, the error and a retry a minute later", row)
	}
	// Not due yet: nothing to send.
	fail = false
	if sent, failed, err := e.Store.SendDue(e.System, 10, send); sent+failed != 0 || err != nil {
		t.Errorf("before its retry: sent %d failed %d, %v", sent, failed, err)
	}
	if _, err := e.DB.Owner.NewRaw("UPDATE notification_outbox SET next_attempt_at = now()").Exec(ctx); err != nil {
		t.Fatal(err)
	}
	if sent, _, err := e.Store.SendDue(e.System, 10, send); sent != 1 || err != nil {
		t.Errorf("retry: sent %d, %v", sent, err)
	}
	var total int
	if err := e.DB.Owner.NewRaw("SELECT count(*) FROM notification_outbox").Scan(ctx, &total); err != nil || total != 3 {
		t.Errorf("outbox rows: %d, %v; want 3 (none for the walk-in)", total, err)
	}
}
