package impact_test

import (
	"bytes"
	"image"
	"image/draw"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"

	"github.com/digital-inclusion/refurb/certificates"
	"github.com/digital-inclusion/refurb/impact"
	"github.com/digital-inclusion/refurb/internal/pdf/pdftest"
	"github.com/digital-inclusion/refurb/validation"
)

// thousands writes n as English does: 1,470.
func thousands(n int) string {
	s := strconv.Itoa(n)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// The annual report of the current year on demo data: an IR certificate whose text carries the
// ledger's headline figures, whose QR code verifies, and which a re-issue supersedes; a year
// to come is refused.
func TestAnnualReport(t *testing.T) {
	t.Parallel()
	pdftest.Need(t)
	e := newDemo(t, 3000)
	certs := certificates.NewStore(e.db.App, "https://refurb.example").WithImpactReports(impact.AnnualReport)
	year := e.store.Today().Year()
	issued, err := certs.IssueImpactReport(e.staff, year, "en")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(issued.Number, "IR-") || issued.ReportYear == nil || *issued.ReportYear != year {
		t.Fatalf("issued %s for %v, want an IR number for %d", issued.Number, issued.ReportYear, year)
	}
	l, err := e.store.Ledger(e.staff, impact.Jan1(year), e.store.Today())
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Join(strings.Fields(pdftest.Text(t, issued.PDF)), " ")
	for _, want := range []string{
		issued.Number, "Annual impact report", "Year " + strconv.Itoa(year),
		// The headline figures, three a row: pdftotext reads a row's figures, then their labels.
		thousands(l.Devices.Received) + " " + thousands(l.Devices.HandedOut) + " " + thousands(l.Devices.Recycled) +
			" devices received devices handed out (reused) devices recycled or dismantled",
		thousands(int(l.Devices.KGReused+0.5)) + " " + thousands(int(l.Devices.KGRecycled+0.5)) + " " + thousands(int(l.Devices.CO2eAvoidedKG+0.5)) +
			" kg reused kg recycled kg CO2e avoided",
		thousands(l.RequestsHandedOut) + " " + strconv.FormatFloat(*l.MedianWaitDays, 'f', 1, 64) + " " + thousands(int(float64(l.TraineeMinutes)/60+0.5)) +
			" people equipped (requests handed out) days of waiting (median) approved trainee hours",
		"Devices by month", "Hand-outs by kind of partner", "Restart Project",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the report's text lacks %q:\n%s", want, text)
		}
	}
	if l.Devices.HandedOut == 0 {
		t.Fatal("no hand-out this year in the demo data: not a test")
	}

	// The QR code opens the verification page with the token, which verifies.
	u, err := url.Parse(decodeQR(t, issued.PDF))
	if err != nil || u.Path != "/verify/"+issued.Number || u.Query().Get("t") != issued.Token {
		t.Fatalf("QR code: got %v (%v), want the verification URL of %s", u, err, issued.Number)
	}
	v, err := certs.Verify(e.staff, issued.Number, issued.Token)
	if err != nil || !v.Valid() || v.Kind != certificates.KindImpactReport || v.SHA256 != issued.SHA256 {
		t.Fatalf("verify: got %+v, %v", v, err)
	}

	// Another language supersedes it; the earlier one still verifies, as superseded.
	fr, err := certs.IssueImpactReport(e.staff, year, "fr")
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := certs.Verify(e.staff, issued.Number, issued.Token); v.Status != certificates.StatusSuperseded || v.SupersededBy != fr.Number {
		t.Errorf("the first report after a re-issue: got %+v", v)
	}
	if !bytes.Contains(fr.PDF, []byte("%PDF")) {
		t.Error("the French report is no PDF")
	}
	// The year to come is no subject; trainees and donors may not issue.
	if _, err := certs.IssueImpactReport(e.staff, year+1, "en"); err == nil {
		t.Error("next year's report: got no error")
	} else if fe, ok := validation.As(err); !ok || fe.Field != "year" {
		t.Errorf("next year's report: got %v, want a field error on year", err)
	}
}

// decodeQR reads the QR code in the top right corner of a certificate's first page.
func decodeQR(t *testing.T, doc []byte) string {
	t.Helper()
	const dpi = 200
	page := pdftest.Rasterize(t, doc, dpi)[0]
	px := func(mm float64) int { return int(mm / 25.4 * dpi) }
	crop := image.Rect(px(210-16-26-5), px(14-5), px(210-16+5), px(14+26+5))
	img := image.NewRGBA(image.Rect(0, 0, crop.Dx(), crop.Dy()))
	draw.Draw(img, img.Bounds(), page, crop.Min, draw.Src)
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatal(err)
	}
	res, err := qrcode.NewQRCodeReader().Decode(bmp, nil)
	if err != nil {
		res, err = qrcode.NewQRCodeReader().Decode(bmp, map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_PURE_BARCODE: true})
	}
	if err != nil {
		t.Fatalf("decode the report's QR code: %v", err)
	}
	return res.GetText()
}
