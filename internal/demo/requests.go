package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/digital-inclusion/refurb/inventory"
	"github.com/digital-inclusion/refurb/requests"
)

// Device requests in the demo data: partner organisations with their social workers (the first
// of each its coordinator), a request for every device the lifecycle reserved or handed out
// (allocated or handed out, in the device's cycle, as the database requires: a reserved or
// handed-out device is held by a request), and a queue of requests in every other status, so
// that the triage page has work on it. Requests closed longer ago than the retention period are
// anonymised, as the server would have done.

// partnerTemplates are the organisations, with the towns they are in.
var partnerTemplates = []struct {
	name string
	kind requests.PartnerKind
	code string
}{
	{"Office social de %s", requests.PartnerSocialOffice, "OS"},
	{"Office social régional %s", requests.PartnerSocialOffice, "OSR"},
	{"Lycée technique de %s", requests.PartnerSchool, "LT"},
	{"Maison relais %s", requests.PartnerSchool, "MR"},
	{"Caritas %s", requests.PartnerNGO, "CAR"},
	{"Croix-Rouge, antenne %s", requests.PartnerRefugeeAgency, "CRL"},
	{"ASTI %s", requests.PartnerNGO, "ASTI"},
	{"Foyer d'accueil %s", requests.PartnerRefugeeAgency, "FA"},
}

// partnerRow is a partner organisation the requests name.
type partnerRow struct {
	id      int64
	code    string
	workers []int64 // social workers; the first is the coordinator
}

// requestRow is one device request.
type requestRow struct {
	id, partnerID, requester            int64
	reference                           string
	kind                                inventory.Kind
	purpose                             requests.Purpose
	language, layout                    string
	urgency                             requests.Urgency
	household                           requests.Household
	note                                string
	status                              requests.Status
	reason                              string
	deviceID                            int64
	deviceCycle                         int
	pickupOn                            time.Time
	decidedAt, allocatedAt, handedOutAt time.Time
	decidedBy, allocatedBy, handedOutBy int64
	closedAt, anonymisedAt              time.Time
	version                             int
	submittedAt, updatedAt              time.Time
}

type requestEventRow struct {
	id, requestID int64
	at            time.Time
	actor         int64
	kind          string
	from, to      requests.Status
}

var (
	requestColumns = []string{"id", "partner_id", "requester_id", "reference", "kind", "purpose", "language", "keyboard_layout",
		"urgency", "household", "note", "status", "reason", "device_id", "device_cycle", "pickup_on", "decided_at", "decided_by",
		"allocated_at", "allocated_by", "handed_out_at", "handed_out_by", "closed_at", "anonymised_at", "version", "submitted_at", "updated_at"}
	requestEventColumns = []string{"id", "request_id", "at", "actor_id", "kind", "from_status", "to_status"}
)

func (r *requestRow) values(v []any) {
	v[0], v[1], v[2], v[3], v[4] = r.id, r.partnerID, r.requester, str(r.reference), string(r.kind)
	v[5], v[6], v[7], v[8], v[9] = string(r.purpose), str(r.language), str(r.layout), string(r.urgency), str(r.household)
	v[10], v[11], v[12], v[13] = str(r.note), string(r.status), str(r.reason), id(r.deviceID)
	if r.deviceID != 0 {
		v[14] = int32(r.deviceCycle)
	} else {
		v[14] = nil
	}
	v[15], v[16], v[17], v[18], v[19] = ts(r.pickupOn), ts(r.decidedAt), id(r.decidedBy), ts(r.allocatedAt), id(r.allocatedBy)
	v[20], v[21], v[22], v[23] = ts(r.handedOutAt), id(r.handedOutBy), ts(r.closedAt), ts(r.anonymisedAt)
	v[24], v[25], v[26] = int32(r.version), r.submittedAt, r.updatedAt
}

func (r *requestEventRow) values(v []any) {
	v[0], v[1], v[2], v[3], v[4], v[5], v[6] = r.id, r.requestID, r.at, id(r.actor), r.kind, str(r.from), str(r.to)
}

// retention is how long closed demo requests keep their details (the default policy).
const retention = 365 * 24 * time.Hour

