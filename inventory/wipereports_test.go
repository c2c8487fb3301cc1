package inventory_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/digital-inclusion/refurb/internal/pgcode"
	"github.com/digital-inclusion/refurb/inventory"
	it "github.com/digital-inclusion/refurb/inventory/inventorytest"
	"github.com/digital-inclusion/refurb/inventory/wipereport/wipereporttest"
)

// outcomes lists the outcome of every erasure of an import, file by file.
func outcomes(imp *inventory.WipeImport) []string {
	var out []string
	for _, f := range imp.Files {
		if f.Error != "" {
			out = append(out, "unread")
		}
		for _, l := range f.Erasures {
			out = append(out, l.Outcome)
		}
	}
	return out
}

func nwipeFile(t *testing.T, n wipereporttest.Nwipe) inventory.WipeReportFile {
	return inventory.WipeReportFile{Filename: n.Filename(), Data: n.PDF(t)}
}

func TestImportWipeReports(t *testing.T) {
	db, store, a := setup(t)
	d := it.Device(t, store, a.Staff, it.Laptop("L1", it.HDD("WD-WX41A12B3456"), it.SSD("S3Z9NB0K123456")))
	// The serial as nwipe prints it may differ in case and spaces from the one typed at intake.
	hdd := wipereporttest.Erased("wd-wx41 a12b3456")
	ssd := wipereporttest.BlanccoXML("Blancco Drive Eraser", "7.9.0", wipereporttest.Blancco{Serial: "S3Z9NB0K123456",
		Vendor: "Samsung", Model: "SSD 860", State: "Successful", Standard: "NIST 800-88 Purge", Firmware: 1,
		Start: "2024-03-18T09:12:01+0100", End: "2024-03-18T11:02:00+0100", Verified: "100"})
	files := []inventory.WipeReportFile{nwipeFile(t, hdd), {Filename: `C:\reports\blancco.xml`, Data: ssd},
		{Filename: "notes.txt", Data: []byte("not a report")}}

	dry, err := store.ImportWipeReports(a.Trainee, files, nil, true)
	if err != nil {
		t.Fatal(err)
	}
	if got := outcomes(dry); !slices.Equal(got, []string{"record", "record", "unread"}) {
		t.Errorf("dry run outcomes %v, want record, record, unread", got)
	}
	if dry.Recorded != 2 || dry.Unread != 1 || !dry.DryRun {
		t.Errorf("dry run counts %+v", dry)
	}
	if missing, _ := store.WipeMissing(a.Staff, []int64{d.ID}); len(missing[d.ID]) != 2 {
		t.Fatalf("a dry run recorded something: missing %v", missing)
	}

	imp, err := store.ImportWipeReports(a.Trainee, files, nil, false)
	if err != nil {
		t.Fatal(err)
	}
	if got := outcomes(imp); !slices.Equal(got, []string{"recorded", "recorded", "unread"}) {
		t.Errorf("outcomes %v, want recorded, recorded, unread", got)
	}
	if got := it.Reload(t, store, a.Staff, d.ID); got.Status != inventory.StatusWiped {
		t.Errorf("device %s after its drives' reports, want wiped", got.Status)
	}
	w, err := store.WipeRecord(a.Staff, imp.Files[0].Erasures[0].WipeRecordID)
	if err != nil {
		t.Fatal(err)
	}
	if w.OperatorID != a.TraineeUser.ID || w.Method != inventory.MethodClear || w.Verification != "full" ||
		w.ReportID == nil || *w.ReportSHA256 != imp.Files[0].SHA256 || *w.ReportFilename != hdd.Filename() ||
		!strings.HasPrefix(*w.Tool, "nwipe 0.35") || w.StartedAt == nil {
		t.Errorf("record %+v: want CLEAR, full, by the trainee, linked to the report", w)
	}
	rep, err := store.WipeReportOf(a.Staff, w)
	if err != nil || rep.SHA256 != imp.Files[0].SHA256 || rep.Filename != hdd.Filename() {
		t.Errorf("WipeReportOf = %+v, %v", rep, err)
	}
	w2, _ := store.WipeRecord(a.Staff, imp.Files[1].Erasures[0].WipeRecordID)
	if w2.Method != inventory.MethodPurge || *w2.ReportFilename != "blancco.xml" {
		t.Errorf("Blancco record %s from %s, want purge from blancco.xml", w2.Method, *w2.ReportFilename)
	}

	// Again: nothing new.
	again, err := store.ImportWipeReports(a.Staff, files, nil, false)
	if err != nil {
		t.Fatal(err)
	}
	if got := outcomes(again); !slices.Equal(got, []string{"skipped", "skipped", "unread"}) {
		t.Errorf("outcomes of the same files again %v, want skipped, skipped, unread", got)
	}
	var records, reports int
	db.Owner.NewRaw("SELECT count(*) FROM wipe_records").Scan(context.Background(), &records)
	db.Owner.NewRaw("SELECT count(*) FROM wipe_reports").Scan(context.Background(), &reports)
	if records != 2 || reports != 2 {
		t.Errorf("%d records and %d reports stored, want 2 and 2", records, reports)
	}
}

