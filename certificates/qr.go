package certificates

import (
	"fmt"

	"github.com/digital-inclusion/refurb/internal/pdf"
	"github.com/digital-inclusion/refurb/labels"
)

// qrCode is an encoded QR code: its dark modules as cells of a size x size grid, quiet zone
// excluded (the layout leaves white around it).
type qrCode struct {
	size  int
	cells []pdf.Cell
}

// encodeQR encodes content at error correction level M, as labels draw theirs: runs of dark
// modules become one cell each, and pdf.FillCells draws them as one path, crisp at any
// resolution and a fraction of an embedded PNG (docs/performance.md).
func encodeQR(content string) (*qrCode, error) {
	size, cells, err := labels.QRCells(content, labels.LevelM)
	if err != nil {
		return nil, fmt.Errorf("certificates: QR code: %w", err)
	}
	return &qrCode{size: size, cells: cells}, nil
}
