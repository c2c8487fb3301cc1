package wipereport

import (
	"bytes"
	"compress/zlib"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"

	"golang.org/x/text/encoding/charmap"
)

// Why a text extractor of our own: the Go PDF readers that could be had (rsc.io/pdf v0.1.1 of
// 2014, and github.com/ledongthuc/pdf, a fork of it with no tagged release) report errors by
// panicking, descend into nested arrays and dictionaries by recursion without a bound (a
// deep enough nesting overflows the goroutine's stack, which no recover catches), follow a
// page's Parent chain without a bound and inflate streams without a limit. Staff upload these
// files to the server, and a report must never take it down. nwipe writes its reports with
// PDFGen, which draws each piece of text as `BT x y TD /F1 size Tf (text) Tj ET` with a standard
// font in WinAnsiEncoding, so reading that much of a PDF is enough: find the content streams,
// inflate the Flate ones within a budget, and run their text operators without recursion.

// textItem is a piece of text drawn on a page, at its start in PDF user space (points, from
// the bottom left).
type textItem struct {
	x, y float64
	text string
}

// Extraction limits: what a report of a few hundred kilobytes can legitimately need, many times
// over.
const (
	maxInflated  = 32 << 20 // bytes of all streams once inflated
	maxTextItems = 50000
	maxObjects   = 20000
)

var (
	errNotPDF    = errors.New("not a PDF file")
	errEncrypted = errors.New("the PDF is encrypted")
	errInflated  = fmt.Errorf("the PDF's streams inflate to over %d MB", maxInflated>>20)
)

var (
	objRe      = regexp.MustCompile(`(\d+)\s+\d+\s+obj\b`)
	lengthRe   = regexp.MustCompile(`/Length\s+(\d+)(\s+\d+\s+R)?`)
	filterRe   = regexp.MustCompile(`/Filter\s*(\[[^\]]*\]|/[A-Za-z0-9]+)`)
	skipRe     = regexp.MustCompile(`/(Type|Subtype|Length1|Length2|Length3|DecodeParms)\b`)
	pageRe     = regexp.MustCompile(`/Type\s*/Page\b`)
	contentsRe = regexp.MustCompile(`/Contents\s*(\[[^\]]*\]|\d+\s+\d+\s+R)`)
	refRe      = regexp.MustCompile(`(\d+)\s+\d+\s+R`)
)

