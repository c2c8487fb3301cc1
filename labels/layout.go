package labels

import (
	"errors"
	"fmt"
	"math"
	"runtime"
	"strings"
	"sync"
	"unicode"

	"github.com/digital-inclusion/refurb/internal/pdf"
)

// Item is what one label shows.
type Item struct {
	Tag    string // the asset tag, e.g. DI-000123-K
	Detail string // one line, e.g. "Laptop · Lenovo ThinkPad T480"; cut short with … if too long
	// URL, when set, is what the QR code encodes instead of QRURL(BaseURL, Tag): a trainee's
	// badge encodes PUBLIC_URL/T/TOKEN. Upper case keeps the code small.
	URL string
}

// Options apply to every label of a run.
type Options struct {
	// BaseURL is the public URL (PUBLIC_URL); the QR code encodes QRURL(BaseURL, tag).
	BaseURL string
	// Level is the QR error correction: LevelM (the default) or LevelQ.
	Level Level
	// OrgName, if set, is printed small under the detail line.
	OrgName string
	// OffsetXMM and OffsetYMM move everything right and down (negative: left and up), to
	// correct a printer that feeds sheets off true.
	OffsetXMM, OffsetYMM float64
	// Start is the first free position on a partly used sheet (0-based, across then down).
	// Roll stocks have no positions: Start must be 0.
	Start int
}

// ErrTooSmall means a label has no room for the QR code with modules of at least 0.4 mm next
// to text that can still be read, or for the whole tag.
var ErrTooSmall = errors.New("labels: label too small")

// Label is one laid-out label: where it is and where each of its parts goes.
type Label struct {
	Item   Item
	URL    string // what the QR code encodes
	Page   int    // 0-based
	Box    Rect   // the label
	QR     Rect   // the QR code including its quiet zone
	Module float64
	Lines  []Line // the tag, the detail line, maybe the organisation's name

	symbol *symbol
}

// Line is one line of text on a label.
type Line struct {
	Text     string
	Bold     bool
	SizePt   float64
	X        float64 // left end of the baseline
	Baseline float64
	Box      Rect // from the font's ascent to its descent, as wide as the text
}

// Font sizes, in points. Below 6 pt a tag is hard to read at arm's length; detail lines may go
// down to 5 pt before they are cut short.
const (
	maxTagPt    = 16.0
	minTagPt    = 6.0
	maxDetailPt = 9.0
	minDetailPt = 5.0
	mmPerPt     = 25.4 / 72
)

// Layout places items on stock, in order, from position opts.Start, and arranges each label.
// WritePDF and WritePNG draw exactly this.
func Layout(items []Item, stock Stock, opts Options) ([]Label, error) {
	if err := stock.check(); err != nil {
		return nil, err
	}
	if err := checkOptions(stock, opts); err != nil {
		return nil, err
	}
	labels := make([]Label, len(items))
	for i, it := range items {
		if strings.TrimSpace(it.Tag) == "" {
			return nil, fmt.Errorf("labels: item %d has no tag", i)
		}
		labels[i].Item = it
		labels[i].URL = QRURL(opts.BaseURL, strings.TrimSpace(it.Tag))
		if it.URL != "" {
			labels[i].URL = it.URL
		}
	}
	if err := encodeAll(labels, opts.Level); err != nil {
		return nil, err
	}
	org := oneLine(opts.OrgName)
	for i := range labels {
		l := &labels[i]
		l.Page, l.Box = stock.Position(opts.Start+i, opts.OffsetXMM, opts.OffsetYMM)
		if err := arrange(l, stock, org); err != nil {
			return nil, fmt.Errorf("%w: %s on %s", err, l.Item.Tag, stock.Name)
		}
	}
	return labels, nil
}

func checkOptions(stock Stock, opts Options) error {
	u := strings.ToLower(opts.BaseURL)
	if !strings.HasPrefix(u, "https://") && !strings.HasPrefix(u, "http://") {
		return fmt.Errorf("labels: base URL %q is not an http(s) URL", opts.BaseURL)
	}
	if _, err := opts.Level.recovery(); err != nil {
		return err
	}
	if stock.Roll && opts.Start != 0 {
		return fmt.Errorf("labels: start position %d on %s: a roll has no positions", opts.Start, stock.Name)
	}
	if opts.Start < 0 || opts.Start >= stock.PerPage() {
		return fmt.Errorf("labels: start position %d on %s (0 to %d)", opts.Start, stock.Name, stock.PerPage()-1)
	}
	// More than a few millimetres is a wrong setting, not a printer's feed.
	const maxOffset = 10
	if math.Abs(opts.OffsetXMM) > maxOffset || math.Abs(opts.OffsetYMM) > maxOffset {
		return fmt.Errorf("labels: printer offset %.1f, %.1f mm (at most %d mm)", opts.OffsetXMM, opts.OffsetYMM, maxOffset)
	}
	return nil
}

