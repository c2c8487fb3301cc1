package graph

import (
	"net/url"
	"strings"
	"time"

	"github.com/graphql-go/graphql"

	"github.com/digital-inclusion/refurb/certificates"
	"github.com/digital-inclusion/refurb/impact"
	"github.com/digital-inclusion/refurb/requests"
	"github.com/digital-inclusion/refurb/workshops"
)

// addImpact adds the impact ledger of a period (docs/impact.md), its downloads and the annual
// impact report. The ledger's parts add their fields to Impact (addImpactEnvironment,
// addImpactPeople, addImpactEmployability); a donor's impact and the follow-up of a hand-out are
// areas of their own (donorimpact.go, followups.go). Who may read what is package impact's.
func (b *builder) addImpact() {
	st := func() *impact.Store { return b.deps.Impact }
	download := graphql.NewObject(graphql.ObjectConfig{
		Name:        "ImpactDownload",
		Description: "One table of the ledger as files (signed in as staff).",
		Fields: graphql.Fields{
			"table":   {Type: nonNull(graphql.String)},
			"csvURL":  {Type: nonNull(graphql.String)},
			"xlsxURL": {Type: nonNull(graphql.String)},
		},
	})
	impactT := graphql.NewObject(graphql.ObjectConfig{
		Name:        "Impact",
		Description: "The impact ledger of a period of days (docs/impact.md): environment, people and employability.",
		Fields: b.fields("Impact", func() graphql.Fields {
			return graphql.Fields{
				"from": {Type: nonNull(b.dateT), Resolve: ledgerField(func(l *impact.Ledger) any { return l.From })},
				"to":   {Type: nonNull(b.dateT), Resolve: ledgerField(func(l *impact.Ledger) any { return l.To })},
				"downloads": {Type: listOf(download), Description: "Each table of the ledger as CSV and XLSX.", Resolve: func(p graphql.ResolveParams) (any, error) {
					l := p.Source.(*impact.Ledger)
					q := url.Values{"from": {l.From.Format(time.DateOnly)}, "to": {l.To.Format(time.DateOnly)}}.Encode()
					var out []map[string]any
					for _, name := range impact.TableNames {
						base := b.deps.PublicURL + "/impact/" + name
						out = append(out, map[string]any{"table": name, "csvURL": base + ".csv?" + q, "xlsxURL": base + ".xlsx?" + q})
					}
					return out, nil
				}},
			}
		}),
	})
	b.register(download, impactT)

	b.query["impact"] = &graphql.Field{
		Type:        nonNull(impactT),
		Description: "The impact ledger from the day from to the day to, both included (Europe/Luxembourg). Staff and administrators.",
		Args: graphql.FieldConfigArgument{
			"from": {Type: nonNull(b.dateT)},
			"to":   {Type: nonNull(b.dateT)},
		},
		Resolve: func(p graphql.ResolveParams) (any, error) {
			from, err := requiredDate(p.Args, "from")
			if err != nil {
				return nil, err
			}
			to, err := requiredDate(p.Args, "to")
			if err != nil {
				return nil, err
			}
			return st().Ledger(p.Context, from, to)
		},
	}
	b.mutation["issueImpactReport"] = &graphql.Field{
		Type:        nonNull(b.object("Certificate")),
		Description: "Issues the annual impact report of a year (the current one: up to today) in fr, de or en, a certificate IR-2026-00042; a re-issue supersedes the year's previous report. Staff and administrators.",
		Args: graphql.FieldConfigArgument{
			"year":     {Type: nonNull(graphql.Int)},
			"language": {Type: graphql.String, DefaultValue: "fr"},
		},
		Resolve: func(p graphql.ResolveParams) (any, error) {
			year, _ := p.Args["year"].(int)
			lang, _ := p.Args["language"].(string)
			issued, err := b.deps.Certificates.IssueImpactReport(p.Context, year, strings.ToLower(strings.TrimSpace(lang)))
			if err != nil {
				return nil, err
			}
			return certificateNode{Certificate: issued.Certificate, token: issued.Token}, nil
		},
	}
}

