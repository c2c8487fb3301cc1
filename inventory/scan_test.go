package inventory_test

import (
	"context"
	"errors"
	"testing"

	"github.com/uptrace/bun"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/inventory"
	"github.com/digital-inclusion/refurb/inventory/inventorytest"
	"github.com/digital-inclusion/refurb/validation"
)

// TestScan reads a device with its storage, latest wipes and last events in one go, from the
// pool (prepared statement) and inside a transaction (through bun), with the same answer.
func TestScan(t *testing.T) {
	t.Parallel()
	db, store, a := inventorytest.New(t)
	_, ds := inventorytest.Donation(t, store, a.Staff, inventorytest.Laptop("SCAN-1", inventorytest.SSD("SCAN-D1"), inventorytest.HDD("SCAN-D2")))
	d := inventorytest.Wipe(t, store, a.Trainee, ds[0].ID)

	sc, err := store.Scan(a.Staff, "https://refurb.example/D/"+d.Tag, 20)
	if err != nil {
		t.Fatal(err)
	}
	if sc.Device.ID != d.ID || sc.Device.Status != inventory.StatusWiped || sc.Device.Version != d.Version {
		t.Errorf("device: got %+v, want %s wiped at version %d", sc.Device, d.Tag, d.Version)
	}
	if len(sc.Storage) != 2 || sc.Storage[0].Latest == nil || sc.Storage[0].Latest.Result != inventory.ResultPassed || *sc.Storage[1].SerialNumber != "SCAN-D2" {
		t.Errorf("storage: got %+v, want both drives with their passing records", sc.Storage)
	}
	// Intake, two wipes and the move to wiped, newest first.
	if len(sc.Events) != 4 || sc.Events[0].Kind != "status" || sc.Events[3].Kind != "intake" {
		t.Errorf("events: got %+v", sc.Events)
	}
	if two, _ := store.Scan(a.Staff, d.Tag, 2); len(two.Events) != 2 || two.Events[0].ID != sc.Events[0].ID {
		t.Errorf("last 2 events: got %+v", two.Events)
	}

	err = db.App.RunInTx(context.Background(), nil, func(_ context.Context, tx bun.Tx) error {
		in, err := inventory.NewStore(tx).Scan(a.Staff, d.Tag, 20)
		if err != nil {
			return err
		}
		if in.Device.ID != d.ID || len(in.Storage) != 2 || len(in.Events) != 4 {
			t.Errorf("scan in a transaction: got %+v", in)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	if _, err := store.Scan(a.Donor, d.Tag, 20); !errors.Is(err, inventory.ErrNotFound) {
		t.Errorf("another donor's device: got %v, want ErrNotFound", err)
	}
	if _, err := store.Scan(a.SocialWorker, d.Tag, 20); !errors.Is(err, auth.ErrForbidden) {
		t.Errorf("social worker: got %v, want ErrForbidden", err)
	}
	bad := d.Tag[:len(d.Tag)-1] + "0"
	if bad == d.Tag {
		bad = d.Tag[:len(d.Tag)-1] + "1"
	}
	if _, err := store.Scan(a.Staff, bad, 20); err == nil {
		t.Error("a mistyped tag opened a device")
	} else if fe, ok := validation.As(err); !ok || fe.Field != "tag" {
		t.Errorf("mistyped tag: got %v, want a field error on tag", err)
	}
}
