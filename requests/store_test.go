package requests_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/inventory"
	it "github.com/digital-inclusion/refurb/inventory/inventorytest"
	"github.com/digital-inclusion/refurb/requests"
	rt "github.com/digital-inclusion/refurb/requests/requeststest"
	"github.com/digital-inclusion/refurb/validation"
)

func wantField(t *testing.T, err error, field string) {
	t.Helper()
	fe, ok := validation.As(err)
	if !ok || fe.Field != field {
		t.Fatalf("got %v, want a field error on %s", err, field)
	}
}

func wantState(t *testing.T, err error, from, to requests.Status) {
	t.Helper()
	var se *requests.StateError
	if !errors.As(err, &se) || se.From != from || se.To != to {
		t.Fatalf("got %v, want a StateError %s -> %s", err, from, to)
	}
}

func TestSubmitFollowsThePolicy(t *testing.T) {
	t.Parallel()
	e := rt.New(t)
	for i := range 3 {
		r := rt.Submit(t, e.Store, e.WorkerA, rt.Laptop("HES-"+string(rune('1'+i))))
		if r.Status != requests.StatusSubmitted || r.PartnerID != e.PartnerA.ID || r.RequesterID != e.WorkerAUser.ID {
			t.Errorf("request %d: got %+v", i, r)
		}
	}
	_, err := e.Store.Submit(e.WorkerA, rt.Laptop("HES-4"))
	var le *requests.LimitError
	if !errors.As(err, &le) || le.Limit != 3 || !strings.Contains(err.Error(), "3 open requests") {
		t.Fatalf("fourth open request: got %v, want a LimitError naming the limit 3", err)
	}
	// Another social worker of the same organisation has their own limit.
	rt.Submit(t, e.Store, e.WorkerA2, rt.Laptop("HES-5"))
	// A closed kind is refused.
	n := rt.Laptop("HES-6")
	n.Kind = inventory.KindPrinter
	_, err = e.Store.Submit(e.WorkerB, n)
	wantField(t, err, "kind")
	// The policy changes: printers open, two open requests at most.
	if _, err := e.Store.SetPolicy(e.Staff, requests.Policy{MaxOpen: 2, RetentionDays: 365}); !errors.Is(err, auth.ErrForbidden) {
		t.Errorf("staff setting the policy: got %v, want forbidden", err)
	}
	p, err := e.Store.SetPolicy(e.Admin, requests.Policy{MaxOpen: 2, OpenKinds: []inventory.Kind{inventory.KindPrinter, inventory.KindLaptop, inventory.KindLaptop}, RetentionDays: 90})
	if err != nil || p.MaxOpen != 2 || len(p.OpenKinds) != 2 || p.OpenKinds[0] != inventory.KindLaptop || p.RetentionDays != 90 {
		t.Fatalf("set policy: got %+v, %v", p, err)
	}
	rt.Submit(t, e.Store, e.WorkerB, n)
	n.Kind = inventory.KindTablet
	_, err = e.Store.Submit(e.WorkerB, n)
	wantField(t, err, "kind")
	// Cancelling one frees a place.
	r := rt.Submit(t, e.Store, e.WorkerB, rt.Laptop("CRL-2"))
	if _, err := e.Store.Submit(e.WorkerB, rt.Laptop("CRL-3")); !errors.As(err, &le) || le.Limit != 2 {
		t.Fatalf("over the lowered limit: got %v", err)
	}
	if _, err := e.Store.Cancel(e.WorkerB, r.ID); err != nil {
		t.Fatal(err)
	}
	rt.Submit(t, e.Store, e.WorkerB, rt.Laptop("CRL-3"))

	// Staff file a walk-in: no limit, any kind, under the walk-in organisation by default.
	n.Kind = inventory.KindMonitor
	w := rt.Submit(t, e.Store, e.Staff, n)
	ps, err := e.Store.PartnersByID(e.Staff, []int64{w.PartnerID})
	if err != nil || ps[w.PartnerID] == nil || !ps[w.PartnerID].WalkIn {
		t.Errorf("walk-in filed under %v, %v; want the walk-in organisation", ps, err)
	}
	// Nobody else files requests.
	for name, ctx := range map[string]context.Context{"donor": e.Donor, "trainee": e.Trainee, "social worker without organisation": e.SocialWorker} {
		if _, err := e.Store.Submit(ctx, rt.Laptop("X-1")); !errors.Is(err, auth.ErrForbidden) {
			t.Errorf("%s submits: got %v, want forbidden", name, err)
		}
	}
	if _, err := e.Store.Submit(e.Anonymous, rt.Laptop("X-1")); !errors.Is(err, auth.ErrUnauthenticated) {
		t.Errorf("anonymous submits: got %v", err)
	}
}