// extractPages returns the text items of each page of a PDF, pages in the order of their
// objects in the file (the order PDFGen and gofpdf write them), items in the order drawn. It
// reads uncompressed and FlateDecode content streams; streams with other filters (images) and
// streams that are not page contents (fonts, object streams, metadata) are passed over. A file
// whose pages cannot be found gives one page of every content stream.
func extractPages(data []byte) ([][]textItem, error) {
	if !bytes.HasPrefix(bytes.TrimLeft(data[:min(len(data), 1024)], "\x00\t\r\n "), []byte("%PDF-")) {
		return nil, errNotPDF
	}
	if bytes.Contains(data, []byte("/Encrypt")) {
		return nil, errEncrypted
	}
	var (
		texts   = map[int][]textItem{} // by object number
		order   []int                  // content streams in file order
		pages   [][]int                // each page's content streams
		budget  = maxInflated
		total   int
		objects int
		nextEnd = -1
	)
	for pos := 0; pos < len(data); {
		loc := objRe.FindSubmatchIndex(data[pos:])
		if loc == nil {
			break
		}
		if objects++; objects > maxObjects {
			return nil, fmt.Errorf("the PDF has over %d objects", maxObjects)
		}
		num, _ := strconv.Atoi(string(data[pos+loc[2] : pos+loc[3]]))
		body := pos + loc[1]
		// The next endobj, remembered: pos only moves forward, so the file is searched once.
		if nextEnd < body {
			nextEnd = len(data) + 1
			if j := bytes.Index(data[body:], []byte("endobj")); j >= 0 {
				nextEnd = body + j
			}
		}
		endobj := -1
		if nextEnd <= len(data) {
			endobj = nextEnd - body
		}
		kw := -1
		if endobj >= 0 {
			kw = streamKeyword(data[body : body+endobj])
		} else {
			kw = streamKeyword(data[body:])
		}
		if kw < 0 || (endobj >= 0 && endobj < kw) {
			// An object without a stream: a page tells its contents.
			end := len(data)
			if endobj >= 0 {
				end = body + endobj
			}
			dict := data[body:end]
			if pageRe.Match(dict) {
				var refs []int
				if m := contentsRe.FindSubmatch(dict); m != nil {
					for _, r := range refRe.FindAllSubmatch(m[1], -1) {
						n, _ := strconv.Atoi(string(r[1]))
						refs = append(refs, n)
					}
				}
				pages = append(pages, refs)
			}
			pos = end
			continue
		}
		dict := data[body : body+kw]
		start := body + kw + len("stream")
		if start < len(data) && data[start] == '\r' {
			start++
		}
		if start < len(data) && data[start] == '\n' {
			start++
		}
		end := -1
		if m := lengthRe.FindSubmatch(dict); m != nil && len(m[2]) == 0 {
			if n, err := strconv.Atoi(string(m[1])); err == nil && n >= 0 && start+n <= len(data) {
				rest := bytes.TrimLeft(data[start+n:min(len(data), start+n+16)], "\r\n \t")
				if bytes.HasPrefix(rest, []byte("endstream")) {
					end = start + n
				}
			}
		}
		if end < 0 {
			j := bytes.Index(data[start:], []byte("endstream"))
			if j < 0 {
				break
			}
			end = start + j
		}
		pos = end
		if skipRe.Match(dict) {
			continue
		}
		raw := data[start:end]
		if f := filterRe.FindSubmatch(dict); f != nil {
			names := bytes.Fields(bytes.Trim(f[1], "[]"))
			if len(names) != 1 || string(names[0]) != "/FlateDecode" {
				continue
			}
			zr, err := zlib.NewReader(bytes.NewReader(raw))
			if err != nil {
				continue
			}
			inflated, err := io.ReadAll(io.LimitReader(zr, int64(budget)+1))
			if len(inflated) > budget {
				return nil, &Error{Msg: errInflated.Error(), Err: ErrTooLarge}
			}
			if err != nil && len(inflated) == 0 {
				continue
			}
			budget -= len(inflated)
			raw = inflated
		}
		got, err := contentText(raw, maxTextItems-total)
		if err != nil {
			return nil, err
		}
		total += len(got)
		texts[num] = got
		order = append(order, num)
	}
	var out [][]textItem
	for _, refs := range pages {
		var items []textItem
		for _, n := range refs {
			items = append(items, texts[n]...)
		}
		out = append(out, items)
	}
	if len(pages) == 0 {
		var items []textItem
		for _, n := range order {
			items = append(items, texts[n]...)
		}
		out = append(out, items)
	}
	return out, nil
}

// streamKeyword returns where the keyword stream that starts an object's data is in body
// (after the object's dictionary), or -1.
func streamKeyword(body []byte) int {
	for off := 0; ; {
		i := bytes.Index(body[off:], []byte("stream"))
		if i < 0 {
			return -1
		}
		at := off + i
		if at >= 3 && bytes.Equal(body[at-3:at], []byte("end")) {
			off = at + 6
			continue
		}
		j := at
		for j > 0 && isSpace(body[j-1]) {
			j--
		}
		if j >= 2 && body[j-1] == '>' && body[j-2] == '>' {
			return at
		}
		off = at + 6
	}
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == 0
}

func isDelim(c byte) bool {
	return isSpace(c) || c == '(' || c == ')' || c == '<' || c == '>' || c == '[' || c == ']' || c == '{' || c == '}' || c == '/' || c == '%'
}

// matrix is a PDF transformation [a b c d e f].
type matrix [6]float64

var identity = matrix{1, 0, 0, 1, 0, 0}

