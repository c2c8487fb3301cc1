package labels

import (
	"errors"
	"strings"
)

// A QR code encoder (ISO/IEC 18004), small enough to read in one sitting: one segment, in
// alphanumeric mode when the text allows it and in byte mode (UTF-8) otherwise; versions 1 to
// 40; the mask chosen by the standard's penalty rules.
//
// It exists for speed and memory: github.com/skip2/go-qrcode allocates about 58 KB and 2,200
// objects per code (a fresh symbol per mask trial, a fresh polynomial per Reed-Solomon step),
// which alone is more than the 50 MB budget for a run of 1,000 labels. This one allocates a
// few kilobytes. The tests decode its output with gozxing's decoder for thousands of texts,
// every version and every mask, and require zero corrected errors.

// ecc is an error correction level, as an index into the tables below.
type ecc int

const (
	eccL ecc = iota
	eccM
	eccQ
	eccH
)

// formatBits are the two bits the format information uses for each level.
var formatBits = [4]int{eccL: 1, eccM: 0, eccQ: 3, eccH: 2}

// Error correction codewords per block, and number of blocks, by level and version (index 0
// unused), from the standard's table 9.
var eccPerBlock = [4][41]int{
	{0, 7, 10, 15, 20, 26, 18, 20, 24, 30, 18, 20, 24, 26, 30, 22, 24, 28, 30, 28, 28, 28, 28, 30, 30, 26, 28, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30},
	{0, 10, 16, 26, 18, 24, 16, 18, 22, 22, 26, 30, 22, 22, 24, 24, 28, 28, 26, 26, 26, 26, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28},
	{0, 13, 22, 18, 26, 18, 24, 18, 22, 20, 24, 28, 26, 24, 20, 30, 24, 28, 28, 26, 30, 28, 30, 30, 30, 30, 28, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30},
	{0, 17, 28, 22, 16, 22, 28, 26, 26, 24, 28, 24, 28, 22, 24, 24, 30, 28, 28, 26, 28, 30, 24, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30},
}

var eccBlocks = [4][41]int{
	{0, 1, 1, 1, 1, 1, 2, 2, 2, 2, 4, 4, 4, 4, 4, 6, 6, 6, 6, 7, 8, 8, 9, 9, 10, 12, 12, 12, 13, 14, 15, 16, 17, 18, 19, 19, 20, 21, 22, 24, 25},
	{0, 1, 1, 1, 2, 2, 4, 4, 4, 5, 5, 5, 8, 9, 9, 10, 10, 11, 13, 14, 16, 17, 17, 18, 20, 21, 23, 25, 26, 28, 29, 31, 33, 35, 37, 38, 40, 43, 45, 47, 49},
	{0, 1, 1, 2, 2, 4, 4, 6, 6, 8, 8, 8, 10, 12, 16, 12, 17, 16, 18, 21, 20, 23, 23, 25, 27, 29, 34, 34, 35, 38, 40, 43, 45, 48, 51, 53, 56, 59, 62, 65, 68},
	{0, 1, 1, 2, 4, 4, 4, 5, 6, 8, 8, 11, 11, 16, 16, 18, 16, 19, 21, 25, 25, 25, 34, 30, 32, 35, 37, 40, 42, 45, 48, 51, 54, 57, 60, 63, 66, 70, 74, 77, 81},
}

// rawModules is the number of modules of a version that carry data and error correction: all
// but the finder, timing and alignment patterns and the format and version information.
func rawModules(ver int) int {
	n := (16*ver+128)*ver + 64
	if ver >= 2 {
		align := ver/7 + 2
		n -= (25*align-10)*align - 55
		if ver >= 7 {
			n -= 36
		}
	}
	return n
}

func dataCodewords(ver int, e ecc) int {
	return rawModules(ver)/8 - eccPerBlock[e][ver]*eccBlocks[e][ver]
}

const alphanumeric = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"

// errTooLong is returned for text that does not fit a version 40 code.
var errTooLong = errors.New("text too long for a QR code")

// bits is a growing big-endian bit string.
type bits struct {
	b []byte
	n int
}

