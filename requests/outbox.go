package requests

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"github.com/digital-inclusion/refurb/auth"
)

// Notification is an e-mail a change left for the server to send to a request's social worker
// (package notify), after the change committed: the request was decided, allocated or handed
// out. It carries ids and the recipient's address and language, never beneficiary data.
type Notification struct {
	ID        int64
	Kind      string // request_decided, request_allocated, request_handed_out
	RequestID int64
	Status    Status // the status the change left the request in
	Attempts  int    // failed attempts so far
	Recipient auth.Contact
}

// enqueue leaves a notification of kind about r in the outbox, in the change's transaction tx,
// when r's requester is an enabled social worker (a walk-in filed by staff has nobody to tell).
func enqueue(ctx context.Context, tx bun.IDB, kind string, r *Request) error {
	ids, err := auth.ActiveIn(ctx, tx, auth.SocialWorkers, r.RequesterID)
	if err != nil || len(ids) == 0 {
		return err
	}
	if _, err := tx.NewRaw("INSERT INTO notification_outbox (kind, request_id, recipient_id, status) VALUES (?, ?, ?, ?)", kind, r.ID, r.RequesterID, r.Status).Exec(ctx); err != nil {
		return dbError("queue notification", err)
	}
	return nil
}

// MaxAttempts is how many times a notification is tried before it is given up.
const MaxAttempts = 10

// Backoff is how long a notification waits after its n-th failed attempt: one minute, doubling,
// at most six hours.
func Backoff(n int) time.Duration {
	d := time.Minute
	for i := 1; i < n && d < 6*time.Hour; i++ {
		d *= 2
	}
	return min(d, 6*time.Hour)
}

// SendDue sends up to limit notifications that are due, oldest first, with send, and records
// each outcome: sent, or failed with the next attempt after Backoff (given up after
// MaxAttempts). Rows are claimed with FOR UPDATE SKIP LOCKED, so several servers running it at
// once never take the same notification; a send that fails never touches the change that
// queued it. It returns how many were sent and how many failed. The server runs it as the
// system (auth.System).
func (s *Store) SendDue(ctx context.Context, limit int, send func(ctx context.Context, n Notification) error) (sent, failed int, err error) {
	a, err := auth.Require(ctx)
	if err != nil {
		return 0, 0, err
	}
	if !a.System {
		return 0, 0, auth.ErrForbidden
	}
	err = s.tx(ctx, a, func(ctx context.Context, tx bun.Tx) error {
		var rows []struct {
			ID          int64  `bun:"id"`
			Kind        string `bun:"kind"`
			RequestID   int64  `bun:"request_id"`
			RecipientID int64  `bun:"recipient_id"`
			Attempts    int    `bun:"attempts"`
			Status      Status `bun:"status"`
		}
		if err := tx.NewRaw(`SELECT o.id, o.kind, o.request_id, o.recipient_id, o.attempts, o.status
			FROM notification_outbox o
			WHERE o.sent_at IS NULL AND o.failed_at IS NULL AND o.next_attempt_at <= now()
			ORDER BY o.next_attempt_at, o.id LIMIT ? FOR UPDATE SKIP LOCKED`, limit).Scan(ctx, &rows); err != nil {
			return dbError("claim notifications", err)
		}
		if len(rows) == 0 {
			return nil
		}
		ids := make([]int64, len(rows))
		for i, r := range rows {
			ids[i] = r.RecipientID
		}
		contacts, err := auth.Contacts(ctx, tx, ids...)
		if err != nil {
			return err
		}
		for _, r := range rows {
			n := Notification{ID: r.ID, Kind: r.Kind, RequestID: r.RequestID, Status: r.Status, Attempts: r.Attempts, Recipient: contacts[r.RecipientID]}
			var serr error
			if n.Recipient.Email == "" || n.Recipient.Disabled {
				serr = fmt.Errorf("the recipient has no enabled account")
			} else {
				serr = send(ctx, n)
			}
			if serr == nil {
				sent++
				if _, err := tx.NewRaw("UPDATE notification_outbox SET sent_at = now(), attempts = attempts + 1, last_error = NULL WHERE id = ?", r.ID).Exec(ctx); err != nil {
					return dbError("record notification sent", err)
				}
				continue
			}
			failed++
			msg := serr.Error()
			if len(msg) > 500 {
				msg = msg[:500]
			}
			q := "UPDATE notification_outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = now() + ?::interval WHERE id = ?"
			if r.Attempts+1 >= MaxAttempts {
				q = "UPDATE notification_outbox SET attempts = attempts + 1, last_error = ?, failed_at = now(), next_attempt_at = now() + ?::interval WHERE id = ?"
			}
			if _, err := tx.NewRaw(q, msg, fmt.Sprintf("%d seconds", int(Backoff(r.Attempts+1).Seconds())), r.ID).Exec(ctx); err != nil {
				return dbError("record notification failure", err)
			}
		}
		return nil
	})
	return sent, failed, err
}
