package certificates

import (
	"slices"
	"unicode/utf8"

	"golang.org/x/text/unicode/bidi"
)

// The PDF library draws glyphs left to right, one per character, with no shaping: Arabic script
// would come out as isolated letters in the wrong order. visual turns a string as typed (logical
// order) into what to draw: Arabic letters replaced by their contextual presentation forms
// (initial, medial, final, isolated, and the lam-alef ligatures), then reordered for display by
// a simplified Unicode bidirectional algorithm (rules W1-W7, N1-N2, I1-I2, L2 and L4 for one
// line without explicit embeddings), which is what names of people and companies need.

// forms are an Arabic letter's presentation forms: isolated, final, initial, medial. A
// right-joining letter has no initial or medial form (0).
type forms [4]rune

var arabicForms = map[rune]forms{
	0x0621: {0xFE80, 0, 0, 0},
	0x0622: {0xFE81, 0xFE82, 0, 0},
	0x0623: {0xFE83, 0xFE84, 0, 0},
	0x0624: {0xFE85, 0xFE86, 0, 0},
	0x0625: {0xFE87, 0xFE88, 0, 0},
	0x0626: {0xFE89, 0xFE8A, 0xFE8B, 0xFE8C},
	0x0627: {0xFE8D, 0xFE8E, 0, 0},
	0x0628: {0xFE8F, 0xFE90, 0xFE91, 0xFE92},
	0x0629: {0xFE93, 0xFE94, 0, 0},
	0x062A: {0xFE95, 0xFE96, 0xFE97, 0xFE98},
	0x062B: {0xFE99, 0xFE9A, 0xFE9B, 0xFE9C},
	0x062C: {0xFE9D, 0xFE9E, 0xFE9F, 0xFEA0},
	0x062D: {0xFEA1, 0xFEA2, 0xFEA3, 0xFEA4},
	0x062E: {0xFEA5, 0xFEA6, 0xFEA7, 0xFEA8},
	0x062F: {0xFEA9, 0xFEAA, 0, 0},
	0x0630: {0xFEAB, 0xFEAC, 0, 0},
	0x0631: {0xFEAD, 0xFEAE, 0, 0},
	0x0632: {0xFEAF, 0xFEB0, 0, 0},
	0x0633: {0xFEB1, 0xFEB2, 0xFEB3, 0xFEB4},
	0x0634: {0xFEB5, 0xFEB6, 0xFEB7, 0xFEB8},
	0x0635: {0xFEB9, 0xFEBA, 0xFEBB, 0xFEBC},
	0x0636: {0xFEBD, 0xFEBE, 0xFEBF, 0xFEC0},
	0x0637: {0xFEC1, 0xFEC2, 0xFEC3, 0xFEC4},
	0x0638: {0xFEC5, 0xFEC6, 0xFEC7, 0xFEC8},
	0x0639: {0xFEC9, 0xFECA, 0xFECB, 0xFECC},
	0x063A: {0xFECD, 0xFECE, 0xFECF, 0xFED0},
	0x0640: {0x0640, 0x0640, 0x0640, 0x0640}, // tatweel joins on both sides
	0x0641: {0xFED1, 0xFED2, 0xFED3, 0xFED4},
	0x0642: {0xFED5, 0xFED6, 0xFED7, 0xFED8},
	0x0643: {0xFED9, 0xFEDA, 0xFEDB, 0xFEDC},
	0x0644: {0xFEDD, 0xFEDE, 0xFEDF, 0xFEE0},
	0x0645: {0xFEE1, 0xFEE2, 0xFEE3, 0xFEE4},
	0x0646: {0xFEE5, 0xFEE6, 0xFEE7, 0xFEE8},
	0x0647: {0xFEE9, 0xFEEA, 0xFEEB, 0xFEEC},
	0x0648: {0xFEED, 0xFEEE, 0, 0},
	0x0649: {0xFEEF, 0xFEF0, 0, 0},
	0x064A: {0xFEF1, 0xFEF2, 0xFEF3, 0xFEF4},
	// Persian and Urdu letters.
	0x067E: {0xFB56, 0xFB57, 0xFB58, 0xFB59},
	0x0686: {0xFB7A, 0xFB7B, 0xFB7C, 0xFB7D},
	0x0698: {0xFB8A, 0xFB8B, 0, 0},
	0x06A9: {0xFB8E, 0xFB8F, 0xFB90, 0xFB91},
	0x06AF: {0xFB92, 0xFB93, 0xFB94, 0xFB95},
	0x06CC: {0xFBFC, 0xFBFD, 0xFBFE, 0xFBFF},
}

