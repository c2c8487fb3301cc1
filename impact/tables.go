package impact

import (
	"slices"
	"time"

	"github.com/digital-inclusion/refurb/internal/calendar"
	"github.com/digital-inclusion/refurb/requests"
)

// The ledger as tables: the data behind every chart of the dashboard, and what its CSV and
// XLSX downloads hold. Texts are message ids the caller translates (web's locale files:
// impact.*, kind.*, req.partner.*, req.purpose.*); numbers stay numbers.

// Cell is one value of a table.
type Cell struct {
	// Text is a text cell's value; with Translate, a message id.
	Text      string
	Translate bool
	// Names is a text written in several languages, by language code (a skill's name).
	Names map[string]string
	// Num is a number's value, printed with Decimals decimals; Null marks a number that does
	// not exist (a median without requests).
	Num      float64
	Decimals int
	Number   bool
	Null     bool
	// Date is a date's value; Month prints its month only.
	Date  time.Time
	Month bool
}

func text(id string) Cell            { return Cell{Text: id, Translate: true} }
func plain(s string) Cell            { return Cell{Text: s} }
func count(n int) Cell               { return Cell{Num: float64(n), Number: true} }
func number(v float64, dec int) Cell { return Cell{Num: v, Decimals: dec, Number: true} }
func month(t time.Time) Cell         { return Cell{Date: t, Month: true} }
func day(t time.Time) Cell           { return Cell{Date: t} }
func optional(v *float64, dec int) Cell {
	c := Cell{Decimals: dec, Number: true, Null: v == nil}
	c.Num = deref(v)
	return c
}

func deref(v *float64) float64 {
	if v == nil {
		return 0
	}
	return *v
}

// Table is one table of the ledger.
type Table struct {
	// Name identifies the table in URLs (/impact/months.csv) and element ids.
	Name string
	// Title and Columns are message ids.
	Title   string
	Columns []string
	Rows    [][]Cell
	// Total is the totals row, nil when the table has none.
	Total []Cell
}

// TableNames are the names of the ledger's tables, in the order Tables returns them.
var TableNames = []string{"months", "kinds", "month_kinds", "factor_sets", "hand_outs", "queue", "follow_ups", "hours", "skills", "certificates"}

// Table returns the ledger's table name, or nil when there is none of that name.
func (l *Ledger) Table(name string) *Table {
	i := slices.Index(TableNames, name)
	if i < 0 {
		return nil
	}
	return &l.Tables()[i]
}

