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

func TestRecordRepair(t *testing.T) {
	db, store, a := setup(t)
	d := it.Device(t, store, a.Staff, it.Laptop("RP1", it.HDD("HDD-RP1")))

	r, got, err := store.RecordRepair(a.Staff, inventory.NewRepair{DeviceID: d.ID, Description: " Replaced the keyboard ",
		PartsUsed: "keyboard FR", Minutes: 45, Outcome: inventory.OutcomeFixed, WorkerIDs: []int64{a.TraineeUser.ID, a.Trainee2User.ID, a.TraineeUser.ID}})
	if err != nil {
		t.Fatal(err)
	}
	if r.Description != "Replaced the keyboard" || r.RecordedBy != a.StaffUser.ID || r.Cycle != 1 || r.Outcome != "fixed" {
		t.Errorf("repair = %+v", r)
	}
	if got.Version != d.Version+1 || got.Status != inventory.StatusReceived {
		t.Errorf("device version %d status %s, want version %d, still received", got.Version, got.Status, d.Version+1)
	}
	// The trainee records their own work: they are the worker.
	if _, _, err = store.RecordRepair(a.Trainee, inventory.NewRepair{DeviceID: d.ID, Description: "Cleaned the fan", Minutes: 10, Outcome: inventory.OutcomeRepairable}); err != nil {
		t.Fatal(err)
	}
	repairs, err := store.Repairs(a.Staff, []int64{d.ID, 999999})
	if err != nil {
		t.Fatal(err)
	}
	rs := repairs[d.ID]
	if len(rs) != 2 || rs[0].Description != "Cleaned the fan" || rs[1].ID != r.ID {
		t.Fatalf("repairs = %+v, want the two, newest first", rs)
	}
	if want := []int64{a.TraineeUser.ID}; !slices.Equal(rs[0].WorkerIDs, want) {
		t.Errorf("workers of the trainee's repair = %v, want %v", rs[0].WorkerIDs, want)
	}
	if want := []int64{a.TraineeUser.ID, a.Trainee2User.ID}; !slices.Equal(rs[1].WorkerIDs, want) {
		t.Errorf("workers = %v, want %v", rs[1].WorkerIDs, want)
	}
	es := events(t, store, a.Staff, d.ID)
	if last := es[len(es)-1]; last.Kind != "repair" || *last.Note != "Cleaned the fan" || *last.ActorID != a.TraineeUser.ID {
		t.Errorf("last event = %+v, want the trainee's repair", last)
	}

	before := count(t, db, "repair_logs")
	good := inventory.NewRepair{DeviceID: d.ID, Description: "x", Minutes: 1, Outcome: inventory.OutcomeFixed}
	for _, tc := range []struct {
		name  string
		edit  func(*inventory.NewRepair)
		field string
	}{
		{"no description", func(n *inventory.NewRepair) { n.Description = "  " }, "description"},
		{"control character", func(n *inventory.NewRepair) { n.Description = "x\x1b[2J" }, "description"},
		{"negative minutes", func(n *inventory.NewRepair) { n.Minutes = -5 }, "minutes"},
		{"a week of minutes", func(n *inventory.NewRepair) { n.Minutes = 10080 }, "minutes"},
		{"unknown outcome", func(n *inventory.NewRepair) { n.Outcome = "FIXED" }, "outcome"},
		{"a donor as worker", func(n *inventory.NewRepair) { n.WorkerIDs = []int64{a.TraineeUser.ID, a.DonorUser.ID} }, "workerIDs[1]"},
		{"an unknown worker", func(n *inventory.NewRepair) { n.WorkerIDs = []int64{999999} }, "workerIDs[0]"},
	} {
		n := good
		tc.edit(&n)
		_, _, err := store.RecordRepair(a.Staff, n)
		if f, ok := fieldOf(err); !ok || f != tc.field {
			t.Errorf("%s: got %v, want a field error about %s", tc.name, err, tc.field)
		}
	}
	if _, _, err := store.RecordRepair(a.Donor, good); !errors.Is(err, auth.ErrForbidden) {
		t.Errorf("donor: got %v, want ErrForbidden", err)
	}
	if _, _, err := store.RecordRepair(a.Staff, inventory.NewRepair{DeviceID: 999999, Description: "x", Outcome: inventory.OutcomeFixed}); !errors.Is(err, inventory.ErrNotFound) {
		t.Errorf("unknown device: got %v, want ErrNotFound", err)
	}
	lost := it.Move(t, store, a.Staff, it.Reload(t, store, a.Staff, d.ID), inventory.StatusLost)
	var te *inventory.TransitionError
	if _, _, err := store.RecordRepair(a.Staff, good); !errors.As(err, &te) {
		t.Errorf("repair of a %s device: got %v, want a TransitionError", lost.Status, err)
	}
	if got := count(t, db, "repair_logs"); got != before {
		t.Errorf("%d repairs after refusals, want %d", got, before)
	}
}

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