func (w *bits) put(v uint, count int) {
	for i := count - 1; i >= 0; i-- {
		if w.n%8 == 0 {
			w.b = append(w.b, 0)
		}
		if v>>uint(i)&1 == 1 {
			w.b[w.n/8] |= 0x80 >> uint(w.n%8)
		}
		w.n++
	}
}

// qrEncode returns the modules of the QR code for text at level e, size x size, row by row,
// true for dark, without the quiet zone. mask is 0 to 7, or -1 to choose by penalty.
func qrEncode(text string, e ecc, mask int) (modules []bool, size int, err error) {
	alnum := !strings.ContainsFunc(text, func(r rune) bool { return !strings.ContainsRune(alphanumeric, r) })
	// Smallest version that holds the text.
	ver, countBits := 0, 0
	for v := 1; v <= 40; v++ {
		countBits = 8 // byte mode, versions 1-9
		switch {
		case alnum && v <= 9:
			countBits = 9
		case alnum && v <= 26:
			countBits = 11
		case alnum:
			countBits = 13
		case v >= 10:
			countBits = 16
		}
		need := 4 + countBits + len(text)*8
		if alnum {
			need = 4 + countBits + len(text)/2*11 + len(text)%2*6
		}
		if len(text) < 1<<countBits && need <= dataCodewords(v, e)*8 {
			ver = v
			break
		}
	}
	if ver == 0 {
		return nil, 0, errTooLong
	}

	// Data codewords: mode, count, data, terminator, padding.
	capacity := dataCodewords(ver, e)
	w := bits{b: make([]byte, 0, capacity)}
	if alnum {
		w.put(0x2, 4)
		w.put(uint(len(text)), countBits)
		for i := 0; i+1 < len(text); i += 2 {
			w.put(uint(strings.IndexByte(alphanumeric, text[i])*45+strings.IndexByte(alphanumeric, text[i+1])), 11)
		}
		if len(text)%2 == 1 {
			w.put(uint(strings.IndexByte(alphanumeric, text[len(text)-1])), 6)
		}
	} else {
		w.put(0x4, 4)
		w.put(uint(len(text)), countBits)
		for i := 0; i < len(text); i++ {
			w.put(uint(text[i]), 8)
		}
	}
	w.put(0, min(4, capacity*8-w.n))
	w.put(0, (8-w.n%8)%8)
	for pad := uint(0xEC); w.n < capacity*8; pad ^= 0xEC ^ 0x11 {
		w.put(pad, 8)
	}

	codewords := interleave(w.b, ver, e)
	size = 4*ver + 17
	q := newMatrix(size)
	q.drawFunctionPatterns(ver)
	q.drawCodewords(codewords)
	if mask < 0 {
		best := -1
		for m := 0; m < 8; m++ {
			q.applyMask(m)
			q.drawFormat(e, m)
			if p := q.penalty(); best < 0 || p < best {
				best, mask = p, m
			}
			q.applyMask(m) // XOR again: undone
		}
	}
	q.applyMask(mask)
	q.drawFormat(e, mask)
	return q.dark, size, nil
}

// interleave splits the data codewords into blocks, appends each block's Reed-Solomon
// codewords, and interleaves them as the standard's section 7.6 says.
func interleave(data []byte, ver int, e ecc) []byte {
	blocks := eccBlocks[e][ver]
	eccLen := eccPerBlock[e][ver]
	raw := rawModules(ver) / 8
	short := blocks - raw%blocks // blocks one data codeword shorter than the others
	shortLen := raw / blocks     // data and error correction codewords of a short block
	gen := rsGenerator(eccLen)
	out := make([]byte, 0, raw)
	ecBlocks := make([]byte, blocks*eccLen)
	starts := make([]int, blocks+1)
	for i, k := 0, 0; i < blocks; i++ {
		n := shortLen - eccLen
		if i >= short {
			n++
		}
		starts[i] = k
		rsRemainder(data[k:k+n], gen, ecBlocks[i*eccLen:(i+1)*eccLen])
		k += n
	}
	starts[blocks] = len(data)
	for i := 0; i <= shortLen-eccLen; i++ {
		for j := range blocks {
			if k := starts[j] + i; k < starts[j+1] {
				out = append(out, data[k])
			}
		}
	}
	for i := range eccLen {
		for j := range blocks {
			out = append(out, ecBlocks[j*eccLen+i])
		}
	}
	return out
}

