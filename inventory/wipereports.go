package inventory

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/internal/calendar"
	"github.com/digital-inclusion/refurb/inventory/wipereport"
	"github.com/digital-inclusion/refurb/validation"
)

// Erasure tools' reports, imported instead of typed (docs/wipes.md). Staff upload nwipe's PDF
// reports and Blancco's XML reports, one or many at once; each erasure a report states is
// matched to a storage medium by serial (spaces and case ignored) and becomes a sanitization
// record through RecordWipe, the report's file kept beside it. What cannot be matched for sure
// (no medium with that serial, several, or one on a device that may not be wiped now) is listed
// for a person to decide, never guessed.

// Limits of an upload of wipe reports.
const (
	MaxWipeReportBytes  = wipereport.MaxBytes // one file: 5 MB
	MaxWipeReportFiles  = 50                  // files in one upload
	MaxWipeUploadBytes  = 50 << 20            // all the files of one upload
	HoldWipeReportsFor  = 30 * time.Minute
	maxHeldWipeReports  = 200 // files held at once, across users: past it the oldest go
	wipeReportAdvisoryK = 70  // the advisory lock space of wipe reports (hashtextextended's seed)
)

// The outcomes of an erasure in a report.
const (
	OutcomeRecord    = "record"    // dry run: would be recorded
	OutcomeRecorded  = "recorded"  // recorded as a sanitization record
	OutcomeSkipped   = "skipped"   // this report is already recorded for this medium
	OutcomeUnmatched = "unmatched" // no medium has this serial: decide (a device's tag) or leave it
	OutcomeAmbiguous = "ambiguous" // several media have this serial: pick one or leave it
	OutcomeBlocked   = "blocked"   // the medium's device may not be wiped now (reserved, handed out, ...)
	OutcomeRefused   = "refused"   // the record would be wrong (a time in the future, a decision that does not fit)
)

// WipeReportFile is an uploaded report.
type WipeReportFile struct {
	Filename string
	Data     []byte
}

// WipeDecision is what a person chose for an erasure that was not matched for sure: one of the
// candidate media (MediumID), or a device by its tag (DeviceTag) whose one medium without a
// serial, or with this serial, is the drive.
type WipeDecision struct {
	MediumID  int64
	DeviceTag string
}

// DecisionKey names an erasure of a report in the decisions: the report's SHA-256 and the
// erasure's position in it.
func DecisionKey(sha256 string, erasure int) string { return sha256 + ":" + strconv.Itoa(erasure) }

// WipeImport says what an import of reports did, or in a dry run would do.
type WipeImport struct {
	DryRun bool               `json:"dryRun"`
	Files  []WipeReportResult `json:"files"`
	// Counts of the erasures by outcome, and the files that could not be read.
	Recorded  int `json:"recorded"` // recorded, or in a dry run to record
	Skipped   int `json:"skipped"`
	Undecided int `json:"undecided"` // unmatched, ambiguous or blocked
	Refused   int `json:"refused"`
	Unread    int `json:"unread"` // files refused whole
}

// WipeReportResult is one file of an import.
type WipeReportResult struct {
	Filename string           `json:"filename"`
	SHA256   string           `json:"sha256"`
	Format   string           `json:"format,omitempty"`
	Error    string           `json:"error,omitempty"` // why the file was not read; then it has no erasures
	Erasures []WipeReportLine `json:"erasures"`
}

// WipeReportLine is one erasure of a report and what became of it.
type WipeReportLine struct {
	Key          string     `json:"key"` // DecisionKey
	Serial       string     `json:"serial"`
	Model        string     `json:"model,omitempty"`
	Method       Method     `json:"method"`
	Technique    string     `json:"technique"`
	Standard     string     `json:"standard,omitempty"`
	Tool         string     `json:"tool"`
	Verification string     `json:"verification"`
	Result       Result     `json:"result"`
	Warnings     string     `json:"warnings,omitempty"`
	StartedAt    *time.Time `json:"startedAt,omitempty"`
	FinishedAt   time.Time  `json:"finishedAt"`
	Outcome      string     `json:"outcome"`
	Message      string     `json:"message,omitempty"` // why refused or blocked
	// The medium it is, or would be, recorded on.
	MediumID     int64           `json:"mediumId,omitempty"`
	DeviceTag    string          `json:"deviceTag,omitempty"`
	WipeRecordID int64           `json:"wipeRecordId,omitempty"`
	Candidates   []WipeCandidate `json:"candidates,omitempty"` // the media with this serial, when several have it
}

