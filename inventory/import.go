package inventory

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/uptrace/bun"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/inventory/assetlist"
	"github.com/digital-inclusion/refurb/validation"
)

// MaxImportBytes is the largest asset list ImportAssetList reads: 10 MB, some 60,000 rows of
// CSV, far more than any donation.
const MaxImportBytes = 10 << 20

// ErrTooLarge is wrapped, together with a field error on "file" that says which limit, by the
// error ImportAssetList returns for a file over a size limit: MaxImportBytes, what a workbook
// may unzip to (ten times that), or the rows a worksheet may have. See package assetlist.
var ErrTooLarge = assetlist.ErrTooLarge

// maxParsing is how many asset lists a Store parses at once; more wait their turn. Reading a
// worksheet of 100,000 rows (the limit) takes a server some 80 MB for a second: without a
// bound four uploads at once took it from 32 to 381 MB, and forty would take gigabytes
// (cmd/refurb's TestServeRefusesHostileAssetLists measures it).
const maxParsing = 1

// importChunk is how many devices one round of inserts adds, so that a progress bar moves and
// no statement grows without bound.
const importChunk = 1000

// Import is the record of an asset list imported into a donation. The same file (by SHA-256)
// is recorded once per donation, which is how importing it again creates nothing.
type Import struct {
	bun.BaseModel `bun:"table:imports"`

	ID         int64         `bun:"id,pk,autoincrement"`
	DonationID int64         `bun:"donation_id"`
	FileSHA256 string        `bun:"file_sha256"`
	Filename   string        `bun:"filename"`
	Format     string        `bun:"format"` // csv or xlsx
	Rows       int           `bun:"rows"`
	Created    int           `bun:"created"`
	Report     ImportDetails `bun:"report,type:jsonb"`
	ImportedBy *int64        `bun:"imported_by"`
	CreatedAt  time.Time     `bun:"created_at,nullzero,notnull,default:current_timestamp"`
}

// ImportDetails is what an import's record keeps besides its counts.
type ImportDetails struct {
	Skipped        int        `json:"skipped"` // rows whose serial was already in the donation
	Errors         []RowError `json:"errors"`  // empty: an import with errors imports nothing and is not recorded
	Sheet          string     `json:"sheet,omitempty"`
	Encoding       string     `json:"encoding,omitempty"`
	Delimiter      string     `json:"delimiter,omitempty"`
	IgnoredColumns []string   `json:"ignoredColumns,omitempty"`
	// Lines are the list's rows and what became of each, so that a donation certificate can
	// reconcile the donor's list with what arrived (Reconcile); imports recorded before lines
	// were kept have none.
	Lines []ImportLine `json:"lines,omitempty"`
}

// RowError is a problem with one row of an asset list.
type RowError struct {
	Line    int    `json:"line"`    // the line (CSV) or row (XLSX) number, 1-based
	Column  string `json:"column"`  // the column's header as written in the file; "" for the whole row
	Message string `json:"message"` // what is wrong, in words a person can act on
}

// ImportReport says what an import did, or in a dry run what it would do.
type ImportReport struct {
	ImportID        int64        `json:"importId,omitempty"` // the import's record; with AlreadyImported, the earlier one
	DonationNumber  string       `json:"donationNumber"`
	Filename        string       `json:"filename"`
	SHA256          string       `json:"sha256"`
	Format          string       `json:"format"`
	Sheet           string       `json:"sheet,omitempty"`
	IgnoredColumns  []string     `json:"ignoredColumns"` // headers not read, as written in the file
	Rows            int          `json:"rows"`           // device rows in the file (blank rows aside)
	Created         int          `json:"created"`
	Skipped         int          `json:"skipped"` // rows whose serial is already in the donation
	Errors          []RowError   `json:"errors"`  // every bad row; when there is one, nothing is imported
	DryRun          bool         `json:"dryRun"`
	AlreadyImported bool         `json:"alreadyImported"` // this file was imported into the donation before: nothing new
	Lines           []ImportLine `json:"lines"`
}

// ImportLine is what became, or in a dry run would become, of one row.
type ImportLine struct {
	Line         int    `json:"line"`
	Action       string `json:"action"` // "create", or "skip" for a serial already in the donation
	Kind         Kind   `json:"kind"`
	Make         string `json:"make,omitempty"`
	Model        string `json:"model,omitempty"`
	SerialNumber string `json:"serialNumber,omitempty"`
	// DonorAssetTag is the donor's own asset tag of the row, when the list has one.
	DonorAssetTag string `json:"donorAssetTag,omitempty"`
	Tag           string `json:"tag,omitempty"` // the new device's asset tag, once created
}

// ImportAssetList reads a donor's asset list (CSV or XLSX, see package assetlist) and adds its
// devices to an open donation, all or nothing: when a row is wrong, nothing is imported and the
// report lists every wrong row with its line and column. Importing is idempotent: the same
// file again creates nothing (AlreadyImported), and rows whose serial is already in the
// donation are skipped. A dry run checks everything and writes nothing. A file that is no
// asset list is a field error on "file". Staff and administrators only.
func (s *Store) ImportAssetList(ctx context.Context, donationID int64, filename string, data []byte, dryRun bool) (*ImportReport, error) {
	return s.ImportAssetListProgress(ctx, donationID, filename, data, dryRun, nil)
}