func TestFlags(t *testing.T) {
	_, store, a := setup(t)
	d := it.Ready(t, store, a.Staff, it.Device(t, store, a.Staff, it.Laptop("FL1")))

	if _, err := store.SetFlag(a.Trainee, d.ID, d.Version-1, inventory.FlagNeedsPart, ""); !errors.Is(err, inventory.ErrConflict) {
		t.Fatalf("stale version: got %v, want ErrConflict", err)
	}
	if _, err := store.SetFlag(a.Trainee, d.ID, d.Version, "broken", ""); err == nil {
		t.Fatal("unknown flag set")
	} else {
		wantField(t, err, "flag")
	}
	// A blocking flag takes a ready device out of the allocatable pool.
	got, err := store.SetFlag(a.Trainee, d.ID, d.Version, inventory.FlagNeedsInvestigation, "smells of smoke")
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != inventory.StatusInRepair || got.Version != d.Version+1 {
		t.Errorf("after the flag: %s version %d, want in_repair version %d", got.Status, got.Version, d.Version+1)
	}
	fs, err := store.OpenFlags(a.Staff, []int64{d.ID})
	if err != nil || len(fs[d.ID]) != 1 || *fs[d.ID][0].SetBy != a.TraineeUser.ID || *fs[d.ID][0].Note != "smells of smoke" {
		t.Errorf("open flags = %+v, %v", fs, err)
	}
	// Setting it again changes nothing.
	again, err := store.SetFlag(a.Trainee, d.ID, got.Version, inventory.FlagNeedsInvestigation, "")
	if err != nil || again.Version != got.Version {
		t.Errorf("set again: version %d, %v; want unchanged %d", again.Version, err, got.Version)
	}
	if _, err := store.ClearFlag(a.Trainee, d.ID, got.Version-1, inventory.FlagNeedsInvestigation); !errors.Is(err, inventory.ErrConflict) {
		t.Errorf("stale clear: got %v, want ErrConflict", err)
	}
	got, err = store.ClearFlag(a.Trainee, d.ID, got.Version, inventory.FlagNeedsInvestigation)
	if err != nil {
		t.Fatal(err)
	}
	if flags := openFlags(t, store, a.Staff, d.ID); len(flags) != 0 {
		t.Errorf("open flags after clearing: %v", flags)
	}
	// An advisory flag leaves the status alone; only staff clear it.
	got = it.Move(t, store, a.Staff, got, inventory.StatusReady)
	if got, err = store.SetFlag(a.Staff, d.ID, got.Version, inventory.FlagOverAge, ""); err != nil || got.Status != inventory.StatusReady {
		t.Fatalf("over_age on a ready device: %v, %v", got, err)
	}
	if _, err := store.ClearFlag(a.Trainee, d.ID, got.Version, inventory.FlagOverAge); !errors.Is(err, auth.ErrForbidden) {
		t.Errorf("trainee clears over_age: got %v, want ErrForbidden", err)
	}
	if got, err = store.ClearFlag(a.Staff, d.ID, got.Version, inventory.FlagOverAge); err != nil {
		t.Fatal(err)
	}
	if _, err := store.SetFlag(a.Donor, d.ID, got.Version, inventory.FlagNeedsPart, ""); !errors.Is(err, auth.ErrForbidden) {
		t.Errorf("donor: got %v, want ErrForbidden", err)
	}
	kinds := eventKinds(t, store, a.Staff, d.ID)
	if want := []string{"flag", "status:ready>in_repair", "flag", "status:in_repair>ready", "flag", "flag"}; !slices.Equal(kinds[len(kinds)-6:], want) {
		t.Errorf("last events %v, want %v", kinds[len(kinds)-6:], want)
	}

	// wipe_failed stays while a drive lacks a passing record.
	w := it.Device(t, store, a.Staff, it.Laptop("FL2", it.HDD("HDD-FL2")))
	failed := it.PassingWipe(it.Media(t, store, a.Staff, w.ID)[0].ID)
	failed.Result = inventory.ResultFailed
	if _, w, err = store.RecordWipe(a.Trainee, failed); err != nil {
		t.Fatal(err)
	}
	var wr *inventory.WipeRequiredError
	if _, err := store.ClearFlag(a.Staff, w.ID, w.Version, inventory.FlagWipeFailed); !errors.As(err, &wr) {
		t.Errorf("clear wipe_failed with a failed drive: got %v, want WIPE_REQUIRED", err)
	}
}

