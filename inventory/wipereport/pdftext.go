package wipereport

import (
	"bytes"
	"compress/zlib"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
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
