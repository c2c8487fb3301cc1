package impact

import (
	"context"
	"math"
	"time"

	"github.com/uptrace/bun"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/certificates"
	"github.com/digital-inclusion/refurb/internal/calendar"
	"github.com/digital-inclusion/refurb/inventory"
	"github.com/digital-inclusion/refurb/requests"
	"github.com/digital-inclusion/refurb/workshops"
)

// Ledger is the impact of the workshop over a period of days (docs/impact.md says what each
// figure means and where it comes from).
type Ledger struct {
	From, To time.Time // the period's first and last days

	// Devices are the period's device flows; Months the same month by month (every month of
	// the period, in order), Kinds kind by kind (kinds with a flow, in inventory.Kinds order),
	// MonthKinds month by month and kind by kind (those with a flow).
	Devices    Flows
	Months     []MonthFlows
	Kinds      []KindFlows
	MonthKinds []MonthKindFlows
	// FactorSets are the impact factor sets the period's hand-outs counted with, oldest first:
	// more than one when the period spans a change of set.
	FactorSets []FactorSetUse
	// Age is the devices' age at intake and at hand-out and the years of use they gain.
	Age Age

	// RequestsHandedOut counts the device requests handed out; ByPartner splits them by the
	// kind of the partner organisation and the purpose (groups with hand-outs).
	RequestsHandedOut int
	ByPartner         []PartnerGroup
	// MedianWaitDays and P90WaitDays are the median and 90th percentile of the calendar days
	// from a request to its hand-out, over the requests handed out; nil when none was.
	MedianWaitDays, P90WaitDays *float64
	// Queue is the number of requests waiting for a device at the end of each month of the
	// period (the last point: at its last day).
	Queue []QueuePoint
	// FollowUps are the follow-ups asked in the period three months after a hand-out, with
	// their answers.
	FollowUps FollowUps

	// TraineeMinutes are the approved minutes of trainees' hours dated in the period; Hours
	// the same by programme and month, Programmes by programme (their Month is zero).
	TraineeMinutes int
	Hours          []workshops.ProgrammeMonth
	Programmes     []workshops.ProgrammeMonth
	// SkillsCertified counts the skills trainees were first assessed as doing alone in the
	// period; Skills skill by skill.
	SkillsCertified int
	Skills          []workshops.CertifiedSkill
	// CertificatesIssued counts the certificates issued in the period; Certificates kind by
	// kind.
	CertificatesIssued int
	Certificates       []certificates.KindCount
}

// SpansFactorSets reports whether the period's hand-outs counted with more than one factor
// set: its CO2e figure adds values of different sets.
func (l *Ledger) SpansFactorSets() bool { return len(l.FactorSets) > 1 }

// Flows are devices that arrived and left in a period: how many, their weight, and the CO2e
// their reuse avoided.
type Flows struct {
	Received  int // taken in (intake, import)
	HandedOut int // given to beneficiaries, through a device request
	// Recycled counts the devices sent to recycling or dismantled; Dismantled those dismantled
	// alone. Donation certificates count recycled weight the same way.
	Recycled   int
	Dismantled int
	Returned   int // brought back by a beneficiary
	KGReceived float64
	KGReused   float64 // weight of the devices handed out
	KGRecycled float64 // weight of the devices recycled or dismantled
	// CO2eAvoidedKG is the manufacturing emissions the hand-outs avoided: each device handed
	// out counts its category's avoided value in the factor set in force at that moment.
	CO2eAvoidedKG float64
}

func (f *Flows) add(g Flows) {
	f.Received += g.Received
	f.HandedOut += g.HandedOut
	f.Recycled += g.Recycled
	f.Dismantled += g.Dismantled
	f.Returned += g.Returned
	f.KGReceived += g.KGReceived
	f.KGReused += g.KGReused
	f.KGRecycled += g.KGRecycled
	f.CO2eAvoidedKG += g.CO2eAvoidedKG
}

