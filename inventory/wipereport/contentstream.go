package wipereport

import (
	"bytes"
	"fmt"
	"strconv"

	"golang.org/x/text/encoding/charmap"
)

// A page's content stream, run without recursion: its operands on a bounded stack, its text
// operators moving the text matrix, what they draw collected as textItems (see pdftext.go for
// why this reader is ours).

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

// textState is what a content stream's operators change: the graphics and text matrices,
// and the text drawn so far.
type textState struct {
	items    []textItem
	max      int
	ctm      matrix
	saved    []matrix
	tm, tlm  matrix
	leading  float64
	joinable bool // the next text continues the last item: no move since
	inText   bool
}

// contentText runs a content stream's text operators and returns what it draws, at most max
// items.
func contentText(s []byte, max int) ([]textItem, error) {
	var (
		st         = textState{max: max, ctm: identity, tm: identity, tlm: identity}
		ops        []operand
		pos        int
		maxOperand = 64
	)
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
			pos = skipDictionary(s, pos)
			ops = append(ops, operand{})
		case c == '<':
			str, next := hexString(s, pos)
			pos = next
			ops = append(ops, operand{str: str, isStr: true})
		case c == '[':
			str, next := arrayString(s, pos)
			pos = next
			ops = append(ops, operand{str: str, isStr: true})
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
			if tok == "BI" {
				// An inline image: its binary data ends at EI.
				if j := bytes.Index(s[pos:], []byte("EI")); j >= 0 {
					pos += j + 2
				} else {
					pos = len(s)
				}
			} else if err := st.operator(tok, ops); err != nil {
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
	return st.items, nil
}

// skipDictionary skips an inline dictionary (marked content) starting at s[pos], nesting
// counted, and returns the position after it.
func skipDictionary(s []byte, pos int) int {
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
	return pos
}

// arrayString reads a TJ array starting at s[pos]: its strings joined, a large negative
// adjustment read as a space. It returns the text with the position after the array.
func arrayString(s []byte, pos int) (string, int) {
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
	return string(b), pos + 1
}

// operator runs one operator on the operands before it; those that draw no text and move
// nothing are ignored.
func (st *textState) operator(tok string, ops []operand) error {
	num := func(i int) float64 {
		if i < 0 || i >= len(ops) {
			return 0
		}
		return ops[len(ops)-1-i].num
	}
	lastString := func() (string, bool) {
		if st.inText && len(ops) > 0 && ops[len(ops)-1].isStr {
			return decode(ops[len(ops)-1].str), true
		}
		return "", false
	}
	switch tok {
	case "q":
		if len(st.saved) < 64 {
			st.saved = append(st.saved, st.ctm)
		}
	case "Q":
		if n := len(st.saved); n > 0 {
			st.ctm, st.saved = st.saved[n-1], st.saved[:n-1]
		}
	case "cm":
		st.ctm = matrix{num(5), num(4), num(3), num(2), num(1), num(0)}.mul(st.ctm)
	case "BT":
		st.inText, st.tm, st.tlm, st.joinable = true, identity, identity, false
	case "ET":
		st.inText, st.joinable = false, false
	case "Td":
		st.move(num(1), num(0))
	case "TD":
		st.leading = -num(0)
		st.move(num(1), num(0))
	case "Tm":
		st.tlm = matrix{num(5), num(4), num(3), num(2), num(1), num(0)}
		st.tm, st.joinable = st.tlm, false
	case "TL":
		st.leading = num(0)
	case "T*":
		st.move(0, -st.leading)
	case "Tj", "TJ":
		if text, ok := lastString(); ok {
			return st.show(text)
		}
	case "'", "\"":
		st.move(0, -st.leading)
		if text, ok := lastString(); ok {
			return st.show(text)
		}
	}
	return nil
}

// show draws text where the text matrix stands, continuing the last item if nothing moved
// since.
func (st *textState) show(text string) error {
	if text == "" {
		return nil
	}
	if st.joinable && len(st.items) > 0 {
		st.items[len(st.items)-1].text += text
		return nil
	}
	if len(st.items) >= st.max {
		return fmt.Errorf("the PDF draws over %d pieces of text", maxTextItems)
	}
	trm := st.tm.mul(st.ctm)
	st.items = append(st.items, textItem{x: trm[4], y: trm[5], text: text})
	st.joinable = true
	return nil
}

// move starts a new line at an offset from the start of the current one.
func (st *textState) move(tx, ty float64) {
	st.tlm = matrix{1, 0, 0, 1, tx, ty}.mul(st.tlm)
	st.tm = st.tlm
	st.joinable = false
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