// encodeAll encodes the labels' QR codes, on every core for long runs: choosing the mask of one
// code costs more than drawing a label.
func encodeAll(labels []Label, level Level) error {
	workers := min(runtime.GOMAXPROCS(0), (len(labels)+31)/32)
	if workers <= 1 {
		for i := range labels {
			s, err := encode(labels[i].URL, level)
			if err != nil {
				return err
			}
			labels[i].symbol = s
		}
		return nil
	}
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		errs error
	)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < len(labels); i += workers {
				s, err := encode(labels[i].URL, level)
				if err != nil {
					mu.Lock()
					errs = errors.Join(errs, err)
					mu.Unlock()
					return
				}
				labels[i].symbol = s
			}
		}()
	}
	wg.Wait()
	return errs
}

// arrange puts the QR code on the left of the label's printable area, as large as the height
// allows but no wider than 45% of it, in whole dots per module; the text takes the rest.
//
// The arrangement is computed for the label alone and then moved to its place, so a printer
// offset moves every part by exactly the offset; only the code then moves to the nearest point
// of the printer's dot grid (half a dot at most, inside the slack left for it).
func arrange(l *Label, stock Stock, org string) error {
	area := Rect{W: stock.LabelW, H: stock.LabelH}.Inset(stock.PadX, stock.PadY)
	n := l.symbol.size + 2*quietZone
	// One dot of slack in each direction for the snap to the grid.
	room := math.Min(area.H-dot, 0.45*area.W)
	dots := int(math.Floor(room/float64(n)/dot + 1e-9))
	if dots < minDots {
		// A denser code (Q, a long URL): give it up to 60% of the width before giving up.
		dots = minDots
		if side := float64(n*dots) * dot; side > area.H-dot || side > 0.6*area.W {
			return ErrTooSmall
		}
	}
	l.Module = float64(dots) * dot
	side := float64(n) * l.Module
	qr := Rect{X: area.X + dot/2, Y: area.Y + (area.H-side)/2, W: side, H: side}

	const gap = 0.5 // mm; the quiet zone already keeps the text clear of the code
	text := Rect{X: qr.X + side + dot/2 + gap, Y: area.Y, H: area.H}
	text.W = area.X + area.W - text.X
	lines, err := setText(text, strings.TrimSpace(l.Item.Tag), oneLine(l.Item.Detail), org)
	if err != nil {
		return err
	}

	dx, dy := l.Box.X, l.Box.Y
	l.QR = Rect{X: snap(qr.X + dx), Y: snap(qr.Y + dy), W: side, H: side}
	for i := range lines {
		lines[i].X += dx
		lines[i].Baseline += dy
		lines[i].Box.X += dx
		lines[i].Box.Y += dy
	}
	l.Lines = lines
	return nil
}

// setText sets the tag as large as fits on one line, then the detail smaller, wrapped onto up
// to three lines, then the organisation's name on one line, and centres the block vertically in
// box. When the block is too tall the detail gets smaller, then fewer lines (the last cut short
// with an ellipsis), and the organisation's name goes; the tag is never cut.
func setText(box Rect, tag, detail, org string) ([]Line, error) {
	tagPt := fitSize(pdf.Bold, tag, box.W, math.Min(maxTagPt, 0.4*box.H/mmPerPt), minTagPt)
	if tagPt == 0 {
		return nil, ErrTooSmall
	}
	tagLine := []run{{tag, pdf.Bold, tagPt}}
	if height(tagLine) > box.H {
		return nil, ErrTooSmall
	}
	smallMax := math.Max(minDetailPt, math.Min(maxDetailPt, 0.6*tagPt))
	orgLine := func(maxPt float64) []run {
		if org == "" {
			return nil
		}
		pt := fitSize(pdf.Regular, org, box.W, maxPt, minDetailPt)
		if pt == 0 {
			pt = minDetailPt
		}
		if s := ellipsize(pdf.Regular, org, box.W, pt); s != "" {
			return []run{{s, pdf.Regular, pt}}
		}
		return nil
	}

	var best []run
	if detail == "" {
		if best = append(tagLine, orgLine(smallMax)...); height(best) > box.H {
			best = tagLine
		}
	} else {
		// Largest detail size whose wrapped lines fit, with the organisation's name if possible.
	search:
		for _, withOrg := range []bool{true, false} {
			for pt := smallMax; pt >= minDetailPt; pt -= 0.5 {
				var o []run
				if withOrg {
					if o = orgLine(0.9 * pt); o == nil && org != "" {
						continue
					}
				}
				d := wrap(detail, box.W, pt, 3)
				if cand := append(append(append([]run{}, tagLine...), d...), o...); height(cand) <= box.H && !truncated(d, detail) {
					best = cand
					break search
				}
			}
		}
		if best == nil {
			// Not even at the smallest size: as many lines as fit, the last one cut short.
			for n := 3; n >= 1; n-- {
				cand := append(append([]run{}, tagLine...), wrap(detail, box.W, minDetailPt, n)...)
				if height(cand) <= box.H {
					best = cand
					break
				}
			}
			if best == nil {
				best = tagLine
			}
		}
	}

	lines := make([]Line, len(best))
	y := box.Y + (box.H-height(best))/2
	for i, r := range best {
		if i > 0 {
			y += leading * r.pt * mmPerPt
		}
		a, d := r.font.Extent(r.pt)
		w := r.font.Width(r.text, r.pt)
		lines[i] = Line{
			Text: r.text, Bold: r.font == pdf.Bold, SizePt: r.pt,
			X: box.X, Baseline: y + a,
			Box: Rect{X: box.X, Y: y, W: w, H: a + d},
		}
		y += a + d
	}
	return lines, nil
}

