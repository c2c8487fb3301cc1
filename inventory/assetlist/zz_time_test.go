package assetlist
import ("testing";"time";"bytes")
func TestTimeSparse(t *testing.T) {
	base := seedWorkbook(t)
	parts := partsOf(t, base)
	sheet := []byte(`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`+
		`<row r="1"><c r="A1" t="inlineStr"><is><t>Type</t></is></c><c r="B1" t="inlineStr"><is><t>Serial</t></is></c></row>`+
		`<row r="1048576"><c r="A1048576" t="inlineStr"><is><t>laptop</t></is></c><c r="B1048576" t="n"><v>1.23E+11</v></c></row>`+
		`</sheetData></worksheet>`)
	data := withParts(t, base, map[string][]byte{"xl/worksheets/sheet2.xml": sheet, "xl/sharedStrings.xml": parts["xl/sharedStrings.xml"]})
	start := time.Now()
	u := measureHeap(func() { l, err := Parse("x.xlsx", bytes.NewReader(data), 1<<20); t.Log(l != nil, err) })
	t.Log(time.Since(start), u.peak>>20, u.alloc>>20, len(data))
}
