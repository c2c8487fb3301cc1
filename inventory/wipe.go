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

// Method is a NIST SP 800-88 sanitization category.
type Method string

// The sanitization categories.
const (
	MethodClear   Method = "clear"   // overwrite all user-addressable locations
	MethodPurge   Method = "purge"   // recovery infeasible even in a lab
	MethodDestroy Method = "destroy" // the medium can no longer store data
)

// Methods lists every sanitization category, from the least thorough to the most.
var Methods = []Method{MethodClear, MethodPurge, MethodDestroy}

// Valid reports whether m is a known sanitization category.
func (m Method) Valid() bool { return slices.Contains(Methods, m) }

// Result is a sanitization's outcome.
type Result string

// The results.
const (
	ResultPassed Result = "passed"
	ResultFailed Result = "failed"
)

// Results lists every result.
var Results = []Result{ResultPassed, ResultFailed}

// Verification is how much of a sanitized medium was read back to check it. NewWipe and
// WipeRecord hold it as a string (one of Verifications).
type Verification string

// The verifications.
const (
	VerificationNone   Verification = "none"   // nothing read back
	VerificationSample Verification = "sample" // parts of the medium read back
	VerificationFull   Verification = "full"   // every location read back
)

// Verifications lists every verification, in the order a form offers them.
var Verifications = []Verification{VerificationNone, VerificationSample, VerificationFull}

// Valid reports whether v is a known verification.
func (v Verification) Valid() bool { return slices.Contains(Verifications, v) }

// Destination is where a sanitized medium goes. NewWipe and WipeRecord hold it as a string
// (one of Destinations).
type Destination string

// The destinations.
const (
	DestinationReuse       Destination = "reuse"
	DestinationRecycling   Destination = "recycling"
	DestinationDestruction Destination = "destruction"
)

// Destinations lists every destination.
var Destinations = []Destination{DestinationReuse, DestinationRecycling, DestinationDestruction}

// Valid reports whether d is a known destination.
func (d Destination) Valid() bool { return slices.Contains(Destinations, d) }

// WipeRecord is one sanitization attempt on one medium. Its json tags are the column names, so
// a row turned into JSON by PostgreSQL (to_jsonb) decodes into it.
type WipeRecord struct {
	bun.BaseModel `bun:"table:wipe_records,alias:w"`

	ID                    int64      `bun:"id,pk,autoincrement" json:"id"`
	MediumID              int64      `bun:"medium_id" json:"medium_id"`
	Cycle                 int        `bun:"cycle" json:"cycle"`
	Method                Method     `bun:"method" json:"method"`
	Technique             string     `bun:"technique" json:"technique"`
	Standard              *string    `bun:"standard" json:"standard"`
	Tool                  *string    `bun:"tool" json:"tool"`
	Verification          string     `bun:"verification" json:"verification"`
	StartedAt             *time.Time `bun:"started_at" json:"started_at"`
	FinishedAt            time.Time  `bun:"finished_at" json:"finished_at"`
	Result                Result     `bun:"result" json:"result"`
	Warnings              *string    `bun:"warnings" json:"warnings"`
	OperatorID            int64      `bun:"operator_id" json:"operator_id"`
	VerifierID            *int64     `bun:"verifier_id" json:"verifier_id"`
	Destination           *string    `bun:"destination" json:"destination"`
	Contractor            *string    `bun:"contractor" json:"contractor"`
	ContractorCertificate *string    `bun:"contractor_certificate" json:"contractor_certificate"`
	DINLevel              *string    `bun:"din_level" json:"din_level"`
	ReportFilename        *string    `bun:"report_filename" json:"report_filename"`
	ReportSHA256          *string    `bun:"report_sha256" json:"report_sha256"`
	ReportID              *int64     `bun:"report_id" json:"report_id"` // the stored report it was read from (wipe_reports)
	CreatedAt             time.Time  `bun:"created_at,nullzero,notnull,default:current_timestamp" json:"created_at"`
}