// MonthFlows are one month's flows.
type MonthFlows struct {
	Month time.Time // its first day
	Flows
}

// KindFlows are one kind's flows and ages.
type KindFlows struct {
	Kind inventory.Kind
	Flows
	Age Age
}

// MonthKindFlows are one kind's flows in one month.
type MonthKindFlows struct {
	Month time.Time
	Kind  inventory.Kind
	Flows
}

// FactorSetUse is an impact factor set and what the period's hand-outs counted with it.
type FactorSetUse struct {
	ID            int64
	Name, Version string
	Source        string
	// InForceFrom is when the set was created: it counts the hand-outs from then until the
	// next set (the oldest set also those before it).
	InForceFrom   time.Time
	Devices       int // hand-outs counted with it
	CO2eAvoidedKG float64
}

// Age is how old devices were when they arrived and when they left, and how much longer they
// are expected to be used.
type Age struct {
	// AtIntakeYears is the mean age, in whole years, of the devices received whose
	// manufacture year is known (IntakeDated of them); nil when none is.
	AtIntakeYears *float64
	IntakeDated   int
	// AtHandOutYears is the same for the devices handed out (HandOutDated of them).
	AtHandOutYears *float64
	HandOutDated   int
	// ExtraYears are the years of use the devices handed out are expected to gain, each by
	// its kind (setting impact.second_life_years), together; ExtraYearsPerDevice per device.
	ExtraYears          float64
	ExtraYearsPerDevice *float64
	// LifetimeFactor is how many times its first life a device's whole life becomes: (age at
	// hand-out + extra years) / age at hand-out. 2 is the seed's "double the lifetime". Nil
	// without an age at hand-out.
	LifetimeFactor *float64
}

// PartnerGroup is the requests handed out for one kind of partner and one purpose.
type PartnerGroup struct {
	PartnerKind requests.PartnerKind
	Purpose     requests.Purpose
	HandedOut   int
}

// QueuePoint is the request queue at the end of a day: the requests waiting for a device
// (submitted, approved or waitlisted) and, of them, those waitlisted.
type QueuePoint struct {
	Date       time.Time
	Waiting    int
	Waitlisted int
}

// deviceRow is a row of the device summary, by month, outcome, kind, category and set.
type deviceRow struct {
	Month    time.Time      `bun:"month"`
	Outcome  string         `bun:"outcome"`
	Kind     inventory.Kind `bun:"kind"`
	Category string         `bun:"category"`
	SetID    *int64         `bun:"set_id"`
	Devices  int            `bun:"devices"`
	KG       float64        `bun:"kg"`
	Aged     int            `bun:"aged"`
	AgeSum   int            `bun:"age_sum"`
}

// Ledger returns the impact of the period from from to to (both included, days in Europe/
// Luxembourg). A period without activity has zeros, empty lists and nil medians. Staff and
// administrators.
func (s *Store) Ledger(ctx context.Context, from, to time.Time) (*Ledger, error) {
	if _, err := auth.Require(ctx, auth.Office); err != nil {
		return nil, err
	}
	from, to, err := period(from, to)
	if err != nil {
		return nil, err
	}
	l := &Ledger{From: from, To: to}
	err = s.read(ctx, func(ctx context.Context, tx bun.Tx) error {
		if err := s.devices(ctx, tx, l); err != nil {
			return err
		}
		if err := s.requests(ctx, tx, l); err != nil {
			return err
		}
		return s.school(ctx, tx, l)
	})
	if err != nil {
		return nil, err
	}
	return l, nil
}

// ageSums accumulates ages.
type ageSums struct{ received, receivedAge, handed, handedAge int }

