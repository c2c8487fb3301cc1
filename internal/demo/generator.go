package demo

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/digital-inclusion/refurb/auth"
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
	if g.loc, err = time.LoadLocation("Europe/Luxembourg"); err != nil {
		g.loc = time.FixedZone("CET", 3600)
	}
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
)

// pick returns an index into a list of n, favouring the head: catalogues list the common
// models first.
func pick(r *rand.Rand, n int) int {
	return min(n-1, int(float64(n)*math.Pow(r.Float64(), 1.7)))
}

func oneOf[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

// planDonations plans the donors and donations: enough donations to hold opts.Devices, spread
// over the three years before now, numbered per year in date order.
func (g *generator) planDonations() {
	n := g.opts.Devices
	nDonors := min(max(n/120, 12), 50000)
	g.byKind = map[inventory.DonorKind][]int{}
	for i := range nDonors {
		d := g.donor(i)
		g.byKind[d.kind] = append(g.byKind[d.kind], i)
		g.donors = append(g.donors, d)
	}

	r := g.rng(streamDonation, 0)
	first := g.now.Add(-span)
	days := int(span / (24 * time.Hour))
	total := 0
	for total < n {
		dn := donationRow{}
		// Weekdays only; the workshop is closed at weekends and on 25 December.
		var day time.Time
		for {
			day = time.Date(first.Year(), first.Month(), first.Day()+r.IntN(days), 0, 0, 0, 0, time.UTC)
			if wd := day.Weekday(); wd != time.Saturday && wd != time.Sunday && !(day.Month() == 12 && day.Day() == 25) {
				break
			}
		}
		dn.receivedOn = day
		var d *donorRow
		switch x := r.Float64(); {
		case x < 0.45:
			d = g.pickDonor(r, inventory.DonorCompany)
			dn.size = 3 + int(r.ExpFloat64()*25)
		case x < 0.55:
			d = g.pickDonor(r, inventory.DonorPublicBody)
			dn.size = 5 + int(r.ExpFloat64()*15)
		case x < 0.65:
			d = g.pickDonor(r, inventory.DonorAssociation)
			dn.size = 1 + int(r.ExpFloat64()*5)
		case x < 0.85:
			d = g.pickDonor(r, inventory.DonorIndividual)
			dn.size = 1 + r.IntN(3)
		default: // anonymous drop-off at a recycling centre
			dn.size = 1 + r.IntN(4)
		}
		dn.size = min(dn.size, 400, n-total)
		dn.pointID = g.workshop
		if d != nil {
			dn.donorID, dn.donorKind, dn.donorCode = d.id, d.kind, initials(d.name)
			if d.kind == inventory.DonorIndividual && r.IntN(10) < 4 {
				dn.pointID = oneOf(r, g.centres)
			}
			if d.kind == inventory.DonorCompany && r.IntN(3) > 0 {
				dn.donorReference = fmt.Sprintf("%s-%d-%04d", oneOf(r, []string{"PO", "IT-DISP", "ASSET", "WEEE"}), day.Year(), 1+r.IntN(9999))
			}
		} else {
			dn.pointID = oneOf(r, append(g.centres, g.partner))
			dn.note = "anonymous drop-off"
		}
		if r.IntN(12) == 0 {
			dn.note = strings.TrimPrefix(dn.note+"; "+oneOf(r, []string{
				"picked up by the workshop van", "donor asked for an erasure certificate",
				"brought in two trips", "some chargers missing", "delivered on pallets",
			}), "; ")
		}
		dn.receivedBy = oneOf(r, g.staff)
		g.donations = append(g.donations, dn)
		total += dn.size
	}
	slices.SortStableFunc(g.donations, func(a, b donationRow) int { return a.receivedOn.Compare(b.receivedOn) })
	for i := range g.donations {
		dn := &g.donations[i]
		r := g.rng(streamDonation, uint64(i)+1)
		dn.id = g.next.donation
		g.next.donation++
		year := dn.receivedOn.Year()
		g.counters[year]++
		dn.number = fmt.Sprintf("DON-%d-%05d", year, g.counters[year])
		// Logged between 9:00 and 15:00, Luxembourg time.
		dn.receivedAt = time.Date(year, dn.receivedOn.Month(), dn.receivedOn.Day(), 9, r.IntN(360), r.IntN(60), 0, g.loc)
		if age := g.now.Sub(dn.receivedAt); age > 21*24*time.Hour {
			dn.closedAt = dn.receivedAt.Add(time.Duration(1+r.IntN(10)) * 24 * time.Hour)
		}
	}
}

func (g *generator) pickDonor(r *rand.Rand, kind inventory.DonorKind) *donorRow {
	ids := g.byKind[kind]
	if len(ids) == 0 {
		return nil
	}
	return &g.donors[ids[pick(r, len(ids))]]
}

func initials(name string) string {
	var b strings.Builder
	for _, w := range strings.Fields(name) {
		if c := w[0]; c >= 'A' && c <= 'Z' && b.Len() < 4 {
			b.WriteByte(c)
		}
	}
	if b.Len() < 2 {
		return "DN"
	}
	return b.String()
}

// donor invents donor i: 60% companies, 12% public bodies, 13% associations, 15% individuals,
// with names spread so that they rarely repeat.
func (g *generator) donor(i int) donorRow {
	r := g.rng(streamDonor, uint64(i))
	d := donorRow{id: g.next.donor, country: "LU"}
	g.next.donor++
	p := places[r.IntN(len(places))]
	if i < 30 || r.IntN(10) > 0 {
		p = places[r.IntN(30)] // most donors are in Luxembourg
	}
	d.city, d.country = p.city, p.country
	d.postal = fmt.Sprintf(p.postal, r.IntN(100))
	if strings.HasPrefix(p.postal, "L-1") || strings.HasPrefix(p.postal, "L-2") {
		d.postal = fmt.Sprintf(p.postal, r.IntN(1000))
	}
	d.address = fmt.Sprintf("%d, %s", 1+r.IntN(150), oneOf(r, streets))
	person := oneOf(r, firstNames) + " " + oneOf(r, lastNames)
	kinds := []inventory.DonorKind{inventory.DonorCompany, inventory.DonorPublicBody, inventory.DonorAssociation, inventory.DonorIndividual}
	d.kind = kinds[0]
	switch x := r.IntN(100); {
	case i < len(kinds): // at least one of each
		d.kind = kinds[i]
	case x < 60:
	case x < 72:
		d.kind = kinds[1]
	case x < 85:
		d.kind = kinds[2]
	default:
		d.kind = kinds[3]
	}
	// Names walk through the combinations with a stride coprime to their count, so the first
	// thousands are all different.
	seq := uint64(i)*7919 + uint64(g.opts.Seed%1000)
	switch d.kind {
	case inventory.DonorCompany:
		heads := len(orgPlaces) + len(lastNames)
		k := seq % uint64(heads*len(orgSectors)*len(orgForms))
		head := int(k % uint64(heads))
		var h string
		if head < len(orgPlaces) {
			h = orgPlaces[head]
		} else {
			h = lastNames[head-len(orgPlaces)]
		}
		d.name = fmt.Sprintf("%s %s %s", h, orgSectors[int(k/uint64(heads))%len(orgSectors)], orgForms[int(k/uint64(heads*len(orgSectors)))%len(orgForms)])
		d.registration = fmt.Sprintf("B%d", 10000+r.IntN(290000))
		d.contact = person
		d.email = "it@" + slug(h+orgSectors[int(k/uint64(heads))%len(orgSectors)]) + ".lu"
		d.phone = fmt.Sprintf("+352 %d %02d %02d %02d", 2+r.IntN(2)*20+r.IntN(8), r.IntN(100), r.IntN(100), r.IntN(100))
	case inventory.DonorPublicBody:
		town := places[int(seq)%30].city
		d.name = fmt.Sprintf(publicKind[int(seq/30)%len(publicKind)], town)
		if dept := publicDepts[int(seq/uint64(30*len(publicKind)))%len(publicDepts)]; dept != "" {
			d.name += ", " + dept
		}
		d.contact = person
		d.email = "informatique@" + slug(town) + ".lu"
		d.phone = fmt.Sprintf("+352 %d %02d %02d", 2400+r.IntN(600), r.IntN(100), r.IntN(100))
	case inventory.DonorAssociation:
		town := places[int(seq)%30].city
		if k := int(seq % 60); k >= 30 {
			town = orgPlaces[k-30]
		}
		d.name = fmt.Sprintf(assocKind[int(seq/60)%len(assocKind)], town)
		d.registration = fmt.Sprintf("F%d", 1000+r.IntN(14000))
		d.contact = person
		if r.IntN(2) == 0 {
			d.email = "contact@" + slug(d.name) + ".lu"
		}
	case inventory.DonorIndividual:
		d.name = person
		if r.IntN(3) > 0 {
			d.email = slug(strings.ReplaceAll(person, " ", ".")) + "@" + oneOf(r, []string{"pt.lu", "gmail.com", "internet.lu", "outlook.com"})
		}
		if r.IntN(2) == 0 {
			d.phone = fmt.Sprintf("+352 6%d1 %03d %03d", 2+r.IntN(8), r.IntN(1000), r.IntN(1000))
		}
	}
	if r.IntN(15) == 0 {
		d.notes = oneOf(r, []string{"prefers pick-up on Friday mornings", "asks for a donation certificate every time",
			"IT department renews laptops every four years", "CSR report needs CO2e figures"})
	}
	d.createdAt = g.now.Add(-span - time.Duration(r.IntN(400))*24*time.Hour).Truncate(time.Second)
	return d
}

// slug lower-cases s to letters and digits only (accents dropped), for e-mail addresses.
func slug(s string) string {
	var b strings.Builder
	for _, c := range strings.ToLower(s) {
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9', c == '.':
			b.WriteRune(c)
		case strings.ContainsRune("éèêë", c):
			b.WriteByte('e')
		case strings.ContainsRune("àâä", c):
			b.WriteByte('a')
		case strings.ContainsRune("ûüù", c):
			b.WriteByte('u')
		case strings.ContainsRune("ôö", c), c == 'ó':
			b.WriteByte('o')
		case c == 'ç':
			b.WriteByte('c')
		case c == 'î' || c == 'ï':
			b.WriteByte('i')
		}
	}
	return b.String()
}

