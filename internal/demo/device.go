package demo

import (
	"encoding/hex"
	"fmt"
	"math/bits"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/inventory"
)

// device generates one device of donation dn (the pos-th logged) with its storage media and a
// history that leads to its status the way the application would have: every move allowed by
// the lifecycle, every guard met by the records before it.
func (g *generator) device(c *chunk, dn *donationRow, pos int) error {
	tagNumber := g.next.tag
	g.next.tag++
	r := g.rng(streamDevice, uint64(tagNumber))
	d := deviceRow{
		id: g.next.device, tagNumber: tagNumber, tag: inventory.FormatTag(g.prefix, tagNumber),
		donationID: dn.id, cycle: 1, status: inventory.StatusReceived, battery: -1,
	}
	g.next.device++
	d.kind = g.pickKind(r, dn.donorKind)
	ms := models[d.kind]
	m := &ms[pick(r, len(ms))]
	d.make, d.model = m.make, m.name
	d.receivedAt = dn.receivedAt.Add(time.Duration(pos)*40*time.Second + time.Duration(r.IntN(30))*time.Second)
	if latest := g.now.Add(-2 * time.Hour); d.receivedAt.After(latest) {
		d.receivedAt = latest
	}
	d.year = min(m.year+r.IntN(2), d.receivedAt.Year())
	if f, ok := deviceSerials[m.make]; ok && r.IntN(40) > 0 { // a few labels are unreadable
		d.serial = f.prefix + serialBody(f, uint64(tagNumber))
	}
	if len(m.cpu) > 0 {
		d.cpu = oneOf(r, m.cpu)
	}
	if len(m.ram) > 0 {
		d.ram = oneOf(r, m.ram)
	}
	d.screen = m.screen
	if m.battery {
		d.battery = max(100-int(r.ExpFloat64()*14), 31)
	}
	if d.kind == inventory.KindLaptop {
		d.layout = oneOf(r, layouts)
	}
	switch x := r.IntN(100); {
	case x < 25:
		d.grade = "A"
	case x < 70:
		d.grade = "B"
	case x < 92:
		d.grade = "C"
	default:
		d.grade = "D"
	}
	w := m.weight
	if w == 0 {
		w = g.weights[d.kind]
	}
	if w == 0 {
		w = 1
	}
	d.weight = float64(int(w*(0.97+0.06*r.Float64())*1000+0.5)) / 1000
	switch {
	case dn.donorKind == inventory.DonorCompany && r.IntN(10) < 6:
		d.assetTag = fmt.Sprintf("%s-%06d", dn.donorCode, r.IntN(1000000))
	case dn.donorKind == inventory.DonorPublicBody && r.IntN(10) < 3:
		d.assetTag = fmt.Sprintf("INV-%d-%05d", d.year, r.IntN(100000))
	}
	if r.IntN(10) == 0 {
		d.notes = oneOf(r, deviceNotes)
	}

	l := &life{g: g, r: r, d: &d, m: m, dn: dn, status: inventory.StatusReceived, qaPassed: map[int]bool{}, open: map[inventory.Flag]int{}}
	if len(m.media) > 0 {
		for _, k := range m.media[pick(r, len(m.media))] {
			mm := media[k][pick(r, len(media[k]))]
			row := mediumRow{id: g.next.medium, deviceID: d.id, kind: k, make: mm.make, model: mm.model, capacity: mm.capacity, createdAt: d.receivedAt}
			g.next.medium++
			if mm.serial.n > 0 {
				row.serial = mm.serial.prefix + serialBody(mm.serial, uint64(row.id))
			}
			l.media = append(l.media, row)
			l.passed = append(l.passed, false)
		}
	}

	// Intake, as RecordDonation writes it: the event, and the over-age flag without an event.
	l.event(d.receivedAt, "intake", "", inventory.StatusReceived, dn.receivedBy, "",
		fmt.Appendf(nil, `{"donation":%q,"tag":%q}`, dn.number, d.tag))
	overAge := false
	if limit, ok := g.maxAge[d.kind]; ok && d.receivedAt.Year()-d.year > limit {
		overAge = true
		l.flags = append(l.flags, flagRow{id: g.next.flag, deviceID: d.id, flag: inventory.FlagOverAge, setBy: dn.receivedBy, setAt: d.receivedAt,
			note: fmt.Sprintf("made in %d, over the %d-year acceptance limit: offer it for recycling", d.year, limit)})
		g.next.flag++
	}

	age := g.now.Sub(d.receivedAt)
	target, again := l.target(age, overAge)
	l.plan(target)
	if again != "" {
		l.step(step{op: opStatus, to: inventory.StatusReceived, gap: days(r, 30, 300), note: "returned: " + oneOf(r, []string{
			"the family got another computer", "the child finished school", "it stopped charging", "the beneficiary moved abroad",
		})})
		l.plan(again)
	}
	if err := l.run(); err != nil {
		return fmt.Errorf("demo: device %s: %w", d.tag, err)
	}
	l.fill()

	slices.SortStableFunc(l.events, func(a, b eventRow) int { return a.at.Compare(b.at) })
	d.version = len(l.events)
	d.updatedAt = l.events[len(l.events)-1].at
	d.status = l.status
	switch d.status {
	case inventory.StatusReceived:
		d.location = fmt.Sprintf("Intake %c%d", 'A'+rune(r.IntN(2)), 1+r.IntN(6))
	case inventory.StatusWiped, inventory.StatusReady, inventory.StatusReserved:
		d.location = fmt.Sprintf("Shelf %c%d", 'A'+rune(r.IntN(6)), 1+r.IntN(8))
	case inventory.StatusInRepair:
		d.location = fmt.Sprintf("Repair bench %d", 1+r.IntN(4))
	}
	c.devices = append(c.devices, d)
	c.media = append(c.media, l.media...)
	c.wipes = append(c.wipes, l.wipes...)
	c.repairs = append(c.repairs, l.repairs...)
	for _, rp := range l.repairs {
		for _, u := range rp.workers {
			c.workers = append(c.workers, [2]int64{rp.id, u})
		}
	}
	c.qa = append(c.qa, l.qa...)
	c.flags = append(c.flags, l.flags...)
	c.events = append(c.events, l.events...)
	for _, h := range l.holds {
		g.requestFor(c, l, h)
	}
	return nil
}

