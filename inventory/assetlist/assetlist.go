// Package assetlist reads a donor's asset list, a CSV or XLSX file with one device a row, into
// devices ready for intake. Columns are found by their header, in English, French or German,
// whatever their case, accents and punctuation (Serial number, N° de série, Seriennummer), and
// values are read the way people write them ("256 GB SSD", "8 Go", "ordinateur portable").
//
// It parses only: it holds no database and does not decide what an acceptable device is (text
// lengths, plausible years, duplicate serials), which package inventory checks when it imports
// the list. It imports nothing of Refurb's, so that inventory can import it; the kinds it
// returns are inventory's kind values.
//
// It bounds what a file costs to read: over the size its caller allows, over ten times that
// once unzipped (an XLSX workbook is a ZIP archive, and a ZIP bomb is refused before it is
// unzipped) or over 100,000 rows with values in a worksheet or a CSV file, Parse returns an
// error wrapping ErrTooLarge that says which limit.
package assetlist

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strings"
)

// Format is the kind of file a list was read from.
type Format string

// The formats.
const (
	CSV  Format = "csv"
	XLSX Format = "xlsx"
)

// List is an asset list as read from a file.
type List struct {
	Format Format
	// Sheet is the worksheet the devices were read from (XLSX only).
	Sheet string
	// Encoding is the text encoding of a CSV file: UTF-8, UTF-16 or Windows-1252.
	Encoding string
	// Delimiter separates a CSV file's fields: ",", ";" or "\t".
	Delimiter string
	// HeaderLine is the line (CSV) or row (XLSX) of the header, 1-based.
	HeaderLine int
	// Columns are the recognised columns, in file order.
	Columns []Column
	// Ignored lists the headers that were not recognised, or that repeat a recognised field,
	// as written in the file. Their cells are not read: they may hold people's names.
	Ignored []string
	// Count is the number of device rows: every row below the header that is not blank.
	Count int
	// Rows are the rows that could be read, in file order.
	Rows []Row
	// Errors lists the problems of the rows that could not be read, in file order; such a
	// row is not in Rows.
	Errors []RowError

	memo map[memoKey]parsed
}

// Column is a recognised column of the file.
type Column struct {
	Field  Field
	Header string // as written in the file
	Index  int    // 0-based
	unit   string // the unit the header gives (RAM (MB) → "mb"), "" when none
}

// Header returns the header of the column read for field as written in the file, or "" when
// the file has no such column.
func (l *List) Header(f Field) string {
	for _, c := range l.Columns {
		if c.Field == f {
			return c.Header
		}
	}
	return ""
}

// Row is one device of the list.
type Row struct {
	Line   int // the line (CSV) or row (XLSX) number in the file, 1-based
	Device Device
}

// Device is a device as the list describes it, in the terms of inventory.NewDevice.
type Device struct {
	Kind            string // one of Kinds
	Make            string
	Model           string
	SerialNumber    string
	ManufactureYear *int
	CPU             string
	RAMGB           *float64
	ScreenInches    *float64
	OSInstalled     string
	KeyboardLayout  string // upper case, e.g. CH-FR; a value not understood is passed on as written
	DonorAssetTag   string
	Notes           string
	Storage         []Medium
}

// Medium is a storage medium of a device.
type Medium struct {
	Kind       string // one of StorageKinds
	CapacityGB *float64
}

// Kinds are the device kinds a list's values map to: package inventory's kind values.
var Kinds = []string{"laptop", "desktop", "all_in_one", "tablet", "smartphone", "monitor", "printer", "peripheral", "other"}

// StorageKinds are the storage kinds a list's values map to: package inventory's.
var StorageKinds = []string{"hdd", "ssd", "nvme", "emmc", "flash", "other"}

// RowError is a problem with one cell (or a whole row when Column is empty).
type RowError struct {
	Line    int    `json:"line"`
	Column  string `json:"column,omitempty"` // the column's header as written in the file
	Message string `json:"message"`
}

// ErrTooLarge is wrapped by the error Parse returns for a file over a size limit: the file's
// own, what a workbook unzips to, or the rows of a worksheet. The error's text says which.
var ErrTooLarge = errors.New("file too large")

// maxHeaderSearch is how many non-blank rows may come before the header (a title, the donor's
// address, a date).
const maxHeaderSearch = 20

