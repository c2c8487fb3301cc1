package labels

import (
	"fmt"
	"math"
)

// Stock is a kind of label: an A4 sheet of die-cut labels, or a label printer's roll. All
// lengths are millimetres; positions are measured from the top-left corner of the page.
type Stock struct {
	Name string

	PageW, PageH   float64 // the page; for a roll, the label itself
	LabelW, LabelH float64 // one label
	Top, Left      float64 // top-left corner of the first label
	PitchX, PitchY float64 // from one label's corner to the next one's (label plus gap)
	Cols, Rows     int

	// Roll stocks print one label per page on a label printer.
	Roll bool
	// Tape is the width of a continuous tape (0 for die-cut labels and sheets); WithLength
	// chooses how long each label is cut.
	Tape float64
	// PadX and PadY are kept clear inside each label, left and right and top and bottom: the
	// die-cut tolerance of a sheet, or the edge a label printer cannot print.
	PadX, PadY float64
}

// The stocks' dimensions, and where they come from.
//
// Sheets use the nominal figures usually published for them, which centre the labels on A4
// (L7160: top 15.15, left 7.2, pitch 66.0 x 38.1; L7651: top 10.7, left 4.75, pitch 40.6 x
// 21.2). Checked against two published template databases:
//   - LibreOffice's label database (LibreOffice/core, extras/source/labels/labels.xml, in
//     1/100 mm) lists "L7160 Address" as 63.50 x 38.10, left 7.20, top 15.15, pitch 66.04 x
//     38.10, and Herma "4677 SuperPrint weiß, Ecken abgerundet" with exactly the same figures;
//     "L7651 Mini Address" as 38.10 x 21.17, left 4.67, top 10.90, pitch 40.64 x 21.17: within
//     0.08 mm of L7160 on the whole sheet and within 0.2 mm of L7651.
//   - gLabels (jimevins/glabels-qt, templates/avery-iso-templates.xml) gives L7651 (as 8651) in
//     points: 38.1 x 21.2, left 4.70, top 10.90, pitch 40.60 x 21.20; its L7160 (as 7160) is
//     63.99 mm wide with left 7.48 and top 15.49, half a millimetre off every other source. Its
//     Herma file lists 4677 as an equivalent of Herma 4103 (left 6.75, top 15.5, pitch 66.5),
//     which would put the third column 0.55 mm right of L7160's. The L7160 figures are used for
//     H4677, as LibreOffice has them; a sheet that prints off is corrected with the offsets.
//
// Label printers (300 dpi): pklaus/brother_ql (brother_ql/labels.py) gives 62 mm tape as 732
// dots with 696 printable (1.5 mm unprintable each side), 29 mm tape as 342 dots with 306
// printable, and the 62 x 29 mm die-cut label (DK-11209) as 732 x 341 dots with 696 x 271
// printable (3 mm at each end); gLabels' Brother templates use the same 1.5 mm and 3 mm. Dymo
// 99012 (LargeAddress99012) is 36 x 89 mm, printable from 1.5 mm across and 5.7 mm along the
// label (18 and 134 dots in the LabelWriter driver's paper table, as published with open
// LabelWriter Wireless protocol notes: 300 dpi across, 600 dpi along).
//
// Roll labels are laid out as read, landscape (62 x 29, 89 x 36); where the printer feeds the
// label the other way round (29 mm tape, Dymo) the print dialog's automatic rotation turns the
// page, as it does for any landscape document.

// Stocks are the stocks Refurb knows, by name.
var Stocks = map[string]Stock{
	// Avery L7160: 21 per A4 sheet, 3 x 7, 63.5 x 38.1 mm, 2.5 mm between columns.
	"L7160": sheet("L7160", 63.5, 38.1, 15.15, 7.2, 66.0, 38.1, 3, 7, 2),
	// Herma 4677 SuperPrint: the L7160 layout (see above for the one source that disagrees).
	"H4677": sheet("H4677", 63.5, 38.1, 15.15, 7.2, 66.0, 38.1, 3, 7, 2),
	// Avery L7651: 65 per A4 sheet, 5 x 13, 38.1 x 21.2 mm, 2.5 mm between columns.
	"L7651": sheet("L7651", 38.1, 21.2, 10.7, 4.75, 40.6, 21.2, 5, 13, 1.5),
	// Brother DK-11209: die-cut 62 x 29 mm, the 62 mm side across the tape.
	"DK-11209": roll("DK-11209", 62, 29, 0, 1.5, 3),
	// Brother DK-22205: 62 mm continuous paper, cut 29 mm long by default (WithLength).
	"DK-22205": roll("DK-22205", 62, 29, 62, 1.5, 3),
	// Brother DK-22210: 29 mm continuous paper, cut 62 mm long by default.
	"DK-22210": roll("DK-22210", 62, 29, 29, 3, 1.5),
	// Dymo 99012 large address labels: 89 x 36 mm, read along the label.
	"DYMO-99012": roll("DYMO-99012", 89, 36, 0, 5.7, 1.5),
}

