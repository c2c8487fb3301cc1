package impact_test

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/certificates"
	"github.com/digital-inclusion/refurb/impact"
	"github.com/digital-inclusion/refurb/internal/demo"
	"github.com/digital-inclusion/refurb/internal/pgtest"
	"github.com/digital-inclusion/refurb/inventory"
	"github.com/digital-inclusion/refurb/requests"
)

// demoNow is the fixed end of the demo's three years, and demoSeed its seed: the figures below
// are checked against SQL written here, independently of the summaries the ledger reads.
var (
	demoNow  = time.Date(2026, 11, 23, 14, 0, 0, 0, time.UTC)
	demoSeed = uint64(20261206)
)

// demoDB is a test database with demo data and a staff member's context.
type demoDB struct {
	db    *pgtest.DB
	staff context.Context
	store *impact.Store
}

func newDemo(t *testing.T, devices int) *demoDB {
	t.Helper()
	db := pgtest.New(t)
	ctx := context.Background()
	if _, err := demo.Generate(ctx, db.Owner, demo.Options{Devices: devices, Seed: demoSeed, Now: demoNow}); err != nil {
		t.Fatal(err)
	}
	svc, err := auth.NewService(db.App, auth.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	u, err := svc.CreateUser(auth.System(ctx), auth.NewUser{Email: "ledger@example.org", Name: "Ledger", Role: auth.RoleStaff, Password: "correct horse battery"})
	if err != nil {
		t.Fatal(err)
	}
	return &demoDB{db: db, staff: auth.WithActor(ctx, u.Actor()), store: impact.NewStore(db.App)}
}

// sqlOne runs a query as the owner (who sees through row-level security) into dest.
func sqlOne(t *testing.T, db bun.IDB, dest any, query string, args ...any) {
	t.Helper()
	if err := db.NewRaw(query, args...).Scan(context.Background(), dest); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-6*math.Max(1, math.Abs(b)) }

// category is the impact category of a device, written again in SQL for the test.
const category = `CASE
  WHEN d.kind = 'laptop' AND coalesce(d.screen_inches, 0) = 0 THEN 'laptop_medium'
  WHEN d.kind = 'laptop' AND d.screen_inches < 13.5 THEN 'laptop_small'
  WHEN d.kind = 'laptop' AND d.screen_inches <= 15.6 THEN 'laptop_medium'
  WHEN d.kind = 'laptop' THEN 'laptop_large'
  WHEN d.kind IN ('desktop', 'all_in_one') THEN 'desktop'
  WHEN d.kind = 'monitor' AND coalesce(d.screen_inches, 0) = 0 THEN 'screen_19_20'
  WHEN d.kind = 'monitor' AND d.screen_inches < 18.5 THEN 'screen_15_17'
  WHEN d.kind = 'monitor' AND d.screen_inches < 21.5 THEN 'screen_19_20'
  WHEN d.kind = 'monitor' THEN 'screen_22_24'
  WHEN d.kind = 'tablet' THEN 'tablet' WHEN d.kind = 'smartphone' THEN 'smartphone'
  WHEN d.kind = 'printer' THEN 'printer_scanner' WHEN d.kind = 'peripheral' THEN 'pc_accessory' END`

// local is the workshop's day of a timestamp column.
func local(col string) string { return "(" + col + " AT TIME ZONE 'Europe/Luxembourg')::date" }

// The ledger of a year of demo data agrees with SQL over the tables themselves: intakes from
// devices.received_at, hand-outs from device_requests, recycling from device events, the queue
// from each request's last move, hours, skills and certificates from their tables.
func TestLedgerMatchesTheData(t *testing.T) {
	t.Parallel()
	e := newDemo(t, 4000)
	owner := e.db.Owner
	ctx := e.staff

	// A few certificates and follow-ups in the period, which the demo has none of.
	var donationID int64
	sqlOne(t, owner, &donationID, "SELECT id FROM donations ORDER BY id LIMIT 1")
	certs := certificates.NewStore(e.db.App, "https://refurb.example")
	for _, k := range []certificates.Kind{certificates.KindDonation, certificates.KindDonation} {
		if _, err := certs.Issue(ctx, donationID, k, "en"); err != nil {
			t.Fatal(err)
		}
	}
	// The demo answered most follow-ups; staff answer a few more (on the phone).
	var followed []int64
	sqlOne(t, owner, &followed, "SELECT request_id FROM request_follow_ups WHERE answered_at IS NULL ORDER BY request_id LIMIT 12")
	if len(followed) == 0 {
		t.Fatal("the demo left no follow-up unanswered")
	}
	reqs := requests.NewStore(e.db.App)
	for i, id := range followed {
		ans := requests.Answer{InUse: requests.InUses[i%3], Uses: []requests.Use{requests.Uses[i%6], requests.UseSchool}, Problem: requests.Problems[i%6]}
		if _, err := reqs.AnswerFollowUp(ctx, id, ans); err != nil {
			t.Fatal(err)
		}
	}

	from := time.Date(2025, 12, 1, 0, 0, 0, 0, time.UTC)
	to := e.store.Today()
	l, err := e.store.Ledger(ctx, from, to)
	if err != nil {
		t.Fatal(err)
	}
	args := []any{from.Format(time.DateOnly), to.Format(time.DateOnly)}
	t.Logf("ledger %s to %s: devices %+v, requests %d, median %v, p90 %v, queue at the end %+v, minutes %d, skills %d, follow-ups %+v",
		args[0], args[1], l.Devices, l.RequestsHandedOut, deref(l.MedianWaitDays), deref(l.P90WaitDays), l.Queue[len(l.Queue)-1],
		l.TraineeMinutes, l.SkillsCertified, l.FollowUps)
	in := func(col string) string { return local(col) + " BETWEEN ?::date AND ?::date" }

	var received struct {
		N  int     `bun:"n"`
		KG float64 `bun:"kg"`
	}
	sqlOne(t, owner, &received, "SELECT count(*) AS n, coalesce(sum(weight_kg), 0) AS kg FROM devices WHERE "+in("received_at"), args...)
	if l.Devices.Received != received.N || !near(l.Devices.KGReceived, received.KG) {
		t.Errorf("received: got %d devices, %.3f kg; want %d, %.3f", l.Devices.Received, l.Devices.KGReceived, received.N, received.KG)
	}
	if received.N < 500 {
		t.Fatalf("the demo received only %d devices in the period: not a test", received.N)
	}

	var handed struct {
		N    int     `bun:"n"`
		KG   float64 `bun:"kg"`
		CO2e float64 `bun:"co2e"`
	}
	sqlOne(t, owner, &handed, `SELECT count(*) AS n, coalesce(sum(d.weight_kg), 0) AS kg, coalesce(sum(f.avoided_kg_co2e), 0) AS co2e
		FROM device_requests r JOIN devices d ON d.id = r.device_id
		LEFT JOIN impact_factors f ON f.category = `+category+`
		WHERE r.status = 'handed_out' AND `+in("r.handed_out_at"), args...)
	if l.Devices.HandedOut != handed.N || !near(l.Devices.KGReused, handed.KG) || !near(l.Devices.CO2eAvoidedKG, handed.CO2e) {
		t.Errorf("handed out: got %d devices, %.3f kg, %.2f kg CO2e; want %d, %.3f, %.2f",
			l.Devices.HandedOut, l.Devices.KGReused, l.Devices.CO2eAvoidedKG, handed.N, handed.KG, handed.CO2e)
	}
	if l.RequestsHandedOut != handed.N {
		t.Errorf("requests handed out: got %d, want %d", l.RequestsHandedOut, handed.N)
	}
	if len(l.FactorSets) != 1 || l.SpansFactorSets() || l.FactorSets[0].Devices != handed.N {
		t.Errorf("factor sets: got %+v, want the one set, counting %d", l.FactorSets, handed.N)
	}

	var recycled struct {
		N          int     `bun:"n"`
		Dismantled int     `bun:"dismantled"`
		KG         float64 `bun:"kg"`
	}
	sqlOne(t, owner, &recycled, `SELECT count(*) AS n, count(*) FILTER (WHERE e.to_status = 'dismantled') AS dismantled, coalesce(sum(d.weight_kg), 0) AS kg
		FROM device_events e JOIN devices d ON d.id = e.device_id
		WHERE e.kind = 'status' AND e.to_status IN ('recycled', 'dismantled') AND `+in("e.at"), args...)
	if l.Devices.Recycled != recycled.N || l.Devices.Dismantled != recycled.Dismantled || !near(l.Devices.KGRecycled, recycled.KG) {
		t.Errorf("recycled: got %d (%d dismantled), %.3f kg; want %+v", l.Devices.Recycled, l.Devices.Dismantled, l.Devices.KGRecycled, recycled)
	}

	// Months add up, and so do kinds.
	var months, kinds impact.Flows
	for _, m := range l.Months {
		months.Received += m.Received
		months.HandedOut += m.HandedOut
		months.Recycled += m.Recycled
	}
	for _, k := range l.Kinds {
		kinds.Received += k.Received
		kinds.HandedOut += k.HandedOut
		kinds.Recycled += k.Recycled
	}
	for name, f := range map[string]impact.Flows{"months": months, "kinds": kinds} {
		if f.Received != l.Devices.Received || f.HandedOut != l.Devices.HandedOut || f.Recycled != l.Devices.Recycled {
			t.Errorf("%s add up to %+v, want the totals %+v", name, f, l.Devices)
		}
	}
	if want := 12 + int(to.Sub(time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)).Hours()/24/31) + 1; len(l.Months) < 13 || len(l.Months) > want {
		t.Errorf("months: got %d", len(l.Months))
	}

	var laptops int
	sqlOne(t, owner, &laptops, `SELECT count(*) FROM devices WHERE kind = 'laptop' AND `+in("received_at"), args...)
	for _, k := range l.Kinds {
		if k.Kind == inventory.KindLaptop && k.Received != laptops {
			t.Errorf("laptops received: got %d, want %d", k.Received, laptops)
		}
	}

	var ages struct {
		Intake  *float64 `bun:"intake"`
		HandOut *float64 `bun:"hand_out"`
	}
	sqlOne(t, owner, &ages, `SELECT
		(SELECT avg(greatest(0, extract(year FROM received_at AT TIME ZONE 'Europe/Luxembourg') - manufacture_year)) FROM devices
		  WHERE manufacture_year IS NOT NULL AND `+in("received_at")+`)::float8 AS intake,
		(SELECT avg(greatest(0, extract(year FROM r.handed_out_at AT TIME ZONE 'Europe/Luxembourg') - d.manufacture_year))
		  FROM device_requests r JOIN devices d ON d.id = r.device_id
		  WHERE r.status = 'handed_out' AND d.manufacture_year IS NOT NULL AND `+in("r.handed_out_at")+`)::float8 AS hand_out`, append(args, args...)...)
	if ages.Intake == nil || l.Age.AtIntakeYears == nil || !near(*l.Age.AtIntakeYears, *ages.Intake) {
		t.Errorf("age at intake: got %v, want %v", deref(l.Age.AtIntakeYears), deref(ages.Intake))
	}
	if ages.HandOut == nil || l.Age.AtHandOutYears == nil || !near(*l.Age.AtHandOutYears, *ages.HandOut) {
		t.Errorf("age at hand-out: got %v, want %v", deref(l.Age.AtHandOutYears), deref(ages.HandOut))
	}
	if l.Age.ExtraYears <= 0 || l.Age.LifetimeFactor == nil || *l.Age.LifetimeFactor <= 1 {
		t.Errorf("extra years: got %+v", l.Age)
	}

	var byPartner []struct {
		Kind    requests.PartnerKind `bun:"kind"`
		Purpose requests.Purpose     `bun:"purpose"`
		N       int                  `bun:"n"`
	}
	sqlOne(t, owner, &byPartner, `SELECT p.kind, r.purpose, count(*) AS n FROM device_requests r JOIN partner_organisations p ON p.id = r.partner_id
		WHERE r.status = 'handed_out' AND `+in("r.handed_out_at")+` GROUP BY 1, 2`, args...)
	if len(byPartner) != len(l.ByPartner) {
		t.Errorf("hand-outs by partner kind and purpose: got %d groups, want %d", len(l.ByPartner), len(byPartner))
	}
	for _, want := range byPartner {
		found := false
		for _, g := range l.ByPartner {
			if g.PartnerKind == want.Kind && g.Purpose == want.Purpose {
				found = true
				if g.HandedOut != want.N {
					t.Errorf("%s/%s: got %d hand-outs, want %d", want.Kind, want.Purpose, g.HandedOut, want.N)
				}
			}
		}
		if !found {
			t.Errorf("%s/%s: missing", want.Kind, want.Purpose)
		}
	}

	var waits struct {
		Median *float64 `bun:"median"`
		P90    *float64 `bun:"p90"`
	}
	sqlOne(t, owner, &waits, `SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY w)::float8 AS median, percentile_cont(0.9) WITHIN GROUP (ORDER BY w)::float8 AS p90
		FROM (SELECT `+local("handed_out_at")+` - `+local("submitted_at")+` AS w FROM device_requests
		      WHERE status = 'handed_out' AND `+in("handed_out_at")+`) x`, args...)
	if l.MedianWaitDays == nil || l.P90WaitDays == nil || !near(*l.MedianWaitDays, *waits.Median) || !near(*l.P90WaitDays, *waits.P90) {
		t.Errorf("waiting days: got median %v, p90 %v; want %v, %v", deref(l.MedianWaitDays), deref(l.P90WaitDays), deref(waits.Median), deref(waits.P90))
	}

	// The queue at each point: requests whose last move by that day left them waiting.
	for _, p := range l.Queue {
		var q struct {
			Waiting    int `bun:"waiting"`
			Waitlisted int `bun:"waitlisted"`
		}
		sqlOne(t, owner, &q, `SELECT count(*) FILTER (WHERE to_status IN ('submitted', 'approved', 'waitlisted')) AS waiting, count(*) FILTER (WHERE to_status = 'waitlisted') AS waitlisted
			FROM (SELECT DISTINCT ON (request_id) request_id, to_status FROM device_request_events
			      WHERE to_status IS NOT NULL AND `+local("at")+` <= ?::date ORDER BY request_id, at DESC, id DESC) last`, p.Date.Format(time.DateOnly))
		if p.Waiting != q.Waiting || p.Waitlisted != q.Waitlisted {
			t.Errorf("queue on %s: got %d waiting, %d waitlisted; want %d, %d", p.Date.Format(time.DateOnly), p.Waiting, p.Waitlisted, q.Waiting, q.Waitlisted)
		}
	}

	var minutes int
	sqlOne(t, owner, &minutes, "SELECT coalesce(sum(minutes), 0) FROM hour_entries WHERE status = 'approved' AND on_date BETWEEN ?::date AND ?::date", args...)
	if l.TraineeMinutes != minutes || minutes == 0 {
		t.Errorf("approved trainee minutes: got %d, want %d (and more than none)", l.TraineeMinutes, minutes)
	}
	var skills int
	sqlOne(t, owner, &skills, `SELECT count(*) FROM (SELECT trainee_id, skill_id, min(assessed_on) AS first FROM skill_assessments
		WHERE level = 'independent' GROUP BY 1, 2) a WHERE first BETWEEN ?::date AND ?::date`, args...)
	if l.SkillsCertified != skills {
		t.Errorf("skills certified: got %d, want %d", l.SkillsCertified, skills)
	}
	if l.CertificatesIssued != 2 || len(l.Certificates) != 1 || l.Certificates[0].Current != 1 {
		t.Errorf("certificates: got %d, %+v; want 2 donation certificates, one current", l.CertificatesIssued, l.Certificates)
	}

	var fu struct {
		Asked    int `bun:"asked"`
		Answered int `bun:"answered"`
		InUse    int `bun:"in_use"`
		School   int `bun:"school"`
	}
	sqlOne(t, owner, &fu, `SELECT count(*) AS asked, count(answered_at) AS answered, count(*) FILTER (WHERE in_use = 'yes') AS in_use,
		count(*) FILTER (WHERE 'school' = ANY (uses)) AS school
		FROM request_follow_ups WHERE `+in("asked_at"), args...)
	if l.FollowUps.Asked != fu.Asked || l.FollowUps.Answered != fu.Answered || l.FollowUps.InUse[requests.InUseYes] != fu.InUse ||
		l.FollowUps.Uses[requests.UseSchool] != fu.School || fu.Answered == 0 {
		t.Errorf("follow-ups: got %+v, want %+v", l.FollowUps, fu)
	}
}

