package inventory_test

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/digital-inclusion/refurb/inventory"
	it "github.com/digital-inclusion/refurb/inventory/inventorytest"
)

func TestWipesMoveADeviceToWiped(t *testing.T) {
	_, store, a := setup(t)
	d := it.Device(t, store, a.Staff, it.Laptop("W1", it.HDD("HDD-W1"), it.SSD("SSD-W1")))
	media := it.Media(t, store, a.Staff, d.ID)

	w, got, err := store.RecordWipe(a.Trainee, it.PassingWipe(media[0].ID))
	if err != nil {
		t.Fatal(err)
	}
	if w.OperatorID != a.TraineeUser.ID || w.Cycle != 1 || got.Status != inventory.StatusReceived || got.Version != d.Version+1 {
		t.Errorf("after the first drive: record by %d in cycle %d, device %s version %d; want by the trainee, cycle 1, received, version %d",
			w.OperatorID, w.Cycle, got.Status, got.Version, d.Version+1)
	}
	if _, got, err = store.RecordWipe(a.Trainee, inventory.NewWipe{MediumID: media[1].ID, Method: inventory.MethodPurge,
		Technique: "NVMe Format (crypto erase)", Result: inventory.ResultPassed, VerifierID: &a.Trainee2User.ID}); err != nil {
		t.Fatal(err)
	}
	if got.Status != inventory.StatusWiped {
		t.Errorf("after the last drive: %s, want wiped", got.Status)
	}
	if kinds := eventKinds(t, store, a.Staff, d.ID); !slices.Equal(kinds, []string{"intake", "wipe", "wipe", "status:received>wiped"}) {
		t.Errorf("events %v, want intake, wipe, wipe, status:received>wiped", kinds)
	}
	missing, err := store.WipeMissing(a.Staff, []int64{d.ID})
	if err != nil || len(missing) != 0 {
		t.Errorf("WipeMissing = %v, %v; want none", missing, err)
	}
}

func TestFailedWipeIsClosedByDestruction(t *testing.T) {
	_, store, a := setup(t)
	d := it.Device(t, store, a.Staff, it.Laptop("F1", it.HDD("HDD-F1")))
	m := it.Media(t, store, a.Staff, d.ID)[0]

	failed := it.PassingWipe(m.ID)
	failed.Result, failed.Warnings = inventory.ResultFailed, "1208 sectors unreadable"
	_, got, err := store.RecordWipe(a.Trainee, failed)
	if err != nil {
		t.Fatal(err)
	}
	if flags := openFlags(t, store, a.Staff, d.ID); !slices.Equal(flags, []inventory.Flag{inventory.FlagWipeFailed}) {
		t.Errorf("flags after a failed wipe = %v, want [wipe_failed]", flags)
	}
	if got.Status != inventory.StatusReceived {
		t.Errorf("status %s, want received", got.Status)
	}
	_, err = store.Transition(a.Staff, d.ID, got.Version, inventory.StatusRecycled, "")
	var wr *inventory.WipeRequiredError
	if !errors.As(err, &wr) || !slices.Equal(wr.Serials, []string{"HDD-F1"}) {
		t.Fatalf("recycling with a failed drive: got %v, want WIPE_REQUIRED naming HDD-F1", err)
	}
	// The contractor shreds it.
	destroy := inventory.NewWipe{MediumID: m.ID, Method: inventory.MethodDestroy, Technique: "shredded",
		Result: inventory.ResultPassed, Contractor: "Ecotrel", ContractorCertificate: "CERT-2026-118", DINLevel: "h-5", Destination: "destruction"}
	w, got, err := store.RecordWipe(a.Staff, destroy)
	if err != nil {
		t.Fatal(err)
	}
	if *w.DINLevel != "H-5" || got.Status != inventory.StatusWiped {
		t.Errorf("destruction: DIN %s, device %s; want H-5, wiped", *w.DINLevel, got.Status)
	}
	if flags := openFlags(t, store, a.Staff, d.ID); len(flags) != 0 {
		t.Errorf("flags after the destruction = %v, want none", flags)
	}
	if _, err := store.Transition(a.Staff, d.ID, got.Version, inventory.StatusRecycled, "to Ecotrel"); err != nil {
		t.Errorf("recycle after the destruction: %v", err)
	}
}

