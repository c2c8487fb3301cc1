package inventory_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/inventory"
	it "github.com/digital-inclusion/refurb/inventory/inventorytest"
)

func TestUpdateDevice(t *testing.T) {
	_, store, a := setup(t)
	_, ds := it.Donation(t, store, a.Staff, it.Laptop("UP1"), it.Laptop("UP2"))
	d := &ds[0]

	got, err := store.UpdateDevice(a.Trainee, d.ID, d.Version, inventory.DevicePatch{
		Model:          ptr("ThinkPad T480s"),
		RAMGB:          ptr(16.0),
		KeyboardLayout: ptr("ch-fr"),
		Location:       ptr("Shelf B3"),
		Make:           ptr("Lenovo"), // unchanged
		SerialNumber:   ptr(""),       // cleared
	})
	if err != nil {
		t.Fatal(err)
	}
	if *got.Model != "ThinkPad T480s" || *got.RAMGB != 16 || *got.KeyboardLayout != "CH-FR" || *got.Location != "Shelf B3" ||
		got.SerialNumber != nil || *got.Make != "Lenovo" || got.Version != d.Version+1 || got.Tag != d.Tag || got.Status != d.Status {
		t.Errorf("updated device = %+v", got)
	}
	if reread := it.Reload(t, store, a.Staff, d.ID); *reread.Model != "ThinkPad T480s" || reread.Version != got.Version {
		t.Errorf("reread device = %+v", reread)
	}
	es := events(t, store, a.Staff, d.ID)
	last := es[len(es)-1]
	fields, _ := last.Detail["fields"].([]any)
	var names []string
	for _, f := range fields {
		names = append(names, f.(string))
	}
	if want := []string{"model", "serialNumber", "ramGB", "keyboardLayout", "location"}; last.Kind != "edit" || !slices.Equal(names, want) {
		t.Errorf("edit event = %s %v, want edit %v", last.Kind, names, want)
	}
	if last.Note != nil || strings.Contains(fmtDetail(last.Detail), "Shelf") {
		t.Error("the edit event holds values")
	}

	// Nothing changed: no new version, no event.
	same, err := store.UpdateDevice(a.Trainee, d.ID, got.Version, inventory.DevicePatch{Model: ptr(" ThinkPad T480s ")})
	if err != nil || same.Version != got.Version || len(events(t, store, a.Staff, d.ID)) != len(es) {
		t.Errorf("empty change: version %d, %v", same.Version, err)
	}
	if _, err := store.UpdateDevice(a.Trainee, d.ID, d.Version, inventory.DevicePatch{Notes: ptr("late")}); !errors.Is(err, inventory.ErrConflict) {
		t.Errorf("stale version: got %v, want ErrConflict", err)
	}
	for _, tc := range []struct {
		name  string
		p     inventory.DevicePatch
		field string
	}{
		{"control character", inventory.DevicePatch{Model: ptr("T480\x7f")}, "model"},
		{"negative RAM", inventory.DevicePatch{RAMGB: ptr(-8.0)}, "ramGB"},
		{"battery 120%", inventory.DevicePatch{BatteryHealthPct: ptr(120)}, "batteryHealthPct"},
		{"grade F", inventory.DevicePatch{ConditionGrade: ptr("F")}, "conditionGrade"},
		{"year 1970", inventory.DevicePatch{ManufactureYear: ptr(1970)}, "manufactureYear"},
		{"the other device's serial", inventory.DevicePatch{SerialNumber: ptr("up2")}, "serialNumber"},
	} {
		_, err := store.UpdateDevice(a.Staff, d.ID, got.Version, tc.p)
		if f, ok := fieldOf(err); !ok || f != tc.field {
			t.Errorf("%s: got %v, want a field error about %s", tc.name, err, tc.field)
		}
	}
	if _, err := store.UpdateDevice(a.Donor, d.ID, got.Version, inventory.DevicePatch{Notes: ptr("x")}); !errors.Is(err, auth.ErrForbidden) {
		t.Errorf("donor: got %v, want ErrForbidden", err)
	}
	if reread := it.Reload(t, store, a.Staff, d.ID); reread.Version != got.Version {
		t.Errorf("refused edits changed the version to %d", reread.Version)
	}
}
