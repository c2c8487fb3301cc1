package inventory_test

import (
	"errors"
	"testing"

	"github.com/digital-inclusion/refurb/inventory"
	it "github.com/digital-inclusion/refurb/inventory/inventorytest"
)

// TestRecordsCheckTheVersion sends each record a page makes (a repair, a QA check, a note, a
// wipe) with the version of a device that changed since: nothing is recorded and ErrConflict
// says so, whoever the caller. With the current version, or with 0 (no version read, as
// GraphQL's mutations send), the record is made.
func TestRecordsCheckTheVersion(t *testing.T) {
	db, store, a := setup(t)
	d := it.Device(t, store, a.Staff, it.Laptop("V1", it.SSD("SSD-V1")))
	medium := it.Media(t, store, a.Staff, d.ID)[0]
	stale := d.Version
	d, err := store.AddNote(a.Staff, d.ID, d.Version, "someone else was first")
	if err != nil {
		t.Fatal(err)
	}
	items := answers(t, store, a.Trainee, d.Kind)
	repair := func(version int) error {
		_, _, err := store.RecordRepair(a.Trainee, inventory.NewRepair{DeviceID: d.ID, Description: "hinge", Outcome: inventory.OutcomeFixed, Version: version})
		return err
	}
	qa := func(version int) error {
		_, _, err := store.RecordQACheck(a.Trainee, inventory.NewQACheck{DeviceID: d.ID, Items: items, Version: version})
		return err
	}
	note := func(version int) error {
		_, err := store.AddNote(a.Trainee, d.ID, version, "a note")
		return err
	}
	wipe := func(version int) error {
		w := it.PassingWipe(medium.ID)
		w.Method, w.Technique, w.Result, w.Version = inventory.MethodPurge, "NVMe Format (crypto erase)", inventory.ResultFailed, version
		_, _, err := store.RecordWipe(a.Trainee, w)
		return err
	}
	for _, tc := range []struct {
		name   string
		record func(version int) error
		table  string
	}{
		{"repair", repair, "repair_logs"},
		{"QA check", qa, "qa_checks"},
		{"note", note, "device_events"},
		{"wipe", wipe, "wipe_records"},
	} {
		before, events := count(t, db, tc.table), count(t, db, "device_events")
		if err := tc.record(stale); !errors.Is(err, inventory.ErrConflict) {
			t.Errorf("%s at a stale version: got %v, want ErrConflict", tc.name, err)
		}
		if got := count(t, db, tc.table); got != before {
			t.Errorf("%s at a stale version: %d rows in %s, want %d", tc.name, got, tc.table, before)
		}
		if got := count(t, db, "device_events"); got != events {
			t.Errorf("%s at a stale version: %d events, want %d", tc.name, got, events)
		}
		if got := it.Reload(t, store, a.Staff, d.ID).Version; got != d.Version {
			t.Errorf("%s at a stale version: version %d, want %d", tc.name, got, d.Version)
		}
		if err := tc.record(d.Version); err != nil {
			t.Errorf("%s at the current version: %v", tc.name, err)
		}
		d = it.Reload(t, store, a.Staff, d.ID)
		if err := tc.record(0); err != nil {
			t.Errorf("%s without a version: %v", tc.name, err)
		}
		d = it.Reload(t, store, a.Staff, d.ID)
	}
}
