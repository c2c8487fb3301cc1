package requests

import (
	"context"
	"slices"
	"strconv"

	"github.com/uptrace/bun"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/inventory"
	"github.com/digital-inclusion/refurb/validation"
)

// lock reads request id for update in tx, as the transaction's actor may see it.
func lock(ctx context.Context, tx bun.IDB, id int64) (*Request, error) {
	r := new(Request)
	if err := tx.NewSelect().Model(r).Where("r.id = ?", id).For("UPDATE").Scan(ctx); err != nil {
		return nil, dbError("lock request", err)
	}
	return r, nil
}

// Decide approves, waitlists or rejects a submitted request, or approves or rejects a
// waitlisted one. Waitlisting and rejecting need a reason, which the social worker sees (never
// about the beneficiary: what the workshop lacks, what the policy says). Staff and
// administrators only; the social worker is notified.
func (s *Store) Decide(ctx context.Context, id int64, d Decision, reason string) (*Request, error) {
	a, err := auth.Require(ctx, auth.Office)
	if err != nil {
		return nil, err
	}
	if !slices.Contains(Decisions, d) {
		return nil, validation.Field("decision", "unknown decision %q", d)
	}
	why, err := text("reason", reason, MaxReason)
	if err != nil {
		return nil, err
	}
	if why == nil && d != Approve {
		return nil, validation.Field("reason", "a reason is required to %s a request: the social worker reads it", d)
	}
	var r *Request
	err = s.tx(ctx, a, func(ctx context.Context, tx bun.Tx) error {
		if r, err = lock(ctx, tx, id); err != nil {
			return err
		}
		to := d.to()
		if r.Status == to || !CanTransition(r.Status, to) || to == StatusAllocated {
			return &StateError{From: r.Status, To: to, Reason: "only a submitted or waitlisted request is decided"}
		}
		from := r.Status
		r.Status, r.Reason, r.DecidedBy = to, why, &a.UserID
		if a.UserID == 0 {
			r.DecidedBy = nil
		}
		if _, err := tx.NewUpdate().Model(r).Column("status", "reason", "decided_by").Set("decided_at = now()").
			Set("closed_at = CASE WHEN ? THEN now() END", to == StatusRejected).
			Set("version = version + 1, updated_at = now()").WherePK().
			Returning("version, updated_at, closed_at, decided_at").Exec(ctx); err != nil {
			return dbError("decide request", err)
		}
		if err := appendEvent(ctx, tx, a, r, "decided", from, to, map[string]any{"decision": string(d)}); err != nil {
			return err
		}
		return enqueue(ctx, tx, "request_decided", r)
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

// Cancel withdraws an open request. Its social worker (or their organisation's coordinator)
// cancels it until a device is reserved for it; staff and administrators at any open stage, a
// reserved device going back to ready.
func (s *Store) Cancel(ctx context.Context, id int64) (*Request, error) {
	a, err := s.reader(ctx)
	if err != nil {
		return nil, err
	}
	var r *Request
	err = s.tx(ctx, a, func(ctx context.Context, tx bun.Tx) error {
		if r, err = lock(ctx, tx, id); err != nil {
			return err
		}
		if !mayCancel(a, r) {
			return ErrNotFound
		}
		if !CanTransition(r.Status, StatusCancelled) {
			return &StateError{From: r.Status, To: StatusCancelled, Reason: "only an open request can be cancelled"}
		}
		from := r.Status
		if r.Status != StatusAllocated {
			r.Status = StatusCancelled
			if _, err := tx.NewUpdate().Model(r).Column("status").Set("closed_at = now(), version = version + 1, updated_at = now()").
				WherePK().Returning("version, updated_at, closed_at").Exec(ctx); err != nil {
				return dbError("cancel request", err)
			}
			return appendEvent(ctx, tx, a, r, "cancelled", from, StatusCancelled, nil)
		}
		if !MayTriage(a) {
			return &StateError{From: r.Status, To: StatusCancelled, Reason: "a device is reserved for it: ask the workshop to cancel it"}
		}
		return s.release(ctx, tx, a, r, StatusCancelled, inventory.StatusReady)
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

// release takes the device off allocated request r (read for update in tx): the request goes to
// to (approved: it waits for another device; cancelled), written first, then the device leaves
// reserved for device (ready, or lost when it cannot be found).
func (s *Store) release(ctx context.Context, tx bun.IDB, a auth.Actor, r *Request, to Status, device inventory.Status) error {
	deviceID := *r.DeviceID
	note := "released from device request #" + itoa(r.ID)
	if to == StatusCancelled {
		note = "device request #" + itoa(r.ID) + " cancelled"
	}
	_, err := inventory.NewStore(tx).MoveForRequest(ctx, deviceID, 0, device, note, func(ctx context.Context, tx bun.IDB, d *inventory.Device) error {
		from := r.Status
		r.Status, r.DeviceID, r.DeviceCycle, r.PickupOn = to, nil, nil, nil
		q := tx.NewUpdate().Model(r).Column("status", "device_id", "device_cycle", "pickup_on").
			Set("version = version + 1, updated_at = now()")
		if to == StatusCancelled {
			q = q.Set("closed_at = now()")
		}
		if _, err := q.WherePK().Returning("version, updated_at, closed_at").Exec(ctx); err != nil {
			return dbError("release request", err)
		}
		kind := "released"
		if to == StatusCancelled {
			kind = "cancelled"
		}
		return appendEvent(ctx, tx, a, r, kind, from, to, map[string]any{"device_id": deviceID, "device_status": string(device)})
	})
	return err
}

// Release takes the reserved device off an allocated request: the request goes back to
// approved, waiting for another device, and the device back to ready, or to lost when
// lost is set (it cannot be found on its shelf). Staff and administrators only.
func (s *Store) Release(ctx context.Context, id int64, lost bool) (*Request, error) {
	a, err := auth.Require(ctx, auth.Office)
	if err != nil {
		return nil, err
	}
	var r *Request
	err = s.tx(ctx, a, func(ctx context.Context, tx bun.Tx) error {
		if r, err = lock(ctx, tx, id); err != nil {
			return err
		}
		if r.Status != StatusAllocated {
			return &StateError{From: r.Status, To: StatusApproved, Reason: "only an allocated request has a device to release"}
		}
		to := inventory.StatusReady
		if lost {
			to = inventory.StatusLost
		}
		return s.release(ctx, tx, a, r, StatusApproved, to)
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
