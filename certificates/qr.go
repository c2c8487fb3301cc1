package certificates

import (
	"fmt"

	qrcode "github.com/skip2/go-qrcode"

	"github.com/digital-inclusion/refurb/internal/pdf"
)

// qrCode is an encoded QR code: its dark modules as cells of a size x size grid, quiet zone
// excluded (the layout leaves white around it).
type qrCode struct {
	size  int
	cells []pdf.Cell
}

// encodeQR encodes content at error correction level M. Runs of dark modules along a row,
// extended down while the rows below repeat them, become one cell each, and pdf.FillCells draws
// them as one path: vector modules print crisp at any resolution and cost a fraction of an
// embedded PNG (docs/performance.md).
func encodeQR(content string) (*qrCode, error) {
	q, err := qrcode.New(content, qrcode.Medium)
	if err != nil {
		return nil, fmt.Errorf("certificates: QR code: %w", err)
	}
	q.DisableBorder = true
	bits := q.Bitmap()
	cells := make([]pdf.Cell, 0, len(bits)*len(bits)/5)
	// prev[x] and cur[x] are 1 + the index in cells of the cell whose run starts at column x on
	// the row above and on this row, or 0.
	prev := make([]int, len(bits))
	cur := make([]int, len(bits))
	for y, row := range bits {
		for x := 0; x < len(row); {
			if !row[x] {
				x++
				continue
			}
			w := 1
			for x+w < len(row) && row[x+w] {
				w++
			}
			if i := prev[x]; i > 0 && int(cells[i-1].W) == w {
				cells[i-1].H++
				cur[x] = i
			} else {
				cells = append(cells, pdf.Cell{X: int16(x), Y: int16(y), W: int16(w), H: 1})
				cur[x] = len(cells)
			}
			x += w
		}
		prev, cur = cur, prev
		clear(cur)
	}
	return &qrCode{size: len(bits), cells: cells}, nil
}
