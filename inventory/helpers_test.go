package inventory_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/uptrace/bun"

	"github.com/digital-inclusion/refurb/internal/pgtest"
	"github.com/digital-inclusion/refurb/inventory"
	"github.com/digital-inclusion/refurb/inventory/inventorytest"
	"github.com/digital-inclusion/refurb/validation"
)

// wantField fails t unless err is a field error about field.
func wantField(t *testing.T, err error, field string) {
	t.Helper()
	fe, ok := validation.As(err)
	if !ok {
		t.Fatalf("got error %v, want a field error about %s", err, field)
	}
	if fe.Field != field {
		t.Fatalf("got a field error about %s (%s), want one about %s", fe.Field, fe.Message, field)
	}
}

// count returns the number of rows of table, read as the owner.
func count(t *testing.T, db *pgtest.DB, table string) int {
	t.Helper()
	n, err := db.Owner.NewSelect().Table(table).Count(context.Background())
	if err != nil {
		t.Fatalf("count %s: %v", table, err)
	}
	return int(n)
}

// counts returns the row counts of every inventory table that intake writes.
func counts(t *testing.T, db *pgtest.DB) map[string]int {
	t.Helper()
	out := map[string]int{}
	for _, table := range []string{"donations", "donation_counters", "devices", "storage_media", "device_events", "device_flags"} {
		out[table] = count(t, db, table)
	}
	return out
}

// events returns a device's events, oldest first.
func events(t *testing.T, store *inventory.Store, ctx context.Context, deviceID int64) []inventory.Event {
	t.Helper()
	es, err := store.Events(ctx, []int64{deviceID}, 1000)
	if err != nil {
		t.Fatalf("read events: %v", err)
	}
	out := es[deviceID]
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out
}

// eventKinds returns the kinds of a device's events, oldest first, with the move of status
// events (status:received>wiped).
func eventKinds(t *testing.T, store *inventory.Store, ctx context.Context, deviceID int64) []string {
	t.Helper()
	var out []string
	for _, e := range events(t, store, ctx, deviceID) {
		k := e.Kind
		if e.Kind == "status" {
			k += ":" + string(*e.FromStatus) + ">" + string(*e.ToStatus)
		}
		out = append(out, k)
	}
	return out
}

// openFlags returns the open flags of a device.
func openFlags(t *testing.T, store *inventory.Store, ctx context.Context, deviceID int64) []inventory.Flag {
	t.Helper()
	fs, err := store.OpenFlags(ctx, []int64{deviceID})
	if err != nil {
		t.Fatalf("read flags: %v", err)
	}
	var out []inventory.Flag
	for _, f := range fs[deviceID] {
		out = append(out, f.Flag)
	}
	return out
}

var _ bun.IDB = (*bun.DB)(nil)

func ptr[T any](v T) *T { return &v }

// setup gives a test its own database, store and actors.
func setup(t *testing.T) (*pgtest.DB, *inventory.Store, *inventorytest.Actors) {
	t.Helper()
	t.Parallel()
	return inventorytest.New(t)
}

func errorsIs(err, target error) bool { return errors.Is(err, target) }

// fieldOf returns the field a field error is about.
func fieldOf(err error) (string, bool) {
	fe, ok := validation.As(err)
	if !ok {
		return "", false
	}
	return fe.Field, true
}

func fmtDetail(d map[string]any) string { return fmt.Sprint(d) }