func (m matrix) mul(n matrix) matrix {
	return matrix{
		m[0]*n[0] + m[1]*n[2], m[0]*n[1] + m[1]*n[3],
		m[2]*n[0] + m[3]*n[2], m[2]*n[1] + m[3]*n[3],
		m[4]*n[0] + m[5]*n[2] + n[4], m[4]*n[1] + m[5]*n[3] + n[5],
	}
}

// operand is a value on the content stream's operand stack: a number, or a string (text of
// Tj, or the strings and numbers of a TJ array joined), or anything else as a placeholder.
type operand struct {
	num   float64
	str   string
	isStr bool
}

var winAnsi = charmap.Windows1252.NewDecoder()

// contentText runs a content stream's text operators and returns what it draws, at most max
// items.
func contentText(s []byte, max int) ([]textItem, error) {
	var (
		items      []textItem
		ops        []operand
		ctm        = identity
		saved      []matrix
		tm, tlm    = identity, identity
		leading    float64
		joinable   bool // the next text continues the last item: no move since
		inText     bool
		pos        int
		tooMany    = fmt.Errorf("the PDF draws over %d pieces of text", maxTextItems)
		maxOperand = 64
	)
	show := func(text string) error {
		if text == "" {
			return nil
		}
		if joinable && len(items) > 0 {
			items[len(items)-1].text += text
			return nil
		}
		if len(items) >= max {
			return tooMany
		}
		trm := tm.mul(ctm)
		items = append(items, textItem{x: trm[4], y: trm[5], text: text})
		joinable = true
		return nil
	}
	num := func(i int) float64 {
		if i < 0 || i >= len(ops) {
			return 0
		}
		return ops[len(ops)-1-i].num
	}
	move := func(tx, ty float64) {
		tlm = matrix{1, 0, 0, 1, tx, ty}.mul(tlm)
		tm = tlm
		joinable = false
	}
	for pos < len(s) {
		c := s[pos]
		switch {
		case isSpace(c):
			pos++
		case c == '%':
			for pos < len(s) && s[pos] != '\n' && s[pos] != '\r' {
				pos++
			}
		case c == '(':
			str, next := literalString(s, pos)
			pos = next
			ops = append(ops, operand{str: str, isStr: true})
		case c == '<' && pos+1 < len(s) && s[pos+1] == '<':
			// An inline dictionary (marked content): skipped whole, nesting counted.
			depth := 0
			for pos+1 < len(s) {
				if s[pos] == '<' && s[pos+1] == '<' {
					depth++
					pos += 2
				} else if s[pos] == '>' && s[pos+1] == '>' {
					depth--
					pos += 2
					if depth == 0 {
						break
					}
				} else {
					pos++
				}
			}
			ops = append(ops, operand{})
		case c == '<':
			str, next := hexString(s, pos)
			pos = next
			ops = append(ops, operand{str: str, isStr: true})
		case c == '[':
			// A TJ array: its strings joined, a large negative adjustment read as a space.
			pos++
			var b []byte
			for pos < len(s) && s[pos] != ']' {
				switch {
				case isSpace(s[pos]):
					pos++
				case s[pos] == '(':
					str, next := literalString(s, pos)
					pos = next
					b = append(b, str...)
				case s[pos] == '<':
					str, next := hexString(s, pos)
					pos = next
					b = append(b, str...)
				default:
					start := pos
					for pos < len(s) && !isDelim(s[pos]) {
						pos++
					}
					if pos == start {
						pos++ // a stray delimiter
						continue
					}
					if f, err := strconv.ParseFloat(string(s[start:pos]), 64); err == nil && f < -200 {
						b = append(b, ' ')
					}
				}
			}
			pos++
			ops = append(ops, operand{str: string(b), isStr: true})
		case c == '/':
			pos++
			for pos < len(s) && !isDelim(s[pos]) {
				pos++
			}
			ops = append(ops, operand{})
		case c == ']' || c == '>' || c == ')' || c == '{' || c == '}':
			pos++
		default:
			start := pos
			for pos < len(s) && !isDelim(s[pos]) {
				pos++
			}
			tok := string(s[start:pos])
			if f, err := strconv.ParseFloat(tok, 64); err == nil {
				ops = append(ops, operand{num: f})
				break
			}
			var err error
			switch tok {
			case "q":
				if len(saved) < 64 {
					saved = append(saved, ctm)
				}
			case "Q":
				if n := len(saved); n > 0 {
					ctm, saved = saved[n-1], saved[:n-1]
				}
			case "cm":
				ctm = matrix{num(5), num(4), num(3), num(2), num(1), num(0)}.mul(ctm)
			case "BT":
				inText, tm, tlm, joinable = true, identity, identity, false
			case "ET":
				inText, joinable = false, false
			case "Td":
				move(num(1), num(0))
			case "TD":
				leading = -num(0)
				move(num(1), num(0))
			case "Tm":
				tlm = matrix{num(5), num(4), num(3), num(2), num(1), num(0)}
				tm, joinable = tlm, false
			case "TL":
				leading = num(0)
			case "T*":
				move(0, -leading)
			case "Tj", "TJ":
				if inText && len(ops) > 0 && ops[len(ops)-1].isStr {
					err = show(decode(ops[len(ops)-1].str))
				}
			case "'", "\"":
				move(0, -leading)
				if inText && len(ops) > 0 && ops[len(ops)-1].isStr {
					err = show(decode(ops[len(ops)-1].str))
				}
			case "BI":
				// An inline image: its binary data ends at EI.
				if j := bytes.Index(s[pos:], []byte("EI")); j >= 0 {
					pos += j + 2
				} else {
					pos = len(s)
				}
			}
			if err != nil {
				return nil, err
			}
			ops = ops[:0]
			if pos == start {
				pos++ // a character no token starts with
			}
		}
		if len(ops) > maxOperand {
			ops = ops[len(ops)-maxOperand:]
		}
	}
	return items, nil
}

