package pdf_test

import (
	"bytes"
	"image/color"
	"math"
	"strings"
	"testing"

	"github.com/digital-inclusion/refurb/internal/pdf"
	"github.com/digital-inclusion/refurb/internal/pdf/pdftest"
)

// The names the fonts must carry: French, German, Portuguese, Spanish, Polish, Turkish.
var names = []string{
	"Ordinateur portable · Café Müller",
	"Straßenkinder e.V. Groß-Gerau",
	"São João, Conceição, Ação",
	"Façade, garçon, Noël, œuvre",
	"Łódź, Gdańsk, İstanbul, ğüşöç",
}

func TestUnicodeText(t *testing.T) {
	d := pdf.New(pdf.A4Width, pdf.A4Height)
	d.AddPage()
	y := 20.0
	for i, s := range names {
		pdf.SetFont(d, []pdf.Font{pdf.Regular, pdf.Bold, pdf.Mono}[i%3], 12)
		d.Text(20, y, s)
		y += 10
	}
	var buf bytes.Buffer
	if err := d.Output(&buf); err != nil {
		t.Fatal(err)
	}
	text := pdftest.Text(t, buf.Bytes())
	for _, s := range names {
		if !strings.Contains(text, s) {
			t.Errorf("pdftotext lost %q; got:\n%s", s, text)
		}
	}
}

func TestWidthMatchesLibrary(t *testing.T) {
	d := pdf.New(100, 100)
	d.AddPage()
	for _, f := range []pdf.Font{pdf.Regular, pdf.Bold, pdf.Mono} {
		for _, s := range append([]string{"DI-000123-K", "Laptop · Lenovo ThinkPad T480", ""}, names...) {
			pdf.SetFont(d, f, 11)
			want := d.GetStringWidth(s)
			got := f.Width(s, 11)
			// The library rounds each advance to 1/1000 em.
			if math.Abs(got-want) > 0.002*float64(len(s))+1e-9 {
				t.Errorf("%v.Width(%q) = %.4f mm, want %.4f mm (the library's)", f, s, got, want)
			}
		}
	}
	if err := d.Error(); err != nil {
		t.Fatal(err)
	}
}

func TestExtent(t *testing.T) {
	a, d := pdf.Bold.Extent(72) // one inch
	if a < 15 || a > 25.4 || d < 3 || d > 10 {
		t.Errorf("Bold.Extent(72pt) = %.2f, %.2f mm; want an ascent near 0.9 em and a descent near 0.2 em", a, d)
	}
}

func TestCovers(t *testing.T) {
	for _, s := range names {
		if !pdf.Regular.Covers(s) || !pdf.Bold.Covers(s) {
			t.Errorf("Covers(%q) = false, want true", s)
		}
	}
	// The Go fonts have no Arabic: callers can tell before printing boxes.
	if pdf.Regular.Covers("محمد") {
		t.Errorf("Regular.Covers(Arabic) = true, want false")
	}
}

func TestFillCells(t *testing.T) {
	d := pdf.New(50.8, 25.4) // 2 x 1 inch
	d.AddPage()
	// On a grid of 1/100 inch from (1/10 inch, 1/10 inch): two touching squares and one apart.
	pdf.FillCells(d, 2.54, 2.54, 0.254, []pdf.Cell{
		{X: 0, Y: 0, W: 20, H: 20},
		{X: 20, Y: 0, W: 20, H: 20},
		{X: 90, Y: 40, W: 10, H: 40},
	})
	var buf bytes.Buffer
	if err := d.Output(&buf); err != nil {
		t.Fatal(err)
	}
	pages := pdftest.Rasterize(t, buf.Bytes(), 100) // 1 px = 1/100 inch
	if len(pages) != 1 {
		t.Fatalf("got %d pages, want 1", len(pages))
	}
	img := pages[0]
	if b := img.Bounds(); b.Dx() != 200 || b.Dy() != 100 {
		t.Fatalf("page is %dx%d px, want 200x100", b.Dx(), b.Dy())
	}
	dark := func(x, y int) bool {
		g := color.GrayModel.Convert(img.At(x, y)).(color.Gray)
		return g.Y < 128
	}
	for _, c := range []struct {
		x, y int
		want bool
	}{
		{10, 10, true}, {49, 29, true}, {29, 20, true}, {30, 20, true}, // the joined squares, across the seam
		{9, 10, false}, {50, 10, false}, {10, 30, false}, {10, 9, false}, // just outside
		{100, 50, true}, {109, 89, true}, {110, 50, false}, {100, 90, false}, {99, 50, false}, {100, 49, false},
		{150, 20, false},
	} {
		if got := dark(c.x, c.y); got != c.want {
			t.Errorf("pixel (%d,%d) dark = %v, want %v", c.x, c.y, got, c.want)
		}
	}
	// The seam between the squares is solid: no light pixel in the joined rows.
	for x := 10; x < 50; x++ {
		if g := color.GrayModel.Convert(img.At(x, 20)).(color.Gray); g.Y > 64 {
			t.Errorf("pixel (%d,20) grey %d inside the joined squares", x, g.Y)
		}
	}
}