// chunk is a batch of devices with everything that hangs off them.
type chunk struct {
	devices []deviceRow
	media   []mediumRow
	wipes   []wipeRow
	repairs []repairRow
	workers [][2]int64
	qa      []qaRow
	flags   []flagRow
	events  []eventRow

	requests      []requestRow
	requestEvents []requestEventRow
}

// load copies the donors and donations, then the devices chunk by chunk while the next chunk
// is being generated.
func (g *generator) load(ctx context.Context, tx pgx.Tx, res *Result) error {
	if err := copyRows(ctx, tx, res, "donors", donorColumns, g.donors, (*donorRow).values, &res.Donors); err != nil {
		return err
	}
	if err := copyRows(ctx, tx, res, "donations", donationColumns, g.donations, (*donationRow).values, &res.Donations); err != nil {
		return err
	}

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	chunks := make(chan *chunk, 1)
	genErr := make(chan error, 1)
	go func() {
		defer close(chunks)
		genErr <- g.chunks(ctx, chunks)
	}()
	start := time.Now()
	lastReport := start
	for c := range chunks {
		if err := g.copyChunk(ctx, tx, c, res); err != nil {
			cancel()
			for range chunks { // let the generator finish
			}
			return err
		}
		if time.Since(lastReport) > 2*time.Second || res.Devices == int64(g.opts.Devices) {
			lastReport = time.Now()
			el := time.Since(start)
			fmt.Fprintf(g.opts.Progress, "demo: %d/%d devices (%d%%), %d events, %v\n", res.Devices, g.opts.Devices,
				res.Devices*100/int64(g.opts.Devices), res.Events, el.Round(time.Second))
		}
	}
	if err := <-genErr; err != nil {
		return err
	}
	// The requests that hold no device: the queue, and closed ones.
	return g.copyRequests(ctx, tx, g.queue(), res)
}

