package impact

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/xuri/excelize/v2"
)

// Words translate a table's texts for a reader: T a message id, Lang picks a text written in
// several languages (English when it lacks the reader's).
type Words struct {
	T    func(id string) string
	Lang string
}

// Text is what a cell says, numbers plain (a decimal point, no thousands separator), as files
// write them.
func (w Words) Text(c Cell) string {
	switch {
	case c.Names != nil:
		if s, ok := c.Names[w.Lang]; ok && s != "" {
			return s
		}
		if s, ok := c.Names["en"]; ok && s != "" {
			return s
		}
		return c.Text
	case c.Translate:
		return w.T(c.Text)
	case c.Number:
		if c.Null {
			return ""
		}
		return strconv.FormatFloat(c.Num, 'f', c.Decimals, 64)
	case !c.Date.IsZero():
		if c.Month {
			return c.Date.Format("2006-01")
		}
		return c.Date.Format(time.DateOnly)
	}
	return c.Text
}

// WriteCSV writes t as CSV: UTF-8 with a byte order mark (spreadsheet programs then read the
// accents right), comma-separated, numbers with a decimal point, a header line of the column
// titles in the reader's language and the totals line last.
func WriteCSV(w io.Writer, t *Table, words Words) error {
	if _, err := io.WriteString(w, "\ufeff"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	header := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		header[i] = words.T(c)
	}
	cw.Write(header)
	rows := t.Rows
	if t.Total != nil {
		rows = append(rows[:len(rows):len(rows)], t.Total)
	}
	for _, r := range rows {
		line := make([]string, len(r))
		for i, c := range r {
			line[i] = words.Text(c)
		}
		cw.Write(line)
	}
	cw.Flush()
	return cw.Error()
}

// WriteXLSX writes t as an Excel workbook: one sheet named after the table, a bold frozen
// header, numbers as numbers with their decimals, months and days as text (2026-03,
// 2026-03-31), the totals row bold.
func WriteXLSX(w io.Writer, t *Table, words Words) error {
	f := excelize.NewFile()
	defer f.Close()
	sheet := t.Name
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	styles := map[string]int{}
	style := func(bold bool, decimals int) (int, error) {
		key := fmt.Sprint(bold, decimals)
		if id, ok := styles[key]; ok {
			return id, nil
		}
		st := &excelize.Style{Font: &excelize.Font{Bold: bold}}
		switch decimals {
		case 0:
			st.NumFmt = 3 // #,##0
		case 1:
			custom := "#,##0.0"
			st.CustomNumFmt = &custom
		default:
			st.NumFmt = 4 // #,##0.00
		}
		id, err := f.NewStyle(st)
		styles[key] = id
		return id, err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	for i := range t.Columns {
		width := 14.0
		if i == 0 {
			width = 28
		}
		if err := sw.SetColWidth(i+1, i+1, width); err != nil {
			return err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	header := make([]any, len(t.Columns))
	for i, c := range t.Columns {
		header[i] = excelize.Cell{Value: words.T(c), StyleID: bold}
	}
	if err := sw.SetRow("A1", header); err != nil {
		return err
	}
	rows := t.Rows
	if t.Total != nil {
		rows = append(rows[:len(rows):len(rows)], t.Total)
	}
	for i, r := range rows {
		total := t.Total != nil && i == len(rows)-1
		cells := make([]any, len(r))
		for j, c := range r {
			switch {
			case c.Number && c.Null:
				cells[j] = nil
			case c.Number && c.Names == nil && !c.Translate:
				id, err := style(total, c.Decimals)
				if err != nil {
					return err
				}
				var v any = c.Num
				if c.Decimals == 0 {
					v = int64(c.Num)
				}
				cells[j] = excelize.Cell{Value: v, StyleID: id}
			default:
				cell := excelize.Cell{Value: words.Text(c)}
				if total {
					cell.StyleID = bold
				}
				cells[j] = cell
			}
		}
		name, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := sw.SetRow(name, cells); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	if _, err := f.WriteTo(w); err != nil {
		return fmt.Errorf("write workbook: %w", err)
	}
	return nil
}
