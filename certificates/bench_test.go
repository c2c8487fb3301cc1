package certificates_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/certificates"
	"github.com/digital-inclusion/refurb/internal/pgtest"
	"github.com/digital-inclusion/refurb/inventory"
	"github.com/digital-inclusion/refurb/inventory/inventorytest"
	"github.com/digital-inclusion/refurb/web"
)

// issued sets up a database with one issued donation certificate.
func issued(b *testing.B) (*pgtest.DB, *certificates.Store, *certificates.Issued) {
	db := pgtest.New(b)
	a := inventorytest.Users(b, db)
	inv := inventory.NewStore(db.App)
	don, _ := inventorytest.DonationFrom(b, inv, a.Staff, &a.Donated.ID, inventorytest.Laptop("PF-1"), inventorytest.Laptop("PF-2"))
	st := certificates.NewStore(db.App, "https://refurb.example")
	c, err := st.Issue(a.Staff, don.ID, certificates.KindDonation, "fr")
	if err != nil {
		b.Fatal(err)
	}
	return db, st, c
}

// reportPercentiles adds p50 and p99 in milliseconds to the benchmark's output.
func reportPercentiles(b *testing.B, ds []time.Duration) {
	slices.Sort(ds)
	at := func(q float64) float64 { return float64(ds[int(q*float64(len(ds)-1))]) / 1e6 }
	b.ReportMetric(at(0.50), "p50-ms")
	b.ReportMetric(at(0.99), "p99-ms")
}

// BenchmarkVerify is verifyCertificate's domain call: one statement by number, the token
// compared in constant time.
func BenchmarkVerify(b *testing.B) {
	_, st, c := issued(b)
	ctx := b.Context()
	var ds []time.Duration
	for b.Loop() {
		start := time.Now()
		v, err := st.Verify(ctx, c.Number, c.Token)
		ds = append(ds, time.Since(start))
		if err != nil || !v.Valid() {
			b.Fatal(v, err)
		}
	}
	reportPercentiles(b, ds)
}

// BenchmarkVerifyPage is the page a certificate's QR code opens, over HTTP.
func BenchmarkVerifyPage(b *testing.B) {
	db, st, c := issued(b)
	st.SetVerifyLimit(certificates.VerifyLimit{PerMinute: 1 << 30})
	svc, _ := auth.NewService(db.App, auth.DefaultLimits)
	h, err := web.NewHandler(web.Deps{Auth: svc, Inventory: inventory.NewStore(db.App), Sessions: auth.NewSessions(db.App.DB, false),
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Certificates: st})
	if err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	url := srv.URL + "/verify/" + c.Number + "?t=" + c.Token
	client := srv.Client()
	var ds []time.Duration
	for b.Loop() {
		start := time.Now()
		resp, err := client.Get(url)
		if err != nil {
			b.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		ds = append(ds, time.Since(start))
		if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), `data-status="valid"`) {
			b.Fatalf("got %d", resp.StatusCode)
		}
	}
	reportPercentiles(b, ds)
}

// BenchmarkIssueOnePage issues a two-device donation certificate: reads, render, store.
func BenchmarkIssueOnePage(b *testing.B) {
	db := pgtest.New(b)
	a := inventorytest.Users(b, db)
	inv := inventory.NewStore(db.App)
	don, _ := inventorytest.DonationFrom(b, inv, a.Staff, &a.Donated.ID, inventorytest.Laptop("PF-1"), inventorytest.Laptop("PF-2"))
	st := certificates.NewStore(db.App, "https://refurb.example")
	for b.Loop() {
		if _, err := st.Issue(a.Staff, don.ID, certificates.KindDonation, "fr"); err != nil {
			b.Fatal(err)
		}
	}
}
