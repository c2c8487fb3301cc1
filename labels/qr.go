package labels

import (
	"fmt"
	"strings"

	qrcode "github.com/skip2/go-qrcode"

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

func (l Level) recovery() (qrcode.RecoveryLevel, error) {
	switch l {
	case LevelM:
		return qrcode.Medium, nil
	case LevelQ:
		return qrcode.High, nil // go-qrcode's High is the standard's level Q (25%)
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

// encode encodes content with go-qrcode, which picks the smallest version and the best mask,
// and merges its dark modules into rectangles.
func encode(content string, level Level) (*symbol, error) {
	rl, err := level.recovery()
	if err != nil {
		return nil, err
	}
	q, err := qrcode.New(content, rl)
	if err != nil {
		return nil, fmt.Errorf("labels: QR code for %q: %w", content, err)
	}
	q.DisableBorder = true
	bits := q.Bitmap()
	size := len(bits)
	modules := make([]bool, 0, size*size)
	for _, row := range bits {
		modules = append(modules, row...)
	}
	return &symbol{size: size, rects: merge(modules, size)}, nil
}

// QRCells encodes content as a QR code and returns its size in modules (quiet zone excluded)
// and its dark modules merged into rectangles, for pdf.FillCells: documents other than labels
// (certificates) draw their codes the same way.
func QRCells(content string, level Level) (int, []pdf.Cell, error) {
	s, err := encode(content, level)
	if err != nil {
		return 0, nil, err
	}
	return s.size, s.rects, nil
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
