package assetlist

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strings"

	"github.com/xuri/excelize/v2"
)

// unzipFactor bounds what a workbook may unzip to: this many times the upload limit (100 MB
// for inventory's 10 MB), all its parts together. 100 MB of worksheet is half a million rows of
// four columns, far more than any donation; a workbook that unzips to more is a ZIP bomb. Such
// a bomb is refused before excelize reads it: reading one of 900 MB cost 90 s of CPU and 5 GB
// of memory.
const unzipFactor = 10

// spillSize is the size above which excelize keeps a worksheet or the shared strings in a
// temporary file rather than in memory (its own default).
const spillSize = 16 << 20

// maxRows is the most rows with a value a worksheet or a CSV file may have, header and title
// rows included: more than the 60,000 or so full rows that fit in a 10 MB CSV file, far more
// than any donation. Rows are counted as they are read, and reading stops at once over the
// limit: within the unzip limit, half a million rows would cost 8 s and 400 MB to read, and a
// 10 MB CSV file of a million short rows 2 s and 600 MB. Blank rows do not count, but a
// worksheet of more rows than Excel allows (excelize.TotalRows) is refused too.
const maxRows = 100_000

// parseXLSX reads the first worksheet of a workbook that has a header row.
func parseXLSX(data []byte, maxBytes int64) (*List, error) {
	z, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, errors.New("the file starts like a ZIP archive or XLSX workbook but is damaged or incomplete")
	}
	if err := checkWorkbook(z); err != nil {
		return nil, err
	}
	limit := unzipFactor * maxBytes
	if err := checkUnzipSize(z, limit); err != nil {
		return nil, err
	}
	// Excelize checks the same limit, by the same ZIP headers. Whatever it spills to temporary
	// files goes to a directory of this call's, removed whatever happens: excelize does not
	// remove its files when opening fails half-way.
	tmp, err := os.MkdirTemp("", "refurb-xlsx-")
	if err != nil {
		return nil, fmt.Errorf("the XLSX workbook cannot be read: %w", err)
	}
	defer os.RemoveAll(tmp)
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{
		UnzipSizeLimit: limit, UnzipXMLSizeLimit: min(limit, spillSize), TmpDir: tmp,
	})
	if f != nil {
		defer f.Close()
	}
	if err != nil {
		if errors.Is(err, excelize.ErrWorkbookFileFormat) {
			return nil, errors.New("the file is a ZIP archive but not an XLSX workbook")
		}
		return nil, fmt.Errorf("the XLSX workbook cannot be read: %v", err)
	}
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, errors.New("the workbook has no worksheet")
	}
	var firstErr error
	for _, sheet := range sheets {
		records, err := readSheet(f, sheet)
		if err != nil {
			return nil, err
		}
		if findHeader(records) < 0 {
			if firstErr == nil {
				firstErr = fmt.Errorf("worksheet %q: %w", sheet, noHeaderError(records))
			}
			continue
		}
		l, err := build(XLSX, records)
		if err != nil {
			return nil, fmt.Errorf("worksheet %q: %w", sheet, err)
		}
		l.Sheet = sheet
		return l, nil
	}
	return nil, firstErr
}

// readSheet returns a worksheet's rows with their row numbers. Cells are read raw, without
// the number format: a serial number formatted as 1.23E+11 is read in full, a date as its
// serial number.
func readSheet(f *excelize.File, sheet string) ([]record, error) {
	rows, err := f.Rows(sheet)
	if err != nil {
		return nil, fmt.Errorf("worksheet %q cannot be read: %v", sheet, err)
	}
	defer rows.Close()
	var records []record
	for n := 1; rows.Next(); n++ {
		// Excelize refuses a row numbered beyond Excel's last, not a row without a number.
		if n > excelize.TotalRows {
			return nil, tooLarge("worksheet %q has more rows than an Excel worksheet can hold (%s)", sheet, thousands(excelize.TotalRows))
		}
		cells, err := rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return nil, fmt.Errorf("worksheet %q, row %d cannot be read: %v", sheet, n, err)
		}
		if len(cells) > 0 {
			if len(records) == maxRows {
				return nil, tooLarge("worksheet %q has more rows than the limit of %s", sheet, thousands(maxRows))
			}
			records = append(records, record{line: n, cells: cells})
		}
	}
	if err := rows.Error(); err != nil {
		return nil, fmt.Errorf("worksheet %q cannot be read: %v", sheet, err)
	}
	return records, nil
}