// addPartners creates the demo's partner organisations and social workers unless they exist.
// There are enough social workers that each holds a few open requests (one per 100 devices,
// at least twelve).
func (g *generator) addPartners(ctx context.Context, tx pgx.Tx) error {
	workers := max(12, g.opts.Devices/100)
	towns := places[:min(len(places), max(2, workers/(3*len(partnerTemplates))+1))]
	hash, err := demoUserPassword()
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	for _, town := range towns {
		for _, pt := range partnerTemplates {
			name := fmt.Sprintf(pt.name, town.city)
			var pid int64
			err := tx.QueryRow(ctx, `INSERT INTO partner_organisations (name, kind, address, contact, created_at) VALUES ($1, $2, $3, $4, $5)
				ON CONFLICT DO NOTHING RETURNING id`, name, pt.kind, town.city, "+352 "+fmt.Sprint(2400+len(name)*7)+" 00", g.now.Add(-span-60*24*time.Hour)).Scan(&pid)
			if err == pgx.ErrNoRows {
				err = tx.QueryRow(ctx, "SELECT id FROM partner_organisations WHERE lower(name) = lower($1)", name).Scan(&pid)
			}
			if err != nil {
				return fmt.Errorf("demo: partner %s: %w", name, err)
			}
			g.partners = append(g.partners, partnerRow{id: pid, code: pt.code + strings.ToUpper(slug(town.city))[:min(3, len(slug(town.city)))]})
		}
	}
	for i := range workers {
		p := &g.partners[i%len(g.partners)]
		r := g.rng(streamPartner, uint64(i))
		name := oneOf(r, firstNames) + " " + oneOf(r, lastNames)
		// By number, so that a second run finds the same people.
		email := fmt.Sprintf("social.worker.%d@%s", i+1, DemoEmailDomain)
		var uid int64
		err := tx.QueryRow(ctx, `INSERT INTO users (email, name, role, password_hash, partner_id, coordinator, created_at, updated_at)
			VALUES ($1, $2, 'social_worker', $3, $4, $5, $6, $6) ON CONFLICT (email) DO NOTHING RETURNING id`,
			email, name, hash, p.id, len(p.workers) == 0, g.now.Add(-span-30*24*time.Hour)).Scan(&uid)
		if err == pgx.ErrNoRows {
			err = tx.QueryRow(ctx, "SELECT id FROM users WHERE email = $1", email).Scan(&uid)
		}
		if err != nil {
			return fmt.Errorf("demo: social worker %s: %w", email, err)
		}
		p.workers = append(p.workers, uid)
		g.workers++
	}
	// Requests come from organisations with social workers.
	staffed := g.partners[:0]
	for _, p := range g.partners {
		if len(p.workers) > 0 {
			staffed = append(staffed, p)
		}
	}
	g.partners = staffed
	return nil
}

// hold is a request that held a device in one of its cycles: reserved at, and handed out at
// (zero while the device is still reserved).
type hold struct {
	cycle      int
	reservedAt time.Time
	handedAt   time.Time
	staff      int64
}

// requestFor writes the request that held d in h, with its events, into c.
func (g *generator) requestFor(c *chunk, l *life, h hold) {
	r := rand.New(rand.NewPCG(g.opts.Seed^uint64(l.d.id)*0x9e3779b97f4a7c15, uint64(h.cycle)))
	req := g.newRequest(r, l.d.kind, h.reservedAt.Add(-days(r, 3, 60)))
	if l.d.layout != "" && r.IntN(10) < 6 {
		req.layout = l.d.layout
	}
	req.decidedAt = req.submittedAt.Add(hours(r, 2, 24*7))
	if req.decidedAt.After(h.reservedAt) {
		req.decidedAt = h.reservedAt.Add(-time.Hour)
	}
	req.decidedBy = h.staff
	req.deviceID, req.deviceCycle = l.d.id, h.cycle
	req.allocatedAt, req.allocatedBy = h.reservedAt, h.staff
	day := h.reservedAt.In(g.loc)
	req.pickupOn = time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, time.UTC).AddDate(0, 0, 1+r.IntN(3))
	events := []requestEventRow{
		{at: req.submittedAt, actor: req.requester, kind: "submitted", to: requests.StatusSubmitted},
		{at: req.decidedAt, actor: h.staff, kind: "decided", from: requests.StatusSubmitted, to: requests.StatusApproved},
		{at: h.reservedAt, actor: h.staff, kind: "allocated", from: requests.StatusApproved, to: requests.StatusAllocated},
	}
	req.status, req.version, req.updatedAt = requests.StatusAllocated, 3, h.reservedAt
	if !h.handedAt.IsZero() {
		req.status, req.version, req.updatedAt = requests.StatusHandedOut, 4, h.handedAt
		req.handedOutAt, req.handedOutBy, req.closedAt = h.handedAt, h.staff, h.handedAt
		events = append(events, requestEventRow{at: h.handedAt, actor: h.staff, kind: "handed_out", from: requests.StatusAllocated, to: requests.StatusHandedOut})
	}
	g.closeRequest(c, &req, events)
	// The beneficiary signed at the counter; anonymisation deleted the signature of a request
	// closed longer ago than the retention period.
	if req.status == requests.StatusHandedOut && req.anonymisedAt.IsZero() {
		c.signatures = append(c.signatures, signatureRow{requestID: req.id, png: g.signaturePNGs[req.id%int64(len(g.signaturePNGs))],
			signedAt: req.handedOutAt, recordedBy: req.handedOutBy})
	}
}

