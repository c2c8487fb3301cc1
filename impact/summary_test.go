package impact_test

import (
	"context"
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/digital-inclusion/refurb/certificates"
	"github.com/digital-inclusion/refurb/impact"
	"github.com/digital-inclusion/refurb/inventory"
	it "github.com/digital-inclusion/refurb/inventory/inventorytest"
	"github.com/digital-inclusion/refurb/requests"
	rt "github.com/digital-inclusion/refurb/requests/requeststest"
)

// keyColumns is how many leading columns of each summary's query are its key.
var keyColumns = map[string]int{"devices": 5, "requests": 3, "waits": 2, "queue": 1, "follow_ups": 4}

// summaries reads every summary table, folded by key, as text lines to compare.
func summaries(t *testing.T, db bun.IDB) map[string]string {
	t.Helper()
	out := map[string]string{}
	for name, q := range map[string]string{
		"devices": `SELECT day, outcome, kind, category, set_id, sum(devices) AS a, sum(kg)::float8 AS b, sum(aged) AS c, sum(age_sum) AS d
			FROM impact_device_days GROUP BY 1, 2, 3, 4, 5 HAVING sum(devices) <> 0 OR sum(kg) <> 0 OR sum(aged) <> 0 OR sum(age_sum) <> 0`,
		"requests": `SELECT day, partner_kind, purpose, sum(requests) AS a FROM impact_request_days GROUP BY 1, 2, 3 HAVING sum(requests) <> 0`,
		"waits":    `SELECT day, wait_days, sum(requests) AS a FROM impact_request_waits GROUP BY 1, 2 HAVING sum(requests) <> 0`,
		"queue":    `SELECT day, sum(waiting) AS a, sum(waitlisted) AS b FROM impact_queue_days GROUP BY 1 HAVING sum(waiting) <> 0 OR sum(waitlisted) <> 0`,
		"follow_ups": `SELECT day, in_use, problem, uses::text, sum(follow_ups) AS a FROM impact_follow_up_days GROUP BY 1, 2, 3, 4
			HAVING sum(follow_ups) <> 0`,
	} {
		rows, err := db.QueryContext(context.Background(), q)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			key, val := name, ""
			for i, v := range vals {
				if f, ok := v.(float64); ok {
					v = math.Round(f*1000) / 1000
				}
				if t, ok := v.(time.Time); ok {
					v = t.Format(time.DateOnly)
				}
				if i < keyColumns[name] {
					key += fmt.Sprintf("|%v", v)
				} else {
					val += fmt.Sprintf("|%v", v)
				}
			}
			out[key] = val
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		rows.Close()
	}
	return out
}

// sameSummaries fails t where got and want differ.
func sameSummaries(t *testing.T, what string, got, want map[string]string) {
	t.Helper()
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: %s: got %q, want %q", what, k, got[k], v)
		}
	}
	for k, v := range got {
		if _, ok := want[k]; !ok {
			t.Errorf("%s: %s: got %q, want nothing", what, k, v)
		}
	}
}

