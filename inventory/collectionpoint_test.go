package inventory_test

import (
	"errors"
	"testing"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/inventory"
	it "github.com/digital-inclusion/refurb/inventory/inventorytest"
)

// TestCollectionPoint reads the place a donation was received, as its documents do.
func TestCollectionPoint(t *testing.T) {
	_, store, a := setup(t)
	don, _ := it.Donation(t, store, a.Staff, it.Laptop("CP1"))
	cp, err := store.CollectionPoint(a.Donor, don.CollectionPointID)
	if err != nil {
		t.Fatal(err)
	}
	if cp.Name != "Workshop" || cp.Kind != "workshop" || !cp.Active {
		t.Errorf("the donation's collection point = %+v, want the active Workshop", cp)
	}
	if _, err := store.CollectionPoint(a.Staff, 999999); !errors.Is(err, inventory.ErrNotFound) {
		t.Errorf("unknown collection point: got %v, want ErrNotFound", err)
	}
	if _, err := store.CollectionPoint(a.SocialWorker, don.CollectionPointID); !errors.Is(err, auth.ErrForbidden) {
		t.Errorf("social worker: got %v, want ErrForbidden", err)
	}
	if _, err := store.CollectionPoint(a.Anonymous, don.CollectionPointID); !errors.Is(err, auth.ErrUnauthenticated) {
		t.Errorf("no actor: got %v, want ErrUnauthenticated", err)
	}
	cps, err := store.CollectionPointsByID(a.Trainee, []int64{don.CollectionPointID, 999999})
	if err != nil {
		t.Fatal(err)
	}
	if len(cps) != 1 || cps[don.CollectionPointID] == nil {
		t.Errorf("CollectionPointsByID = %v, want the Workshop alone", cps)
	}
}
