package assetlist

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/digital-inclusion/refurb/internal/fuzztest"
	"github.com/digital-inclusion/refurb/inventory/assetlist/assetlisttest"
)

// fuzzMax is the upload limit of the fuzz targets: inventory's is 10 MB, a smaller one keeps
// each run fast and still lets the unzip and row limits be reached.
const fuzzMax = 256 << 10

// FuzzParse feeds Parse whole files: the CSV lists of testdata (UTF-8 with and without a byte
// order mark, Windows-1252, semicolons, tabs, bad rows, a PNG renamed .csv), UTF-16 text and
// XLSX workbooks, mutated. Whatever comes in, Parse returns a list or an error, and a list
// holds only what inventory can store (checkList). `make fuzz` runs it for a while; the seeds
// and testdata/fuzz run in `make test`.
func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.*")
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(filepath.Base(name), data)
	}
	utf16 := []byte{0xff, 0xfe}
	for _, r := range "Gerätetyp\tSeriennummer\tRAM\r\nNotebook\tX1\t8 GB\r\n" {
		utf16 = append(utf16, byte(r), byte(r>>8))
	}
	f.Add("liste.txt", utf16)
	f.Add("sep.csv", []byte("sep=|\nType|Serial|Storage\nlaptop|A1|2x 256 GB SSD\n"))
	f.Add("liste.xlsx", seedWorkbook(f))
	f.Add("bomb.xlsx", assetlisttest.Bomb(f, 64<<10, 0))
	f.Fuzz(func(t *testing.T, name string, data []byte) {
		stop := fuzztest.Watch(fuzztest.Hang, "Parse(%q, %d bytes)", name, len(data))
		l, err := Parse(name, bytes.NewReader(data), fuzzMax)
		stop()
		checkParsed(t, data, l, err)
	})
}

// FuzzParseXLSXParts fuzzes what a workbook holds rather than its ZIP packaging, which
// mutations of a whole file mostly break: the XML of the devices' worksheet (the second: the
// first has no header) and the shared strings, packed into an otherwise valid workbook.
func FuzzParseXLSXParts(f *testing.F) {
	base := seedWorkbook(f)
	parts := partsOf(f, base)
	f.Add(parts["xl/worksheets/sheet2.xml"], parts["xl/sharedStrings.xml"])
	f.Add([]byte(`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`+
		`<row r="1"><c r="A1" t="inlineStr"><is><t>Type</t></is></c><c r="B1" t="inlineStr"><is><t>Serial</t></is></c></row>`+
		`<row r="1048576"><c r="A1048576" t="inlineStr"><is><t>laptop</t></is></c><c r="B1048576" t="n"><v>1.23E+11</v></c></row>`+
		`</sheetData></worksheet>`), parts["xl/sharedStrings.xml"])
	f.Add([]byte(`<worksheet><sheetData><row><c t="s"><v>0</v></c><c t="s"><v>1</v></c></row><row><c t="s"><v>2</v></c><c t="s"><v>99</v></c></row></sheetData></worksheet>`),
		[]byte(`<sst><si><t>Type</t></si><si><t>Serial</t></si><si><r><t>lap</t></r><r><t>top</t></r></si></sst>`))
	f.Fuzz(func(t *testing.T, sheet, shared []byte) {
		data := withParts(t, base, map[string][]byte{"xl/worksheets/sheet2.xml": sheet, "xl/sharedStrings.xml": shared})
		stop := fuzztest.Watch(fuzztest.Hang, "Parse(%d bytes of worksheet, %d of shared strings)", len(sheet), len(shared))
		l, err := Parse("liste.xlsx", bytes.NewReader(data), fuzzMax)
		stop()
		checkParsed(t, data, l, err)
	})
}