// TestConcurrentSubmissionsRespectTheLimit: ten submissions at once by one social worker leave
// exactly the limit's number of open requests.
func TestConcurrentSubmissionsRespectTheLimit(t *testing.T) {
	t.Parallel()
	e := rt.New(t)
	var wg sync.WaitGroup
	var mu sync.Mutex
	ok, limited := 0, 0
	for i := range 10 {
		wg.Go(func() {
			_, err := e.Store.Submit(e.WorkerA, rt.Laptop("C-"+string(rune('A'+i))))
			mu.Lock()
			defer mu.Unlock()
			var le *requests.LimitError
			switch {
			case err == nil:
				ok++
			case errors.As(err, &le):
				limited++
			default:
				t.Errorf("submit: %v", err)
			}
		})
	}
	wg.Wait()
	if ok != 3 || limited != 7 {
		t.Errorf("got %d submitted and %d refused, want 3 and 7", ok, limited)
	}
}

func TestWhoSeesWhat(t *testing.T) {
	t.Parallel()
	e := rt.New(t)
	a1 := rt.Submit(t, e.Store, e.WorkerA, rt.Laptop("A-1"))
	a2 := rt.Submit(t, e.Store, e.WorkerA2, rt.Laptop("A-2"))
	b1 := rt.Submit(t, e.Store, e.WorkerB, rt.Laptop("B-1"))
	ids := func(ctx context.Context) []int64 {
		t.Helper()
		p, err := e.Store.Requests(ctx, requests.Filter{}, requests.Page{First: 50})
		if err != nil {
			t.Fatal(err)
		}
		var out []int64
		for _, r := range p.Requests {
			out = append(out, r.ID)
		}
		if p.TotalCount != len(out) {
			t.Errorf("total %d for %d requests", p.TotalCount, len(out))
		}
		return out
	}
	for _, tc := range []struct {
		name string
		ctx  context.Context
		want []int64
	}{
		{"worker A", e.WorkerA, []int64{a1.ID}},
		{"worker A2", e.WorkerA2, []int64{a2.ID}},
		{"coordinator A", e.CoordinatorA, []int64{a2.ID, a1.ID}},
		{"worker B", e.WorkerB, []int64{b1.ID}},
		{"staff", e.Staff, []int64{b1.ID, a2.ID, a1.ID}},
		{"admin", e.Admin, []int64{b1.ID, a2.ID, a1.ID}},
	} {
		if got := ids(tc.ctx); !equal(got, tc.want) {
			t.Errorf("%s sees %v, want %v", tc.name, got, tc.want)
		}
	}
	for name, ctx := range map[string]context.Context{"donor": e.Donor, "trainee": e.Trainee} {
		if _, err := e.Store.Requests(ctx, requests.Filter{}, requests.Page{First: 10}); !errors.Is(err, auth.ErrForbidden) {
			t.Errorf("%s lists requests: got %v, want forbidden", name, err)
		}
		if _, err := e.Store.Request(ctx, a1.ID); !errors.Is(err, auth.ErrForbidden) {
			t.Errorf("%s reads a request: got %v, want forbidden", name, err)
		}
	}
	// Another organisation's request does not exist for a social worker.
	if _, err := e.Store.Request(e.WorkerB, a1.ID); !errors.Is(err, requests.ErrNotFound) {
		t.Errorf("worker B reads A's request: got %v, want not found", err)
	}
	if _, err := e.Store.Cancel(e.WorkerB, a1.ID); !errors.Is(err, requests.ErrNotFound) {
		t.Errorf("worker B cancels A's request: got %v, want not found", err)
	}
	if _, err := e.Store.Cancel(e.WorkerA2, a1.ID); !errors.Is(err, requests.ErrNotFound) {
		t.Errorf("worker A2 cancels A1's request: got %v, want not found", err)
	}
	// The coordinator may cancel any of the organisation's.
	if r, err := e.Store.Cancel(e.CoordinatorA, a1.ID); err != nil || r.Status != requests.StatusCancelled || r.ClosedAt == nil {
		t.Errorf("coordinator cancels: got %+v, %v", r, err)
	}
	// Triage is staff's.
	for name, ctx := range map[string]context.Context{"worker": e.WorkerA, "coordinator": e.CoordinatorA, "donor": e.Donor} {
		if _, err := e.Store.Decide(ctx, a2.ID, requests.Approve, ""); !errors.Is(err, auth.ErrForbidden) {
			t.Errorf("%s decides: got %v", name, err)
		}
		if _, err := e.Store.Queue(ctx, nil, 10); !errors.Is(err, auth.ErrForbidden) {
			t.Errorf("%s reads the queue: got %v", name, err)
		}
	}
}