// WipeCandidate is a storage medium an erasure may be about.
type WipeCandidate struct {
	MediumID     int64       `json:"mediumId"`
	Serial       string      `json:"serial"`
	Kind         StorageKind `json:"kind"`
	DeviceTag    string      `json:"deviceTag"`
	DeviceStatus Status      `json:"deviceStatus"`
}

// ImportWipeReports reads the reports and records each erasure matched for sure to a storage
// medium, with the acting user as operator, the report's file stored and linked to the record.
// decisions (by DecisionKey) settle the erasures a person decided. A dry run checks everything
// and writes nothing. Otherwise the whole upload is one transaction: every erasure to record
// is recorded, or, when one fails, none is. An erasure whose medium already has a record of
// the same report is skipped, so that importing again changes nothing. A file that cannot be
// read is listed with why, and does not stop the others. Staff, administrators and trainees.
func (s *Store) ImportWipeReports(ctx context.Context, files []WipeReportFile, decisions map[string]WipeDecision, dryRun bool) (*WipeImport, error) {
	actor, err := auth.Require(ctx, auth.Workshop)
	if err != nil {
		return nil, err
	}
	if actor.UserID == 0 {
		return nil, validation.Field("files", "importing reports needs a signed-in operator")
	}
	if len(files) == 0 {
		return nil, validation.Field("files", "no file: send nwipe PDF or Blancco XML reports")
	}
	if len(files) > MaxWipeReportFiles {
		return nil, fmt.Errorf("%w (%w)", validation.Field("files", "%d files: send at most %d at once", len(files), MaxWipeReportFiles), ErrTooLarge)
	}
	total := 0
	for _, f := range files {
		total += len(f.Data)
	}
	if total > MaxWipeUploadBytes {
		return nil, fmt.Errorf("%w (%w)", validation.Field("files", "the files are larger than the %d MB limit of an upload", MaxWipeUploadBytes>>20), ErrTooLarge)
	}

	imp := &WipeImport{DryRun: dryRun, Files: make([]WipeReportResult, len(files))}
	parsed := make([]*wipereport.Report, len(files))
	seenSHA := map[string]string{}
	for i, f := range files {
		sum := sha256.Sum256(f.Data)
		res := &imp.Files[i]
		res.Filename, res.SHA256, res.Erasures = reportFilename(f.Filename), hex.EncodeToString(sum[:]), []WipeReportLine{}
		if first, dup := seenSHA[res.SHA256]; dup {
			res.Error = "the same file as " + first
			continue
		}
		seenSHA[res.SHA256] = res.Filename
		rep, err := wipereport.Parse(res.Filename, f.Data, s.zone())
		if err != nil {
			res.Error = err.Error()
			continue
		}
		parsed[i], res.Format = rep, string(rep.Format)
		for j, e := range rep.Erasures {
			res.Erasures = append(res.Erasures, lineOf(DecisionKey(res.SHA256, j), e))
		}
	}

	run := func(ctx context.Context, db bun.IDB) error {
		if !dryRun {
			// Imports of the same report wait for each other, so that it is recorded once.
			shas := make([]string, 0, len(seenSHA))
			for sha := range seenSHA {
				shas = append(shas, sha)
			}
			slices.Sort(shas)
			for _, sha := range shas {
				if _, err := db.ExecContext(ctx, "SELECT pg_advisory_xact_lock(hashtextextended(?, ?))", sha, wipeReportAdvisoryK); err != nil {
					return dbError("lock a wipe report", err)
				}
			}
		}
		type pending struct {
			file, line int
			wipe       NewWipe
		}
		var todo []pending
		now := s.now()
		for i := range imp.Files {
			res := &imp.Files[i]
			for j := range res.Erasures {
				l := &res.Erasures[j]
				n, err := s.matchErasure(ctx, db, res.SHA256, l, decisions[l.Key])
				if err != nil {
					return err
				}
				if n == nil {
					continue
				}
				n.ReportFilename, n.ReportSHA256 = res.Filename, res.SHA256
				if _, err := n.validate(actor.UserID, now); err != nil {
					l.Outcome, l.Message = OutcomeRefused, refusal(err)
					continue
				}
				l.Outcome = OutcomeRecord
				todo = append(todo, pending{i, j, *n})
			}
		}
		if dryRun || len(todo) == 0 {
			return nil
		}
		// Oldest first, so that a failed attempt and its later success leave the drive passed.
		slices.SortStableFunc(todo, func(a, b pending) int {
			return cmp.Compare(imp.Files[a.file].Erasures[a.line].FinishedAt.UnixNano(), imp.Files[b.file].Erasures[b.line].FinishedAt.UnixNano())
		})
		reports := map[int]*WipeReport{}
		st := &Store{db: db, now: s.now}
		for _, p := range todo {
			res := &imp.Files[p.file]
			rep := reports[p.file]
			if rep == nil {
				if rep, err = storeReport(ctx, db, res, parsed[p.file].Format, files[p.file].Data, actor.UserID); err != nil {
					return err
				}
				reports[p.file] = rep
			}
			n := p.wipe
			n.reportID, n.ReportFilename = &rep.ID, rep.Filename
			w, _, err := st.RecordWipe(ctx, n)
			if err != nil {
				l := res.Erasures[p.line]
				return fmt.Errorf("%s, drive %s: %w", res.Filename, l.Serial, err)
			}
			l := &res.Erasures[p.line]
			l.Outcome, l.WipeRecordID = OutcomeRecorded, w.ID
		}
		return nil
	}
	if dryRun {
		err = run(ctx, s.db)
	} else {
		err = s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error { return run(ctx, tx) })
	}
	if err != nil {
		return nil, err
	}
	for _, res := range imp.Files {
		if res.Error != "" {
			imp.Unread++
		}
		for _, l := range res.Erasures {
			switch l.Outcome {
			case OutcomeRecord, OutcomeRecorded:
				imp.Recorded++
			case OutcomeSkipped:
				imp.Skipped++
			case OutcomeRefused:
				imp.Refused++
			default:
				imp.Undecided++
			}
		}
	}
	return imp, nil
}

