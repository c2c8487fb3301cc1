package inventory

import (
	"context"
	"slices"
	"time"

	"github.com/uptrace/bun"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/validation"
)

// Flag marks a device as held back (blocking flags) or worth a look (advisory).
type Flag string

// The flags. All but FlagOverAge block the move to ready.
const (
	FlagNeedsPart          Flag = "needs_part"
	FlagWipeFailed         Flag = "wipe_failed"
	FlagNeedsInvestigation Flag = "needs_investigation"
	FlagOverAge            Flag = "over_age" // older than the acceptance policy: offered for recycling
)

// Flags lists every flag.
var Flags = []Flag{FlagNeedsPart, FlagWipeFailed, FlagNeedsInvestigation, FlagOverAge}

// Valid reports whether f is a known flag.
func (f Flag) Valid() bool { return slices.Contains(Flags, f) }

// Blocking reports whether the flag keeps a device from becoming ready.
func (f Flag) Blocking() bool { return f != FlagOverAge }

// DeviceFlag is a flag set on a device, open until cleared.
type DeviceFlag struct {
	bun.BaseModel `bun:"table:device_flags"`

	ID        int64      `bun:"id,pk,autoincrement"`
	DeviceID  int64      `bun:"device_id"`
	Flag      Flag       `bun:"flag"`
	Note      *string    `bun:"note"`
	SetBy     *int64     `bun:"set_by"`
	SetAt     time.Time  `bun:"set_at,nullzero,notnull,default:current_timestamp"`
	ClearedBy *int64     `bun:"cleared_by"`
	ClearedAt *time.Time `bun:"cleared_at"`
}

// SetFlag opens a flag on a device, with its event. version is the device version the caller
// saw: if the device changed since, nothing happens and ErrConflict says so. A flag that is
// already open is left as it is. A blocking flag set on a ready device sends it back to
// in_repair, with its status event: ready means "no open blocking flag". Staff,
// administrators and trainees.
func (s *Store) SetFlag(ctx context.Context, deviceID int64, version int, flag Flag, note string) (*Device, error) {
	if _, err := auth.Require(ctx, auth.Workshop); err != nil {
		return nil, err
	}
	if !flag.Valid() {
		return nil, validation.Field("flag", "unknown flag %q", flag)
	}
	n, err := text("note", note, 1000)
	if err != nil {
		return nil, err
	}
	return s.changeDevice(ctx, deviceID, &version, func(ctx context.Context, tx bun.Tx, d *Device) error {
		open, err := isFlagOpen(ctx, tx, d.ID, flag)
		if err != nil || open {
			return err
		}
		var text string
		if n != nil {
			text = *n
		}
		if err := setFlag(ctx, tx, d.ID, flag, text); err != nil {
			return err
		}
		if flag.Blocking() && d.Status == StatusReady {
			return settle(ctx, tx, d, StatusInRepair, "flagged "+string(flag))
		}
		return touch(ctx, tx, d)
	})
}

// ClearFlag clears an open flag of a device, with its event. version is the device version the
// caller saw: if the device changed since, nothing happens and ErrConflict says so. A flag that
// is not open is left alone. wipe_failed cannot be cleared while a storage medium lacks a
// passing record (a passing wipe or a DESTROY record clears it by itself), and only staff and
// administrators may clear wipe_failed or over_age (accepting an old device is a policy
// decision). Staff, administrators and trainees.
func (s *Store) ClearFlag(ctx context.Context, deviceID int64, version int, flag Flag) (*Device, error) {
	actor, err := auth.Require(ctx, auth.Workshop)
	if err != nil {
		return nil, err
	}
	if !flag.Valid() {
		return nil, validation.Field("flag", "unknown flag %q", flag)
	}
	if (flag == FlagWipeFailed || flag == FlagOverAge) && !actor.In(auth.Office) {
		return nil, auth.ErrForbidden
	}
	return s.changeDevice(ctx, deviceID, &version, func(ctx context.Context, tx bun.Tx, d *Device) error {
		open, err := isFlagOpen(ctx, tx, d.ID, flag)
		if err != nil || !open {
			return err
		}
		if flag == FlagWipeFailed {
			missing, err := wipeMissing(ctx, tx, []int64{d.ID})
			if err != nil {
				return err
			}
			if ids := missing[d.ID]; len(ids) > 0 {
				return wipeRequired(ctx, tx, d.Tag, ids)
			}
		}
		if err := clearFlag(ctx, tx, d.ID, flag); err != nil {
			return err
		}
		return touch(ctx, tx, d)
	})
}

func isFlagOpen(ctx context.Context, db bun.IDB, deviceID int64, flag Flag) (bool, error) {
	open, err := db.NewSelect().Table("device_flags").Where("device_id = ? AND flag = ? AND cleared_at IS NULL", deviceID, flag).Exists(ctx)
	if err != nil {
		return false, dbError("read flags", err)
	}
	return open, nil
}

// setFlag opens a flag on a device unless it is already open, with its event.
func setFlag(ctx context.Context, tx bun.IDB, deviceID int64, flag Flag, note string) error {
	f := &DeviceFlag{DeviceID: deviceID, Flag: flag, SetBy: actorID(ctx)}
	if note != "" {
		f.Note = &note
	}
	res, err := tx.NewInsert().Model(f).On("CONFLICT (device_id, flag) WHERE cleared_at IS NULL DO NOTHING").Exec(ctx)
	if err != nil {
		return dbError("set flag", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nil
	}
	return appendEvent(ctx, tx, &Event{DeviceID: deviceID, Kind: "flag", Note: f.Note, Detail: map[string]any{"flag": flag, "set": true}})
}

// clearFlag clears an open flag, with its event; a flag that is not open is left alone.
func clearFlag(ctx context.Context, tx bun.IDB, deviceID int64, flag Flag) error {
	res, err := tx.NewUpdate().Model((*DeviceFlag)(nil)).Set("cleared_at = now(), cleared_by = ?", actorID(ctx)).
		Where("device_id = ? AND flag = ? AND cleared_at IS NULL", deviceID, flag).Exec(ctx)
	if err != nil {
		return dbError("clear flag", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nil
	}
	return appendEvent(ctx, tx, &Event{DeviceID: deviceID, Kind: "flag", Detail: map[string]any{"flag": flag, "set": false}})
}

// OpenFlags returns the open flags of devices, by device id.
func (s *Store) OpenFlags(ctx context.Context, deviceIDs []int64) (map[int64][]DeviceFlag, error) {
	var fs []DeviceFlag
	if err := s.db.NewSelect().Model(&fs).Where("device_id IN (?)", bun.List(deviceIDs)).Where("cleared_at IS NULL").Order("device_id", "id").Scan(ctx); err != nil {
		return nil, dbError("select flags", err)
	}
	out := map[int64][]DeviceFlag{}
	for _, f := range fs {
		out[f.DeviceID] = append(out[f.DeviceID], f)
	}
	return out, nil
}
