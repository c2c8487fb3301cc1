package certificates_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/certificates"
	"github.com/digital-inclusion/refurb/internal/pdf/pdftest"
	"github.com/digital-inclusion/refurb/inventory"
	it "github.com/digital-inclusion/refurb/inventory/inventorytest"
	"github.com/digital-inclusion/refurb/requests"
	rt "github.com/digital-inclusion/refurb/requests/requeststest"
	"github.com/digital-inclusion/refurb/validation"
)

// TestHandoverReceipt hands a device out with certificates as the requests' issuer, as the
// server wires them: the receipt is issued in the hand-out's transaction, in the beneficiary's
// language, with the device, its tag and serial, the signature image and a QR code that verifies.
func TestHandoverReceipt(t *testing.T) {
	t.Parallel()
	pdftest.Need(t)
	e := rt.New(t)
	ctx := context.Background()
	certs := certificates.NewStore(e.DB.App, "https://refurb.example")
	store := requests.NewStore(e.DB.App).WithIssuer(certs)
	if _, err := e.DB.Owner.NewRaw(`UPDATE settings SET value = '"Atelier, 12 rue de la Gare, tél. 26 00 00 00"' WHERE key = 'org.support_contact'`).Exec(ctx); err != nil {
		t.Fatal(err)
	}
	n := it.Laptop("PF-SERIAL-42", it.SSD("SSD-HC1"))
	n.OSInstalled, n.CPU, n.RAMGB = "Linux Mint 22", "Intel Core i5-8250U", ptr(8.0)
	d := it.Ready(t, e.Inventory, e.Staff, it.Device(t, e.Inventory, e.Staff, n))

	for _, lang := range []string{"fr", "pt", "ar"} {
		nr := rt.Laptop("HC-" + lang)
		nr.Language = lang
		dev := d
		if lang != "fr" {
			nn := it.Laptop("PF-"+lang, it.SSD("SSD-HC-"+lang))
			dev = it.Ready(t, e.Inventory, e.Staff, it.Device(t, e.Inventory, e.Staff, nn))
		}
		r := e.Allocated(t, e.Staff, nr, dev)
		out, err := store.HandOut(e.Staff, r.ID, rt.Signature(), "")
		if err != nil {
			t.Fatalf("%s: hand out: %v", lang, err)
		}
		cs, err := certs.ForRequests(e.Staff, []int64{out.ID})
		if err != nil || len(cs[out.ID]) != 1 {
			t.Fatalf("%s: receipts of the request: %v, %v", lang, cs, err)
		}
		c := cs[out.ID][0]
		if c.Kind != certificates.KindHandover || !strings.HasPrefix(c.Number, "HC-") || c.Language != lang || c.DeviceCount != 1 {
			t.Errorf("%s: receipt %+v", lang, c)
		}
		full, err := certs.PDF(e.Staff, c.Number)
		if err != nil {
			t.Fatal(err)
		}
		text := pdftest.Text(t, full.PDF)
		for _, want := range []string{dev.Tag, *dev.SerialNumber, c.Number} {
			if !strings.Contains(text, want) {
				t.Errorf("%s: the receipt does not show %q:\n%s", lang, want, text)
			}
		}
		switch lang {
		case "fr":
			for _, want := range []string{"Reçu de remise de matériel", "Conditions d'utilisation", "Linux Mint 22", "Intel Core i5-8250U", "8 Go de mémoire", "26 00 00 00"} {
				if !strings.Contains(text, want) {
					t.Errorf("fr: the receipt does not show %q", want)
				}
			}
		case "pt":
			if !strings.Contains(text, "Recibo de entrega") || !strings.Contains(text, "Assinatura do beneficiário") {
				t.Errorf("pt: not in Portuguese:\n%s", text)
			}
		}
		if strings.Contains(text, "HC-"+lang) {
			t.Errorf("%s: the receipt prints the social worker's reference", lang)
		}
		imgs := pdftest.Images(t, full.PDF)
		signature := false
		for _, im := range imgs {
			if im.Type == "image" && im.Width == 600 && im.Height == 200 {
				signature = true
			}
		}
		if !signature {
			t.Errorf("%s: no 600x200 signature image in the receipt: %+v", lang, imgs)
		}
		// The QR code verifies.
		verify := decodeQR(t, full.PDF)
		number, token, ok := strings.Cut(strings.TrimPrefix(verify, "https://refurb.example/verify/"), "?t=")
		if !ok || number != c.Number {
			t.Fatalf("%s: QR code %q", lang, verify)
		}
		v, err := certs.Verify(ctx, number, token)
		if err != nil || !v.Valid() || v.Kind != certificates.KindHandover || v.DonorName != "" {
			t.Errorf("%s: verification %+v, %v", lang, v, err)
		}
	}

	// Who reads receipts: staff download them; a social worker lists those of their requests
	// (not the PDF, which bears the beneficiary's signature); donors and trainees nothing.
	r := e.Allocated(t, e.WorkerA, rt.Laptop("HC-SW"), it.Ready(t, e.Inventory, e.Staff, it.Device(t, e.Inventory, e.Staff, it.Laptop("PF-SW", it.SSD("SSD-SW")))))
	if _, err := store.HandOut(e.Staff, r.ID, rt.Signature(), "de"); err != nil {
		t.Fatal(err)
	}
	mine, err := certs.ForRequests(e.WorkerA, []int64{r.ID})
	if err != nil || len(mine[r.ID]) != 1 || mine[r.ID][0].Language != "de" {
		t.Fatalf("social worker's receipts: %v, %v", mine, err)
	}
	if other, err := certs.ForRequests(e.WorkerB, []int64{r.ID}); err != nil || len(other[r.ID]) != 0 {
		t.Errorf("another organisation's worker lists %v, %v", other, err)
	}
	for name, ctx := range map[string]context.Context{"donor": e.Donor, "trainee": e.Trainee} {
		if _, err := certs.ForRequests(ctx, []int64{r.ID}); !errors.Is(err, auth.ErrForbidden) {
			t.Errorf("%s lists receipts: %v", name, err)
		}
	}
	number := mine[r.ID][0].Number
	for name, ctx := range map[string]context.Context{"social worker": e.WorkerA, "donor": e.Donor, "trainee": e.Trainee} {
		if _, err := certs.PDF(ctx, number); err == nil {
			t.Errorf("%s downloads the receipt", name)
		}
	}

	// Re-issued in another language, it supersedes the first; a donation certificate in Arabic
	// is still refused, and so is a receipt for a request not handed out.
	again, err := certs.Issue(e.Staff, r.ID, certificates.KindHandover, "en")
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := certs.Verify(ctx, number, "x"); v.Status != certificates.StatusUnknown {
		t.Errorf("wrong token: %+v", v)
	}
	list, _ := certs.ForRequests(e.Staff, []int64{r.ID})
	if len(list[r.ID]) != 2 || list[r.ID][0].ID != again.ID || list[r.ID][1].SupersededBy == nil {
		t.Errorf("after re-issue: %+v", list[r.ID])
	}
	don, _ := it.Donation(t, e.Inventory, e.Staff, it.Laptop("PF-DON"))
	_, err = certs.Issue(e.Staff, don.ID, certificates.KindDonation, "ar")
	if fe, ok := validation.As(err); !ok || fe.Field != "language" {
		t.Errorf("donation certificate in Arabic: %v", err)
	}
	open := rt.Submit(t, e.Store, e.WorkerB, rt.Laptop("HC-OPEN"))
	if _, err := certs.Issue(e.Staff, open.ID, certificates.KindHandover, "fr"); !errors.Is(err, certificates.ErrNotFound) {
		t.Errorf("receipt of a request not handed out: %v", err)
	}
	_ = inventory.StatusHandedOut
}

func ptr[T any](v T) *T { return &v }