// checkParsed checks what Parse made of data: an error that says something, or a list whose
// rows are devices inventory can take (the kinds and storage kinds it knows, finite numbers)
// and whose text PostgreSQL can store (valid UTF-8 without NUL, in text and jsonb columns):
// the devices' fields, the headers an import's record keeps. Messages are only shown.
func checkParsed(t *testing.T, data []byte, l *List, err error) {
	t.Helper()
	if err != nil {
		if l != nil {
			t.Fatalf("Parse returned a list and an error %v", err)
		}
		// Errors are shown and sent as JSON, never stored: they may quote the file's bytes.
		if err.Error() == "" {
			t.Fatal("Parse: an error without a message")
		}
		if errors.Is(err, ErrTooLarge) && len(data) <= fuzzMax && !bytes.HasPrefix(data, []byte("PK")) {
			t.Fatalf("Parse: %v for a text file within the limit", err)
		}
		return
	}
	if l == nil {
		t.Fatal("Parse returned neither a list nor an error")
	}
	switch l.Format {
	case XLSX:
		if !bytes.HasPrefix(data, []byte("PK\x03\x04")) {
			t.Fatalf("Parse read a file not starting like a ZIP archive as XLSX")
		}
	case CSV:
		if l.Encoding != "UTF-8" && l.Encoding != "UTF-16" && l.Encoding != "Windows-1252" {
			t.Fatalf("encoding %q", l.Encoding)
		}
		if utf8.RuneCountInString(l.Delimiter) != 1 {
			t.Fatalf("delimiter %q", l.Delimiter)
		}
	default:
		t.Fatalf("format %q", l.Format)
	}
	if l.Count < 1 || l.Count < len(l.Rows) || len(l.Rows) > maxRows || l.HeaderLine < 1 {
		t.Fatalf("count %d, %d rows, header line %d", l.Count, len(l.Rows), l.HeaderLine)
	}
	if l.Header(Kind) == "" {
		t.Fatal("a list without a kind column")
	}
	for _, s := range append(slices.Clone(l.Ignored), l.Sheet) {
		if !storable(s) {
			t.Fatalf("header or sheet %q is not storable text", s)
		}
	}
	for _, c := range l.Columns {
		if !storable(c.Header) || c.Index < 0 {
			t.Fatalf("column %+v", c)
		}
	}
	last := l.HeaderLine
	for _, r := range l.Rows {
		if r.Line <= last {
			t.Fatalf("row line %d after %d", r.Line, last)
		}
		last = r.Line
		d := r.Device
		if !slices.Contains(Kinds, d.Kind) {
			t.Fatalf("line %d: kind %q", r.Line, d.Kind)
		}
		for _, s := range []string{d.Make, d.Model, d.SerialNumber, d.CPU, d.OSInstalled, d.KeyboardLayout, d.DonorAssetTag, d.Notes} {
			if !storable(s) {
				t.Fatalf("line %d: %q is not storable text", r.Line, s)
			}
		}
		for _, p := range []*float64{d.RAMGB, d.ScreenInches} {
			if p != nil && (math.IsNaN(*p) || math.IsInf(*p, 0)) {
				t.Fatalf("line %d: number %v", r.Line, *p)
			}
		}
		for _, m := range d.Storage {
			if !slices.Contains(StorageKinds, m.Kind) || m.CapacityGB != nil && (math.IsNaN(*m.CapacityGB) || math.IsInf(*m.CapacityGB, 0)) {
				t.Fatalf("line %d: medium %+v", r.Line, m)
			}
		}
	}
	for _, e := range l.Errors {
		if e.Line <= l.HeaderLine || e.Message == "" || !storable(e.Column) {
			t.Fatalf("row error %+v (header line %d)", e, l.HeaderLine)
		}
	}
}

// storable reports whether PostgreSQL can store s in a text or jsonb column.
func storable(s string) bool { return utf8.ValidString(s) && !strings.ContainsRune(s, 0) }

// seedWorkbook is a real list as a donor's spreadsheet holds it: a cover sheet, then a title,
// a German header and devices with numbers, dates and a person's name.
func seedWorkbook(t testing.TB) []byte {
	return workbook(t, [][]any{
		{"Gerätetyp", "Hersteller", "Modell", "Seriennummer", "Kaufdatum", "RAM (GB)", "Festplatte", "Bildschirm (Zoll)", "Mitarbeiter"},
		{"Notebook", "Lenovo", "ThinkPad X270", "PF0XYZ", "2018-04-01", 8, "256 GB SSD", 12.5, "Max Muster"},
		{},
		{"Bildschirm", "Dell", "P2419H", 123456789012, 43586, nil, nil, 24, "Erika Muster"},
		{"PC", "HP", "EliteDesk 800 G3", "CZC7", "", "16 GB", "1 TB HDD + 256 GB NVMe", nil, ""},
	})
}

// partsOf returns the parts of a ZIP archive by name.
func partsOf(t testing.TB, data []byte) map[string][]byte {
	z, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	parts := map[string][]byte{}
	for _, f := range z.File {
		r, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		parts[f.Name], _ = io.ReadAll(r)
		r.Close()
	}
	return parts
}

// withParts returns the workbook base with the parts of replace in place of its own.
func withParts(t testing.TB, base []byte, replace map[string][]byte) []byte {
	z, err := zip.NewReader(bytes.NewReader(base), int64(len(base)))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	for _, f := range z.File {
		content, ok := replace[f.Name]
		if !ok {
			r, err := f.Open()
			if err != nil {
				t.Fatal(err)
			}
			content, _ = io.ReadAll(r)
			r.Close()
		}
		fw, err := w.Create(f.Name)
		if err != nil {
			t.Fatal(err)
		}
		fw.Write(content)
	}
	if err := w.Close(); err != nil {
		t.Fatal(fmt.Errorf("write the workbook: %w", err))
	}
	return buf.Bytes()
}