func TestImportWipeReportsUndecided(t *testing.T) {
	_, store, a := setup(t)
	// Two drives whose serials differ only by a space: a report of either is ambiguous.
	d1 := it.Device(t, store, a.Staff, it.Laptop("L1", it.HDD("AB 12")))
	d2 := it.Device(t, store, a.Staff, it.Laptop("L2", it.HDD("AB12")))
	// A drive recorded without its serial.
	d3 := it.Device(t, store, a.Staff, it.Laptop("L3", it.HDD("")))
	// A drive of a lost device.
	d4 := it.Device(t, store, a.Staff, it.Laptop("L4", it.HDD("LOST1")))
	it.Move(t, store, a.Staff, d4, inventory.StatusLost)

	it.Device(t, store, a.Staff, it.Laptop("L5", it.HDD("FUT1")))
	future := wipereporttest.Erased("FUT1")
	future.End = time.Now().Add(48 * time.Hour).Format("2006/01/02 15:04:05")
	future.Start = future.End
	files := []inventory.WipeReportFile{
		nwipeFile(t, wipereporttest.Erased("ab12")),
		nwipeFile(t, wipereporttest.Erased("NOSUCH9")),
		nwipeFile(t, wipereporttest.Erased("LOST1")),
	}
	imp, err := store.ImportWipeReports(a.Staff, files, nil, true)
	if err != nil {
		t.Fatal(err)
	}
	if got := outcomes(imp); !slices.Equal(got, []string{"ambiguous", "unmatched", "blocked"}) {
		t.Fatalf("outcomes %v, want ambiguous, unmatched, blocked", got)
	}
	amb := imp.Files[0].Erasures[0]
	if len(amb.Candidates) != 2 || amb.Candidates[0].DeviceTag != d1.Tag || amb.Candidates[1].DeviceTag != d2.Tag {
		t.Errorf("candidates %+v, want the drives of %s and %s", amb.Candidates, d1.Tag, d2.Tag)
	}
	if imp.Undecided != 3 || !strings.Contains(imp.Files[2].Erasures[0].Message, "lost") {
		t.Errorf("undecided %d, blocked message %q", imp.Undecided, imp.Files[2].Erasures[0].Message)
	}

	// A person decides: the second candidate, and the device whose drive has no serial.
	decisions := map[string]inventory.WipeDecision{
		amb.Key:                            {MediumID: amb.Candidates[1].MediumID},
		imp.Files[1].Erasures[0].Key:       {DeviceTag: strings.ToLower(d3.Tag)},
		imp.Files[2].Erasures[0].Key + "x": {DeviceTag: d1.Tag}, // a key of nothing
	}
	got, err := store.ImportWipeReports(a.Staff, files, decisions, false)
	if err != nil {
		t.Fatal(err)
	}
	if o := outcomes(got); !slices.Equal(o, []string{"recorded", "recorded", "blocked"}) {
		t.Fatalf("outcomes after deciding %v, want recorded, recorded, blocked", o)
	}
	if got.Files[0].Erasures[0].DeviceTag != d2.Tag || got.Files[1].Erasures[0].DeviceTag != d3.Tag {
		t.Errorf("recorded on %s and %s, want %s and %s", got.Files[0].Erasures[0].DeviceTag, got.Files[1].Erasures[0].DeviceTag, d2.Tag, d3.Tag)
	}

	// Decisions that do not fit are refused, not followed.
	other := nwipeFile(t, wipereporttest.Erased("OTHER7"))
	wrong, err := store.ImportWipeReports(a.Staff, []inventory.WipeReportFile{other, nwipeFile(t, future)}, map[string]inventory.WipeDecision{
		inventory.DecisionKey(sha(other.Data), 0): {MediumID: amb.Candidates[0].MediumID}, // serial AB 12, not OTHER7
	}, true)
	if err != nil {
		t.Fatal(err)
	}
	if o := outcomes(wrong); !slices.Equal(o, []string{"refused", "refused"}) {
		t.Fatalf("outcomes %v, want refused (wrong medium), refused (a time in the future)", o)
	}
	if m := wrong.Files[0].Erasures[0].Message; !strings.Contains(m, "serial AB 12") {
		t.Errorf("message %q, want it to name the medium's serial", m)
	}
	if m := wrong.Files[1].Erasures[0].Message; !strings.Contains(m, "future") {
		t.Errorf("message %q, want it to say the time is in the future", m)
	}
}