// lamAlef are the ligatures of lam with each alef: isolated, final.
var lamAlef = map[rune][2]rune{
	0x0622: {0xFEF5, 0xFEF6},
	0x0623: {0xFEF7, 0xFEF8},
	0x0625: {0xFEF9, 0xFEFA},
	0x0627: {0xFEFB, 0xFEFC},
}

// transparent reports whether r is an Arabic combining mark, which does not break joining.
func transparent(r rune) bool {
	return (r >= 0x064B && r <= 0x065F) || r == 0x0670 || (r >= 0x06D6 && r <= 0x06ED && r != 0x06DD && r != 0x06DE && r != 0x06E5 && r != 0x06E6 && r != 0x06E9)
}

// joinsNext reports whether letter r connects to the letter after it.
func joinsNext(r rune) bool { f, ok := arabicForms[r]; return ok && f[2] != 0 }

// joinsPrev reports whether letter r connects to the letter before it.
func joinsPrev(r rune) bool { f, ok := arabicForms[r]; return ok && f[1] != 0 }

// shapeArabic replaces Arabic letters by their contextual forms, in logical order.
func shapeArabic(rs []rune) []rune {
	out := make([]rune, 0, len(rs))
	// neighbour returns the index of the nearest non-transparent rune from i in direction step.
	neighbour := func(i, step int) int {
		for j := i + step; j >= 0 && j < len(rs); j += step {
			if !transparent(rs[j]) {
				return j
			}
		}
		return -1
	}
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		f, ok := arabicForms[r]
		if !ok {
			out = append(out, r)
			continue
		}
		p := neighbour(i, -1)
		prev := p >= 0 && joinsNext(rs[p]) && f[1] != 0
		n := neighbour(i, 1)
		if r == 0x0644 && n >= 0 {
			if lig, ok := lamAlef[rs[n]]; ok {
				if prev {
					out = append(out, lig[1])
				} else {
					out = append(out, lig[0])
				}
				out = append(out, rs[i+1:n]...) // marks between lam and alef
				i = n
				continue
			}
		}
		next := n >= 0 && f[2] != 0 && joinsPrev(rs[n])
		switch {
		case prev && next:
			out = append(out, f[3])
		case prev:
			out = append(out, f[1])
		case next:
			out = append(out, f[2])
		default:
			out = append(out, f[0])
		}
	}
	return out
}

// mirrored are the characters drawn mirrored in right-to-left text (rule L4).
var mirrored = map[rune]rune{'(': ')', ')': '(', '[': ']', ']': '[', '{': '}', '}': '{', '<': '>', '>': '<', '«': '»', '»': '«'}

