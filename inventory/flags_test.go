package inventory_test

import (
	"errors"
	"slices"
	"testing"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/inventory"
	it "github.com/digital-inclusion/refurb/inventory/inventorytest"
)

func TestFlagsBlocking(t *testing.T) {
	for _, f := range inventory.Flags {
		if got, want := f.Blocking(), f != inventory.FlagOverAge; got != want {
			t.Errorf("%s.Blocking() = %v, want %v", f, got, want)
		}
	}
}

func TestFlags(t *testing.T) {
	_, store, a := setup(t)
	d := it.Ready(t, store, a.Staff, it.Device(t, store, a.Staff, it.Laptop("FL1")))

	if _, err := store.SetFlag(a.Trainee, d.ID, d.Version-1, inventory.FlagNeedsPart, ""); !errors.Is(err, inventory.ErrConflict) {
		t.Fatalf("stale version: got %v, want ErrConflict", err)
	}
	if _, err := store.SetFlag(a.Trainee, d.ID, d.Version, "broken", ""); err == nil {
		t.Fatal("unknown flag set")
	} else {
		wantField(t, err, "flag")
	}
	// A blocking flag takes a ready device out of the allocatable pool.
	got, err := store.SetFlag(a.Trainee, d.ID, d.Version, inventory.FlagNeedsInvestigation, "smells of smoke")
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != inventory.StatusInRepair || got.Version != d.Version+1 {
		t.Errorf("after the flag: %s version %d, want in_repair version %d", got.Status, got.Version, d.Version+1)
	}
	fs, err := store.OpenFlags(a.Staff, []int64{d.ID})
	if err != nil || len(fs[d.ID]) != 1 || *fs[d.ID][0].SetBy != a.TraineeUser.ID || *fs[d.ID][0].Note != "smells of smoke" {
		t.Errorf("open flags = %+v, %v", fs, err)
	}
	// Setting it again changes nothing.
	again, err := store.SetFlag(a.Trainee, d.ID, got.Version, inventory.FlagNeedsInvestigation, "")
	if err != nil || again.Version != got.Version {
		t.Errorf("set again: version %d, %v; want unchanged %d", again.Version, err, got.Version)
	}
	if _, err := store.ClearFlag(a.Trainee, d.ID, got.Version-1, inventory.FlagNeedsInvestigation); !errors.Is(err, inventory.ErrConflict) {
		t.Errorf("stale clear: got %v, want ErrConflict", err)
	}
	got, err = store.ClearFlag(a.Trainee, d.ID, got.Version, inventory.FlagNeedsInvestigation)
	if err != nil {
		t.Fatal(err)
	}
	if flags := openFlags(t, store, a.Staff, d.ID); len(flags) != 0 {
		t.Errorf("open flags after clearing: %v", flags)
	}
	// An advisory flag leaves the status alone; only staff clear it.
	got = it.Move(t, store, a.Staff, got, inventory.StatusReady)
	if got, err = store.SetFlag(a.Staff, d.ID, got.Version, inventory.FlagOverAge, ""); err != nil || got.Status != inventory.StatusReady {
		t.Fatalf("over_age on a ready device: %v, %v", got, err)
	}
	if _, err := store.ClearFlag(a.Trainee, d.ID, got.Version, inventory.FlagOverAge); !errors.Is(err, auth.ErrForbidden) {
		t.Errorf("trainee clears over_age: got %v, want ErrForbidden", err)
	}
	if got, err = store.ClearFlag(a.Staff, d.ID, got.Version, inventory.FlagOverAge); err != nil {
		t.Fatal(err)
	}
	if _, err := store.SetFlag(a.Donor, d.ID, got.Version, inventory.FlagNeedsPart, ""); !errors.Is(err, auth.ErrForbidden) {
		t.Errorf("donor: got %v, want ErrForbidden", err)
	}
	kinds := eventKinds(t, store, a.Staff, d.ID)
	if want := []string{"flag", "status:ready>in_repair", "flag", "status:in_repair>ready", "flag", "flag"}; !slices.Equal(kinds[len(kinds)-6:], want) {
		t.Errorf("last events %v, want %v", kinds[len(kinds)-6:], want)
	}

	// wipe_failed stays while a drive lacks a passing record.
	w := it.Device(t, store, a.Staff, it.Laptop("FL2", it.HDD("HDD-FL2")))
	failed := it.PassingWipe(it.Media(t, store, a.Staff, w.ID)[0].ID)
	failed.Result = inventory.ResultFailed
	if _, w, err = store.RecordWipe(a.Trainee, failed); err != nil {
		t.Fatal(err)
	}
	var wr *inventory.WipeRequiredError
	if _, err := store.ClearFlag(a.Staff, w.ID, w.Version, inventory.FlagWipeFailed); !errors.As(err, &wr) {
		t.Errorf("clear wipe_failed with a failed drive: got %v, want WIPE_REQUIRED", err)
	}
}
