package inventory_test

import (
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/inventory"
	it "github.com/digital-inclusion/refurb/inventory/inventorytest"
)

func TestDonorSeesOnlyTheirDevices(t *testing.T) {
	_, store, a := setup(t)
	other := it.Donor(t, store, a.Staff, "Autre Donateur S.à r.l.")
	_, mine := it.DonationFrom(t, store, a.Staff, &a.Donated.ID, it.Laptop("MINE1"), it.Laptop("MINE2"))
	_, theirs := it.DonationFrom(t, store, a.Staff, &other.ID, it.Laptop("THEIRS1"))
	_, anon := it.Donation(t, store, a.Staff, it.Laptop("ANON1"))

	if d, err := store.DeviceByTag(a.Donor, mine[0].Tag); err != nil || d.ID != mine[0].ID {
		t.Errorf("own device: %v, %v", d, err)
	}
	for _, d := range []inventory.Device{theirs[0], anon[0]} {
		if _, err := store.DeviceByTag(a.Donor, d.Tag); !errors.Is(err, inventory.ErrNotFound) {
			t.Errorf("another donor's device %s: got %v, want ErrNotFound", d.Tag, err)
		}
		if _, err := store.Device(a.Donor, d.ID); !errors.Is(err, inventory.ErrNotFound) {
			t.Errorf("another donor's device %d by id: got %v, want ErrNotFound", d.ID, err)
		}
	}
	page, err := store.Devices(a.Donor, inventory.DeviceFilter{}, "", inventory.Page{First: 100})
	if err != nil {
		t.Fatal(err)
	}
	if page.TotalCount != 2 || len(page.Devices) != 2 {
		t.Errorf("donor's list: %d of %d, want 2 of 2", len(page.Devices), page.TotalCount)
	}
	counts, err := store.StatusCounts(a.Donor)
	if err != nil || counts[inventory.StatusReceived] != 2 {
		t.Errorf("donor's status counts = %v, %v; want 2 received", counts, err)
	}
	repairs, err := store.Repairs(a.Donor, []int64{theirs[0].ID})
	if err != nil || len(repairs) != 0 {
		t.Errorf("another donor's repairs = %v, %v; want none", repairs, err)
	}
	// A social worker sees none of the inventory; nobody signed out sees anything.
	for _, call := range []func() error{
		func() error { _, err := store.DeviceByTag(a.SocialWorker, mine[0].Tag); return err },
		func() error {
			_, err := store.Devices(a.SocialWorker, inventory.DeviceFilter{}, "", inventory.Page{First: 10})
			return err
		},
		func() error { _, err := store.StatusCounts(a.SocialWorker); return err },
		func() error { _, err := store.QAChecks(a.SocialWorker, []int64{mine[0].ID}); return err },
	} {
		if err := call(); !errors.Is(err, auth.ErrForbidden) {
			t.Errorf("social worker: got %v, want ErrForbidden", err)
		}
	}
	if _, err := store.DeviceByTag(a.Anonymous, mine[0].Tag); !errors.Is(err, auth.ErrUnauthenticated) {
		t.Errorf("anonymous: got %v, want ErrUnauthenticated", err)
	}
	// Trainees see every device.
	if d, err := store.DeviceByTag(a.Trainee, theirs[0].Tag); err != nil || d.ID != theirs[0].ID {
		t.Errorf("trainee: %v, %v", d, err)
	}
}

