package certificates

import (
	"strings"
	"unicode/utf8"

	"github.com/digital-inclusion/refurb/internal/pdf"
)

// Text on a certificate: which font prints a string (the Go fonts, or DejaVu Sans for what they
// lack), how wide it is, drawing it, and wrapping it to a width.

// fallbackFamily is DejaVu Sans, registered on a document only when some text needs a glyph
// the Go fonts lack (Arabic script): parsing it costs a few milliseconds.
const fallbackFamily = "DejaVu"

// needsFallback reports whether any text of the document has a character the Go fonts lack.
func (r *renderer) needsFallback() bool {
	doc := r.doc
	if doc.Language == "ar" {
		return true
	}
	if h := doc.Handover; h != nil && (!goCovers(h.Support) || !goCovers(h.OS) || !goCovers(h.CPU)) {
		return true
	}
	texts := []string{doc.Org.Name, doc.Org.Address, doc.Org.RegistrationNumber, doc.Donor.Name, doc.Donor.Address,
		doc.Donor.RegistrationNumber, doc.Donation.Place, doc.Donation.DonorReference}
	texts = append(texts, r.attendanceTexts()...)
	texts = append(texts, r.reportTexts()...)
	for _, s := range texts {
		if !goCovers(s) {
			return true
		}
	}
	for i := range doc.Devices {
		d := &doc.Devices[i]
		if !goCovers(d.DonorAssetTag) || !goCovers(d.Make) || !goCovers(d.Model) || !goCovers(d.Serial) {
			return true
		}
	}
	for i := range doc.Drives {
		d := &doc.Drives[i]
		if !goCovers(d.Serial) || !goCovers(d.Make) || !goCovers(d.Model) || !goCovers(d.DeviceSerial) {
			return true
		}
		if w := d.Wipe; w != nil && (!goCovers(w.Operator) || !goCovers(w.Verifier) || !goCovers(w.Technique) ||
			!goCovers(w.Standard) || !goCovers(w.Tool)) {
			return true
		}
	}
	return false
}

// goCovers reports whether the Go fonts have every glyph of s; ASCII is answered at once.
func goCovers(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return pdf.Regular.Covers(s)
		}
	}
	return true
}

// setFont selects the font that prints s, bold or not, and returns s as it must be drawn.
func (r *renderer) setFont(s string, bold bool, size float64) string {
	family, style := pdf.Regular.Family(), ""
	if bold {
		style = pdf.Bold.Style()
	}
	if r.fallback && !goCovers(s) {
		family = fallbackFamily
		s = visual(s)
		if !r.fallbackBold {
			style = ""
		}
	}
	if r.font.family != family || r.font.style != style || r.font.size != size {
		r.d.SetFont(family, style, size)
		r.font.family, r.font.style, r.font.size = family, style, size
	}
	return s
}

// width is the printed width of s.
func (r *renderer) width(s string, bold bool, size float64) float64 {
	if !r.fallback || goCovers(s) {
		if bold {
			return pdf.Bold.Width(s, size)
		}
		return pdf.Regular.Width(s, size)
	}
	return r.d.GetStringWidth(r.setFont(s, bold, size))
}

// text draws s with its baseline at y.
func (r *renderer) text(x, y float64, s string, bold bool, size float64) {
	if !r.draw || s == "" {
		return
	}
	r.d.Text(x, y, r.setFont(s, bold, size))
}

// textRight draws s ending at x.
func (r *renderer) textRight(x, y float64, s string, bold bool, size float64) {
	r.text(x-r.width(s, bold, size), y, s, bold, size)
}

// lineHeight is the distance between baselines at size points.
func lineHeight(size float64) float64 { return size * 25.4 / 72 * 1.3 }

// ascent is how far the text's top is above its baseline.
func ascent(size float64) float64 { a, _ := pdf.Regular.Extent(size); return a }

// wrap breaks s into lines no wider than w, at spaces when possible and anywhere in a word
// longer than a line (a serial number is never cut short: it continues on the next line).
func (r *renderer) wrap(s string, bold bool, size, w float64) []string {
	if s == "" {
		return nil
	}
	if r.width(s, bold, size) <= w {
		return []string{s}
	}
	var lines []string
	var cur string
	for _, word := range strings.Fields(s) {
		try := word
		if cur != "" {
			try = cur + " " + word
		}
		if r.width(try, bold, size) <= w {
			cur = try
			continue
		}
		if cur != "" {
			lines = append(lines, cur)
			cur = ""
		}
		for r.width(word, bold, size) > w {
			// The longest prefix that fits, at least one character.
			cut := 0
			for i := range word {
				if i > 0 && r.width(word[:i], bold, size) > w {
					break
				}
				cut = i
			}
			if cut == 0 {
				_, cut = utf8.DecodeRuneInString(word)
			}
			lines = append(lines, word[:cut])
			word = word[cut:]
		}
		cur = word
	}
	if cur != "" {
		lines = append(lines, cur)
	}
	return lines
}