// pickKind draws a device kind: individuals bring phones, tablets and laptops.
func (g *generator) pickKind(r *rand.Rand, donor inventory.DonorKind) inventory.Kind {
	if donor == inventory.DonorIndividual || donor == "" {
		switch x := r.IntN(100); {
		case x < 40:
			return inventory.KindLaptop
		case x < 70:
			return inventory.KindSmartphone
		case x < 82:
			return inventory.KindTablet
		case x < 90:
			return inventory.KindDesktop
		case x < 95:
			return inventory.KindPrinter
		}
		return inventory.KindMonitor
	}
	x := r.IntN(1000)
	for _, kw := range kindWeights {
		if x < kw.w {
			return kw.kind
		}
		x -= kw.w
	}
	return inventory.KindOther
}

// serialBody returns the n characters after a serial's prefix for item number x. The last
// characters are an affine permutation of x (bijective modulo base^k), so two items never get
// the same serial yet serials do not count up; the leading ones, if any, are a hash of x.
func serialBody(f serialFormat, x uint64) string {
	const alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	base := uint64(36)
	if f.digits {
		base = 10
	}
	k, mod := 0, uint64(1)
	for k < f.n && mod*base <= 1<<40 {
		k++
		mod *= base
	}
	// The multiplier, near mod/φ, spreads neighbours over the whole range; it must be coprime
	// with the base for the map to be a bijection.
	a := uint64(float64(mod) * 0.6180339887)
	for a%2 == 0 || a%3 == 0 || a%5 == 0 {
		a++
	}
	off := (uint64(len(f.prefix))*104729 + uint64(f.n)*7919) % mod
	hi, lo := bits.Mul64(a, x%mod)
	p := (bits.Rem64(hi, lo, mod) + off) % mod
	buf := make([]byte, f.n)
	for j := f.n - 1; j >= f.n-k; j-- {
		buf[j] = alphabet[p%base]
		p /= base
	}
	h := x*0x9e3779b97f4a7c15 + off
	for j := 0; j < f.n-k; j++ {
		h ^= h >> 29
		h *= 0xbf58476d1ce4e5b9
		buf[j] = alphabet[(h>>32)%base]
	}
	return string(buf)
}

// op is a step of a device's life.
type op int

const (
	opWipe   op = iota // a sanitization record of one medium
	opStatus           // a move
	opRepair           // a repair log
	opQA               // a QA check
	opFlag             // open a flag
)

// wipe kinds
const (
	wipeNormal  = iota // the usual method for the medium, passed
	wipeFail           // the usual method, failed
	wipeDestroy        // shredded by the contractor
)

type step struct {
	op      op
	gap     time.Duration // after the previous step, before scaling
	to      inventory.Status
	note    string
	medium  int
	wipe    int
	purpose string // reuse or recycling, for wipes
	outcome string
	battery bool // the repair replaces the battery
	desc    string
	parts   string
	passed  bool
	flag    inventory.Flag
}

