package inventory

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/uptrace/bun"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/validation"
)

// workshopStatuses are the statuses in which a device is in the workshop's hands, so that work
// (repairs, QA checks) can be recorded on it.
var workshopStatuses = []Status{StatusReceived, StatusWiped, StatusInRepair, StatusReady}

// notInWorkshop says that work cannot be recorded on a device in status st.
func notInWorkshop(st Status, what string) error {
	return &TransitionError{From: st, To: st, Reason: "a " + string(st) + " device is out of the workshop's hands: " + what + " cannot be recorded"}
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

// workshopUsers checks that ids name enabled workshop users (administrators, staff, trainees).
// It returns a field error naming the first one that does not.
func workshopUsers(ctx context.Context, db bun.IDB, field string, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	found, err := auth.ActiveIn(ctx, db, auth.Workshop, ids...)
	if err != nil {
		return dbError("check users", err)
	}
	for i, id := range ids {
		if !slices.Contains(found, id) {
			if len(ids) == 1 && !strings.HasSuffix(field, "s") {
				return validation.Field(field, "no such workshop user")
			}
			return validation.Field(fmt.Sprintf("%s[%d]", field, i), "no such workshop user")
		}
	}
	return nil
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

	var d *Device
	err = s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if d, err = lockDevice(ctx, tx, n.DeviceID); err != nil {
			return err
		}
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

// qaTemplate reads the checklist of a device kind.
func qaTemplate(ctx context.Context, db bun.IDB, kind Kind) ([]QAItem, error) {
	var raw string
	if err := db.NewSelect().Table("qa_templates").Column("items").Where("device_kind = ?", kind).Scan(ctx, &raw); err != nil {
		return nil, dbError("read QA template", err)
	}
	var items []QAItem
	if err := json.Unmarshal([]byte(raw), &items); err != nil {
		return nil, fmt.Errorf("read QA template of %s: %w", kind, err)
	}
	return items, nil
}

// QATemplate returns the QA checklist of a device kind: the items a check must answer, with
// their labels. Staff, administrators and trainees.
func (s *Store) QATemplate(ctx context.Context, kind Kind) ([]QAItem, error) {
	if _, err := auth.Require(ctx, auth.Workshop); err != nil {
		return nil, err
	}
	if !kind.Valid() {
		return nil, validation.Field("kind", "unknown device kind %q", kind)
	}
	return qaTemplate(ctx, s.db, kind)
}

// NewQACheck is a device checked against its kind's checklist.
type NewQACheck struct {
	DeviceID int64
	// Items answer every item of the checklist once, by key; labels are taken from the template.
	Items []QAItem
	// VerifiedBy is a second person who checked the result, optionally.
	VerifiedBy *int64
	Note       string
}

// batteryKey is the checklist item that the device's recorded battery health decides.
const batteryKey = "battery"

// RecordQACheck records a QA check of a device in the workshop, with the actor as the one who
// performed it, and appends a qa event. Every item of the kind's checklist must be answered
// exactly once. The check passes when every item passes; the battery item fails by itself when
// the device's recorded battery health is below the setting qa.battery_min_pct. A ready device
// that fails its check goes back to in_repair, with its status event: ready means "passed
// QA". Staff, administrators and trainees.
func (s *Store) RecordQACheck(ctx context.Context, n NewQACheck) (*QACheck, *Device, error) {
	actor, err := auth.Require(ctx, auth.Workshop)
	if err != nil {
		return nil, nil, err
	}
	if actor.UserID == 0 {
		return nil, nil, validation.Field("performedBy", "a QA check needs a signed-in user")
	}
	q := &QACheck{DeviceID: n.DeviceID, PerformedBy: actor.UserID, VerifiedBy: n.VerifiedBy}
	if q.Note, err = text("note", n.Note, 2000); err != nil {
		return nil, nil, err
	}
	if n.VerifiedBy != nil && *n.VerifiedBy == actor.UserID {
		return nil, nil, validation.Field("verifiedBy", "the verifier must be someone other than the person who performed the check")
	}
	answers := map[string]QAItem{}
	for i, it := range n.Items {
		key := strings.TrimSpace(it.Key)
		if _, dup := answers[key]; dup {
			return nil, nil, validation.Field(fmt.Sprintf("items[%d].key", i), "item %q is answered twice", key)
		}
		note, err := text(fmt.Sprintf("items[%d].note", i), it.Note, 500)
		if err != nil {
			return nil, nil, err
		}
		it.Key, it.Note = key, ""
		if note != nil {
			it.Note = *note
		}
		answers[key] = it
	}

	var d *Device
	err = s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if d, err = lockDevice(ctx, tx, n.DeviceID); err != nil {
			return err
		}
		if !slices.Contains(workshopStatuses, d.Status) {
			return notInWorkshop(d.Status, "a QA check")
		}
		template, err := qaTemplate(ctx, tx, d.Kind)
		if err != nil {
			return err
		}
		for i, it := range n.Items {
			key := strings.TrimSpace(it.Key)
			if !slices.ContainsFunc(template, func(t QAItem) bool { return t.Key == key }) {
				return validation.Field(fmt.Sprintf("items[%d].key", i), "%q is not on the %s checklist", key, d.Kind)
			}
		}
		var minBattery int
		if err := s.setting(ctx, tx, "qa.battery_min_pct", &minBattery); err != nil {
			return err
		}
		q.Passed = true
		var failed []string
		for _, t := range template {
			a, ok := answers[t.Key]
			if !ok {
				return validation.Field("items", "item %q (%s) is not answered", t.Key, t.Label)
			}
			a.Label = t.Label
			if t.Key == batteryKey && d.BatteryHealthPct != nil && *d.BatteryHealthPct < minBattery && a.Passed {
				a.Passed = false
				a.Note = strings.TrimSpace(fmt.Sprintf("battery health %d%% is below the %d%% minimum. %s", *d.BatteryHealthPct, minBattery, a.Note))
			}
			if !a.Passed {
				q.Passed = false
				failed = append(failed, t.Key)
			}
			q.Items = append(q.Items, a)
		}
		if n.VerifiedBy != nil {
			if err := workshopUsers(ctx, tx, "verifiedBy", []int64{*n.VerifiedBy}); err != nil {
				return err
			}
		}
		q.Cycle = d.Cycle
		if _, err := tx.NewInsert().Model(q).Returning("*").Exec(ctx); err != nil {
			return dbError("insert QA check", err)
		}
		detail := map[string]any{"qa_check_id": q.ID, "passed": q.Passed}
		if len(failed) > 0 {
			detail["failed"] = failed
		}
		if err := appendEvent(ctx, tx, &Event{DeviceID: d.ID, Kind: "qa", Note: q.Note, Detail: detail}); err != nil {
			return err
		}
		if !q.Passed && d.Status == StatusReady {
			return settle(ctx, tx, d, StatusInRepair, "failed QA: "+strings.Join(failed, ", "))
		}
		return touch(ctx, tx, d)
	})
	if err != nil {
		return nil, nil, err
	}
	return q, d, nil
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
	var d *Device
	err = s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if d, err = lockDevice(ctx, tx, deviceID); err != nil {
			return err
		}
		if d.Version != version {
			return ErrConflict
		}
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
	if err != nil {
		return nil, err
	}
	return d, nil
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
	var d *Device
	err = s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if d, err = lockDevice(ctx, tx, deviceID); err != nil {
			return err
		}
		if d.Version != version {
			return ErrConflict
		}
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
	if err != nil {
		return nil, err
	}
	return d, nil
}

