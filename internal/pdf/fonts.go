package pdf

import (
	"fmt"
	"sync"

	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/gomono"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
)

// Font is one of the embedded Go fonts.
//
// The Go fonts cover Latin (with every Western and Central European accent), Greek and
// Cyrillic. They have no Arabic, Hebrew or CJK glyphs, and the PDF library does no shaping or
// right-to-left ordering: such text comes out as empty boxes.
type Font int

// The embedded fonts.
const (
	Regular Font = iota // Go Regular, proportional
	Bold                // Go Bold, proportional
	Mono                // Go Mono, fixed width
)

// mmPerPt converts points (1/72 inch) to millimetres.
const mmPerPt = 25.4 / 72

// Family is the family name the font is registered under, for Doc.SetFont.
func (f Font) Family() string {
	if f == Mono {
		return "GoMono"
	}
	return "Go"
}

// Style is the style the font is registered under, for Doc.SetFont.
func (f Font) Style() string {
	if f == Bold {
		return "B"
	}
	return ""
}

func (f Font) String() string {
	switch f {
	case Regular:
		return "Go Regular"
	case Bold:
		return "Go Bold"
	case Mono:
		return "Go Mono"
	}
	return fmt.Sprintf("Font(%d)", int(f))
}

// TTF returns the font file, for renderers other than PDF (e.g. PNG labels) that must draw the
// same glyphs.
func (f Font) TTF() []byte {
	switch f {
	case Bold:
		return gobold.TTF
	case Mono:
		return gomono.TTF
	}
	return goregular.TTF
}

// AddFonts registers all the Go fonts on d as UTF-8 fonts (New registers Regular and Bold), for
// callers that select them with the library's own SetFont by family and style. Only the glyphs
// a document uses are embedded.
func AddFonts(d *Doc) {
	for _, f := range []Font{Regular, Bold, Mono} {
		d.AddUTF8FontFromBytes(f.Family(), f.Style(), f.TTF())
	}
}

// SetFont selects f at sizePt points on d, registering it on first use.
func SetFont(d *Doc, f Font, sizePt float64) {
	d.AddUTF8FontFromBytes(f.Family(), f.Style(), f.TTF()) // returns at once if already there
	d.SetFont(f.Family(), f.Style(), sizePt)
}

// metrics is a parsed font, for measuring text without a document.
type metrics struct {
	font    *sfnt.Font
	upem    float64
	ascent  float64 // em
	descent float64 // em, positive below the baseline
	ascii   [128]float64
	bufs    sync.Pool
}

var parsed [3]struct {
	once sync.Once
	m    *metrics
}

func (f Font) metrics() *metrics {
	p := &parsed[f]
	p.once.Do(func() { p.m = parse(f.TTF()) })
	return p.m
}

func parse(ttf []byte) *metrics {
	m := &metrics{bufs: sync.Pool{New: func() any { return new(sfnt.Buffer) }}}
	fnt, err := sfnt.Parse(ttf)
	if err != nil {
		// The fonts are compiled in, so this cannot happen short of a broken x/image; text
		// then measures as zero wide and Covers reports false.
		return m
	}
	m.font = fnt
	m.upem = float64(fnt.UnitsPerEm())
	var buf sfnt.Buffer
	// ppem = units per em: advances and metrics come back in font units (26.6 fixed point).
	ppem := fixed.Int26_6(fnt.UnitsPerEm()) << 6
	met, err := fnt.Metrics(&buf, ppem, font.HintingNone)
	if err == nil {
		m.ascent = float64(met.Ascent) / 64 / m.upem
		m.descent = float64(met.Descent) / 64 / m.upem
	}
	for r := range rune(len(m.ascii)) {
		m.ascii[r] = m.advance(&buf, r)
	}
	return m
}

// advance is the advance width of r in em (the .notdef glyph's for runes the font lacks, as
// the PDF shows).
func (m *metrics) advance(buf *sfnt.Buffer, r rune) float64 {
	ppem := fixed.Int26_6(m.font.UnitsPerEm()) << 6
	gi, err := m.font.GlyphIndex(buf, r)
	if err != nil {
		gi = 0
	}
	adv, err := m.font.GlyphAdvance(buf, gi, ppem, font.HintingNone)
	if err != nil {
		return 0
	}
	return float64(adv) / 64 / m.upem
}

// Width is the width of s set in f at sizePt points, in millimetres. It matches what the PDF
// library measures (no kerning).
func (f Font) Width(s string, sizePt float64) float64 {
	m := f.metrics()
	if m.font == nil {
		return 0
	}
	var em float64
	var buf *sfnt.Buffer
	for _, r := range s {
		if r >= 0 && int(r) < len(m.ascii) {
			em += m.ascii[r]
			continue
		}
		if buf == nil {
			buf = m.bufs.Get().(*sfnt.Buffer)
			defer m.bufs.Put(buf)
		}
		em += m.advance(buf, r)
	}
	return em * sizePt * mmPerPt
}

// Extent is how far f at sizePt points reaches above and below the baseline, in millimetres
// (the font's ascent and descent, so every glyph fits).
func (f Font) Extent(sizePt float64) (ascent, descent float64) {
	m := f.metrics()
	return m.ascent * sizePt * mmPerPt, m.descent * sizePt * mmPerPt
}

// Covers reports whether f has a glyph for every letter of s, i.e. whether s prints as text
// rather than as empty boxes.
func (f Font) Covers(s string) bool {
	m := f.metrics()
	if m.font == nil {
		return false
	}
	buf := m.bufs.Get().(*sfnt.Buffer)
	defer m.bufs.Put(buf)
	for _, r := range s {
		if r < 0x20 {
			continue
		}
		gi, err := m.font.GlyphIndex(buf, r)
		if err != nil || gi == 0 {
			return false
		}
	}
	return true
}
