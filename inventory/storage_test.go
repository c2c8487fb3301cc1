package inventory_test

import (
	"errors"
	"slices"
	"testing"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/inventory"
	it "github.com/digital-inclusion/refurb/inventory/inventorytest"
)

func TestAddStorage(t *testing.T) {
	_, store, a := setup(t)
	d := it.Move(t, store, a.Staff, it.Device(t, store, a.Staff, inventory.NewDevice{Kind: inventory.KindDesktop}), inventory.StatusWiped)
	d = it.QA(t, store, a.Trainee, d, true)

	// A drive fitted to a wiped device: it is repair work, and the drive must be wiped.
	m, got, err := store.AddStorage(a.Trainee, d.ID, inventory.NewStorage{Kind: inventory.StorageSSD, SerialNumber: "NEW-SSD", CapacityGB: ptr(240.0)})
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != inventory.StatusInRepair || got.Version != d.Version+1 || m.DeviceID != d.ID {
		t.Errorf("after adding a drive: %s version %d, want in_repair version %d", got.Status, got.Version, d.Version+1)
	}
	kinds := eventKinds(t, store, a.Staff, d.ID)
	if want := []string{"storage", "status:wiped>in_repair"}; !slices.Equal(kinds[len(kinds)-2:], want) {
		t.Errorf("last events %v, want %v", kinds[len(kinds)-2:], want)
	}
	_, err = store.Transition(a.Staff, d.ID, got.Version, inventory.StatusReady, "")
	var wr *inventory.WipeRequiredError
	if !errors.As(err, &wr) || !slices.Equal(wr.Serials, []string{"NEW-SSD"}) {
		t.Errorf("ready with the new drive unwiped: got %v, want WIPE_REQUIRED naming NEW-SSD", err)
	}
	got = it.Wipe(t, store, a.Trainee, d.ID)
	if got.Status != inventory.StatusInRepair {
		t.Errorf("after wiping the new drive: %s, want still in_repair", got.Status)
	}
	got = it.Move(t, store, a.Trainee, got, inventory.StatusReady)

	for _, tc := range []struct {
		name  string
		n     inventory.NewStorage
		field string
	}{
		{"a serial already recorded", inventory.NewStorage{Kind: inventory.StorageHDD, SerialNumber: "new-ssd"}, "serialNumber"},
		{"unknown kind", inventory.NewStorage{Kind: "floppy"}, "kind"},
		{"negative capacity", inventory.NewStorage{Kind: inventory.StorageHDD, CapacityGB: ptr(-1.0)}, "capacityGB"},
	} {
		other := it.Device(t, store, a.Staff, inventory.NewDevice{Kind: inventory.KindDesktop})
		_, _, err := store.AddStorage(a.Staff, other.ID, tc.n)
		if f, ok := fieldOf(err); !ok || f != tc.field {
			t.Errorf("%s: got %v, want a field error about %s", tc.name, err, tc.field)
		}
	}
	// A ready device is refused: take it to in_repair first.
	var te *inventory.TransitionError
	if _, _, err := store.AddStorage(a.Staff, got.ID, inventory.NewStorage{Kind: inventory.StorageHDD}); !errors.As(err, &te) {
		t.Errorf("drive added to a ready device: got %v, want a TransitionError", err)
	}
	if _, _, err := store.AddStorage(a.Donor, got.ID, inventory.NewStorage{Kind: inventory.StorageHDD}); !errors.Is(err, auth.ErrForbidden) {
		t.Errorf("donor: got %v, want ErrForbidden", err)
	}
}
