package inventory_test

import (
	"context"
	"errors"
	"testing"

	"github.com/digital-inclusion/refurb/inventory"
	"github.com/digital-inclusion/refurb/inventory/inventorytest"
)

// A checked asset list is taken back once, by its uploader, for its donation, through any
// store on the database (another instance); an expired one is never taken and is purged.
func TestHeldImports(t *testing.T) {
	t.Parallel()
	db, store, a := inventorytest.New(t)
	don, _ := inventorytest.Donation(t, store, a.Staff, inventorytest.Laptop("HELD-1"))
	other, _ := inventorytest.Donation(t, store, a.Staff, inventorytest.Laptop("HELD-2"))
	token, err := store.HoldImport(a.Staff, don.ID, "list.csv", []byte("serial\nA1\n"))
	if err != nil {
		t.Fatal(err)
	}
	elsewhere := inventory.NewStore(db.App) // as another instance would
	if _, err := elsewhere.TakeImport(a.Admin, token, don.ID); !errors.Is(err, inventory.ErrNotFound) {
		t.Errorf("another user: got %v, want ErrNotFound", err)
	}
	if _, err := elsewhere.TakeImport(a.Staff, token, other.ID); !errors.Is(err, inventory.ErrNotFound) {
		t.Errorf("another donation: got %v, want ErrNotFound", err)
	}
	h, err := elsewhere.TakeImport(a.Staff, token, don.ID)
	if err != nil || h.Filename != "list.csv" || string(h.Data) != "serial\nA1\n" {
		t.Fatalf("the uploader: got %+v %v, want the file", h, err)
	}
	if _, err := store.TakeImport(a.Staff, token, don.ID); !errors.Is(err, inventory.ErrNotFound) {
		t.Errorf("taken twice: got %v, want ErrNotFound", err)
	}

	old, err := store.HoldImport(a.Staff, don.ID, "old.csv", []byte("x"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Owner.ExecContext(context.Background(), "UPDATE held_imports SET expires_at = now() - interval '1 second'"); err != nil {
		t.Fatal(err)
	}
	if _, err := store.TakeImport(a.Staff, old, don.ID); !errors.Is(err, inventory.ErrNotFound) {
		t.Errorf("expired: got %v, want ErrNotFound", err)
	}
	if n, err := inventory.PurgeHeldImports(context.Background(), db.App); err != nil || n != 1 {
		t.Errorf("purge: got %d, %v; want 1", n, err)
	}
}
