package inventory

import (
	"context"
	"slices"
	"time"

	"github.com/uptrace/bun"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/validation"
)

// RepairLog records work done on a device.
type RepairLog struct {
	bun.BaseModel `bun:"table:repair_logs"`

	ID          int64     `bun:"id,pk,autoincrement"`
	DeviceID    int64     `bun:"device_id"`
	Cycle       int       `bun:"cycle"`
	Description string    `bun:"description"`
	PartsUsed   *string   `bun:"parts_used"`
	Minutes     int       `bun:"minutes"`
	Outcome     string    `bun:"outcome"` // fixed, repairable, end_of_life
	RecordedBy  int64     `bun:"recorded_by"`
	WorkerIDs   []int64   `bun:"-"`
	CreatedAt   time.Time `bun:"created_at,nullzero,notnull,default:current_timestamp"`
}

// Outcome is how a repair ended.
type Outcome string

// The repair outcomes.
const (
	OutcomeFixed      Outcome = "fixed"       // the device works
	OutcomeRepairable Outcome = "repairable"  // more work (or a part) is needed
	OutcomeEndOfLife  Outcome = "end_of_life" // not worth repairing: recycle or dismantle it
)

// Outcomes lists every repair outcome.
var Outcomes = []Outcome{OutcomeFixed, OutcomeRepairable, OutcomeEndOfLife}

// NewRepair is work done on a device.
type NewRepair struct {
	DeviceID    int64
	Description string
	PartsUsed   string
	Minutes     int
	Outcome     Outcome
	// WorkerIDs are the trainees and staff who did the work (their skills are evidenced by it);
	// empty means the actor alone.
	WorkerIDs []int64
	// Version is the device version the caller saw: if the device changed since, nothing is
	// recorded and ErrConflict says so. 0 records whatever the version, for callers that read
	// none (GraphQL's recordRepair takes no version).
	Version int
}

// maxWorkers bounds the people named on one repair.
const maxWorkers = 20

// RecordRepair records work done on a device in the workshop (received, wiped, in repair or
// ready), with who did it, and appends a repair event. The actor is recorded as the one who
// wrote it down. Staff, administrators and trainees.
func (s *Store) RecordRepair(ctx context.Context, n NewRepair) (*RepairLog, *Device, error) {
	actor, err := auth.Require(ctx, auth.Workshop)
	if err != nil {
		return nil, nil, err
	}
	if actor.UserID == 0 {
		return nil, nil, validation.Field("recordedBy", "a repair needs a signed-in user")
	}
	r := &RepairLog{DeviceID: n.DeviceID, Minutes: n.Minutes, Outcome: string(n.Outcome), RecordedBy: actor.UserID}
	desc, err := text("description", n.Description, 4000)
	if err != nil {
		return nil, nil, err
	}
	if desc == nil {
		return nil, nil, validation.Field("description", "say what was done")
	}
	r.Description = *desc
	if r.PartsUsed, err = text("partsUsed", n.PartsUsed, 1000); err != nil {
		return nil, nil, err
	}
	if n.Minutes < 0 || n.Minutes > 6000 {
		return nil, nil, validation.Field("minutes", "must be between 0 and 6000")
	}
	if !slices.Contains(Outcomes, n.Outcome) {
		return nil, nil, validation.Field("outcome", "unknown outcome %q: use fixed, repairable or end_of_life", n.Outcome)
	}
	for _, id := range n.WorkerIDs {
		if !slices.Contains(r.WorkerIDs, id) {
			r.WorkerIDs = append(r.WorkerIDs, id)
		}
	}
	if len(r.WorkerIDs) == 0 {
		r.WorkerIDs = []int64{actor.UserID}
	}
	if len(r.WorkerIDs) > maxWorkers {
		return nil, nil, validation.Field("workerIDs", "name at most %d people", maxWorkers)
	}

	d, err := s.changeDevice(ctx, n.DeviceID, seen(n.Version), func(ctx context.Context, tx bun.Tx, d *Device) error {
		if !slices.Contains(workshopStatuses, d.Status) {
			return notInWorkshop(d.Status, "a repair")
		}
		if err := workshopUsers(ctx, tx, "workerIDs", r.WorkerIDs); err != nil {
			return err
		}
		r.Cycle = d.Cycle
		if _, err := tx.NewInsert().Model(r).Returning("*").Exec(ctx); err != nil {
			return dbError("insert repair", err)
		}
		if _, err := tx.NewRaw("INSERT INTO repair_workers (repair_id, user_id) SELECT ?, unnest(?::bigint[])", r.ID, pgArray(r.WorkerIDs)).Exec(ctx); err != nil {
			return dbError("insert repair workers", err)
		}
		if err := appendEvent(ctx, tx, &Event{DeviceID: d.ID, Kind: "repair", Note: &r.Description, Detail: map[string]any{
			"repair_id": r.ID, "outcome": r.Outcome, "minutes": r.Minutes, "workers": r.WorkerIDs}}); err != nil {
			return err
		}
		return touch(ctx, tx, d)
	})
	if err != nil {
		return nil, nil, err
	}
	return r, d, nil
}

// Repairs returns the repair logs of devices the actor may see, by device id, newest first,
// each with the people who did the work.
func (s *Store) Repairs(ctx context.Context, deviceIDs []int64) (map[int64][]RepairLog, error) {
	visible, err := scopeDevices(ctx, s.db.NewSelect().TableExpr("devices AS d").Column("d.id").Where("d.id IN (?)", bun.List(deviceIDs)), "d")
	if err != nil {
		return nil, err
	}
	var rows []struct {
		RepairLog
		Workers []int64 `bun:"workers,array"`
	}
	err = s.db.NewSelect().Model(&rows).ModelTableExpr("repair_logs AS r").ColumnExpr("r.*").
		ColumnExpr("array(SELECT w.user_id FROM repair_workers w WHERE w.repair_id = r.id ORDER BY w.user_id) AS workers").
		Where("r.device_id IN (?)", visible).OrderExpr("r.device_id, r.id DESC").Scan(ctx)
	if err != nil {
		return nil, dbError("select repairs", err)
	}
	out := make(map[int64][]RepairLog, len(deviceIDs))
	for _, r := range rows {
		r.RepairLog.WorkerIDs = r.Workers
		out[r.DeviceID] = append(out[r.DeviceID], r.RepairLog)
	}
	return out, nil
}