func equal(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestTriage(t *testing.T) {
	t.Parallel()
	e := rt.New(t)
	low := rt.Laptop("Q-LOW")
	low.Urgency = requests.UrgencyLow
	high := rt.Laptop("Q-HIGH")
	high.Urgency = requests.UrgencyHigh
	first := rt.Submit(t, e.Store, e.WorkerA, rt.Laptop("Q-1"))
	l := rt.Submit(t, e.Store, e.WorkerA, low)
	h := rt.Submit(t, e.Store, e.WorkerB, high)
	second := rt.Submit(t, e.Store, e.WorkerB, rt.Laptop("Q-2"))
	q, err := e.Store.Queue(e.Staff, nil, 10)
	if err != nil {
		t.Fatal(err)
	}
	var got []int64
	for _, r := range q {
		got = append(got, r.ID)
	}
	if want := []int64{h.ID, first.ID, second.ID, l.ID}; !equal(got, want) {
		t.Errorf("queue %v, want %v (urgency, then oldest first)", got, want)
	}

	// A reason is required for waitlisting and rejecting.
	_, err = e.Store.Decide(e.Staff, first.ID, requests.Waitlist, " ")
	wantField(t, err, "reason")
	r, err := e.Store.Decide(e.Staff, first.ID, requests.Waitlist, "no laptop with a French keyboard this month")
	if err != nil || r.Status != requests.StatusWaitlisted || *r.Reason != "no laptop with a French keyboard this month" || r.DecidedAt == nil {
		t.Fatalf("waitlist: got %+v, %v", r, err)
	}
	// The social worker sees the reason.
	seen, err := e.Store.Request(e.WorkerA, first.ID)
	if err != nil || seen.Reason == nil || !strings.Contains(*seen.Reason, "French keyboard") {
		t.Errorf("social worker reads %+v, %v", seen, err)
	}
	// Waitlisted twice: no; approved later: yes.
	_, err = e.Store.Decide(e.Staff, first.ID, requests.Waitlist, "still none")
	wantState(t, err, requests.StatusWaitlisted, requests.StatusWaitlisted)
	if r, err = e.Store.Decide(e.Staff, first.ID, requests.Approve, ""); err != nil || r.Status != requests.StatusApproved || r.Reason != nil {
		t.Fatalf("approve later: got %+v, %v", r, err)
	}
	_, err = e.Store.Decide(e.Staff, first.ID, requests.Reject, "too late")
	wantState(t, err, requests.StatusApproved, requests.StatusRejected)
	if r, err = e.Store.Decide(e.Admin, l.ID, requests.Reject, "outside the programme"); err != nil || r.Status != requests.StatusRejected || r.ClosedAt == nil {
		t.Fatalf("reject: got %+v, %v", r, err)
	}
	if _, err := e.Store.Decide(e.Staff, 999999, requests.Approve, ""); !errors.Is(err, requests.ErrNotFound) {
		t.Errorf("unknown request: got %v", err)
	}
	// Every move is recorded with who and when.
	es, err := e.Store.Events(e.WorkerA, first.ID)
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, ev := range es {
		kinds = append(kinds, ev.Kind+":"+string(*ev.ToStatus))
		if ev.ActorID == nil || ev.At.IsZero() {
			t.Errorf("event %+v without actor or time", ev)
		}
	}
	if want := "submitted:submitted decided:waitlisted decided:approved"; strings.Join(kinds, " ") != want {
		t.Errorf("events %v, want %s", kinds, want)
	}
}

func TestAllocate(t *testing.T) {
	t.Parallel()
	e := rt.New(t)
	d := e.ReadyLaptop(t, "AL1")
	submitted := rt.Submit(t, e.Store, e.WorkerA, rt.Laptop("AL-1"))
	approved := e.Approved(t, e.WorkerB, rt.Laptop("AL-2"))
	unchanged := func() {
		t.Helper()
		if got := it.Reload(t, e.Inventory, e.Staff, d.ID); got.Status != inventory.StatusReady || got.Version != d.Version {
			t.Errorf("device after a refused allocation: %s version %d, want ready version %d", got.Status, got.Version, d.Version)
		}
		if got, _ := e.Store.Request(e.Staff, approved.ID); got.Status != requests.StatusApproved || got.DeviceID != nil {
			t.Errorf("request after a refused allocation: %+v", got)
		}
	}
	// A request that is not approved.
	_, err := e.Store.Allocate(e.Staff, submitted.ID, d.ID, d.Version, nil)
	wantState(t, err, requests.StatusSubmitted, requests.StatusAllocated)
	// A device of another kind.
	tablet := it.Ready(t, e.Inventory, e.Staff, it.Device(t, e.Inventory, e.Staff, inventory.NewDevice{Kind: inventory.KindTablet, SerialNumber: "TAB1"}))
	_, err = e.Store.Allocate(e.Staff, approved.ID, tablet.ID, tablet.Version, nil)
	var ae *requests.AllocationError
	if !errors.As(err, &ae) || !strings.Contains(ae.Reason, "tablet") {
		t.Fatalf("a tablet for a laptop request: got %v", err)
	}
	// A device that is not ready.
	wiped := it.Wipe(t, e.Inventory, e.Staff, it.Device(t, e.Inventory, e.Staff, it.Laptop("AL-W", it.SSD("SSD-AL-W"))).ID)
	_, err = e.Store.Allocate(e.Staff, approved.ID, wiped.ID, wiped.Version, nil)
	if !errors.As(err, &ae) || !strings.Contains(ae.Reason, "not ready") {
		t.Fatalf("a wiped device: got %v", err)
	}
	// A stale version.
	if _, err := e.Store.Allocate(e.Staff, approved.ID, d.ID, d.Version-1, nil); !errors.Is(err, inventory.ErrConflict) {
		t.Fatalf("stale version: got %v, want a conflict", err)
	}
	unchanged()
	// Social workers do not allocate.
	if _, err := e.Store.Allocate(e.WorkerB, approved.ID, d.ID, d.Version, nil); !errors.Is(err, auth.ErrForbidden) {
		t.Errorf("social worker allocates: got %v", err)
	}
	r, err := e.Store.Allocate(e.Staff, approved.ID, d.ID, d.Version, nil)
	if err != nil {
		t.Fatal(err)
	}
	if r.Status != requests.StatusAllocated || *r.DeviceID != d.ID || *r.DeviceCycle != 1 || r.PickupOn == nil || r.AllocatedAt == nil {
		t.Errorf("allocated request: %+v", r)
	}
	if got := it.Reload(t, e.Inventory, e.Staff, d.ID); got.Status != inventory.StatusReserved || got.Version != d.Version+1 {
		t.Errorf("device: %s version %d, want reserved version %d", got.Status, got.Version, d.Version+1)
	}
	// The generic move cannot take it off the request; releasing it can.
	got := it.Reload(t, e.Inventory, e.Staff, d.ID)
	if _, err := e.Inventory.Transition(e.Staff, got.ID, got.Version, inventory.StatusReady, ""); err == nil {
		t.Error("a reserved device went back to ready without its request")
	}
	r, err = e.Store.Release(e.Staff, r.ID, false)
	if err != nil || r.Status != requests.StatusApproved || r.DeviceID != nil {
		t.Fatalf("release: got %+v, %v", r, err)
	}
	if got := it.Reload(t, e.Inventory, e.Staff, d.ID); got.Status != inventory.StatusReady {
		t.Errorf("released device is %s", got.Status)
	}
	// Allocated again, then cancelled by staff: the device goes back to ready.
	got = it.Reload(t, e.Inventory, e.Staff, d.ID)
	if r, err = e.Store.Allocate(e.Staff, r.ID, d.ID, got.Version, nil); err != nil {
		t.Fatal(err)
	}
	_, err = e.Store.Cancel(e.WorkerB, r.ID)
	wantState(t, err, requests.StatusAllocated, requests.StatusCancelled)
	if r, err = e.Store.Cancel(e.Staff, r.ID); err != nil || r.Status != requests.StatusCancelled || r.DeviceID != nil {
		t.Fatalf("staff cancel: %+v, %v", r, err)
	}
	if got := it.Reload(t, e.Inventory, e.Staff, d.ID); got.Status != inventory.StatusReady {
		t.Errorf("device of the cancelled request is %s", got.Status)
	}
}

// TestConcurrentAllocation: two staff allocate the same device to two requests at once. One
// wins; the other gets a conflict and changes nothing.
func TestConcurrentAllocation(t *testing.T) {
	t.Parallel()
	e := rt.New(t)
	for round := range 5 {
		d := e.ReadyLaptop(t, "CC"+string(rune('A'+round)))
		r1 := e.Approved(t, e.Staff, rt.Laptop("CC-1-"+string(rune('A'+round))))
		r2 := e.Approved(t, e.Admin, rt.Laptop("CC-2-"+string(rune('A'+round))))
		start := make(chan struct{})
		errs := make([]error, 2)
		var wg sync.WaitGroup
		for i, ctx := range []context.Context{e.Staff, e.Admin} {
			wg.Go(func() {
				<-start
				_, errs[i] = e.Store.Allocate(ctx, []int64{r1.ID, r2.ID}[i], d.ID, d.Version, nil)
			})
		}
		close(start)
		wg.Wait()
		won := 0
		for _, err := range errs {
			switch {
			case err == nil:
				won++
			case errors.Is(err, inventory.ErrConflict):
			default:
				t.Errorf("round %d: %v", round, err)
			}
		}
		if won != 1 {
			t.Fatalf("round %d: %d allocations won (%v), want exactly 1", round, won, errs)
		}
		got1, _ := e.Store.Request(e.Staff, r1.ID)
		got2, _ := e.Store.Request(e.Staff, r2.ID)
		if (got1.Status == requests.StatusAllocated) == (got2.Status == requests.StatusAllocated) {
			t.Errorf("round %d: requests %s and %s, want one allocated and one approved", round, got1.Status, got2.Status)
		}
		if dev := it.Reload(t, e.Inventory, e.Staff, d.ID); dev.Status != inventory.StatusReserved || dev.Version != d.Version+1 {
			t.Errorf("round %d: device %s version %d", round, dev.Status, dev.Version)
		}
	}
}

func TestHandOut(t *testing.T) {
	t.Parallel()
	e := rt.New(t)
	d := e.ReadyLaptop(t, "HO1")
	n := rt.Laptop("HO-1")
	n.Language = "ar"
	r := e.Allocated(t, e.WorkerA, n, d)

	_, err := e.Store.HandOut(e.Staff, r.ID, rt.BlankSignature(), "")
	wantField(t, err, "signature")
	_, err = e.Store.HandOut(e.Staff, r.ID, "data:image/jpeg;base64,/9j/4AAQ", "")
	wantField(t, err, "signature")
	_, err = e.Store.HandOut(e.Staff, r.ID, "aGVsbG8gd29ybGQ=", "")
	wantField(t, err, "signature")
	_, err = e.Store.HandOut(e.Staff, r.ID, "", "")
	wantField(t, err, "signature")
	// A receipt that cannot be issued undoes the hand-out.
	e.Issuer.Err = errors.New("printer on fire")
	if _, err := e.Store.HandOut(e.Staff, r.ID, rt.Signature(), ""); err == nil || !strings.Contains(err.Error(), "printer on fire") {
		t.Fatalf("failing receipt: got %v", err)
	}
	if got := it.Reload(t, e.Inventory, e.Staff, d.ID); got.Status != inventory.StatusReserved {
		t.Fatalf("device after a failed hand-out: %s, want reserved", got.Status)
	}
	e.Issuer.Err = nil
	if _, err := e.Store.HandOut(e.WorkerA, r.ID, rt.Signature(), ""); !errors.Is(err, auth.ErrForbidden) {
		t.Errorf("social worker hands out: got %v", err)
	}
	out, err := e.Store.HandOut(e.Staff, r.ID, rt.Signature(), "")
	if err != nil {
		t.Fatal(err)
	}
	if out.Status != requests.StatusHandedOut || out.HandedOutAt == nil || out.ClosedAt == nil {
		t.Errorf("handed out: %+v", out)
	}
	if got := it.Reload(t, e.Inventory, e.Staff, d.ID); got.Status != inventory.StatusHandedOut {
		t.Errorf("device: %s", got.Status)
	}
	if len(e.Issuer.Issued) != 1 || e.Issuer.Issued[0] != (rt.Issued{RequestID: r.ID, Language: "ar"}) {
		t.Errorf("receipts: %+v, want one in Arabic", e.Issuer.Issued)
	}
	rc, err := e.Store.Receipt(e.Staff, r.ID)
	if err != nil || len(rc.Signature) < 100 || rc.Partner.ID != e.PartnerA.ID || rc.SignedAt.IsZero() {
		t.Fatalf("receipt: %+v, %v", rc, err)
	}
	// Twice: the second is an invalid move, whatever it sends.
	_, err = e.Store.HandOut(e.Staff, r.ID, rt.Signature(), "")
	wantState(t, err, requests.StatusHandedOut, requests.StatusHandedOut)
	_, err = e.Store.HandOut(e.Staff, r.ID, rt.BlankSignature(), "")
	wantState(t, err, requests.StatusHandedOut, requests.StatusHandedOut)
}

// TestReturnedDeviceThroughARequest: a handed-out device comes back, starts a new cycle and must
// be wiped again before another request can have it.
func TestReturnedDeviceThroughARequest(t *testing.T) {
	t.Parallel()
	e := rt.New(t)
	d := e.ReadyLaptop(t, "RET1")
	first := e.Allocated(t, e.WorkerA, rt.Laptop("RET-1"), d)
	if _, err := e.Store.HandOut(e.Staff, first.ID, rt.Signature(), "fr"); err != nil {
		t.Fatal(err)
	}
	got := it.Reload(t, e.Inventory, e.Staff, d.ID)
	back := it.Move(t, e.Inventory, e.Staff, got, inventory.StatusReceived)
	if back.Cycle != 2 {
		t.Fatalf("returned device in cycle %d, want 2", back.Cycle)
	}
	second := e.Approved(t, e.WorkerB, rt.Laptop("RET-2"))
	_, err := e.Store.Allocate(e.Staff, second.ID, d.ID, back.Version, nil)
	var ae *requests.AllocationError
	if !errors.As(err, &ae) || !strings.Contains(ae.Reason, "received") {
		t.Fatalf("allocating a returned, unwiped device: got %v", err)
	}
	if _, err := e.Inventory.Transition(e.Staff, back.ID, back.Version, inventory.StatusReady, ""); err == nil {
		t.Fatal("a returned device became ready without a new wipe")
	}
	again := it.Ready(t, e.Inventory, e.Staff, back)
	r, err := e.Store.Allocate(e.Staff, second.ID, d.ID, again.Version, nil)
	if err != nil || *r.DeviceCycle != 2 {
		t.Fatalf("allocate in the second cycle: %+v, %v", r, err)
	}
	if _, err := e.Store.HandOut(e.Staff, second.ID, rt.Signature(), ""); err != nil {
		t.Fatal(err)
	}
	// The first request still names the device it handed out.
	if f, _ := e.Store.Request(e.Staff, first.ID); f.Status != requests.StatusHandedOut || *f.DeviceID != d.ID || *f.DeviceCycle != 1 {
		t.Errorf("first request: %+v", f)
	}
}
