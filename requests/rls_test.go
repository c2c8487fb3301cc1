package requests_test

import (
	"context"
	"errors"
	"strconv"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/uptrace/bun"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/inventory"
	it "github.com/digital-inclusion/refurb/inventory/inventorytest"
	"github.com/digital-inclusion/refurb/requests"
	rt "github.com/digital-inclusion/refurb/requests/requeststest"
)

// TestRowLevelSecurity queries the request tables through the application role, as a resolver
// with a bug would: with no acting user set, and with a forged one, PostgreSQL returns none of
// another organisation's rows.
func TestRowLevelSecurity(t *testing.T) {
	t.Parallel()
	e := rt.New(t)
	d := e.ReadyLaptop(t, "RLS1")
	a := e.Allocated(t, e.WorkerA, rt.Laptop("RLS-A"), d)
	if _, err := e.Store.HandOut(e.Staff, a.ID, rt.Signature(), ""); err != nil {
		t.Fatal(err)
	}
	rt.Submit(t, e.Store, e.WorkerB, rt.Laptop("RLS-B"))
	ctx := context.Background()
	// count counts the rows of table that the application role sees in a transaction that sets
	// settings first (nil: none set).
	count := func(settings map[string]string, table string) int {
		t.Helper()
		var n int
		err := e.DB.App.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
			for k, v := range settings {
				if _, err := tx.ExecContext(ctx, "SELECT set_config(?, ?, true)", k, v); err != nil {
					return err
				}
			}
			return tx.NewRaw("SELECT count(*) FROM "+table).Scan(ctx, &n)
		})
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	tables := []string{"device_requests", "device_request_events", "device_request_signatures"}
	for _, table := range tables {
		if n := count(nil, table); n != 0 {
			t.Errorf("%s with no acting user: %d rows, want 0", table, n)
		}
		if n := count(map[string]string{"refurb.role": "donor", "refurb.user_id": "1"}, table); n != 0 {
			t.Errorf("%s as a donor: %d rows, want 0", table, n)
		}
	}
	// A social worker's id forged into another's transaction sees that worker's rows only: B's
	// request never shows up with A's id, and an unknown id sees nothing.
	forged := map[string]string{"refurb.role": "social_worker", "refurb.user_id": "999999"}
	for _, table := range tables {
		if n := count(forged, table); n != 0 {
			t.Errorf("%s with a forged user id: %d rows, want 0", table, n)
		}
	}
	asA := map[string]string{"refurb.role": "social_worker", "refurb.user_id": itoa(e.WorkerAUser.ID), "refurb.partner_id": itoa(e.PartnerA.ID)}
	if n := count(asA, "device_requests"); n != 1 {
		t.Errorf("worker A's own: %d rows, want 1", n)
	}
	if n := count(asA, "device_request_signatures"); n != 0 {
		t.Errorf("worker A reads signatures: %d rows, want 0 (staff only)", n)
	}
	// Claiming to coordinate another organisation needs its id; the partner id alone without
	// the coordinator flag gives nothing more.
	if n := count(map[string]string{"refurb.role": "social_worker", "refurb.user_id": itoa(e.WorkerAUser.ID), "refurb.partner_id": itoa(e.PartnerB.ID)}, "device_requests"); n != 1 {
		t.Errorf("worker A with B's partner id: %d rows, want their own 1", n)
	}
	if n := count(map[string]string{"refurb.role": "staff"}, "device_requests"); n != 2 {
		t.Errorf("staff: %d rows, want 2", n)
	}
	// The owner (the migrating superuser here) is not the application: it sees every row.
	if n, err := e.DB.Owner.NewSelect().Table("device_requests").Count(ctx); err != nil || n != 2 {
		t.Errorf("owner: %d, %v", n, err)
	}
	// Writes obey the same policies: an update with no acting user changes nothing.
	res, err := e.DB.App.ExecContext(ctx, "UPDATE device_requests SET urgency = 'high'")
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := res.RowsAffected(); n != 0 {
		t.Errorf("update with no acting user changed %d rows", n)
	}
	// Inserting a request for another social worker is refused.
	err = e.DB.App.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if err := requests.SetActor(ctx, tx, e.WorkerAUser.Actor()); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, "INSERT INTO device_requests (partner_id, requester_id, reference, kind, purpose) VALUES (?, ?, 'X', 'laptop', 'school')",
			e.PartnerB.ID, e.WorkerBUser.ID)
		return err
	})
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) || pgErr.Code != "42501" {
		t.Errorf("insert for another social worker: got %v, want a row-level security violation", err)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// TestDatabaseRequiresARequest updates devices directly as the application role: reserving or
// handing out needs a request that holds the device, and a held device stays reserved.
func TestDatabaseRequiresARequest(t *testing.T) {
	t.Parallel()
	e := rt.New(t)
	ctx := context.Background()
	d := e.ReadyLaptop(t, "DBR1")
	held := e.ReadyLaptop(t, "DBR2")
	e.Allocated(t, e.WorkerA, rt.Laptop("DBR-A"), held)
	for _, tc := range []struct {
		name string
		id   int64
		sql  string
		code string
	}{
		{"ready to reserved without a request", d.ID, "UPDATE devices SET status = 'reserved' WHERE id = ?", "RF021"},
		{"reserved to ready under a request", held.ID, "UPDATE devices SET status = 'ready' WHERE id = ?", "RF021"},
		{"reserved to lost under a request", held.ID, "UPDATE devices SET status = 'lost' WHERE id = ?", "RF021"},
		{"reserved to handed_out before the request", held.ID, "UPDATE devices SET status = 'handed_out' WHERE id = ?", "RF021"},
	} {
		_, err := e.DB.App.NewRaw(tc.sql, tc.id).Exec(ctx)
		var pgErr *pgconn.PgError
		if !errors.As(err, &pgErr) || pgErr.Code != tc.code {
			t.Errorf("%s: got %v, want SQLSTATE %s", tc.name, err, tc.code)
		}
	}
	// A request that allocates a device of another kind, or one that is not ready, is refused
	// by the request trigger whatever code writes it.
	tablet := it.Device(t, e.Inventory, e.Staff, inventory.NewDevice{Kind: inventory.KindTablet})
	r := e.Approved(t, e.WorkerB, rt.Laptop("DBR-B"))
	err := e.DB.App.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if err := requests.SetActor(ctx, tx, e.StaffUser.Actor()); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, "UPDATE device_requests SET status = 'allocated', device_id = ?, device_cycle = 1 WHERE id = ?", tablet.ID, r.ID)
		return err
	})
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) || pgErr.Code != "RF022" {
		t.Errorf("allocating a tablet to a laptop request by hand: got %v, want RF022", err)
	}
	err = e.DB.App.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if err := requests.SetActor(ctx, tx, e.StaffUser.Actor()); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, "UPDATE device_requests SET status = 'handed_out' WHERE id = ?", r.ID)
		return err
	})
	if !errors.As(err, &pgErr) || pgErr.Code != "RF020" {
		t.Errorf("approved to handed_out by hand: got %v, want RF020", err)
	}
	_ = auth.RoleStaff
}