// lineOf is an erasure as the import lists it, before it is matched.
func lineOf(key string, e wipereport.Erasure) WipeReportLine {
	l := WipeReportLine{Key: key, Serial: e.Serial, Model: e.Model, Method: Method(e.Category), Technique: e.Technique,
		Standard: e.Standard, Tool: e.Tool, Verification: e.Verification, Result: ResultFailed, StartedAt: e.StartedAt, FinishedAt: e.FinishedAt,
		Warnings: strings.Join(e.Warnings, "; ")}
	if e.Passed {
		l.Result = ResultPassed
	}
	if len(l.Warnings) > 2000 {
		l.Warnings = l.Warnings[:2000]
	}
	return l
}

// mediumRow is a storage medium with its device, as matching reads it.
type mediumRow struct {
	MediumID     int64       `bun:"medium_id"`
	Serial       *string     `bun:"serial_number"`
	Kind         StorageKind `bun:"kind"`
	DeviceID     int64       `bun:"device_id"`
	DeviceTag    string      `bun:"tag"`
	DeviceStatus Status      `bun:"status"`
}

const mediumRows = `SELECT m.id AS medium_id, m.serial_number, m.kind, d.id AS device_id, d.tag, d.status
	FROM storage_media m JOIN devices d ON d.id = m.device_id `

