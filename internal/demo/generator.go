package demo

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/internal/calendar"
	"github.com/digital-inclusion/refurb/inventory"
)

// span is how far back the data goes.
const span = 3 * 365 * 24 * time.Hour

// generator holds what every device needs: the settings, the users and places the data names,
// the donations, and the next id of every table. Its methods run on one goroutine.
type generator struct {
	opts Options
	now  time.Time
	loc  *time.Location

	prefix     string
	weights    map[inventory.Kind]float64
	maxAge     map[inventory.Kind]int
	batteryMin int
	qa         map[inventory.Kind][]inventory.QAItem
	qaPassed   map[inventory.Kind][]byte // the JSON items of a check where everything passed

	staff, trainees []int64
	partners        []partnerRow
	walkIn          int64 // the walk-in organisation
	workers         int   // social workers
	workshop        int64
	centres         []int64 // recycling centres
	partner         int64
	// signaturePNGs are the hand-outs' signatures (signature.go), drawn once.
	signaturePNGs [][]byte

	donors    []donorRow
	byKind    map[inventory.DonorKind][]int // indexes into donors
	donations []donationRow
	counters  map[int]int // year: last donation number used

	next struct {
		donor, donation, device, medium, wipe, repair, qa, flag, event, tag, request, requestEvent int64
	}
	// events emitted so far, and the number the average asks for: each device tops its
	// history up with notes and edits so that the total follows the average.
	events, eventTarget int64
}

// newGenerator reads the settings, adds the demo users and collection points, finds the next
// ids and plans the donors and donations.
func newGenerator(ctx context.Context, tx pgx.Tx, opts Options) (*generator, error) {
	g := &generator{opts: opts, now: opts.Now.Truncate(time.Second), counters: map[int]int{}}
	var err error
	g.loc = calendar.Zone()
	settings := []struct {
		key string
		v   any
	}{
		{"tag_prefix", &g.prefix},
		{"default_weight_kg", &g.weights},
		{"acceptance.max_age_years", &g.maxAge},
		{"qa.battery_min_pct", &g.batteryMin},
	}
	for _, s := range settings {
		var raw []byte
		if err := tx.QueryRow(ctx, "SELECT value FROM settings WHERE key = $1", s.key).Scan(&raw); err != nil {
			return nil, fmt.Errorf("demo: read setting %s: %w", s.key, err)
		}
		if err := json.Unmarshal(raw, s.v); err != nil {
			return nil, fmt.Errorf("demo: read setting %s: %w", s.key, err)
		}
	}
	if g.prefix == "" {
		g.prefix = "DI"
	}
	if err := g.readQA(ctx, tx); err != nil {
		return nil, err
	}
	if err := g.addUsers(ctx, tx); err != nil {
		return nil, err
	}
	if err := g.addCollectionPoints(ctx, tx); err != nil {
		return nil, err
	}
	if err := g.addPartners(ctx, tx); err != nil {
		return nil, err
	}
	if err := tx.QueryRow(ctx, "SELECT id FROM partner_organisations WHERE walk_in").Scan(&g.walkIn); err != nil {
		return nil, fmt.Errorf("demo: the walk-in organisation: %w", err)
	}
	if err := g.readNextIDs(ctx, tx); err != nil {
		return nil, err
	}
	rows, err := tx.Query(ctx, "SELECT year, last FROM donation_counters")
	if err != nil {
		return nil, fmt.Errorf("demo: read donation counters: %w", err)
	}
	var year, last int
	if _, err := pgx.ForEachRow(rows, []any{&year, &last}, func() error { g.counters[year] = last; return nil }); err != nil {
		return nil, fmt.Errorf("demo: read donation counters: %w", err)
	}
	g.planDonations()
	return g, nil
}

func (g *generator) readQA(ctx context.Context, tx pgx.Tx) error {
	g.qa = map[inventory.Kind][]inventory.QAItem{}
	g.qaPassed = map[inventory.Kind][]byte{}
	rows, err := tx.Query(ctx, "SELECT device_kind, items FROM qa_templates")
	if err != nil {
		return fmt.Errorf("demo: read QA templates: %w", err)
	}
	var kind string
	var raw []byte
	_, err = pgx.ForEachRow(rows, []any{&kind, &raw}, func() error {
		var items []inventory.QAItem
		if err := json.Unmarshal(raw, &items); err != nil {
			return err
		}
		g.qa[inventory.Kind(kind)] = items
		return nil
	})
	if err != nil {
		return fmt.Errorf("demo: read QA templates: %w", err)
	}
	for k, items := range g.qa {
		g.qaPassed[k] = qaJSON(items, "", "")
	}
	return nil
}

// qaJSON returns a check's items as RecordQACheck stores them: every item passed but failKey,
// which failed with note.
func qaJSON(template []inventory.QAItem, failKey, note string) []byte {
	items := make([]inventory.QAItem, len(template))
	for i, t := range template {
		items[i] = inventory.QAItem{Key: t.Key, Label: t.Label, Passed: t.Key != failKey}
		if t.Key == failKey {
			items[i].Note = note
		}
	}
	b, _ := json.Marshal(items)
	return b
}

