package assetlist

import (
	"archive/zip"
	"bytes"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"
)

func parseFile(t *testing.T, name string) *List {
	t.Helper()
	f, err := os.Open("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	l, err := Parse(name, f, 1<<20)
	if err != nil {
		t.Fatalf("Parse(%s): %v", name, err)
	}
	return l
}

func ptr[T any](v T) *T { return &v }

func lines(rows []Row) []int {
	var out []int
	for _, r := range rows {
		out = append(out, r.Line)
	}
	return out
}

func TestParseCSVComma(t *testing.T) {
	l := parseFile(t, "comma.csv")
	if l.Format != CSV || l.Delimiter != "," || l.Encoding != "UTF-8" || l.HeaderLine != 1 {
		t.Errorf("got format %s, delimiter %q, encoding %s, header line %d; want csv, \",\", UTF-8, 1", l.Format, l.Delimiter, l.Encoding, l.HeaderLine)
	}
	if diff := cmp.Diff([]string{"Department"}, l.Ignored); diff != "" {
		t.Errorf("ignored columns (-want +got):\n%s", diff)
	}
	if l.Count != 4 || len(l.Errors) != 0 {
		t.Errorf("got %d rows and errors %v, want 4 rows (the blank one skipped) and no error", l.Count, l.Errors)
	}
	if diff := cmp.Diff([]int{2, 3, 5, 6}, lines(l.Rows)); diff != "" {
		t.Errorf("row lines (-want +got):\n%s", diff)
	}
	want := Device{
		Kind: "laptop", Make: "Lenovo", Model: "ThinkPad T480", SerialNumber: "PF1ABCDE", DonorAssetTag: "ACME-0001",
		ManufactureYear: ptr(2018), CPU: "Intel Core i5-8350U", RAMGB: ptr(8.0), ScreenInches: ptr(14.0),
		KeyboardLayout: "CH-FR", Notes: "Scratched lid, works",
		Storage: []Medium{{Kind: "ssd", CapacityGB: ptr(256.0)}},
	}
	if diff := cmp.Diff(want, l.Rows[0].Device); diff != "" {
		t.Errorf("first device (-want +got):\n%s", diff)
	}
	if got := l.Rows[1].Device; got.Kind != "desktop" || *got.RAMGB != 16 || got.Storage[0].Kind != "hdd" || *got.Storage[0].CapacityGB != 1000 {
		t.Errorf("desktop: got %+v", got)
	}
	if got := l.Rows[2].Device; got.Kind != "smartphone" || got.Storage[0].Kind != "emmc" || *got.ScreenInches != 4.7 {
		t.Errorf("smartphone: got %+v", got)
	}
	if got := l.Header(Serial); got != "Serial Number" {
		t.Errorf("Header(Serial): got %q, want the header as written", got)
	}
}

func TestParseCSVSemicolonFrenchWithBOM(t *testing.T) {
	l := parseFile(t, "semicolon-fr.csv")
	if l.Delimiter != ";" || l.Encoding != "UTF-8" || l.HeaderLine != 3 {
		t.Errorf("got delimiter %q, encoding %s, header line %d; want \";\", UTF-8, 3 (below a title and a blank line)", l.Delimiter, l.Encoding, l.HeaderLine)
	}
	if got := l.Header(Serial); got != "N° de série" {
		t.Errorf("serial header: got %q, want it as written, without the BOM", got)
	}
	if len(l.Errors) != 0 || len(l.Rows) != 3 {
		t.Fatalf("got rows %v, errors %v; want 3 rows", lines(l.Rows), l.Errors)
	}
	want := []Device{{
		Kind: "laptop", Make: "Dell", Model: "Latitude 5490", SerialNumber: "PF2XYZ01", ManufactureYear: ptr(2018),
		RAMGB: ptr(8.0), ScreenInches: ptr(14.0), KeyboardLayout: "CH-FR", Notes: "Batterie faible",
		Storage: []Medium{{Kind: "ssd", CapacityGB: ptr(128.0)}, {Kind: "hdd", CapacityGB: ptr(500.0)}},
	}, {
		Kind: "desktop", Make: "HP", Model: "EliteDesk 800 G3", SerialNumber: "PF2XYZ02", ManufactureYear: ptr(2017),
		RAMGB: ptr(8.0), KeyboardLayout: "FR", Notes: "Disque: disque retiré",
	}, {
		Kind: "tablet", Make: "Apple", Model: "iPad Air 2", SerialNumber: "DMPXYZ03", ManufactureYear: ptr(2016),
		RAMGB: ptr(2.0), ScreenInches: ptr(9.7), Storage: []Medium{{Kind: "flash", CapacityGB: ptr(64.0)}},
	}}
	for i, w := range want {
		if diff := cmp.Diff(w, l.Rows[i].Device); diff != "" {
			t.Errorf("line %d (-want +got):\n%s", l.Rows[i].Line, diff)
		}
	}
	if diff := cmp.Diff([]int{4, 5, 7}, lines(l.Rows)); diff != "" {
		t.Errorf("row lines (-want +got):\n%s", diff)
	}
}

func TestParseCSVWindows1252Tabs(t *testing.T) {
	l := parseFile(t, "tab-de-1252.txt")
	if l.Delimiter != "\t" || l.Encoding != "Windows-1252" {
		t.Errorf("got delimiter %q, encoding %s; want tab, Windows-1252", l.Delimiter, l.Encoding)
	}
	if got := l.Header(Kind); got != "Gerätetyp" {
		t.Errorf("kind header: got %q, want Gerätetyp decoded", got)
	}
	if len(l.Rows) != 2 {
		t.Fatalf("got rows %v, errors %v", lines(l.Rows), l.Errors)
	}
	nb := l.Rows[0].Device
	if nb.Kind != "laptop" || nb.KeyboardLayout != "DE" || *nb.ScreenInches != 15.6 || nb.Notes != "Tastatur: ä fehlt" ||
		nb.Storage[0].Kind != "nvme" || *nb.Storage[0].CapacityGB != 256 {
		t.Errorf("notebook: got %+v", nb)
	}
	if ph := l.Rows[1].Device; ph.Kind != "smartphone" || ph.Storage[0].Kind != "other" {
		t.Errorf("Handy: got %+v, want a smartphone with storage of kind other", ph)
	}
}

func TestParseUTF16(t *testing.T) {
	// Excel's "Unicode text": UTF-16 little-endian with a byte order mark, tab separated.
	text := "Gerätetyp\tSeriennummer\r\nNotebook\tX1\r\n"
	data := []byte{0xff, 0xfe}
	for _, r := range text {
		data = append(data, byte(r), byte(r>>8))
	}
	l, err := Parse("liste.txt", bytes.NewReader(data), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	if l.Encoding != "UTF-16" || l.Delimiter != "\t" || len(l.Rows) != 1 || l.Rows[0].Device.SerialNumber != "X1" || l.Header(Kind) != "Gerätetyp" {
		t.Errorf("got %+v", l)
	}
}

// workbook writes an XLSX file: a cover sheet without a header, then the devices below a title.
func workbook(t testing.TB, rows [][]any) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	f.SetCellValue("Sheet1", "A1", "Donation of ACME SA, see the next sheet")
	if _, err := f.NewSheet("Geräte"); err != nil {
		t.Fatal(err)
	}
	f.SetCellValue("Geräte", "A1", "Inventar 2026")
	for i, row := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := f.SetSheetRow("Geräte", cell, &row); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestParseXLSX(t *testing.T) {
	data := workbook(t, [][]any{
		{"Gerätetyp", "Hersteller", "Modell", "Seriennummer", "Kaufdatum", "RAM (GB)", "Festplatte", "Mitarbeiter"},
		{"Notebook", "Lenovo", "ThinkPad X270", "PF0XYZ", "2018-04-01", 8, "256 GB SSD", "Max Muster"},
		{},
		{"Bildschirm", "Dell", "P2419H", 123456789012, 43586, nil, nil, "Erika Muster"},
	})
	// A serial typed as a number shows as 1.23457E+11 with a scientific format; the file holds it in full.
	f, _ := excelize.OpenReader(bytes.NewReader(data))
	style, _ := f.NewStyle(&excelize.Style{NumFmt: 11})
	f.SetCellStyle("Geräte", "D5", "D5", style)
	var buf bytes.Buffer
	f.Write(&buf)
	f.Close()

	l, err := Parse("liste.xlsx", &buf, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	if l.Format != XLSX || l.Sheet != "Geräte" || l.HeaderLine != 2 {
		t.Errorf("got %s, sheet %q, header line %d; want xlsx, the first sheet with a header, row 2", l.Format, l.Sheet, l.HeaderLine)
	}
	if diff := cmp.Diff([]string{"Mitarbeiter"}, l.Ignored); diff != "" {
		t.Errorf("ignored (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]int{3, 5}, lines(l.Rows)); diff != "" {
		t.Fatalf("row lines (-want +got):\n%s (errors %v)", diff, l.Errors)
	}
	if d := l.Rows[0].Device; d.Kind != "laptop" || *d.ManufactureYear != 2018 || *d.RAMGB != 8 || d.Notes != "" {
		t.Errorf("notebook: got %+v", d)
	}
	if d := l.Rows[1].Device; d.Kind != "monitor" || d.SerialNumber != "123456789012" || *d.ManufactureYear != 2019 {
		t.Errorf("monitor: got %+v, want serial 123456789012 in full and 2019 from the date 43586", d)
	}
}

func TestParseReportsEveryBadRow(t *testing.T) {
	l := parseFile(t, "bad-rows.csv")
	want := []RowError{
		{Line: 3, Column: "Type", Message: `"server" is not a kind of device: use laptop, desktop, all-in-one, tablet, smartphone, monitor, printer, peripheral or other`},
		{Line: 4, Column: "RAM", Message: `"lots" is not an amount of memory such as 8 GB`},
		{Line: 5, Column: "Type", Message: "is empty: say what kind of device this is, such as laptop, desktop, tablet, smartphone or monitor"},
		{Line: 6, Column: "Storage", Message: `"a big one" is not a storage description such as 256 GB SSD, 1 TB HDD or 128 GB SSD + 500 GB HDD`},
		{Line: 6, Column: "Year", Message: `"last year" is not a year such as 2019 (or a date)`},
		{Line: 6, Column: "Screen", Message: `"wide" is not a screen size such as 15.6" or 39.6 cm`},
	}
	if diff := cmp.Diff(want, l.Errors); diff != "" {
		t.Errorf("errors (-want +got):\n%s", diff)
	}
	if l.Count != 5 || len(l.Rows) != 1 || l.Rows[0].Line != 2 {
		t.Errorf("got count %d, rows %v; want 5 rows of which line 2 is good", l.Count, lines(l.Rows))
	}
}

func zipOf(t *testing.T, name, content string) []byte {
	var buf bytes.Buffer
	z := zip.NewWriter(&buf)
	w, _ := z.Create(name)
	w.Write([]byte(content))
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestParseRefusesWhatIsNotAList(t *testing.T) {
	png, err := os.ReadFile("testdata/photo.csv")
	if err != nil {
		t.Fatal(err)
	}
	comma, _ := os.ReadFile("testdata/comma.csv")
	for _, tc := range []struct {
		name, filename string
		data           []byte
		max            int64
		want           string
	}{
		{"a PNG renamed .csv", "photo.csv", png, 1 << 20, "not a CSV or XLSX file (it looks like a PNG image)"},
		{"empty", "empty.csv", nil, 1 << 20, "the file is empty"},
		{"blank", "blank.csv", []byte("\xef\xbb\xbf \r\n\r\n"), 1 << 20, "the file is empty"},
		{"over the limit", "comma.csv", comma, 100, "larger than the 100 bytes limit"},
		{"no header", "x.csv", []byte("a,b,c\n1,2,3\n"), 1 << 20, `no header row found: one of the first rows must name the columns, such as Type, Make, Model and Serial number (line 1 has "a", "b", "c")`},
		{"no kind column", "x.csv", []byte("Serial,Model\nA1,T480\n"), 1 << 20, "line 1: no column says what kind of device each row is"},
		{"a header only", "x.csv", []byte("Type,Serial\n\n,\n"), 1 << 20, "line 1: the list has a header but no devices below it"},
		{"old Excel", "x.xls", []byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00\x00"), 1 << 20, "old Excel workbook (.xls)"},
		{"a ZIP that is no workbook", "x.xlsx", zipOf(t, "readme.txt", "hello"), 1 << 20, "not an XLSX workbook"},
		{"text named .xlsx", "x.xlsx", comma, 1 << 20, "named .xlsx but is not an XLSX workbook"},
		{"a web page", "x.csv", []byte("<!DOCTYPE html><html><body>Type,Serial</body></html>"), 1 << 20, "it looks like a web page"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse(tc.filename, bytes.NewReader(tc.data), tc.max)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want an error saying %q", err, tc.want)
			}
		})
	}
	_, err = Parse("comma.csv", bytes.NewReader(comma), 100)
	if !errors.Is(err, ErrTooLarge) {
		t.Errorf("over the limit: got %v, want ErrTooLarge", err)
	}
}

func TestHeaderSynonyms(t *testing.T) {
	for _, tc := range []struct {
		header string
		want   Field
	}{
		{"Serial", Serial}, {"serial number", Serial}, {"Serial No.", Serial}, {"S/N", Serial}, {"SN", Serial},
		{"Numéro de série", Serial}, {"N° de série", Serial}, {"n° de serie", Serial}, {"Seriennummer", Serial}, {"Service Tag", Serial},
		{"Model", Model}, {"Modèle", Model}, {"MODELE", Model}, {"Modell", Model},
		{"Make", Make}, {"Manufacturer", Make}, {"Brand", Make}, {"Fabricant", Make}, {"Marque", Make}, {"Hersteller", Make}, {"Marke", Make},
		{"Type", Kind}, {"Kind", Kind}, {"Category", Kind}, {"Catégorie", Kind}, {"Typ", Kind}, {"Gerätetyp", Kind}, {"Geratetyp", Kind},
		{"Asset Tag", AssetTag},
		{"Inventory number", AssetTag}, {"Numéro d'inventaire", AssetTag}, {"Inventarnummer", AssetTag}, {"Asset-Tag", AssetTag},
		{"Year", Year}, {"Purchase year", Year}, {"Année", Year}, {"Baujahr", Year}, {"Date d'achat", Year},
		{"CPU", CPU}, {"Processor", CPU}, {"Processeur", CPU}, {"Prozessor", CPU},
		{"RAM", RAM}, {"RAM (GB)", RAM}, {"Memory GB", RAM}, {"Mémoire vive", RAM}, {"Arbeitsspeicher", RAM},
		{"Storage", Storage}, {"Disk", Storage}, {"Disque dur", Storage}, {"Festplatte", Storage}, {"HDD/SSD type", ""},
		{"Disk type", StorageType}, {"Type de disque", StorageType},
		{"Screen size", Screen}, {"Screen (inches)", Screen}, {"Écran pouces", Screen}, {"Bildschirmgröße", Screen},
		{"Keyboard layout", Keyboard}, {"Clavier", Keyboard}, {"Tastatur", Keyboard},
		{"Operating system", OS}, {"Betriebssystem", OS},
		{"Notes", Notes}, {"Comments", Notes}, {"Remarques", Notes}, {"Bemerkungen", Notes},
		{"Department", ""}, {"User", ""}, {"Utilisateur", ""}, {"Price", ""},
	} {
		k, _ := headerKey(tc.header)
		if got := headerKeys[k]; got != tc.want {
			t.Errorf("header %q: got field %q, want %q", tc.header, got, tc.want)
		}
	}
	// A weak header is read only when no strong one names the field.
	cols, _ := mapColumns([]string{"Description", "Type"})
	if cols[0].Field != Model {
		t.Errorf("Description without Model: got %+v, want it read as the model", cols)
	}
	cols, ignored := mapColumns([]string{"Description", "Type", "Model", "Serial", "S/N", "Notes", "Comments"})
	if diff := cmp.Diff([]string{"Description", "S/N"}, ignored); diff != "" {
		t.Errorf("ignored (-want +got):\n%s", diff)
	}
	if len(cols) != 5 {
		t.Errorf("got columns %+v, want Type, Model, Serial and both notes columns", cols)
	}
}

func TestKindValues(t *testing.T) {
	for v, want := range map[string]string{
		"Laptop": "laptop", "notebook": "laptop", "Portable": "laptop", "Ordinateur portable": "laptop", "Laptops": "laptop",
		"Desktop": "desktop", "PC": "desktop", "Tour": "desktop", "Unité centrale": "desktop",
		"All-in-one": "all_in_one", "AIO": "all_in_one",
		"Tablet": "tablet", "Tablette": "tablet", "iPad": "tablet",
		"Smartphone": "smartphone", "phone": "smartphone", "Téléphone": "smartphone", "Handy": "smartphone",
		"Monitor": "monitor", "Screen": "monitor", "Écran": "monitor", "Bildschirm": "monitor", "Ecrans": "monitor",
		"Printer": "printer", "Imprimante": "printer", "Drucker": "printer",
		"Docking station": "peripheral", "Souris": "peripheral", "Other": "other", "Divers": "other",
		"Server": "", "Computer": "",
	} {
		got, _ := parseKind(v)
		if got != want {
			t.Errorf("kind %q: got %q, want %q", v, got, want)
		}
	}
	for _, vs := range kindValues {
		for _, v := range vs {
			if k, _ := parseKind(v); k == "" {
				t.Errorf("kind value %q is not recognised", v)
			}
		}
	}
}

func TestStorageValues(t *testing.T) {
	type m = Medium
	gb := func(f float64) *float64 { return &f }
	for _, tc := range []struct {
		in   string
		want []Medium
		note string
		bad  bool
	}{
		{in: "256 GB SSD", want: []m{{"ssd", gb(256)}}},
		{in: "256GB", want: []m{{"other", gb(256)}}},
		{in: "1TB HDD", want: []m{{"hdd", gb(1000)}}},
		{in: "1,5 To HDD", want: []m{{"hdd", gb(1500)}}},
		{in: "SSD 512", want: []m{{"ssd", gb(512)}}},
		{in: "M.2 NVMe 512 GB", want: []m{{"nvme", gb(512)}}},
		{in: "512 Go M.2", want: []m{{"ssd", gb(512)}}},
		{in: "2 x 512GB SSD", want: []m{{"ssd", gb(512)}, {"ssd", gb(512)}}},
		{in: "128 GB SSD + 1 TB HDD", want: []m{{"ssd", gb(128)}, {"hdd", gb(1000)}}},
		{in: "256GB SSD, 1TB HDD", want: []m{{"ssd", gb(256)}, {"hdd", gb(1000)}}},
		{in: "500 GB 7200 rpm", want: []m{{"hdd", gb(500)}}},
		{in: "64GB eMMC", want: []m{{"emmc", gb(64)}}},
		{in: "SSD", want: []m{{"ssd", nil}}},
		{in: "Festplatte 320 GB", want: []m{{"hdd", gb(320)}}},
		{in: "none"}, {in: "-"}, {in: "sans"}, {in: "keine"},
		{in: "removed", note: "removed"}, {in: "Disque retiré", note: "Disque retiré"}, {in: "ausgebaut", note: "ausgebaut"},
		{in: "yes", bad: true}, {in: "big", bad: true},
	} {
		if blankLike(tc.in) {
			if tc.want != nil || tc.note != "" || tc.bad {
				t.Errorf("storage %q: taken as blank", tc.in)
			}
			continue
		}
		got, note, ok := parseStorage(tc.in, "")
		if ok == tc.bad || note != tc.note {
			t.Errorf("storage %q: got ok %v, note %q; want ok %v, note %q", tc.in, ok, note, !tc.bad, tc.note)
			continue
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("storage %q (-want +got):\n%s", tc.in, diff)
		}
	}
}

func TestOtherValues(t *testing.T) {
	for _, tc := range []struct {
		in, unit string
		want     float64
	}{
		{"8 GB", "", 8}, {"8Go", "", 8}, {"8", "", 8}, {"8192", "", 8}, {"8192 MB", "", 8}, {"2 x 4 GB", "", 8},
		{"16 GB DDR4", "", 16}, {"DDR4 16GB", "", 16}, {"4096", "mb", 4}, {"0,5", "", 0.5},
	} {
		got, ok := parseRAM(tc.in, tc.unit)
		if !ok || *got != tc.want {
			t.Errorf("RAM %q (unit %q): got %v %v, want %g", tc.in, tc.unit, got, ok, tc.want)
		}
	}
	for _, tc := range []struct {
		in, unit string
		want     float64
	}{
		{"15.6", "", 15.6}, {`15,6"`, "", 15.6}, {"14 pouces", "", 14}, {"39.6 cm", "", 15.6}, {"61", "cm", 24}, {`24"`, "cm", 24},
	} {
		got, ok := parseScreen(tc.in, tc.unit)
		if !ok || *got != tc.want {
			t.Errorf("screen %q (unit %q): got %v %v, want %g", tc.in, tc.unit, got, ok, tc.want)
		}
	}
	for in, want := range map[string]int{"2019": 2019, "01/05/2019": 2019, "2019-05-01": 2019, "05.2019": 2019, "43586": 2019, "1999": 1999} {
		if got, ok := parseYear(in); !ok || *got != want {
			t.Errorf("year %q: got %v %v, want %d", in, got, ok, want)
		}
	}
	for in, want := range map[string]string{"CH-FR": "CH-FR", "ch_fr": "CH-FR", "Swiss French": "CH-FR", "Suisse romand": "CH-FR",
		"azerty": "FR", "Belge": "BE", "Deutsch": "DE", "QWERTZ": "DE", "us": "US", "English (UK)": "UK", "xx yy zz": "XX-YY-ZZ"} {
		if got := parseKeyboard(in); got != want {
			t.Errorf("keyboard %q: got %q, want %q", in, got, want)
		}
	}
}

func BenchmarkParseXLSX10k(b *testing.B) {
	rows := [][]any{{"Type", "Make", "Model", "Serial", "Year", "RAM", "Storage", "Notes"}}
	for i := range 10000 {
		rows = append(rows, []any{"Laptop", "Lenovo", "ThinkPad T480", "PF" + strings.Repeat("0", 6) + string(rune('A'+i%26)) + strings.Repeat("1", i%5), 2019, "8 GB", "256 GB SSD", "ok"})
	}
	data := workbook(b, rows)
	b.ResetTimer()
	for b.Loop() {
		if _, err := Parse("x.xlsx", bytes.NewReader(data), 10<<20); err != nil {
			b.Fatal(err)
		}
	}
}

// TestParseRefusesAMillionRows: a CSV file within the size limit may hold a million short rows;
// it is refused at the row limit, without reading the rest (it took 600 MB of heap and 2 s,
// and the rows would have become a million devices).
func TestParseRefusesAMillionRows(t *testing.T) {
	for _, row := range []string{"laptop,\n", "laptop\r\n", "\"laptop\"\n"} {
		data := []byte("Type,Serial\n" + strings.Repeat(row, 1_000_000))
		var err error
		u := measureHeap(func() { _, err = Parse("million.csv", bytes.NewReader(data), 10<<20) })
		if !errors.Is(err, ErrTooLarge) || err.Error() != "the file has more rows than the limit of 100,000" {
			t.Errorf("%d rows of %q: got %v, want the row limit", 1_000_000, row, err)
		}
		if u.peak > 64<<20 {
			t.Errorf("%d rows of %q: the heap grew by %d MB, want under 64", 1_000_000, row, u.peak>>20)
		}
		t.Logf("%d bytes, %d rows of %q: refused in %s, heap +%d MB", len(data), 1_000_000, row, u.took, u.peak>>20)
	}
	// At the limit, a list is read.
	data := []byte("Type,Serial\n" + strings.Repeat("laptop,\n", maxRows-1))
	if l, err := Parse("limit.csv", bytes.NewReader(data), 10<<20); err != nil || l.Count != maxRows-1 {
		t.Errorf("%d rows: got %v", maxRows-1, err)
	}
}