func TestDeviceByTag(t *testing.T) {
	_, store, a := setup(t)
	d := it.Device(t, store, a.Staff, it.Laptop("TAG1"))
	for _, in := range []string{d.Tag, " " + d.Tag + " ", "https://refurb.example/D/" + d.Tag} {
		if got, err := store.DeviceByTag(a.Staff, in); err != nil || got.ID != d.ID {
			t.Errorf("DeviceByTag(%q) = %v, %v", in, got, err)
		}
	}
	typo := d.Tag[:len(d.Tag)-1] + string("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"[(indexOf(d.Tag[len(d.Tag)-1])+1)%36])
	if _, err := store.DeviceByTag(a.Staff, typo); err == nil {
		t.Errorf("DeviceByTag(%q) with a wrong check character found a device", typo)
	} else {
		wantField(t, err, "tag")
		if te, ok := errors.AsType[*inventory.TagError](err); !ok || te.Reason != inventory.TagBadCheck {
			t.Errorf("DeviceByTag(%q): got %v, want a TagError for a bad check character", typo, err)
		}
	}
	if _, err := store.DeviceByTag(a.Staff, inventory.FormatTag("DI", 99999)); !errors.Is(err, inventory.ErrNotFound) {
		t.Errorf("unknown tag: got %v, want ErrNotFound", err)
	}
}

func indexOf(c byte) int {
	return slices.Index([]byte("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"), c)
}