// addUsers creates the demo staff and trainees unless they exist, with passwords nobody knows.
func (g *generator) addUsers(ctx context.Context, tx pgx.Tx) error {
	for _, u := range demoUsers {
		email := strings.ToLower(strings.ReplaceAll(u.name, " ", ".")) + "@" + DemoEmailDomain
		var uid int64
		err := tx.QueryRow(ctx, "SELECT id FROM users WHERE email = $1", email).Scan(&uid)
		if err == pgx.ErrNoRows {
			hash, herr := demoUserPassword()
			if herr != nil {
				return fmt.Errorf("demo: %w", herr)
			}
			err = tx.QueryRow(ctx, `INSERT INTO users (email, name, role, password_hash, created_at, updated_at)
				VALUES ($1, $2, $3, $4, $5, $5) RETURNING id`, email, u.name, string(u.role), hash, g.now.Add(-span-30*24*time.Hour)).Scan(&uid)
		}
		if err != nil {
			return fmt.Errorf("demo: user %s: %w", email, err)
		}
		if auth.Office.Has(u.role) {
			g.staff = append(g.staff, uid)
		} else {
			g.trainees = append(g.trainees, uid)
		}
	}
	return nil
}

func (g *generator) addCollectionPoints(ctx context.Context, tx pgx.Tx) error {
	for _, cp := range collectionPoints {
		if _, err := tx.Exec(ctx, "INSERT INTO collection_points (name, kind, address) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING",
			cp.name, cp.kind, cp.address); err != nil {
			return fmt.Errorf("demo: collection point %s: %w", cp.name, err)
		}
	}
	rows, err := tx.Query(ctx, "SELECT id, kind FROM collection_points WHERE active ORDER BY id")
	if err != nil {
		return fmt.Errorf("demo: read collection points: %w", err)
	}
	var cid int64
	var kind string
	_, err = pgx.ForEachRow(rows, []any{&cid, &kind}, func() error {
		switch {
		case kind == "workshop" && g.workshop == 0:
			g.workshop = cid
		case kind == "recycling_centre":
			g.centres = append(g.centres, cid)
		case kind == "partner" && g.partner == 0:
			g.partner = cid
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("demo: read collection points: %w", err)
	}
	if g.workshop == 0 {
		return fmt.Errorf("demo: no active workshop among the collection points")
	}
	if len(g.centres) == 0 {
		g.centres = []int64{g.workshop}
	}
	if g.partner == 0 {
		g.partner = g.workshop
	}
	return nil
}

// readNextIDs finds the first free id of each table: above both the highest id and the
// identity sequence, which the load moves on at the end. The tables are locked.
func (g *generator) readNextIDs(ctx context.Context, tx pgx.Tx) error {
	for _, t := range []struct {
		table string
		next  *int64
	}{
		{"donors", &g.next.donor}, {"donations", &g.next.donation}, {"devices", &g.next.device},
		{"storage_media", &g.next.medium}, {"wipe_records", &g.next.wipe}, {"repair_logs", &g.next.repair},
		{"qa_checks", &g.next.qa}, {"device_flags", &g.next.flag}, {"device_events", &g.next.event},
		{"device_requests", &g.next.request}, {"device_request_events", &g.next.requestEvent},
	} {
		q := fmt.Sprintf(`SELECT greatest((SELECT coalesce(max(id), 0) FROM %[1]s),
			coalesce(pg_sequence_last_value(pg_get_serial_sequence('%[1]s', 'id')), 0)) + 1`, t.table)
		if err := tx.QueryRow(ctx, q).Scan(t.next); err != nil {
			return fmt.Errorf("demo: next id of %s: %w", t.table, err)
		}
	}
	err := tx.QueryRow(ctx, `SELECT greatest((SELECT coalesce(max(tag_number), 0) FROM devices),
		coalesce(pg_sequence_last_value('device_tag_seq'), 0)) + 1`).Scan(&g.next.tag)
	if err != nil {
		return fmt.Errorf("demo: next tag number: %w", err)
	}
	return nil
}

// finish moves the sequences past the ids and tag numbers used and records the donation
// numbers in donation_counters, so the application carries on after them.
func (g *generator) finish(ctx context.Context, tx pgx.Tx) error {
	for _, t := range []struct {
		table string
		next  int64
	}{
		{"donors", g.next.donor}, {"donations", g.next.donation}, {"devices", g.next.device},
		{"storage_media", g.next.medium}, {"wipe_records", g.next.wipe}, {"repair_logs", g.next.repair},
		{"qa_checks", g.next.qa}, {"device_flags", g.next.flag}, {"device_events", g.next.event},
		{"device_requests", g.next.request}, {"device_request_events", g.next.requestEvent},
	} {
		if t.next <= 1 {
			continue
		}
		q := fmt.Sprintf("SELECT setval(pg_get_serial_sequence('%s', 'id'), $1)", t.table)
		if _, err := tx.Exec(ctx, q, t.next-1); err != nil {
			return fmt.Errorf("demo: move the id sequence of %s: %w", t.table, err)
		}
	}
	if _, err := tx.Exec(ctx, "SELECT setval('device_tag_seq', $1)", g.next.tag-1); err != nil {
		return fmt.Errorf("demo: move the tag sequence: %w", err)
	}
	for year, last := range g.counters {
		if _, err := tx.Exec(ctx, `INSERT INTO donation_counters (year, last) VALUES ($1, $2)
			ON CONFLICT (year) DO UPDATE SET last = greatest(donation_counters.last, excluded.last)`, year, last); err != nil {
			return fmt.Errorf("demo: donation counter %d: %w", year, err)
		}
	}
	return nil
}

// rng returns the random source of one item (a donor, a donation, a device): each has its own,
// so the data does not depend on the order of generation.
func (g *generator) rng(stream, n uint64) *rand.Rand {
	return rand.New(rand.NewPCG(g.opts.Seed^stream*0x9e3779b97f4a7c15, n))
}

const (
	streamDonor = iota + 1
	streamDonation
	streamDevice
	streamPartner
	streamQueue
	streamSignature
)

// pick returns an index into a list of n, favouring the head: catalogues list the common
// models first.
func pick(r *rand.Rand, n int) int {
	return min(n-1, int(float64(n)*math.Pow(r.Float64(), 1.7)))
}

func oneOf[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }
