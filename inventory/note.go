package inventory

import (
	"context"

	"github.com/uptrace/bun"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/validation"
)

// AddNote appends a note to a device's history. version is the device version the caller saw:
// if the device changed since, nothing is recorded and ErrConflict says so; 0 records whatever
// the version, for callers that read none (GraphQL's addDeviceNote takes no version). Staff,
// administrators and trainees.
func (s *Store) AddNote(ctx context.Context, deviceID int64, version int, note string) (*Device, error) {
	if _, err := auth.Require(ctx, auth.Workshop); err != nil {
		return nil, err
	}
	n, err := text("note", note, 4000)
	if err != nil {
		return nil, err
	}
	if n == nil {
		return nil, validation.Field("note", "write something")
	}
	return s.changeDevice(ctx, deviceID, seen(version), func(ctx context.Context, tx bun.Tx, d *Device) error {
		if err := appendEvent(ctx, tx, &Event{DeviceID: d.ID, Kind: "note", Note: n}); err != nil {
			return err
		}
		return touch(ctx, tx, d)
	})
}
