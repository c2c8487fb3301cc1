package inventory

import (
	"context"

	"github.com/uptrace/bun"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/validation"
)

// Transition moves a device to another status. Reserving, handing out and taking a device out
// of reserved go through a device request (ThroughRequest, MoveForRequest), never through here. version is the device version the caller
// saw: if the device changed since, nothing happens and ErrConflict says so. The move must be
// allowed by the lifecycle and for the actor's role, every storage medium must be sanitized
// when the target needs it (WipeRequiredError), and ready needs a passed QA check and no open
// blocking flag. The change and its event are one transaction.
func (s *Store) Transition(ctx context.Context, id int64, version int, to Status, note string) (*Device, error) {
	actor, err := auth.Require(ctx, auth.Workshop)
	if err != nil {
		return nil, err
	}
	if !to.Valid() {
		return nil, validation.Field("to", "unknown status %q", to)
	}
	n, err := text("note", note, 4000)
	if err != nil {
		return nil, err
	}
	return s.changeDevice(ctx, id, &version, func(ctx context.Context, tx bun.Tx, d *Device) error {
		if !CanTransition(d.Status, to) {
			return &TransitionError{From: d.Status, To: to, Reason: "not an allowed move"}
		}
		if ThroughRequest(d.Status, to) {
			return &TransitionError{From: d.Status, To: to, Reason: "goes through a device request"}
		}
		if !MayMove(actor, to) {
			return auth.ErrForbidden
		}
		if err := checkGuards(ctx, tx, d, to); err != nil {
			return err
		}
		from := d.Status
		d.Status = to
		d.Version++
		if _, err := tx.NewUpdate().Model(d).Column("status", "version").Set("updated_at = now()").WherePK().Returning("cycle, updated_at").Exec(ctx); err != nil {
			return dbError("update status", err)
		}
		return appendEvent(ctx, tx, &Event{DeviceID: d.ID, Kind: "status", FromStatus: &from, ToStatus: &to, Note: n})
	})
}

// checkGuards returns why d may not move to status to, or nil.
func checkGuards(ctx context.Context, db bun.IDB, d *Device, to Status) error {
	if NeedsWipe(to) {
		missing, err := wipeMissing(ctx, db, []int64{d.ID})
		if err != nil {
			return err
		}
		if ids := missing[d.ID]; len(ids) > 0 {
			return wipeRequired(ctx, db, d.Tag, ids)
		}
	}
	if to == StatusReady {
		var passed []bool
		if err := db.NewSelect().Table("qa_checks").Column("passed").Where("device_id = ? AND cycle = ?", d.ID, d.Cycle).
			OrderExpr("id DESC").Limit(1).Scan(ctx, &passed); err != nil {
			return dbError("read QA", err)
		}
		if len(passed) == 0 || !passed[0] {
			return &TransitionError{From: d.Status, To: to, Reason: "ready needs a passed QA check"}
		}
		var blocking []Flag
		if err := db.NewSelect().Table("device_flags").Column("flag").Where("device_id = ? AND cleared_at IS NULL AND flag <> ?", d.ID, FlagOverAge).
			Scan(ctx, &blocking); err != nil {
			return dbError("read flags", err)
		}
		if len(blocking) > 0 {
			return &TransitionError{From: d.Status, To: to, Reason: "ready needs no open blocking flag (" + string(blocking[0]) + ")"}
		}
	}
	return nil
}

// AllowedTransitions returns the statuses the actor could move each device to now, given the
// lifecycle, the actor's role and the guards, by device id.
func (s *Store) AllowedTransitions(ctx context.Context, devices []*Device) (map[int64][]Status, error) {
	out := make(map[int64][]Status, len(devices))
	actor, ok := auth.ActorFrom(ctx)
	if !ok || !actor.In(auth.Workshop) {
		return out, nil
	}
	ids := make([]int64, len(devices))
	for i, d := range devices {
		ids[i] = d.ID
	}
	missing, err := wipeMissing(ctx, s.db, ids)
	if err != nil {
		return nil, err
	}
	var ready []struct {
		DeviceID int64 `bun:"device_id"`
	}
	// Devices whose latest QA check of the current cycle passed and that have no open blocking flag.
	err = s.db.NewRaw(`
		SELECT d.id AS device_id FROM devices d
		WHERE d.id IN (?)
		  AND coalesce((SELECT q.passed FROM qa_checks q WHERE q.device_id = d.id AND q.cycle = d.cycle ORDER BY q.id DESC LIMIT 1), false)
		  AND NOT EXISTS (SELECT 1 FROM device_flags f WHERE f.device_id = d.id AND f.cleared_at IS NULL AND f.flag <> 'over_age')`,
		bun.List(ids)).Scan(ctx, &ready)
	if err != nil {
		return nil, dbError("check readiness", err)
	}
	mayBeReady := map[int64]bool{}
	for _, r := range ready {
		mayBeReady[r.DeviceID] = true
	}
	for _, d := range devices {
		allowed := []Status{}
		for _, to := range Transitions[d.Status] {
			switch {
			case ThroughRequest(d.Status, to):
			case !MayMove(actor, to):
			case NeedsWipe(to) && len(missing[d.ID]) > 0:
			case to == StatusReady && !mayBeReady[d.ID]:
			default:
				allowed = append(allowed, to)
			}
		}
		out[d.ID] = allowed
	}
	return out, nil
}
