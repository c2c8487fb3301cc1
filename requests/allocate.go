package requests

import (
	"context"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/inventory"
	"github.com/digital-inclusion/refurb/validation"
)

// Allocate reserves a device for an approved request: the request goes to allocated and the
// device to reserved, in one transaction. version is the device version the caller saw: if the
// device changed since (another allocation took it first), nothing changes and ErrConflict says
// so. A device that is not ready, or not of the requested kind, is an AllocationError; a
// request that is not approved a StateError; nothing changes either way. pickupOn is the day the
// beneficiary may collect it (nil: the next working day). Staff and administrators only; the
// social worker is notified.
func (s *Store) Allocate(ctx context.Context, requestID, deviceID int64, version int, pickupOn *time.Time) (*Request, error) {
	a, err := auth.Require(ctx, auth.Office)
	if err != nil {
		return nil, err
	}
	today := s.today()
	pickup := nextWorkingDay(today)
	if pickupOn != nil {
		pickup = time.Date(pickupOn.Year(), pickupOn.Month(), pickupOn.Day(), 0, 0, 0, 0, time.UTC)
		if pickup.Before(today) || pickup.After(today.AddDate(0, 3, 0)) {
			return nil, validation.Field("pickupOn", "must be between today and three months from now")
		}
	}
	var r *Request
	err = s.tx(ctx, a, func(ctx context.Context, tx bun.Tx) error {
		if r, err = lock(ctx, tx, requestID); err != nil {
			return err
		}
		if r.Status != StatusApproved {
			return &StateError{From: r.Status, To: StatusAllocated, Reason: "only an approved request gets a device"}
		}
		_, err := inventory.NewStore(tx).MoveForRequest(ctx, deviceID, version, inventory.StatusReserved, "reserved for device request #"+itoa(r.ID),
			func(ctx context.Context, tx bun.IDB, d *inventory.Device) error {
				switch {
				case d.Kind != r.Kind:
					return &AllocationError{DeviceTag: d.Tag, Reason: "it is a " + kindName(d.Kind) + ", the request is for a " + kindName(r.Kind)}
				case d.Status != inventory.StatusReady:
					return &AllocationError{DeviceTag: d.Tag, Reason: "it is " + strings.ReplaceAll(string(d.Status), "_", " ") + ", not ready"}
				}
				from := r.Status
				r.Status, r.DeviceID, r.DeviceCycle, r.PickupOn = StatusAllocated, &d.ID, &d.Cycle, &pickup
				r.AllocatedBy = nil
				if a.UserID != 0 {
					r.AllocatedBy = &a.UserID
				}
				if _, err := tx.NewUpdate().Model(r).Column("status", "device_id", "device_cycle", "pickup_on", "allocated_by").
					Set("allocated_at = now(), version = version + 1, updated_at = now()").WherePK().
					Returning("version, updated_at, allocated_at").Exec(ctx); err != nil {
					return dbError("allocate", err)
				}
				if err := appendEvent(ctx, tx, a, r, "allocated", from, StatusAllocated, map[string]any{"device_id": d.ID}); err != nil {
					return err
				}
				return enqueue(ctx, tx, "request_allocated", r)
			})
		return err
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

func kindName(k inventory.Kind) string { return strings.ReplaceAll(string(k), "_", " ") }

// today is the current date in the workshop's time zone, as a UTC midnight (a date).
func (s *Store) today() time.Time {
	now := s.now().In(s.tz)
	return time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
}

// nextWorkingDay is the first weekday after day.
func nextWorkingDay(day time.Time) time.Time {
	for {
		day = day.AddDate(0, 0, 1)
		if wd := day.Weekday(); wd != time.Saturday && wd != time.Sunday {
			return day
		}
	}
}