// life plans and then plays a device's history.
type life struct {
	g  *generator
	r  *rand.Rand
	d  *deviceRow
	m  *model
	dn *donationRow

	steps        []step
	pstatus      inventory.Status // the status the planned steps lead to
	replaceDrive bool             // a shredded drive must be replaced before reuse

	status   inventory.Status
	media    []mediumRow
	passed   []bool       // per medium: the latest record of the current cycle passed
	qaPassed map[int]bool // per cycle: the latest QA check passed
	open     map[inventory.Flag]int
	wipes    []wipeRow
	repairs  []repairRow
	qa       []qaRow
	flags    []flagRow
	events   []eventRow
	// holds are the device's reservations, each by a request (requests.go).
	holds []hold
}

func days(r *rand.Rand, a, b int) time.Duration {
	return time.Duration(a)*24*time.Hour + time.Duration(r.Int64N(int64(b-a)*int64(24*time.Hour)+1))
}

func hours(r *rand.Rand, a, b int) time.Duration {
	return time.Duration(a)*time.Hour + time.Duration(r.Int64N(int64(b-a)*int64(time.Hour)+1))
}

func (l *life) step(s step) {
	l.steps = append(l.steps, s)
	if s.op == opStatus {
		l.pstatus = s.to
	}
}

// target picks where the device is now, from its age: recent devices are still in the
// workshop, older ones mostly handed out or recycled. A few handed-out devices came back; then
// again is where their second cycle got to.
func (l *life) target(age time.Duration, overAge bool) (target, again inventory.Status) {
	type w struct {
		s inventory.Status
		p int
	}
	var table []w
	switch d := age.Hours() / 24; {
	case d < 7:
		table = []w{{"received", 55}, {"wiped", 25}, {"in_repair", 10}, {"ready", 5}, {"recycled", 5}}
	case d < 30:
		table = []w{{"received", 15}, {"wiped", 18}, {"in_repair", 20}, {"ready", 25}, {"reserved", 5}, {"handed_out", 7}, {"recycled", 8}, {"dismantled", 2}}
	case d < 120:
		table = []w{{"received", 3}, {"wiped", 6}, {"in_repair", 8}, {"ready", 20}, {"reserved", 5}, {"handed_out", 38}, {"recycled", 15}, {"dismantled", 4}, {"lost", 1}}
	default:
		table = []w{{"received", 1}, {"wiped", 1}, {"in_repair", 2}, {"ready", 6}, {"reserved", 1}, {"handed_out", 55}, {"recycled", 24}, {"dismantled", 7}, {"lost", 1}}
	}
	total := 0
	for _, x := range table {
		total += x.p
	}
	x := l.r.IntN(total)
	for _, e := range table {
		if x < e.p {
			target = e.s
			break
		}
		x -= e.p
	}
	out := target == inventory.StatusReady || target == inventory.StatusReserved || target == inventory.StatusHandedOut
	switch {
	case overAge && age > 7*24*time.Hour && l.r.IntN(10) < 9:
		target = inventory.StatusRecycled
		if l.r.IntN(4) == 0 {
			target = inventory.StatusDismantled
		}
	case l.d.kind == inventory.KindPrinter && out && l.r.IntN(10) < 6:
		target = inventory.StatusRecycled
	}
	if target == inventory.StatusHandedOut && age > 200*24*time.Hour && l.r.IntN(50) == 0 {
		again = []inventory.Status{"received", "received", "wiped", "ready", "handed_out", "handed_out"}[l.r.IntN(6)]
	}
	return target, again
}

// plan appends the steps that take the device from received (in its current cycle) to target.
func (l *life) plan(target inventory.Status) {
	r := l.r
	l.pstatus = inventory.StatusReceived
	switch target {
	case inventory.StatusReceived:
	case inventory.StatusWiped:
		l.sanitize("reuse")
	case inventory.StatusInRepair:
		l.sanitize("reuse")
		l.step(step{op: opStatus, to: inventory.StatusInRepair, gap: days(r, 0, 5)})
		for range r.IntN(3) {
			l.repair("repairable", false, days(r, 0, 4))
		}
		if r.IntN(10) < 4 {
			l.step(step{op: opFlag, flag: inventory.FlagNeedsPart, gap: hours(r, 0, 4), note: "waiting for " + oneOf(r, []string{
				"a battery", "a keyboard", "a screen", "a charger", "a hinge", "a power supply"})})
		}
	case inventory.StatusReady, inventory.StatusReserved, inventory.StatusHandedOut:
		l.sanitize("reuse")
		l.ready()
		if target != inventory.StatusReady {
			l.step(step{op: opStatus, to: inventory.StatusReserved, gap: days(r, 1, 45), note: "reserved for a device request"})
		}
		if target == inventory.StatusHandedOut {
			l.step(step{op: opStatus, to: inventory.StatusHandedOut, gap: days(r, 1, 10), note: oneOf(r, []string{
				"handed over with a receipt in French", "handed over with a receipt in Portuguese", "handed over with a receipt in Arabic",
				"handed over with a receipt in English", "handed over with a receipt in German", "handed over at the partner's office"})})
		}
	case inventory.StatusRecycled, inventory.StatusDismantled:
		l.endOfLife(target)
	case inventory.StatusLost:
		l.sanitize("reuse")
		if r.IntN(2) == 0 {
			l.ready()
		}
		l.step(step{op: opStatus, to: inventory.StatusLost, gap: days(r, 5, 60), note: "not on its shelf at the inventory count"})
		l.step(step{op: opFlag, flag: inventory.FlagNeedsInvestigation, gap: hours(r, 1, 48), note: "last seen on its shelf; check the repair benches"})
	}
}

