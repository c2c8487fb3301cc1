package assetlist

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
)

var (
	utf8BOM    = []byte("\xef\xbb\xbf")
	utf16LEBOM = []byte("\xff\xfe")
	utf16BEBOM = []byte("\xfe\xff")
)

// decode returns a text file's content as UTF-8 and the encoding it was in: UTF-8 with or
// without a byte order mark, UTF-16 with one (Excel's "Unicode text"), else Windows-1252
// (Excel's "CSV" on a Western European Windows).
func decode(data []byte) (string, string, error) {
	switch {
	case bytes.HasPrefix(data, utf8BOM):
		data = data[len(utf8BOM):]
	case bytes.HasPrefix(data, utf16LEBOM), bytes.HasPrefix(data, utf16BEBOM):
		text, err := unicode.UTF16(unicode.BigEndian, unicode.ExpectBOM).NewDecoder().Bytes(data)
		if err != nil {
			return "", "", errors.New("the file starts like UTF-16 text but cannot be decoded")
		}
		return string(text), "UTF-16", nil
	}
	if utf8.Valid(data) {
		return string(data), "UTF-8", nil
	}
	text, err := charmap.Windows1252.NewDecoder().Bytes(data)
	if err != nil {
		return "", "", errors.New("the file's text encoding is neither UTF-8 nor Windows-1252")
	}
	return string(text), "Windows-1252", nil
}

// parseCSV reads a text file whose fields are separated by commas, semicolons or tabs.
func parseCSV(data []byte) (*List, error) {
	if bytes.IndexByte(data, 0) >= 0 && !bytes.HasPrefix(data, utf16LEBOM) && !bytes.HasPrefix(data, utf16BEBOM) {
		return nil, fmt.Errorf("the file is not a CSV or XLSX file (%s)", describe(data))
	}
	text, encoding, err := decode(data)
	if err != nil {
		return nil, err
	}
	if strings.ContainsRune(text, 0) {
		return nil, fmt.Errorf("the file is not a CSV or XLSX file (%s)", describe(data))
	}
	if strings.HasPrefix(strings.ToLower(strings.TrimSpace(text[:min(len(text), 200)])), "<") {
		return nil, fmt.Errorf("the file is not a CSV or XLSX file (%s)", describe(data))
	}

	// Excel honours a first line "sep=;" naming the delimiter.
	var delimiters []rune
	skip := 0
	if first, rest, ok := strings.Cut(text, "\n"); ok && strings.HasPrefix(first, "sep=") {
		if r := []rune(strings.TrimRight(first, "\r")); len(r) == 5 {
			delimiters, text, skip = []rune{r[4]}, rest, 1
		}
	}
	if delimiters == nil {
		delimiters = sniffDelimiters(text)
	}
	var firstErr error
	for _, d := range delimiters {
		records, err := readCSV(text, d, skip)
		if errors.Is(err, ErrTooLarge) {
			return nil, err
		}
		if err != nil {
			if firstErr == nil {
				firstErr = err
			}
			continue
		}
		l, err := build(CSV, records)
		if err != nil {
			if firstErr == nil {
				firstErr = err
			}
			continue
		}
		l.Encoding, l.Delimiter = encoding, string(d)
		return l, nil
	}
	return nil, firstErr
}

// sniffDelimiters orders the delimiters by how well they split the file's first lines into a
// header: the one that names the most known columns first.
func sniffDelimiters(text string) []rune {
	head := text
	if i := nthIndex(text, '\n', maxHeaderSearch+5); i >= 0 {
		head = text[:i]
	}
	type scored struct {
		d     rune
		score int
	}
	var ds []scored
	for _, d := range []rune{',', ';', '\t'} {
		best := 0
		records, _ := readCSV(head, d, 0)
		for _, rec := range records {
			best = max(best, headerScore(rec.cells))
		}
		ds = append(ds, scored{d, best})
	}
	// A stable sort by score, highest first: comma wins ties, as in most exports.
	for i := 1; i < len(ds); i++ {
		for j := i; j > 0 && ds[j].score > ds[j-1].score; j-- {
			ds[j], ds[j-1] = ds[j-1], ds[j]
		}
	}
	out := make([]rune, len(ds))
	for i, s := range ds {
		out[i] = s.d
	}
	return out
}

func nthIndex(s string, c byte, n int) int {
	at := 0
	for range n {
		i := strings.IndexByte(s[at:], c)
		if i < 0 {
			return -1
		}
		at += i + 1
	}
	return at
}

// readCSV splits text into records with the given delimiter; lines are counted from the start
// of the file, skip lines having been cut off before text. It stops at once, with an error
// wrapping ErrTooLarge, past maxRows records that are not blank: a file within the size limit
// can hold a million short rows, which took 600 MB and two seconds to read and would then have
// been a million devices to import.
func readCSV(text string, delimiter rune, skip int) ([]record, error) {
	r := csv.NewReader(strings.NewReader(text))
	r.Comma = delimiter
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	r.ReuseRecord = true // kept records are copied: a blank one costs nothing
	var records []record
	for {
		cells, err := r.Read()
		if err == io.EOF {
			return records, nil
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return records, fmt.Errorf("line %d: the CSV cannot be read: %v", pe.StartLine+skip, pe.Err)
			}
			return records, err
		}
		line, _ := r.FieldPos(0)
		rec := record{line: line + skip, cells: cells}
		if rec.blank() {
			continue
		}
		if len(records) == maxRows {
			return nil, tooLarge("the file has more rows than the limit of %s", thousands(maxRows))
		}
		rec.cells = slices.Clone(cells)
		records = append(records, rec)
	}
}
