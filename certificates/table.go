package certificates

import (
	"strconv"
	"strings"

	"github.com/digital-inclusion/refurb/internal/pdf"
	"github.com/digital-inclusion/refurb/inventory"
)

// A table flows over pages, its header repeated at the top of each. Cells are wrapped once,
// before the two layout passes.

const (
	cellPadX = 1.0
	cellPadY = 0.8
)

type column struct {
	title string
	w     float64
	right bool // numbers
}

// line is one printed line of a cell.
type line struct {
	text string
	bold bool
}

type tableRow struct {
	cells [][]line // wrapped
	h     float64
	total bool // a totals row, shaded
}

type table struct {
	cols    []column
	header  [][]line
	headerH float64
	rows    []tableRow
}

func (t *table) firstRowH() float64 {
	if len(t.rows) == 0 {
		return 0
	}
	return t.rows[0].h
}

// newTable wraps the header and rows. A cell is a list of paragraphs; the first is bold when
// boldFirst says so for the column.
func (r *renderer) newTable(cols []column, boldFirst []bool) *table {
	t := &table{cols: cols}
	t.header = make([][]line, len(cols))
	n := 1
	for i, c := range cols {
		for _, s := range r.wrap(c.title, true, sizeTable, c.w-2*cellPadX) {
			t.header[i] = append(t.header[i], line{s, true})
		}
		n = max(n, len(t.header[i]))
	}
	t.headerH = float64(n)*lineHeight(sizeTable) + 2*cellPadY
	_ = boldFirst
	return t
}

// add appends a row of cells, each a list of paragraphs.
func (r *renderer) add(t *table, cells [][]string, boldFirst []bool, total bool) {
	row := tableRow{cells: make([][]line, len(t.cols)), total: total}
	n := 1
	for i, paras := range cells {
		for j, p := range paras {
			bold := total || (j == 0 && i < len(boldFirst) && boldFirst[i])
			for _, s := range r.wrap(p, bold, sizeTable, t.cols[i].w-2*cellPadX) {
				row.cells[i] = append(row.cells[i], line{s, bold})
			}
		}
		n = max(n, len(row.cells[i]))
	}
	row.h = float64(n)*lineHeight(sizeTable) + 2*cellPadY
	t.rows = append(t.rows, row)
}

// drawCells draws one row's cells with the top at y.
func (r *renderer) drawCells(t *table, cells [][]line, y float64) {
	if !r.draw {
		return
	}
	x := marginL
	lh := lineHeight(sizeTable)
	a := ascent(sizeTable)
	for i, c := range t.cols {
		for j, ln := range cells[i] {
			base := y + cellPadY + float64(j)*lh + a
			if c.right {
				r.textRight(x+c.w-cellPadX, base, ln.text, ln.bold, sizeTable)
			} else {
				r.text(x+cellPadX, base, ln.text, ln.bold, sizeTable)
			}
		}
		x += c.w
	}
}

// tableHeader draws the header row at the cursor.
func (r *renderer) tableHeader(t *table) {
	if r.draw {
		r.d.SetFillColor(225, 228, 232)
		r.d.Rect(marginL, r.y, contentW, t.headerH, "F")
	}
	r.drawCells(t, t.header, r.y)
	r.y += t.headerH
}

// table flows t from the cursor, repeating the header on every page it reaches.
func (r *renderer) table(t *table) {
	r.need(t.headerH + t.firstRowH())
	r.tableHeader(t)
	for i := range t.rows {
		row := &t.rows[i]
		if r.y+row.h > bodyBottom {
			r.newPage()
			r.tableHeader(t)
		}
		if r.draw {
			if row.total {
				r.d.SetFillColor(240, 241, 243)
				r.d.Rect(marginL, r.y, contentW, row.h, "F")
			}
			r.d.SetDrawColor(200, 200, 200)
			r.d.SetLineWidth(0.1)
			r.d.Line(marginL, r.y+row.h, marginL+contentW, r.y+row.h)
		}
		r.drawCells(t, row.cells, r.y)
		r.y += row.h
	}
}