// sanitize plans a record per medium until every one has passed (a failed drive is shredded),
// which moves a received device to wiped by itself; a device without storage is moved by hand.
func (l *life) sanitize(purpose string) {
	r := l.r
	if len(l.media) == 0 {
		if purpose == "reuse" {
			l.step(step{op: opStatus, to: inventory.StatusWiped, gap: days(r, 1, 21), note: "no storage media to sanitize"})
		}
		return
	}
	for i, m := range l.media {
		gap := hours(r, 0, 3)
		if i == 0 {
			gap = days(r, 1, 21)
		}
		// Per thousand: records that fail (a disk with bad sectors, an SSD whose security is
		// frozen) and drives shredded rather than wiped on the way to the recycler.
		failP, destroyP := 0, 0
		switch m.kind {
		case inventory.StorageHDD:
			failP = 50
			if purpose == "recycling" {
				destroyP = 600
			}
		case inventory.StorageSSD, inventory.StorageNVMe:
			failP = 20
			if purpose == "recycling" {
				destroyP = 250
			}
		}
		switch x := r.IntN(1000); {
		case x < destroyP:
			l.step(step{op: opWipe, medium: i, wipe: wipeDestroy, purpose: purpose, gap: gap})
		case x < destroyP+failP && m.kind == inventory.StorageHDD:
			// A disk that cannot be overwritten is shredded; a reused computer gets a drive
			// from the workshop's stock instead (not a donor's medium: nothing to sanitize).
			l.step(step{op: opWipe, medium: i, wipe: wipeFail, purpose: purpose, gap: gap})
			l.step(step{op: opWipe, medium: i, wipe: wipeDestroy, purpose: purpose, gap: days(r, 1, 6)})
			l.replaceDrive = purpose == "reuse"
		case x < destroyP+failP:
			// A frozen SSD usually takes the command after a suspend and resume.
			l.step(step{op: opWipe, medium: i, wipe: wipeFail, purpose: purpose, gap: gap})
			l.step(step{op: opWipe, medium: i, wipe: wipeNormal, purpose: purpose, gap: hours(r, 1, 48)})
		default:
			l.step(step{op: opWipe, medium: i, wipe: wipeNormal, purpose: purpose, gap: gap})
		}
	}
	l.pstatus = inventory.StatusWiped
}

// ready plans repairs as needed, a passed QA check and the move to ready, from wiped.
func (l *life) ready() {
	r := l.r
	lowBattery := l.d.battery >= 0 && l.d.battery < l.g.batteryMin && l.hasQAItem("battery")
	if lowBattery || l.replaceDrive || r.IntN(100) < 35 {
		l.step(step{op: opStatus, to: inventory.StatusInRepair, gap: days(r, 0, 5)})
		if l.replaceDrive {
			l.step(step{op: opRepair, outcome: "fixed", gap: hours(r, 1, 48),
				desc: "Fitted a drive from the workshop's stock in place of the shredded one", parts: "SSD 240 GB (stock)"})
			l.replaceDrive = false
		}
		if lowBattery {
			l.repair("fixed", true, hours(r, 1, 72))
		}
		if !lowBattery || r.IntN(3) == 0 {
			l.repair("fixed", false, days(r, 0, 7))
		}
	}
	if r.IntN(100) < 8 {
		l.step(step{op: opQA, passed: false, gap: days(r, 0, 3)})
		if l.pstatus != inventory.StatusInRepair {
			l.step(step{op: opStatus, to: inventory.StatusInRepair, gap: time.Duration(5+r.IntN(55)) * time.Minute, note: "failed QA"})
		}
		l.repair("fixed", false, days(r, 1, 7))
	}
	l.step(step{op: opQA, passed: true, gap: days(r, 0, 3)})
	l.step(step{op: opStatus, to: inventory.StatusReady, gap: time.Duration(5+r.IntN(85)) * time.Minute})
}

