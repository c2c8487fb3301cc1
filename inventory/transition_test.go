package inventory_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/inventory"
	it "github.com/digital-inclusion/refurb/inventory/inventorytest"
)

func wantTransitionError(t *testing.T, err error, from, to inventory.Status) *inventory.TransitionError {
	t.Helper()
	var te *inventory.TransitionError
	if !errors.As(err, &te) {
		t.Fatalf("got error %v, want a TransitionError %s -> %s", err, from, to)
	}
	if te.From != from || te.To != to {
		t.Fatalf("got TransitionError %s -> %s (%s), want %s -> %s", te.From, te.To, te.Reason, from, to)
	}
	return te
}

func TestTransitionLifecycleAndGuards(t *testing.T) {
	_, store, a := setup(t)
	d := it.Device(t, store, a.Staff, it.Laptop("T1", it.HDD("HDD-T1")))
	medium := it.Media(t, store, a.Staff, d.ID)[0]

	// Moves the lifecycle does not have.
	for _, to := range []inventory.Status{inventory.StatusReady, inventory.StatusReserved, inventory.StatusHandedOut, inventory.StatusInRepair, inventory.StatusReceived} {
		_, err := store.Transition(a.Staff, d.ID, d.Version, to, "")
		wantTransitionError(t, err, inventory.StatusReceived, to)
	}
	_, err := store.Transition(a.Staff, d.ID, d.Version, "shipped", "")
	wantField(t, err, "to")

	// Leaving before the drive is sanitized: refused, naming the drive.
	for _, to := range []inventory.Status{inventory.StatusRecycled, inventory.StatusDismantled, inventory.StatusWiped} {
		_, err = store.Transition(a.Staff, d.ID, d.Version, to, "")
		var wr *inventory.WipeRequiredError
		if !errors.As(err, &wr) {
			t.Fatalf("move to %s: got %v, want a WipeRequiredError", to, err)
		}
		if !slices.Equal(wr.MediumIDs, []int64{medium.ID}) || !slices.Equal(wr.Serials, []string{"HDD-T1"}) || wr.DeviceTag != d.Tag {
			t.Errorf("WipeRequiredError = %+v, want medium %d (HDD-T1) of %s", wr, medium.ID, d.Tag)
		}
		if !strings.Contains(err.Error(), "HDD-T1") {
			t.Errorf("error %q does not name the drive", err)
		}
	}
	// Lost needs no wipe; found again, it starts a new cycle.
	lost := it.Move(t, store, a.Staff, d, inventory.StatusLost)
	found := it.Move(t, store, a.Staff, lost, inventory.StatusReceived)
	if found.Cycle != 2 || found.Version != d.Version+2 {
		t.Errorf("found again: cycle %d version %d, want cycle 2 version %d", found.Cycle, found.Version, d.Version+2)
	}

	// Nobody outside the workshop moves devices; a trainee does not decide where they go.
	d = it.Wipe(t, store, a.Trainee, d.ID)
	if d.Status != inventory.StatusWiped {
		t.Fatalf("after the wipe: %s, want wiped", d.Status)
	}
	for _, tc := range []struct {
		ctx  context.Context
		to   inventory.Status
		want error
	}{
		{a.Trainee, inventory.StatusRecycled, auth.ErrForbidden},
		{a.Trainee, inventory.StatusDismantled, auth.ErrForbidden},
		{a.Trainee, inventory.StatusLost, auth.ErrForbidden},
		{a.Donor, inventory.StatusInRepair, auth.ErrForbidden},
		{a.SocialWorker, inventory.StatusInRepair, auth.ErrForbidden},
		{a.Anonymous, inventory.StatusInRepair, auth.ErrUnauthenticated},
	} {
		if _, err := store.Transition(tc.ctx, d.ID, d.Version, tc.to, ""); !errors.Is(err, tc.want) {
			t.Errorf("move to %s: got %v, want %v", tc.to, err, tc.want)
		}
	}

	// Ready needs a passed QA check and no blocking flag.
	_, err = store.Transition(a.Staff, d.ID, d.Version, inventory.StatusReady, "")
	if te := wantTransitionError(t, err, inventory.StatusWiped, inventory.StatusReady); !strings.Contains(te.Reason, "QA") {
		t.Errorf("reason %q does not mention QA", te.Reason)
	}
	d = it.QA(t, store, a.Trainee, d, false)
	_, err = store.Transition(a.Staff, d.ID, d.Version, inventory.StatusReady, "")
	wantTransitionError(t, err, inventory.StatusWiped, inventory.StatusReady)
	d = it.QA(t, store, a.Trainee, d, true)
	if d, err = store.SetFlag(a.Trainee, d.ID, d.Version, inventory.FlagNeedsPart, "charger missing"); err != nil {
		t.Fatal(err)
	}
	_, err = store.Transition(a.Trainee, d.ID, d.Version, inventory.StatusReady, "")
	if te := wantTransitionError(t, err, inventory.StatusWiped, inventory.StatusReady); !strings.Contains(te.Reason, "needs_part") {
		t.Errorf("reason %q does not name the flag", te.Reason)
	}
	if d, err = store.ClearFlag(a.Trainee, d.ID, d.Version, inventory.FlagNeedsPart); err != nil {
		t.Fatal(err)
	}
	// over_age only advises.
	if d, err = store.SetFlag(a.Staff, d.ID, d.Version, inventory.FlagOverAge, ""); err != nil {
		t.Fatal(err)
	}
	// A stale version changes nothing.
	if _, err := store.Transition(a.Trainee, d.ID, d.Version-1, inventory.StatusReady, ""); !errors.Is(err, inventory.ErrConflict) {
		t.Fatalf("stale version: got %v, want ErrConflict", err)
	}
	ready, err := store.Transition(a.Trainee, d.ID, d.Version, inventory.StatusReady, "  checked twice  ")
	if err != nil {
		t.Fatalf("move to ready: %v", err)
	}
	if ready.Status != inventory.StatusReady || ready.Version != d.Version+1 {
		t.Errorf("got %s version %d, want ready version %d", ready.Status, ready.Version, d.Version+1)
	}
	es := events(t, store, a.Staff, d.ID)
	last := es[len(es)-1]
	if last.Kind != "status" || *last.FromStatus != inventory.StatusWiped || *last.ToStatus != inventory.StatusReady ||
		*last.ActorID != a.TraineeUser.ID || last.Note == nil || *last.Note != "checked twice" {
		t.Errorf("last event = %+v, want status wiped -> ready by the trainee, note \"checked twice\"", last)
	}
	if _, err := store.Transition(a.Staff, 999999, 1, inventory.StatusLost, ""); !errors.Is(err, inventory.ErrNotFound) {
		t.Errorf("unknown device: got %v, want ErrNotFound", err)
	}
}