func (g *generator) copyChunk(ctx context.Context, tx pgx.Tx, c *chunk, res *Result) error {
	if err := copyRows(ctx, tx, res, "devices", deviceColumns, c.devices, (*deviceRow).values, &res.Devices); err != nil {
		return err
	}
	if err := copyRows(ctx, tx, res, "storage_media", mediumColumns, c.media, (*mediumRow).values, &res.Media); err != nil {
		return err
	}
	if err := copyRows(ctx, tx, res, "wipe_records", wipeColumns, c.wipes, (*wipeRow).values, &res.Wipes); err != nil {
		return err
	}
	if err := copyRows(ctx, tx, res, "repair_logs", repairColumns, c.repairs, (*repairRow).values, &res.Repairs); err != nil {
		return err
	}
	var n int64
	if err := copyRows(ctx, tx, res, "repair_workers", workerColumns, c.workers, func(w *[2]int64, v []any) { v[0], v[1] = w[0], w[1] }, &n); err != nil {
		return err
	}
	if err := copyRows(ctx, tx, res, "qa_checks", qaColumns, c.qa, (*qaRow).values, &res.QAChecks); err != nil {
		return err
	}
	if err := copyRows(ctx, tx, res, "device_flags", flagColumns, c.flags, (*flagRow).values, &res.Flags); err != nil {
		return err
	}
	if err := copyRows(ctx, tx, res, "device_events", eventColumns, c.events, (*eventRow).values, &res.Events); err != nil {
		return err
	}
	return g.copyRequests(ctx, tx, c, res)
}

