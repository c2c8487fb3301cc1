package inventory

import (
	"context"

	"github.com/uptrace/bun"
)

// workshopStatuses are the statuses in which a device is in the workshop's hands, so that work
// (repairs, QA checks) can be recorded on it.
var workshopStatuses = []Status{StatusReceived, StatusWiped, StatusInRepair, StatusReady}

// notInWorkshop says that work cannot be recorded on a device in status st.
func notInWorkshop(st Status, what string) error {
	return &TransitionError{From: st, To: st, Reason: "a " + string(st) + " device is out of the workshop's hands: " + what + " cannot be recorded"}
}

// changeDevice makes one change to device id: in one transaction (a savepoint inside a
// caller's) it locks the device for update, compares its version with the one the caller saw
// and runs change on it, which writes the change with its event and bumps the version (touch,
// settle). It returns the device as change left it. A nil version skips the comparison, for
// records whose callers do not say which version they saw; otherwise a device whose version
// differs is left alone and ErrConflict says so.
func (s *Store) changeDevice(ctx context.Context, id int64, version *int, change func(ctx context.Context, tx bun.Tx, d *Device) error) (*Device, error) {
	var d *Device
	err := s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		var err error
		if d, err = lockVersion(ctx, tx, id, version); err != nil {
			return err
		}
		return change(ctx, tx, d)
	})
	if err != nil {
		return nil, err
	}
	return d, nil
}

// seen is the version a record's caller saw, for changeDevice and lockVersion: nil, no check,
// for 0, which no device has (versions start at 1).
func seen(version int) *int {
	if version == 0 {
		return nil
	}
	return &version
}

// lockVersion locks a device (lockDevice) and compares its version with the one the caller
// saw, unless version is nil: the check is made under the lock, so that no change can come
// between it and the write.
func lockVersion(ctx context.Context, tx bun.IDB, id int64, version *int) (*Device, error) {
	d, err := lockDevice(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	if version != nil && d.Version != *version {
		return nil, ErrConflict
	}
	return d, nil
}

// lockDevice reads a device for update inside a transaction: concurrent changes to one device
// wait for each other, and each sees the other's result.
func lockDevice(ctx context.Context, tx bun.IDB, id int64) (*Device, error) {
	d := new(Device)
	if err := tx.NewSelect().Model(d).Where("id = ?", id).For("UPDATE").Scan(ctx); err != nil {
		return nil, dbError("lock device", err)
	}
	return d, nil
}

// touch bumps a device's version: every change to a device, not only a status change, makes a
// form opened before it stale.
func touch(ctx context.Context, tx bun.IDB, d *Device) error {
	d.Version++
	_, err := tx.NewUpdate().Model(d).Column("version").Set("updated_at = now()").WherePK().Returning("updated_at").Exec(ctx)
	return dbError("update device version", err)
}

// settle finishes a change to a locked device: it bumps the version and, when to differs from
// the device's status, moves it there with a status event, so that a change costs one version.
func settle(ctx context.Context, tx bun.IDB, d *Device, to Status, note string) error {
	if to == d.Status {
		return touch(ctx, tx, d)
	}
	from := d.Status
	d.Status = to
	d.Version++
	if _, err := tx.NewUpdate().Model(d).Column("status", "version").Set("updated_at = now()").WherePK().Returning("cycle, updated_at").Exec(ctx); err != nil {
		return dbError("update status", err)
	}
	return appendEvent(ctx, tx, &Event{DeviceID: d.ID, Kind: "status", FromStatus: &from, ToStatus: &to, Note: &note})
}
