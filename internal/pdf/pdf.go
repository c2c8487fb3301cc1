// Package pdf is the one place that imports the PDF library (github.com/jung-kurt/gofpdf). It
// is a thin layer: Doc is the library's own type, so callers use its methods directly, and
// moving to the maintained drop-in fork (github.com/go-pdf/fpdf) changes the import line here
// and nothing else.
//
// On top of the library it adds what every Refurb document needs: the Go fonts (regular, bold,
// mono) embedded in the binary and registered as UTF-8 fonts, so accented names (é, ü, ß, ç,
// ã, õ) print without font files on disk; text measurement that does not need a document; and
// FillCells, which fills many grid-aligned rectangles (QR codes) as one compact path.
//
// All lengths are millimetres from the top-left corner of the page; font sizes are points.
//
// It does not lay anything out: labels and certificates own their layouts.
package pdf

import "github.com/jung-kurt/gofpdf"

// Doc is a PDF document being built. It is the library's type, aliased so that no caller
// names the library.
type Doc = gofpdf.Fpdf

// A4 paper, portrait, in millimetres.
const (
	A4Width  = 210.0
	A4Height = 297.0
)

// New starts a document whose pages are widthMM x heightMM, in millimetres, with no margins and
// no automatic page break, and Go Regular and Go Bold registered (family "Go", styles "" and
// "B"). Go Mono is registered by SetFont on first use, or by AddFonts: every registered font
// costs parsing and, when the document is written, subsetting, used or not. The document has
// no page yet: call AddPage. Errors are collected by the document and reported by Output or
// Error.
func New(widthMM, heightMM float64) *Doc {
	// "P" keeps the size as given; "L" would swap width and height.
	d := gofpdf.NewCustom(&gofpdf.InitType{
		OrientationStr: "P",
		UnitStr:        "mm",
		Size:           gofpdf.SizeType{Wd: widthMM, Ht: heightMM},
	})
	d.SetMargins(0, 0, 0)
	d.SetCellMargin(0)
	d.SetAutoPageBreak(false, 0)
	d.SetProducer("Refurb", false)
	for _, f := range []Font{Regular, Bold} {
		d.AddUTF8FontFromBytes(f.Family(), f.Style(), f.TTF())
	}
	return d
}