// checkWorkbook tells an XLSX workbook from other ZIP archives (Word documents, ODS
// spreadsheets, zipped folders), whose contents excelize would not explain.
func checkWorkbook(z *zip.Reader) error {
	what := "not an XLSX workbook"
	for _, f := range z.File {
		switch {
		case f.Name == "xl/workbook.xml":
			return nil
		case f.Name == "mimetype" || strings.HasPrefix(f.Name, "META-INF/"):
			what = "an OpenDocument file (.ods), not an XLSX workbook: save the list as XLSX or CSV"
		case strings.HasPrefix(f.Name, "word/"):
			what = "a Word document, not an XLSX workbook"
		}
	}
	return fmt.Errorf("the file is a ZIP archive but %s", what)
}

// checkUnzipSize refuses a workbook whose parts unzip to more than limit bytes together: first
// by the sizes its ZIP headers declare, which costs nothing, then by what the parts really
// hold, since headers can lie. archive/zip, which excelize reads with, stops a part at its
// declared size, so a lying part costs no more than it declares; but excelize ignores that
// error and would read the part cut short, as if it ended there. Inflating every part once
// to count its bytes, keeping none, costs no memory and little time: 35 ms for 400 MB of a
// bomb's rows, a few percent of what excelize then takes to read a real workbook.
func checkUnzipSize(z *zip.Reader, limit int64) error {
	var declared uint64
	for _, f := range z.File {
		declared += min(f.UncompressedSize64, math.MaxUint64-declared)
	}
	if declared > uint64(limit) {
		return tooLarge("the workbook expands to %s; the limit is %s", roughSize(declared), byteSize(limit))
	}
	left := limit
	for _, f := range z.File {
		n, err := inflatedSize(f, left)
		if err != nil {
			return fmt.Errorf("the XLSX workbook is damaged: %s cannot be unzipped (%v)", f.Name, err)
		}
		if n > left {
			return tooLarge("the workbook expands to more than %s; the limit is %[1]s", byteSize(limit))
		}
		if uint64(n) > f.UncompressedSize64 {
			return fmt.Errorf("the XLSX workbook is damaged: %s holds more than its ZIP header says", f.Name)
		}
		left -= n
	}
	return nil
}

// inflatedSize returns how many bytes a ZIP part unzips to, counting no further than limit+1.
// Parts neither stored nor deflated count 0: archive/zip cannot decompress them either.
func inflatedSize(f *zip.File, limit int64) (int64, error) {
	switch f.Method {
	case zip.Store:
		return int64(min(f.CompressedSize64, math.MaxInt64)), nil
	case zip.Deflate:
		raw, err := f.OpenRaw()
		if err != nil {
			return 0, err
		}
		r := flate.NewReader(raw)
		defer r.Close()
		return io.Copy(io.Discard, io.LimitReader(r, limit+1))
	}
	return 0, nil
}

// tooLarge returns an error saying what is over which limit, wrapping ErrTooLarge.
func tooLarge(format string, args ...any) error {
	return &tooLargeError{msg: fmt.Sprintf(format, args...)}
}

type tooLargeError struct{ msg string }

func (e *tooLargeError) Error() string { return e.msg }
func (e *tooLargeError) Unwrap() error { return ErrTooLarge }

// roughSize writes a size over some limit, rounded up so as never to look under it.
func roughSize(n uint64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%d MB", n>>20+min(1, n&(1<<20-1)))
	case n >= 1<<10:
		return fmt.Sprintf("%d KB", n>>10+min(1, n&(1<<10-1)))
	}
	return fmt.Sprintf("%d bytes", n)
}

// thousands writes n with commas between groups of three digits.
func thousands(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
