package inventory_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/digital-inclusion/refurb/inventory"
	"github.com/digital-inclusion/refurb/inventory/inventorytest"
)

// The device counts that lists' totals read (device_counts, kept by triggers) equal count(*)
// after a random mix of intakes and transitions run by several clients at once, refused moves
// (rolled back) included; folding them keeps them equal; the list's totalCount and the counts
// by status agree with count(*) for the whole inventory, by status and kind, and for a donor.
func TestDeviceCountsStayExact(t *testing.T) {
	t.Parallel()
	db, store, users := inventorytest.New(t)
	staff, donor := users.Staff, users.Donated

	const clients, steps = 4, 25
	var wg sync.WaitGroup
	var moves atomic.Int64
	errs := make(chan error, clients*steps)
	for c := range clients {
		wg.Go(func() {
			r := rand.New(rand.NewPCG(uint64(c), 7))
			var mine []inventory.Device
			for i := range steps {
				if len(mine) == 0 || r.IntN(3) == 0 {
					var ds []inventory.NewDevice
					for j := range 1 + r.IntN(3) {
						ds = append(ds, inventory.NewDevice{Kind: inventory.Kinds[r.IntN(len(inventory.Kinds))], SerialNumber: fmt.Sprintf("C%d-%d-%d", c, i, j)})
					}
					var donorID *int64
					if r.IntN(2) == 0 {
						donorID = &donor.ID
					}
					_, got, err := store.RecordDonation(staff, inventory.NewDonation{DonorID: donorID, ReceivedOn: inventorytest.Today(), Devices: ds})
					if err != nil {
						errs <- fmt.Errorf("intake: %w", err)
						return
					}
					mine = append(mine, got...)
					continue
				}
				k := r.IntN(len(mine))
				d := mine[k]
				to := inventory.Transitions[d.Status]
				if len(to) == 0 {
					continue
				}
				// Moves the guards refuse (a wipe or a QA check missing) roll back: they must not count.
				moved, err := store.Transition(staff, d.ID, d.Version, to[r.IntN(len(to))], "")
				if err == nil {
					mine[k] = *moved
					moves.Add(1)
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if moves.Load() < clients {
		t.Fatalf("only %d moves succeeded: the mix tests little", moves.Load())
	}

	check := func(when string) {
		t.Helper()
		var wrong int
		if err := db.Owner.NewRaw(`SELECT count(*) FROM (SELECT status, kind, count(*) AS n FROM devices GROUP BY 1, 2) d
			FULL JOIN (SELECT status, kind, sum(n) AS n FROM device_counts GROUP BY 1, 2 HAVING sum(n) <> 0) c USING (status, kind)
			WHERE d.n IS DISTINCT FROM c.n`).Scan(context.Background(), &wrong); err != nil {
			t.Fatal(err)
		}
		if wrong != 0 {
			t.Errorf("%s: %d (status, kind) whose device_counts differ from count(*)", when, wrong)
		}
	}
	check("after the mix")
	if _, err := db.App.ExecContext(context.Background(), "SELECT refurb_fold_device_counts()"); err != nil {
		t.Fatalf("fold as the application: %v", err)
	}
	check("after folding")
	if n := count(t, db, "device_counts"); n > len(inventory.Statuses)*len(inventory.Kinds) {
		t.Errorf("after folding: %d rows, want at most one per (status, kind)", n)
	}

	total := func(ctx context.Context, f inventory.DeviceFilter) int {
		t.Helper()
		p, err := store.Devices(ctx, f, inventory.SortIntakeDesc, inventory.Page{First: 1})
		if err != nil {
			t.Fatal(err)
		}
		return p.TotalCount
	}
	want := func(where string, args ...any) int {
		t.Helper()
		var n int
		if err := db.Owner.NewRaw("SELECT count(*) FROM devices d WHERE "+where, args...).Scan(context.Background(), &n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if got, w := total(staff, inventory.DeviceFilter{}), want("true"); got != w {
		t.Errorf("totalCount: got %d, want %d", got, w)
	}
	byStatus, err := store.StatusCounts(staff)
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range inventory.Statuses {
		if got, w := total(staff, inventory.DeviceFilter{Statuses: []inventory.Status{st}}), want("status = ?", st); got != w || byStatus[st] != w {
			t.Errorf("status %s: got totalCount %d and StatusCounts %d, want %d", st, got, byStatus[st], w)
		}
	}
	f := inventory.DeviceFilter{Statuses: []inventory.Status{inventory.StatusReceived, inventory.StatusWiped}, Kinds: []inventory.Kind{inventory.KindLaptop, inventory.Kinds[1]}}
	if got, w := total(staff, f), want("status IN ('received', 'wiped') AND kind IN (?, ?)", inventory.KindLaptop, inventory.Kinds[1]); got != w {
		t.Errorf("by status and kind: got %d, want %d", got, w)
	}
	// A donor's user counts their donations' devices only, whatever device_counts holds.
	donorCtx := users.Donor
	if got, w := total(donorCtx, inventory.DeviceFilter{}), want("donation_id IN (SELECT id FROM donations WHERE donor_id = ?)", donor.ID); got != w || w == 0 {
		t.Errorf("a donor's list: got totalCount %d, want %d (their devices)", got, w)
	}
	if p, err := store.Devices(staff, inventory.DeviceFilter{}, inventory.SortIntakeDesc, inventory.Page{First: 1, SkipTotal: true}); err != nil || p.TotalCount != 0 || len(p.Devices) != 1 {
		t.Errorf("SkipTotal: got %+v %v, want one device and no count", p, err)
	}
}
