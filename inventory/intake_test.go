package inventory_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/inventory"
	it "github.com/digital-inclusion/refurb/inventory/inventorytest"
)

func TestRecordDonation(t *testing.T) {
	_, store, a := setup(t)
	year := time.Now().Year()

	don, devices, err := store.RecordDonation(a.Staff, inventory.NewDonation{
		DonorID:        &a.Donated.ID,
		ReceivedOn:     time.Now(), // today, at whatever time of day
		DonorReference: "PO 4711",
		Devices: []inventory.NewDevice{
			it.Laptop("PF1ABC", it.SSD("S3Z1")),
			{Kind: inventory.KindLaptop, Make: "Dell", Model: "Latitude E6330", SerialNumber: "OLD2012", ManufactureYear: ptr(2012)},
			{Kind: inventory.KindSmartphone, WeightKG: ptr(0.2)},
			{Kind: inventory.KindMonitor},
		},
	})
	if err != nil {
		t.Fatalf("RecordDonation: %v", err)
	}
	if want := fmt.Sprintf("DON-%d-00001", year); don.Number != want {
		t.Errorf("number = %s, want %s", don.Number, want)
	}
	if don.ReceivedBy == nil || *don.ReceivedBy != a.StaffUser.ID {
		t.Errorf("receivedBy = %v, want the staff member %d", don.ReceivedBy, a.StaffUser.ID)
	}
	if len(devices) != 4 {
		t.Fatalf("got %d devices, want 4", len(devices))
	}
	var tags []string
	for i, d := range devices {
		tag, n, err := inventory.ParseTag(d.Tag)
		if err != nil || tag != d.Tag || n != d.TagNumber {
			t.Errorf("device %d: tag %s (number %d) does not parse back: %q, %d, %v", i, d.Tag, d.TagNumber, tag, n, err)
		}
		if d.Status != inventory.StatusReceived || d.Version != 1 || d.Cycle != 1 || d.DonationID != don.ID {
			t.Errorf("device %d: status %s version %d cycle %d donation %d, want received 1 1 %d", i, d.Status, d.Version, d.Cycle, d.DonationID, don.ID)
		}
		want := []string{"intake"}
		if i == 1 { // the over-age laptop
			want = []string{"intake", "flag"}
		}
		if got := eventKinds(t, store, a.Staff, d.ID); !slices.Equal(got, want) {
			t.Errorf("device %d: events %v, want %v", i, got, want)
		}
		tags = append(tags, d.Tag)
	}
	if len(slices.Compact(slices.Sorted(slices.Values(tags)))) != len(tags) {
		t.Errorf("tags %v are not distinct", tags)
	}
	for i, want := range []float64{1.83, 1.83, 0.2, 3.66} {
		if devices[i].WeightKG != want {
			t.Errorf("device %d (%s): weight %v kg, want %v", i, devices[i].Kind, devices[i].WeightKG, want)
		}
	}
	for i, want := range [][]inventory.Flag{nil, {inventory.FlagOverAge}, nil, nil} {
		if got := openFlags(t, store, a.Staff, devices[i].ID); !slices.Equal(got, want) {
			t.Errorf("device %d: flags %v, want %v", i, got, want)
		}
	}
	// The over-age device's history says why it is flagged.
	if es := events(t, store, a.Staff, devices[1].ID); len(es) != 2 || es[1].Kind != "flag" || es[1].Detail["flag"] != string(inventory.FlagOverAge) || es[1].Note == nil {
		t.Errorf("over-age device's events = %+v, want the intake and the flag with its reason", es)
	}
	media := it.Media(t, store, a.Staff, devices[0].ID)
	if len(media) != 1 || *media[0].SerialNumber != "S3Z1" || *media[0].CapacityGB != 256 {
		t.Errorf("media = %+v, want the 256 GB SSD S3Z1", media)
	}
	intake := events(t, store, a.Staff, devices[0].ID)[0]
	if intake.ActorID == nil || *intake.ActorID != a.StaffUser.ID || *intake.ToStatus != inventory.StatusReceived || intake.Detail["tag"] != devices[0].Tag {
		t.Errorf("intake event = %+v, want by the staff member, to received, with the tag", intake)
	}

	// The second donation of the year takes the next number; one received last year takes
	// last year's series.
	don2, _ := it.Donation(t, store, a.Staff, it.Laptop("X1"))
	if want := fmt.Sprintf("DON-%d-00002", year); don2.Number != want {
		t.Errorf("second number = %s, want %s", don2.Number, want)
	}
	late, _, err := store.RecordDonation(a.Admin, inventory.NewDonation{ReceivedOn: time.Date(year-1, 12, 30, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	if want := fmt.Sprintf("DON-%d-00001", year-1); late.Number != want {
		t.Errorf("last year's number = %s, want %s", late.Number, want)
	}
	don3, _ := it.Donation(t, store, a.Staff)
	if want := fmt.Sprintf("DON-%d-00003", year); don3.Number != want {
		t.Errorf("third number = %s, want %s", don3.Number, want)
	}
}

func TestRecordDonationRefusesBadInput(t *testing.T) {
	db, store, a := setup(t)
	it.Donation(t, store, a.Staff, it.Laptop("EXISTING", it.HDD("DRIVE1")))
	before := counts(t, db)
	tomorrow := time.Now().AddDate(0, 0, 1)
	good := func() inventory.NewDonation {
		return inventory.NewDonation{ReceivedOn: it.Today(), Devices: []inventory.NewDevice{it.Laptop("A1", it.HDD("D-A1")), it.Laptop("A2")}}
	}
	for _, tc := range []struct {
		name  string
		edit  func(*inventory.NewDonation)
		field string
	}{
		{"control character in a serial", func(n *inventory.NewDonation) { n.Devices[1].SerialNumber = "A2\x07" }, "devices[1].serialNumber"},
		{"newline in a serial", func(n *inventory.NewDonation) { n.Devices[1].SerialNumber = "A\n2" }, "devices[1].serialNumber"},
		{"negative capacity", func(n *inventory.NewDonation) { n.Devices[0].Storage[0].CapacityGB = ptr(-500.0) }, "devices[0].storage[0].capacityGB"},
		{"zero capacity", func(n *inventory.NewDonation) { n.Devices[0].Storage[0].CapacityGB = ptr(0.0) }, "devices[0].storage[0].capacityGB"},
		{"unknown storage kind", func(n *inventory.NewDonation) { n.Devices[0].Storage[0].Kind = "tape" }, "devices[0].storage[0].kind"},
		{"received tomorrow", func(n *inventory.NewDonation) { n.ReceivedOn = tomorrow }, "receivedOn"},
		{"no received date", func(n *inventory.NewDonation) { n.ReceivedOn = time.Time{} }, "receivedOn"},
		{"received in 1999", func(n *inventory.NewDonation) { n.ReceivedOn = time.Date(1999, 1, 1, 0, 0, 0, 0, time.UTC) }, "receivedOn"},
		{"unknown kind", func(n *inventory.NewDonation) { n.Devices[1].Kind = "toaster" }, "devices[1].kind"},
		{"upper-case kind", func(n *inventory.NewDonation) { n.Devices[0].Kind = "LAPTOP" }, "devices[0].kind"},
		{"battery over 100", func(n *inventory.NewDonation) { n.Devices[1].BatteryHealthPct = ptr(101) }, "devices[1].batteryHealthPct"},
		{"future manufacture year", func(n *inventory.NewDonation) { n.Devices[0].ManufactureYear = ptr(time.Now().Year() + 1) }, "devices[0].manufactureYear"},
		{"keyboard layout", func(n *inventory.NewDonation) { n.Devices[0].KeyboardLayout = "swiss french" }, "devices[0].keyboardLayout"},
		{"condition grade", func(n *inventory.NewDonation) { n.Devices[0].ConditionGrade = "E" }, "devices[0].conditionGrade"},
		{"negative weight", func(n *inventory.NewDonation) { n.Devices[1].WeightKG = ptr(-1.0) }, "devices[1].weightKG"},
		{"serial twice in the donation", func(n *inventory.NewDonation) { n.Devices[1].SerialNumber = "a1" }, "devices[1].serialNumber"},
		{"drive serial already recorded", func(n *inventory.NewDonation) { n.Devices[0].Storage[0].SerialNumber = "drive1" }, "storage.serialNumber"},
		{"unknown donor", func(n *inventory.NewDonation) { n.DonorID = ptr(int64(999999)) }, "donorID"},
		{"unknown collection point", func(n *inventory.NewDonation) { n.CollectionPointID = 999999 }, "collectionPointID"},
		{"note too long", func(n *inventory.NewDonation) { n.Note = strings.Repeat("x", 2001) }, "note"},
		{"tag number never issued", func(n *inventory.NewDonation) { n.Devices[0].TagNumber = ptr(int64(999999)) }, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			n := good()
			tc.edit(&n)
			don, _, err := store.RecordDonation(a.Staff, n)
			if err == nil {
				t.Fatalf("RecordDonation succeeded (%s), want an error", don.Number)
			}
			if tc.field != "" {
				wantField(t, err, tc.field)
			}
		})
	}
	if after := counts(t, db); !mapsEqual(after, before) {
		t.Errorf("bad input changed the database: rows %v, before %v", after, before)
	}
	// The next good donation gets the next number: refused ones left no gap.
	don, _, err := store.RecordDonation(a.Staff, good())
	if err != nil {
		t.Fatal(err)
	}
	if want := fmt.Sprintf("DON-%d-00002", time.Now().Year()); don.Number != want {
		t.Errorf("number after refusals = %s, want %s", don.Number, want)
	}
}

func mapsEqual(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func TestRecordDonationRoles(t *testing.T) {
	db, store, a := setup(t)
	before := counts(t, db)
	n := inventory.NewDonation{ReceivedOn: it.Today(), Devices: []inventory.NewDevice{it.Laptop("R1")}}
	for _, tc := range []struct {
		name string
		ctx  context.Context
		want error
	}{
		{"trainee", a.Trainee, auth.ErrForbidden},
		{"donor", a.Donor, auth.ErrForbidden},
		{"social worker", a.SocialWorker, auth.ErrForbidden},
		{"anonymous", a.Anonymous, auth.ErrUnauthenticated},
	} {
		_, _, err := store.RecordDonation(tc.ctx, n)
		if !errorsIs(err, tc.want) {
			t.Errorf("%s: got %v, want %v", tc.name, err, tc.want)
		}
	}
	if after := counts(t, db); !mapsEqual(after, before) {
		t.Errorf("refused intakes changed the database: %v, before %v", after, before)
	}
	for _, ctx := range []context.Context{a.Staff, a.Admin, a.System} {
		if _, _, err := store.RecordDonation(ctx, n); err != nil {
			t.Errorf("RecordDonation: %v", err)
		}
	}
}

// TestConcurrentIntakes records 20 donations of 5 devices at once: every tag and number is
// distinct and the numbers run 1 to 20 without a gap.
func TestConcurrentIntakes(t *testing.T) {
	_, store, a := setup(t)
	const donations, perDonation = 20, 5
	var wg sync.WaitGroup
	results := make([]*inventory.Donation, donations)
	devices := make([][]inventory.Device, donations)
	errs := make([]error, donations)
	start := make(chan struct{})
	for i := range donations {
		wg.Go(func() {
			var ns []inventory.NewDevice
			for j := range perDonation {
				ns = append(ns, it.Laptop(fmt.Sprintf("C%02d-%d", i, j), it.SSD(fmt.Sprintf("CS%02d-%d", i, j))))
			}
			<-start
			results[i], devices[i], errs[i] = store.RecordDonation(a.Staff, inventory.NewDonation{ReceivedOn: it.Today(), Devices: ns})
		})
	}
	close(start)
	wg.Wait()
	numbers := map[string]bool{}
	tags := map[string]bool{}
	for i := range donations {
		if errs[i] != nil {
			t.Fatalf("donation %d: %v", i, errs[i])
		}
		numbers[results[i].Number] = true
		for _, d := range devices[i] {
			if tags[d.Tag] {
				t.Errorf("tag %s given twice", d.Tag)
			}
			tags[d.Tag] = true
		}
	}
	if len(tags) != donations*perDonation {
		t.Errorf("%d distinct tags, want %d", len(tags), donations*perDonation)
	}
	for i := 1; i <= donations; i++ {
		if n := fmt.Sprintf("DON-%d-%05d", time.Now().Year(), i); !numbers[n] {
			t.Errorf("number %s missing: numbers are %v", n, numbers)
		}
	}
}
