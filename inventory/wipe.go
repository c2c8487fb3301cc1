package inventory

import (
	"context"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/validation"
)

// NewWipe is one sanitization attempt on one medium (NIST SP 800-88, domain.md section 3).
type NewWipe struct {
	MediumID     int64
	Method       Method
	Technique    string // e.g. "1-pass zero overwrite", "NVMe Format (crypto erase)", "shredded"
	Standard     string // e.g. "NIST SP 800-88 Rev. 2"
	Tool         string // tool and version, e.g. "nwipe 0.38"
	Verification string // none, sample or full
	StartedAt    *time.Time
	FinishedAt   *time.Time // default: now
	Result       Result
	Warnings     string
	VerifierID   *int64 // a second person who checked
	Destination  string // reuse, recycling or destruction
	// Physical destruction, by a contractor or in house.
	Contractor            string
	ContractorCertificate string
	DINLevel              string // DIN 66399, e.g. H-5 for magnetic drives, E-4 for flash
	ReportFilename        string
	ReportSHA256          string
}

var (
	dinLevel = regexp.MustCompile(`^[OTEHFP]-[1-7]$`)
	sha256Re = regexp.MustCompile(`^[0-9a-f]{64}$`)
)

// flashKinds are media whose overwrite is Clear, never Purge: wear levelling keeps copies of
// data where an overwrite cannot reach.
var flashKinds = []StorageKind{StorageSSD, StorageNVMe, StorageEMMC, StorageFlash}

// noWipeStatuses are the statuses in which a device is out of the workshop's hands.
var noWipeStatuses = []Status{StatusReserved, StatusHandedOut, StatusRecycled, StatusDismantled, StatusLost}