// endOfLife plans the way to recycling or dismantling: straight from intake (drives shredded
// or wiped for the recycler) or after a repair that found it not worth it.
func (l *life) endOfLife(target inventory.Status) {
	r := l.r
	note := "collected by the recycling partner"
	if target == inventory.StatusDismantled {
		note = "parts kept: " + oneOf(r, []string{"RAM and battery", "screen and keyboard", "power supply and RAM", "battery and charger", "stand and cables"})
	}
	if r.IntN(10) < 7 {
		l.sanitize("recycling")
	} else {
		l.sanitize("reuse")
		l.step(step{op: opStatus, to: inventory.StatusInRepair, gap: days(r, 0, 5)})
		l.repair("end_of_life", false, days(r, 0, 10))
	}
	l.step(step{op: opStatus, to: target, gap: days(r, 5, 40), note: note})
}

func (l *life) repair(outcome string, battery bool, gap time.Duration) {
	l.step(step{op: opRepair, outcome: outcome, battery: battery, gap: gap})
}

func (l *life) hasQAItem(key string) bool {
	return slices.ContainsFunc(l.g.qa[l.d.kind], func(it inventory.QAItem) bool { return it.Key == key })
}

// run gives the planned steps their times and plays them. Gaps are squeezed when the device
// arrived too recently for them; otherwise steps fall in the workshop's opening hours.
func (l *life) run() error {
	var total time.Duration
	for _, s := range l.steps {
		total += s.gap
	}
	deadline := l.g.now.Add(-time.Hour)
	budget := deadline.Sub(l.d.receivedAt)
	scale, snap := 1.0, budget-total > 4*24*time.Hour
	if total > budget {
		scale = float64(budget) / float64(total)
	}
	t := l.d.receivedAt
	last := t
	for _, s := range l.steps {
		t = t.Add(time.Duration(float64(s.gap) * scale)).Truncate(time.Second)
		at := t
		if snap {
			if w := l.g.workHours(t); !w.After(deadline) {
				at = w
				t = w
			}
		}
		if !at.After(last) {
			at = last.Add(time.Second)
		}
		last = at
		var err error
		switch s.op {
		case opWipe:
			err = l.doWipe(s, at)
		case opStatus:
			err = l.doStatus(s.to, s.note, at, 0)
		case opRepair:
			err = l.doRepair(s, at)
		case opQA:
			err = l.doQA(s.passed, at)
		case opFlag:
			l.setFlag(s.flag, s.note, l.worker(), at)
		}
		if err != nil {
			return err
		}
		if n := len(l.events); n > 0 && l.events[n-1].at.After(last) {
			last = l.events[n-1].at
		}
	}
	return nil
}

// workHours moves t into the workshop's opening hours (Monday to Friday, 8:30 to 17:30,
// Luxembourg time), keeping some spread within the day.
func (g *generator) workHours(t time.Time) time.Time {
	lt := t.In(g.loc)
	day := time.Date(lt.Year(), lt.Month(), lt.Day(), 0, 0, 0, 0, g.loc)
	minute := lt.Hour()*60 + lt.Minute()
	switch {
	case minute < 8*60+30:
		minute = 8*60 + 30 + minute%240
	case minute >= 17*60+30:
		day = day.AddDate(0, 0, 1)
		minute = 8*60 + 30 + minute%240
	}
	for day.Weekday() == time.Saturday || day.Weekday() == time.Sunday {
		day = day.AddDate(0, 0, 1)
	}
	return day.Add(time.Duration(minute)*time.Minute + time.Duration(lt.Second())*time.Second)
}

func (l *life) staff() int64   { return oneOf(l.r, l.g.staff) }
func (l *life) trainee() int64 { return oneOf(l.r, l.g.trainees) }

// worker is who does bench work: a trainee more often than not.
func (l *life) worker() int64 {
	if l.r.IntN(10) < 6 {
		return l.trainee()
	}
	return l.staff()
}

func (l *life) event(at time.Time, kind string, from, to inventory.Status, actor int64, note string, detail []byte) {
	if detail == nil {
		detail = emptyJSON
	}
	l.events = append(l.events, eventRow{deviceID: l.d.id, at: at, kind: kind, from: from, to: to, actor: actor, note: note, detail: detail})
}

