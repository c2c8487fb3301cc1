package labels_test

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"math"
	"os"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"

	"github.com/digital-inclusion/refurb/internal/pdf/pdftest"
	"github.com/digital-inclusion/refurb/labels"
)

// decode reads the QR code in img, returning its text and error correction level.
//
// gozxing's detector fails on a few perfectly rendered codes: data modules near a finder
// pattern pass its 1:1:3:1:1 test, it takes them for the bottom-left finder pattern, and gives
// up (NotFoundException: dimension = 27). Of the codes these tests render, one does this:
// HTTPS://REFURB.EXAMPLE/D/DI-001185-F at Q, 8 pixels a module. go-qrcode's own image of that
// text fails the same way at every even number of pixels per module, and zbar reads the very
// crop gozxing rejects. So, the crop being nothing but the code and its quiet zone, a failed
// detection is retried in gozxing's pure-barcode mode, which skips the finder search and still
// reads and error-corrects every module.
func decode(img image.Image) (text, level string, err error) {
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		return "", "", err
	}
	res, err := qrcode.NewQRCodeReader().Decode(bmp, nil)
	if err != nil {
		var err2 error
		pure := map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_PURE_BARCODE: true}
		if res, err2 = qrcode.NewQRCodeReader().Decode(bmp, pure); err2 != nil {
			return "", "", err
		}
		fallbacks.Add(1)
	}
	level, _ = res.GetResultMetadata()[gozxing.ResultMetadataType_ERROR_CORRECTION_LEVEL].(string)
	return res.GetText(), level, nil
}

// fallbacks counts the codes read only in pure-barcode mode.
var fallbacks atomic.Int64

func TestMain(m *testing.M) {
	code := m.Run()
	if n := fallbacks.Load(); n > 0 {
		fmt.Printf("labels: %d QR codes read only in gozxing's pure-barcode mode (see decode)\n", n)
	}
	os.Exit(code)
}

func TestPNG(t *testing.T) {
	for _, level := range []labels.Level{labels.LevelM, labels.LevelQ} {
		item := labels.Item{Tag: "DI-000123-K", Detail: "Laptop · Lenovo ThinkPad T480"}
		opts := labels.Options{BaseURL: baseURL, Level: level, OrgName: "Straßenkinder e.V."}
		var buf bytes.Buffer
		if err := labels.WritePNG(&buf, item, opts); err != nil {
			t.Fatal(err)
		}
		// 300 dpi is in the file (pHYs: 11811 pixels a metre), for printing at size.
		if i := bytes.Index(buf.Bytes(), []byte("pHYs")); i < 0 || !bytes.Equal(buf.Bytes()[i+4:i+13], []byte{0, 0, 0x2e, 0x23, 0, 0, 0x2e, 0x23, 1}) {
			t.Errorf("no pHYs chunk of 300 dpi in the PNG")
		}
		img, err := png.Decode(&buf)
		if err != nil {
			t.Fatal(err)
		}
		if b := img.Bounds(); b.Dx() != 732 || b.Dy() != 342 {
			t.Errorf("PNG is %dx%d, want 732x342 (62 x 29 mm at 300 dpi)", b.Dx(), b.Dy())
		}
		text, got, err := decode(img)
		if err != nil {
			t.Fatalf("%v: decoding the PNG: %v", level, err)
		}
		if want := labels.QRURL(baseURL, item.Tag); text != want {
			t.Errorf("%v: PNG decodes to %q, want %q", level, text, want)
		}
		if got != level.String() {
			t.Errorf("decoded error correction %q, want %q", got, level)
		}

		// Every module is a whole number of pixels: each module's square is one colour.
		ls, err := labels.Layout([]labels.Item{item}, labels.PNGStock, opts)
		if err != nil {
			t.Fatal(err)
		}
		l := ls[0]
		m := int(math.Round(l.Module * 300 / 25.4))
		x0, y0 := int(math.Round(l.QR.X*300/25.4)), int(math.Round(l.QR.Y*300/25.4))
		n := int(math.Round(l.QR.W/l.Module)) - 8
		dark := 0
		for my := 0; my < n+8; my++ {
			for mx := 0; mx < n+8; mx++ {
				first := isDark(img, x0+mx*m, y0+my*m)
				for py := 0; py < m; py++ {
					for px := 0; px < m; px++ {
						if isDark(img, x0+mx*m+px, y0+my*m+py) != first {
							t.Fatalf("%v: module (%d,%d) is not one colour", level, mx, my)
						}
					}
				}
				inQuiet := mx < 4 || my < 4 || mx >= n+4 || my >= n+4
				if first && inQuiet {
					t.Fatalf("%v: dark module (%d,%d) in the quiet zone", level, mx, my)
				}
				if first {
					dark++
				}
			}
		}
		if dark < n*n/4 {
			t.Errorf("%v: %d dark modules in a %dx%d code", level, dark, n, n)
		}
	}
}

func isDark(img image.Image, x, y int) bool {
	return color.GrayModel.Convert(img.At(x, y)).(color.Gray).Y < 128
}