// The triggers keep the summaries exactly what refurb_impact_rebuild computes from the tables
// themselves, through intake, hand-out, return, recycling, a corrected weight and kind, a new
// impact factor set, a partner's new kind, and a request waitlisted then approved; folding
// changes no sum.
func TestSummariesStayExact(t *testing.T) {
	t.Parallel()
	e := rt.New(t)
	owner := e.DB.Owner
	ctx := context.Background()
	inv := e.Inventory

	// Intake, with a device already over age and one of unknown year.
	_, devs := it.Donation(t, inv, e.Staff, it.Laptop("SUM-1", it.SSD("SUM-SSD-1")), it.Laptop("SUM-2"),
		inventory.NewDevice{Kind: inventory.KindMonitor, ScreenInches: ptr(23.8), ManufactureYear: ptr(2012)},
		inventory.NewDevice{Kind: inventory.KindSmartphone, ManufactureYear: ptr(2020)})
	// Recycled, dismantled.
	it.Move(t, inv, e.Staff, it.Wipe(t, inv, e.Staff, devs[0].ID), inventory.StatusRecycled)
	it.Move(t, inv, e.Staff, it.Reload(t, inv, e.Staff, devs[2].ID), inventory.StatusDismantled)

	// A request waitlisted, then approved, allocated and handed out; the device comes back.
	r := rt.Submit(t, e.Store, e.WorkerA, rt.Laptop("SUM-REF-1"))
	if _, err := e.Store.Decide(e.Staff, r.ID, requests.Waitlist, "no laptop now"); err != nil {
		t.Fatal(err)
	}
	before := summaries(t, owner)
	if _, err := e.Store.Decide(e.Staff, r.ID, requests.Approve, ""); err != nil {
		t.Fatal(err)
	}
	d := e.ReadyLaptop(t, "SUM-3")
	if _, err := e.Store.Allocate(e.Staff, r.ID, d.ID, d.Version, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Store.HandOut(e.Staff, r.ID, rt.Signature(), "fr"); err != nil {
		t.Fatal(err)
	}
	if after := summaries(t, owner); len(after) <= len(before) {
		t.Errorf("hand-out: the summaries did not change (%d keys before, %d after)", len(before), len(after))
	}
	it.Move(t, inv, e.Staff, it.Reload(t, inv, e.Staff, d.ID), inventory.StatusReceived)

	// A new factor set from now on; a second hand-out counts with it.
	if _, err := owner.ExecContext(ctx, `WITH s AS (INSERT INTO impact_factor_sets (name, version, displacement) VALUES ('Test set', '2026', 0.5) RETURNING id)
		INSERT INTO impact_factors (set_id, category, label, weight_kg, footprint_kg_co2e, avoided_kg_co2e)
		SELECT s.id, category, label, weight_kg, footprint_kg_co2e, avoided_kg_co2e * 2 FROM s, impact_factors WHERE set_id = 1`); err != nil {
		t.Fatal(err)
	}
	d2 := e.ReadyLaptop(t, "SUM-4")
	rt.Submit(t, e.Store, e.WorkerB, rt.Laptop("SUM-REF-2"))
	r2 := e.Allocated(t, e.WorkerB, rt.Laptop("SUM-REF-3"), d2)
	if _, err := e.Store.HandOut(e.Staff, r2.ID, rt.Signature(), "fr"); err != nil {
		t.Fatal(err)
	}

	// Corrections: a handed-out device's weight, a device's kind and screen.
	d2 = it.Reload(t, inv, e.Staff, d2.ID)
	if _, err := inv.UpdateDevice(e.Staff, d2.ID, d2.Version, inventory.DevicePatch{WeightKG: ptr(2.5), ScreenInches: ptr(17.3)}); err != nil {
		t.Fatal(err)
	}
	if _, err := owner.ExecContext(ctx, "UPDATE devices SET kind = 'tablet', manufacture_year = 2019 WHERE id = ?", devs[3].ID); err != nil {
		t.Fatal(err)
	}
	// Two follow-ups asked, one answered.
	if _, err := owner.ExecContext(ctx, "INSERT INTO request_follow_ups (request_id) VALUES (?), (?)", r.ID, r2.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Store.AnswerFollowUp(e.WorkerB, r2.ID, requests.Answer{InUse: requests.InUseYes, Uses: []requests.Use{requests.UseSchool},
		Problem: requests.ProblemSkills}); err != nil {
		t.Fatal(err)
	}
	// A partner organisation becomes a school.
	if _, err := owner.ExecContext(ctx, "UPDATE partner_organisations SET kind = 'school' WHERE id = ?", e.PartnerA.ID); err != nil {
		t.Fatal(err)
	}

	live := summaries(t, owner)
	if len(live) < 10 {
		t.Fatalf("summaries: got %d keys: %v", len(live), live)
	}
	if _, err := owner.ExecContext(ctx, "SELECT refurb_fold_impact()"); err != nil {
		t.Fatal(err)
	}
	sameSummaries(t, "folded", summaries(t, owner), live)
	if _, err := owner.ExecContext(ctx, "SELECT refurb_impact_rebuild()"); err != nil {
		t.Fatal(err)
	}
	sameSummaries(t, "rebuilt", summaries(t, owner), live)

	// Today's ledger: both hand-outs, each with its factor set, the period says it spans two.
	st := impact.NewStore(e.DB.App)
	l, err := st.Ledger(e.Staff, st.Today(), st.Today())
	if err != nil {
		t.Fatal(err)
	}
	if l.Devices.HandedOut != 2 || l.Devices.Returned != 1 || l.Devices.Recycled != 2 || l.Devices.Dismantled != 1 || l.RequestsHandedOut != 2 {
		t.Errorf("today: got %+v, %d requests handed out", l.Devices, l.RequestsHandedOut)
	}
	if !l.SpansFactorSets() || len(l.FactorSets) != 2 || l.FactorSets[0].Devices != 1 || l.FactorSets[1].Devices != 1 {
		t.Fatalf("factor sets: got %+v, want two with a hand-out each", l.FactorSets)
	}
	// The second hand-out: a 17.3" laptop (large: 207.3), doubled in the test set.
	if want := 132.7 + 2*207.3; math.Abs(l.Devices.CO2eAvoidedKG-want) > 1e-9 {
		t.Errorf("CO2e avoided: got %v, want %v", l.Devices.CO2eAvoidedKG, want)
	}
	if l.ByPartner[0].PartnerKind != requests.PartnerSchool && l.ByPartner[0].PartnerKind != requests.PartnerRefugeeAgency {
		t.Errorf("by partner: got %+v", l.ByPartner)
	}
	if q := l.Queue[len(l.Queue)-1]; q.Waiting != 1 || q.Waitlisted != 0 {
		t.Errorf("queue: got %+v, want the one request still submitted", q)
	}
	if f := l.FollowUps; f.Asked != 2 || f.Answered != 1 || f.InUse[requests.InUseYes] != 1 || f.Problems[requests.ProblemSkills] != 1 || f.Uses[requests.UseSchool] != 1 {
		t.Errorf("follow-ups: got %+v", f)
	}
}

// The database's category and factor set in force agree with Go's.
func TestCategoryAndFactorSetAgreeWithGo(t *testing.T) {
	t.Parallel()
	e := rt.New(t)
	ctx := context.Background()
	for _, k := range inventory.Kinds {
		for _, in := range []float64{0, 10.1, 13.4, 13.5, 15.6, 15.7, 17, 18.4, 18.5, 21.4, 21.5, 34} {
			var got string
			if err := e.DB.App.NewRaw("SELECT refurb_impact_category(?, nullif(?::numeric, 0))", k, in).Scan(ctx, &got); err != nil {
				t.Fatal(err)
			}
			if want := certificates.Category(k, in); got != want {
				t.Errorf("%s of %v\": the database says %q, Go %q", k, in, got, want)
			}
		}
	}
	sets, err := certificates.FactorSets(ctx, e.DB.App)
	if err != nil || len(sets) != 1 || len(sets[0].Factors) != 11 {
		t.Fatalf("factor sets: got %d, %v; want the Restart Project's", len(sets), err)
	}
	if _, err := e.DB.Owner.ExecContext(ctx, `INSERT INTO impact_factor_sets (name, version, displacement, created_at)
		VALUES ('Later', '2030', 0.5, '2030-01-01T00:00:00Z')`); err != nil {
		t.Fatal(err)
	}
	for _, at := range []string{"2001-01-01T00:00:00Z", "2029-12-31T23:59:59Z", "2030-01-01T00:00:00Z", "2031-06-01T00:00:00Z"} {
		var got int64
		if err := e.DB.App.NewRaw("SELECT refurb_impact_factor_set(?::timestamptz)", at).Scan(ctx, &got); err != nil {
			t.Fatal(err)
		}
		if at >= "2030" && got == sets[0].ID || at < "2030" && got != sets[0].ID {
			t.Errorf("the set in force at %s: got %d", at, got)
		}
	}
}

func ptr[T any](v T) *T { return &v }
