package certificates_test

import (
	"bytes"
	"context"
	"encoding/base32"
	"strings"
	"testing"

	"github.com/digital-inclusion/refurb/certificates"
	"github.com/digital-inclusion/refurb/internal/fuzztest"
	"github.com/digital-inclusion/refurb/inventory"
	"github.com/digital-inclusion/refurb/inventory/inventorytest"
)

// The placeholders of the verification fuzz targets' inputs, replaced by the certificate the
// target issued on its database (each fuzzing process issues its own, with its own token).
const (
	numberMark = "{NUMBER}"
	tokenMark  = "{TOKEN}"
	pdfMark    = "{PDF}"
)

// fuzzCertificate issues a donation certificate on a database of its own for a fuzz target and
// returns the store and the certificate with its token.
func fuzzCertificate(f *testing.F) (*certificates.Store, *certificates.Issued) {
	db, inv, a := inventorytest.New(f)
	don, _ := inventorytest.DonationFrom(f, inv, a.Staff, &a.Donated.ID, inventorytest.Laptop("PF-FUZZ-1", inventorytest.SSD("SSD-FUZZ-1")),
		inventory.NewDevice{Kind: inventory.KindMonitor, Make: "Eizo", SerialNumber: "EIZO-FUZZ-2"})
	certs := certificates.NewStore(db.App, "https://refurb.example")
	issued, err := certs.Issue(a.Staff, don.ID, certificates.KindDonation, "fr")
	if err != nil {
		f.Fatal(err)
	}
	return certs, issued
}

// verifySeeds are numbers and tokens as people type them or their QR code carries them.
var verifySeeds = [][2]string{
	{numberMark, tokenMark},
	{" " + strings.ToLower(numberMark) + "\n", " " + strings.ToLower(tokenMark) + " "},
	{numberMark, ""},
	{numberMark, tokenMark + "A"},
	{numberMark, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"},
	{"DC-2026-00042", tokenMark},
	{"EC-2026-00001", "AAAAAAAAAAAAAAAAAAAAAAAAAA"},
	{"", ""},
	{"DC-2026-00001' OR '1'='1", "=="},
	{strings.Repeat("DC-", 30), strings.Repeat("A", 300)},
	{"DC-2026-0000\x00", "ÄÖÜ"},
}

// FuzzVerify feeds the public verification the number and token of its URL
// (/verify/{number}?t=TOKEN), as typed or scanned. Only the issued number and token, in any
// case and with spaces around, verify; anything else is StatusUnknown and shows nothing of the
// certificate but the number asked for, so that numbers cannot be probed. `make fuzz` runs it
// for a while (on a throwaway PostgreSQL); the seeds and testdata/fuzz run in `make test`.
func FuzzVerify(f *testing.F) {
	for _, s := range verifySeeds {
		f.Add(s[0], s[1])
	}
	certs, issued := fuzzCertificate(f)
	ctx := context.Background() // no client address: not rate-limited
	f.Fuzz(func(t *testing.T, number, token string) {
		number = strings.ReplaceAll(number, numberMark, issued.Number)
		number = strings.ReplaceAll(number, strings.ToLower(numberMark), strings.ToLower(issued.Number))
		token = strings.ReplaceAll(token, tokenMark, issued.Token)
		token = strings.ReplaceAll(token, strings.ToLower(tokenMark), strings.ToLower(issued.Token))
		stop := fuzztest.Watch(fuzztest.Hang, "Verify(%q, %q)", number, token)
		v, err := certs.Verify(ctx, number, token)
		stop()
		if err != nil {
			t.Fatalf("Verify(%q, %q): %v", number, token, err)
		}
		checkVerification(t, issued, number, token, v)
	})
}

// FuzzCheckPDF feeds the verification page's upload the number, the token (or none) and a
// file: the certificate's own PDF, that PDF changed, other files. A file matches only when it
// is the issued PDF byte for byte, and without a token a file that does not match shows
// nothing of the certificate.
func FuzzCheckPDF(f *testing.F) {
	for _, s := range verifySeeds[:4] {
		f.Add(s[0], s[1], []byte(pdfMark))
		f.Add(s[0], s[1], []byte(pdfMark+"\n"))
	}
	f.Add(numberMark, "", []byte("%PDF-1.4\n%%EOF\n"))
	f.Add(numberMark, "", []byte{})
	certs, issued := fuzzCertificate(f)
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, number, token string, file []byte) {
		number = strings.ReplaceAll(number, numberMark, issued.Number)
		token = strings.ReplaceAll(token, tokenMark, issued.Token)
		file = bytes.ReplaceAll(file, []byte(pdfMark), issued.PDF)
		stop := fuzztest.Watch(fuzztest.Hang, "CheckPDF(%q, %q, %d bytes)", number, token, len(file))
		v, err := certs.CheckPDF(ctx, number, token, bytes.NewReader(file))
		stop()
		if err != nil {
			t.Fatalf("CheckPDF(%q, %q, %d bytes): %v", number, token, len(file), err)
		}
		if v.PDFMatches == nil {
			t.Fatal("CheckPDF did not say whether the file matches")
		}
		same := bytes.Equal(file, issued.PDF)
		if *v.PDFMatches != (same && v.Status != certificates.StatusUnknown) {
			t.Fatalf("CheckPDF(%q, %q, %d bytes): matches %v, status %s; the file is the certificate's: %v", number, token, len(file), *v.PDFMatches, v.Status, same)
		}
		if strings.TrimSpace(token) != "" {
			checkVerification(t, issued, number, token, v)
		} else if v.Status != certificates.StatusUnknown && !(same && certificates.NormalizeNumber(number) == issued.Number) {
			t.Fatalf("CheckPDF(%q, no token, %d bytes): %s without the certificate's file", number, len(file), v.Status)
		}
		if v.Status == certificates.StatusUnknown {
			checkUnknown(t, number, v)
		}
	})
}