// doStatus moves the device, checking what the lifecycle trigger checks.
func (l *life) doStatus(to inventory.Status, note string, at time.Time, actor int64) error {
	from := l.status
	if !inventory.CanTransition(from, to) {
		return fmt.Errorf("%s -> %s is not an allowed move", from, to)
	}
	if inventory.NeedsWipe(to) && slices.Contains(l.passed, false) {
		return fmt.Errorf("%s -> %s with media not sanitized", from, to)
	}
	if to == inventory.StatusReady {
		if !l.qaPassed[l.d.cycle] {
			return fmt.Errorf("%s -> ready without a passed QA check", from)
		}
		for f := range l.open {
			if f.Blocking() {
				return fmt.Errorf("%s -> ready with the %s flag open", from, f)
			}
		}
		if len(l.m.os) > 0 {
			l.d.os = oneOf(l.r, l.m.os)
		}
	}
	if actor == 0 {
		if inventory.MayMove(auth.Actor{Role: auth.RoleTrainee}, to) && l.r.IntN(2) == 0 {
			actor = l.trainee()
		} else {
			actor = l.staff()
		}
	}
	l.status = to
	switch to {
	case inventory.StatusReserved:
		l.holds = append(l.holds, hold{cycle: l.d.cycle, reservedAt: at, staff: actor})
	case inventory.StatusHandedOut:
		l.holds[len(l.holds)-1].handedAt = at
	}
	if to == inventory.StatusReceived {
		// A new cycle: earlier wipes and checks no longer count.
		l.d.cycle++
		for i := range l.passed {
			l.passed[i] = false
		}
	}
	l.event(at, "status", from, to, actor, note, nil)
	return nil
}

var (
	nwipeTools = []string{"nwipe 0.35", "nwipe 0.36", "ShredOS 2024.02.2 (nwipe 0.37)", "nwipe 0.38"}
	rev2       = time.Date(2025, 9, 26, 0, 0, 0, 0, time.UTC) // NIST SP 800-88 Rev. 2 replaced Rev. 1
)

