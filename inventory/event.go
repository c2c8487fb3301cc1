package inventory

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/validation"
)

// Event is one entry of a device's history. Events are never changed or deleted.
type Event struct {
	bun.BaseModel `bun:"table:device_events"`

	ID         int64          `bun:"id,pk,autoincrement" json:"id"`
	DeviceID   int64          `bun:"device_id" json:"device_id"`
	At         time.Time      `bun:"at,nullzero,notnull,default:current_timestamp" json:"at"`
	Kind       string         `bun:"kind" json:"kind"` // intake, wipe, repair, qa, status, note, flag, edit, storage
	FromStatus *Status        `bun:"from_status" json:"from_status"`
	ToStatus   *Status        `bun:"to_status" json:"to_status"`
	ActorID    *int64         `bun:"actor_id" json:"actor_id"`
	Note       *string        `bun:"note" json:"note"`
	Detail     map[string]any `bun:"detail,type:jsonb,notnull" json:"detail"`
}

// appendEvent adds an event to a device's history in the caller's transaction.
func appendEvent(ctx context.Context, db bun.IDB, e *Event) error {
	if e.Detail == nil {
		e.Detail = map[string]any{}
	}
	if a, ok := auth.ActorFrom(ctx); ok && a.UserID != 0 {
		e.ActorID = &a.UserID
	}
	if _, err := db.NewInsert().Model(e).Exec(ctx); err != nil {
		return fmt.Errorf("append %s event: %w", e.Kind, err)
	}
	return nil
}

// Events returns the last n events of each device, newest first, by device id.
func (s *Store) Events(ctx context.Context, deviceIDs []int64, last int) (map[int64][]Event, error) {
	if last <= 0 || last > 1000 {
		return nil, validation.Field("last", "must be between 1 and 1000")
	}
	var es []Event
	err := s.db.NewRaw(`
		SELECT e.* FROM unnest(?::bigint[]) AS dev(id)
		CROSS JOIN LATERAL (
			SELECT * FROM device_events WHERE device_id = dev.id ORDER BY id DESC LIMIT ?) e
		ORDER BY e.device_id, e.id DESC`, pgArray(deviceIDs), last).Scan(ctx, &es)
	if err != nil {
		return nil, dbError("select events", err)
	}
	out := make(map[int64][]Event, len(deviceIDs))
	for _, e := range es {
		out[e.DeviceID] = append(out[e.DeviceID], e)
	}
	return out, nil
}
