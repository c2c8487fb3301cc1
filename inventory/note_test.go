package inventory_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/inventory"
	it "github.com/digital-inclusion/refurb/inventory/inventorytest"
)

func TestAddNote(t *testing.T) {
	_, store, a := setup(t)
	d := it.Device(t, store, a.Staff, it.Laptop("N1"))
	got, err := store.AddNote(a.Trainee, d.ID, d.Version, "  Sticker residue on the lid  ")
	if err != nil {
		t.Fatal(err)
	}
	if got.Version != d.Version+1 {
		t.Errorf("version %d, want %d", got.Version, d.Version+1)
	}
	es := events(t, store, a.Staff, d.ID)
	if last := es[len(es)-1]; last.Kind != "note" || *last.Note != "Sticker residue on the lid" || *last.ActorID != a.TraineeUser.ID {
		t.Errorf("last event = %+v", last)
	}
	for _, note := range []string{"", "   ", "bell\a", strings.Repeat("x", 4001)} {
		if _, err := store.AddNote(a.Trainee, d.ID, 0, note); err == nil {
			t.Errorf("note %.20q accepted", note)
		} else {
			wantField(t, err, "note")
		}
	}
	if _, err := store.AddNote(a.Donor, d.ID, 0, "hello"); !errors.Is(err, auth.ErrForbidden) {
		t.Errorf("donor: got %v, want ErrForbidden", err)
	}
	if _, err := store.AddNote(a.Staff, 999999, 0, "hello"); !errors.Is(err, inventory.ErrNotFound) {
		t.Errorf("unknown device: got %v, want ErrNotFound", err)
	}
}