func sheet(name string, w, h, top, left, pitchX, pitchY float64, cols, rows int, pad float64) Stock {
	return Stock{
		Name: name, PageW: 210, PageH: 297, LabelW: w, LabelH: h, Top: top, Left: left,
		PitchX: pitchX, PitchY: pitchY, Cols: cols, Rows: rows, PadX: pad, PadY: pad,
	}
}

func roll(name string, w, h, tape, padX, padY float64) Stock {
	return Stock{
		Name: name, PageW: w, PageH: h, LabelW: w, LabelH: h, PitchX: w, PitchY: h,
		Cols: 1, Rows: 1, Roll: true, Tape: tape, PadX: padX, PadY: padY,
	}
}

// PerPage is the number of labels on one page.
func (s Stock) PerPage() int { return s.Cols * s.Rows }

// WithLength returns a continuous-tape stock cut lengthMM long: the side of the label that is
// not the tape's width.
func (s Stock) WithLength(lengthMM float64) (Stock, error) {
	if s.Tape == 0 {
		return s, fmt.Errorf("labels: %s is not a continuous tape", s.Name)
	}
	if lengthMM < 20 || lengthMM > 1000 {
		return s, fmt.Errorf("labels: label length %.1f mm out of range (20 to 1000 mm)", lengthMM)
	}
	if s.LabelW == s.Tape {
		s.LabelH = lengthMM
	} else {
		s.LabelW = lengthMM
	}
	s.PageW, s.PageH, s.PitchX, s.PitchY = s.LabelW, s.LabelH, s.LabelW, s.LabelH
	s.Name = fmt.Sprintf("%s %gx%g", s.Name, s.LabelW, s.LabelH)
	return s, nil
}

// check reports a stock whose labels do not fit its page, e.g. a hand-made one.
func (s Stock) check() error {
	const eps = 1e-6
	switch {
	case s.Cols < 1 || s.Rows < 1:
		return fmt.Errorf("labels: stock %q has %d x %d labels", s.Name, s.Cols, s.Rows)
	case s.LabelW <= 2*s.PadX || s.LabelH <= 2*s.PadY || s.PadX < 0 || s.PadY < 0:
		return fmt.Errorf("labels: stock %q: label %.1f x %.1f mm with pad %.1f, %.1f mm", s.Name, s.LabelW, s.LabelH, s.PadX, s.PadY)
	case s.Cols > 1 && s.PitchX < s.LabelW-eps, s.Rows > 1 && s.PitchY < s.LabelH-eps:
		return fmt.Errorf("labels: stock %q: labels overlap", s.Name)
	case s.Left < 0 || s.Top < 0 ||
		s.Left+float64(s.Cols-1)*s.PitchX+s.LabelW > s.PageW+eps ||
		s.Top+float64(s.Rows-1)*s.PitchY+s.LabelH > s.PageH+eps:
		return fmt.Errorf("labels: stock %q: labels run off the page", s.Name)
	}
	return nil
}

// Rect is a box in millimetres from the top-left corner of the page.
type Rect struct{ X, Y, W, H float64 }

// Contains reports whether r lies inside o, to within 1 µm.
func (o Rect) Contains(r Rect) bool {
	const eps = 1e-3
	return r.X >= o.X-eps && r.Y >= o.Y-eps && r.X+r.W <= o.X+o.W+eps && r.Y+r.H <= o.Y+o.H+eps
}

// Inset is r shrunk by dx left and right and dy top and bottom.
func (o Rect) Inset(dx, dy float64) Rect {
	return Rect{X: o.X + dx, Y: o.Y + dy, W: o.W - 2*dx, H: o.H - 2*dy}
}

// Position is where the label at position pos goes: its page (0-based) and its box, shifted
// by the printer offsets. Positions count across, then down, from the first label of the first
// page; on a partly used sheet the first free one is Options.Start.
func (s Stock) Position(pos int, offsetX, offsetY float64) (page int, box Rect) {
	per := s.PerPage()
	page, cell := pos/per, pos%per
	row, col := cell/s.Cols, cell%s.Cols
	return page, Rect{
		X: s.Left + float64(col)*s.PitchX + offsetX,
		Y: s.Top + float64(row)*s.PitchY + offsetY,
		W: s.LabelW,
		H: s.LabelH,
	}
}

// The dot grid: label printers print at 300 dpi, and laser printers at 600 or 1200, so a module
// that is a whole number of 300 dpi dots, placed on that grid, prints with even modules on all.
const (
	dpi       = 300
	dot       = 25.4 / dpi // mm
	minModule = 0.4        // mm: smaller modules do not survive toner spread or a scuffed thermal label
)

// minDots is the smallest whole number of dots per module that is at least minModule.
var minDots = int(math.Ceil(minModule / dot))

// snap moves v to the nearest point on the dot grid.
func snap(v float64) float64 { return math.Round(v/dot) * dot }
