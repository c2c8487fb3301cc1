package demo

import (
	"fmt"
	"math/bits"
	"math/rand/v2"
	"slices"
	"time"

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