func TestImportWipeReportsRules(t *testing.T) {
	db, store, a := setup(t)
	d := it.Device(t, store, a.Staff, it.Laptop("L1", it.HDD("H1")))
	f := nwipeFile(t, wipereporttest.Erased("H1"))
	for name, ctx := range map[string]context.Context{"donor": a.Donor, "social worker": a.SocialWorker, "anonymous": a.Anonymous} {
		if _, err := store.ImportWipeReports(ctx, []inventory.WipeReportFile{f}, nil, true); err == nil {
			t.Errorf("%s imported reports", name)
		}
	}
	if _, err := store.ImportWipeReports(a.Staff, nil, nil, true); err == nil {
		t.Error("an upload without a file was accepted")
	}
	many := make([]inventory.WipeReportFile, inventory.MaxWipeReportFiles+1)
	if _, err := store.ImportWipeReports(a.Staff, many, nil, true); !errors.Is(err, inventory.ErrTooLarge) {
		t.Errorf("%d files: got %v, want ErrTooLarge", len(many), err)
	}

	imp, err := store.ImportWipeReports(a.Staff, []inventory.WipeReportFile{f, f}, nil, false)
	if err != nil {
		t.Fatal(err)
	}
	if o := outcomes(imp); !slices.Equal(o, []string{"recorded", "unread"}) || !strings.Contains(imp.Files[1].Error, "same file") {
		t.Errorf("the same file twice: %v (%q)", o, imp.Files[1].Error)
	}

	// A record cannot name another file than the report it links to (RF070).
	var reportID int64
	db.Owner.NewRaw("SELECT id FROM wipe_reports").Scan(context.Background(), &reportID)
	m := it.Media(t, store, a.Staff, d.ID)[0]
	_, err = db.App.ExecContext(context.Background(), `INSERT INTO wipe_records (medium_id, cycle, method, technique, finished_at, result, operator_id, report_id, report_sha256, report_filename)
		VALUES (?, 1, 'clear', 'x', now(), 'passed', ?, ?, ?, 'other.pdf')`, m.ID, a.StaffUser.ID, reportID, imp.Files[0].SHA256)
	if !pgcode.Is(err, pgcode.WipeReportMismatch) {
		t.Errorf("a record naming another file: got %v, want %s", err, pgcode.WipeReportMismatch)
	}
	// Reports are evidence: the application cannot change or delete them.
	if _, err := db.App.ExecContext(context.Background(), "DELETE FROM wipe_reports"); err == nil {
		t.Error("the application deleted a wipe report")
	}
}

func TestWipeReportFileAccess(t *testing.T) {
	_, store, a := setup(t)
	_, ds := it.DonationFrom(t, store, a.Staff, &a.Donated.ID, it.Laptop("L1", it.HDD("H1")))
	it.Device(t, store, a.Staff, it.Laptop("L2", it.HDD("H2")))
	mine := nwipeFile(t, wipereporttest.Erased("H1"))
	theirs := nwipeFile(t, wipereporttest.Erased("H2"))
	if _, err := store.ImportWipeReports(a.Staff, []inventory.WipeReportFile{mine, theirs}, nil, false); err != nil {
		t.Fatal(err)
	}
	_ = ds
	for _, tt := range []struct {
		name string
		ctx  context.Context
		file inventory.WipeReportFile
		ok   bool
	}{
		{"staff", a.Staff, theirs, true},
		{"trainee", a.Trainee, theirs, true},
		{"the donor, their device", a.Donor, mine, true},
		{"the donor, another's device", a.Donor, theirs, false},
		{"a social worker", a.SocialWorker, mine, false},
	} {
		rep, err := store.WipeReportFile(tt.ctx, sha(tt.file.Data))
		if tt.ok && (err != nil || len(rep.Data) != len(tt.file.Data)) {
			t.Errorf("%s: %v", tt.name, err)
		}
		if !tt.ok && !errors.Is(err, inventory.ErrNotFound) {
			t.Errorf("%s: got %v, want ErrNotFound", tt.name, err)
		}
	}
	if _, err := store.WipeReportFile(a.Anonymous, sha(mine.Data)); err == nil {
		t.Error("anonymous got a report")
	}
}

func TestHeldWipeReports(t *testing.T) {
	_, store, a := setup(t)
	files := []inventory.WipeReportFile{{Filename: "a.pdf", Data: []byte("A")}, {Filename: "b.xml", Data: []byte("B")}}
	token, err := store.HoldWipeReports(a.Trainee, files)
	if err != nil {
		t.Fatal(err)
	}
	got, err := store.HeldWipeReports(a.Trainee, token)
	if err != nil || len(got) != 2 || got[1].Filename != "b.xml" || string(got[1].Data) != "B" {
		t.Fatalf("HeldWipeReports = %v, %v", got, err)
	}
	if _, err := store.HeldWipeReports(a.Trainee2, token); !errors.Is(err, inventory.ErrNotFound) {
		t.Errorf("another user read held reports: %v", err)
	}
	if err := store.ForgetWipeReports(a.Trainee, token); err != nil {
		t.Fatal(err)
	}
	if _, err := store.HeldWipeReports(a.Trainee, token); !errors.Is(err, inventory.ErrNotFound) {
		t.Errorf("forgotten reports still held: %v", err)
	}
}

func sha(data []byte) string {
	s := sha256.Sum256(data)
	return hex.EncodeToString(s[:])
}
