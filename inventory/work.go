package inventory

import (
	"context"
	"time"

	"github.com/uptrace/bun"

	"github.com/digital-inclusion/refurb/auth"
)

// Work is a piece of work a person did on a device: a wipe they operated, a repair they
// worked on, a QA check they performed. Workshops reads it (WorkBy) to propose a trainee's
// hours and to evidence their skills.
type Work struct {
	Kind       string `bun:"kind"` // wipe, repair, qa
	RecordID   int64  `bun:"record_id"`
	UserID     int64  `bun:"user_id"`
	DeviceID   int64  `bun:"device_id"`
	DeviceTag  string `bun:"device_tag"`
	DeviceKind Kind   `bun:"device_kind"`
	// EventID is the device event that recorded the work, nil if none matches.
	EventID *int64    `bun:"event_id"`
	At      time.Time `bun:"at"`
	// Minutes is a repair's recorded time; 0 for wipes and QA checks.
	Minutes int `bun:"minutes"`
	// Description is a repair's description or a wipe's technique; PartsUsed a repair's parts.
	Description string `bun:"description"`
	PartsUsed   string `bun:"parts_used"`
	// Passed is a wipe's or QA check's result; true for repairs.
	Passed bool `bun:"passed"`
}

// maxWork bounds the work WorkBy returns.
const maxWork = 10000

// WorkBy returns the work the users did since a time, the latest first, each with the device
// and the event that recorded it: repairs they are named on as workers, wipes they operated,
// QA checks they performed. Those who work in the workshop (auth.Workshop) may read it; the
// caller decides whose work the actor may see.
func (s *Store) WorkBy(ctx context.Context, userIDs []int64, since time.Time) ([]Work, error) {
	if _, err := auth.Require(ctx, auth.Workshop); err != nil {
		return nil, err
	}
	if len(userIDs) == 0 {
		return nil, nil
	}
	var out []Work
	err := s.db.NewRaw(`
		SELECT 'repair' AS kind, r.id AS record_id, w.user_id, r.device_id, d.tag AS device_tag, d.kind AS device_kind,
		  r.created_at AS at, r.minutes, r.description, coalesce(r.parts_used, '') AS parts_used, true AS passed,
		  (SELECT e.id FROM device_events e WHERE e.device_id = r.device_id AND e.kind = 'repair'
		     AND e.detail->>'repair_id' = r.id::text ORDER BY e.id LIMIT 1) AS event_id
		FROM repair_workers w JOIN repair_logs r ON r.id = w.repair_id JOIN devices d ON d.id = r.device_id
		WHERE w.user_id IN (?0) AND r.created_at >= ?1
		UNION ALL
		SELECT 'wipe', wr.id, wr.operator_id, m.device_id, d.tag, d.kind, wr.finished_at, 0, wr.technique, '', wr.result = 'passed',
		  (SELECT e.id FROM device_events e WHERE e.device_id = m.device_id AND e.kind = 'wipe'
		     AND e.detail->>'wipe_record_id' = wr.id::text ORDER BY e.id LIMIT 1)
		FROM wipe_records wr JOIN storage_media m ON m.id = wr.medium_id JOIN devices d ON d.id = m.device_id
		WHERE wr.operator_id IN (?0) AND wr.finished_at >= ?1
		UNION ALL
		SELECT 'qa', q.id, q.performed_by, q.device_id, d.tag, d.kind, q.created_at, 0, '', '', q.passed,
		  (SELECT e.id FROM device_events e WHERE e.device_id = q.device_id AND e.kind = 'qa'
		     AND e.detail->>'qa_check_id' = q.id::text ORDER BY e.id LIMIT 1)
		FROM qa_checks q JOIN devices d ON d.id = q.device_id
		WHERE q.performed_by IN (?0) AND q.created_at >= ?1
		ORDER BY at DESC, kind, record_id DESC
		LIMIT ?2`, bun.List(userIDs), since, maxWork).Scan(ctx, &out)
	if err != nil {
		return nil, dbError("select work", err)
	}
	return out, nil
}

// EventsByID returns the device events the actor may see among ids, by id.
func (s *Store) EventsByID(ctx context.Context, ids []int64) (map[int64]*Event, error) {
	scope, err := DonorScope(ctx)
	if err != nil {
		return nil, err
	}
	var es []Event
	q := s.db.NewSelect().Model(&es).Where("id IN (?)", bun.List(ids))
	if !scope.All() {
		q = q.Where("device_id IN (SELECT id FROM devices WHERE donation_id IN (SELECT id FROM donations WHERE donor_id = ?))", scope.DonorID())
	}
	if err := q.Scan(ctx); err != nil {
		return nil, dbError("select events", err)
	}
	out := make(map[int64]*Event, len(es))
	for i := range es {
		out[es[i].ID] = &es[i]
	}
	return out, nil
}
