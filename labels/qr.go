package labels

import (
	"fmt"
	"strings"

	"github.com/digital-inclusion/refurb/internal/pdf"
)

// Level is the QR code's error correction level.
type Level int

// The levels labels use. M, the default, reads with 15% of the code damaged; Q reads with 25%,
// for labels that get scuffed, at the cost of a bigger code.
const (
	LevelM Level = iota
	LevelQ
)

func (l Level) String() string {
	switch l {
	case LevelM:
		return "M"
	case LevelQ:
		return "Q"
	}
	return fmt.Sprintf("Level(%d)", int(l))
}

func (l Level) ecc() (ecc, error) {
	switch l {
	case LevelM:
		return eccM, nil
	case LevelQ:
		return eccQ, nil
	}
	return 0, fmt.Errorf("labels: unknown QR level %d", int(l))
}

// quietZone is the white border a reader needs around the code, in modules.
const quietZone = 4

// QRURL is what a device's QR code encodes: the public URL, "/D/" and the tag, all upper case.
// Upper case letters, digits and " $%*+-./:" are the QR alphanumeric set, 5.5 bits a character
// instead of 8, so the code stays a size or two smaller and its modules larger. Scheme and host
// are case-insensitive; the server must route the upper-case path, and a PUBLIC_URL with a path
// of its own must be served case-insensitively too.
func QRURL(baseURL, tag string) string {
	return strings.ToUpper(strings.TrimRight(baseURL, "/")) + "/D/" + strings.ToUpper(tag)
}

// symbol is an encoded QR code: its dark modules merged into rectangles, in modules, without
// the quiet zone.
type symbol struct {
	size  int // modules per side
	rects []pdf.Cell
}

func encode(content string, level Level) (*symbol, error) {
	e, err := level.ecc()
	if err != nil {
		return nil, err
	}
	modules, size, err := qrEncode(content, e, -1)
	if err != nil {
		return nil, fmt.Errorf("labels: QR code for %q: %w", content, err)
	}
	return &symbol{size: size, rects: merge(modules, size)}, nil
}

// merge turns the dark modules (size x size, row by row) into few rectangles: runs of dark
// modules along each row, each extended downwards while the next row has exactly the same run.
// A version 3 code (29 x 29, about 440 dark modules) becomes about 180 rectangles.
func merge(modules []bool, size int) []pdf.Cell {
	out := make([]pdf.Cell, 0, size*size/4)
	// prev[x] and cur[x] are 1 + the index in out of the rectangle whose run starts at column x
	// on the row above and on this row, or 0.
	prev := make([]int, size)
	cur := make([]int, size)
	for y := range size {
		row := modules[y*size : (y+1)*size]
		for x := 0; x < len(row); {
			if !row[x] {
				x++
				continue
			}
			w := 1
			for x+w < len(row) && row[x+w] {
				w++
			}
			if i := prev[x]; i > 0 && int(out[i-1].W) == w {
				out[i-1].H++
				cur[x] = i
			} else {
				// int16 holds any code: version 40 is 177 modules wide.
				out = append(out, pdf.Cell{X: int16(x), Y: int16(y), W: int16(w), H: 1})
				cur[x] = len(out)
			}
			x += w
		}
		prev, cur = cur, prev
		clear(cur)
	}
	return out
}
