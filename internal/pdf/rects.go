package pdf

import (
	"bytes"
	"strconv"
	"sync"
)

// Cell is a rectangle on a grid, in grid units: a run of QR code modules, a barcode bar.
type Cell struct{ X, Y, W, H int16 }

var pathBufs = sync.Pool{New: func() any { return new([]byte) }}

// FillCells fills cells in black on the current page, as one path with one fill operator. The
// grid's top-left corner is at (x, y) and its unit is unit, in millimetres.
//
// A QR code is hundreds of rectangles. The library's Rect writes each with its own fill and
// four decimal coordinates, about 35 bytes; FillCells sets the grid as the coordinate system
// once and writes each cell as four small integers, about 12 bytes, which keeps a long run of
// labels small even uncompressed. One path also renders without hairline seams between
// touching cells in anti-aliasing viewers. The graphics state is saved and restored around it,
// so the library's own colour and transformation state stay valid.
func FillCells(d *Doc, x, y, unit float64, cells []Cell) {
	if len(cells) == 0 || d.Err() {
		return
	}
	k := d.GetConversionRatio() // points per mm
	_, pageH := d.GetPageSize()
	bp := pathBufs.Get().(*[]byte)
	b := (*bp)[:0]
	// PDF space has its origin at the bottom-left, in points: flip y and scale to the grid.
	b = append(b, "q 0 g "...)
	b = appendNum(b, unit*k)
	b = append(b, "0 0 "...)
	b = appendNum(b, -unit*k)
	b = appendNum(b, x*k)
	b = appendNum(b, (pageH-y)*k)
	b = append(b, "cm\n"...)
	for _, c := range cells {
		b = strconv.AppendInt(b, int64(c.X), 10)
		b = append(b, ' ')
		b = strconv.AppendInt(b, int64(c.Y), 10)
		b = append(b, ' ')
		b = strconv.AppendInt(b, int64(c.W), 10)
		b = append(b, ' ')
		b = strconv.AppendInt(b, int64(c.H), 10)
		b = append(b, " re\n"...)
	}
	b = append(b, "f Q"...)
	d.RawWriteBuf(bytes.NewReader(b))
	*bp = b
	pathBufs.Put(bp)
}

// appendNum appends v with up to five decimals and a space. Five decimals of a point are far
// below a printer dot, and the grid unit multiplies any error by at most 177 modules.
func appendNum(b []byte, v float64) []byte {
	b = strconv.AppendFloat(b, v, 'f', 5, 64)
	// Trim trailing zeros to keep the stream small: "12.50000" -> "12.5", "3.00000" -> "3".
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