// copyRequests copies a chunk's device requests and their events, after the devices they hold.
func (g *generator) copyRequests(ctx context.Context, tx pgx.Tx, c *chunk, res *Result) error {
	if err := copyRows(ctx, tx, res, "device_requests", requestColumns, c.requests, (*requestRow).values, &res.Requests); err != nil {
		return err
	}
	var n int64
	return copyRows(ctx, tx, res, "device_request_events", requestEventColumns, c.requestEvents, (*requestEventRow).values, &n)
}

func copyRows[T any](ctx context.Context, tx pgx.Tx, res *Result, table string, columns []string, rows []T, values func(*T, []any), count *int64) error {
	if len(rows) == 0 {
		return nil
	}
	t0 := time.Now()
	n, err := tx.CopyFrom(ctx, pgx.Identifier{table}, columns, newSource(rows, columns, values))
	if err != nil {
		return fmt.Errorf("demo: copy into %s: %w", table, err)
	}
	if res.CopyTimes == nil {
		res.CopyTimes = map[string]time.Duration{}
	}
	res.CopyTimes[table] += time.Since(t0)
	*count += n
	return nil
}

// chunks generates the devices donation by donation and sends them in chunks.
func (g *generator) chunks(ctx context.Context, out chan<- *chunk) error {
	c := &chunk{}
	send := func() error {
		g.finishChunk(c)
		select {
		case out <- c:
		case <-ctx.Done():
			return ctx.Err()
		}
		c = &chunk{}
		return nil
	}
	g.eventTarget = 0
	for i := range g.donations {
		dn := &g.donations[i]
		for pos := range dn.size {
			if err := g.device(c, dn, pos); err != nil {
				return err
			}
			if len(c.devices) >= chunkDevices {
				if err := send(); err != nil {
					return err
				}
			}
		}
	}
	if len(c.devices) > 0 {
		return send()
	}
	return nil
}

// finishChunk orders the chunk's events by time, as a live database would hold them (one
// device's events spread among others'), and numbers them.
func (g *generator) finishChunk(c *chunk) {
	slices.SortStableFunc(c.events, func(a, b eventRow) int { return cmp.Compare(a.at.UnixNano(), b.at.UnixNano()) })
	for i := range c.events {
		c.events[i].id = g.next.event
		g.next.event++
	}
}
