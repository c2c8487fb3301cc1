package labels_test

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/digital-inclusion/refurb/labels"
)

const baseURL = "https://refurb.example"

// published is each stock as its maker publishes it, typed in independently of Stocks: page,
// label, first label's corner, pitch, count. See the sources in stock.go.
var published = map[string]struct {
	pageW, pageH, w, h, top, left, pitchX, pitchY float64
	cols, rows                                    int
}{
	"L7160":      {210, 297, 63.5, 38.1, 15.15, 7.2, 66.0, 38.1, 3, 7},
	"H4677":      {210, 297, 63.5, 38.1, 15.15, 7.2, 66.0, 38.1, 3, 7},
	"L7651":      {210, 297, 38.1, 21.2, 10.7, 4.75, 40.6, 21.2, 5, 13},
	"DK-11209":   {62, 29, 62, 29, 0, 0, 62, 29, 1, 1},
	"DK-22205":   {62, 29, 62, 29, 0, 0, 62, 29, 1, 1},
	"DK-22210":   {62, 29, 62, 29, 0, 0, 62, 29, 1, 1},
	"DYMO-99012": {89, 36, 89, 36, 0, 0, 89, 36, 1, 1},
}

// sampleItems are n labels with distinct tags and details of every length.
func sampleItems(n int) []labels.Item {
	details := []string{
		"Laptop · Lenovo ThinkPad T480",
		"Ordinateur portable · Café Müller São João",
		"Desktop · Dell OptiPlex 7050 Micro, i5-7500T, 8 GB, 256 GB SSD, Windows 11 Pro",
		"",
		"Tablet · Apple iPad (6th generation) Wi-Fi + Cellular 32 GB Space Grey A1954",
	}
	items := make([]labels.Item, n)
	for i := range items {
		items[i] = labels.Item{
			Tag:    fmt.Sprintf("DI-%06d-%c", 1000+i*37, 'A'+rune(i%26)),
			Detail: details[i%len(details)],
		}
	}
	return items
}

func stockNames() []string {
	return []string{"L7160", "H4677", "L7651", "DK-11209", "DK-22205", "DK-22210", "DYMO-99012"}
}

func near(a, b float64) bool { return math.Abs(a-b) <= 0.1+1e-9 }

func TestStocksMatchPublishedDimensions(t *testing.T) {
	if len(labels.Stocks) != len(published) {
		t.Errorf("got %d stocks, want %d", len(labels.Stocks), len(published))
	}
	for name, p := range published {
		s, ok := labels.Stocks[name]
		if !ok {
			t.Errorf("stock %s missing", name)
			continue
		}
		if s.PageW != p.pageW || s.PageH != p.pageH || s.Cols != p.cols || s.Rows != p.rows {
			t.Errorf("%s: page %vx%v with %dx%d labels, want %vx%v with %dx%d", name, s.PageW, s.PageH, s.Cols, s.Rows, p.pageW, p.pageH, p.cols, p.rows)
		}
		if s.Roll != (p.cols == 1 && p.rows == 1) {
			t.Errorf("%s: Roll = %v", name, s.Roll)
		}
		for pos := 0; pos < p.cols*p.rows; pos++ {
			page, box := s.Position(pos, 0, 0)
			col, row := pos%p.cols, pos/p.cols
			want := labels.Rect{X: p.left + float64(col)*p.pitchX, Y: p.top + float64(row)*p.pitchY, W: p.w, H: p.h}
			if page != 0 || !near(box.X, want.X) || !near(box.Y, want.Y) || !near(box.W, want.W) || !near(box.H, want.H) {
				t.Errorf("%s position %d: page %d box %+v, want page 0 box %+v", name, pos, page, box, want)
			}
			if !(labels.Rect{W: p.pageW, H: p.pageH}).Contains(box) {
				t.Errorf("%s position %d: %+v runs off the %vx%v page", name, pos, box, p.pageW, p.pageH)
			}
		}
		// The next position starts the next page.
		if page, box := s.Position(p.cols*p.rows, 0, 0); page != 1 || !near(box.X, p.left) || !near(box.Y, p.top) {
			t.Errorf("%s: position after a full page is page %d %+v, want page 1 at the first label", name, page, box)
		}
	}
}