// prepare builds and wraps the document's tables.
func (r *renderer) prepare() {
	doc := r.doc
	l := r.l
	if doc.Kind == KindHandover {
		return // a receipt has no tables
	}
	if doc.Kind == KindAttendance {
		r.prepareAttendance()
		return
	}
	if doc.Kind == KindImpactReport {
		r.prepareReport()
		return
	}
	if doc.Kind == KindDonation {
		r.prepareReconcile()
		// Totals by kind.
		r.kindTable = r.newTable([]column{
			{title: l.T("totals.kind"), w: 60},
			{title: l.T("totals.count"), w: 25, right: true},
			{title: l.T("totals.weight"), w: 30, right: true},
		}, nil)
		type total struct {
			n  int
			kg float64
		}
		totals := map[inventory.Kind]*total{}
		var all total
		for i := range doc.Devices {
			d := &doc.Devices[i]
			t := totals[d.Kind]
			if t == nil {
				t = &total{}
				totals[d.Kind] = t
			}
			t.n++
			t.kg += d.WeightKG
			all.n++
			all.kg += d.WeightKG
		}
		for _, k := range inventory.Kinds {
			if t := totals[k]; t != nil {
				r.add(r.kindTable, [][]string{{l.T("kind." + string(k))}, {strconv.Itoa(t.n)}, {l.num(t.kg, 2)}}, nil, false)
			}
		}
		r.add(r.kindTable, [][]string{{l.T("totals.all")}, {strconv.Itoa(all.n)}, {l.num(all.kg, 2)}}, nil, true)

		cols := []column{
			{title: l.T("col.n"), w: 8, right: true},
			{title: l.T("col.tag"), w: 22},
			{title: l.T("col.assettag"), w: 21},
			{title: l.T("col.kind"), w: 19},
			{title: l.T("col.model"), w: 38},
			{title: l.T("col.serial"), w: 30},
			{title: l.T("col.outcome"), w: 25},
			{title: l.T("col.weight"), w: contentW - 8 - 22 - 21 - 19 - 38 - 30 - 25, right: true},
		}
		r.deviceTable = r.newTable(cols, nil)
		bold := []bool{false, true}
		for i := range doc.Devices {
			d := &doc.Devices[i]
			r.add(r.deviceTable, [][]string{
				{strconv.Itoa(i + 1)}, {d.Tag}, {d.DonorAssetTag}, {l.T("kind." + string(d.Kind))},
				{strings.TrimSpace(d.Make + " " + d.Model)}, {d.Serial}, {l.T("status." + string(d.Status))},
				{l.num(d.WeightKG, 2)},
			}, bold, false)
		}

		// Drives, in short: the erasure certificate has every detail.
		dcols := []column{
			{title: l.T("col.n"), w: 8, right: true},
			{title: l.T("col.serial"), w: 36},
			{title: l.T("col.host"), w: 34},
			{title: l.T("col.category"), w: 22},
			{title: l.T("col.tool"), w: 34},
			{title: l.T("col.result"), w: 18},
			{title: l.T("col.date"), w: contentW - 8 - 36 - 34 - 22 - 34 - 18},
		}
		r.driveTable = r.newTable(dcols, nil)
		for i := range doc.Drives {
			d := &doc.Drives[i]
			cells := [][]string{{strconv.Itoa(i + 1)}, {d.Serial}, {d.DeviceTag}, nil, nil, {l.T("drive.pending")}, nil}
			if w := d.Wipe; w != nil {
				cells[3] = []string{l.T("method." + string(w.Method))}
				cells[4] = []string{w.Tool}
				cells[5] = []string{l.T("result." + string(w.Result))}
				cells[6] = []string{l.shortDate(w.FinishedAt.In(r.tz))}
			}
			r.add(r.driveTable, cells, []bool{false, true}, false)
		}
		return
	}

	// Erasure: one row per drive with every detail of its record.
	cols := []column{
		{title: l.T("col.n"), w: 8, right: true},
		{title: l.T("col.drive"), w: 33},
		{title: l.T("col.host"), w: 27},
		{title: l.T("col.method"), w: 32},
		{title: l.T("col.tool"), w: 25},
		{title: l.T("col.date"), w: 16},
		{title: l.T("col.result"), w: 14},
		{title: l.T("col.operator"), w: contentW - 8 - 33 - 27 - 32 - 25 - 16 - 14},
	}
	r.driveTable = r.newTable(cols, nil)
	bold := []bool{false, true, true, true}
	for i := range doc.Drives {
		d := &doc.Drives[i]
		drive := []string{d.Serial, strings.TrimSpace(d.Make + " " + d.Model)}
		kind := l.T("storage." + string(d.Kind))
		if d.CapacityGB > 0 {
			kind += " " + l.num(d.CapacityGB, 0) + " GB"
		}
		drive = append(drive, kind)
		host := []string{d.DeviceTag, d.DeviceSerial}
		cells := [][]string{{strconv.Itoa(i + 1)}, drive, host, nil, nil, nil, nil, nil}
		if w := d.Wipe; w != nil {
			cells[3] = []string{l.T("method." + string(w.Method)), w.Technique, w.Standard}
			cells[4] = []string{w.Tool, l.T("verif." + w.Verification)}
			cells[5] = []string{l.shortDate(w.FinishedAt.In(r.tz))}
			cells[6] = []string{l.T("result." + string(w.Result))}
			cells[7] = []string{w.Operator}
			if w.Verifier != "" {
				cells[7] = append(cells[7], l.T("verified.by")+" "+w.Verifier)
			}
		}
		r.add(r.driveTable, cells, bold, false)
	}

	// The annex of the tools' reports: the drive's row, the file and its SHA-256.
	rcols := []column{
		{title: l.T("col.n"), w: 8, right: true},
		{title: l.T("col.report"), w: 64},
		{title: l.T("col.sha256"), w: contentW - 8 - 64},
	}
	for i := range doc.Drives {
		w := doc.Drives[i].Wipe
		if w == nil || w.ReportSHA256 == "" {
			continue
		}
		if r.reportTable == nil {
			r.reportTable = r.newTable(rcols, nil)
		}
		r.add(r.reportTable, [][]string{{strconv.Itoa(i + 1)}, {w.ReportFilename}, {w.ReportSHA256}}, nil, false)
	}
	_ = pdf.Regular
}