// gray is img as an 8-bit grey image, for fast pixel loops.
func gray(img image.Image) *image.Gray {
	if g, ok := img.(*image.Gray); ok {
		return g
	}
	g := image.NewGray(img.Bounds())
	draw.Draw(g, g.Bounds(), img, img.Bounds().Min, draw.Src)
	return g
}

// checkPDF rasterises doc at 300 dpi as pdftoppm does for a printer, and decodes every label's
// QR code from its place on its page.
func checkPDF(t *testing.T, doc []byte, ls []labels.Label, level labels.Level) []image.Image {
	t.Helper()
	pages := pdftest.Rasterize(t, doc, 300)
	if want := ls[len(ls)-1].Page + 1; len(pages) != want {
		t.Fatalf("%d pages, want %d", len(pages), want)
	}
	for i, l := range ls {
		// The code's box with its quiet zone, plus a pixel for rounding.
		r := image.Rect(pxl(l.QR.X)-1, pxl(l.QR.Y)-1, pxl(l.QR.X+l.QR.W)+1, pxl(l.QR.Y+l.QR.H)+1)
		crop := pages[l.Page].(interface {
			SubImage(image.Rectangle) image.Image
		}).SubImage(r)
		text, got, err := decode(crop)
		if err != nil {
			t.Errorf("label %d (%s, page %d): %v", i, l.Item.Tag, l.Page, err)
			continue
		}
		if text != l.URL || text != labels.QRURL(baseURL, l.Item.Tag) {
			t.Errorf("label %d decodes to %q, want %q", i, text, l.URL)
		}
		if got != level.String() {
			t.Errorf("label %d: error correction %q, want %q", i, got, level)
		}
	}
	return pages
}

func pxl(mm float64) int { return int(math.Round(mm * 300 / 25.4)) }

func TestPDFSheetsDecode(t *testing.T) {
	pdftest.Need(t)
	for _, c := range []struct {
		stock string
		level labels.Level
		n     int
	}{
		{"L7160", labels.LevelM, 21},
		{"L7651", labels.LevelM, 65},
		{"L7160", labels.LevelQ, 21},
		{"L7651", labels.LevelQ, 65},
		{"H4677", labels.LevelM, 25}, // a sheet and a bit
	} {
		t.Run(fmt.Sprintf("%s-%v", c.stock, c.level), func(t *testing.T) {
			t.Parallel()
			s := labels.Stocks[c.stock]
			items := sampleItems(c.n)
			opts := labels.Options{BaseURL: baseURL, Level: c.level, OrgName: "Digital Inclusion"}
			var buf bytes.Buffer
			if err := labels.WritePDF(&buf, items, s, opts); err != nil {
				t.Fatal(err)
			}
			ls, err := labels.Layout(items, s, opts)
			if err != nil {
				t.Fatal(err)
			}
			checkPDF(t, buf.Bytes(), ls, c.level)
		})
	}
}

func TestPDFRollsDecode(t *testing.T) {
	pdftest.Need(t)
	long, err := labels.Stocks["DK-22205"].WithLength(40)
	if err != nil {
		t.Fatal(err)
	}
	stocks := []labels.Stock{long}
	for _, name := range []string{"DK-11209", "DK-22205", "DK-22210", "DYMO-99012"} {
		stocks = append(stocks, labels.Stocks[name])
	}
	for _, s := range stocks {
		for _, level := range []labels.Level{labels.LevelM, labels.LevelQ} {
			items := sampleItems(3)
			opts := labels.Options{BaseURL: baseURL, Level: level}
			var buf bytes.Buffer
			if err := labels.WritePDF(&buf, items, s, opts); err != nil {
				t.Fatal(err)
			}
			ls, err := labels.Layout(items, s, opts)
			if err != nil {
				t.Fatal(err)
			}
			pages := checkPDF(t, buf.Bytes(), ls, level)
			// One page per label, the label's size (pdftoppm rounds up to whole pixels).
			w, h := int(math.Ceil(s.PageW*300/25.4)), int(math.Ceil(s.PageH*300/25.4))
			for i, p := range pages {
				if b := p.Bounds(); b.Dx() != w || b.Dy() != h {
					t.Errorf("%s page %d is %dx%d px, want %dx%d", s.Name, i, b.Dx(), b.Dy(), w, h)
				}
			}
		}
	}
}