// gfMul multiplies in GF(2^8) modulo x^8 + x^4 + x^3 + x^2 + 1 (0x11D).
func gfMul(x, y byte) byte {
	var z byte
	for i := 7; i >= 0; i-- {
		z = z<<1 ^ (z>>7)*0x1D
		z ^= (y >> uint(i) & 1) * x
	}
	return z
}

// rsGenerator is the Reed-Solomon generator polynomial of the given degree, highest
// coefficient first, the leading 1 left out.
func rsGenerator(degree int) []byte {
	g := make([]byte, degree)
	g[degree-1] = 1
	root := byte(1)
	for range degree {
		for j := range g {
			g[j] = gfMul(g[j], root)
			if j+1 < len(g) {
				g[j] ^= g[j+1]
			}
		}
		root = gfMul(root, 0x02)
	}
	return g
}

// rsRemainder writes the remainder of data divided by the generator into out.
func rsRemainder(data, gen, out []byte) {
	clear(out)
	for _, b := range data {
		factor := b ^ out[0]
		copy(out, out[1:])
		out[len(out)-1] = 0
		for i, c := range gen {
			out[i] ^= gfMul(c, factor)
		}
	}
}

// matrix is a symbol being built.
type matrix struct {
	size int
	dark []bool
	fn   []bool // function patterns and format information: not data, never masked
	line []bool // scratch for penalty
}

func newMatrix(size int) *matrix {
	return &matrix{size: size, dark: make([]bool, size*size), fn: make([]bool, size*size)}
}

func (q *matrix) setFn(x, y int, dark bool) {
	q.dark[y*q.size+x] = dark
	q.fn[y*q.size+x] = true
}

func (q *matrix) drawFunctionPatterns(ver int) {
	n := q.size
	for i := range n { // timing patterns
		q.setFn(6, i, i%2 == 0)
		q.setFn(i, 6, i%2 == 0)
	}
	for _, c := range [][2]int{{3, 3}, {n - 4, 3}, {3, n - 4}} { // finders with separators
		for dy := -4; dy <= 4; dy++ {
			for dx := -4; dx <= 4; dx++ {
				x, y := c[0]+dx, c[1]+dy
				if x < 0 || x >= n || y < 0 || y >= n {
					continue
				}
				d := max(abs(dx), abs(dy))
				q.setFn(x, y, d != 2 && d != 4)
			}
		}
	}
	pos := alignmentPositions(ver)
	for i, ay := range pos {
		for j, ax := range pos {
			if i == 0 && j == 0 || i == 0 && j == len(pos)-1 || i == len(pos)-1 && j == 0 {
				continue // the finder patterns' corners
			}
			for dy := -2; dy <= 2; dy++ {
				for dx := -2; dx <= 2; dx++ {
					q.setFn(ax+dx, ay+dy, max(abs(dx), abs(dy)) != 1)
				}
			}
		}
	}
	q.drawFormat(eccM, 0) // reserve the format areas; drawn for real after masking
	if ver >= 7 {
		rem := ver
		for range 12 {
			rem = rem<<1 ^ (rem>>11)*0x1F25
		}
		v := ver<<12 | rem
		for i := range 18 {
			dark := v>>uint(i)&1 == 1
			a, b := n-11+i%3, i/3
			q.setFn(a, b, dark)
			q.setFn(b, a, dark)
		}
	}
}

// alignmentPositions are the centre coordinates of the alignment patterns, on both axes.
func alignmentPositions(ver int) []int {
	if ver == 1 {
		return nil
	}
	num := ver/7 + 2
	step := (ver*8 + num*3 + 5) / (num*4 - 4) * 2
	pos := make([]int, num)
	pos[0] = 6
	for i, p := num-1, 4*ver+10; i >= 1; i, p = i-1, p-step {
		pos[i] = p
	}
	return pos
}