// leading is the space between two lines, in ems of the lower line, on top of the fonts'
// ascent and descent.
const leading = 0.1

// run is text set in one font at one size.
type run struct {
	text string
	font pdf.Font
	pt   float64
}

// height is the height of lines set one under the other, in mm.
func height(lines []run) float64 {
	var h float64
	for i, r := range lines {
		a, d := r.font.Extent(r.pt)
		h += a + d
		if i > 0 {
			h += leading * r.pt * mmPerPt
		}
	}
	return h
}

// wrap breaks s into at most maxLines lines of at most width at sizePt in the regular font,
// between words (inside a word only when the word alone is too wide). If s needs more lines,
// the last one ends with an ellipsis.
func wrap(s string, width, sizePt float64, maxLines int) []run {
	f := pdf.Regular
	var lines []string
	words := strings.Fields(s)
	line := ""
	for len(words) > 0 {
		w := words[0]
		try := w
		if line != "" {
			try = line + " " + w
		}
		switch {
		case f.Width(try, sizePt) <= width:
			line, words = try, words[1:]
		case line != "":
			lines, line = append(lines, line), ""
		default: // one word wider than the line: break it
			r := []rune(w)
			n := 1
			for n < len(r) && f.Width(string(r[:n+1]), sizePt) <= width {
				n++
			}
			lines = append(lines, string(r[:n]))
			words[0] = string(r[n:])
		}
		if len(lines) == maxLines {
			break
		}
	}
	if line != "" && len(lines) < maxLines {
		lines, line = append(lines, line), ""
	}
	if len(words) > 0 || line != "" {
		last := lines[len(lines)-1] + " " + strings.Join(words, " ")
		lines[len(lines)-1] = ellipsize(f, last, width, sizePt)
	}
	out := make([]run, 0, len(lines))
	for _, l := range lines {
		if l != "" {
			out = append(out, run{l, f, sizePt})
		}
	}
	return out
}

// truncated reports whether lines lost part of s.
func truncated(lines []run, s string) bool {
	return len(lines) > 0 && strings.HasSuffix(lines[len(lines)-1].text, ellipsis) && !strings.HasSuffix(s, ellipsis)
}

// fitSize is the largest size from maxPt down to minPt, in steps of a quarter point, at which s
// fits in width; 0 if it does not fit even at minPt.
func fitSize(f pdf.Font, s string, width, maxPt, minPt float64) float64 {
	if maxPt < minPt {
		return 0
	}
	w := f.Width(s, maxPt)
	if w <= width {
		return maxPt
	}
	// Width is proportional to size: start from the exact fit, rounded down to a quarter point.
	pt := math.Floor(maxPt*width/w*4) / 4
	if pt < minPt {
		return 0
	}
	return pt
}

// ellipsize returns s if it fits in width at sizePt, or s cut short with an ellipsis.
func ellipsize(f pdf.Font, s string, width, sizePt float64) string {
	if f.Width(s, sizePt) <= width {
		return s
	}
	r := []rune(s)
	for len(r) > 0 {
		r = r[:len(r)-1]
		t := strings.TrimRightFunc(string(r), unicode.IsSpace) + ellipsis
		if f.Width(t, sizePt) <= width {
			return t
		}
	}
	return ""
}

const ellipsis = "…"

// oneLine folds s onto one line: control characters and runs of spaces become one space.
func oneLine(s string) string {
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsControl(r)
	}), " ")
}
