package certificates

import (
	"bytes"
	"fmt"
	"os"
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"

	"github.com/digital-inclusion/refurb/internal/pdf/pdftest"
)

// TestRenderWritesFiles writes sample certificates to look at: CERT_OUT=/tmp go test -run Files.
func TestRenderWritesFiles(t *testing.T) {
	dir := os.Getenv("CERT_OUT")
	if dir == "" {
		t.Skip("set CERT_OUT to write sample certificates")
	}
	for _, c := range []struct {
		kind          Kind
		lang          string
		devices, drvs int
	}{{KindDonation, "fr", 12, 9}, {KindErasure, "de", 12, 30}, {KindDonation, "en", 80, 60}} {
		var buf bytes.Buffer
		if err := Render(&buf, sampleDocument(c.kind, c.lang, c.devices, c.drvs)); err != nil {
			t.Fatal(err)
		}
		os.WriteFile(dir+"/"+string(c.kind)+"-"+c.lang+".pdf", buf.Bytes(), 0o644)
	}
}

func render(t testing.TB, doc *Document) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := Render(&buf, doc); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// pagesOf splits pdftotext's output into pages (it ends each with a form feed).
func pagesOf(text string) []string {
	return strings.Split(strings.TrimSuffix(text, "\f"), "\f")
}

// TestLargeErasureFlowsOverPages renders a 2,000-device, 2,500-drive donation: every page has
// the table header, "page n / N" and the number, and the last drive is on the last page.
func TestLargeErasureFlowsOverPages(t *testing.T) {
	pdftest.Need(t)
	for _, kind := range []Kind{KindErasure, KindDonation} {
		doc := sampleDocument(kind, "en", 2000, 2500)
		text := pdftest.Text(t, render(t, doc))
		pages := pagesOf(text)
		// At least 20 rows a page (erasure rows are 3 lines), at most what fits in 297 mm.
		if n := len(pages); n < 40 || n > 200 {
			t.Errorf("%s: %d pages for 2,500 drives", kind, n)
		}
		header := "Serial number"
		if kind == KindErasure {
			header = "Drive (serial, model,"
		}
		for i, p := range pages {
			if want := fmt.Sprintf("Page %d / %d", i+1, len(pages)); !strings.Contains(p, want) {
				t.Errorf("%s page %d lacks %q", kind, i+1, want)
			}
			if !strings.Contains(p, doc.Number) {
				t.Errorf("%s page %d lacks the number %s", kind, i+1, doc.Number)
			}
			if i > 0 && !strings.Contains(p, header) {
				t.Errorf("%s page %d lacks the table header %q", kind, i+1, header)
			}
		}
		last := pages[len(pages)-1]
		if !strings.Contains(last, doc.Drives[2499].Serial) {
			t.Errorf("%s: the last page lacks the last drive %s", kind, doc.Drives[2499].Serial)
		}
		for _, i := range []int{0, 1, 777, 1999, 2499} {
			if !strings.Contains(text, doc.Drives[i].Serial) {
				t.Errorf("%s lacks drive %d (%s)", kind, i, doc.Drives[i].Serial)
			}
		}
		if kind == KindDonation {
			for _, i := range []int{0, 1000, 1999} {
				if !strings.Contains(text, doc.Devices[i].Serial) || !strings.Contains(text, doc.Devices[i].Tag) {
					t.Errorf("donation lacks device %d", i)
				}
			}
			if !strings.Contains(text, "2000") {
				t.Errorf("donation lacks the total count 2000")
			}
		}
	}
}

// TestUnicodeNames checks that accented, German, Portuguese and Arabic names come out of the
// PDF as text, the Arabic shaped into presentation forms the embedded font has.
func TestUnicodeNames(t *testing.T) {
	doc := sampleDocument(KindErasure, "fr", 4, 4)
	doc.Org.Name = "Straßenkinder Conceição asbl"
	text := pdftest.Text(t, render(t, doc))
	for _, want := range []string{"Straßenkinder Conceição asbl", "Façades Conceição & Filhos", "Zoë Müller", "João Gonçalves", "Françoise Weiß"} {
		if !strings.Contains(text, want) {
			t.Errorf("lost %q:\n%s", want, text)
		}
	}
	// pdftotext gives the presentation forms back in drawing order; normalised, they are the
	// letters of the name.
	plain := norm.NFKC.String(text)
	for _, name := range []string{"محمد العلي", "شركة الأمل"} {
		found := false
		for _, cand := range []string{name, reverseRunes(name)} {
			if strings.Contains(plain, cand) {
				found = true
			}
		}
		if !found {
			t.Errorf("lost the Arabic name %q:\n%s", name, plain)
		}
	}
}