// ImportAssetListProgress is ImportAssetList calling progress, when not nil, with the number
// of devices created so far and the number to create: once before the first insert and after
// each round of inserts.
func (s *Store) ImportAssetListProgress(ctx context.Context, donationID int64, filename string, data []byte, dryRun bool, progress func(done, total int)) (*ImportReport, error) {
	if _, err := auth.Require(ctx, auth.Office); err != nil {
		return nil, err
	}
	if progress == nil {
		progress = func(int, int) {}
	}
	sum := sha256.Sum256(data)
	rep := &ImportReport{
		Filename: importFilename(filename), SHA256: hex.EncodeToString(sum[:]), DryRun: dryRun,
		IgnoredColumns: []string{}, Errors: []RowError{}, Lines: []ImportLine{},
	}
	select {
	case s.parsing <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	list, err := assetlist.Parse(rep.Filename, bytes.NewReader(data), MaxImportBytes)
	<-s.parsing
	if err != nil {
		fe := validation.Field("file", "%s", err.Error())
		if errors.Is(err, ErrTooLarge) {
			return nil, fmt.Errorf("%w (%w)", fe, ErrTooLarge)
		}
		return nil, fe
	}
	rep.Format, rep.Sheet, rep.Rows = string(list.Format), list.Sheet, list.Count
	rep.IgnoredColumns = append(rep.IgnoredColumns, list.Ignored...)
	for _, e := range list.Errors {
		rep.Errors = append(rep.Errors, RowError(e))
	}
	rows := s.checkRows(list, rep)

	write := !dryRun && len(rep.Errors) == 0
	run := func(ctx context.Context, db bun.IDB) error {
		don := new(Donation)
		q := db.NewSelect().Model(don).Where("id = ?", donationID)
		if write {
			// Imports into one donation wait for each other, so that the same file sent twice
			// at once is imported once.
			q = q.For("UPDATE")
		}
		if err := q.Scan(ctx); err != nil {
			return dbError("select donation", err)
		}
		rep.DonationNumber = don.Number
		if don.ClosedAt != nil {
			return validation.Field("donation", "donation %s is closed", don.Number)
		}
		prev := new(Import)
		err := db.NewSelect().Model(prev).Column("id").Where("donation_id = ? AND file_sha256 = ?", don.ID, rep.SHA256).Scan(ctx)
		switch {
		case err == nil:
			rep.AlreadyImported, rep.ImportID, rep.Skipped = true, prev.ID, rep.Rows
			return nil
		case !errors.Is(err, sql.ErrNoRows):
			return dbError("look for an earlier import", err)
		}
		var have []string
		if err := db.NewSelect().Table("devices").ColumnExpr("lower(serial_number)").
			Where("donation_id = ? AND serial_number IS NOT NULL", don.ID).Scan(ctx, &have); err != nil {
			return dbError("select the donation's serials", err)
		}
		inDonation := make(map[string]bool, len(have))
		for _, sn := range have {
			inDonation[sn] = true
		}
		var create []NewDevice
		var created []int // indexes into rep.Lines
		for _, r := range rows {
			l := ImportLine{Line: r.line, Action: "create", Kind: r.device.Kind, Make: r.device.Make, Model: r.device.Model, SerialNumber: r.device.SerialNumber,
				DonorAssetTag: r.device.DonorAssetTag}
			if sn := serialKey(r.device.SerialNumber); sn != "" && inDonation[sn] {
				l.Action = "skip"
				rep.Skipped++
			} else {
				create = append(create, r.device)
				created = append(created, len(rep.Lines))
			}
			rep.Lines = append(rep.Lines, l)
		}
		if !write {
			if len(rep.Errors) == 0 {
				rep.Created = len(create) // would be created
			}
			return nil
		}
		progress(0, len(create))
		for start := 0; start < len(create); start += importChunk {
			end := min(start+importChunk, len(create))
			devices, err := s.insertDevices(ctx, db, don, create[start:end], "devices[%d].")
			if err != nil {
				return err
			}
			for i, d := range devices {
				rep.Lines[created[start+i]].Tag = d.Tag
			}
			rep.Created += len(devices)
			progress(rep.Created, len(create))
		}
		rec := &Import{
			DonationID: don.ID, FileSHA256: rep.SHA256, Filename: rep.Filename, Format: rep.Format,
			Rows: rep.Rows, Created: rep.Created, ImportedBy: actorID(ctx),
			Report: ImportDetails{Skipped: rep.Skipped, Errors: []RowError{}, Sheet: list.Sheet, Encoding: list.Encoding,
				Delimiter: list.Delimiter, IgnoredColumns: list.Ignored, Lines: rep.Lines},
		}
		if _, err := db.NewInsert().Model(rec).Returning("id").Exec(ctx); err != nil {
			return dbError("record the import", err)
		}
		rep.ImportID = rec.ID
		return nil
	}
	if write {
		err = s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error { return run(ctx, tx) })
	} else {
		err = run(ctx, s.db)
	}
	if err != nil {
		return nil, err
	}
	if rep.AlreadyImported || (!dryRun && len(rep.Errors) > 0) {
		// Nothing was imported: no line was created or skipped.
		rep.Lines, rep.Created = []ImportLine{}, 0
		if !rep.AlreadyImported {
			rep.Skipped = 0
		}
	}
	return rep, nil
}

