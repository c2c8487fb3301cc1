package requests

import (
	"context"

	"github.com/uptrace/bun"

	"github.com/digital-inclusion/refurb/auth"
)

// anonymiseBatch is how many requests one statement anonymises.
const anonymiseBatch = 500

// Anonymise removes the details of the requests closed longer ago than the policy's retention
// period: the reference, the note, the decision's reason, the beneficiary's language, keyboard
// layout and household size, and the signature. What statistics need stays: kind, purpose,
// urgency, partner, requester, status, dates and the device. It returns the ids it anonymised.
// It is idempotent (an anonymised request is never touched again) and safe to run on several
// servers at once (rows are claimed with FOR UPDATE SKIP LOCKED). The server runs it as the
// system (auth.System) at start and daily; administrators may run it too. Issued receipts stay
// as they were printed (docs/requests.md, "Privacy").
func (s *Store) Anonymise(ctx context.Context) ([]int64, error) {
	a, err := auth.Require(ctx, auth.Admins) // the system acts as an administrator
	if err != nil {
		return nil, err
	}
	// Deleting signatures is the system's alone (row-level security): an administrator's run
	// acts as the system, and its events name the administrator.
	sys := auth.Actor{Role: auth.RoleAdmin, System: true}
	var all []int64
	for {
		var ids []int64
		err := s.tx(ctx, sys, func(ctx context.Context, tx bun.Tx) error {
			if err := tx.NewRaw(`WITH due AS (
					SELECT r.id FROM device_requests r, (SELECT (value #>> '{}')::int AS days FROM settings WHERE key = 'requests.retention_days') p
					WHERE r.anonymised_at IS NULL AND r.closed_at < now() - make_interval(days => p.days)
					ORDER BY r.closed_at, r.id LIMIT ? FOR UPDATE OF r SKIP LOCKED)
				UPDATE device_requests r SET reference = NULL, note = NULL, reason = NULL, language = NULL,
					keyboard_layout = NULL, household = NULL, anonymised_at = now(), updated_at = now(), version = r.version + 1
				FROM due WHERE r.id = due.id RETURNING r.id`, anonymiseBatch).Scan(ctx, &ids); err != nil {
				return dbError("anonymise requests", err)
			}
			if len(ids) == 0 {
				return nil
			}
			if _, err := tx.NewRaw("DELETE FROM device_request_signatures WHERE request_id IN (?)", bun.List(ids)).Exec(ctx); err != nil {
				return dbError("delete signatures", err)
			}
			var actor *int64
			if a.UserID != 0 {
				actor = &a.UserID
			}
			_, err := tx.NewRaw(`INSERT INTO device_request_events (request_id, actor_id, kind)
				SELECT id, ?, 'anonymised' FROM unnest(?::bigint[]) AS id`, actor, pgArray(ids)).Exec(ctx)
			return dbError("record anonymisation", err)
		})
		if err != nil {
			return all, err
		}
		all = append(all, ids...)
		if len(ids) < anonymiseBatch {
			return all, nil
		}
	}
}

// pgArray formats ids as a PostgreSQL array literal.
func pgArray(ids []int64) string {
	b := []byte{'{'}
	for i, id := range ids {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, itoa(id)...)
	}
	return string(append(b, '}'))
}