func TestWipeInputRules(t *testing.T) {
	db, store, a := setup(t)
	d := it.Device(t, store, a.Staff, it.Laptop("WR1", it.SSD("SSD-WR1"), it.HDD("HDD-WR1")))
	media := it.Media(t, store, a.Staff, d.ID)
	ssd, hdd := media[0], media[1]
	before := count(t, db, "wipe_records")
	future := time.Now().Add(time.Hour)
	for _, tc := range []struct {
		name  string
		edit  func(*inventory.NewWipe)
		field string
	}{
		{"overwrite of an SSD as purge", func(w *inventory.NewWipe) { w.Method = inventory.MethodPurge }, "method"},
		{"unknown method", func(w *inventory.NewWipe) { w.Method = "erase" }, "method"},
		{"unknown result", func(w *inventory.NewWipe) { w.Result = "ok" }, "result"},
		{"no technique", func(w *inventory.NewWipe) { w.Technique = " " }, "technique"},
		{"destruction without DIN level", func(w *inventory.NewWipe) {
			w.Method, w.Technique = inventory.MethodDestroy, "shredded"
		}, "dinLevel"},
		{"DIN level on an overwrite", func(w *inventory.NewWipe) { w.DINLevel = "H-5" }, "method"},
		{"bad DIN level", func(w *inventory.NewWipe) { w.Method, w.DINLevel = inventory.MethodDestroy, "H-9" }, "dinLevel"},
		{"bad SHA-256", func(w *inventory.NewWipe) { w.ReportSHA256 = "abc" }, "reportSHA256"},
		{"finished in the future", func(w *inventory.NewWipe) { w.FinishedAt = &future }, "finishedAt"},
		{"operator verifies themself", func(w *inventory.NewWipe) { w.VerifierID = &a.TraineeUser.ID }, "verifierID"},
		{"donor verifies", func(w *inventory.NewWipe) { w.VerifierID = &a.DonorUser.ID }, "verifierID"},
		{"unknown medium", func(w *inventory.NewWipe) { w.MediumID = 999999 }, "mediumID"},
	} {
		w := it.PassingWipe(ssd.ID)
		tc.edit(&w)
		if _, _, err := store.RecordWipe(a.Trainee, w); err == nil {
			t.Errorf("%s: recorded, want a field error about %s", tc.name, tc.field)
		} else if fe, ok := fieldOf(err); !ok || fe != tc.field {
			t.Errorf("%s: got %v, want a field error about %s", tc.name, err, tc.field)
		}
	}
	if got := count(t, db, "wipe_records"); got != before {
		t.Errorf("%d wipe records after refusals, want %d", got, before)
	}
	// Purge by overwrite is fine on a hard disk, and crypto erase is a purge of an SSD.
	purge := it.PassingWipe(hdd.ID)
	purge.Method = inventory.MethodPurge
	if _, _, err := store.RecordWipe(a.Trainee, purge); err != nil {
		t.Errorf("purge of an HDD: %v", err)
	}
	crypto := it.PassingWipe(ssd.ID)
	crypto.Method, crypto.Technique = inventory.MethodPurge, "ATA Sanitize crypto scramble"
	if _, _, err := store.RecordWipe(a.Trainee, crypto); err != nil {
		t.Errorf("crypto erase of an SSD: %v", err)
	}
	// Nobody outside the workshop records wipes, and nobody records them on a device that left.
	if _, _, err := store.RecordWipe(a.Donor, it.PassingWipe(ssd.ID)); err == nil {
		t.Error("a donor recorded a wipe")
	}
	if _, _, err := store.RecordWipe(a.System, it.PassingWipe(ssd.ID)); err == nil {
		t.Error("the command line recorded a wipe without an operator")
	}
	got := it.Move(t, store, a.Staff, it.Reload(t, store, a.Staff, d.ID), inventory.StatusRecycled)
	if _, _, err := store.RecordWipe(a.Staff, it.PassingWipe(ssd.ID)); err == nil {
		t.Errorf("wipe of a %s device recorded", got.Status)
	}
}

