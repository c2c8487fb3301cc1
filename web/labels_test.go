package web_test

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"

	"github.com/digital-inclusion/refurb/internal/pdf/pdftest"
	"github.com/digital-inclusion/refurb/inventory"
)

func decodeQR(t *testing.T, img image.Image) string {
	t.Helper()
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatal(err)
	}
	res, err := qrcode.NewQRCodeReader().Decode(bmp, map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_TRY_HARDER: true})
	if err != nil {
		t.Fatalf("no QR code found: %v", err)
	}
	return res.GetText()
}

// fetch gets a file route with a bearer token (tok) or anonymously, and returns status, type
// and body.
func (e *env) fetch(method, path, tok string, form url.Values) (int, string, []byte) {
	e.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, _ := http.NewRequest(method, e.URL+path, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Content-Type"), b
}

func TestLabelPNGOpensTheDevicePage(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	staff := e.Users().StaffUser
	_, ds := e.donation(nil, laptop("SN-LBL-1", "DRV-LBL-1"))
	tok := e.Token(staff)

	status, ctype, body := e.fetch("GET", "/labels/"+ds[0].Tag+".png", tok, nil)
	if status != 200 || ctype != "image/png" {
		t.Fatalf("label PNG: got %d %s", status, ctype)
	}
	img, err := png.Decode(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := decodeQR(t, img), "HTTPS://REFURB.EXAMPLE/D/"+ds[0].Tag; got != want {
		t.Errorf("QR code: got %q, want %q", got, want)
	}
	// What the QR code opens (upper-cased URL) lands on the device for a signed-in user.
	c := e.client("en")
	c.login("staff@example.org")
	if r := c.get("/D/" + ds[0].Tag); r.status != http.StatusOK && r.status != http.StatusSeeOther {
		t.Errorf("opening the scanned URL: got %d", r.status)
	}

	for name, tc := range map[string]struct {
		path, tok string
		status    int
	}{
		"anonymous":     {"/labels/" + ds[0].Tag + ".png", "", http.StatusUnauthorized},
		"unknown tag":   {"/labels/DI-999999-" + lastChar(inventory.FormatTag("DI", 999999)) + ".png", tok, http.StatusNotFound},
		"mistyped tag":  {"/labels/" + ds[0].Tag[:len(ds[0].Tag)-1] + wrongChar(ds[0].Tag) + ".png", tok, http.StatusUnprocessableEntity},
		"not a png":     {"/labels/" + ds[0].Tag, tok, http.StatusNotFound},
		"unknown stock": {"/labels?donation=DON-2026-00001&stock=XYZ", tok, http.StatusUnprocessableEntity},
	} {
		if status, _, body := e.fetch("GET", tc.path, tc.tok, nil); status != tc.status {
			t.Errorf("%s: got %d %s, want %d", name, status, body, tc.status)
		}
	}
	donor := e.Users().DonorUser
	if status, _, _ := e.fetch("GET", "/labels/"+ds[0].Tag+".png", e.Token(donor), nil); status != http.StatusForbidden {
		t.Errorf("donor printing a label: got %d, want 403", status)
	}
}

func lastChar(tag string) string { return tag[len(tag)-1:] }

func wrongChar(tag string) string {
	if tag[len(tag)-1] == 'A' {
		return "B"
	}
	return "A"
}

func TestDonationSheetAndReservedTags(t *testing.T) {
	t.Parallel()
	pdftest.Need(t)
	e := newEnv(t)
	staff := e.Users().StaffUser
	tok := e.Token(staff)
	don, ds := e.donation(nil, laptop("SN-S-1", "DRV-S-1"), laptop("SN-S-2", "DRV-S-2"), laptop("SN-S-3", "DRV-S-3"))

	status, ctype, body := e.fetch("GET", "/labels?donation="+don.Number+"&stock=L7160", tok, nil)
	if status != 200 || ctype != "application/pdf" {
		t.Fatalf("donation sheet: got %d %s %.200s", status, ctype, body)
	}
	text := pdftest.Text(t, body)
	for _, d := range ds {
		if !strings.Contains(text, d.Tag) {
			t.Errorf("sheet lacks %s:\n%s", d.Tag, text)
		}
	}
	pages := pdftest.Rasterize(t, body, 300)
	if len(pages) != 1 {
		t.Fatalf("pages: got %d, want 1", len(pages))
	}
	// The first label of an L7160 sheet: 7.2 mm from the left, 15.15 mm from the top, 63.5 x 38.1 mm.
	mm := func(v float64) int { return int(v / 25.4 * 300) }
	first := pages[0].(interface {
		SubImage(image.Rectangle) image.Image
	}).SubImage(image.Rect(mm(7.2), mm(15.15), mm(7.2+63.5), mm(15.15+38.1)))
	if got, want := decodeQR(t, first), "HTTPS://REFURB.EXAMPLE/D/"+ds[0].Tag; got != want {
		t.Errorf("first label's QR: got %q, want %q", got, want)
	}

	// Pre-printed labels: reserve three tags, print them, then claim one at intake.
	status, ctype, body = e.fetch("POST", "/labels/reserve", tok, url.Values{"count": {"3"}, "stock": {"L7651"}})
	if status != 200 || ctype != "application/pdf" {
		t.Fatalf("reserve: got %d %s %.200s", status, ctype, body)
	}
	reserved := strings.Fields(pdftest.Text(t, body))
	var tags []string
	for _, w := range reserved {
		if _, _, err := inventory.ParseTag(w); err == nil && strings.HasPrefix(w, "DI-") {
			tags = append(tags, w)
		}
	}
	if len(tags) != 3 {
		t.Fatalf("reserved sheet shows %v, want 3 tags", tags)
	}
	c := e.client("en")
	c.login("staff@example.org")
	r := c.post("/intake/"+don.Number+"/devices", url.Values{"kind": {"laptop"}, "make": {"Dell"}, "serial": {"SN-CLAIM"}, "tag": {strings.ToLower(tags[1])}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("claiming a reserved tag at intake: got %d %.300s", r.status, r.body)
	}
	if d := e.device(tags[1]); d.SerialNumber == nil || *d.SerialNumber != "SN-CLAIM" {
		t.Errorf("device with the claimed tag: got %+v", d)
	}
	// A tag never issued, or another workshop's, is refused and creates nothing.
	never := inventory.FormatTag("DI", 900000)
	other := inventory.FormatTag("XY", 5)
	for _, tag := range []string{never, other} {
		r := c.post("/intake/"+don.Number+"/devices", url.Values{"kind": {"laptop"}, "serial": {"SN-" + tag}, "tag": {tag}})
		if r.status != http.StatusUnprocessableEntity {
			t.Errorf("claiming %s: got %d, want 422", tag, r.status)
		}
	}
	n, _ := e.DB.Owner.NewSelect().Table("devices").Count(context.Background())
	if n != 4 {
		t.Errorf("devices after the refused claims: got %d, want 4", n)
	}
	if status, _, _ := e.fetch("POST", "/labels/reserve", "", url.Values{"count": {"3"}}); status != http.StatusUnauthorized {
		t.Errorf("anonymous reservation: got %d, want 401", status)
	}
}