// The rendered page matches the layout: ink only inside the labels' printable areas, nothing
// on the five positions a start position of 5 leaves free, and the offsets move the ink.
func TestPDFInkInsideLabels(t *testing.T) {
	pdftest.Need(t)
	s := labels.Stocks["L7160"]
	for _, opts := range []labels.Options{
		{BaseURL: baseURL, Start: 5, OrgName: "Straßenkinder e.V."},
		{BaseURL: baseURL, Start: 5, OrgName: "Straßenkinder e.V.", OffsetXMM: 2, OffsetYMM: -1.5},
	} {
		items := sampleItems(16)
		var buf bytes.Buffer
		if err := labels.WritePDF(&buf, items, s, opts); err != nil {
			t.Fatal(err)
		}
		ls, err := labels.Layout(items, s, opts)
		if err != nil {
			t.Fatal(err)
		}
		pages := checkPDF(t, buf.Bytes(), ls, labels.LevelM)
		if len(pages) != 1 {
			t.Fatalf("%d pages, want 1", len(pages))
		}
		page := gray(pages[0])
		// Where ink may be: each label's printable area (a pixel of slack for anti-aliasing).
		b := page.Bounds()
		allowed := make([]bool, len(page.Pix))
		for _, l := range ls {
			a := l.Box.Inset(s.PadX, s.PadY)
			r := image.Rect(pxl(a.X)-1, pxl(a.Y)-1, pxl(a.X+a.W)+1, pxl(a.Y+a.H)+1).Intersect(b)
			for y := r.Min.Y; y < r.Max.Y; y++ {
				for x := r.Min.X; x < r.Max.X; x++ {
					allowed[page.PixOffset(x, y)] = true
				}
			}
		}
		stray := 0
		for i, v := range page.Pix {
			if v < 128 && !allowed[i] {
				stray++
			}
		}
		if stray > 0 {
			t.Errorf("offset %v, %v: %d dark pixels outside the labels' printable areas", opts.OffsetXMM, opts.OffsetYMM, stray)
		}
		for pos := 0; pos < 5; pos++ {
			_, box := s.Position(pos, opts.OffsetXMM, opts.OffsetYMM)
			for y := pxl(box.Y); y < pxl(box.Y+box.H); y++ {
				for x := pxl(box.X); x < pxl(box.X+box.W); x++ {
					if page.GrayAt(x, y).Y < 128 {
						t.Fatalf("position %d, left free by Start 5, has ink at (%d,%d)", pos, x, y)
					}
				}
			}
		}
	}
}

func TestPDFUnicodeText(t *testing.T) {
	pdftest.Need(t)
	items := []labels.Item{
		{Tag: "DI-000123-K", Detail: "Ordinateur portable · Café Müller São João"},
		{Tag: "DI-000124-L", Detail: "Portátil · Conceição Gonçalves, Açores"},
	}
	opts := labels.Options{BaseURL: baseURL, OrgName: "Straßenkinder e.V. Groß-Gerau"}
	for _, s := range []labels.Stock{labels.Stocks["DYMO-99012"], labels.Stocks["L7160"]} {
		var buf bytes.Buffer
		if err := labels.WritePDF(&buf, items, s, opts); err != nil {
			t.Fatal(err)
		}
		text := pdftest.Text(t, buf.Bytes())
		ls, err := labels.Layout(items, s, opts)
		if err != nil {
			t.Fatal(err)
		}
		var all []string
		for _, l := range ls {
			for _, ln := range l.Lines {
				if !strings.Contains(text, ln.Text) {
					t.Errorf("%s: pdftotext lost %q; got:\n%s", s.Name, ln.Text, text)
				}
				all = append(all, ln.Text)
			}
		}
		// Nothing was cut: every word of the details and the organisation is on the labels.
		for _, want := range []string{items[0].Detail, items[1].Detail, opts.OrgName} {
			for _, word := range strings.Fields(want) {
				if !strings.Contains(strings.Join(all, " "), word) || !strings.Contains(text, word) {
					t.Errorf("%s: %q missing", s.Name, word)
				}
			}
		}
	}
}

// TestQRSVG renders a mode card's code as SVG, rasterises it by painting each path rectangle,
// and decodes it back.
func TestQRSVG(t *testing.T) {
	var buf bytes.Buffer
	if err := labels.WriteQRSVG(&buf, "MODE:IN_REPAIR", labels.LevelM); err != nil {
		t.Fatal(err)
	}
	svg := buf.String()
	var n int
	if _, err := fmt.Sscanf(svg[strings.Index(svg, "viewBox"):], `viewBox="0 0 %d`, &n); err != nil {
		t.Fatalf("no viewBox in %.100s", svg)
	}
	const scale = 8
	img := image.NewGray(image.Rect(0, 0, n*scale, n*scale))
	draw.Draw(img, img.Bounds(), image.White, image.Point{}, draw.Src)
	path := svg[strings.Index(svg, `d="`)+3:]
	path = path[:strings.Index(path, `"`)]
	for _, cmd := range strings.Split(path, "z") {
		if cmd == "" {
			continue
		}
		var x, y, w, h, w2 int
		if _, err := fmt.Sscanf(cmd, "M%d %dh%dv%dh-%d", &x, &y, &w, &h, &w2); err != nil {
			t.Fatalf("path command %q: %v", cmd, err)
		}
		draw.Draw(img, image.Rect(x*scale, y*scale, (x+w)*scale, (y+h)*scale), image.Black, image.Point{}, draw.Src)
	}
	got, _, err := decode(img)
	if err != nil || got != "MODE:IN_REPAIR" {
		t.Errorf("decoded %q (%v), want MODE:IN_REPAIR", got, err)
	}
}