// doWipe records a sanitization of one medium, as RecordWipe does: the wipe event, the
// wipe_failed flag on a failure, and when every medium has passed the flag cleared and a
// received device moved to wiped.
func (l *life) doWipe(s step, at time.Time) error {
	if slices.Contains([]inventory.Status{"reserved", "handed_out", "recycled", "dismantled", "lost"}, l.status) {
		return fmt.Errorf("a wipe on a %s device", l.status)
	}
	r := l.r
	m := &l.media[s.medium]
	w := wipeRow{id: l.g.next.wipe, mediumID: m.id, cycle: l.d.cycle, finishedAt: at, result: inventory.ResultPassed,
		operator: l.worker(), verification: "none", destination: s.purpose}
	l.g.next.wipe++
	if r.IntN(10) < 4 {
		if w.verifier = l.staff(); w.verifier == w.operator {
			w.verifier = 0
		}
	}
	w.standard = "NIST SP 800-88 Rev. 1"
	if at.After(rev2) {
		w.standard = "NIST SP 800-88 Rev. 2"
	}
	if s.wipe == wipeDestroy {
		w.method = inventory.MethodDestroy
		w.dinLevel = "E-4"
		if m.kind == inventory.StorageHDD {
			w.dinLevel = "H-5"
		}
		w.technique = "shredded to DIN 66399 " + w.dinLevel + " particles"
		w.standard = "DIN 66399"
		w.contractor = "Schredder Service Lëtzebuerg S.à r.l."
		w.certificate = fmt.Sprintf("SSL-%d-%05d", at.Year(), r.IntN(100000))
		w.destination = "destruction"
		w.verifier = 0
	} else {
		var dur time.Duration
		switch m.kind {
		case inventory.StorageHDD:
			w.method, w.technique, w.tool = inventory.MethodClear, "1-pass zero overwrite, last pass verified", oneOf(r, nwipeTools)
			w.verification = oneOf(r, []string{"full", "sample"})
			dur = time.Duration(float64(m.capacity)*(8+4*r.Float64())) * time.Second
		case inventory.StorageSSD:
			if r.IntN(5) == 0 {
				w.method, w.technique, w.tool = inventory.MethodClear, "1-pass zero overwrite", oneOf(r, nwipeTools)
				dur = time.Duration(float64(m.capacity)*(2+r.Float64())) * time.Second
			} else {
				w.method, w.technique, w.tool = inventory.MethodPurge, oneOf(r, []string{"ATA Secure Erase (enhanced)", "ATA Sanitize, block erase"}), "hdparm 9.65"
				dur = time.Duration(60+r.IntN(540)) * time.Second
			}
			w.verification = "sample"
		case inventory.StorageNVMe:
			w.method, w.technique, w.tool = inventory.MethodPurge, oneOf(r, []string{"NVMe Format, secure erase setting 2 (crypto erase)", "NVMe Sanitize, block erase"}), oneOf(r, []string{"nvme-cli 2.8", "nvme-cli 2.9"})
			w.verification = "sample"
			dur = time.Duration(10+r.IntN(170)) * time.Second
		case inventory.StorageEMMC:
			w.method, w.technique, w.tool = inventory.MethodPurge, "eMMC sanitize", "mmc-utils 1.0"
			dur = time.Duration(30+r.IntN(300)) * time.Second
		default:
			w.method, w.tool = inventory.MethodPurge, "device settings"
			if l.d.make == "Apple" {
				w.technique = "Erase All Content and Settings (cryptographic erase)"
			} else {
				w.technique = "factory reset of the encrypted storage (cryptographic erase)"
			}
			w.verification = "sample"
			dur = time.Duration(300+r.IntN(900)) * time.Second
		}
		w.startedAt = at.Add(-dur)
		if strings.HasPrefix(w.tool, "nwipe") || strings.HasPrefix(w.tool, "ShredOS") {
			w.reportFilename = fmt.Sprintf("nwipe_report_%s_Model_%s_Serial_%s_device_sd%c.pdf",
				at.In(l.g.loc).Format("2006-01-02-15-04-05"), strings.ReplaceAll(m.model, " ", "_"), m.serial, 'a'+rune(s.medium))
			var sum [32]byte
			for i := range 4 {
				v := r.Uint64()
				for j := range 8 {
					sum[i*8+j] = byte(v >> (8 * j))
				}
			}
			w.reportSHA256 = hex.EncodeToString(sum[:])
		}
		if s.wipe == wipeFail {
			w.result = inventory.ResultFailed
			if m.kind == inventory.StorageHDD {
				w.warnings = fmt.Sprintf("%s sectors could not be written", strconv.Itoa(8+r.IntN(3000)))
			} else {
				w.warnings = "the drive did not complete the command (security frozen)"
			}
		}
	}
	l.wipes = append(l.wipes, w)
	l.event(at, "wipe", "", "", w.operator, "", fmt.Appendf(nil, `{"medium_id":%d,"method":%q,"result":%q,"wipe_record_id":%d}`,
		m.id, w.method, w.result, w.id))
	if w.result == inventory.ResultFailed {
		l.passed[s.medium] = false
		name := m.serial
		if name == "" {
			name = "#" + string(m.kind)
		}
		l.setFlag(inventory.FlagWipeFailed, "medium "+name+" failed sanitization", w.operator, at.Add(time.Second))
		return nil
	}
	l.passed[s.medium] = true
	if slices.Contains(l.passed, false) {
		return nil
	}
	l.clearFlag(inventory.FlagWipeFailed, w.operator, at.Add(time.Second))
	if l.status == inventory.StatusReceived {
		return l.doStatus(inventory.StatusWiped, "every storage medium sanitized", at.Add(2*time.Second), w.operator)
	}
	return nil
}

func (l *life) setFlag(f inventory.Flag, note string, by int64, at time.Time) {
	if _, ok := l.open[f]; ok {
		return
	}
	l.open[f] = len(l.flags)
	l.flags = append(l.flags, flagRow{id: l.g.next.flag, deviceID: l.d.id, flag: f, note: note, setBy: by, setAt: at})
	l.g.next.flag++
	l.event(at, "flag", "", "", by, note, fmt.Appendf(nil, `{"flag":%q,"set":true}`, f))
}

func (l *life) clearFlag(f inventory.Flag, by int64, at time.Time) {
	i, ok := l.open[f]
	if !ok {
		return
	}
	delete(l.open, f)
	l.flags[i].clearedBy, l.flags[i].clearedAt = by, at
	l.event(at, "flag", "", "", by, "", fmt.Appendf(nil, `{"flag":%q,"set":false}`, f))
}