func (q *matrix) drawFormat(e ecc, mask int) {
	data := formatBits[e]<<3 | mask
	rem := data
	for range 10 {
		rem = rem<<1 ^ (rem>>9)*0x537
	}
	v := (data<<10 | rem) ^ 0x5412
	bit := func(i int) bool { return v>>uint(i)&1 == 1 }
	n := q.size
	for i := 0; i <= 5; i++ {
		q.setFn(8, i, bit(i))
	}
	q.setFn(8, 7, bit(6))
	q.setFn(8, 8, bit(7))
	q.setFn(7, 8, bit(8))
	for i := 9; i < 15; i++ {
		q.setFn(14-i, 8, bit(i))
	}
	for i := range 8 {
		q.setFn(n-1-i, 8, bit(i))
	}
	for i := 8; i < 15; i++ {
		q.setFn(8, n-15+i, bit(i))
	}
	q.setFn(8, n-8, true) // the dark module
}

// drawCodewords places the codewords' bits in the two-module-wide zigzag from the bottom-right
// corner, skipping function patterns.
func (q *matrix) drawCodewords(data []byte) {
	n := q.size
	i := 0
	for right := n - 1; right >= 1; right -= 2 {
		if right == 6 {
			right = 5 // skip the vertical timing pattern
		}
		upward := (right+1)&2 == 0
		for vert := range n {
			y := vert
			if upward {
				y = n - 1 - vert
			}
			for j := range 2 {
				x := right - j
				if !q.fn[y*n+x] && i < len(data)*8 {
					q.dark[y*n+x] = data[i/8]>>uint(7-i%8)&1 == 1
					i++
				}
			}
		}
	}
}

func (q *matrix) applyMask(mask int) {
	n := q.size
	for y := range n {
		for x := range n {
			var flip bool
			switch mask {
			case 0:
				flip = (x+y)%2 == 0
			case 1:
				flip = y%2 == 0
			case 2:
				flip = x%3 == 0
			case 3:
				flip = (x+y)%3 == 0
			case 4:
				flip = (x/3+y/2)%2 == 0
			case 5:
				flip = x*y%2+x*y%3 == 0
			case 6:
				flip = (x*y%2+x*y%3)%2 == 0
			case 7:
				flip = ((x+y)%2+x*y%3)%2 == 0
			}
			if flip && !q.fn[y*n+x] {
				q.dark[y*n+x] = !q.dark[y*n+x]
			}
		}
	}
}

// penalty scores the symbol by the standard's four rules (section 7.8.3): long runs, 2 x 2
// blocks, finder-like patterns, and imbalance between dark and light.
func (q *matrix) penalty() int {
	n, d := q.size, q.dark
	if len(q.line) != n {
		q.line = make([]bool, n)
	}
	p := 0
	for i := range n {
		for j := range n {
			q.line[j] = d[i*n+j] // row i
		}
		p += linePenalty(q.line)
		for j := range n {
			q.line[j] = d[j*n+i] // column i
		}
		p += linePenalty(q.line)
	}
	dark := 0
	for y := range n {
		for x := range n {
			c := d[y*n+x]
			if c {
				dark++
			}
			if x+1 < n && y+1 < n && c == d[y*n+x+1] && c == d[(y+1)*n+x] && c == d[(y+1)*n+x+1] {
				p += 3
			}
		}
	}
	total := n * n
	k := (abs(dark*20-total*10)+total-1)/total - 1
	return p + k*10
}

// linePenalty scores one row or column: runs of five or more modules of one colour, and
// finder-like 1:1:3:1:1 patterns with four light modules on one side (outside the symbol
// counts as light).
func linePenalty(l []bool) int {
	n, p := len(l), 0
	run := 1
	for x := 1; x <= n; x++ {
		if x < n && l[x] == l[x-1] {
			run++
			continue
		}
		if run >= 5 {
			p += 3 + run - 5
		}
		run = 1
	}
	light := func(x int) bool { return x < 0 || x >= n || !l[x] }
	for x := 0; x+7 <= n; x++ {
		if !l[x] || l[x+1] || !l[x+2] || !l[x+3] || !l[x+4] || l[x+5] || !l[x+6] {
			continue
		}
		if light(x-1) && light(x-2) && light(x-3) && light(x-4) {
			p += 40
		}
		if light(x+7) && light(x+8) && light(x+9) && light(x+10) {
			p += 40
		}
	}
	return p
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