func deref(p *float64) any {
	if p == nil {
		return nil
	}
	return *p
}

// A period without activity has zeros and no medians, not errors; a period that ends before
// it starts is refused on "to".
func TestLedgerOfAnEmptyPeriod(t *testing.T) {
	t.Parallel()
	e := newDemo(t, 200)
	l, err := e.store.Ledger(e.staff, time.Date(2001, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2001, 12, 31, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	if l.Devices != (impact.Flows{}) || l.RequestsHandedOut != 0 || l.MedianWaitDays != nil || l.P90WaitDays != nil ||
		l.TraineeMinutes != 0 || l.SkillsCertified != 0 || l.CertificatesIssued != 0 || l.FollowUps.Asked != 0 ||
		l.Age.AtIntakeYears != nil || l.Age.LifetimeFactor != nil || len(l.FactorSets) != 0 {
		t.Errorf("an empty year: got %+v", l)
	}
	if len(l.Months) != 12 || len(l.Queue) != 12 || l.Queue[11].Waiting != 0 {
		t.Errorf("an empty year: got %d months and the queue %+v, want 12 of each at zero", len(l.Months), l.Queue)
	}
	if _, err := e.store.Ledger(e.staff, time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)); err == nil {
		t.Error("a period ending before it starts: got no error")
	}
}
