package certificates_test

import (
	"strings"
	"testing"

	"github.com/digital-inclusion/refurb/certificates"
	"github.com/digital-inclusion/refurb/internal/pdf/pdftest"
	"github.com/digital-inclusion/refurb/inventory"
	"github.com/digital-inclusion/refurb/inventory/inventorytest"
)

// The donation certificate reconciles the donor's asset list with what arrived: a listed device
// the workshop never handled and one reported lost never arrived; a device recorded by hand that
// the list does not name was received but not listed; a listed serial recorded by hand first,
// and a listed device handled at the bench, are fine.
func TestDonationCertificateReconcilesTheDonorsList(t *testing.T) {
	t.Parallel()
	pdftest.Need(t)
	e := newEnv(t)
	staff := e.actors.Staff
	donorID := e.actors.Donated.ID
	don, _ := inventorytest.DonationFrom(t, e.inv, staff, &donorID,
		inventory.NewDevice{Kind: inventory.KindLaptop, Make: "Dell", Model: "Latitude 5490", SerialNumber: "REC-A"},
		inventory.NewDevice{Kind: inventory.KindDesktop, Make: "HP", Model: "ProDesk 400", SerialNumber: "REC-X"})
	list := []byte("Asset Tag,Type,Make,Model,Serial Number\n" +
		"ACME-1,Laptop,Dell,Latitude 5490,REC-A\n" +
		"ACME-2,Laptop,Dell,Latitude 5490,REC-B\n" +
		"ACME-3,Laptop,Lenovo,ThinkPad T480,REC-C\n" +
		"ACME-4,Monitor,Dell,P2419H,REC-D\n")
	rep, err := e.inv.ImportAssetList(staff, don.ID, "acme.csv", list, false)
	if err != nil || rep.Created != 3 || rep.Skipped != 1 {
		t.Fatalf("import: %+v, %v", rep, err)
	}
	tags := map[string]string{}
	for _, l := range rep.Lines {
		tags[l.SerialNumber] = l.Tag
	}
	dev := func(serial string) *inventory.Device {
		d, err := e.inv.DeviceByTag(staff, tags[serial])
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	if _, err := e.inv.AddNote(staff, dev("REC-B").ID, 0, "on the bench"); err != nil {
		t.Fatal(err)
	}
	c := dev("REC-C")
	if _, err := e.inv.Transition(staff, c.ID, c.Version, inventory.StatusLost, "not in the van"); err != nil {
		t.Fatal(err)
	}

	rec, err := e.inv.Reconcile(staff, don.ID)
	if err != nil {
		t.Fatal(err)
	}
	var missing, extra []string
	for _, d := range rec.NotArrived {
		missing = append(missing, d.SerialNumber+"/"+d.DonorAssetTag+"/"+string(d.Status))
	}
	for _, d := range rec.NotListed {
		extra = append(extra, *d.SerialNumber)
	}
	if rec.Lists != 1 || rec.Listed != 4 || strings.Join(missing, " ") != "REC-C/ACME-3/lost REC-D/ACME-4/received" || strings.Join(extra, " ") != "REC-X" {
		t.Errorf("reconciliation: %d lists, %d rows, never arrived %v, not listed %v", rec.Lists, rec.Listed, missing, extra)
	}
	// The donor's users read it too; another donor's do not.
	if _, err := e.inv.Reconcile(e.actors.Donor, don.ID); err != nil {
		t.Errorf("the donor reads the reconciliation: %v", err)
	}

	issued, err := e.certs.Issue(staff, don.ID, certificates.KindDonation, "en")
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Join(strings.Fields(pdftest.Text(t, issued.PDF)), " ")
	for _, want := range []string{"Reconciliation with the donor's list",
		"1 list(s), 4 rows: 2 listed device(s) never arrived at the workshop, 1 device(s) received but not on the list.",
		"Listed, never arrived", "ACME-3", "REC-D", "Received, not on the list", "REC-X"} {
		if !strings.Contains(text, want) {
			t.Errorf("the certificate lacks %q:\n%s", want, text)
		}
	}
	// The erasure certificate has no reconciliation; nor has a donation without a list.
	none, _ := inventorytest.DonationFrom(t, e.inv, staff, &donorID, inventory.NewDevice{Kind: inventory.KindTablet, SerialNumber: "REC-T"})
	plain, err := e.certs.Issue(staff, none.ID, certificates.KindDonation, "en")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(pdftest.Text(t, plain.PDF), "Reconciliation") {
		t.Error("a donation without a list shows a reconciliation")
	}
}