// importRow is a row that passed every check.
type importRow struct {
	line   int
	device NewDevice
}

// checkRows turns the list's rows into devices and checks them as intake would, adding a
// RowError to rep for each bad row: every bad row is reported, not only the first.
func (s *Store) checkRows(list *assetlist.List, rep *ImportReport) []importRow {
	now := s.now()
	rows := make([]importRow, 0, len(list.Rows))
	serials := map[string]int{}
	for _, r := range list.Rows {
		n := newDeviceFromList(r.Device)
		if _, _, err := n.validate("", now); err != nil {
			fe, ok := validation.As(err)
			if !ok {
				fe = &validation.FieldError{Message: err.Error()}
			}
			rep.Errors = append(rep.Errors, RowError{Line: r.Line, Column: listColumn(list, fe.Field), Message: fe.Message})
			continue
		}
		if sn := serialKey(n.SerialNumber); sn != "" {
			if first, dup := serials[sn]; dup {
				rep.Errors = append(rep.Errors, RowError{Line: r.Line, Column: list.Header(assetlist.Serial),
					Message: fmt.Sprintf("serial number %s is also on line %d", strings.TrimSpace(n.SerialNumber), first)})
				continue
			}
			serials[sn] = r.Line
		}
		rows = append(rows, importRow{line: r.Line, device: n})
	}
	slices.SortStableFunc(rep.Errors, func(a, b RowError) int { return cmp.Compare(a.Line, b.Line) })
	return rows
}

func newDeviceFromList(d assetlist.Device) NewDevice {
	n := NewDevice{
		Kind: Kind(d.Kind), Make: d.Make, Model: d.Model, SerialNumber: d.SerialNumber, ManufactureYear: d.ManufactureYear,
		CPU: d.CPU, RAMGB: d.RAMGB, ScreenInches: d.ScreenInches, OSInstalled: d.OSInstalled, KeyboardLayout: d.KeyboardLayout,
		DonorAssetTag: d.DonorAssetTag, Notes: d.Notes,
	}
	for _, m := range d.Storage {
		n.Storage = append(n.Storage, NewStorage{Kind: StorageKind(m.Kind), CapacityGB: m.CapacityGB})
	}
	return n
}

// listFields maps NewDevice's field names, as validate reports them, to the list's fields.
var listFields = map[string]assetlist.Field{
	"kind": assetlist.Kind, "make": assetlist.Make, "model": assetlist.Model, "serialNumber": assetlist.Serial,
	"cpu": assetlist.CPU, "osInstalled": assetlist.OS, "donorAssetTag": assetlist.AssetTag, "notes": assetlist.Notes,
	"manufactureYear": assetlist.Year, "ramGB": assetlist.RAM, "screenInches": assetlist.Screen,
	"keyboardLayout": assetlist.Keyboard,
}

// listColumn returns the header of the column a validation error is about.
func listColumn(list *assetlist.List, field string) string {
	if strings.HasPrefix(field, "storage[") {
		if h := list.Header(assetlist.Storage); h != "" {
			return h
		}
		return list.Header(assetlist.StorageType)
	}
	if f, ok := listFields[field]; ok {
		return list.Header(f)
	}
	return ""
}

// serialKey is how serials are compared within a donation: trimmed, any case (as the
// database's unique index on lower(serial_number)).
func serialKey(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// importFilename keeps a file's base name, fit for the imports table: no directories, no control
// characters, at most 255 characters.
func importFilename(name string) string {
	name = filepath.Base(strings.ReplaceAll(name, `\`, "/"))
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return -1
		}
		return r
	}, strings.TrimSpace(name))
	if name == "" || name == "." || name == "/" {
		return "asset list"
	}
	if r := []rune(name); len(r) > 255 {
		ext := []rune(filepath.Ext(name))
		if len(ext) > 10 {
			ext = nil
		}
		name = string(r[:255-len(ext)]) + string(ext)
	}
	return name
}

// Imports lists the asset lists imported into a donation, oldest first. Staff and
// administrators only.
func (s *Store) Imports(ctx context.Context, donationID int64) ([]Import, error) {
	if _, err := auth.Require(ctx, auth.Office); err != nil {
		return nil, err
	}
	if _, err := s.Donation(ctx, donationID); err != nil {
		return nil, err
	}
	var is []Import
	if err := s.db.NewSelect().Model(&is).Where("donation_id = ?", donationID).Order("id").Scan(ctx); err != nil {
		return nil, dbError("select imports", err)
	}
	for i := range is {
		if is[i].Report.Errors == nil {
			is[i].Report.Errors = []RowError{}
		}
	}
	return is, nil
}
