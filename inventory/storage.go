package inventory

import (
	"context"
	"math"
	"slices"
	"time"

	"github.com/uptrace/bun"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/validation"
)

// StorageKind is the kind of a storage medium.
type StorageKind string

// The storage kinds.
const (
	StorageHDD   StorageKind = "hdd"
	StorageSSD   StorageKind = "ssd"
	StorageNVMe  StorageKind = "nvme"
	StorageEMMC  StorageKind = "emmc"
	StorageFlash StorageKind = "flash"
	StorageOther StorageKind = "other"
)

// StorageKinds lists every storage kind.
var StorageKinds = []StorageKind{StorageHDD, StorageSSD, StorageNVMe, StorageEMMC, StorageFlash, StorageOther}

// StorageMedium is a drive of a device; each is sanitized and recorded on its own.
type StorageMedium struct {
	bun.BaseModel `bun:"table:storage_media"`

	ID           int64       `bun:"id,pk,autoincrement" json:"id"`
	DeviceID     int64       `bun:"device_id" json:"device_id"`
	Kind         StorageKind `bun:"kind" json:"kind"`
	Make         *string     `bun:"make" json:"make"`
	Model        *string     `bun:"model" json:"model"`
	SerialNumber *string     `bun:"serial_number" json:"serial_number"`
	CapacityGB   *float64    `bun:"capacity_gb" json:"capacity_gb"`
	CreatedAt    time.Time   `bun:"created_at,nullzero,notnull,default:current_timestamp" json:"created_at"`
}

// NewStorage describes a storage medium found in a device.
type NewStorage struct {
	Kind         StorageKind
	Make         string
	Model        string
	SerialNumber string
	CapacityGB   *float64
}

// validate checks a storage medium input. field prefixes the field names in errors (e.g.
// "devices[3].storage[0].").
func (st NewStorage) validate(field string) (*StorageMedium, error) {
	m := &StorageMedium{Kind: st.Kind}
	if !slices.Contains(StorageKinds, st.Kind) {
		return nil, validation.Field(field+"kind", "unknown storage kind %q", st.Kind)
	}
	var err error
	if m.Make, err = text(field+"make", st.Make, 100); err != nil {
		return nil, err
	}
	if m.Model, err = text(field+"model", st.Model, 200); err != nil {
		return nil, err
	}
	if m.SerialNumber, err = text(field+"serialNumber", st.SerialNumber, 100); err != nil {
		return nil, err
	}
	if c := st.CapacityGB; c != nil {
		if math.IsNaN(*c) || *c <= 0 || *c >= 1e7 {
			return nil, validation.Field(field+"capacityGB", "must be a number above 0 and below %g", 1e7)
		}
		m.CapacityGB = c
	}
	return m, nil
}

// AddStorage records a storage medium found in, or fitted to, a device, with a storage event.
// The device must be received, wiped or in repair. The new medium has no sanitization record,
// so a wiped device no longer is: it moves to in_repair (fitting a drive is repair work), with
// its status event, and cannot become ready before the medium is sanitized. Staff,
// administrators and trainees.
func (s *Store) AddStorage(ctx context.Context, deviceID int64, n NewStorage) (*StorageMedium, *Device, error) {
	if _, err := auth.Require(ctx, auth.Workshop); err != nil {
		return nil, nil, err
	}
	m, err := n.validate("")
	if err != nil {
		return nil, nil, err
	}
	d, err := s.changeDevice(ctx, deviceID, nil, func(ctx context.Context, tx bun.Tx, d *Device) error {
		switch d.Status {
		case StatusReceived, StatusWiped, StatusInRepair:
		default:
			return &TransitionError{From: d.Status, To: d.Status, Reason: "storage can be added to a received, wiped or in_repair device only: move it to in_repair first"}
		}
		m.DeviceID = d.ID
		if _, err := tx.NewInsert().Model(m).Returning("*").Exec(ctx); err != nil {
			if err := dbError("insert storage medium", err); !isFieldError(err) {
				return err
			}
			return validation.Field("serialNumber", "a storage medium with this serial number is already recorded")
		}
		detail := map[string]any{"medium_id": m.ID, "kind": m.Kind}
		if m.SerialNumber != nil {
			detail["serial_number"] = *m.SerialNumber
		}
		if err := appendEvent(ctx, tx, &Event{DeviceID: d.ID, Kind: "storage", Detail: detail}); err != nil {
			return err
		}
		if d.Status == StatusWiped {
			return settle(ctx, tx, d, StatusInRepair, "storage medium added: it must be sanitized")
		}
		return touch(ctx, tx, d)
	})
	if err != nil {
		return nil, nil, err
	}
	return m, d, nil
}

func isFieldError(err error) bool {
	_, ok := validation.As(err)
	return ok
}

// Storage returns the storage media of devices, by device id, oldest first. The caller has
// already read the devices (and so passed the scope check).
func (s *Store) Storage(ctx context.Context, deviceIDs []int64) (map[int64][]StorageMedium, error) {
	var ms []StorageMedium
	if err := s.db.NewSelect().Model(&ms).Where("device_id IN (?)", bun.List(deviceIDs)).Order("device_id", "id").Scan(ctx); err != nil {
		return nil, dbError("select storage media", err)
	}
	out := make(map[int64][]StorageMedium, len(deviceIDs))
	for _, m := range ms {
		out[m.DeviceID] = append(out[m.DeviceID], m)
	}
	return out, nil
}

// MediumState is a storage medium with the latest sanitization record of its device's current
// cycle (nil when it has none).
type MediumState struct {
	StorageMedium
	Latest *WipeRecord
}

// StorageWithWipes returns the storage media of devices, by device id, oldest first, each with
// its latest record of the current cycle, in one statement. The caller has already read the
// devices (and so passed the scope check).
func (s *Store) StorageWithWipes(ctx context.Context, deviceIDs []int64) (map[int64][]MediumState, error) {
	var rows []struct {
		StorageMedium
		Latest *WipeRecord `bun:"latest,type:jsonb"`
	}
	err := s.db.NewRaw(`
		SELECT m.*, to_jsonb(last) AS latest
		FROM storage_media m JOIN devices d ON d.id = m.device_id
		LEFT JOIN LATERAL (
			SELECT w.* FROM wipe_records w
			WHERE w.medium_id = m.id AND w.cycle = d.cycle
			ORDER BY w.finished_at DESC, w.id DESC LIMIT 1) last ON true
		WHERE m.device_id IN (?)
		ORDER BY m.device_id, m.id`, bun.List(deviceIDs)).Scan(ctx, &rows)
	if err != nil {
		return nil, dbError("select storage media", err)
	}
	out := make(map[int64][]MediumState, len(deviceIDs))
	for _, r := range rows {
		out[r.DeviceID] = append(out[r.DeviceID], MediumState{StorageMedium: r.StorageMedium, Latest: r.Latest})
	}
	return out, nil
}

// Medium returns a storage medium with its latest sanitization record, if the actor may see
// its device.
func (s *Store) Medium(ctx context.Context, id int64) (*MediumState, error) {
	var deviceID int64
	if err := s.db.NewSelect().Table("storage_media").Column("device_id").Where("id = ?", id).Scan(ctx, &deviceID); err != nil {
		return nil, dbError("select medium", err)
	}
	if _, err := s.Device(ctx, deviceID); err != nil {
		return nil, err
	}
	states, err := s.StorageWithWipes(ctx, []int64{deviceID})
	if err != nil {
		return nil, err
	}
	for i := range states[deviceID] {
		if states[deviceID][i].ID == id {
			return &states[deviceID][i], nil
		}
	}
	return nil, ErrNotFound
}