func TestAnonymise(t *testing.T) {
	t.Parallel()
	e := rt.New(t)
	ctx := context.Background()
	d := e.ReadyLaptop(t, "AN1")
	n := rt.Laptop("AN-1")
	n.Note, n.Household, n.Language = "needs a large screen", requests.HouseholdFivePlus, "pt"
	old := e.Allocated(t, e.WorkerA, n, d)
	if _, err := e.Store.HandOut(e.Staff, old.ID, rt.Signature(), ""); err != nil {
		t.Fatal(err)
	}
	rejected := rt.Submit(t, e.Store, e.WorkerB, rt.Laptop("AN-2"))
	if _, err := e.Store.Decide(e.Staff, rejected.ID, requests.Reject, "no more laptops for this programme"); err != nil {
		t.Fatal(err)
	}
	recent := rt.Submit(t, e.Store, e.WorkerB, rt.Laptop("AN-3"))
	if _, err := e.Store.Cancel(e.WorkerB, recent.ID); err != nil {
		t.Fatal(err)
	}
	open := rt.Submit(t, e.Store, e.WorkerB, rt.Laptop("AN-4"))
	// Two of them closed long ago (as the owner: nothing else may move dates).
	if _, err := e.DB.Owner.NewRaw("UPDATE device_requests SET closed_at = now() - interval '400 days' WHERE id IN (?)", bun.List([]int64{old.ID, rejected.ID})).Exec(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Store.Anonymise(e.Staff); !errors.Is(err, auth.ErrForbidden) {
		t.Errorf("staff anonymise: got %v", err)
	}
	ids, err := e.Store.Anonymise(e.System)
	if err != nil {
		t.Fatal(err)
	}
	if !equal(sorted(ids), sorted([]int64{old.ID, rejected.ID})) {
		t.Errorf("anonymised %v, want %v", ids, []int64{old.ID, rejected.ID})
	}
	got, err := e.Store.Request(e.Staff, old.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Reference != nil || got.Note != nil || got.Language != nil || got.Household != nil || got.KeyboardLayout != nil || got.AnonymisedAt == nil {
		t.Errorf("anonymised request keeps details: %+v", got)
	}
	if got.Kind != inventory.KindLaptop || got.Purpose != requests.PurposeSchool || got.PartnerID != e.PartnerA.ID ||
		got.Status != requests.StatusHandedOut || *got.DeviceID != d.ID || got.HandedOutAt == nil || got.SubmittedAt.IsZero() {
		t.Errorf("anonymisation lost statistics: %+v", got)
	}
	if r, _ := e.Store.Request(e.Staff, rejected.ID); r.Reason != nil || r.Reference != nil {
		t.Errorf("rejected request keeps its reason or reference: %+v", r)
	}
	var sigs int
	if err := e.DB.Owner.NewRaw("SELECT count(*) FROM device_request_signatures WHERE request_id = ?", old.ID).Scan(ctx, &sigs); err != nil || sigs != 0 {
		t.Errorf("signatures left: %d, %v", sigs, err)
	}
	// Its receipt cannot be issued again, and the error says why (the request is there).
	if _, err := e.Store.Receipt(e.Staff, old.ID); !errors.Is(err, requests.ErrAnonymised) {
		t.Errorf("receipt of an anonymised hand-out: got %v, want ErrAnonymised", err)
	}
	if _, err := e.Store.Receipt(e.Staff, open.ID); !errors.Is(err, requests.ErrNotFound) {
		t.Errorf("receipt of a request not handed out: got %v, want ErrNotFound", err)
	}
	for _, id := range []int64{recent.ID, open.ID} {
		if r, _ := e.Store.Request(e.Staff, id); r.Reference == nil || r.AnonymisedAt != nil {
			t.Errorf("request %d anonymised too early: %+v", id, r)
		}
	}
	// Idempotent: nothing the second time.
	if ids, err := e.Store.Anonymise(e.System); err != nil || len(ids) != 0 {
		t.Errorf("second run: %v, %v", ids, err)
	}
	es, _ := e.Store.Events(e.Staff, old.ID)
	if last := es[len(es)-1]; last.Kind != "anonymised" {
		t.Errorf("last event %s, want anonymised", last.Kind)
	}
}

func sorted(ids []int64) []int64 {
	out := append([]int64(nil), ids...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}
