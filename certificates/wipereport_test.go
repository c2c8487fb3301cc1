package certificates_test

import (
	"strings"
	"testing"

	"github.com/digital-inclusion/refurb/certificates"
	"github.com/digital-inclusion/refurb/internal/pdf/pdftest"
	"github.com/digital-inclusion/refurb/inventory"
	"github.com/digital-inclusion/refurb/inventory/inventorytest"
	"github.com/digital-inclusion/refurb/inventory/wipereport/wipereporttest"
)

// The erasure certificate's annex lists the tools' reports the records came from, with their
// SHA-256, and leaves out records typed by hand.
func TestErasureAnnexShowsReportHashes(t *testing.T) {
	t.Parallel()
	pdftest.Need(t)
	e := newEnv(t)
	a := e.actors
	don, ds := inventorytest.Donation(t, e.inv, a.Staff,
		inventorytest.Laptop("PF-1", inventorytest.HDD("WD-WX41A12B3456")),
		inventorytest.Laptop("PF-2", inventorytest.SSD("TYPED-1")))
	n := wipereporttest.Erased("WD-WX41A12B3456")
	imp, err := e.inv.ImportWipeReports(a.Trainee, []inventory.WipeReportFile{{Filename: n.Filename(), Data: n.PDF(t)}}, nil, false)
	if err != nil || imp.Recorded != 1 {
		t.Fatalf("import: %+v, %v", imp, err)
	}
	inventorytest.Wipe(t, e.inv, a.Trainee, ds[1].ID)
	c, err := e.certs.Issue(a.Staff, don.ID, certificates.KindErasure, "fr")
	if err != nil {
		t.Fatal(err)
	}
	text := pdftest.Text(t, c.PDF)
	sha := imp.Files[0].SHA256
	for _, want := range []string{"Rapports des outils d'effacement", sha, "nwipe_report_", "nwipe PRNG Stream", "nwipe 0.35"} {
		if !strings.Contains(text, want) {
			t.Errorf("the certificate lacks %q:\n%s", want, text)
		}
	}
	if strings.Count(text, sha) != 1 {
		t.Errorf("the hash is printed %d times, want once", strings.Count(text, sha))
	}
}
