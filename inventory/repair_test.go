package inventory_test

import (
	"errors"
	"slices"
	"testing"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/inventory"
	it "github.com/digital-inclusion/refurb/inventory/inventorytest"
)

func TestRecordRepair(t *testing.T) {
	db, store, a := setup(t)
	d := it.Device(t, store, a.Staff, it.Laptop("RP1", it.HDD("HDD-RP1")))

	r, got, err := store.RecordRepair(a.Staff, inventory.NewRepair{DeviceID: d.ID, Description: " Replaced the keyboard ",
		PartsUsed: "keyboard FR", Minutes: 45, Outcome: inventory.OutcomeFixed, WorkerIDs: []int64{a.TraineeUser.ID, a.Trainee2User.ID, a.TraineeUser.ID}})
	if err != nil {
		t.Fatal(err)
	}
	if r.Description != "Replaced the keyboard" || r.RecordedBy != a.StaffUser.ID || r.Cycle != 1 || r.Outcome != "fixed" {
		t.Errorf("repair = %+v", r)
	}
	if got.Version != d.Version+1 || got.Status != inventory.StatusReceived {
		t.Errorf("device version %d status %s, want version %d, still received", got.Version, got.Status, d.Version+1)
	}
	// The trainee records their own work: they are the worker.
	if _, _, err = store.RecordRepair(a.Trainee, inventory.NewRepair{DeviceID: d.ID, Description: "Cleaned the fan", Minutes: 10, Outcome: inventory.OutcomeRepairable}); err != nil {
		t.Fatal(err)
	}
	repairs, err := store.Repairs(a.Staff, []int64{d.ID, 999999})
	if err != nil {
		t.Fatal(err)
	}
	rs := repairs[d.ID]
	if len(rs) != 2 || rs[0].Description != "Cleaned the fan" || rs[1].ID != r.ID {
		t.Fatalf("repairs = %+v, want the two, newest first", rs)
	}
	if want := []int64{a.TraineeUser.ID}; !slices.Equal(rs[0].WorkerIDs, want) {
		t.Errorf("workers of the trainee's repair = %v, want %v", rs[0].WorkerIDs, want)
	}
	if want := []int64{a.TraineeUser.ID, a.Trainee2User.ID}; !slices.Equal(rs[1].WorkerIDs, want) {
		t.Errorf("workers = %v, want %v", rs[1].WorkerIDs, want)
	}
	es := events(t, store, a.Staff, d.ID)
	if last := es[len(es)-1]; last.Kind != "repair" || *last.Note != "Cleaned the fan" || *last.ActorID != a.TraineeUser.ID {
		t.Errorf("last event = %+v, want the trainee's repair", last)
	}

	before := count(t, db, "repair_logs")
	good := inventory.NewRepair{DeviceID: d.ID, Description: "x", Minutes: 1, Outcome: inventory.OutcomeFixed}
	for _, tc := range []struct {
		name  string
		edit  func(*inventory.NewRepair)
		field string
	}{
		{"no description", func(n *inventory.NewRepair) { n.Description = "  " }, "description"},
		{"control character", func(n *inventory.NewRepair) { n.Description = "x\x1b[2J" }, "description"},
		{"negative minutes", func(n *inventory.NewRepair) { n.Minutes = -5 }, "minutes"},
		{"a week of minutes", func(n *inventory.NewRepair) { n.Minutes = 10080 }, "minutes"},
		{"unknown outcome", func(n *inventory.NewRepair) { n.Outcome = "FIXED" }, "outcome"},
		{"a donor as worker", func(n *inventory.NewRepair) { n.WorkerIDs = []int64{a.TraineeUser.ID, a.DonorUser.ID} }, "workerIDs[1]"},
		{"an unknown worker", func(n *inventory.NewRepair) { n.WorkerIDs = []int64{999999} }, "workerIDs[0]"},
	} {
		n := good
		tc.edit(&n)
		_, _, err := store.RecordRepair(a.Staff, n)
		if f, ok := fieldOf(err); !ok || f != tc.field {
			t.Errorf("%s: got %v, want a field error about %s", tc.name, err, tc.field)
		}
	}
	if _, _, err := store.RecordRepair(a.Donor, good); !errors.Is(err, auth.ErrForbidden) {
		t.Errorf("donor: got %v, want ErrForbidden", err)
	}
	if _, _, err := store.RecordRepair(a.Staff, inventory.NewRepair{DeviceID: 999999, Description: "x", Outcome: inventory.OutcomeFixed}); !errors.Is(err, inventory.ErrNotFound) {
		t.Errorf("unknown device: got %v, want ErrNotFound", err)
	}
	lost := it.Move(t, store, a.Staff, it.Reload(t, store, a.Staff, d.ID), inventory.StatusLost)
	var te *inventory.TransitionError
	if _, _, err := store.RecordRepair(a.Staff, good); !errors.As(err, &te) {
		t.Errorf("repair of a %s device: got %v, want a TransitionError", lost.Status, err)
	}
	if got := count(t, db, "repair_logs"); got != before {
		t.Errorf("%d repairs after refusals, want %d", got, before)
	}
}