// devices reads the device flows, their CO2e and ages.
func (s *Store) devices(ctx context.Context, tx bun.Tx, l *Ledger) error {
	sets, err := certificates.FactorSets(ctx, tx)
	if err != nil {
		return err
	}
	life, err := secondLife(ctx, tx)
	if err != nil {
		return err
	}
	var rows []deviceRow
	if err := tx.NewRaw(`SELECT date_trunc('month', day)::date AS month, outcome, kind, category, set_id,
			sum(devices)::bigint AS devices, sum(kg)::float8 AS kg, sum(aged)::bigint AS aged, sum(age_sum)::bigint AS age_sum
		FROM impact_device_days WHERE day BETWEEN ? AND ?
		GROUP BY 1, 2, 3, 4, 5`, l.From, l.To).Scan(ctx, &rows); err != nil {
		return dbErr("read device flows", err)
	}
	avoided := map[int64]map[string]float64{}
	for _, set := range sets {
		m := map[string]float64{}
		for _, f := range set.Factors {
			m[f.Category] = f.AvoidedKGCO2e
		}
		avoided[set.ID] = m
	}
	used := map[int64]*FactorSetUse{}
	months := map[time.Time]*MonthFlows{}
	for m := monthOf(l.From); !m.After(l.To); m = m.AddDate(0, 1, 0) {
		l.Months = append(l.Months, MonthFlows{Month: m})
	}
	for i := range l.Months {
		months[l.Months[i].Month] = &l.Months[i]
	}
	kinds := map[inventory.Kind]*KindFlows{}
	type mk struct {
		month time.Time
		kind  inventory.Kind
	}
	monthKinds := map[mk]*MonthKindFlows{}
	ages := map[inventory.Kind]*ageSums{}
	for _, r := range rows {
		r.Month = calendar.Date(r.Month)
		var f Flows
		switch r.Outcome {
		case "received":
			f.Received, f.KGReceived = r.Devices, r.KG
		case "handed_out":
			f.HandedOut, f.KGReused = r.Devices, r.KG
			if r.SetID != nil {
				f.CO2eAvoidedKG = float64(r.Devices) * avoided[*r.SetID][r.Category]
				u := used[*r.SetID]
				if u == nil {
					u = &FactorSetUse{ID: *r.SetID}
					used[*r.SetID] = u
				}
				u.Devices += r.Devices
				u.CO2eAvoidedKG += f.CO2eAvoidedKG
			}
		case "recycled":
			f.Recycled, f.KGRecycled = r.Devices, r.KG
		case "dismantled":
			f.Recycled, f.Dismantled, f.KGRecycled = r.Devices, r.Devices, r.KG
		case "returned":
			f.Returned = r.Devices
		}
		l.Devices.add(f)
		if m := months[r.Month]; m != nil {
			m.add(f)
		}
		k := kinds[r.Kind]
		if k == nil {
			k = &KindFlows{Kind: r.Kind}
			kinds[r.Kind] = k
			ages[r.Kind] = &ageSums{}
		}
		k.add(f)
		key := mk{r.Month, r.Kind}
		if monthKinds[key] == nil {
			monthKinds[key] = &MonthKindFlows{Month: r.Month, Kind: r.Kind}
		}
		monthKinds[key].add(f)
		a := ages[r.Kind]
		switch r.Outcome {
		case "received":
			a.received += r.Aged
			a.receivedAge += r.AgeSum
		case "handed_out":
			a.handed += r.Aged
			a.handedAge += r.AgeSum
		}
	}
	var all ageSums
	var extra float64
	for _, kind := range inventory.Kinds {
		k := kinds[kind]
		if k == nil {
			continue
		}
		a := ages[kind]
		k.Age = age(*a, k.HandedOut, float64(k.HandedOut)*life[kind])
		l.Kinds = append(l.Kinds, *k)
		all.received += a.received
		all.receivedAge += a.receivedAge
		all.handed += a.handed
		all.handedAge += a.handedAge
		extra += k.Age.ExtraYears
	}
	l.Age = age(all, l.Devices.HandedOut, extra)
	for _, m := range l.Months {
		for _, kind := range inventory.Kinds {
			if f := monthKinds[mk{m.Month, kind}]; f != nil {
				l.MonthKinds = append(l.MonthKinds, *f)
			}
		}
	}
	for _, set := range sets {
		if u := used[set.ID]; u != nil {
			u.Name, u.Version, u.InForceFrom = set.Name, set.Version, set.CreatedAt
			if set.Source != nil {
				u.Source = *set.Source
			}
			l.FactorSets = append(l.FactorSets, *u)
		}
	}
	return nil
}

