package inventory_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/inventory"
	it "github.com/digital-inclusion/refurb/inventory/inventorytest"
)

// answers answers a checklist: every item passes but those named in failing.
func answers(t *testing.T, store *inventory.Store, ctx context.Context, kind inventory.Kind, failing ...string) []inventory.QAItem {
	t.Helper()
	template, err := store.QATemplate(ctx, kind)
	if err != nil {
		t.Fatal(err)
	}
	var items []inventory.QAItem
	for _, item := range template {
		items = append(items, inventory.QAItem{Key: item.Key, Passed: !slices.Contains(failing, item.Key)})
	}
	return items
}

func TestRecordQACheck(t *testing.T) {
	db, store, a := setup(t)
	weak := inventory.NewDevice{Kind: inventory.KindLaptop, SerialNumber: "QA1", BatteryHealthPct: ptr(55)}
	d := it.Device(t, store, a.Staff, weak)

	template, err := store.QATemplate(a.Trainee, inventory.KindLaptop)
	if err != nil {
		t.Fatal(err)
	}
	if len(template) < 5 || template[0].Key != "boots" || template[0].Label == "" || !slices.ContainsFunc(template, func(i inventory.QAItem) bool { return i.Key == "battery" }) {
		t.Errorf("laptop template = %+v", template)
	}
	if _, err := store.QATemplate(a.Trainee, "toaster"); err == nil {
		t.Error("template of an unknown kind")
	}

	// Everything ticked, but the battery is at 55% and the minimum is 70%.
	q, got, err := store.RecordQACheck(a.Trainee, inventory.NewQACheck{DeviceID: d.ID, Items: answers(t, store, a.Trainee, d.Kind), VerifiedBy: &a.StaffUser.ID})
	if err != nil {
		t.Fatal(err)
	}
	if q.Passed {
		t.Error("check passed with a 55% battery")
	}
	for _, item := range q.Items {
		if item.Label == "" {
			t.Errorf("item %s has no label", item.Key)
		}
		if got, want := item.Passed, item.Key != "battery"; got != want {
			t.Errorf("item %s passed = %v, want %v", item.Key, got, want)
		}
		if item.Key == "battery" && !strings.Contains(item.Note, "55%") {
			t.Errorf("battery note %q does not say why", item.Note)
		}
	}
	if q.PerformedBy != a.TraineeUser.ID || *q.VerifiedBy != a.StaffUser.ID || got.Version != d.Version+1 {
		t.Errorf("check by %d verified by %d, device version %d", q.PerformedBy, *q.VerifiedBy, got.Version)
	}
	// With a new battery it passes.
	if _, err = store.UpdateDevice(a.Trainee, d.ID, got.Version, inventory.DevicePatch{BatteryHealthPct: ptr(96)}); err != nil {
		t.Fatal(err)
	}
	q2, _, err := store.RecordQACheck(a.Trainee2, inventory.NewQACheck{DeviceID: d.ID, Items: answers(t, store, a.Trainee, d.Kind), Note: "new battery"})
	if err != nil || !q2.Passed {
		t.Fatalf("second check: %+v, %v; want passed", q2, err)
	}
	checks, err := store.QAChecks(a.Staff, []int64{d.ID})
	if err != nil || len(checks[d.ID]) != 2 || checks[d.ID][0].ID != q2.ID || checks[d.ID][1].ID != q.ID {
		t.Errorf("QAChecks = %+v, %v; want both, newest first", checks, err)
	}
	if kinds := eventKinds(t, store, a.Staff, d.ID); !slices.Equal(kinds, []string{"intake", "qa", "edit", "qa"}) {
		t.Errorf("events %v", kinds)
	}

	before := count(t, db, "qa_checks")
	full := answers(t, store, a.Trainee, d.Kind)
	for _, tc := range []struct {
		name  string
		n     inventory.NewQACheck
		field string
		names string
	}{
		{"an item missing", inventory.NewQACheck{DeviceID: d.ID, Items: slices.DeleteFunc(slices.Clone(full), func(i inventory.QAItem) bool { return i.Key == "wifi" })}, "items", "wifi"},
		{"an unknown item", inventory.NewQACheck{DeviceID: d.ID, Items: append(slices.Clone(full), inventory.QAItem{Key: "smell", Passed: true})}, "items[9].key", "smell"},
		{"a tablet's item", inventory.NewQACheck{DeviceID: d.ID, Items: append(slices.Clone(full[1:]), inventory.QAItem{Key: "touch", Passed: true})}, "items[8].key", "touch"},
		{"an item twice", inventory.NewQACheck{DeviceID: d.ID, Items: append(slices.Clone(full), full[0])}, "items[9].key", "boots"},
		{"no items", inventory.NewQACheck{DeviceID: d.ID}, "items", "boots"},
		{"self-verified", inventory.NewQACheck{DeviceID: d.ID, Items: full, VerifiedBy: &a.TraineeUser.ID}, "verifiedBy", ""},
		{"verified by a donor", inventory.NewQACheck{DeviceID: d.ID, Items: full, VerifiedBy: &a.DonorUser.ID}, "verifiedBy", ""},
		{"control character in a note", inventory.NewQACheck{DeviceID: d.ID, Items: full, Note: "ok\x00"}, "note", ""},
	} {
		_, _, err := store.RecordQACheck(a.Trainee, tc.n)
		if f, ok := fieldOf(err); !ok || f != tc.field || !strings.Contains(err.Error(), tc.names) {
			t.Errorf("%s: got %v, want a field error about %s naming %q", tc.name, err, tc.field, tc.names)
		}
	}
	if _, _, err := store.RecordQACheck(a.Donor, inventory.NewQACheck{DeviceID: d.ID, Items: full}); !errors.Is(err, auth.ErrForbidden) {
		t.Errorf("donor: got %v, want ErrForbidden", err)
	}
	if got := count(t, db, "qa_checks"); got != before {
		t.Errorf("%d QA checks after refusals, want %d", got, before)
	}
}

func TestFailedQASendsAReadyDeviceBack(t *testing.T) {
	_, store, a := setup(t)
	d := it.Ready(t, store, a.Staff, it.Device(t, store, a.Staff, inventory.NewDevice{Kind: inventory.KindTablet}))
	q, got, err := store.RecordQACheck(a.Trainee, inventory.NewQACheck{DeviceID: d.ID, Items: answers(t, store, a.Trainee, d.Kind, "touch")})
	if err != nil {
		t.Fatal(err)
	}
	if q.Passed || got.Status != inventory.StatusInRepair {
		t.Errorf("after a failed check: passed %v, status %s; want failed, in_repair", q.Passed, got.Status)
	}
	kinds := eventKinds(t, store, a.Staff, d.ID)
	if want := []string{"qa", "status:ready>in_repair"}; !slices.Equal(kinds[len(kinds)-2:], want) {
		t.Errorf("last events %v, want %v", kinds[len(kinds)-2:], want)
	}
}