// needsBidi reports whether s has a right-to-left character, i.e. whether visual changes it.
func needsBidi(s string) bool {
	for i := 0; i < len(s); {
		if s[i] < utf8.RuneSelf {
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		i += n
		p, _ := bidi.LookupRune(r)
		if c := p.Class(); c == bidi.R || c == bidi.AL || c == bidi.AN {
			return true
		}
	}
	return false
}

// visual returns s as it must be drawn left to right.
func visual(s string) string {
	if !needsBidi(s) {
		return s
	}
	rs := shapeArabic([]rune(s))
	n := len(rs)
	cls := make([]bidi.Class, n)
	for i, r := range rs {
		p, _ := bidi.LookupRune(r)
		cls[i] = p.Class()
	}
	// Paragraph level: the direction of the first strong character (P2, P3).
	para := 0
	for _, c := range cls {
		if c == bidi.L {
			break
		}
		if c == bidi.R || c == bidi.AL {
			para = 1
			break
		}
	}
	paraDir := bidi.L
	if para == 1 {
		paraDir = bidi.R
	}
	// W1: a mark takes the class of the character before it.
	for i, c := range cls {
		if c == bidi.NSM {
			if i == 0 {
				cls[i] = paraDir
			} else {
				cls[i] = cls[i-1]
			}
		}
	}
	// W2, W3, W7: European digits after Arabic letters are Arabic digits; AL is R; European
	// digits after L are L.
	last := paraDir
	for i, c := range cls {
		switch c {
		case bidi.L, bidi.R:
			last = c
		case bidi.AL:
			last = bidi.AL
			cls[i] = bidi.R
		case bidi.EN:
			if last == bidi.AL {
				cls[i] = bidi.AN
			} else if last == bidi.L {
				cls[i] = bidi.L
			}
		}
	}
	// N1, N2: a run of neutrals between two characters of the same direction (digits count as
	// R) takes it; otherwise the paragraph's.
	dir := func(c bidi.Class) bidi.Class {
		switch c {
		case bidi.L:
			return bidi.L
		case bidi.R, bidi.EN, bidi.AN:
			return bidi.R
		}
		return 0
	}
	strong := func(c bidi.Class) bool { return c == bidi.L || c == bidi.R || c == bidi.EN || c == bidi.AN }
	for i := 0; i < n; {
		if strong(cls[i]) {
			i++
			continue
		}
		j := i
		for j < n && !strong(cls[j]) {
			j++
		}
		before, after := paraDir, paraDir
		if i > 0 {
			before = dir(cls[i-1])
		}
		if j < n {
			after = dir(cls[j])
		}
		d := paraDir
		if before == after {
			d = before
		}
		for k := i; k < j; k++ {
			cls[k] = d
		}
		i = j
	}
	// I1, I2: levels.
	levels := make([]int, n)
	maxLevel := para
	for i, c := range cls {
		l := para
		switch {
		case para == 0 && c == bidi.R:
			l = 1
		case para == 0 && (c == bidi.AN || c == bidi.EN):
			l = 2
		case para == 1 && (c == bidi.L || c == bidi.AN || c == bidi.EN):
			l = 2
		}
		levels[i] = l
		maxLevel = max(maxLevel, l)
	}
	// L4 before reordering: mirror brackets at odd levels.
	for i, r := range rs {
		if levels[i]%2 == 1 {
			if m, ok := mirrored[r]; ok {
				rs[i] = m
			}
		}
	}
	// L2: from the highest level down to 1, reverse every run at that level or higher. Marks stay
	// after their base letter, where the PDF library, which does not position marks, puts them.
	for lvl := maxLevel; lvl >= 1; lvl-- {
		for i := 0; i < n; {
			if levels[i] < lvl {
				i++
				continue
			}
			j := i
			for j < n && levels[j] >= lvl {
				j++
			}
			reverseClusters(rs[i:j], levels[i:j])
			i = j
		}
	}
	return string(rs)
}

// reverseClusters reverses rs (and levels alongside) keeping each base character before the
// combining marks that follow it.
func reverseClusters(rs []rune, levels []int) {
	slices.Reverse(rs)
	slices.Reverse(levels)
	for i := 0; i < len(rs); {
		if !transparent(rs[i]) {
			i++
			continue
		}
		j := i
		for j < len(rs) && transparent(rs[j]) {
			j++
		}
		if j < len(rs) { // marks now precede their base: move the base in front of them
			base := rs[j]
			copy(rs[i+1:j+1], rs[i:j])
			rs[i] = base
		}
		i = j + 1
	}
}
