package demo_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/internal/demo"
	"github.com/digital-inclusion/refurb/internal/pgtest"
	"github.com/digital-inclusion/refurb/inventory"
	"github.com/digital-inclusion/refurb/requests"
	"github.com/digital-inclusion/refurb/requests/requeststest"
)

// now is a fixed end for the generated three years, so that failures reproduce.
var now = time.Date(2026, 11, 23, 14, 0, 0, 0, time.UTC)

func generate(t *testing.T, db *bun.DB, opts demo.Options) *demo.Result {
	t.Helper()
	if opts.Now.IsZero() {
		opts.Now = now
	}
	res, err := demo.Generate(context.Background(), db, opts)
	if err != nil {
		t.Fatalf("Generate(%+v): %v", opts, err)
	}
	return res
}

func count(t *testing.T, db bun.IDB, query string, args ...any) int {
	t.Helper()
	var n int
	if err := db.NewRaw(query, args...).Scan(context.Background(), &n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

// zero fails t for each named query that counts rows breaking a rule.
// countsRight finds the (status, kind) whose device_counts differ from count(*).
const countsRight = `SELECT count(*) FROM (SELECT status, kind, count(*) AS n FROM devices GROUP BY 1, 2) d
  FULL JOIN (SELECT status, kind, sum(n) AS n FROM device_counts GROUP BY 1, 2 HAVING sum(n) <> 0) c USING (status, kind)
  WHERE d.n IS DISTINCT FROM c.n`

func zero(t *testing.T, db bun.IDB, checks map[string]string) {
	t.Helper()
	for name, q := range checks {
		if n := count(t, db, q); n != 0 {
			t.Errorf("%s: got %d rows breaking the rule, want 0\n%s", name, n, q)
		}
	}
}

func TestGenerate(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	ctx := context.Background()
	res := generate(t, db.Owner, demo.Options{Devices: 200, Seed: 42})

	for table, want := range map[string]int64{
		"devices": res.Devices, "donors": res.Donors, "donations": res.Donations, "storage_media": res.Media,
		"wipe_records": res.Wipes, "repair_logs": res.Repairs, "qa_checks": res.QAChecks, "device_flags": res.Flags,
		"device_events": res.Events, "device_requests": res.Requests,
	} {
		if got := count(t, db.Owner, "SELECT count(*) FROM "+table); int64(got) != want {
			t.Errorf("%s: got %d rows, the result says %d", table, got, want)
		}
	}
	if res.Devices != 200 {
		t.Errorf("devices: got %d, want 200", res.Devices)
	}
	// Every device has its intake event; the notes top the rest up to about ten a device.
	if res.Events < 1900 || res.Events > 2400 {
		t.Errorf("events: got %d for 200 devices, want about 2,000", res.Events)
	}
	for _, c := range []struct {
		what string
		n    int64
		min  int64
	}{{"donors", res.Donors, 12}, {"donations", res.Donations, 5}, {"storage media", res.Media, 50}, {"wipes", res.Wipes, 50}, {"QA checks", res.QAChecks, 20}} {
		if c.n < c.min {
			t.Errorf("%s: got %d, want at least %d", c.what, c.n, c.min)
		}
	}
	kinds := map[string]int{}
	for _, k := range []string{"donors", "devices"} {
		rows, err := db.Owner.QueryContext(ctx, "SELECT kind, count(*) FROM "+k+" GROUP BY kind")
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var kind string
			var n int
			rows.Scan(&kind, &n)
			kinds[k+"."+kind] = n
		}
		rows.Close()
	}
	for _, k := range []string{"donors.company", "donors.public_body", "donors.association", "donors.individual", "devices.laptop", "devices.desktop", "devices.monitor", "devices.smartphone"} {
		if kinds[k] == 0 {
			t.Errorf("no %s in %v", k, kinds)
		}
	}

	// Tags: valid check characters, as the trigger would have written them.
	var tags []struct {
		Tag       string `bun:"tag"`
		TagNumber int64  `bun:"tag_number"`
	}
	if err := db.Owner.NewRaw("SELECT tag, tag_number FROM devices ORDER BY tag_number").Scan(ctx, &tags); err != nil {
		t.Fatal(err)
	}
	for i, d := range tags {
		tag, n, err := inventory.ParseTag(d.Tag)
		if err != nil || tag != d.Tag || n != d.TagNumber {
			t.Errorf("tag %q (number %d): ParseTag got %q, %d, %v", d.Tag, d.TagNumber, tag, n, err)
		}
		if d.TagNumber != int64(i+1) {
			t.Errorf("tag numbers: got %d at position %d, want 1..200 without gaps", d.TagNumber, i)
			break
		}
	}

	zero(t, db.Owner, map[string]string{
		"tag as refurb_tag computes it": `SELECT count(*) FROM devices WHERE tag <> refurb_tag('DI', tag_number)`,
		// Donation numbers: unique, per year from 1 without gaps, the counter at the last.
		"donation number year": `SELECT count(*) FROM donations WHERE split_part(number, '-', 2)::int <> extract(year FROM received_on)`,
		"donation numbers without gaps": `SELECT count(*) FROM (SELECT extract(year FROM received_on) AS y, count(*) AS n, max(split_part(number, '-', 3)::int) AS top,
			count(DISTINCT number) AS d FROM donations GROUP BY 1) s WHERE n <> top OR d <> n`,
		"counters": `SELECT count(*) FROM (SELECT extract(year FROM received_on)::int AS y, max(split_part(number, '-', 3)::int) AS top FROM donations GROUP BY 1) s
			FULL JOIN donation_counters c ON c.year = s.y WHERE c.last IS DISTINCT FROM s.top`,
		"donations in date order": `SELECT count(*) FROM donations a JOIN donations b ON extract(year FROM a.received_on) = extract(year FROM b.received_on)
			AND a.number < b.number AND a.received_on > b.received_on`,
		"empty donations":           `SELECT count(*) FROM donations dn WHERE NOT EXISTS (SELECT 1 FROM devices d WHERE d.donation_id = dn.id)`,
		"donations in the future":   `SELECT count(*) FROM donations WHERE received_on >= DATE '2026-11-23' OR received_on < DATE '2023-11-20'`,
		"sanitized before leaving":  `SELECT count(*) FROM devices d WHERE status IN ('wiped', 'in_repair', 'ready', 'reserved', 'handed_out', 'recycled', 'dismantled') AND EXISTS (SELECT 1 FROM wipe_missing(d.id))`,
		"devices without events":    `SELECT count(*) FROM devices d WHERE NOT EXISTS (SELECT 1 FROM device_events e WHERE e.device_id = d.id)`,
		"first event is the intake": `SELECT count(*) FROM devices d WHERE (SELECT kind FROM device_events e WHERE e.device_id = d.id ORDER BY id LIMIT 1) <> 'intake'`,
		"events in time order":      `SELECT count(*) FROM device_events a JOIN device_events b ON a.device_id = b.device_id AND a.id < b.id AND a.at > b.at`,
		"events in the future":      `SELECT count(*) FROM device_events WHERE at > TIMESTAMPTZ '2026-11-23 14:00:00Z' OR at < (SELECT received_at FROM devices WHERE id = device_id)`,
		// The status is where the status events lead, each one an allowed move from the last.
		"status is the last move": `SELECT count(*) FROM devices d WHERE d.status <> (SELECT to_status FROM device_events e WHERE e.device_id = d.id AND to_status IS NOT NULL ORDER BY id DESC LIMIT 1)`,
		"moves chain": `SELECT count(*) FROM (SELECT from_status, lag(to_status) OVER (PARTITION BY device_id ORDER BY id) AS prev, kind
			FROM device_events WHERE to_status IS NOT NULL) s WHERE kind = 'status' AND from_status IS DISTINCT FROM prev`,
		"allowed moves": `SELECT count(*) FROM device_events e WHERE kind = 'status'
			AND NOT EXISTS (SELECT 1 FROM device_transitions t WHERE t.from_status = e.from_status AND t.to_status = e.to_status)`,
		"ready has passed QA": `SELECT count(*) FROM devices d WHERE status IN ('ready', 'reserved')
			AND NOT coalesce((SELECT passed FROM qa_checks q WHERE q.device_id = d.id AND q.cycle = d.cycle ORDER BY id DESC LIMIT 1), false)`,
		"ready without blocking flags": `SELECT count(*) FROM devices d WHERE status = 'ready'
			AND EXISTS (SELECT 1 FROM device_flags f WHERE f.device_id = d.id AND f.cleared_at IS NULL AND f.flag <> 'over_age')`,
		"cycle counts the returns":  `SELECT count(*) FROM devices d WHERE cycle <> 1 + (SELECT count(*) FROM device_events e WHERE e.device_id = d.id AND e.to_status = 'received' AND e.kind = 'status')`,
		"version counts the events": `SELECT count(*) FROM devices d WHERE version <> (SELECT count(*) FROM device_events e WHERE e.device_id = d.id)`,
		"wipe events name records":  `SELECT count(*) FROM device_events e WHERE kind = 'wipe' AND NOT EXISTS (SELECT 1 FROM wipe_records w WHERE w.id = (e.detail->>'wipe_record_id')::bigint)`,
		"a wipe_failed flag per failure": `SELECT count(*) FROM wipe_records w JOIN storage_media m ON m.id = w.medium_id WHERE w.result = 'failed'
			AND NOT EXISTS (SELECT 1 FROM device_flags f WHERE f.device_id = m.device_id AND f.flag = 'wipe_failed')`,
		"destroy records complete": `SELECT count(*) FROM wipe_records WHERE method = 'destroy' AND (din_level IS NULL OR contractor IS NULL)`,
		"flash is never purged by overwrite": `SELECT count(*) FROM wipe_records w JOIN storage_media m ON m.id = w.medium_id
			WHERE m.kind IN ('ssd', 'nvme', 'emmc', 'flash') AND w.method = 'purge' AND w.technique ILIKE '%overwrite%'`,
		"one open flag of a kind": `SELECT count(*) FROM (SELECT 1 FROM device_flags WHERE cleared_at IS NULL GROUP BY device_id, flag HAVING count(*) > 1) s`,
		"over-age flags": `SELECT count(*) FROM devices d WHERE coalesce(extract(year FROM received_at) - manufacture_year >
			(SELECT (value->>d.kind)::int FROM settings WHERE key = 'acceptance.max_age_years'), false)
			<> EXISTS (SELECT 1 FROM device_flags f WHERE f.device_id = d.id AND f.flag = 'over_age')`,
		// The load ran without foreign key checks: the rows must satisfy them anyway.
		"fk devices.donation_id":      `SELECT count(*) FROM devices d LEFT JOIN donations x ON x.id = d.donation_id WHERE x.id IS NULL`,
		"fk donations.donor_id":       `SELECT count(*) FROM donations d LEFT JOIN donors x ON x.id = d.donor_id WHERE d.donor_id IS NOT NULL AND x.id IS NULL`,
		"fk storage_media.device_id":  `SELECT count(*) FROM storage_media m LEFT JOIN devices x ON x.id = m.device_id WHERE x.id IS NULL`,
		"fk wipe_records.medium_id":   `SELECT count(*) FROM wipe_records w LEFT JOIN storage_media x ON x.id = w.medium_id WHERE x.id IS NULL`,
		"fk wipe_records.operator_id": `SELECT count(*) FROM wipe_records w LEFT JOIN users x ON x.id = w.operator_id WHERE x.id IS NULL`,
		"fk device_events.device_id":  `SELECT count(*) FROM device_events e LEFT JOIN devices x ON x.id = e.device_id WHERE x.id IS NULL`,
		"fk device_events.actor_id":   `SELECT count(*) FROM device_events e LEFT JOIN users x ON x.id = e.actor_id WHERE e.actor_id IS NOT NULL AND x.id IS NULL`,
		"fk repair_workers":           `SELECT count(*) FROM repair_workers w LEFT JOIN repair_logs x ON x.id = w.repair_id LEFT JOIN users u ON u.id = w.user_id WHERE x.id IS NULL OR u.id IS NULL`,
		"fk qa_checks.device_id":      `SELECT count(*) FROM qa_checks q LEFT JOIN devices x ON x.id = q.device_id WHERE x.id IS NULL`,
		"fk device_flags.device_id":   `SELECT count(*) FROM device_flags f LEFT JOIN devices x ON x.id = f.device_id WHERE x.id IS NULL`,
		"fk donations.received_by":    `SELECT count(*) FROM donations d LEFT JOIN users x ON x.id = d.received_by WHERE x.id IS NULL`,
		"demo users without a login":  `SELECT count(*) FROM users WHERE email LIKE '%@` + demo.DemoEmailDomain + `' AND (role NOT IN ('staff', 'trainee', 'social_worker') OR password_hash NOT LIKE '$argon2id$%')`,
		// A reserved or handed-out device is held by a request in its cycle, as the devices'
		// trigger requires; each request's moves are the lifecycle's.
		"reserved without its request": `SELECT count(*) FROM devices d WHERE status = 'reserved' AND NOT EXISTS (SELECT 1 FROM device_requests r
			WHERE r.device_id = d.id AND r.device_cycle = d.cycle AND r.status = 'allocated')`,
		"handed out without its request": `SELECT count(*) FROM devices d WHERE status = 'handed_out' AND NOT EXISTS (SELECT 1 FROM device_requests r
			WHERE r.device_id = d.id AND r.device_cycle = d.cycle AND r.status = 'handed_out')`,
		"every reservation a request": `SELECT count(*) FROM devices d WHERE (SELECT count(*) FROM device_events e WHERE e.device_id = d.id AND e.to_status = 'reserved')
			<> (SELECT count(*) FROM device_requests r WHERE r.device_id = d.id)`,
		"allocated to a device that moved on": `SELECT count(*) FROM device_requests r JOIN devices d ON d.id = r.device_id WHERE r.status = 'allocated' AND d.status <> 'reserved'`,
		"request of another kind":             `SELECT count(*) FROM device_requests r JOIN devices d ON d.id = r.device_id WHERE r.kind <> d.kind`,
		"request moves": `SELECT count(*) FROM device_request_events e WHERE e.from_status IS NOT NULL
			AND NOT EXISTS (SELECT 1 FROM request_transitions t WHERE t.from_status = e.from_status AND t.to_status = e.to_status)`,
		"request status is its last move": `SELECT count(*) FROM device_requests r WHERE r.status <> (SELECT to_status FROM device_request_events e
			WHERE e.request_id = r.id AND to_status IS NOT NULL ORDER BY at DESC, id DESC LIMIT 1)`,
		"closed long ago, not anonymised": `SELECT count(*) FROM device_requests WHERE closed_at < TIMESTAMPTZ '2026-11-23 14:00:00Z' - interval '365 days' AND anonymised_at IS NULL`,
		"request before its device":       `SELECT count(*) FROM device_requests r JOIN devices d ON d.id = r.device_id WHERE r.allocated_at < d.received_at OR r.submitted_at > r.allocated_at`,
		"social workers of a partner":     `SELECT count(*) FROM device_requests r JOIN users u ON u.id = r.requester_id WHERE u.role = 'social_worker' AND u.partner_id <> r.partner_id`,
		"fk device_requests":              `SELECT count(*) FROM device_requests r LEFT JOIN users u ON u.id = r.requester_id LEFT JOIN partner_organisations p ON p.id = r.partner_id WHERE u.id IS NULL OR p.id IS NULL`,
		"indexes rebuilt or kept":         `SELECT 9 - count(*) FROM pg_indexes WHERE indexname IN ('devices_search_trgm_idx', 'device_events_device_idx', 'storage_media_serial_key', 'devices_donation_serial_key', 'wipe_records_medium_idx', 'devices_status_idx', 'qa_checks_device_idx', 'device_flags_open_key', 'donations_received_idx')`,
		"triggers back on":                `SELECT count(*) FROM pg_trigger WHERE tgrelid = 'devices'::regclass AND NOT tgisinternal AND tgenabled <> 'O'`,
		// The workshop as a school: the rules of hour entries hold.
		"a day over 12 hours":          `SELECT count(*) FROM (SELECT 1 FROM hour_entries WHERE status <> 'rejected' GROUP BY trainee_id, on_date HAVING sum(minutes) > 720) s`,
		"hours in the future":          `SELECT count(*) FROM hour_entries WHERE on_date > current_date`,
		"hours outside enrolments":     `SELECT count(*) FROM hour_entries h WHERE NOT EXISTS (SELECT 1 FROM enrolments e WHERE e.trainee_id = h.trainee_id AND h.on_date BETWEEN e.starts_on AND e.ends_on)`,
		"reviewed by who logged":       `SELECT count(*) FROM hour_entries WHERE reviewed_by = logged_by`,
		"rejected without a reason":    `SELECT count(*) FROM hour_entries WHERE (status = 'rejected') <> (reason IS NOT NULL)`,
		"a session over capacity":      `SELECT count(*) FROM (SELECT 1 FROM attendance a JOIN workshop_sessions s ON s.id = a.session_id GROUP BY s.id, s.capacity HAVING count(*) > s.capacity) s`,
		"attendance without its entry": `SELECT count(*) FROM attendance a LEFT JOIN hour_entries h ON h.id = a.hour_entry_id WHERE h.id IS NULL OR h.session_id <> a.session_id`,
	})
	if n := count(t, db.Owner, "SELECT count(DISTINCT status) FROM devices"); n < 5 {
		t.Errorf("statuses: got %d different ones among 200 devices, want the range of a real workshop", n)
	}

	// The application carries on after the demo data: its next intake gets the next tag and
	// donation number, and its moves pass the database's lifecycle trigger.
	var staffID int64
	if err := db.Owner.NewRaw("SELECT id FROM users WHERE role = 'staff' ORDER BY id LIMIT 1").Scan(ctx, &staffID); err != nil {
		t.Fatal(err)
	}
	actx := auth.WithActor(ctx, auth.Actor{UserID: staffID, Role: auth.RoleStaff})
	store := inventory.NewStore(db.App)
	don, devs, err := store.RecordDonation(actx, inventory.NewDonation{ReceivedOn: time.Now().UTC().Truncate(24 * time.Hour),
		Devices: []inventory.NewDevice{{Kind: inventory.KindLaptop, Make: "Dell", Model: "Latitude 5490", SerialNumber: "ABC1234",
			Storage: []inventory.NewStorage{{Kind: inventory.StorageSSD, SerialNumber: "S3NEW0001"}}}}})
	if err != nil {
		t.Fatalf("intake after the demo: %v", err)
	}
	if devs[0].TagNumber != 201 {
		t.Errorf("next tag: got %d (%s), want 201", devs[0].TagNumber, devs[0].Tag)
	}
	var last int
	if err := db.Owner.NewRaw("SELECT last FROM donation_counters WHERE year = ?", time.Now().Year()).Scan(ctx, &last); err != nil {
		t.Fatal(err)
	}
	if want := fmt.Sprintf("DON-%d-%05d", time.Now().Year(), last); don.Number != want {
		t.Errorf("next donation number: got %s, want %s", don.Number, want)
	}
	var ready inventory.Device
	if err := db.App.NewSelect().Model(&ready).Where("status = 'ready'").Order("id").Limit(1).Scan(ctx); err != nil {
		t.Fatalf("a ready device: %v", err)
	}
	// Reserving goes through a request: a walk-in filed, approved and given the device.
	reqs := requests.NewStore(db.App).WithIssuer(&requeststest.Issuer{})
	r, err := reqs.Submit(actx, requests.NewRequest{Reference: "DEMO-CHECK", Kind: ready.Kind, Purpose: requests.PurposeOther})
	if err == nil {
		_, err = reqs.Decide(actx, r.ID, requests.Approve, "")
	}
	if err == nil {
		_, err = reqs.Allocate(actx, r.ID, ready.ID, ready.Version, nil)
	}
	if err != nil {
		t.Errorf("reserve ready demo device %s through a request: %v", ready.Tag, err)
	}
	// A demo request holding a reserved device is handed out like any other.
	var held int64
	if err := db.Owner.NewRaw("SELECT id FROM device_requests WHERE status = 'allocated' AND reference <> 'DEMO-CHECK' ORDER BY id LIMIT 1").Scan(ctx, &held); err == nil {
		if _, err := reqs.HandOut(actx, held, requeststest.Signature(), ""); err != nil {
			t.Errorf("hand out demo request %d: %v", held, err)
		}
	}
	var received inventory.Device
	if err := db.App.NewSelect().Model(&received).Where("status = 'received' AND EXISTS (SELECT 1 FROM storage_media m WHERE m.device_id = device.id)").
		Order("id").Limit(1).Scan(ctx); err == nil {
		if _, err := store.Transition(actx, received.ID, received.Version, inventory.StatusWiped, ""); err == nil {
			t.Errorf("received demo device %s with unsanitized media moved to wiped", received.Tag)
		}
	}
}

func TestGenerateIfEmptyAndAppend(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	first := generate(t, db.Owner, demo.Options{Devices: 60, IfEmpty: true})
	if first.Skipped || first.Devices != 60 {
		t.Fatalf("first run with IfEmpty: got skipped=%v devices=%d, want 60 devices", first.Skipped, first.Devices)
	}
	events := count(t, db.Owner, "SELECT count(*) FROM device_events")
	users := count(t, db.Owner, "SELECT count(*) FROM users")
	again := generate(t, db.Owner, demo.Options{Devices: 60, IfEmpty: true})
	if !again.Skipped || again.Devices != 0 {
		t.Errorf("second run with IfEmpty: got skipped=%v devices=%d, want skipped", again.Skipped, again.Devices)
	}
	if got := count(t, db.Owner, "SELECT count(*) FROM device_events"); got != events {
		t.Errorf("events after a skipped run: got %d, want %d", got, events)
	}

	// Without IfEmpty a run adds to what is there: new tags, numbers and serials after the old.
	more := generate(t, db.Owner, demo.Options{Devices: 40})
	if more.Devices != 40 {
		t.Errorf("appending run: got %d devices, want 40", more.Devices)
	}
	if got := count(t, db.Owner, "SELECT count(*) FROM devices"); got != 100 {
		t.Errorf("devices after appending: got %d, want 100", got)
	}
	if got := count(t, db.Owner, "SELECT count(*) FROM users"); got != users {
		t.Errorf("users after appending: got %d, want the same %d demo users", got, users)
	}
	zero(t, db.Owner, map[string]string{
		"tag numbers 1..100": `SELECT 100 - count(DISTINCT tag_number) + max(tag_number) - 100 FROM devices`,
		"counters":           `SELECT count(*) FROM (SELECT extract(year FROM received_on)::int AS y, count(*) AS n FROM donations GROUP BY 1) s JOIN donation_counters c ON c.year = s.y WHERE c.last <> s.n`,
		"sequence":           `SELECT count(*) FROM devices WHERE tag_number > (SELECT last_value FROM device_tag_seq)`,
		"device counts":      countsRight,
	})
}

func TestGenerateWithTriggers(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	// A load by a role that may not switch triggers off keeps the foreign key checks and
	// disables only the tag trigger, then switches it back on.
	res, err := demo.GenerateWithTriggers(context.Background(), db.Owner, demo.Options{Devices: 50, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	if res.Devices != 50 {
		t.Errorf("devices: got %d, want 50", res.Devices)
	}
	zero(t, db.Owner, map[string]string{
		"tags":             `SELECT count(*) FROM devices WHERE tag <> refurb_tag('DI', tag_number)`,
		"triggers back on": `SELECT count(*) FROM pg_trigger WHERE tgrelid = 'devices'::regclass AND NOT tgisinternal AND tgenabled <> 'O'`,
		"device counts":    countsRight,
	})
}

func TestGenerateReproducible(t *testing.T) {
	t.Parallel()
	digest := func() string {
		db := pgtest.New(t)
		generate(t, db.Owner, demo.Options{Devices: 30, Seed: 7})
		var s string
		if err := db.Owner.NewRaw(`SELECT md5(string_agg(concat_ws('|', tag, kind, make, model, serial_number, status, version), ',' ORDER BY id))
			|| coalesce((SELECT md5(string_agg(request_id || ':' || md5(png), ',' ORDER BY request_id)) FROM device_request_signatures), '') FROM devices`).
			Scan(context.Background(), &s); err != nil {
			t.Fatal(err)
		}
		return s
	}
	if a, b := digest(), digest(); a != b {
		t.Errorf("two loads with the same seed differ: %s and %s", a, b)
	}
}

func TestNegativeDevices(t *testing.T) {
	if _, err := demo.Generate(context.Background(), nil, demo.Options{Devices: -1}); err == nil || !strings.Contains(err.Error(), "negative") {
		t.Errorf("Devices -1: got %v, want an error", err)
	}
}
