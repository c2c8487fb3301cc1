// Package assetlisttest builds asset list files for tests: ZIP bombs disguised as XLSX
// workbooks, for the tests of package assetlist and of the routes that take a list.
package assetlisttest

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"hash/crc32"
	"strings"
	"testing"
)

// bombRow is one device row of a bomb's worksheet, with inline strings so that the workbook
// needs no shared string table.
const bombRow = `<row><c t="inlineStr"><is><t>Laptop</t></is></c><c t="inlineStr"><is><t>HP</t></is></c>` +
	`<c t="inlineStr"><is><t>EliteBook 840 G5</t></is></c><c t="inlineStr"><is><t>5CG8421XYZ</t></is></c></row>`

const (
	sheetHead = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
		`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>` +
		`<row><c t="inlineStr"><is><t>Type</t></is></c><c t="inlineStr"><is><t>Make</t></is></c>` +
		`<c t="inlineStr"><is><t>Model</t></is></c><c t="inlineStr"><is><t>Serial number</t></is></c></row>`
	sheetTail = `</sheetData></worksheet>`
)

// BombChunk is how many bytes of rows a bomb's worksheet grows by: its size is a multiple of
// this, plus a few hundred bytes.
const BombChunk = 1 << 20

// BombRows returns how many device rows a bomb of sheetBytes has below its header.
func BombRows(sheetBytes int64) int {
	return int(chunks(sheetBytes)) * (BombChunk / len(bombRow))
}

func chunks(sheetBytes int64) int64 { return max(1, (sheetBytes+BombChunk-1)/BombChunk) }

// Bomb returns a valid XLSX workbook whose one worksheet, "Devices", holds a header row (Type,
// Make, Model, Serial number) and the same laptop repeated until the sheet's XML is at least
// sheetBytes (rounded up to BombChunk). Deflated, it is some 300 times smaller: a 400 MB sheet
// makes a file of about 1.5 MB. The worksheet's ZIP headers say it unzips to declared bytes:
// its true size for an honest bomb (declared 0), less for one whose headers lie.
//
// The deflated sheet is built from one deflated chunk of rows repeated: each piece is a
// separate run of the compressor ending on a sync flush, and such runs concatenate into one
// valid deflate stream. So a bomb of gigabytes costs milliseconds, and nothing holds its
// unzipped form in memory.
func Bomb(t testing.TB, sheetBytes, declared int64) []byte {
	t.Helper()
	n := chunks(sheetBytes)
	chunk := []byte(strings.Repeat(bombRow, BombChunk/len(bombRow)))
	chunk = append(chunk, strings.Repeat(" ", BombChunk-len(chunk))...)
	head, body, tail := deflate(t, []byte(sheetHead), false), deflate(t, chunk, false), deflate(t, []byte(sheetTail), true)

	size := int64(len(sheetHead)) + n*BombChunk + int64(len(sheetTail))
	crc := crc32.Update(0, crc32.IEEETable, []byte(sheetHead))
	for range n {
		crc = crc32.Update(crc, crc32.IEEETable, chunk)
	}
	crc = crc32.Update(crc, crc32.IEEETable, []byte(sheetTail))
	if declared == 0 {
		declared = size
	}

	var buf bytes.Buffer
	z := zip.NewWriter(&buf)
	for _, p := range [][2]string{
		{"[Content_Types].xml", contentTypes},
		{"_rels/.rels", rootRels},
		{"xl/workbook.xml", workbookXML},
		{"xl/_rels/workbook.xml.rels", workbookRels},
	} {
		w, err := z.Create(p[0])
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(p[1])); err != nil {
			t.Fatal(err)
		}
	}
	w, err := z.CreateRaw(&zip.FileHeader{
		Name:               "xl/worksheets/sheet1.xml",
		Method:             zip.Deflate,
		CRC32:              crc,
		CompressedSize64:   uint64(len(head) + int(n)*len(body) + len(tail)),
		UncompressedSize64: uint64(declared),
	})
	if err != nil {
		t.Fatal(err)
	}
	write := func(b []byte) {
		if _, err := w.Write(b); err != nil {
			t.Fatal(err)
		}
	}
	write(head)
	for range n {
		write(body)
	}
	write(tail)
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// deflate compresses b in a run of its own: ended by a sync flush (a byte-aligned, non-final
// block) unless last, and referring to nothing before it.
func deflate(t testing.TB, b []byte, last bool) []byte {
	t.Helper()
	var buf bytes.Buffer
	fw, err := flate.NewWriter(&buf, flate.BestCompression)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fw.Write(b); err != nil {
		t.Fatal(err)
	}
	if last {
		err = fw.Close()
	} else {
		err = fw.Flush()
	}
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

const (
	contentTypes = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
		`<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
		`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
		`<Default Extension="xml" ContentType="application/xml"/>` +
		`<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>` +
		`<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>` +
		`</Types>`
	rootRels = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
		`<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
		`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>` +
		`</Relationships>`
	workbookXML = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
		`<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">` +
		`<sheets><sheet name="Devices" sheetId="1" r:id="rId1"/></sheets></workbook>`
	workbookRels = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
		`<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
		`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>` +
		`</Relationships>`
)
