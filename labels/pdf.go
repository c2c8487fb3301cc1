package labels

import (
	"fmt"
	"io"

	"github.com/digital-inclusion/refurb/internal/pdf"
)

// WritePDF writes items as labels on stock: A4 pages of labels for a sheet stock, one page per
// label for a roll. QR codes are vector rectangles (crisp at any printer resolution, and a
// fraction of the size and time of embedded images).
func WritePDF(w io.Writer, items []Item, stock Stock, opts Options) error {
	if len(items) == 0 {
		return fmt.Errorf("labels: no items to print")
	}
	labels, err := Layout(items, stock, opts)
	if err != nil {
		return err
	}
	d := pdf.New(stock.PageW, stock.PageH)
	// Uncompressed: the library allocates a new 1.3 MB compressor for every page, more than a
	// whole sheet of labels otherwise needs. The page content is compact (FillCells): about 2 KB
	// a label, 2 MB for 1,000.
	d.SetCompression(false)
	d.SetTitle(fmt.Sprintf("Labels (%s)", stock.Name), true)
	page := -1
	for i := range labels {
		l := &labels[i]
		for page < l.Page {
			d.AddPage()
			page++
		}
		m := l.Module
		pdf.FillCells(d, l.QR.X+quietZone*m, l.QR.Y+quietZone*m, m, l.symbol.rects)
		for _, ln := range l.Lines {
			f := pdf.Regular
			if ln.Bold {
				f = pdf.Bold
			}
			pdf.SetFont(d, f, ln.SizePt)
			d.Text(ln.X, ln.Baseline, ln.Text)
		}
	}
	return d.Output(w)
}