// addImpactEnvironment adds the ledger's devices: their flows by month and kind, their ages, and
// the factor sets the hand-outs counted with.
func (b *builder) addImpactEnvironment() {
	flows := func(name, description string, extra graphql.Fields) *graphql.Object {
		field := func(t graphql.Output, description string, get func(*impact.Flows) any) *graphql.Field {
			return &graphql.Field{Type: t, Description: description, Resolve: flowField(get)}
		}
		fields := graphql.Fields{
			"received":      field(nonNull(graphql.Int), "", func(f *impact.Flows) any { return f.Received }),
			"handedOut":     field(nonNull(graphql.Int), "", func(f *impact.Flows) any { return f.HandedOut }),
			"recycled":      field(nonNull(graphql.Int), "Recycled or dismantled.", func(f *impact.Flows) any { return f.Recycled }),
			"dismantled":    field(nonNull(graphql.Int), "", func(f *impact.Flows) any { return f.Dismantled }),
			"returned":      field(nonNull(graphql.Int), "", func(f *impact.Flows) any { return f.Returned }),
			"kgReceived":    field(nonNull(graphql.Float), "", func(f *impact.Flows) any { return f.KGReceived }),
			"kgReused":      field(nonNull(graphql.Float), "", func(f *impact.Flows) any { return f.KGReused }),
			"kgRecycled":    field(nonNull(graphql.Float), "", func(f *impact.Flows) any { return f.KGRecycled }),
			"co2eAvoidedKg": field(nonNull(graphql.Float), "", func(f *impact.Flows) any { return f.CO2eAvoidedKG }),
		}
		for k, f := range extra {
			fields[k] = f
		}
		return graphql.NewObject(graphql.ObjectConfig{Name: name, Description: description, Fields: fields})
	}
	age := graphql.NewObject(graphql.ObjectConfig{
		Name:        "ImpactAge",
		Description: "How old devices were when they arrived and left, and the years of use they gain (an estimate by kind: setting impact.second_life_years).",
		Fields: graphql.Fields{
			"atIntakeYears":       {Type: graphql.Float, Description: "Mean age in whole years of the devices received with a known manufacture year; null without any.", Resolve: ageField(func(a *impact.Age) any { return a.AtIntakeYears })},
			"intakeDated":         {Type: nonNull(graphql.Int), Description: "Devices received with a known manufacture year.", Resolve: ageField(func(a *impact.Age) any { return a.IntakeDated })},
			"atHandOutYears":      {Type: graphql.Float, Resolve: ageField(func(a *impact.Age) any { return a.AtHandOutYears })},
			"handOutDated":        {Type: nonNull(graphql.Int), Resolve: ageField(func(a *impact.Age) any { return a.HandOutDated })},
			"extraYears":          {Type: nonNull(graphql.Float), Description: "Years of use the devices handed out gain, together.", Resolve: ageField(func(a *impact.Age) any { return a.ExtraYears })},
			"extraYearsPerDevice": {Type: graphql.Float, Resolve: ageField(func(a *impact.Age) any { return a.ExtraYearsPerDevice })},
			"lifetimeFactor": {Type: graphql.Float, Description: "(age at hand-out + extra years) / age at hand-out: 2 doubles the lifetime.",
				Resolve: ageField(func(a *impact.Age) any { return a.LifetimeFactor })},
		},
	})
	month := flows("ImpactMonth", "A month's device flows.", graphql.Fields{
		"month": {Type: nonNull(b.dateT), Description: "Its first day.", Resolve: func(p graphql.ResolveParams) (any, error) { return p.Source.(*impact.MonthFlows).Month, nil }},
	})
	kind := flows("ImpactKind", "A kind's device flows and ages.", graphql.Fields{
		"kind": {Type: nonNull(b.enum("DeviceKind")), Resolve: func(p graphql.ResolveParams) (any, error) { return p.Source.(*impact.KindFlows).Kind, nil }},
		"age":  {Type: nonNull(age), Resolve: func(p graphql.ResolveParams) (any, error) { return &p.Source.(*impact.KindFlows).Age, nil }},
	})
	monthKind := flows("ImpactMonthKind", "A kind's device flows in a month.", graphql.Fields{
		"month": {Type: nonNull(b.dateT), Resolve: func(p graphql.ResolveParams) (any, error) { return p.Source.(*impact.MonthKindFlows).Month, nil }},
		"kind":  {Type: nonNull(b.enum("DeviceKind")), Resolve: func(p graphql.ResolveParams) (any, error) { return p.Source.(*impact.MonthKindFlows).Kind, nil }},
	})
	factorSet := graphql.NewObject(graphql.ObjectConfig{
		Name:        "ImpactFactorSet",
		Description: "An impact factor set and the hand-outs that counted with it: each counts with the set in force at its moment.",
		Fields: graphql.Fields{
			"name":          of(nonNull(graphql.String), func(s *impact.FactorSetUse) any { return s.Name }),
			"version":       of(nonNull(graphql.String), func(s *impact.FactorSetUse) any { return s.Version }),
			"source":        of(nonNull(graphql.String), func(s *impact.FactorSetUse) any { return s.Source }),
			"inForceFrom":   of(nonNull(b.timeT), func(s *impact.FactorSetUse) any { return s.InForceFrom }),
			"devices":       of(nonNull(graphql.Int), func(s *impact.FactorSetUse) any { return s.Devices }),
			"co2eAvoidedKg": of(nonNull(graphql.Float), func(s *impact.FactorSetUse) any { return s.CO2eAvoidedKG }),
		},
	})
	b.register(age, month, kind, monthKind, factorSet)

	b.extend("Impact", graphql.Fields{
		"devicesReceived":   {Type: nonNull(graphql.Int), Resolve: ledgerField(func(l *impact.Ledger) any { return l.Devices.Received })},
		"devicesHandedOut":  {Type: nonNull(graphql.Int), Resolve: ledgerField(func(l *impact.Ledger) any { return l.Devices.HandedOut })},
		"devicesRecycled":   {Type: nonNull(graphql.Int), Description: "Recycled or dismantled (kgRecycled weighs the same devices).", Resolve: ledgerField(func(l *impact.Ledger) any { return l.Devices.Recycled })},
		"devicesDismantled": {Type: nonNull(graphql.Int), Description: "Of devicesRecycled, those dismantled for parts.", Resolve: ledgerField(func(l *impact.Ledger) any { return l.Devices.Dismantled })},
		"devicesReturned":   {Type: nonNull(graphql.Int), Description: "Brought back by beneficiaries.", Resolve: ledgerField(func(l *impact.Ledger) any { return l.Devices.Returned })},
		"kgReceived":        {Type: nonNull(graphql.Float), Resolve: ledgerField(func(l *impact.Ledger) any { return l.Devices.KGReceived })},
		"kgReused":          {Type: nonNull(graphql.Float), Description: "Weight of the devices handed out.", Resolve: ledgerField(func(l *impact.Ledger) any { return l.Devices.KGReused })},
		"kgRecycled":        {Type: nonNull(graphql.Float), Resolve: ledgerField(func(l *impact.Ledger) any { return l.Devices.KGRecycled })},
		"co2eAvoidedKg": {Type: nonNull(graphql.Float), Description: "Estimated manufacturing emissions the hand-outs avoided, each with the factor set in force at its moment.",
			Resolve: ledgerField(func(l *impact.Ledger) any { return l.Devices.CO2eAvoidedKG })},
		"factorSets":      {Type: listOf(factorSet), Resolve: ledgerField(func(l *impact.Ledger) any { return pointers(l.FactorSets) })},
		"spansFactorSets": {Type: nonNull(graphql.Boolean), Description: "The period's hand-outs counted with more than one factor set.", Resolve: ledgerField(func(l *impact.Ledger) any { return l.SpansFactorSets() })},
		"age":             {Type: nonNull(age), Resolve: ledgerField(func(l *impact.Ledger) any { return &l.Age })},
		"months":          {Type: listOf(month), Description: "Every month of the period.", Resolve: ledgerField(func(l *impact.Ledger) any { return pointers(l.Months) })},
		"kinds":           {Type: listOf(kind), Description: "Kinds with a flow.", Resolve: ledgerField(func(l *impact.Ledger) any { return pointers(l.Kinds) })},
		"monthKinds":      {Type: listOf(monthKind), Description: "Months and kinds with a flow.", Resolve: ledgerField(func(l *impact.Ledger) any { return pointers(l.MonthKinds) })},
	})
}