func TestDevicesFilterSearchAndPages(t *testing.T) {
	_, store, a := setup(t)
	don1, ds1 := it.Donation(t, store, a.Staff,
		inventory.NewDevice{Kind: inventory.KindLaptop, Make: "Lenovo", Model: "ThinkPad X270", SerialNumber: "PF0ABC12"},
		inventory.NewDevice{Kind: inventory.KindDesktop, Make: "HP", Model: "EliteDesk 800", SerialNumber: "CZC1234XYZ"},
		inventory.NewDevice{Kind: inventory.KindMonitor, Make: "Dell", Model: "P2419H", SerialNumber: "CN0ABC100%"},
	)
	var more []inventory.NewDevice
	for i := range 23 {
		more = append(more, inventory.NewDevice{Kind: inventory.KindSmartphone, Make: "Samsung", SerialNumber: it.Serial("R58M", i)})
	}
	_, ds2 := it.Donation(t, store, a.Staff, more...)
	_, ds3 := it.Donation(t, store, a.Staff, it.Laptop("LAST1"))
	all := append(append(slices.Clone(ds1), ds2...), ds3...)
	it.Move(t, store, a.Staff, &ds1[2], inventory.StatusWiped)

	ids := func(ds []inventory.Device) []int64 {
		var out []int64
		for _, d := range ds {
			out = append(out, d.ID)
		}
		slices.Sort(out)
		return out
	}
	list := func(f inventory.DeviceFilter) []int64 {
		t.Helper()
		page, err := store.Devices(a.Staff, f, "", inventory.Page{First: 100})
		if err != nil {
			t.Fatal(err)
		}
		if page.TotalCount != len(page.Devices) {
			t.Errorf("filter %+v: totalCount %d, %d devices", f, page.TotalCount, len(page.Devices))
		}
		return ids(page.Devices)
	}
	for _, tc := range []struct {
		name string
		f    inventory.DeviceFilter
		want []inventory.Device
	}{
		{"everything", inventory.DeviceFilter{}, all},
		{"wiped", inventory.DeviceFilter{Statuses: []inventory.Status{inventory.StatusWiped}}, ds1[2:3]},
		{"received laptops", inventory.DeviceFilter{Statuses: []inventory.Status{inventory.StatusReceived}, Kinds: []inventory.Kind{inventory.KindLaptop}}, []inventory.Device{ds1[0], ds3[0]}},
		{"laptops and desktops", inventory.DeviceFilter{Kinds: []inventory.Kind{inventory.KindLaptop, inventory.KindDesktop}}, []inventory.Device{ds1[0], ds1[1], ds3[0]}},
		{"donation", inventory.DeviceFilter{DonationID: don1.ID}, ds1},
		{"partial serial, other case", inventory.DeviceFilter{Search: "czc1234"}, ds1[1:2]},
		{"middle of a serial", inventory.DeviceFilter{Search: "0abc1"}, []inventory.Device{ds1[0], ds1[2]}},
		{"make", inventory.DeviceFilter{Search: "SAMSUNG"}, ds2},
		{"model", inventory.DeviceFilter{Search: "elitedesk"}, ds1[1:2]},
		{"tag", inventory.DeviceFilter{Search: ds3[0].Tag[3:9]}, ds3},
		{"a literal percent sign", inventory.DeviceFilter{Search: "100%"}, ds1[2:3]},
		{"a percent sign is not a wildcard", inventory.DeviceFilter{Search: "%"}, ds1[2:3]},
		{"an underscore is not a wildcard", inventory.DeviceFilter{Search: "_"}, nil},
		{"nothing", inventory.DeviceFilter{Search: "no such thing"}, nil},
	} {
		if got, want := list(tc.f), ids(tc.want); !slices.Equal(got, want) {
			t.Errorf("%s: got devices %v, want %v", tc.name, got, want)
		}
	}

	// Page through in both orders, 4 at a time: every device exactly once, in order.
	for _, sort := range []inventory.DeviceSort{inventory.SortIntakeDesc, inventory.SortTagAsc} {
		var seen []inventory.Device
		after := ""
		for pages := 0; ; pages++ {
			if pages > 20 {
				t.Fatalf("%s: too many pages", sort)
			}
			page, err := store.Devices(a.Staff, inventory.DeviceFilter{}, sort, inventory.Page{First: 4, After: after})
			if err != nil {
				t.Fatal(err)
			}
			if page.TotalCount != len(all) {
				t.Errorf("%s: totalCount %d, want %d", sort, page.TotalCount, len(all))
			}
			seen = append(seen, page.Devices...)
			if !page.HasNextPage {
				break
			}
			after = page.EndCursor
		}
		if got, want := ids(seen), ids(all); !slices.Equal(got, want) {
			t.Errorf("%s: pages gave %v, want every device once: %v", sort, got, want)
		}
		ordered := slices.IsSortedFunc(seen, func(x, y inventory.Device) int {
			if sort == inventory.SortTagAsc {
				return int(x.TagNumber - y.TagNumber)
			}
			if c := y.ReceivedAt.Compare(x.ReceivedAt); c != 0 {
				return c
			}
			return int(y.ID - x.ID)
		})
		if !ordered {
			t.Errorf("%s: pages out of order", sort)
		}
	}
	// A cursor of one order is refused by the other; bad input names the field.
	page, err := store.Devices(a.Staff, inventory.DeviceFilter{}, inventory.SortTagAsc, inventory.Page{First: 2})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		f     inventory.DeviceFilter
		sort  inventory.DeviceSort
		p     inventory.Page
		field string
	}{
		{inventory.DeviceFilter{}, inventory.SortIntakeDesc, inventory.Page{First: 2, After: page.EndCursor}, "after"},
		{inventory.DeviceFilter{}, "", inventory.Page{First: 2, After: "garbage!"}, "after"},
		{inventory.DeviceFilter{}, "", inventory.Page{First: -1}, "first"},
		{inventory.DeviceFilter{}, "", inventory.Page{First: inventory.MaxPageSize + 1}, "first"},
		{inventory.DeviceFilter{}, "name", inventory.Page{First: 2}, "sort"},
		{inventory.DeviceFilter{Statuses: []inventory.Status{"READY"}}, "", inventory.Page{First: 2}, "filter.status"},
		{inventory.DeviceFilter{Kinds: []inventory.Kind{"toaster"}}, "", inventory.Page{First: 2}, "filter.kind"},
		{inventory.DeviceFilter{Search: fmt.Sprintf("%0101d", 0)}, "", inventory.Page{First: 2}, "filter.search"},
	} {
		_, err := store.Devices(a.Staff, tc.f, tc.sort, tc.p)
		if f, ok := fieldOf(err); !ok || f != tc.field {
			t.Errorf("Devices(%+v, %q, %+v): got %v, want a field error about %s", tc.f, tc.sort, tc.p, err, tc.field)
		}
	}
}
