package inventory_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/internal/pgtest"
	"github.com/digital-inclusion/refurb/inventory"
	"github.com/digital-inclusion/refurb/inventory/assetlist"
	"github.com/digital-inclusion/refurb/inventory/assetlist/assetlisttest"
	"github.com/digital-inclusion/refurb/validation"
)

// Helpers here are prefixed with imp: other test files of the package define their own.

type impEnv struct {
	db    *pgtest.DB
	store *inventory.Store
	staff context.Context
}

func impSetup(t testing.TB) *impEnv {
	t.Helper()
	db := pgtest.New(t)
	svc, err := auth.NewService(db.App, auth.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	u, err := svc.CreateUser(auth.System(context.Background()), auth.NewUser{Email: "intake@example.org", Name: "Intake", Role: auth.RoleStaff, Password: "correct horse battery"})
	if err != nil {
		t.Fatal(err)
	}
	return &impEnv{db: db, store: inventory.NewStore(db.App), staff: auth.WithActor(context.Background(), u.Actor())}
}

// donation records an empty donation received today.
func (e *impEnv) donation(t testing.TB) *inventory.Donation {
	t.Helper()
	now := time.Now()
	don, _, err := e.store.RecordDonation(e.staff, inventory.NewDonation{ReceivedOn: time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	return don
}

func (e *impEnv) count(t testing.TB, table, where string, args ...any) int {
	t.Helper()
	q := e.db.Owner.NewSelect().Table(table)
	if where != "" {
		q = q.Where(where, args...)
	}
	n, err := q.Count(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return int(n)
}

// impCSV returns a semicolon-separated list of n laptops with serials prefix00001..., and
// replace applied to the row of line (1-based, the header being line 1) when line > 0.
func impCSV(prefix string, n int, line int, replace string) []byte {
	var b bytes.Buffer
	b.WriteString("Type;Marque;Modèle;N° de série;Année;RAM;Disque;Clavier\n")
	for i := 1; i <= n; i++ {
		row := fmt.Sprintf("Portable;Lenovo;ThinkPad T480;%s%05d;2019;8 Go;256 Go SSD;CH-FR\n", prefix, i)
		if i+1 == line {
			row = replace + "\n"
		}
		b.WriteString(row)
	}
	return b.Bytes()
}

func TestImportCreatesDevicesMediaEventsAndRecord(t *testing.T) {
	t.Parallel()
	e := impSetup(t)
	don := e.donation(t)
	data := []byte("Type,Make,Model,Serial Number,Year,RAM,Storage,Employee\n" +
		"Laptop,Dell,Latitude 5490,SN-A,2019,8 GB,256 GB SSD + 1 TB HDD,Jane Doe\n" +
		",,,,,,,\n" +
		"Desktop,HP,Compaq 6000,SN-B,2009,4 GB,,John Doe\n" +
		"Monitor,Dell,P2419H,,2020,,,\n")
	rep, err := e.store.ImportAssetList(e.staff, don.ID, "C:\\Users\\ana\\Desktop\\acme.csv", data, false)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Created != 3 || rep.Rows != 3 || rep.Skipped != 0 || len(rep.Errors) != 0 || rep.ImportID == 0 || rep.DonationNumber != don.Number ||
		rep.Format != "csv" || rep.Filename != "acme.csv" || rep.DryRun || rep.AlreadyImported {
		t.Errorf("report: got %+v", rep)
	}
	if diff := cmp.Diff([]string{"Employee"}, rep.IgnoredColumns); diff != "" {
		t.Errorf("ignored columns (-want +got):\n%s", diff)
	}
	var gotLines []int
	for _, l := range rep.Lines {
		gotLines = append(gotLines, l.Line)
		if l.Action != "create" || l.Tag == "" {
			t.Errorf("line %d: got %+v, want created with a tag", l.Line, l)
		}
	}
	if diff := cmp.Diff([]int{2, 4, 5}, gotLines); diff != "" {
		t.Errorf("lines (-want +got):\n%s", diff)
	}
	if n := e.count(t, "devices", "donation_id = ?", don.ID); n != 3 {
		t.Errorf("devices: got %d, want 3", n)
	}
	if n := e.count(t, "storage_media", ""); n != 2 {
		t.Errorf("storage media: got %d, want 2 (SSD and HDD of the laptop)", n)
	}
	if n := e.count(t, "device_events", "kind = 'intake'"); n != 3 {
		t.Errorf("intake events: got %d, want 3", n)
	}
	if n := e.count(t, "device_flags", "flag = 'over_age'"); n != 1 {
		t.Errorf("over-age flags: got %d, want 1 (the desktop of 2009)", n)
	}
	// The employee column is not read: it holds people's names.
	if n := e.count(t, "devices", "notes LIKE '%Doe%'"); n != 0 {
		t.Errorf("devices with an employee's name: got %d, want 0", n)
	}
	imps, err := e.store.Imports(e.staff, don.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(imps) != 1 || imps[0].ID != rep.ImportID || imps[0].Rows != 3 || imps[0].Created != 3 || imps[0].Format != "csv" ||
		imps[0].FileSHA256 != rep.SHA256 || imps[0].ImportedBy == nil || imps[0].Report.Errors == nil {
		t.Errorf("imports: got %+v", imps)
	}
}

func TestImportOneBadRowInAThousandImportsNothing(t *testing.T) {
	t.Parallel()
	e := impSetup(t)
	don := e.donation(t)
	// Line 501 has a layout that is no layout: the list reads it, intake refuses it.
	data := impCSV("PF", 1000, 501, "Portable;Lenovo;ThinkPad T480;PF00500;2019;8 Go;256 Go SSD;Klingon keyboard")
	rep, err := e.store.ImportAssetList(e.staff, don.ID, "liste.csv", data, false)
	if err != nil {
		t.Fatal(err)
	}
	want := []inventory.RowError{{Line: 501, Column: "Clavier", Message: `"KLINGON-KEYBOARD" is not a layout such as CH-FR, BE, FR, DE, US or UK`}}
	if diff := cmp.Diff(want, rep.Errors); diff != "" {
		t.Errorf("errors (-want +got):\n%s", diff)
	}
	if rep.Created != 0 || rep.ImportID != 0 || rep.Rows != 1000 {
		t.Errorf("report: got created %d, import %d, rows %d; want nothing created of 1000 rows", rep.Created, rep.ImportID, rep.Rows)
	}
	if n := e.count(t, "devices", ""); n != 0 {
		t.Errorf("devices after a failed import: got %d, want 0", n)
	}
	if n := e.count(t, "imports", ""); n != 0 {
		t.Errorf("imports after a failed import: got %d, want 0", n)
	}
}

func TestImportReportsEveryBadRow(t *testing.T) {
	t.Parallel()
	e := impSetup(t)
	don := e.donation(t)
	data := []byte("Type,Serial,Year,RAM,Notes\n" +
		"laptop,A1,2019,8,\n" +
		"server,A2,2019,8,\n" + // not a kind: the list says so
		"laptop,A3,1975,8,\n" + // not plausible: intake says so
		"laptop,A1,2019,8,\n" + // the serial of line 2
		"laptop,A5,2019,lots,\n" +
		"laptop,A6,2019,8," + strings.Repeat("x", 4001) + "\n")
	rep, err := e.store.ImportAssetList(e.staff, don.ID, "bad.csv", data, false)
	if err != nil {
		t.Fatal(err)
	}
	want := []inventory.RowError{
		{Line: 3, Column: "Type", Message: `"server" is not a kind of device: use laptop, desktop, all-in-one, tablet, smartphone, monitor, printer, peripheral or other`},
		{Line: 4, Column: "Year", Message: "1975 is not a plausible year of manufacture"},
		{Line: 5, Column: "Serial", Message: "serial number A1 is also on line 2"},
		{Line: 6, Column: "RAM", Message: `"lots" is not an amount of memory such as 8 GB`},
		{Line: 7, Column: "Notes", Message: "is longer than 4000 characters"},
	}
	if diff := cmp.Diff(want, rep.Errors); diff != "" {
		t.Errorf("errors (-want +got):\n%s", diff)
	}
	if n := e.count(t, "devices", ""); n != 0 {
		t.Errorf("devices: got %d, want 0", n)
	}
}

func TestImportTwiceCreatesNothingNew(t *testing.T) {
	t.Parallel()
	e := impSetup(t)
	don := e.donation(t)
	first := impCSV("SN", 20, 0, "")
	rep, err := e.store.ImportAssetList(e.staff, don.ID, "list.csv", first, false)
	if err != nil || rep.Created != 20 {
		t.Fatalf("first import: got %+v, %v", rep, err)
	}
	again, err := e.store.ImportAssetList(e.staff, don.ID, "list (copy).csv", first, false)
	if err != nil {
		t.Fatal(err)
	}
	if !again.AlreadyImported || again.Created != 0 || again.ImportID != rep.ImportID {
		t.Errorf("the same file again: got %+v, want already imported as import %d", again, rep.ImportID)
	}
	// A corrected list: the same 20 devices (serials in another case) and 5 more.
	second := bytes.ToLower(impCSV("SN", 25, 0, ""))
	rep2, err := e.store.ImportAssetList(e.staff, don.ID, "list-v2.csv", second, false)
	if err != nil {
		t.Fatal(err)
	}
	if rep2.AlreadyImported || rep2.Created != 5 || rep2.Skipped != 20 || rep2.Rows != 25 {
		t.Errorf("a second list: got created %d, skipped %d of %d rows; want 5 created, 20 skipped", rep2.Created, rep2.Skipped, rep2.Rows)
	}
	if n := e.count(t, "devices", "donation_id = ?", don.ID); n != 25 {
		t.Errorf("devices: got %d, want 25", n)
	}
	imps, _ := e.store.Imports(e.staff, don.ID)
	if len(imps) != 2 || imps[1].Report.Skipped != 20 {
		t.Errorf("imports: got %+v, want 2, the second with 20 skipped", imps)
	}
	// The same file into another donation is another import.
	other := e.donation(t)
	rep3, err := e.store.ImportAssetList(e.staff, other.ID, "list.csv", first, false)
	if err != nil || rep3.Created != 20 {
		t.Errorf("the same file into another donation: got %+v, %v", rep3, err)
	}
}

func TestImportSameFileConcurrently(t *testing.T) {
	t.Parallel()
	e := impSetup(t)
	don := e.donation(t)
	data := impCSV("CC", 50, 0, "")
	var wg sync.WaitGroup
	reps := make([]*inventory.ImportReport, 4)
	errs := make([]error, 4)
	for i := range reps {
		wg.Go(func() { reps[i], errs[i] = e.store.ImportAssetList(e.staff, don.ID, "list.csv", data, false) })
	}
	wg.Wait()
	created := 0
	for i, r := range reps {
		if errs[i] != nil {
			t.Fatalf("import %d: %v", i, errs[i])
		}
		created += r.Created
	}
	if created != 50 || e.count(t, "devices", "") != 50 || e.count(t, "imports", "") != 1 {
		t.Errorf("4 concurrent imports of one file: got %d created, want 50 once", created)
	}
}

func TestImportDryRunWritesNothing(t *testing.T) {
	t.Parallel()
	e := impSetup(t)
	don := e.donation(t)
	if _, err := e.store.ImportAssetList(e.staff, don.ID, "first.csv", impCSV("DR", 3, 0, ""), false); err != nil {
		t.Fatal(err)
	}
	before := e.count(t, "devices", "")
	var seq int64
	e.db.Owner.NewRaw("SELECT last_value FROM device_tag_seq").Scan(context.Background(), &seq)

	rep, err := e.store.ImportAssetList(e.staff, don.ID, "second.csv", impCSV("DR", 10, 0, ""), true)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.DryRun || rep.Created != 7 || rep.Skipped != 3 || rep.ImportID != 0 || len(rep.Lines) != 10 {
		t.Errorf("dry run: got %+v, want 7 to create and 3 to skip", rep)
	}
	for i, l := range rep.Lines {
		if want := map[bool]string{true: "skip", false: "create"}[i < 3]; l.Action != want || l.Tag != "" || l.SerialNumber == "" {
			t.Errorf("dry run line %d: got %+v, want %s without a tag", l.Line, l, want)
		}
	}
	var seqAfter int64
	e.db.Owner.NewRaw("SELECT last_value FROM device_tag_seq").Scan(context.Background(), &seqAfter)
	if e.count(t, "devices", "") != before || e.count(t, "imports", "") != 1 || seqAfter != seq {
		t.Errorf("a dry run wrote: devices %d (was %d), imports %d, tag sequence %d (was %d)",
			e.count(t, "devices", ""), before, e.count(t, "imports", ""), seqAfter, seq)
	}
	// A dry run with bad rows reports them all the same.
	rep, err = e.store.ImportAssetList(e.staff, don.ID, "bad.csv", impCSV("DR", 10, 4, "Server;X;Y;Z;2019;;;"), true)
	if err != nil || len(rep.Errors) != 1 || rep.Errors[0].Line != 4 || rep.Created != 0 {
		t.Errorf("dry run with a bad row: got %+v, %v", rep, err)
	}
}

func TestImportRefusesWhatIsNotAList(t *testing.T) {
	t.Parallel()
	e := impSetup(t)
	don := e.donation(t)
	png, err := os.ReadFile("assetlist/testdata/photo.csv")
	if err != nil {
		t.Fatal(err)
	}
	big := append(impCSV("BG", 10, 0, ""), bytes.Repeat([]byte(" "), inventory.MaxImportBytes)...)
	for _, tc := range []struct {
		name, filename string
		data           []byte
		want           string
		tooLarge       bool // the error wraps ErrTooLarge
	}{
		{"a PNG renamed .csv", "photo.csv", png, "not a CSV or XLSX file (it looks like a PNG image)", false},
		{"empty", "empty.csv", nil, "the file is empty", false},
		{"over 10 MB", "big.csv", big, "the file is larger than the 10 MB limit", true},
		{"no header", "x.csv", []byte("1;2;3\n"), "no header row found", false},
		{"a ZIP bomb", "bomb.xlsx", assetlisttest.Bomb(t, 400<<20, 0), "the workbook expands to 401 MB; the limit is 100 MB", true},
	} {
		_, err := e.store.ImportAssetList(e.staff, don.ID, tc.filename, tc.data, false)
		fe, ok := validation.As(err)
		if !ok || fe.Field != "file" || !strings.Contains(fe.Message, tc.want) {
			t.Errorf("%s: got %v, want a field error on file saying %q", tc.name, err, tc.want)
		}
		if got := errors.Is(err, inventory.ErrTooLarge); got != tc.tooLarge {
			t.Errorf("%s: got %v, wrapping ErrTooLarge %v; want %v", tc.name, err, got, tc.tooLarge)
		}
	}
	if n := e.count(t, "devices", "") + e.count(t, "imports", ""); n != 0 {
		t.Errorf("rows written: %d", n)
	}
}

func TestImportRules(t *testing.T) {
	t.Parallel()
	e := impSetup(t)
	don := e.donation(t)
	data := impCSV("RL", 2, 0, "")
	trainee := auth.WithActor(context.Background(), auth.Actor{UserID: 999, Role: auth.RoleTrainee})
	if _, err := e.store.ImportAssetList(trainee, don.ID, "l.csv", data, true); err != auth.ErrForbidden {
		t.Errorf("a trainee: got %v, want ErrForbidden", err)
	}
	if _, err := e.store.ImportAssetList(context.Background(), don.ID, "l.csv", data, true); err != auth.ErrUnauthenticated {
		t.Errorf("anonymous: got %v, want ErrUnauthenticated", err)
	}
	if _, err := e.store.ImportAssetList(e.staff, 99999, "l.csv", data, false); err != inventory.ErrNotFound {
		t.Errorf("no such donation: got %v, want ErrNotFound", err)
	}
	if _, err := e.store.Imports(e.staff, 99999); err != inventory.ErrNotFound {
		t.Errorf("imports of no donation: got %v, want ErrNotFound", err)
	}
	if _, err := e.db.Owner.NewRaw("UPDATE donations SET closed_at = now() WHERE id = ?", don.ID).Exec(context.Background()); err != nil {
		t.Fatal(err)
	}
	_, err := e.store.ImportAssetList(e.staff, don.ID, "l.csv", data, false)
	if fe, ok := validation.As(err); !ok || fe.Field != "donation" || !strings.Contains(fe.Message, "closed") {
		t.Errorf("a closed donation: got %v, want a field error saying it is closed", err)
	}
}

// TestListKindsAreInventoryKinds keeps package assetlist's values in step with inventory's.
func TestListKindsAreInventoryKinds(t *testing.T) {
	for _, k := range assetlist.Kinds {
		if !inventory.Kind(k).Valid() {
			t.Errorf("assetlist kind %q is not an inventory kind", k)
		}
	}
	for _, k := range assetlist.StorageKinds {
		if !slices.Contains(inventory.StorageKinds, inventory.StorageKind(k)) {
			t.Errorf("assetlist storage kind %q is not an inventory storage kind", k)
		}
	}
}

// impXLSX returns a workbook of n devices of varied kinds, as a donor's IT department exports it.
func impXLSX(tb testing.TB, n int) []byte {
	tb.Helper()
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		tb.Fatal(err)
	}
	header := []any{"Asset Tag", "Type", "Manufacturer", "Model", "Serial Number", "Purchase Date", "CPU", "RAM (GB)", "Storage", "Screen Size", "Keyboard", "User", "Notes"}
	sw.SetRow("A1", header)
	kinds := []string{"Notebook", "Desktop", "Monitor", "Smartphone", "Tablet"}
	for i := 1; i <= n; i++ {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		row := []any{fmt.Sprintf("ACME-%06d", i), kinds[i%len(kinds)], "Lenovo", "ThinkPad T14 Gen 1", fmt.Sprintf("PF%08d", i),
			43831 + i%1000, "Intel Core i5-10210U", 16, "512 GB NVMe", 14, "CH-FR", fmt.Sprintf("employee%d@acme.example", i), "Good condition"}
		if err := sw.SetRow(cell, row); err != nil {
			tb.Fatal(err)
		}
	}
	if err := sw.Flush(); err != nil {
		tb.Fatal(err)
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// BenchmarkImportXLSX10k imports a 10,000-row XLSX file end to end: parse, check, insert the
// devices, their media, events and flags, and record the import. Target: under 5 s.
func BenchmarkImportXLSX10k(b *testing.B) {
	e := impSetup(b)
	data := impXLSX(b, 10000)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		b.StopTimer()
		don := e.donation(b)
		b.StartTimer()
		rep, err := e.store.ImportAssetList(e.staff, don.ID, "acme.xlsx", data, false)
		if err != nil {
			b.Fatal(err)
		}
		if rep.Created != 10000 {
			b.Fatalf("created %d, errors %v", rep.Created, rep.Errors[:min(3, len(rep.Errors))])
		}
	}
}