// age computes the mean ages and the years gained by handedOut devices expected to gain extra
// years of use together.
func age(a ageSums, handedOut int, extra float64) Age {
	out := Age{IntakeDated: a.received, HandOutDated: a.handed, ExtraYears: extra}
	if a.received > 0 {
		out.AtIntakeYears = ptr(float64(a.receivedAge) / float64(a.received))
	}
	if a.handed > 0 {
		out.AtHandOutYears = ptr(float64(a.handedAge) / float64(a.handed))
	}
	if handedOut > 0 {
		out.ExtraYearsPerDevice = ptr(extra / float64(handedOut))
	}
	if out.AtHandOutYears != nil && *out.AtHandOutYears > 0 && out.ExtraYearsPerDevice != nil {
		out.LifetimeFactor = ptr((*out.AtHandOutYears + *out.ExtraYearsPerDevice) / *out.AtHandOutYears)
	}
	return out
}

// waitCount is how many requests waited a number of days.
type waitCount struct {
	Days     int `bun:"wait_days"`
	Requests int `bun:"requests"`
}

// requests reads the hand-outs by partner kind and purpose, the waiting times, the queue and
// the follow-ups.
func (s *Store) requests(ctx context.Context, tx bun.Tx, l *Ledger) error {
	var groups []struct {
		PartnerKind requests.PartnerKind `bun:"partner_kind"`
		Purpose     requests.Purpose     `bun:"purpose"`
		Requests    int                  `bun:"requests"`
	}
	if err := tx.NewRaw(`SELECT partner_kind, purpose, sum(requests)::bigint AS requests FROM impact_request_days
		WHERE day BETWEEN ? AND ? GROUP BY 1, 2 HAVING sum(requests) <> 0`, l.From, l.To).Scan(ctx, &groups); err != nil {
		return dbErr("read hand-outs", err)
	}
	for _, k := range requests.PartnerKinds {
		for _, p := range requests.Purposes {
			for _, g := range groups {
				if g.PartnerKind == k && g.Purpose == p {
					l.ByPartner = append(l.ByPartner, PartnerGroup{PartnerKind: k, Purpose: p, HandedOut: g.Requests})
					l.RequestsHandedOut += g.Requests
				}
			}
		}
	}
	var waits []waitCount
	if err := tx.NewRaw(`SELECT wait_days, sum(requests)::bigint AS requests FROM impact_request_waits
		WHERE day BETWEEN ? AND ? GROUP BY 1 HAVING sum(requests) <> 0 ORDER BY 1`, l.From, l.To).Scan(ctx, &waits); err != nil {
		return dbErr("read waiting times", err)
	}
	l.MedianWaitDays, l.P90WaitDays = percentile(waits, 0.5), percentile(waits, 0.9)

	var deltas []struct {
		Day        time.Time `bun:"day"`
		Waiting    int       `bun:"waiting"`
		Waitlisted int       `bun:"waitlisted"`
	}
	if err := tx.NewRaw(`SELECT greatest(day, ?::date - 1) AS day, sum(waiting)::bigint AS waiting, sum(waitlisted)::bigint AS waitlisted
		FROM impact_queue_days WHERE day <= ? GROUP BY 1 ORDER BY 1`, l.From, l.To).Scan(ctx, &deltas); err != nil {
		return dbErr("read the queue", err)
	}
	var waiting, waitlisted, i int
	for m := monthOf(l.From); !m.After(l.To); m = m.AddDate(0, 1, 0) {
		end := m.AddDate(0, 1, -1)
		if end.After(l.To) {
			end = l.To
		}
		for ; i < len(deltas) && !calendar.Date(deltas[i].Day).After(end); i++ {
			waiting += deltas[i].Waiting
			waitlisted += deltas[i].Waitlisted
		}
		l.Queue = append(l.Queue, QueuePoint{Date: end, Waiting: waiting, Waitlisted: waitlisted})
	}

	var fus []struct {
		InUse   *requests.InUse   `bun:"in_use"`
		Problem *requests.Problem `bun:"problem"`
		Uses    []requests.Use    `bun:"uses,array"`
		N       int               `bun:"n"`
	}
	if err := tx.NewRaw(`SELECT in_use, problem, uses, sum(follow_ups)::bigint AS n FROM impact_follow_up_days
		WHERE day BETWEEN ? AND ? GROUP BY 1, 2, 3 HAVING sum(follow_ups) <> 0`, l.From, l.To).Scan(ctx, &fus); err != nil {
		return dbErr("read the follow-ups", err)
	}
	l.FollowUps = FollowUps{InUse: map[requests.InUse]int{}, Uses: map[requests.Use]int{}, Problems: map[requests.Problem]int{}}
	for _, r := range fus {
		l.FollowUps.Asked += r.N
		if r.InUse == nil {
			continue
		}
		l.FollowUps.Answered += r.N
		l.FollowUps.InUse[*r.InUse] += r.N
		if r.Problem != nil {
			l.FollowUps.Problems[*r.Problem] += r.N
		}
		for _, u := range r.Uses {
			l.FollowUps.Uses[u] += r.N
		}
	}
	return nil
}