// RecordWipe records a sanitization attempt, with the actor as operator. A failed attempt sets
// the device's wipe_failed flag (and sends a wiped or ready device back to in_repair, with its
// status event); when every medium of the device has passed (a failed drive is
// closed by a DESTROY record) the flag is cleared, and a device still in received moves to
// wiped by itself, with its event. Staff, administrators and trainees.
func (s *Store) RecordWipe(ctx context.Context, n NewWipe) (*WipeRecord, *Device, error) {
	actor, err := auth.Require(ctx, auth.Workshop)
	if err != nil {
		return nil, nil, err
	}
	if actor.UserID == 0 {
		return nil, nil, validation.Field("operator", "a wipe needs a signed-in operator")
	}
	w := &WipeRecord{MediumID: n.MediumID, Method: n.Method, Result: n.Result, OperatorID: actor.UserID, VerifierID: n.VerifierID}
	if !slices.Contains([]Method{MethodClear, MethodPurge, MethodDestroy}, n.Method) {
		return nil, nil, validation.Field("method", "unknown sanitization method %q", n.Method)
	}
	if n.Result != ResultPassed && n.Result != ResultFailed {
		return nil, nil, validation.Field("result", "unknown result %q", n.Result)
	}
	t, err := text("technique", n.Technique, 200)
	if err != nil {
		return nil, nil, err
	}
	if t == nil {
		return nil, nil, validation.Field("technique", "say how the medium was sanitized")
	}
	w.Technique = *t
	if err := texts("",
		textField{"standard", n.Standard, 200, &w.Standard},
		textField{"tool", n.Tool, 200, &w.Tool},
		textField{"warnings", n.Warnings, 2000, &w.Warnings},
		textField{"contractor", n.Contractor, 200, &w.Contractor},
		textField{"contractorCertificate", n.ContractorCertificate, 100, &w.ContractorCertificate},
		textField{"reportFilename", n.ReportFilename, 255, &w.ReportFilename},
	); err != nil {
		return nil, nil, err
	}
	w.Verification = strings.ToLower(strings.TrimSpace(n.Verification))
	if w.Verification == "" {
		w.Verification = "none"
	}
	if !slices.Contains([]string{"none", "sample", "full"}, w.Verification) {
		return nil, nil, validation.Field("verification", "use none, sample or full")
	}
	if d := strings.ToLower(strings.TrimSpace(n.Destination)); d != "" {
		if !slices.Contains([]string{"reuse", "recycling", "destruction"}, d) {
			return nil, nil, validation.Field("destination", "use reuse, recycling or destruction")
		}
		w.Destination = &d
	}
	if l := strings.ToUpper(strings.TrimSpace(n.DINLevel)); l != "" {
		if !dinLevel.MatchString(l) {
			return nil, nil, validation.Field("dinLevel", "%q is not a DIN 66399 level such as H-5 or E-4", n.DINLevel)
		}
		w.DINLevel = &l
	}
	if n.Method != MethodDestroy && (w.Contractor != nil || w.ContractorCertificate != nil || w.DINLevel != nil) {
		return nil, nil, validation.Field("method", "contractor, certificate and DIN level describe physical destruction: use DESTROY")
	}
	if n.Method == MethodDestroy && n.Result == ResultPassed && w.DINLevel == nil {
		return nil, nil, validation.Field("dinLevel", "a destruction needs its DIN 66399 level")
	}
	if h := strings.ToLower(strings.TrimSpace(n.ReportSHA256)); h != "" {
		if !sha256Re.MatchString(h) {
			return nil, nil, validation.Field("reportSHA256", "is not a SHA-256 in hexadecimal")
		}
		w.ReportSHA256 = &h
	}
	now := s.now()
	w.FinishedAt = now
	if n.FinishedAt != nil {
		if n.FinishedAt.After(now.Add(5 * time.Minute)) {
			return nil, nil, validation.Field("finishedAt", "is in the future")
		}
		w.FinishedAt = *n.FinishedAt
	}
	if n.StartedAt != nil {
		if n.StartedAt.After(w.FinishedAt) {
			return nil, nil, validation.Field("startedAt", "is after finishedAt")
		}
		w.StartedAt = n.StartedAt
	}
	if n.VerifierID != nil && *n.VerifierID == actor.UserID {
		return nil, nil, validation.Field("verifierID", "the verifier must be someone other than the operator")
	}

	var d *Device
	err = s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		m := new(StorageMedium)
		if err := tx.NewSelect().Model(m).Where("id = ?", n.MediumID).Scan(ctx); err != nil {
			if err := dbError("select medium", err); err == ErrNotFound {
				return validation.Field("mediumID", "no such storage medium")
			}
			return err
		}
		if d, err = lockDevice(ctx, tx, m.DeviceID); err != nil {
			return err
		}
		if slices.Contains(noWipeStatuses, d.Status) {
			return &TransitionError{From: d.Status, To: d.Status, Reason: "a " + string(d.Status) + " device cannot be wiped"}
		}
		if n.Method == MethodPurge && slices.Contains(flashKinds, m.Kind) && strings.Contains(strings.ToLower(w.Technique), "overwrite") {
			return validation.Field("method", "an overwrite of flash media is CLEAR, never PURGE (NIST SP 800-88)")
		}
		if n.VerifierID != nil {
			found, err := auth.ActiveIn(ctx, tx, auth.Workshop, *n.VerifierID)
			if err != nil {
				return dbError("check verifier", err)
			}
			if len(found) == 0 {
				return validation.Field("verifierID", "no such workshop user")
			}
		}
		w.Cycle = d.Cycle
		if _, err := tx.NewInsert().Model(w).Returning("*").Exec(ctx); err != nil {
			return dbError("insert wipe record", err)
		}
		if err := appendEvent(ctx, tx, &Event{DeviceID: d.ID, Kind: "wipe", Detail: map[string]any{
			"medium_id": m.ID, "method": w.Method, "result": w.Result, "wipe_record_id": w.ID}}); err != nil {
			return err
		}
		if w.Result == ResultFailed {
			note := "medium " + mediumName(m) + " failed sanitization"
			if err := setFlag(ctx, tx, d.ID, FlagWipeFailed, note); err != nil {
				return err
			}
			// Wiped and ready say every medium passed: no longer true.
			if d.Status == StatusWiped || d.Status == StatusReady {
				return settle(ctx, tx, d, StatusInRepair, note)
			}
			return touch(ctx, tx, d)
		}
		missing, err := wipeMissing(ctx, tx, []int64{d.ID})
		if err != nil {
			return err
		}
		if len(missing[d.ID]) > 0 {
			return touch(ctx, tx, d)
		}
		if err := clearFlag(ctx, tx, d.ID, FlagWipeFailed); err != nil {
			return err
		}
		if d.Status != StatusReceived {
			return touch(ctx, tx, d)
		}
		d.Status = StatusWiped
		d.Version++
		if _, err := tx.NewUpdate().Model(d).Column("status", "version").Set("updated_at = now()").WherePK().Exec(ctx); err != nil {
			return dbError("mark device wiped", err)
		}
		note := "every storage medium sanitized"
		return appendEvent(ctx, tx, &Event{DeviceID: d.ID, Kind: "status", FromStatus: statusPtr(StatusReceived), ToStatus: statusPtr(StatusWiped), Note: &note})
	})
	if err != nil {
		return nil, nil, err
	}
	return w, d, nil
}

func mediumName(m *StorageMedium) string {
	if m.SerialNumber != nil {
		return *m.SerialNumber
	}
	return "#" + strings.TrimSpace(string(m.Kind))
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