// decode reads a string's bytes as WinAnsiEncoding, the encoding of PDFGen's and gofpdf's
// standard fonts.
func decode(s string) string {
	out, err := winAnsi.String(s)
	if err != nil {
		return s
	}
	return out
}

// literalString reads a (string) starting at s[pos], with its escapes and balanced
// parentheses, and returns it with the position after it.
func literalString(s []byte, pos int) (string, int) {
	var b []byte
	depth := 0
	pos++ // (
	for pos < len(s) {
		c := s[pos]
		pos++
		switch c {
		case '(':
			depth++
			b = append(b, c)
		case ')':
			if depth == 0 {
				return string(b), pos
			}
			depth--
			b = append(b, c)
		case '\\':
			if pos >= len(s) {
				return string(b), pos
			}
			e := s[pos]
			pos++
			switch e {
			case 'n':
				b = append(b, '\n')
			case 'r':
				b = append(b, '\r')
			case 't':
				b = append(b, '\t')
			case 'b':
				b = append(b, '\b')
			case 'f':
				b = append(b, '\f')
			case '\r':
				if pos < len(s) && s[pos] == '\n' {
					pos++
				}
			case '\n':
			default:
				if e >= '0' && e <= '7' {
					v := int(e - '0')
					for k := 0; k < 2 && pos < len(s) && s[pos] >= '0' && s[pos] <= '7'; k++ {
						v = v*8 + int(s[pos]-'0')
						pos++
					}
					b = append(b, byte(v))
				} else {
					b = append(b, e)
				}
			}
		default:
			b = append(b, c)
		}
	}
	return string(b), pos
}

// hexString reads a <hex string> starting at s[pos].
func hexString(s []byte, pos int) (string, int) {
	var b []byte
	pos++ // <
	hi := -1
	for pos < len(s) && s[pos] != '>' {
		c := s[pos]
		pos++
		var v int
		switch {
		case c >= '0' && c <= '9':
			v = int(c - '0')
		case c >= 'a' && c <= 'f':
			v = int(c-'a') + 10
		case c >= 'A' && c <= 'F':
			v = int(c-'A') + 10
		default:
			continue
		}
		if hi < 0 {
			hi = v
		} else {
			b = append(b, byte(hi<<4|v))
			hi = -1
		}
	}
	if hi >= 0 {
		b = append(b, byte(hi<<4))
	}
	return string(b), pos + 1
}
