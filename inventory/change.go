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
