package assetlist

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"strings"

	"github.com/xuri/excelize/v2"
)

// parseXLSX reads the first worksheet of a workbook that has a header row.
func parseXLSX(data []byte, maxBytes int64) (*List, error) {
	if err := checkWorkbook(data); err != nil {
		return nil, err
	}
	// A worksheet compresses well, but not a hundredfold: a bigger unzipped size is a ZIP bomb.
	limit := max(100*maxBytes, 64<<20)
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{UnzipSizeLimit: limit, UnzipXMLSizeLimit: min(limit, 16<<20)})
	if err != nil {
		if errors.Is(err, excelize.ErrWorkbookFileFormat) {
			return nil, errors.New("the file is a ZIP archive but not an XLSX workbook")
		}
		return nil, fmt.Errorf("the XLSX workbook cannot be read: %v", err)
	}
	defer f.Close()
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
		cells, err := rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return nil, fmt.Errorf("worksheet %q, row %d cannot be read: %v", sheet, n, err)
		}
		if len(cells) > 0 {
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
func checkWorkbook(data []byte) error {
	z, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return errors.New("the file starts like a ZIP archive or XLSX workbook but is damaged or incomplete")
	}
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