// A4 sheets are centred: the published margins leave the same space left and right, top and
// bottom, which catches a mistyped pitch or margin.
func TestSheetsAreCentred(t *testing.T) {
	for _, name := range []string{"L7160", "H4677", "L7651"} {
		s := labels.Stocks[name]
		_, last := s.Position(s.PerPage()-1, 0, 0)
		right := s.PageW - (last.X + last.W)
		bottom := s.PageH - (last.Y + last.H)
		if _, first := s.Position(0, 0, 0); !near(first.X, right) || !near(first.Y, bottom) {
			t.Errorf("%s: margins left %.2f right %.2f, top %.2f bottom %.2f; want them equal", name, first.X, right, first.Y, bottom)
		}
	}
	// Explicit corners of the last label, from the makers' figures.
	for name, want := range map[string]labels.Rect{
		"L7160": {X: 139.2, Y: 243.75, W: 63.5, H: 38.1},
		"L7651": {X: 167.15, Y: 265.1, W: 38.1, H: 21.2},
	} {
		s := labels.Stocks[name]
		if _, got := s.Position(s.PerPage()-1, 0, 0); !near(got.X, want.X) || !near(got.Y, want.Y) {
			t.Errorf("%s last label at %.2f, %.2f; want %.2f, %.2f", name, got.X, got.Y, want.X, want.Y)
		}
	}
}

func TestWithLength(t *testing.T) {
	for _, c := range []struct {
		stock  string
		length float64
		w, h   float64
	}{
		{"DK-22205", 40, 62, 40},
		{"DK-22205", 29, 62, 29},
		{"DK-22210", 100, 100, 29},
	} {
		s, err := labels.Stocks[c.stock].WithLength(c.length)
		if err != nil {
			t.Fatal(err)
		}
		if s.PageW != c.w || s.PageH != c.h || s.LabelW != c.w || s.LabelH != c.h {
			t.Errorf("%s.WithLength(%v) = page %vx%v label %vx%v, want %vx%v", c.stock, c.length, s.PageW, s.PageH, s.LabelW, s.LabelH, c.w, c.h)
		}
		if _, err := labels.Layout(sampleItems(5), s, labels.Options{BaseURL: baseURL}); err != nil {
			t.Errorf("%s: %v", s.Name, err)
		}
	}
	if _, err := labels.Stocks["DK-11209"].WithLength(40); err == nil {
		t.Errorf("DK-11209 (die-cut).WithLength: no error")
	}
	if _, err := labels.Stocks["DK-22205"].WithLength(5); err == nil {
		t.Errorf("WithLength(5 mm): no error")
	}
}

// Every label of a full page, for every stock and both levels: the layout puts each label on
// its published box, the QR code and every line of text inside the printable area (the label
// less its pad), apart from each other, with modules of at least 0.4 mm made of whole dots.
func TestLayoutInsideLabels(t *testing.T) {
	for _, name := range stockNames() {
		s := labels.Stocks[name]
		for _, level := range []labels.Level{labels.LevelM, labels.LevelQ} {
			items := sampleItems(s.PerPage() * 2)
			ls, err := labels.Layout(items, s, labels.Options{BaseURL: baseURL, Level: level, OrgName: "Digital Inclusion Straßburg"})
			if err != nil {
				t.Fatalf("%s %v: %v", name, level, err)
			}
			for i, l := range ls {
				page, box := s.Position(i, 0, 0)
				if l.Page != page || l.Box != box {
					t.Errorf("%s %d: page %d box %+v, want page %d box %+v", name, i, l.Page, l.Box, page, box)
				}
				checkInside(t, fmt.Sprintf("%s %v label %d", name, level, i), s, l)
				if l.Lines[0].Text != items[i].Tag || !l.Lines[0].Bold {
					t.Errorf("%s %d: first line %q, want the tag %q in bold", name, i, l.Lines[0].Text, items[i].Tag)
				}
			}
		}
	}
}