// newRequest invents a request of kind submitted at, by a social worker (or, one in ten, staff
// for a walk-in).
func (g *generator) newRequest(r *rand.Rand, kind inventory.Kind, at time.Time) requestRow {
	req := requestRow{id: g.next.request, kind: kind, submittedAt: at.Truncate(time.Second), urgency: requests.UrgencyNormal}
	g.next.request++
	if r.IntN(10) == 0 {
		req.partnerID, req.requester = g.walkIn, oneOf(r, g.staff)
		req.reference = fmt.Sprintf("WALK-%d-%04d", at.Year(), r.IntN(10000))
	} else {
		p := &g.partners[r.IntN(len(g.partners))]
		req.partnerID, req.requester = p.id, oneOf(r, p.workers)
		req.reference = fmt.Sprintf("%s-%d-%04d", p.code, at.Year(), r.IntN(10000))
	}
	req.purpose = []requests.Purpose{requests.PurposeSchool, requests.PurposeSchool, requests.PurposeJobSearch, requests.PurposeJobSearch,
		requests.PurposeAdministration, requests.PurposeLanguageLearning, requests.PurposeOther}[r.IntN(7)]
	req.language = []string{"fr", "fr", "fr", "pt", "pt", "ar", "ar", "en", "de", ""}[r.IntN(10)]
	switch x := r.IntN(100); {
	case x < 15:
		req.urgency = requests.UrgencyHigh
	case x < 85:
	default:
		req.urgency = requests.UrgencyLow
	}
	if r.IntN(3) > 0 {
		req.household = requests.Households[r.IntN(len(requests.Households))]
	}
	if r.IntN(4) == 0 {
		req.note = oneOf(r, []string{"needs a webcam for video calls with the school", "for an online German course",
			"two children share it for homework", "a large screen if possible", "to apply for jobs online", "French keyboard please"})
	}
	return req
}

// closeRequest anonymises a request closed longer ago than the retention period, as the
// server would have, numbers its events and adds both to c.
func (g *generator) closeRequest(c *chunk, req *requestRow, events []requestEventRow) {
	if !req.closedAt.IsZero() && g.now.Sub(req.closedAt) > retention {
		req.anonymisedAt = req.closedAt.Add(retention)
		req.reference, req.note, req.reason, req.language, req.layout, req.household = "", "", "", "", "", ""
		req.version++
		req.updatedAt = req.anonymisedAt
		events = append(events, requestEventRow{at: req.anonymisedAt, kind: "anonymised"})
	}
	for i := range events {
		events[i].id, events[i].requestID = g.next.requestEvent, req.id
		g.next.requestEvent++
	}
	c.requests = append(c.requests, *req)
	c.requestEvents = append(c.requestEvents, events...)
}

// queue invents the requests that hold no device: open ones waiting for a decision or a device
// (submitted in the last two months) and closed ones (rejected, cancelled) over the three years.
func (g *generator) queue() *chunk {
	c := &chunk{}
	n := max(15, g.opts.Devices/500)
	kinds := []inventory.Kind{inventory.KindLaptop, inventory.KindLaptop, inventory.KindLaptop, inventory.KindTablet, inventory.KindSmartphone, inventory.KindDesktop}
	for i := range n {
		r := g.rng(streamQueue, uint64(i))
		var at time.Time
		status := []requests.Status{requests.StatusSubmitted, requests.StatusSubmitted, requests.StatusSubmitted, requests.StatusWaitlisted,
			requests.StatusApproved, requests.StatusApproved, requests.StatusRejected, requests.StatusCancelled}[r.IntN(8)]
		if status.Open() {
			at = g.now.Add(-hours(r, 1, 60*24))
		} else {
			at = g.now.Add(-days(r, 1, int(span/(24*time.Hour))))
		}
		req := g.newRequest(r, oneOf(r, kinds), at)
		req.status, req.version, req.updatedAt = status, 1, req.submittedAt
		events := []requestEventRow{{at: req.submittedAt, actor: req.requester, kind: "submitted", to: requests.StatusSubmitted}}
		decide := func(to requests.Status, reason string) {
			req.decidedAt, req.decidedBy = req.submittedAt.Add(hours(r, 1, 24*5)), oneOf(r, g.staff)
			if req.decidedAt.After(g.now) {
				req.decidedAt = g.now.Add(-time.Minute)
			}
			req.reason, req.version, req.updatedAt = reason, req.version+1, req.decidedAt
			events = append(events, requestEventRow{at: req.decidedAt, actor: req.decidedBy, kind: "decided", from: requests.StatusSubmitted, to: to})
		}
		switch status {
		case requests.StatusWaitlisted:
			decide(status, oneOf(r, []string{"no laptop with this keyboard layout at the moment", "tablets are out of stock until next month"}))
		case requests.StatusApproved:
			decide(status, "")
		case requests.StatusRejected:
			decide(status, oneOf(r, []string{"outside the programme's criteria", "a device was handed out to the same household this year"}))
			req.closedAt = req.decidedAt
		case requests.StatusCancelled:
			req.closedAt = req.submittedAt.Add(days(r, 1, 20))
			if req.closedAt.After(g.now) {
				req.closedAt = g.now.Add(-time.Minute)
			}
			req.version, req.updatedAt = 2, req.closedAt
			events = append(events, requestEventRow{at: req.closedAt, actor: req.requester, kind: "cancelled", from: requests.StatusSubmitted, to: status})
		}
		g.closeRequest(c, &req, events)
	}
	return c
}
