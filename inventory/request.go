package inventory

import (
	"context"

	"github.com/uptrace/bun"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/validation"
)

// ThroughRequest reports whether a move from one status to another is made only through a
// device request (package requests, docs/requests.md): reserving a device, handing it out, and
// taking it out of reserved. Transition refuses these moves, AllowedTransitions does not offer
// them, and the database refuses them unless a request holds the device (RF021).
func ThroughRequest(from, to Status) bool {
	return to == StatusReserved || to == StatusHandedOut || from == StatusReserved
}

// MoveForRequest moves a device for a device request, on the caller's transaction: package
// requests builds a Store on its transaction and calls it to reserve a device for a request, to
// hand it out, or to release it (back to ready, or lost). It locks the device, compares its
// version with version unless version is 0, calls prepare with the locked device, which checks
// the device for the request and writes the request row first (the database checks that a
// request holds the device), then checks the move (ThroughRequest and the lifecycle) and the
// guards, moves the device with its event and returns it. Staff and administrators only. Inventory never imports
// package requests: prepare is the request's side of the move.
func (s *Store) MoveForRequest(ctx context.Context, id int64, version int, to Status, note string, prepare func(ctx context.Context, tx bun.IDB, d *Device) error) (*Device, error) {
	if _, err := auth.Require(ctx, auth.Office); err != nil {
		return nil, err
	}
	n, err := text("note", note, 4000)
	if err != nil {
		return nil, err
	}
	return s.changeDevice(ctx, id, seen(version), func(ctx context.Context, tx bun.Tx, d *Device) error {
		// The request's side first: it refuses with its own reason (a device of another kind,
		// not ready) before the lifecycle's.
		if err := prepare(ctx, tx, d); err != nil {
			return err
		}
		if !ThroughRequest(d.Status, to) || !CanTransition(d.Status, to) {
			return &TransitionError{From: d.Status, To: to, Reason: "not an allowed move"}
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

// Ranked is a device with the score a caller ranked it by.
type Ranked struct {
	Device
	Score int `bun:"score"`
}

// RankReady returns up to limit ready devices of kind, best first, then the device that has
// waited longest on the shelf. A device's score is its group's points plus its quality: package
// requests ranks devices for a request this way (matching). Devices are grouped by keyboard
// layout and installed system; groupScore is an SQL expression over the group's g.layout and
// g.os (” when unknown) with its arguments, written in the caller's code, never from input.
// The quality is the migration's refurb_device_quality (memory, battery, condition, age). The
// ranking visits the index devices_ready_match_idx group by group and reads each group's first
// limit devices only, so its cost grows with the number of groups, not of devices. Staff and
// administrators only.
func (s *Store) RankReady(ctx context.Context, kind Kind, groupScore string, args []any, limit int) ([]Ranked, error) {
	if _, err := auth.Require(ctx, auth.Office); err != nil {
		return nil, err
	}
	if !kind.Valid() {
		return nil, validation.Field("kind", "unknown device kind %q", kind)
	}
	if limit < 1 || limit > MaxPageSize {
		return nil, validation.Field("first", "must be between 1 and %d", MaxPageSize)
	}
	const quality = "refurb_device_quality(d.ram_gb, d.battery_health_pct, d.condition_grade, d.manufacture_year)"
	var out []Ranked
	q := `WITH RECURSIVE g AS (
		-- The groups, by skipping through the index: one probe a group.
		(SELECT coalesce(d.keyboard_layout, '') AS layout, coalesce(d.os_installed, '') AS os FROM devices d
		 WHERE d.status = 'ready' AND d.kind = ? ORDER BY 1, 2 LIMIT 1)
		UNION ALL
		SELECT n.layout, n.os FROM g, LATERAL (
			SELECT coalesce(d.keyboard_layout, '') AS layout, coalesce(d.os_installed, '') AS os FROM devices d
			WHERE d.status = 'ready' AND d.kind = ? AND (coalesce(d.keyboard_layout, ''), coalesce(d.os_installed, '')) > (g.layout, g.os)
			ORDER BY 1, 2 LIMIT 1) n
	), c AS (
		SELECT x.id, x.received_at, x.quality + (` + groupScore + `) AS score FROM g, LATERAL (
			SELECT d.id, d.received_at, ` + quality + ` AS quality FROM devices d
			WHERE d.status = 'ready' AND d.kind = ? AND coalesce(d.keyboard_layout, '') = g.layout AND coalesce(d.os_installed, '') = g.os
			ORDER BY ` + quality + ` DESC, d.received_at, d.id LIMIT ?) x
		ORDER BY score DESC, x.received_at, x.id LIMIT ?
	)
	SELECT d.*, c.score FROM c JOIN devices d ON d.id = c.id ORDER BY c.score DESC, c.received_at, c.id`
	// The placeholders in the order they appear: the kind twice, the group's points, the kind
	// and the limit twice.
	all := append(append([]any{kind, kind}, args...), kind, limit, limit)
	if err := s.db.NewRaw(q, all...).Scan(ctx, &out); err != nil {
		return nil, dbError("rank ready devices", err)
	}
	return out, nil
}