// addImpactPeople adds the ledger's people: the requests handed out by partner kind and purpose,
// the waits, the queue and the follow-ups' answers.
func (b *builder) addImpactPeople() {
	inUse, use, problem := b.enum("FollowUpInUse"), b.enum("FollowUpUse"), b.enum("FollowUpProblem")
	handOuts := graphql.NewObject(graphql.ObjectConfig{
		Name:        "ImpactHandOuts",
		Description: "The requests handed out for one kind of partner organisation and one purpose.",
		Fields: graphql.Fields{
			"partnerKind": {Type: nonNull(b.enum("PartnerKind")), Resolve: func(p graphql.ResolveParams) (any, error) { return p.Source.(*impact.PartnerGroup).PartnerKind, nil }},
			"purpose":     {Type: nonNull(b.enum("RequestPurpose")), Resolve: func(p graphql.ResolveParams) (any, error) { return p.Source.(*impact.PartnerGroup).Purpose, nil }},
			"handedOut":   of(nonNull(graphql.Int), func(g *impact.PartnerGroup) any { return g.HandedOut }),
		},
	})
	queuePoint := graphql.NewObject(graphql.ObjectConfig{
		Name:        "ImpactQueuePoint",
		Description: "The requests waiting for a device at the end of a day: submitted, approved or waitlisted; and of them the waitlisted.",
		Fields: graphql.Fields{
			"date":       of(nonNull(b.dateT), func(q *impact.QueuePoint) any { return q.Date }),
			"waiting":    of(nonNull(graphql.Int), func(q *impact.QueuePoint) any { return q.Waiting }),
			"waitlisted": of(nonNull(graphql.Int), func(q *impact.QueuePoint) any { return q.Waitlisted }),
		},
	})
	countOf := func(name, field string, enum *graphql.Enum) *graphql.Object {
		return graphql.NewObject(graphql.ObjectConfig{Name: name, Fields: graphql.Fields{
			field:   {Type: nonNull(enum), Resolve: func(p graphql.ResolveParams) (any, error) { return p.Source.(enumCount).key, nil }},
			"count": {Type: nonNull(graphql.Int), Resolve: func(p graphql.ResolveParams) (any, error) { return p.Source.(enumCount).n, nil }},
		}})
	}
	inUseCount, useCount, problemCount := countOf("FollowUpInUseCount", "answer", inUse), countOf("FollowUpUseCount", "use", use), countOf("FollowUpProblemCount", "problem", problem)
	followUps := graphql.NewObject(graphql.ObjectConfig{
		Name:        "ImpactFollowUps",
		Description: "The follow-ups asked in the period, three months after a hand-out, and their answers.",
		Fields: graphql.Fields{
			"asked":    of(nonNull(graphql.Int), func(f *impact.FollowUps) any { return f.Asked }),
			"answered": of(nonNull(graphql.Int), func(f *impact.FollowUps) any { return f.Answered }),
			"inUse": {Type: listOf(inUseCount), Resolve: func(p graphql.ResolveParams) (any, error) {
				return counts(requests.InUses, p.Source.(*impact.FollowUps).InUse), nil
			}},
			"uses": {Type: listOf(useCount), Description: "An answer may name several uses.", Resolve: func(p graphql.ResolveParams) (any, error) {
				return counts(requests.Uses, p.Source.(*impact.FollowUps).Uses), nil
			}},
			"problems": {Type: listOf(problemCount), Resolve: func(p graphql.ResolveParams) (any, error) {
				return counts(requests.Problems, p.Source.(*impact.FollowUps).Problems), nil
			}},
		},
	})
	b.register(handOuts, queuePoint, inUseCount, useCount, problemCount, followUps)

	b.extend("Impact", graphql.Fields{
		"requestsHandedOut": {Type: nonNull(graphql.Int), Resolve: ledgerField(func(l *impact.Ledger) any { return l.RequestsHandedOut })},
		"handOuts":          {Type: listOf(handOuts), Description: "Requests handed out by partner kind and purpose.", Resolve: ledgerField(func(l *impact.Ledger) any { return pointers(l.ByPartner) })},
		"medianDaysRequestToHandOut": {Type: graphql.Float, Description: "Calendar days from request to hand-out, median; null when no request was handed out in the period.",
			Resolve: ledgerField(func(l *impact.Ledger) any { return l.MedianWaitDays })},
		"p90DaysRequestToHandOut": {Type: graphql.Float, Description: "The same, 90th percentile.", Resolve: ledgerField(func(l *impact.Ledger) any { return l.P90WaitDays })},
		"queue":                   {Type: listOf(queuePoint), Description: "At the end of each month of the period (the last: its last day).", Resolve: ledgerField(func(l *impact.Ledger) any { return pointers(l.Queue) })},
		"followUps":               {Type: nonNull(followUps), Resolve: ledgerField(func(l *impact.Ledger) any { return &l.FollowUps })},
	})
}