// TestReturnedDeviceMustBeWipedAgain takes a device out and back (lost, then found: a
// handed-out device comes back the same way, through a request: requests' tests): the wipes of
// its first cycle no longer count.
func TestReturnedDeviceMustBeWipedAgain(t *testing.T) {
	_, store, a := setup(t)
	d := it.Ready(t, store, a.Staff, it.Device(t, store, a.Staff, it.Laptop("RT1", it.HDD("HDD-RT1"))))
	d = it.Move(t, store, a.Staff, d, inventory.StatusLost)
	d = it.Move(t, store, a.Staff, d, inventory.StatusReceived)
	if d.Cycle != 2 {
		t.Fatalf("returned device in cycle %d, want 2", d.Cycle)
	}
	m := it.Media(t, store, a.Staff, d.ID)[0]
	missing, err := store.WipeMissing(a.Staff, []int64{d.ID})
	if err != nil || !slices.Equal(missing[d.ID], []int64{m.ID}) {
		t.Errorf("WipeMissing = %v, %v; want the drive %d again", missing, err, m.ID)
	}
	latest, err := store.LatestWipes(a.Staff, []int64{m.ID})
	if err != nil || latest[m.ID] != nil {
		t.Errorf("LatestWipes = %v, %v; want no record in the new cycle", latest, err)
	}
	_, err = store.Transition(a.Staff, d.ID, d.Version, inventory.StatusRecycled, "")
	var wr *inventory.WipeRequiredError
	if !errors.As(err, &wr) {
		t.Fatalf("recycling a returned device: got %v, want WIPE_REQUIRED", err)
	}
	// Its QA check no longer counts either.
	d = it.Wipe(t, store, a.Trainee, d.ID)
	if d.Status != inventory.StatusWiped {
		t.Fatalf("after the new wipe: %s, want wiped", d.Status)
	}
	if _, err := store.Transition(a.Staff, d.ID, d.Version, inventory.StatusReady, ""); err == nil {
		t.Error("a returned device became ready on its first cycle's QA check")
	}
	latest, err = store.LatestWipes(a.Staff, []int64{m.ID})
	if err != nil || latest[m.ID] == nil || latest[m.ID].Cycle != 2 {
		t.Errorf("LatestWipes = %v, %v; want the record of cycle 2", latest, err)
	}
}

func TestFailedWipeOfAReadyDeviceSendsItBack(t *testing.T) {
	_, store, a := setup(t)
	d := it.Ready(t, store, a.Staff, it.Device(t, store, a.Staff, it.Laptop("RB1", it.HDD("HDD-RB1"))))
	failed := it.PassingWipe(it.Media(t, store, a.Staff, d.ID)[0].ID)
	failed.Result = inventory.ResultFailed
	_, got, err := store.RecordWipe(a.Trainee, failed)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != inventory.StatusInRepair {
		t.Errorf("ready device after a failed wipe: %s, want in_repair", got.Status)
	}
	kinds := eventKinds(t, store, a.Staff, d.ID)
	if want := []string{"wipe", "flag", "status:ready>in_repair"}; !slices.Equal(kinds[len(kinds)-3:], want) {
		t.Errorf("last events %v, want %v", kinds[len(kinds)-3:], want)
	}
}

// TestRequireWiped checks a donation's devices at once, as its erasure certificate does: every
// medium without a passing record is named with its device, in tag order.
func TestRequireWiped(t *testing.T) {
	_, store, a := setup(t)
	_, ds := it.Donation(t, store, a.Staff,
		it.Laptop("RW1", it.HDD("HDD-RW1a"), inventory.NewStorage{Kind: inventory.StorageSSD}),
		it.Laptop("RW2", it.SSD("SSD-RW2")),
		it.Laptop("RW3"))
	ids := []int64{ds[2].ID, ds[1].ID, ds[0].ID}
	first, second := it.Media(t, store, a.Staff, ds[0].ID), it.Media(t, store, a.Staff, ds[1].ID)
	if _, _, err := store.RecordWipe(a.Trainee, it.PassingWipe(first[0].ID)); err != nil {
		t.Fatal(err)
	}
	err := store.RequireWiped(a.Staff, ids)
	we, ok := errors.AsType[*inventory.WipeRequiredError](err)
	if !ok {
		t.Fatalf("got %v, want a WipeRequiredError", err)
	}
	if !slices.Equal(we.MediumIDs, []int64{first[1].ID, second[0].ID}) || !slices.Equal(we.Serials, []string{"", "SSD-RW2"}) ||
		!slices.Equal(we.DeviceTags, []string{ds[0].Tag, ds[1].Tag}) || we.DeviceTag != "" {
		t.Errorf("got %+v, want the first device's unnamed SSD and the second's, with their tags", we)
	}
	if want := "2 storage medium(s) lack a passing sanitization record: " + ds[0].Tag + ", " + ds[1].Tag + " SSD-RW2"; err.Error() != want {
		t.Errorf("text %q, want %q", err.Error(), want)
	}
	it.Wipe(t, store, a.Trainee, ds[0].ID)
	it.Wipe(t, store, a.Trainee, ds[1].ID)
	if err := store.RequireWiped(a.Staff, ids); err != nil {
		t.Errorf("every medium sanitized: got %v", err)
	}
}