func isFlagOpen(ctx context.Context, db bun.IDB, deviceID int64, flag Flag) (bool, error) {
	open, err := db.NewSelect().Table("device_flags").Where("device_id = ? AND flag = ? AND cleared_at IS NULL", deviceID, flag).Exists(ctx)
	if err != nil {
		return false, dbError("read flags", err)
	}
	return open, nil
}

// AddNote appends a note to a device's history. Staff, administrators and trainees.
func (s *Store) AddNote(ctx context.Context, deviceID int64, note string) (*Device, error) {
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
	var d *Device
	err = s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if d, err = lockDevice(ctx, tx, deviceID); err != nil {
			return err
		}
		if err := appendEvent(ctx, tx, &Event{DeviceID: d.ID, Kind: "note", Note: n}); err != nil {
			return err
		}
		return touch(ctx, tx, d)
	})
	if err != nil {
		return nil, err
	}
	return d, nil
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
	var d *Device
	err = s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if d, err = lockDevice(ctx, tx, deviceID); err != nil {
			return err
		}
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

// DevicePatch changes a device's description. A nil field is left as it is; an empty string
// clears a text field. The same rules as at intake apply.
type DevicePatch struct {
	Make             *string
	Model            *string
	SerialNumber     *string
	ManufactureYear  *int
	CPU              *string
	RAMGB            *float64
	ScreenInches     *float64
	BatteryHealthPct *int
	OSInstalled      *string
	KeyboardLayout   *string
	ConditionGrade   *string
	WeightKG         *float64
	Location         *string
	DonorAssetTag    *string
	Notes            *string
}