// addImpactEmployability adds the ledger's school: the trainees' approved hours by programme and
// month, the skills certified and the certificates issued.
func (b *builder) addImpactEmployability() {
	hours := graphql.NewObject(graphql.ObjectConfig{
		Name:        "ImpactHours",
		Description: "A programme's approved trainee hours, in a month or the whole period.",
		Fields: b.fields("ImpactHours", func() graphql.Fields {
			return graphql.Fields{
				"programme": {Type: b.object("Programme"), Description: "Null for hours outside any enrolment.", Resolve: func(p graphql.ResolveParams) (any, error) {
					h := p.Source.(*workshops.ProgrammeMonth)
					if h.ProgrammeID == nil {
						return nil, nil
					}
					return thunk(b.workshopLoaders(p).programmes.Load(p.Context, *h.ProgrammeID)), nil
				}},
				"programmeName":   of(nonNull(graphql.String), func(h *workshops.ProgrammeMonth) any { return h.Programme }),
				"funder":          of(nonNull(graphql.String), func(h *workshops.ProgrammeMonth) any { return h.Funder }),
				"month":           {Type: b.dateT, Description: "Its first day; null for the whole period.", Resolve: monthOrNull},
				"approvedMinutes": of(nonNull(graphql.Int), func(h *workshops.ProgrammeMonth) any { return h.Minutes }),
				"trainees":        of(nonNull(graphql.Int), func(h *workshops.ProgrammeMonth) any { return h.Trainees }),
			}
		}),
	})
	skillCount := graphql.NewObject(graphql.ObjectConfig{
		Name:        "ImpactSkill",
		Description: "A skill and how many trainees were first assessed as doing it independently in the period.",
		Fields: b.fields("ImpactSkill", func() graphql.Fields {
			return graphql.Fields{
				"skill":    {Type: nonNull(b.object("Skill")), Resolve: func(p graphql.ResolveParams) (any, error) { return &p.Source.(*workshops.CertifiedSkill).Skill, nil }},
				"trainees": of(nonNull(graphql.Int), func(s *workshops.CertifiedSkill) any { return s.Trainees }),
			}
		}),
	})
	certCount := graphql.NewObject(graphql.ObjectConfig{
		Name:        "ImpactCertificates",
		Description: "How many certificates of a kind were issued in the period.",
		Fields: b.fields("ImpactCertificates", func() graphql.Fields {
			return graphql.Fields{
				"kind":    {Type: nonNull(b.enum("CertificateKind")), Resolve: func(p graphql.ResolveParams) (any, error) { return p.Source.(*certificates.KindCount).Kind, nil }},
				"issued":  of(nonNull(graphql.Int), func(c *certificates.KindCount) any { return c.Issued }),
				"current": {Type: nonNull(graphql.Int), Description: "Those no later certificate replaces.", Resolve: func(p graphql.ResolveParams) (any, error) { return p.Source.(*certificates.KindCount).Current, nil }},
			}
		}),
	})
	b.register(hours, skillCount, certCount)

	b.extend("Impact", graphql.Fields{
		"approvedTraineeMinutes": {Type: nonNull(graphql.Int), Resolve: ledgerField(func(l *impact.Ledger) any { return l.TraineeMinutes })},
		"hoursByProgramme":       {Type: listOf(hours), Resolve: ledgerField(func(l *impact.Ledger) any { return pointers(l.Programmes) })},
		"hoursByMonth":           {Type: listOf(hours), Description: "By programme and month.", Resolve: ledgerField(func(l *impact.Ledger) any { return pointers(l.Hours) })},
		"skillsCertified":        {Type: nonNull(graphql.Int), Resolve: ledgerField(func(l *impact.Ledger) any { return l.SkillsCertified })},
		"skills":                 {Type: listOf(skillCount), Resolve: ledgerField(func(l *impact.Ledger) any { return pointers(l.Skills) })},
		"certificatesIssued":     {Type: nonNull(graphql.Int), Resolve: ledgerField(func(l *impact.Ledger) any { return l.CertificatesIssued })},
		"certificates":           {Type: listOf(certCount), Resolve: ledgerField(func(l *impact.Ledger) any { return pointers(l.Certificates) })},
	})
}