// NewWipe is one sanitization attempt on one medium (NIST SP 800-88, domain.md section 3).
type NewWipe struct {
	MediumID     int64
	Method       Method
	Technique    string // e.g. "1-pass zero overwrite", "NVMe Format (crypto erase)", "shredded"
	Standard     string // e.g. "NIST SP 800-88 Rev. 2"
	Tool         string // tool and version, e.g. "nwipe 0.38"
	Verification string // one of Verifications; default none
	StartedAt    *time.Time
	FinishedAt   *time.Time // default: now
	Result       Result
	Warnings     string
	VerifierID   *int64 // a second person who checked
	Destination  string // one of Destinations, or none given
	// Physical destruction, by a contractor or in house.
	Contractor            string
	ContractorCertificate string
	DINLevel              string // DIN 66399, e.g. H-5 for magnetic drives, E-4 for flash
	ReportFilename        string
	ReportSHA256          string
	// Version is the device version the caller saw: if the device changed since, nothing is
	// recorded and ErrConflict says so. 0 records whatever the version, for callers that read
	// none (GraphQL's recordWipe takes no version).
	Version int
	// reportID links the record to a stored report: set by ImportWipeReports only, with the
	// report's file name and SHA-256 (the database checks they agree).
	reportID *int64
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
	w, err := n.validate(actor.UserID, s.now())
	if err != nil {
		return nil, nil, err
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
		if d, err = lockVersion(ctx, tx, m.DeviceID, seen(n.Version)); err != nil {
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

// validate checks a sanitization input and returns the record it makes, with operator as its
// operator and now as the time it is recorded. It checks everything that needs no database, so
// that the rules are table-tested without one; RecordWipe checks the rest under the device's
// lock: the medium and its device's status, an overwrite of flash media called PURGE, and the
// verifier.
func (n *NewWipe) validate(operator int64, now time.Time) (*WipeRecord, error) {
	w := &WipeRecord{MediumID: n.MediumID, Method: n.Method, Result: n.Result, OperatorID: operator, VerifierID: n.VerifierID, ReportID: n.reportID}
	if !n.Method.Valid() {
		return nil, validation.Field("method", "unknown sanitization method %q", n.Method)
	}
	if !slices.Contains(Results, n.Result) {
		return nil, validation.Field("result", "unknown result %q", n.Result)
	}
	t, err := text("technique", n.Technique, 200)
	if err != nil {
		return nil, err
	}
	if t == nil {
		return nil, validation.Field("technique", "say how the medium was sanitized")
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
		return nil, err
	}
	w.Verification = strings.ToLower(strings.TrimSpace(n.Verification))
	if w.Verification == "" {
		w.Verification = string(VerificationNone)
	}
	if !Verification(w.Verification).Valid() {
		return nil, validation.Field("verification", "use %s", orList(Verifications))
	}
	if d := strings.ToLower(strings.TrimSpace(n.Destination)); d != "" {
		if !Destination(d).Valid() {
			return nil, validation.Field("destination", "use %s", orList(Destinations))
		}
		w.Destination = &d
	}
	if l := strings.ToUpper(strings.TrimSpace(n.DINLevel)); l != "" {
		if !dinLevel.MatchString(l) {
			return nil, validation.Field("dinLevel", "%q is not a DIN 66399 level such as H-5 or E-4", n.DINLevel)
		}
		w.DINLevel = &l
	}
	if n.Method != MethodDestroy && (w.Contractor != nil || w.ContractorCertificate != nil || w.DINLevel != nil) {
		return nil, validation.Field("method", "contractor, certificate and DIN level describe physical destruction: use DESTROY")
	}
	if n.Method == MethodDestroy && n.Result == ResultPassed && w.DINLevel == nil {
		return nil, validation.Field("dinLevel", "a destruction needs its DIN 66399 level")
	}
	if h := strings.ToLower(strings.TrimSpace(n.ReportSHA256)); h != "" {
		if !sha256Re.MatchString(h) {
			return nil, validation.Field("reportSHA256", "is not a SHA-256 in hexadecimal")
		}
		w.ReportSHA256 = &h
	}
	w.FinishedAt = now
	if n.FinishedAt != nil {
		// A few minutes of grace for the clock of the machine that ran the wipe.
		if n.FinishedAt.After(now.Add(5 * time.Minute)) {
			return nil, validation.Field("finishedAt", "is in the future")
		}
		w.FinishedAt = *n.FinishedAt
	}
	if n.StartedAt != nil {
		if n.StartedAt.After(w.FinishedAt) {
			return nil, validation.Field("startedAt", "is after finishedAt")
		}
		w.StartedAt = n.StartedAt
	}
	if n.VerifierID != nil && *n.VerifierID == operator {
		return nil, validation.Field("verifierID", "the verifier must be someone other than the operator")
	}
	return w, nil
}

// orList writes values as a choice for a message: "none, sample or full".
func orList[T ~string](values []T) string {
	var b strings.Builder
	for i, v := range values {
		switch {
		case i == 0:
		case i == len(values)-1:
			b.WriteString(" or ")
		default:
			b.WriteString(", ")
		}
		b.WriteString(string(v))
	}
	return b.String()
}

func mediumName(m *StorageMedium) string {
	if m.SerialNumber != nil {
		return *m.SerialNumber
	}
	return "#" + strings.TrimSpace(string(m.Kind))
}

// LatestWipes returns the latest sanitization record of each medium in its device's current
// cycle, by medium id; media without one are absent.
func (s *Store) LatestWipes(ctx context.Context, mediumIDs []int64) (map[int64]*WipeRecord, error) {
	var ws []WipeRecord
	err := s.db.NewSelect().Model(&ws).
		DistinctOn("w.medium_id").ModelTableExpr("wipe_records AS w").
		Join("JOIN storage_media AS m ON m.id = w.medium_id").Join("JOIN devices AS d ON d.id = m.device_id").
		Where("w.medium_id IN (?)", bun.List(mediumIDs)).Where("w.cycle = d.cycle").
		OrderExpr("w.medium_id, w.finished_at DESC, w.id DESC").Scan(ctx)
	if err != nil {
		return nil, dbError("select wipe records", err)
	}
	out := make(map[int64]*WipeRecord, len(ws))
	for i := range ws {
		out[ws[i].MediumID] = &ws[i]
	}
	return out, nil
}

// WipeMissing returns, by device id, the media that lack a passing record in the device's
// current cycle; devices whose media are all sanitized are absent.
func (s *Store) WipeMissing(ctx context.Context, deviceIDs []int64) (map[int64][]int64, error) {
	return wipeMissing(ctx, s.db, deviceIDs)
}

// unsanitized selects the storage media of the devices listed in its parameter whose latest
// record in their device's current cycle did not pass (or that have none): the media that keep
// a device from moving on. The database's wipe_missing() holds the same rule for the trigger.
const unsanitized = `
	FROM storage_media m JOIN devices d ON d.id = m.device_id
	LEFT JOIN LATERAL (
		SELECT w.result FROM wipe_records w
		WHERE w.medium_id = m.id AND w.cycle = d.cycle
		ORDER BY w.finished_at DESC, w.id DESC LIMIT 1) last ON true
	WHERE m.device_id IN (?) AND coalesce(last.result, 'none') <> 'passed'
	`

func wipeMissing(ctx context.Context, db bun.IDB, deviceIDs []int64) (map[int64][]int64, error) {
	var rows []struct {
		DeviceID int64 `bun:"device_id"`
		MediumID int64 `bun:"medium_id"`
	}
	err := db.NewRaw(`SELECT m.device_id, m.id AS medium_id`+unsanitized+`ORDER BY m.device_id, m.id`, bun.List(deviceIDs)).Scan(ctx, &rows)
	if err != nil {
		return nil, dbError("check sanitization", err)
	}
	out := map[int64][]int64{}
	for _, r := range rows {
		out[r.DeviceID] = append(out[r.DeviceID], r.MediumID)
	}
	return out, nil
}

// RequireWiped returns a *WipeRequiredError naming every storage medium of the devices that
// lacks a passing record in its device's current cycle, with its device's tag and its serial,
// in the order of the devices' tags; nil when none does. It is the check of an erasure
// certificate of a donation. The caller has already read the devices (and so passed the scope
// check), as for WipeMissing.
func (s *Store) RequireWiped(ctx context.Context, deviceIDs []int64) error {
	var rows []struct {
		MediumID int64   `bun:"medium_id"`
		Tag      string  `bun:"tag"`
		Serial   *string `bun:"serial_number"`
	}
	err := s.db.NewRaw(`SELECT m.id AS medium_id, d.tag, m.serial_number`+unsanitized+`ORDER BY d.tag_number, m.id`, bun.List(deviceIDs)).Scan(ctx, &rows)
	if err != nil {
		return dbError("check sanitization", err)
	}
	if len(rows) == 0 {
		return nil
	}
	e := &WipeRequiredError{}
	for _, r := range rows {
		serial := ""
		if r.Serial != nil {
			serial = *r.Serial
		}
		e.MediumIDs = append(e.MediumIDs, r.MediumID)
		e.Serials = append(e.Serials, serial)
		e.DeviceTags = append(e.DeviceTags, r.Tag)
	}
	return e
}

// WipeRecord returns a sanitization record, if the actor may see its device.
func (s *Store) WipeRecord(ctx context.Context, id int64) (*WipeRecord, error) {
	w := new(WipeRecord)
	if err := s.db.NewSelect().Model(w).Where("w.id = ?", id).Scan(ctx); err != nil {
		return nil, dbError("select wipe record", err)
	}
	if _, err := s.Medium(ctx, w.MediumID); err != nil {
		return nil, err
	}
	return w, nil
}

func wipeRequired(ctx context.Context, db bun.IDB, tag string, ids []int64) error {
	var serials []*string
	if err := db.NewSelect().Table("storage_media").Column("serial_number").Where("id IN (?)", bun.List(ids)).Order("id").Scan(ctx, &serials); err != nil {
		return dbError("read media", err)
	}
	e := &WipeRequiredError{DeviceTag: tag, MediumIDs: ids}
	for _, s := range serials {
		if s == nil {
			e.Serials = append(e.Serials, "")
		} else {
			e.Serials = append(e.Serials, *s)
		}
	}
	return e
}