func checkInside(t *testing.T, what string, s labels.Stock, l labels.Label) {
	t.Helper()
	area := l.Box.Inset(s.PadX, s.PadY)
	if !area.Contains(l.QR) {
		t.Errorf("%s: QR %+v outside the printable area %+v", what, l.QR, area)
	}
	if l.QR.W != l.QR.H {
		t.Errorf("%s: QR %+v not square", what, l.QR)
	}
	for _, v := range []float64{l.QR.X, l.QR.Y} {
		if d := v / (25.4 / 300); math.Abs(d-math.Round(d)) > 1e-6 {
			t.Errorf("%s: QR at %+v, off the 300 dpi dot grid", what, l.QR)
		}
	}
	dots := l.Module / (25.4 / 300)
	if l.Module < 0.4 || math.Abs(dots-math.Round(dots)) > 1e-6 {
		t.Errorf("%s: module %.4f mm (%.3f dots at 300 dpi), want at least 0.4 mm in whole dots", what, l.Module, dots)
	}
	if len(l.Lines) == 0 {
		t.Errorf("%s: no text", what)
	}
	for _, ln := range l.Lines {
		if !area.Contains(ln.Box) {
			t.Errorf("%s: line %q %+v outside the printable area %+v", what, ln.Text, ln.Box, area)
		}
		if ln.Box.X < l.QR.X+l.QR.W {
			t.Errorf("%s: line %q starts at %.2f, inside the QR code (to %.2f)", what, ln.Text, ln.Box.X, l.QR.X+l.QR.W)
		}
		if ln.SizePt < 5 {
			t.Errorf("%s: line %q at %.2f pt", what, ln.Text, ln.SizePt)
		}
	}
	for i := 1; i < len(l.Lines); i++ {
		if prev := l.Lines[i-1].Box; l.Lines[i].Box.Y < prev.Y+prev.H-1e-9 {
			t.Errorf("%s: line %q overlaps the line above", what, l.Lines[i].Text)
		}
	}
}

func TestLayoutText(t *testing.T) {
	item := labels.Item{Tag: "DI-000123-K", Detail: "Ordinateur portable · Café Müller São João"}
	ls, err := labels.Layout([]labels.Item{item}, labels.Stocks["DYMO-99012"], labels.Options{BaseURL: baseURL, OrgName: "Straßenkinder e.V."})
	if err != nil {
		t.Fatal(err)
	}
	var texts []string
	for _, ln := range ls[0].Lines {
		texts = append(texts, ln.Text)
	}
	got := strings.Join(texts, " ")
	if want := "DI-000123-K Ordinateur portable · Café Müller São João Straßenkinder e.V."; got != want {
		t.Errorf("lines %q, want %q", got, want)
	}
	// A detail too long for any label is cut short with an ellipsis, never the tag.
	long := labels.Item{Tag: "DI-000124-L", Detail: strings.Repeat("Laptop Lenovo ThinkPad ", 20)}
	ls, err = labels.Layout([]labels.Item{long}, labels.Stocks["L7651"], labels.Options{BaseURL: baseURL})
	if err != nil {
		t.Fatal(err)
	}
	lines := ls[0].Lines
	if lines[0].Text != long.Tag || !strings.HasSuffix(lines[len(lines)-1].Text, "…") {
		t.Errorf("long detail on L7651: %+v; want the whole tag and the detail cut short", lines)
	}
	// Control characters and line breaks never reach the label.
	ls, err = labels.Layout([]labels.Item{{Tag: "DI-1", Detail: "a\nb\tc\x00d"}}, labels.Stocks["L7160"], labels.Options{BaseURL: baseURL})
	if err != nil {
		t.Fatal(err)
	}
	if got := ls[0].Lines[1].Text; got != "a b c d" {
		t.Errorf("detail %q, want %q", got, "a b c d")
	}
}

func TestStartPosition(t *testing.T) {
	s := labels.Stocks["L7160"]
	items := sampleItems(20)
	ls, err := labels.Layout(items, s, labels.Options{BaseURL: baseURL, Start: 5})
	if err != nil {
		t.Fatal(err)
	}
	for i, l := range ls {
		page, box := s.Position(5+i, 0, 0)
		if l.Page != page || l.Box != box {
			t.Errorf("item %d: page %d %+v, want position %d: page %d %+v", i, l.Page, l.Box, 5+i, page, box)
		}
	}
	if ls[15].Page != 0 || ls[16].Page != 1 {
		t.Errorf("items 15 and 16 on pages %d and %d, want the sheet's last label and the next sheet's first", ls[15].Page, ls[16].Page)
	}
	for pos := 0; pos < 5; pos++ {
		_, free := s.Position(pos, 0, 0)
		for _, l := range ls {
			if l.Page == 0 && overlaps(l.Box, free) {
				t.Errorf("position %d is used by %s", pos, l.Item.Tag)
			}
		}
	}
}

