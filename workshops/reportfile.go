package workshops

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"

	"github.com/xuri/excelize/v2"
)

// ReportLabels are the column titles of a report file, in the reader's language.
type ReportLabels struct {
	Programme, Funder, Month, Trainee, Hours, Minutes, Entries, Sessions, Total string
}

// EnglishLabels are the column titles in English.
var EnglishLabels = ReportLabels{Programme: "Programme", Funder: "Funder", Month: "Month", Trainee: "Trainee",
	Hours: "Approved hours", Minutes: "Approved minutes", Entries: "Entries", Sessions: "Sessions", Total: "Total"}

func (l ReportLabels) header() []string {
	return []string{l.Programme, l.Funder, l.Month, l.Trainee, l.Hours, l.Minutes, l.Entries, l.Sessions}
}

// hours formats minutes as decimal hours with two decimals: 7.50.
func hours(minutes int) string { return strconv.FormatFloat(float64(minutes)/60, 'f', 2, 64) }

// WriteReportCSV writes report rows as CSV (UTF-8 with a byte order mark, so that spreadsheet
// programs read the names right; comma-separated; hours with a decimal point), one line a row
// and a total line.
func WriteReportCSV(w io.Writer, rows []ReportRow, l ReportLabels) error {
	if _, err := io.WriteString(w, "\ufeff"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.Write(l.header())
	total := 0
	for _, r := range rows {
		total += r.ApprovedMinutes
		cw.Write([]string{r.Programme, r.Funder, r.Month.Format("2006-01"), r.Trainee, hours(r.ApprovedMinutes),
			strconv.Itoa(r.ApprovedMinutes), strconv.Itoa(r.Entries), strconv.Itoa(r.Sessions)})
	}
	cw.Write([]string{l.Total, "", "", "", hours(total), strconv.Itoa(total), "", ""})
	cw.Flush()
	return cw.Error()
}

// WriteReportXLSX writes report rows as an Excel workbook: one sheet, a bold frozen header,
// hours as numbers with two decimals, months as text (2026-03), and a total row.
func WriteReportXLSX(w io.Writer, rows []ReportRow, l ReportLabels) error {
	f := excelize.NewFile()
	defer f.Close()
	const sheet = "Hours"
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	twoDecimals, err := f.NewStyle(&excelize.Style{NumFmt: 2})
	if err != nil {
		return err
	}
	boldDecimals, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, NumFmt: 2})
	if err != nil {
		return err
	}
	for i, width := range []float64{30, 24, 10, 30, 16, 16, 10, 10} {
		if err := sw.SetColWidth(i+1, i+1, width); err != nil {
			return err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	header := make([]any, 0, 8)
	for _, h := range l.header() {
		header = append(header, excelize.Cell{Value: h, StyleID: bold})
	}
	if err := sw.SetRow("A1", header); err != nil {
		return err
	}
	total := 0
	for i, r := range rows {
		total += r.ApprovedMinutes
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := sw.SetRow(cell, []any{r.Programme, r.Funder, r.Month.Format("2006-01"), r.Trainee,
			excelize.Cell{Value: float64(r.ApprovedMinutes) / 60, StyleID: twoDecimals}, r.ApprovedMinutes, r.Entries, r.Sessions}); err != nil {
			return err
		}
	}
	cell, _ := excelize.CoordinatesToCellName(1, len(rows)+2)
	if err := sw.SetRow(cell, []any{excelize.Cell{Value: l.Total, StyleID: bold}, nil, nil, nil,
		excelize.Cell{Value: float64(total) / 60, StyleID: boldDecimals}, excelize.Cell{Value: total, StyleID: bold}}); err != nil {
		return err
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	if _, err := f.WriteTo(w); err != nil {
		return fmt.Errorf("write workbook: %w", err)
	}
	return nil
}