// TestConcurrentTransitions makes 50 moves of one device at once, all from the same version:
// exactly one wins, the others are told the device changed, and the history has one new event.
func TestConcurrentTransitions(t *testing.T) {
	_, store, a := setup(t)
	d := it.Move(t, store, a.Staff, it.Device(t, store, a.Staff, inventory.NewDevice{Kind: inventory.KindMonitor}), inventory.StatusWiped)
	before := len(events(t, store, a.Staff, d.ID))
	const n = 50
	errs := make([]error, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			to := inventory.StatusInRepair
			if i%2 == 1 {
				to = inventory.StatusLost
			}
			<-start
			_, errs[i] = store.Transition(a.Staff, d.ID, d.Version, to, "")
		})
	}
	close(start)
	wg.Wait()
	var ok, conflicts int
	for _, err := range errs {
		switch {
		case err == nil:
			ok++
		case errors.Is(err, inventory.ErrConflict):
			conflicts++
		default:
			t.Errorf("unexpected error: %v", err)
		}
	}
	if ok != 1 || conflicts != n-1 {
		t.Errorf("%d succeeded and %d conflicted, want 1 and %d", ok, conflicts, n-1)
	}
	if after := len(events(t, store, a.Staff, d.ID)); after != before+1 {
		t.Errorf("%d new events, want 1", after-before)
	}
	if got := it.Reload(t, store, a.Staff, d.ID); got.Version != d.Version+1 {
		t.Errorf("version %d, want %d", got.Version, d.Version+1)
	}
}

// TestDatabaseGuardsTheLifecycle updates devices directly as the application role: the
// trigger refuses what the lifecycle does not allow, whatever code runs the UPDATE.
func TestDatabaseGuardsTheLifecycle(t *testing.T) {
	db, store, a := setup(t)
	ctx := context.Background()
	d := it.Device(t, store, a.Staff, it.Laptop("DB1", it.HDD("HDD-DB1")))
	bare := it.Move(t, store, a.Staff, it.Device(t, store, a.Staff, inventory.NewDevice{Kind: inventory.KindMonitor}), inventory.StatusWiped)
	for _, tc := range []struct {
		name string
		sql  string
		id   int64
		code string
	}{
		{"received to handed_out", "UPDATE devices SET status = 'handed_out' WHERE id = ?", d.ID, "RF001"},
		{"received to recycled with an unsanitized drive", "UPDATE devices SET status = 'recycled' WHERE id = ?", d.ID, "RF002"},
		{"wiped to ready without QA", "UPDATE devices SET status = 'ready' WHERE id = ?", bare.ID, "RF003"},
		{"cycle moved by hand", "UPDATE devices SET cycle = cycle + 1 WHERE id = ?", d.ID, "RF001"},
		{"unknown status", "UPDATE devices SET status = 'shipped' WHERE id = ?", d.ID, "RF001"},
	} {
		_, err := db.App.NewRaw(tc.sql, tc.id).Exec(ctx)
		var pgErr *pgconn.PgError
		if !errors.As(err, &pgErr) || pgErr.Code != tc.code {
			t.Errorf("%s: got %v, want SQLSTATE %s", tc.name, err, tc.code)
		}
	}
	if got := it.Reload(t, store, a.Staff, d.ID); got.Status != inventory.StatusReceived || got.Cycle != 1 {
		t.Errorf("device is %s in cycle %d, want received in cycle 1", got.Status, got.Cycle)
	}
	// An allowed move by hand passes the trigger, but cannot take the cycle with it.
	if _, err := db.App.NewRaw("UPDATE devices SET status = 'lost', cycle = 7 WHERE id = ?", d.ID).Exec(ctx); err != nil {
		t.Errorf("received to lost: %v", err)
	}
	if _, err := db.App.NewRaw("UPDATE devices SET status = 'received', cycle = 1 WHERE id = ?", d.ID).Exec(ctx); err != nil {
		t.Errorf("lost to received: %v", err)
	}
	if got := it.Reload(t, store, a.Staff, d.ID); got.Status != inventory.StatusReceived || got.Cycle != 2 {
		t.Errorf("device is %s in cycle %d, want received in cycle 2", got.Status, got.Cycle)
	}
}