// enumCount is a count of an enum value.
type enumCount struct {
	key any
	n   int
}

// counts lists the counts of every value of an enum, in its order.
func counts[K comparable](keys []K, m map[K]int) []enumCount {
	out := make([]enumCount, len(keys))
	for i, k := range keys {
		out[i] = enumCount{k, m[k]}
	}
	return out
}

// flowField reads a field of the flows a source carries: a month's, a kind's, a month and kind's.
func flowField(get func(*impact.Flows) any) graphql.FieldResolveFn {
	return func(p graphql.ResolveParams) (any, error) {
		switch s := p.Source.(type) {
		case *impact.Flows:
			return get(s), nil
		case *impact.MonthFlows:
			return get(&s.Flows), nil
		case *impact.KindFlows:
			return get(&s.Flows), nil
		case *impact.MonthKindFlows:
			return get(&s.Flows), nil
		}
		return nil, nil
	}
}

func ageField(get func(*impact.Age) any) graphql.FieldResolveFn {
	return func(p graphql.ResolveParams) (any, error) { return get(p.Source.(*impact.Age)), nil }
}

// ledgerField reads a field of Impact from the ledger.
func ledgerField(get func(*impact.Ledger) any) graphql.FieldResolveFn {
	return func(p graphql.ResolveParams) (any, error) { return get(p.Source.(*impact.Ledger)), nil }
}

// monthOrNull is a programme's month, null for the whole period.
func monthOrNull(p graphql.ResolveParams) (any, error) {
	if m := p.Source.(*workshops.ProgrammeMonth).Month; !m.IsZero() {
		return m, nil
	}
	return nil, nil
}
