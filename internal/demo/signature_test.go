package demo_test

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/png"
	"strings"
	"testing"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/certificates"
	"github.com/digital-inclusion/refurb/internal/demo"
	"github.com/digital-inclusion/refurb/internal/pdf/pdftest"
	"github.com/digital-inclusion/refurb/internal/pgtest"
	"github.com/digital-inclusion/refurb/requests"
)

// TestDemoHandOutReceipt re-issues a demo hand-out's receipt, as staff would after `make run`:
// the demo's hand-outs carry a signature, as real ones do, so the receipt prints it. Those
// anonymised have none, as real ones, and their receipt is refused saying why.
func TestDemoHandOutReceipt(t *testing.T) {
	t.Parallel()
	pdftest.Need(t)
	db := pgtest.New(t)
	ctx := context.Background()
	generate(t, db.Owner, demo.Options{Devices: 200, Seed: 42})

	zero(t, db.Owner, map[string]string{
		"handed out without a signature": `SELECT count(*) FROM device_requests r WHERE status = 'handed_out' AND anonymised_at IS NULL
			AND NOT EXISTS (SELECT 1 FROM device_request_signatures s WHERE s.request_id = r.id)`,
		"signed when handed out, by who handed out": `SELECT count(*) FROM device_request_signatures s JOIN device_requests r ON r.id = s.request_id
			WHERE s.signed_at <> r.handed_out_at OR s.recorded_by IS DISTINCT FROM r.handed_out_by`,
		"a signature kept by anonymisation": `SELECT count(*) FROM device_request_signatures s JOIN device_requests r ON r.id = s.request_id
			WHERE r.anonymised_at IS NOT NULL OR r.status <> 'handed_out'`,
		"a signature a hand-out would refuse": `SELECT count(*) FROM device_request_signatures
			WHERE length(png) > 524288 OR substr(png, 1, 8) <> '\x89504e470d0a1a0a'::bytea`,
	})
	if n := count(t, db.Owner, "SELECT count(DISTINCT md5(png)) FROM device_request_signatures"); n < 2 {
		t.Errorf("signatures: %d different images, want a few", n)
	}

	var staffID, id int64
	if err := db.Owner.NewRaw("SELECT id FROM users WHERE role = 'staff' ORDER BY id LIMIT 1").Scan(ctx, &staffID); err != nil {
		t.Fatal(err)
	}
	if err := db.Owner.NewRaw("SELECT id FROM device_requests WHERE status = 'handed_out' AND anonymised_at IS NULL ORDER BY id LIMIT 1").Scan(ctx, &id); err != nil {
		t.Fatalf("a demo hand-out within the retention period: %v", err)
	}
	var tag string
	if err := db.Owner.NewRaw("SELECT d.tag FROM device_requests r JOIN devices d ON d.id = r.device_id WHERE r.id = ?", id).Scan(ctx, &tag); err != nil {
		t.Fatal(err)
	}
	staff := auth.WithActor(ctx, auth.Actor{UserID: staffID, Role: auth.RoleStaff})
	certs := certificates.NewStore(db.App, "https://refurb.example")
	issued, err := certs.Issue(staff, id, certificates.KindHandover, "fr")
	if err != nil {
		t.Fatalf("re-issue the receipt of demo hand-out %d: %v", id, err)
	}
	full, err := certs.PDF(staff, issued.Number)
	if err != nil {
		t.Fatal(err)
	}
	text := pdftest.Text(t, full.PDF)
	for _, want := range []string{"Reçu de remise de matériel", tag, issued.Number} {
		if !strings.Contains(text, want) {
			t.Errorf("the receipt does not show %q:\n%s", want, text)
		}
	}
	// The signature image, drawn on a pad of the counter page's size.
	signature := false
	for _, im := range pdftest.Images(t, full.PDF) {
		if im.Type == "image" && im.Width == 600 && im.Height == 200 {
			signature = true
		}
	}
	if !signature {
		t.Errorf("no signature image in the receipt: %+v", pdftest.Images(t, full.PDF))
	}

	// A hand-out older than the retention period lost its signature: its receipt cannot be
	// issued again, and the error says so rather than that the request does not exist.
	var old int64
	if err := db.Owner.NewRaw("SELECT id FROM device_requests WHERE status = 'handed_out' AND anonymised_at IS NOT NULL ORDER BY id LIMIT 1").Scan(ctx, &old); err != nil {
		t.Fatalf("an anonymised demo hand-out: %v", err)
	}
	_, err = certs.Issue(staff, old, certificates.KindHandover, "fr")
	if !errors.Is(err, requests.ErrAnonymised) || errors.Is(err, certificates.ErrNotFound) {
		t.Errorf("re-issue the receipt of anonymised demo hand-out %d: got %v, want requests.ErrAnonymised", old, err)
	}
}

// TestDemoSignatures checks the demo's signatures without a database: the same seed draws the
// same ones, and each passes a hand-out's checks and holds the pixels a hand-out would store.
func TestDemoSignatures(t *testing.T) {
	t.Parallel()
	sigs, err := demo.Signatures(42)
	if err != nil {
		t.Fatal(err)
	}
	again, _ := demo.Signatures(42)
	other, _ := demo.Signatures(43)
	for i, sig := range sigs {
		out, err := requests.NormaliseSignature(sig)
		if err != nil {
			t.Errorf("signature %d: a hand-out refuses it: %v", i, err)
		} else if a, b := decode(t, out), decode(t, sig); a.Rect != b.Rect || !bytes.Equal(a.Pix, b.Pix) {
			t.Errorf("signature %d: a hand-out would store other pixels", i)
		}
		if !bytes.Equal(sig, again[i]) {
			t.Errorf("signature %d: differs between two draws from the same seed", i)
		}
		if bytes.Equal(sig, other[i]) {
			t.Errorf("signature %d: the same from another seed", i)
		}
		if len(sig) > 2500 {
			t.Errorf("signature %d: %d bytes, want under 2.5 KB (a million devices hold some 180,000)", i, len(sig))
		}
	}
}

// decode reads a grey PNG.
func decode(t *testing.T, b []byte) *image.Gray {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	g, ok := img.(*image.Gray)
	if !ok {
		t.Fatalf("a %T, want a grey image", img)
	}
	return g
}