func overlaps(a, b labels.Rect) bool {
	return a.X < b.X+b.W && b.X < a.X+a.W && a.Y < b.Y+b.H && b.Y < a.Y+a.H
}

func TestOffsets(t *testing.T) {
	const dx, dy = 1.7, -0.9
	for _, name := range []string{"L7160", "L7651", "DK-11209"} {
		s := labels.Stocks[name]
		items := sampleItems(s.PerPage())
		plain, err := labels.Layout(items, s, labels.Options{BaseURL: baseURL})
		if err != nil {
			t.Fatal(err)
		}
		moved, err := labels.Layout(items, s, labels.Options{BaseURL: baseURL, OffsetXMM: dx, OffsetYMM: dy})
		if err != nil {
			t.Fatal(err)
		}
		const exact, dot = 1e-9, 25.4 / 300
		for i := range plain {
			p, m := plain[i], moved[i]
			shift := func(what string, a, b labels.Rect, tol float64) {
				if math.Abs(b.X-a.X-dx) > tol || math.Abs(b.Y-a.Y-dy) > tol || math.Abs(b.W-a.W) > exact || math.Abs(b.H-a.H) > exact {
					t.Errorf("%s %d %s: %+v moved to %+v, want shifted by %v, %v", name, i, what, a, b, dx, dy)
				}
			}
			shift("box", p.Box, m.Box, exact)
			// The code stays on the printer's dot grid: it moves by the offset to within a dot.
			shift("QR", p.QR, m.QR, dot)
			if len(p.Lines) != len(m.Lines) {
				t.Fatalf("%s %d: %d lines, then %d", name, i, len(p.Lines), len(m.Lines))
			}
			for j := range p.Lines {
				shift("line "+p.Lines[j].Text, p.Lines[j].Box, m.Lines[j].Box, 1e-6)
			}
		}
	}
}

func TestLayoutErrors(t *testing.T) {
	items := sampleItems(3)
	for _, c := range []struct {
		what  string
		items []labels.Item
		stock string
		opts  labels.Options
	}{
		{"no base URL", items, "L7160", labels.Options{}},
		{"relative base URL", items, "L7160", labels.Options{BaseURL: "refurb.example"}},
		{"start past the sheet", items, "L7160", labels.Options{BaseURL: baseURL, Start: 21}},
		{"negative start", items, "L7160", labels.Options{BaseURL: baseURL, Start: -1}},
		{"start on a roll", items, "DK-11209", labels.Options{BaseURL: baseURL, Start: 1}},
		{"unknown level", items, "L7160", labels.Options{BaseURL: baseURL, Level: 7}},
		{"offset of centimetres", items, "L7160", labels.Options{BaseURL: baseURL, OffsetXMM: 25}},
		{"empty tag", []labels.Item{{Tag: " "}}, "L7160", labels.Options{BaseURL: baseURL}},
	} {
		if _, err := labels.Layout(c.items, labels.Stocks[c.stock], c.opts); err == nil {
			t.Errorf("%s: no error", c.what)
		}
	}
	// A tag too long for a mini label at a readable size.
	_, err := labels.Layout([]labels.Item{{Tag: "DI-000000000000123456-K"}}, labels.Stocks["L7651"], labels.Options{BaseURL: baseURL})
	if !errors.Is(err, labels.ErrTooSmall) {
		t.Errorf("long tag on L7651: err = %v, want ErrTooSmall", err)
	}
	bad := labels.Stocks["L7160"]
	bad.Rows = 8 // 8 rows of 38.1 mm run off A4
	if _, err := labels.Layout(items, bad, labels.Options{BaseURL: baseURL}); err == nil {
		t.Errorf("stock running off the page: no error")
	}
}