// UpdateDevice changes a device's description (specs, location, notes) and appends an edit
// event naming the fields that changed (not their values). version is the device version the
// caller saw: if the device changed since, nothing happens and ErrConflict says so. A patch
// that changes nothing changes neither the version nor the history. Staff, administrators and
// trainees.
func (s *Store) UpdateDevice(ctx context.Context, id int64, version int, p DevicePatch) (*Device, error) {
	if _, err := auth.Require(ctx, auth.Workshop); err != nil {
		return nil, err
	}
	var d *Device
	err := s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		var err error
		if d, err = lockDevice(ctx, tx, id); err != nil {
			return err
		}
		if d.Version != version {
			return ErrConflict
		}
		// The device as it would be at intake with the patch applied, validated by the same rules.
		n := NewDevice{
			Kind: d.Kind, Make: deref(p.Make, d.Make), Model: deref(p.Model, d.Model),
			SerialNumber: deref(p.SerialNumber, d.SerialNumber), CPU: deref(p.CPU, d.CPU),
			OSInstalled: deref(p.OSInstalled, d.OSInstalled), KeyboardLayout: deref(p.KeyboardLayout, d.KeyboardLayout),
			ConditionGrade: deref(p.ConditionGrade, d.ConditionGrade), Location: deref(p.Location, d.Location),
			DonorAssetTag: deref(p.DonorAssetTag, d.DonorAssetTag), Notes: deref(p.Notes, d.Notes),
			ManufactureYear: or(p.ManufactureYear, d.ManufactureYear), RAMGB: or(p.RAMGB, d.RAMGB),
			ScreenInches: or(p.ScreenInches, d.ScreenInches), BatteryHealthPct: or(p.BatteryHealthPct, d.BatteryHealthPct),
			WeightKG: or(p.WeightKG, &d.WeightKG),
		}
		v, _, err := n.validate("", s.now())
		if err != nil {
			return err
		}
		var changed []string
		var columns []string
		for _, f := range []struct {
			name, column string
			same         bool
		}{
			{"make", "make", equal(d.Make, v.Make)},
			{"model", "model", equal(d.Model, v.Model)},
			{"serialNumber", "serial_number", equal(d.SerialNumber, v.SerialNumber)},
			{"manufactureYear", "manufacture_year", equal(d.ManufactureYear, v.ManufactureYear)},
			{"cpu", "cpu", equal(d.CPU, v.CPU)},
			{"ramGB", "ram_gb", equal(d.RAMGB, v.RAMGB)},
			{"screenInches", "screen_inches", equal(d.ScreenInches, v.ScreenInches)},
			{"batteryHealthPct", "battery_health_pct", equal(d.BatteryHealthPct, v.BatteryHealthPct)},
			{"osInstalled", "os_installed", equal(d.OSInstalled, v.OSInstalled)},
			{"keyboardLayout", "keyboard_layout", equal(d.KeyboardLayout, v.KeyboardLayout)},
			{"conditionGrade", "condition_grade", equal(d.ConditionGrade, v.ConditionGrade)},
			{"weightKG", "weight_kg", d.WeightKG == v.WeightKG},
			{"location", "location", equal(d.Location, v.Location)},
			{"donorAssetTag", "donor_asset_tag", equal(d.DonorAssetTag, v.DonorAssetTag)},
			{"notes", "notes", equal(d.Notes, v.Notes)},
		} {
			if !f.same {
				changed = append(changed, f.name)
				columns = append(columns, f.column)
			}
		}
		if len(changed) == 0 {
			return nil
		}
		v.ID, v.Version = d.ID, d.Version+1
		columns = append(columns, "version")
		if _, err := tx.NewUpdate().Model(v).Column(columns...).Set("updated_at = now()").WherePK().Returning("*").Exec(ctx); err != nil {
			return dbError("update device", err)
		}
		d = v
		return appendEvent(ctx, tx, &Event{DeviceID: d.ID, Kind: "edit", Detail: map[string]any{"fields": changed}})
	})
	if err != nil {
		return nil, err
	}
	return d, nil
}

// deref returns the patch's value when there is one, else the current value, as text.
func deref(patch, current *string) string {
	if patch != nil {
		return *patch
	}
	if current != nil {
		return *current
	}
	return ""
}

func or[T any](patch, current *T) *T {
	if patch != nil {
		return patch
	}
	return current
}

func equal[T comparable](a, b *T) bool {
	return (a == nil) == (b == nil) && (a == nil || *a == *b)
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

// QAChecks returns the QA checks of devices the actor may see, by device id, newest first.
func (s *Store) QAChecks(ctx context.Context, deviceIDs []int64) (map[int64][]QACheck, error) {
	visible, err := scopeDevices(ctx, s.db.NewSelect().TableExpr("devices AS d").Column("d.id").Where("d.id IN (?)", bun.List(deviceIDs)), "d")
	if err != nil {
		return nil, err
	}
	var qs []QACheck
	if err := s.db.NewSelect().Model(&qs).Where("device_id IN (?)", visible).OrderExpr("device_id, id DESC").Scan(ctx); err != nil {
		return nil, dbError("select QA checks", err)
	}
	out := make(map[int64][]QACheck, len(deviceIDs))
	for _, q := range qs {
		out[q.DeviceID] = append(out[q.DeviceID], q)
	}
	return out, nil
}