// Tables returns the ledger's tables in TableNames' order.
func (l *Ledger) Tables() []Table {
	flowCols := []string{"impact.col.received", "impact.col.handed_out", "impact.col.recycled", "impact.col.dismantled", "impact.col.returned",
		"impact.col.kg_received", "impact.col.kg_reused", "impact.col.kg_recycled", "impact.col.co2e"}
	flows := func(f Flows) []Cell {
		return []Cell{count(f.Received), count(f.HandedOut), count(f.Recycled), count(f.Dismantled), count(f.Returned),
			number(f.KGReceived, 1), number(f.KGReused, 1), number(f.KGRecycled, 1), number(f.CO2eAvoidedKG, 1)}
	}
	totals := func(lead ...Cell) []Cell { return append(lead, flows(l.Devices)...) }

	months := Table{Name: "months", Title: "impact.table.months", Columns: append([]string{"impact.col.month"}, flowCols...), Total: totals(text("impact.total"))}
	for _, m := range l.Months {
		months.Rows = append(months.Rows, append([]Cell{month(m.Month)}, flows(m.Flows)...))
	}

	kinds := Table{Name: "kinds", Title: "impact.table.kinds",
		Columns: append(append([]string{"impact.col.kind"}, flowCols...), "impact.col.age_intake", "impact.col.age_handout", "impact.col.extra_years"),
		Total:   append(totals(text("impact.total")), optional(l.Age.AtIntakeYears, 1), optional(l.Age.AtHandOutYears, 1), number(l.Age.ExtraYears, 1))}
	for _, k := range l.Kinds {
		kinds.Rows = append(kinds.Rows, append(append([]Cell{text("kind." + string(k.Kind))}, flows(k.Flows)...),
			optional(k.Age.AtIntakeYears, 1), optional(k.Age.AtHandOutYears, 1), number(k.Age.ExtraYears, 1)))
	}

	monthKinds := Table{Name: "month_kinds", Title: "impact.table.month_kinds", Columns: append([]string{"impact.col.month", "impact.col.kind"}, flowCols...),
		Total: totals(text("impact.total"), plain(""))}
	for _, m := range l.MonthKinds {
		monthKinds.Rows = append(monthKinds.Rows, append([]Cell{month(m.Month), text("kind." + string(m.Kind))}, flows(m.Flows)...))
	}

	sets := Table{Name: "factor_sets", Title: "impact.table.factor_sets",
		Columns: []string{"impact.col.set", "impact.col.version", "impact.col.in_force", "impact.col.handed_out", "impact.col.co2e"}}
	for _, s := range l.FactorSets {
		sets.Rows = append(sets.Rows, []Cell{plain(s.Name), plain(s.Version), day(calendar.Date(s.InForceFrom)), count(s.Devices), number(s.CO2eAvoidedKG, 1)})
	}
	if len(l.FactorSets) > 0 {
		sets.Total = []Cell{text("impact.total"), plain(""), plain(""), count(l.Devices.HandedOut), number(l.Devices.CO2eAvoidedKG, 1)}
	}

	handOuts := Table{Name: "hand_outs", Title: "impact.table.hand_outs", Columns: []string{"impact.col.partner_kind", "impact.col.purpose", "impact.col.requests"},
		Total: []Cell{text("impact.total"), plain(""), count(l.RequestsHandedOut)}}
	for _, g := range l.ByPartner {
		handOuts.Rows = append(handOuts.Rows, []Cell{text("req.partner." + string(g.PartnerKind)), text("req.purpose." + string(g.Purpose)), count(g.HandedOut)})
	}

	queue := Table{Name: "queue", Title: "impact.table.queue", Columns: []string{"impact.col.date", "impact.col.waiting", "impact.col.waitlisted"}}
	for _, p := range l.Queue {
		queue.Rows = append(queue.Rows, []Cell{day(p.Date), count(p.Waiting), count(p.Waitlisted)})
	}

	fu := l.FollowUps
	followUps := Table{Name: "follow_ups", Title: "impact.table.follow_ups", Columns: []string{"impact.col.question", "impact.col.answer", "impact.col.count"},
		Rows: [][]Cell{{text("impact.fu.asked"), plain(""), count(fu.Asked)}, {text("impact.fu.answered"), plain(""), count(fu.Answered)}}}
	for _, a := range requests.InUses {
		followUps.Rows = append(followUps.Rows, []Cell{text("impact.fu.in_use"), text("fu.in_use." + string(a)), count(fu.InUse[a])})
	}
	for _, u := range requests.Uses {
		followUps.Rows = append(followUps.Rows, []Cell{text("impact.fu.uses"), text("fu.use." + string(u)), count(fu.Uses[u])})
	}
	for _, p := range requests.Problems {
		followUps.Rows = append(followUps.Rows, []Cell{text("impact.fu.problem"), text("fu.problem." + string(p)), count(fu.Problems[p])})
	}

	hours := Table{Name: "hours", Title: "impact.table.hours",
		Columns: []string{"impact.col.programme", "impact.col.funder", "impact.col.month", "impact.col.hours", "impact.col.trainees"},
		Total:   []Cell{text("impact.total"), plain(""), plain(""), number(float64(l.TraineeMinutes)/60, 2), plain("")}}
	for _, h := range l.Hours {
		name := plain(h.Programme)
		if h.ProgrammeID == nil {
			name = text("impact.no_programme")
		}
		hours.Rows = append(hours.Rows, []Cell{name, plain(h.Funder), month(h.Month), number(float64(h.Minutes)/60, 2), count(h.Trainees)})
	}

	skills := Table{Name: "skills", Title: "impact.table.skills", Columns: []string{"impact.col.skill", "impact.col.trainees"},
		Total: []Cell{text("impact.total"), count(l.SkillsCertified)}}
	for _, s := range l.Skills {
		skills.Rows = append(skills.Rows, []Cell{{Text: s.Skill.Key, Names: s.Skill.Names}, count(s.Trainees)})
	}

	certs := Table{Name: "certificates", Title: "impact.table.certificates", Columns: []string{"impact.col.certificate", "impact.col.issued", "impact.col.current"},
		Total: []Cell{text("impact.total"), count(l.CertificatesIssued), plain("")}}
	for _, c := range l.Certificates {
		certs.Rows = append(certs.Rows, []Cell{text("impact.cert." + string(c.Kind)), count(c.Issued), count(c.Current)})
	}
	return []Table{months, kinds, monthKinds, sets, handOuts, queue, followUps, hours, skills, certs}
}
