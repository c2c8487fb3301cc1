package labels

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"io"
	"math"
	"sync"

	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"

	"github.com/digital-inclusion/refurb/internal/pdf"
)

// PNGStock is the label WritePNG draws: Brother's 62 x 29 mm die-cut label (DK-11209), which
// also fits 62 mm continuous tape cut 29 mm long.
var PNGStock = Stocks["DK-11209"]

// WritePNG writes one label as a black-and-white PNG at 300 dpi, 732 x 342 pixels (62 x 29 mm):
// every QR module is a whole number of pixels, so a 300 dpi label printer prints it dot for dot.
func WritePNG(w io.Writer, item Item, opts Options) error {
	labels, err := Layout([]Item{item}, PNGStock, opts)
	if err != nil {
		return err
	}
	l := &labels[0]
	width, height := int(PNGStock.PageW/dot), int(PNGStock.PageH/dot) // 732 x 342: whole dots only
	img := image.NewGray(image.Rect(0, 0, width, height))
	for i := range img.Pix {
		img.Pix[i] = 0xff
	}

	m := px(l.Module) // pixels per module: Layout made the module a whole number of dots
	x0 := px(l.QR.X) + quietZone*m
	y0 := px(l.QR.Y) + quietZone*m
	for _, c := range l.symbol.rects {
		x, y, w, h := int(c.X), int(c.Y), int(c.W), int(c.H)
		r := image.Rect(x0+x*m, y0+y*m, x0+(x+w)*m, y0+(y+h)*m)
		draw.Draw(img, r, image.Black, image.Point{}, draw.Src)
	}

	for _, ln := range l.Lines {
		f := pdf.Regular
		if ln.Bold {
			f = pdf.Bold
		}
		face, err := newFace(f, ln.SizePt)
		if err != nil {
			return err
		}
		d := font.Drawer{
			Dst:  img,
			Src:  image.Black,
			Face: face,
			Dot:  fixed.Point26_6{X: fixed.Int26_6(math.Round(ln.X / dot * 64)), Y: fixed.Int26_6(math.Round(ln.Baseline / dot * 64))},
		}
		d.DrawString(ln.Text)
		face.Close()
	}

	// Two colours, one bit a pixel: a thermal printer has no grey, and the file is small.
	bw := image.NewPaletted(img.Rect, color.Palette{color.White, color.Black})
	for i, v := range img.Pix {
		if v < 0x80 {
			bw.Pix[i] = 1
		}
	}
	enc := png.Encoder{CompressionLevel: png.BestSpeed, BufferPool: pngBuffers{}}
	var buf bytes.Buffer
	if err := enc.Encode(&buf, bw); err != nil {
		return fmt.Errorf("labels: PNG: %w", err)
	}
	_, err = w.Write(withDPI(buf.Bytes(), dpi))
	return err
}

// withDPI inserts a pHYs chunk after the IHDR chunk of the PNG b (which image/png does not
// write), so that print dialogs and label software print the label at its size, 62 x 29 mm,
// rather than at 96 dpi or stretched to the page.
func withDPI(b []byte, dpi int) []byte {
	const ihdrEnd = 8 + 4 + 4 + 13 + 4 // signature, IHDR length, type, data, CRC
	ppm := uint32(math.Round(float64(dpi) / 0.0254))
	chunk := make([]byte, 0, 21)
	chunk = binary.BigEndian.AppendUint32(chunk, 9)
	chunk = append(chunk, "pHYs"...)
	chunk = binary.BigEndian.AppendUint32(chunk, ppm)
	chunk = binary.BigEndian.AppendUint32(chunk, ppm)
	chunk = append(chunk, 1) // unit: metre
	chunk = binary.BigEndian.AppendUint32(chunk, crc32.ChecksumIEEE(chunk[4:]))
	out := make([]byte, 0, len(b)+len(chunk))
	out = append(out, b[:ihdrEnd]...)
	out = append(out, chunk...)
	return append(out, b[ihdrEnd:]...)
}

// pngBuffers reuses the PNG encoder's buffers and compressor (about 1 MB) across labels.
type pngBuffers struct{}

var pngPool sync.Pool

func (pngBuffers) Get() *png.EncoderBuffer {
	b, _ := pngPool.Get().(*png.EncoderBuffer)
	return b
}

func (pngBuffers) Put(b *png.EncoderBuffer) { pngPool.Put(b) }

// px is a length in mm as whole 300 dpi pixels.
func px(mm float64) int { return int(math.Round(mm / dot)) }

var faces [3]struct {
	once sync.Once
	font *opentype.Font
	err  error
}

// newFace is f at sizePt for 300 dpi, unhinted and without kerning, so that text takes the
// width Layout measured.
func newFace(f pdf.Font, sizePt float64) (font.Face, error) {
	p := &faces[f]
	p.once.Do(func() { p.font, p.err = opentype.Parse(f.TTF()) })
	if p.err != nil {
		return nil, fmt.Errorf("labels: font %v: %w", f, p.err)
	}
	face, err := opentype.NewFace(p.font, &opentype.FaceOptions{Size: sizePt, DPI: dpi, Hinting: font.HintingNone})
	if err != nil {
		return nil, fmt.Errorf("labels: font %v: %w", f, err)
	}
	return noKern{face}, nil
}

// noKern drops kerning: the PDF library does not kern, and Layout measures as it does.
type noKern struct{ font.Face }

func (noKern) Kern(r0, r1 rune) fixed.Int26_6 { return 0 }
