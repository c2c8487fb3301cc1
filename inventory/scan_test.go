package inventory_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

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

// TestScanPlansKept scans devices whose rows differ in which columns are NULL, in turn and
// many times: the decoding plans kept per connection (scan.go) must serve every row as a fresh
// plan would, i.e. as the same scan inside a transaction (which plans afresh) reads it.
func TestScanPlansKept(t *testing.T) {
	t.Parallel()
	db, store, a := inventorytest.New(t)
	_, ds := inventorytest.Donation(t, store, a.Staff,
		inventorytest.Laptop("PLAN-1", inventorytest.SSD("PLAN-D1"), inventorytest.HDD("PLAN-D2")),
		inventorytest.Laptop("PLAN-2", inventorytest.SSD("PLAN-D3")))
	wiped := inventorytest.Wipe(t, store, a.Trainee, ds[0].ID) // records and a status change
	fresh := ds[1]                                             // no record: latest is NULL
	want := map[int64]*inventory.Scan{}
	err := db.App.RunInTx(context.Background(), nil, func(_ context.Context, tx bun.Tx) error {
		for _, tag := range []string{wiped.Tag, fresh.Tag} {
			sc, err := inventory.NewStore(tx).Scan(a.Staff, tag, 20)
			if err != nil {
				return err
			}
			want[sc.Device.ID] = sc
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 40 {
		tag := []string{wiped.Tag, fresh.Tag}[i%2]
		sc, err := store.Scan(a.Staff, tag, 20)
		if err != nil {
			t.Fatalf("scan %d of %s: %v", i, tag, err)
		}
		w := want[sc.Device.ID]
		if got, want := scanSummary(sc), scanSummary(w); got != want {
			t.Fatalf("scan %d of %s:\n got %s\nwant %s", i, tag, got, want)
		}
	}
}

// scanSummary is what a scan shows of a device, as text to compare.
func scanSummary(sc *inventory.Scan) string {
	s := fmt.Sprintf("%s %s v%d model=%v year=%v notes=%v;", sc.Device.Tag, sc.Device.Status, sc.Device.Version,
		deref(sc.Device.Model), deref(sc.Device.ManufactureYear), deref(sc.Device.Notes))
	for _, m := range sc.Storage {
		s += fmt.Sprintf(" medium %d %s serial=%v", m.ID, m.Kind, deref(m.SerialNumber))
		if m.Latest != nil {
			s += fmt.Sprintf(" latest %d %s %s", m.Latest.ID, m.Latest.Result, m.Latest.FinishedAt.UTC().Format(time.RFC3339Nano))
		}
		s += ";"
	}
	for _, e := range sc.Events {
		s += fmt.Sprintf(" event %d %s %s %v>%v actor=%v note=%v;", e.ID, e.Kind, e.At.UTC().Format(time.RFC3339Nano),
			deref(e.FromStatus), deref(e.ToStatus), deref(e.ActorID), deref(e.Note))
	}
	return s
}

func deref[T any](p *T) any {
	if p == nil {
		return nil
	}
	return *p
}