// TestReservingGoesThroughARequest: the generic move refuses to reserve or hand out a device,
// with a reason that says where it goes, and so does the database, whatever code updates it.
func TestReservingGoesThroughARequest(t *testing.T) {
	db, store, a := setup(t)
	d := it.Ready(t, store, a.Staff, it.Device(t, store, a.Staff, it.Laptop("RQ1", it.HDD("HDD-RQ1"))))
	_, err := store.Transition(a.Staff, d.ID, d.Version, inventory.StatusReserved, "")
	if te := wantTransitionError(t, err, inventory.StatusReady, inventory.StatusReserved); !strings.Contains(te.Reason, "goes through a device request") {
		t.Errorf("reason %q, want it to say that reserving goes through a device request", te.Reason)
	}
	_, err = db.App.NewRaw("UPDATE devices SET status = 'reserved' WHERE id = ?", d.ID).Exec(context.Background())
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) || pgErr.Code != "RF021" {
		t.Errorf("reserving by hand: got %v, want SQLSTATE RF021", err)
	}
	if !inventory.ThroughRequest(inventory.StatusReady, inventory.StatusReserved) || !inventory.ThroughRequest(inventory.StatusReserved, inventory.StatusHandedOut) ||
		!inventory.ThroughRequest(inventory.StatusReserved, inventory.StatusLost) || inventory.ThroughRequest(inventory.StatusHandedOut, inventory.StatusReceived) {
		t.Error("ThroughRequest: reserving, handing out and leaving reserved go through a request; a return does not")
	}
}

func TestAllowedTransitions(t *testing.T) {
	_, store, a := setup(t)
	d := it.Device(t, store, a.Staff, it.Laptop("AT1", it.HDD("HDD-AT1")))
	allowed := func(ctx context.Context, d *inventory.Device) []inventory.Status {
		t.Helper()
		m, err := store.AllowedTransitions(ctx, []*inventory.Device{d})
		if err != nil {
			t.Fatal(err)
		}
		return m[d.ID]
	}
	check := func(name string, got, want []inventory.Status) {
		t.Helper()
		if !slices.Equal(got, want) {
			t.Errorf("%s: allowed %v, want %v", name, got, want)
		}
	}
	check("staff, unsanitized", allowed(a.Staff, d), []inventory.Status{inventory.StatusLost})
	check("trainee, unsanitized", allowed(a.Trainee, d), []inventory.Status{})
	check("donor", allowed(a.Donor, d), nil)
	d = it.Wipe(t, store, a.Trainee, d.ID)
	check("staff, wiped", allowed(a.Staff, d), []inventory.Status{inventory.StatusInRepair, inventory.StatusRecycled, inventory.StatusDismantled, inventory.StatusLost})
	d = it.QA(t, store, a.Trainee, d, true)
	check("staff, QA passed", allowed(a.Staff, d), []inventory.Status{inventory.StatusInRepair, inventory.StatusReady, inventory.StatusRecycled, inventory.StatusDismantled, inventory.StatusLost})
	check("trainee, QA passed", allowed(a.Trainee, d), []inventory.Status{inventory.StatusInRepair, inventory.StatusReady})
	// Reserving goes through a device request: never offered here.
	d = it.Move(t, store, a.Staff, d, inventory.StatusReady)
	check("staff, ready", allowed(a.Staff, d), []inventory.Status{inventory.StatusInRepair, inventory.StatusRecycled, inventory.StatusDismantled, inventory.StatusLost})
	if m, err := store.AllowedTransitions(a.Staff, nil); err != nil || len(m) != 0 {
		t.Errorf("no devices: %v, %v", m, err)
	}
}
