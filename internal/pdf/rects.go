package pdf

import (
	"bytes"
	"strconv"
)

// Rect is a rectangle in millimetres from the top-left corner of the page.
type Rect struct{ X, Y, W, H float64 }

// FillRects fills rects in black on the current page as one path with one fill operator.
//
// A QR code is hundreds of rectangles: the library's Rect formats and writes each on its own
// (with its own fill, so anti-aliasing viewers can show hairline seams where two touch). One
// path is smaller, faster to write, and renders without seams. The graphics state is saved and
// restored around it, so the library's own colour state stays valid.
func FillRects(d *Doc, rects []Rect) {
	if len(rects) == 0 || d.Err() {
		return
	}
	k := d.GetConversionRatio() // points per mm
	_, pageH := d.GetPageSize()
	b := make([]byte, 0, 8+len(rects)*32)
	b = append(b, "q 0 g\n"...)
	for _, r := range rects {
		// PDF space has its origin at the bottom-left, in points.
		b = appendNum(b, r.X*k)
		b = appendNum(b, (pageH-r.Y-r.H)*k)
		b = appendNum(b, r.W*k)
		b = appendNum(b, r.H*k)
		b = append(b, "re\n"...)
	}
	b = append(b, "f\nQ"...)
	d.RawWriteBuf(bytes.NewReader(b))
}

// appendNum appends v with up to three decimals (1/1000 pt, far below a printer dot) and a
// space.
func appendNum(b []byte, v float64) []byte {
	b = strconv.AppendFloat(b, v, 'f', 3, 64)
	// Trim trailing zeros to keep the stream small: "12.500" -> "12.5", "3.000" -> "3".
	i := len(b)
	for b[i-1] == '0' {
		i--
	}
	if b[i-1] == '.' {
		i--
	}
	b = b[:i]
	return append(b, ' ')
}
