package requests_test

import (
	"context"
	"testing"

	"github.com/digital-inclusion/refurb/inventory"
	it "github.com/digital-inclusion/refurb/inventory/inventorytest"
	"github.com/digital-inclusion/refurb/requests"
	rt "github.com/digital-inclusion/refurb/requests/requeststest"
)

func TestMatches(t *testing.T) {
	t.Parallel()
	e := rt.New(t)
	laptop := func(serial, layout, os string, ram float64, battery int, grade string, made int) *inventory.Device {
		n := it.Laptop(serial, it.SSD("SSD-"+serial))
		n.KeyboardLayout, n.OSInstalled, n.RAMGB, n.BatteryHealthPct, n.ConditionGrade, n.ManufactureYear = layout, os, &ram, &battery, grade, &made
		return it.Ready(t, e.Inventory, e.Staff, it.Device(t, e.Inventory, e.Staff, n))
	}
	exact := laptop("M-EXACT", "FR", "Windows 11 Pro FR", 8, 90, "B", 2022)
	close := laptop("M-CLOSE", "CH-FR", "Linux Mint 22", 16, 95, "A", 2024)
	other := laptop("M-OTHER", "DE", "Windows 10 Pro", 32, 100, "A", 2025)
	plain := laptop("M-PLAIN", "US", "", 4, 70, "C", 2014)
	it.Device(t, e.Inventory, e.Staff, it.Laptop("M-NOTREADY", it.SSD("SSD-M-NOTREADY")))
	it.Ready(t, e.Inventory, e.Staff, it.Device(t, e.Inventory, e.Staff, inventory.NewDevice{Kind: inventory.KindTablet}))

	r := e.Approved(t, e.WorkerA, rt.Laptop("M-1")) // French, FR keyboard
	ms, err := e.Store.Matches(e.Staff, r.ID, 10)
	if err != nil {
		t.Fatal(err)
	}
	var got []int64
	for _, m := range ms {
		got = append(got, m.Device.ID)
		sum := 0
		for _, rs := range m.Reasons {
			sum += rs.Points
		}
		if sum != m.Score {
			t.Errorf("%s: reasons add up to %d, score %d: SQL and Go disagree", m.Device.Tag, sum, m.Score)
		}
		if m.Device.Kind != inventory.KindLaptop || m.Device.Status != inventory.StatusReady {
			t.Errorf("match %s is a %s %s device", m.Device.Tag, m.Device.Status, m.Device.Kind)
		}
	}
	// exact: 40 layout + 15 OS in French + 8 + 9 + 4 + 7 = 83; close: 20 + 10 + 16 + 9 + 6 + 9 = 70;
	// other: 0 + 0 + 16 + 10 + 6 + 10 = 42; plain: 0 + 0 + 4 + 7 + 2 + 0 = 13.
	if want := []int64{exact.ID, close.ID, other.ID, plain.ID}; !equal(got, want) {
		t.Errorf("order %v, want %v", got, want)
	}
	want := map[int64]int{exact.ID: 83, close.ID: 70, other.ID: 42, plain.ID: 13}
	for _, m := range ms {
		if m.Score != want[m.Device.ID] {
			t.Errorf("%s scores %d (%+v), want %d", m.Device.Tag, m.Score, m.Reasons, want[m.Device.ID])
		}
	}
	if codes := reasonCodes(ms[0].Reasons); codes[0] != "layout_exact" || codes[1] != "os_language" {
		t.Errorf("reasons of the best match: %v", codes)
	}
	if codes := reasonCodes(ms[1].Reasons); codes[0] != "layout_close" || codes[1] != "os_multilingual" {
		t.Errorf("reasons of the second: %v", codes)
	}
	// Without wishes, specs decide.
	n := rt.Laptop("M-2")
	n.Language, n.KeyboardLayout = "", ""
	r2 := e.Approved(t, e.WorkerA, n)
	ms, err = e.Store.Matches(e.Staff, r2.ID, 2)
	if err != nil || len(ms) != 2 || ms[0].Device.ID != other.ID {
		t.Errorf("without wishes: %+v, %v", ms, err)
	}
	for name, ctx := range map[string]context.Context{"worker": e.WorkerA, "donor": e.Donor, "trainee": e.Trainee} {
		if _, err := e.Store.Matches(ctx, r.ID, 5); err == nil {
			t.Errorf("%s reads matches", name)
		}
	}
	_ = requests.MaxMatches
}

func reasonCodes(rs []requests.Reason) []string {
	out := make([]string, len(rs), len(rs)+2)
	for i, r := range rs {
		out[i] = r.Code
	}
	return append(out, "", "")
}
