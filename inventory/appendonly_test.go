package inventory_test

import (
	"context"
	"errors"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	it "github.com/digital-inclusion/refurb/inventory/inventorytest"
)

// TestEvidenceIsAppendOnly: the application role can add events, wipe records and QA checks
// but never change or delete them, whatever code it runs.
func TestEvidenceIsAppendOnly(t *testing.T) {
	db, store, a := setup(t)
	d := it.Device(t, store, a.Staff, it.Laptop("AO1", it.HDD("HDD-AO1")))
	d = it.Wipe(t, store, a.Trainee, d.ID)
	it.QA(t, store, a.Trainee, d, true)
	ctx := context.Background()
	for table, column := range map[string]string{"device_events": "note", "wipe_records": "technique", "qa_checks": "passed",
		"repair_logs": "description", "repair_workers": "user_id", "storage_media": "serial_number"} {
		for _, stmt := range []string{
			"UPDATE " + table + " SET " + column + " = " + column,
			"DELETE FROM " + table,
			"TRUNCATE " + table + " CASCADE",
		} {
			_, err := db.App.ExecContext(ctx, stmt)
			var pgErr *pgconn.PgError
			if !errors.As(err, &pgErr) || pgErr.Code != "42501" {
				t.Errorf("%s as the app role: got %v, want permission denied (42501)", stmt, err)
			}
		}
	}
	for table, want := range map[string]int{"device_events": 4, "wipe_records": 1, "qa_checks": 1} {
		if got := count(t, db, table); got != want {
			t.Errorf("%s has %d rows, want %d", table, got, want)
		}
	}
	// Reads still work.
	if es, err := store.Events(a.Staff, []int64{d.ID}, 10); err != nil || len(es[d.ID]) != 4 {
		t.Errorf("events = %v, %v", es, err)
	}
}
