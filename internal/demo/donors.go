package demo

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/digital-inclusion/refurb/inventory"
)

// Donors and donations: planned before any device, so that every device knows its donation.

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
