package demo

import (
	"math/rand/v2"
	"slices"
	"time"

	"github.com/digital-inclusion/refurb/inventory"
)

// A device's life, planned: where it is now (target), and the steps that lead there the way
// the workshop would have taken them (play.go gives them times and plays them).

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