// Parse reads an asset list of at most maxBytes bytes from r. The format comes from the content
// (an XLSX file is a ZIP archive, anything else must be text); filename only makes error
// messages clearer. It returns an error when the file cannot be a list: too large, empty, not
// CSV or XLSX, or without a header row naming the columns. Problems with single rows are in
// the list's Errors instead, all of them.
func Parse(filename string, r io.Reader, maxBytes int64) (*List, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read the file: %w", err)
	}
	if int64(len(data)) > maxBytes {
		return nil, tooLarge("the file is larger than the %s limit", byteSize(maxBytes))
	}
	if len(bytes.TrimSpace(bytes.TrimPrefix(data, utf8BOM))) == 0 {
		return nil, errors.New("the file is empty")
	}
	ext := strings.ToLower(filepath.Ext(filename))
	switch {
	case bytes.HasPrefix(data, []byte("PK\x03\x04")):
		if bytes.Contains(data[:min(len(data), 100)], []byte("application/vnd.oasis.opendocument")) {
			return nil, errors.New("OpenDocument spreadsheets (.ods) cannot be read: save the list as XLSX or CSV")
		}
		return parseXLSX(data, maxBytes)
	case bytes.HasPrefix(data, []byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")):
		return nil, errors.New("this is an old Excel workbook (.xls) or a password-protected one: save the list as XLSX (Excel 2007 or later, without a password) or CSV")
	case ext == ".xlsx" || ext == ".xlsm":
		return nil, fmt.Errorf("the file is named %s but is not an XLSX workbook (%s)", ext, describe(data))
	}
	return parseCSV(data)
}

// describe names what binary data looks like, for error messages.
func describe(data []byte) string {
	ct := http.DetectContentType(data)
	ct, _, _ = strings.Cut(ct, ";")
	switch {
	case strings.HasPrefix(ct, "image/"):
		return "it looks like a " + strings.ToUpper(strings.TrimPrefix(ct, "image/")) + " image"
	case ct == "application/pdf":
		return "it looks like a PDF document"
	case ct == "text/html":
		return "it looks like a web page"
	case ct == "application/zip":
		return "it is a ZIP archive"
	case ct == "application/octet-stream":
		return "it looks like binary data"
	}
	return "it looks like " + ct
}

func byteSize(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// record is one row of a file: its line (CSV) or row (XLSX) number and its cells.
type record struct {
	line  int
	cells []string
}

func (r record) blank() bool {
	for _, c := range r.cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// build finds the header among records and reads the rows below it.
func build(format Format, records []record) (*List, error) {
	h := findHeader(records)
	if h < 0 {
		return nil, noHeaderError(records)
	}
	l := &List{Format: format, HeaderLine: records[h].line}
	l.Columns, l.Ignored = mapColumns(records[h].cells)
	if l.Header(Kind) == "" {
		return nil, fmt.Errorf("line %d: no column says what kind of device each row is: add a column named Type (or Kind, Category, Catégorie, Gerätetyp) with values such as laptop, desktop, tablet, smartphone or monitor", l.HeaderLine)
	}
	for _, rec := range records[h+1:] {
		if !l.recognisedCells(rec) {
			continue
		}
		l.Count++
		d, errs := l.readRow(rec)
		if len(errs) > 0 {
			l.Errors = append(l.Errors, errs...)
			continue
		}
		l.Rows = append(l.Rows, Row{Line: rec.line, Device: d})
	}
	if l.Count == 0 {
		return nil, fmt.Errorf("line %d: the list has a header but no devices below it", l.HeaderLine)
	}
	l.memo = nil
	return l, nil
}

// recognisedCells reports whether a record has a value in a recognised column; other rows
// (blank, or a footer such as a total in a column of its own) are not devices.
func (l *List) recognisedCells(rec record) bool {
	for _, c := range l.Columns {
		if c.Index < len(rec.cells) && strings.TrimSpace(rec.cells[c.Index]) != "" {
			return true
		}
	}
	return false
}

// findHeader returns the index of the first record, among the first non-blank ones, that names
// at least two known columns; -1 when there is none.
func findHeader(records []record) int {
	seen := 0
	for i, rec := range records {
		if rec.blank() {
			continue
		}
		if headerScore(rec.cells) >= 2 {
			return i
		}
		if seen++; seen >= maxHeaderSearch {
			break
		}
	}
	return -1
}

func noHeaderError(records []record) error {
	for _, rec := range records {
		if rec.blank() {
			continue
		}
		var cells []string
		for _, c := range rec.cells {
			if c = strings.TrimSpace(c); c != "" && len(cells) < 6 {
				cells = append(cells, fmt.Sprintf("%q", truncate(c, 30)))
			}
		}
		return fmt.Errorf("no header row found: one of the first rows must name the columns, such as Type, Make, Model and Serial number (line %d has %s)",
			rec.line, strings.Join(cells, ", "))
	}
	return errors.New("the file is empty")
}

func truncate(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}