// tokenBytes decodes a token as the verification reads it (its text may differ in the unused
// bits of its last character and still be the same token).
func tokenBytes(token string) []byte {
	raw, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(strings.ToUpper(strings.TrimSpace(token)))
	if err != nil || len(raw) != 16 {
		return nil
	}
	return raw
}

// checkVerification checks Verify's answer v for number and token against the certificate.
func checkVerification(t *testing.T, issued *certificates.Issued, number, token string, v *certificates.Verification) {
	t.Helper()
	genuine := certificates.NormalizeNumber(number) == issued.Number && tokenBytes(token) != nil && bytes.Equal(tokenBytes(token), tokenBytes(issued.Token))
	switch {
	case genuine && v.Status != certificates.StatusValid:
		t.Fatalf("Verify(%q, %q): %s, want valid", number, token, v.Status)
	case !genuine && v.Status != certificates.StatusUnknown:
		t.Fatalf("Verify(%q, %q): %s, want unknown (the certificate is %s with token %s)", number, token, v.Status, issued.Number, issued.Token)
	case genuine && (v.Number != issued.Number || v.SHA256 != issued.SHA256 || v.DeviceCount != 2):
		t.Fatalf("Verify(%q, %q): %+v", number, token, v)
	case !genuine:
		checkUnknown(t, number, v)
	}
}

// checkUnknown checks that an unknown verification tells nothing but the number asked for.
func checkUnknown(t *testing.T, number string, v *certificates.Verification) {
	t.Helper()
	if v.Number != certificates.NormalizeNumber(number) || v.Kind != "" || !v.IssuedAt.IsZero() || v.IssuerName != "" || v.DonorName != "" ||
		v.SHA256 != "" || v.DeviceCount != 0 || v.DriveCount != 0 || v.SupersededBy != "" {
		t.Fatalf("an unknown certificate %q shows %+v", number, v)
	}
}