func TestAddNote(t *testing.T) {
	_, store, a := setup(t)
	d := it.Device(t, store, a.Staff, it.Laptop("N1"))
	got, err := store.AddNote(a.Trainee, d.ID, "  Sticker residue on the lid  ")
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
		if _, err := store.AddNote(a.Trainee, d.ID, note); err == nil {
			t.Errorf("note %.20q accepted", note)
		} else {
			wantField(t, err, "note")
		}
	}
	if _, err := store.AddNote(a.Donor, d.ID, "hello"); !errors.Is(err, auth.ErrForbidden) {
		t.Errorf("donor: got %v, want ErrForbidden", err)
	}
	if _, err := store.AddNote(a.Staff, 999999, "hello"); !errors.Is(err, inventory.ErrNotFound) {
		t.Errorf("unknown device: got %v, want ErrNotFound", err)
	}
}

func TestAddStorage(t *testing.T) {
	_, store, a := setup(t)
	d := it.Move(t, store, a.Staff, it.Device(t, store, a.Staff, inventory.NewDevice{Kind: inventory.KindDesktop}), inventory.StatusWiped)
	d = it.QA(t, store, a.Trainee, d, true)

	// A drive fitted to a wiped device: it is repair work, and the drive must be wiped.
	m, got, err := store.AddStorage(a.Trainee, d.ID, inventory.NewStorage{Kind: inventory.StorageSSD, SerialNumber: "NEW-SSD", CapacityGB: ptr(240.0)})
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != inventory.StatusInRepair || got.Version != d.Version+1 || m.DeviceID != d.ID {
		t.Errorf("after adding a drive: %s version %d, want in_repair version %d", got.Status, got.Version, d.Version+1)
	}
	kinds := eventKinds(t, store, a.Staff, d.ID)
	if want := []string{"storage", "status:wiped>in_repair"}; !slices.Equal(kinds[len(kinds)-2:], want) {
		t.Errorf("last events %v, want %v", kinds[len(kinds)-2:], want)
	}
	_, err = store.Transition(a.Staff, d.ID, got.Version, inventory.StatusReady, "")
	var wr *inventory.WipeRequiredError
	if !errors.As(err, &wr) || !slices.Equal(wr.Serials, []string{"NEW-SSD"}) {
		t.Errorf("ready with the new drive unwiped: got %v, want WIPE_REQUIRED naming NEW-SSD", err)
	}
	got = it.Wipe(t, store, a.Trainee, d.ID)
	if got.Status != inventory.StatusInRepair {
		t.Errorf("after wiping the new drive: %s, want still in_repair", got.Status)
	}
	got = it.Move(t, store, a.Trainee, got, inventory.StatusReady)

	for _, tc := range []struct {
		name  string
		n     inventory.NewStorage
		field string
	}{
		{"a serial already recorded", inventory.NewStorage{Kind: inventory.StorageHDD, SerialNumber: "new-ssd"}, "serialNumber"},
		{"unknown kind", inventory.NewStorage{Kind: "floppy"}, "kind"},
		{"negative capacity", inventory.NewStorage{Kind: inventory.StorageHDD, CapacityGB: ptr(-1.0)}, "capacityGB"},
	} {
		other := it.Device(t, store, a.Staff, inventory.NewDevice{Kind: inventory.KindDesktop})
		_, _, err := store.AddStorage(a.Staff, other.ID, tc.n)
		if f, ok := fieldOf(err); !ok || f != tc.field {
			t.Errorf("%s: got %v, want a field error about %s", tc.name, err, tc.field)
		}
	}
	// A ready device is refused: take it to in_repair first.
	var te *inventory.TransitionError
	if _, _, err := store.AddStorage(a.Staff, got.ID, inventory.NewStorage{Kind: inventory.StorageHDD}); !errors.As(err, &te) {
		t.Errorf("drive added to a ready device: got %v, want a TransitionError", err)
	}
	if _, _, err := store.AddStorage(a.Donor, got.ID, inventory.NewStorage{Kind: inventory.StorageHDD}); !errors.Is(err, auth.ErrForbidden) {
		t.Errorf("donor: got %v, want ErrForbidden", err)
	}
}

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