func reverseRunes(s string) string {
	rs := []rune(s)
	for i, j := 0, len(rs)-1; i < j; i, j = i+1, j-1 {
		rs[i], rs[j] = rs[j], rs[i]
	}
	return string(rs)
}

func TestVisual(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"Café Müller", "Café Müller"},
		// محمد: meem initial, hah medial, meem medial, dal final; drawn right to left.
		{"محمد", "\uFEAA\uFEE4\uFEA4\uFEE3"},
		// لا is one ligature.
		{"لا", "\uFEFB"},
		// A Latin word before an Arabic one keeps its place; a digit after Arabic letters is an
		// Arabic number (rule W2) and goes with them, to their left.
		{"Ali محمد 2", "Ali 2 \uFEAA\uFEE4\uFEA4\uFEE3"},
		{"Ali محمد Bob", "Ali \uFEAA\uFEE4\uFEA4\uFEE3 Bob"},
		// Digits inside Arabic text keep their own order.
		{"محمد 12", "12 \uFEAA\uFEE4\uFEA4\uFEE3"},
	} {
		if got := visual(tc.in); got != tc.want {
			t.Errorf("visual(%q) = %q (%U), want %q", tc.in, got, []rune(got), tc.want)
		}
	}
}

func TestNumbersAndDates(t *testing.T) {
	fr, _ := langOf("fr")
	de, _ := langOf("de")
	en, _ := langOf("en")
	for _, tc := range []struct {
		l    lang
		v    float64
		d    int
		want string
	}{{fr, 12345.678, 2, "12\u00a0345,68"}, {de, 12345.678, 1, "12.345,7"}, {en, 1234567, 0, "1,234,567"}, {en, 0.5, 1, "0.5"}} {
		if got := tc.l.num(tc.v, tc.d); got != tc.want {
			t.Errorf("num(%v) = %q, want %q", tc.v, got, tc.want)
		}
	}
}

func TestImpact(t *testing.T) {
	doc := sampleDocument(KindDonation, "fr", 10, 0)
	im, used := computeImpact(doc.Devices, &FactorSet{ID: 1, Name: "Restart Project", Version: "2021", Displacement: 0.5, Factors: []Factor{
		{ID: 1, Category: "laptop_medium", AvoidedKGCO2e: 132.7}, {ID: 4, Category: "screen_19_20", AvoidedKGCO2e: 152.4}}})
	// Handed out: devices 0 (laptop), 3 (monitor), 5 (laptop), 8 (monitor); recycled or
	// dismantled: 2, 4, 7, 9.
	if im.ReusedDevices != 4 || fmt.Sprintf("%.1f", im.AvoidedKGCO2e) != "570.2" || fmt.Sprintf("%.2f", im.RecycledKG) != "7.32" {
		t.Errorf("impact: got %+v", im)
	}
	if len(used) != 2 || used[0].Devices != 2 || used[1].Devices != 2 || used[1].AvoidedKGCO2e != 152.4 {
		t.Errorf("factors used: got %+v", used)
	}
}

// latin replaces the sample's Arabic names: most certificates need the Go fonts only.
func latin(doc *Document) *Document {
	doc.Donor.Name = "Façades Conceição & Filhos, S.à r.l."
	for i := range doc.Drives {
		if w := doc.Drives[i].Wipe; w != nil && !goCovers(w.Operator) {
			w.Operator = "Jürgen Weiß"
		}
	}
	return doc
}

func BenchmarkRenderOnePage(b *testing.B) {
	doc := latin(sampleDocument(KindDonation, "fr", 8, 6))
	b.ReportAllocs()
	for b.Loop() {
		var buf bytes.Buffer
		if err := Render(&buf, doc); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRenderOnePageArabic(b *testing.B) {
	doc := sampleDocument(KindDonation, "fr", 8, 6) // the donor and an operator have Arabic names
	b.ReportAllocs()
	for b.Loop() {
		var buf bytes.Buffer
		if err := Render(&buf, doc); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRenderErasure2000Devices2500Drives(b *testing.B) {
	doc := sampleDocument(KindErasure, "en", 2000, 2500) // with Arabic names, so with DejaVu
	b.ReportAllocs()
	for b.Loop() {
		var buf bytes.Buffer
		if err := Render(&buf, doc); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRenderDonation2000Devices2500Drives(b *testing.B) {
	doc := sampleDocument(KindDonation, "en", 2000, 2500)
	b.ReportAllocs()
	for b.Loop() {
		var buf bytes.Buffer
		if err := Render(&buf, doc); err != nil {
			b.Fatal(err)
		}
	}
}