// doRepair records a repair, as RecordRepair does.
func (l *life) doRepair(s step, at time.Time) error {
	if !slices.Contains([]inventory.Status{"received", "wiped", "in_repair", "ready"}, l.status) {
		return fmt.Errorf("a repair on a %s device", l.status)
	}
	r := l.r
	var desc, parts string
	switch {
	case s.desc != "":
		desc, parts = s.desc, s.parts
	case s.battery:
		desc, parts = "Replaced the battery", "battery"
		l.d.battery = 90 + r.IntN(11)
	case s.outcome == "end_of_life":
		desc = oneOf(r, []string{"Diagnosed: mainboard fault, not worth repairing", "Diagnosed: liquid damage on the mainboard",
			"Diagnosed: no parts available for this model", "Diagnosed: cracked chassis and failing display"})
	default:
		opts := repairs[l.d.kind]
		x := opts[r.IntN(len(opts))]
		desc, parts = x[0], x[1]
	}
	rp := repairRow{id: l.g.next.repair, deviceID: l.d.id, cycle: l.d.cycle, description: desc, parts: parts,
		minutes: 10 + r.IntN(170), outcome: s.outcome, createdAt: at}
	l.g.next.repair++
	rp.workers = []int64{l.worker()}
	if r.IntN(3) == 0 {
		if u := l.trainee(); u != rp.workers[0] {
			rp.workers = append(rp.workers, u)
		}
	}
	rp.recordedBy = rp.workers[0]
	l.repairs = append(l.repairs, rp)
	var ws strings.Builder
	for i, u := range rp.workers {
		if i > 0 {
			ws.WriteByte(',')
		}
		ws.WriteString(strconv.FormatInt(u, 10))
	}
	l.event(at, "repair", "", "", rp.recordedBy, desc, fmt.Appendf(nil, `{"repair_id":%d,"outcome":%q,"minutes":%d,"workers":[%s]}`,
		rp.id, rp.outcome, rp.minutes, ws.String()))
	return nil
}

// doQA records a QA check, as RecordQACheck does: the battery item fails by itself below the
// minimum health.
func (l *life) doQA(passed bool, at time.Time) error {
	if !slices.Contains([]inventory.Status{"received", "wiped", "in_repair", "ready"}, l.status) {
		return fmt.Errorf("a QA check on a %s device", l.status)
	}
	r := l.r
	template := l.g.qa[l.d.kind]
	low := l.d.battery >= 0 && l.d.battery < l.g.batteryMin && l.hasQAItem("battery")
	q := qaRow{id: l.g.next.qa, deviceID: l.d.id, cycle: l.d.cycle, passed: passed, performedBy: l.worker(), createdAt: at}
	l.g.next.qa++
	if r.IntN(2) == 0 {
		if q.verifier = l.staff(); q.verifier == q.performedBy {
			q.verifier = 0
		}
	}
	var failed string
	switch {
	case passed && low:
		return fmt.Errorf("a passed QA check with the battery at %d%%", l.d.battery)
	case passed:
		q.items = l.g.qaPassed[l.d.kind]
	case low:
		failed = "battery"
		q.items = qaJSON(template, failed, fmt.Sprintf("battery health %d%% is below the %d%% minimum.", l.d.battery, l.g.batteryMin))
	default:
		failed = template[r.IntN(len(template))].Key
		q.items = qaJSON(template, failed, oneOf(r, []string{"intermittent", "does not work", "works after a restart only"}))
	}
	l.qa = append(l.qa, q)
	l.qaPassed[l.d.cycle] = passed
	detail := fmt.Appendf(nil, `{"qa_check_id":%d,"passed":%t}`, q.id, passed)
	if failed != "" {
		detail = fmt.Appendf(nil, `{"failed":[%q],"qa_check_id":%d,"passed":false}`, failed, q.id)
	}
	l.event(at, "qa", "", "", q.performedBy, "", detail)
	return nil
}

// fill tops the history up with notes and edits, so that the events follow the requested
// average: the shortfall of the devices so far decides how many this one gets.
func (l *life) fill() {
	g, r := l.g, l.r
	natural := int64(len(l.events))
	g.eventTarget += int64(g.opts.EventsPerDevice)
	want := g.eventTarget - g.events - natural + int64(r.IntN(5)) - 2
	n := max(0, min(want, int64(3*g.opts.EventsPerDevice)))
	g.events += natural + n
	if n == 0 {
		return
	}
	start := l.d.receivedAt.Add(time.Minute)
	end := l.events[len(l.events)-1].at
	if slices.Contains([]inventory.Status{"received", "wiped", "in_repair", "ready", "reserved"}, l.status) {
		later := l.d.receivedAt.Add(30 * 24 * time.Hour)
		if dl := g.now.Add(-time.Hour); later.After(dl) {
			later = dl
		}
		if later.After(end) {
			end = later
		}
	}
	if !end.After(start) {
		end = start.Add(time.Minute)
	}
	fields := []string{"location", "notes", "condition_grade", "keyboard_layout", "weight_kg"}
	for range n {
		at := start.Add(time.Duration(r.Int64N(int64(end.Sub(start))))).Truncate(time.Second)
		if w := g.workHours(at); !w.After(end) {
			at = w
		}
		if r.IntN(4) == 0 {
			l.event(at, "edit", "", "", l.worker(), "", fmt.Appendf(nil, `{"fields":[%q]}`, oneOf(r, fields)))
		} else {
			l.event(at, "note", "", "", l.worker(), oneOf(r, noteEvents), nil)
		}
	}
}