// FollowUps are the follow-ups asked in a period (three months after a hand-out) and their
// answers, whenever given.
type FollowUps struct {
	Asked, Answered int
	InUse           map[requests.InUse]int
	Uses            map[requests.Use]int // an answer may name several uses
	Problems        map[requests.Problem]int
}

// percentile is the p-th percentile of the waits, interpolated between the two nearest as
// PostgreSQL's percentile_cont does; nil without any wait.
func percentile(waits []waitCount, p float64) *float64 {
	n := 0
	for _, w := range waits {
		n += w.Requests
	}
	if n == 0 {
		return nil
	}
	pos := p * float64(n-1)
	lo, hi := int(math.Floor(pos)), int(math.Ceil(pos))
	at := func(i int) float64 {
		for _, w := range waits {
			if i < w.Requests {
				return float64(w.Days)
			}
			i -= w.Requests
		}
		return float64(waits[len(waits)-1].Days)
	}
	v := at(lo) + (pos-float64(lo))*(at(hi)-at(lo))
	return &v
}

// school reads the trainees' hours, the skills certified and the certificates issued.
func (s *Store) school(ctx context.Context, tx bun.Tx, l *Ledger) error {
	ws := workshops.NewStore(tx)
	var err error
	if l.Hours, err = ws.ApprovedHours(ctx, l.From, l.To); err != nil {
		return err
	}
	if l.Programmes, err = ws.ProgrammeHours(ctx, l.From, l.To); err != nil {
		return err
	}
	for _, h := range l.Programmes {
		l.TraineeMinutes += h.Minutes
	}
	if l.Skills, err = ws.SkillsCertified(ctx, l.From, l.To); err != nil {
		return err
	}
	for _, sk := range l.Skills {
		l.SkillsCertified += sk.Trainees
	}
	if l.Certificates, err = certificates.NewStore(tx, "").IssuedCounts(ctx, l.From, l.To); err != nil {
		return err
	}
	for _, c := range l.Certificates {
		l.CertificatesIssued += c.Issued
	}
	return nil
}

func ptr[T any](v T) *T { return &v }