// matchErasure finds the medium of an erasure, sets the line's outcome when it cannot be
// recorded, and returns the sanitization to record otherwise.
func (s *Store) matchErasure(ctx context.Context, db bun.IDB, sha string, l *WipeReportLine, d WipeDecision) (*NewWipe, error) {
	key := wipereport.SerialKey(l.Serial)
	var found []mediumRow
	if err := db.NewRaw(mediumRows+`WHERE m.serial_number IS NOT NULL
		AND lower(regexp_replace(m.serial_number, '\s+', '', 'g')) = ? ORDER BY d.tag_number, m.id`, key).Scan(ctx, &found); err != nil {
		return nil, dbError("match a serial", err)
	}
	// Candidates are listed whenever several media have the serial, decided or not, so that
	// the choice stays in view.
	if len(found) > 1 {
		for _, f := range found {
			l.Candidates = append(l.Candidates, WipeCandidate{MediumID: f.MediumID, Serial: strOr(f.Serial), Kind: f.Kind,
				DeviceTag: f.DeviceTag, DeviceStatus: f.DeviceStatus})
		}
	}
	var m *mediumRow
	switch {
	case d.MediumID != 0:
		var rows []mediumRow
		if err := db.NewRaw(mediumRows+`WHERE m.id = ?`, d.MediumID).Scan(ctx, &rows); err != nil {
			return nil, dbError("read the chosen medium", err)
		}
		if len(rows) == 0 {
			l.Outcome, l.Message = OutcomeRefused, "the chosen storage medium does not exist"
			return nil, nil
		}
		m = &rows[0]
		if m.Serial != nil && wipereport.SerialKey(*m.Serial) != key {
			l.Outcome, l.Message = OutcomeRefused, fmt.Sprintf("the chosen medium has serial %s, the report %s", *m.Serial, l.Serial)
			return nil, nil
		}
	case strings.TrimSpace(d.DeviceTag) != "":
		tag, _, err := ParseTag(d.DeviceTag)
		if err != nil {
			l.Outcome, l.Message = OutcomeRefused, err.Error()
			return nil, nil
		}
		var rows []mediumRow
		if err := db.NewRaw(mediumRows+`WHERE d.tag = ? AND (m.serial_number IS NULL
			OR lower(regexp_replace(m.serial_number, '\s+', '', 'g')) = ?) ORDER BY m.id`, tag, key).Scan(ctx, &rows); err != nil {
			return nil, dbError("read the device's media", err)
		}
		switch len(rows) {
		case 0:
			l.Outcome, l.Message = OutcomeRefused, fmt.Sprintf("%s has no storage medium without a serial: record the drive (serial %s) on the device", tag, l.Serial)
			return nil, nil
		case 1:
			m = &rows[0]
		default:
			l.Outcome, l.Message = OutcomeRefused, fmt.Sprintf("%s has several storage media without a serial: record this drive's serial (%s) on the device", tag, l.Serial)
			return nil, nil
		}
	case len(found) == 0:
		l.Outcome = OutcomeUnmatched
		return nil, nil
	case len(found) > 1:
		l.Outcome = OutcomeAmbiguous
		return nil, nil
	default:
		m = &found[0]
	}
	l.MediumID, l.DeviceTag = m.MediumID, m.DeviceTag
	var done bool
	if err := db.NewRaw(`SELECT EXISTS (SELECT 1 FROM wipe_records w LEFT JOIN wipe_reports r ON r.id = w.report_id
		WHERE w.medium_id = ? AND (w.report_sha256 = ? OR r.sha256 = ?))`, m.MediumID, sha, sha).Scan(ctx, &done); err != nil {
		return nil, dbError("look for the report's record", err)
	}
	if done {
		l.Outcome = OutcomeSkipped
		return nil, nil
	}
	if slices.Contains(noWipeStatuses, m.DeviceStatus) {
		l.Outcome, l.Message = OutcomeBlocked, fmt.Sprintf("%s is %s: its drives may not be wiped now", m.DeviceTag, m.DeviceStatus)
		return nil, nil
	}
	if l.Method == MethodPurge && slices.Contains(flashKinds, m.Kind) && strings.Contains(strings.ToLower(l.Technique), "overwrite") {
		l.Outcome, l.Message = OutcomeRefused, "an overwrite of flash media is CLEAR, never PURGE (NIST SP 800-88)"
		return nil, nil
	}
	finished := l.FinishedAt
	return &NewWipe{MediumID: m.MediumID, Method: l.Method, Technique: l.Technique, Standard: l.Standard, Tool: l.Tool,
		Verification: l.Verification, StartedAt: l.StartedAt, FinishedAt: &finished, Result: l.Result, Warnings: l.Warnings}, nil
}

// refusal is an error's message for a person: a field error's message, or the error's text.
func refusal(err error) string {
	if fe, ok := validation.As(err); ok {
		if fe.Field != "" {
			return fe.Field + ": " + fe.Message
		}
		return fe.Message
	}
	return err.Error()
}

// reportFilename keeps a report file's base name, as importFilename does for asset lists.
func reportFilename(name string) string {
	if n := importFilename(name); n != "asset list" {
		return n
	}
	return "report"
}

func strOr(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// zone is where times written without a zone (nwipe's) are read: the workshop's.
func (s *Store) zone() *time.Location {
	return calendar.Zone()
}
