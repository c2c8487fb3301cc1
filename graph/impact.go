package graph

import (
	"net/url"
	"strings"
	"time"

	"github.com/graphql-go/graphql"

	"github.com/digital-inclusion/refurb/certificates"
	"github.com/digital-inclusion/refurb/impact"
	"github.com/digital-inclusion/refurb/inventory"
	"github.com/digital-inclusion/refurb/requests"
	"github.com/digital-inclusion/refurb/workshops"
)

// addImpact adds the impact ledger, a donor's impact, the annual report and the follow-up of a
// hand-out (docs/impact.md). Who may read what is package impact's and requests'.
func (b *builder) addImpact() {
	st := func() *impact.Store { return b.deps.Impact }
	inUse := newEnum("FollowUpInUse", "Is the device still in use three months after its hand-out?", requests.InUses)
	use := newEnum("FollowUpUse", "What the device is used for.", requests.Uses)
	problem := newEnum("FollowUpProblem", "A problem with the device: NONE, HARDWARE, SOFTWARE, CONNECTIVITY (no internet), SKILLS (needs help to use it), OTHER.", requests.Problems)

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
	download := graphql.NewObject(graphql.ObjectConfig{
		Name:        "ImpactDownload",
		Description: "One table of the ledger as files (signed in as staff).",
		Fields: graphql.Fields{
			"table":   {Type: nonNull(graphql.String)},
			"csvURL":  {Type: nonNull(graphql.String)},
			"xlsxURL": {Type: nonNull(graphql.String)},
		},
	})

	ledger := func(get func(*impact.Ledger) any) graphql.FieldResolveFn {
		return func(p graphql.ResolveParams) (any, error) { return get(p.Source.(*impact.Ledger)), nil }
	}
	impactT := graphql.NewObject(graphql.ObjectConfig{
		Name:        "Impact",
		Description: "The impact ledger of a period of days (docs/impact.md): environment, people and employability.",
		Fields: graphql.Fields{
			"from":              {Type: nonNull(b.dateT), Resolve: ledger(func(l *impact.Ledger) any { return l.From })},
			"to":                {Type: nonNull(b.dateT), Resolve: ledger(func(l *impact.Ledger) any { return l.To })},
			"devicesReceived":   {Type: nonNull(graphql.Int), Resolve: ledger(func(l *impact.Ledger) any { return l.Devices.Received })},
			"devicesHandedOut":  {Type: nonNull(graphql.Int), Resolve: ledger(func(l *impact.Ledger) any { return l.Devices.HandedOut })},
			"devicesRecycled":   {Type: nonNull(graphql.Int), Description: "Recycled or dismantled (kgRecycled weighs the same devices).", Resolve: ledger(func(l *impact.Ledger) any { return l.Devices.Recycled })},
			"devicesDismantled": {Type: nonNull(graphql.Int), Description: "Of devicesRecycled, those dismantled for parts.", Resolve: ledger(func(l *impact.Ledger) any { return l.Devices.Dismantled })},
			"devicesReturned":   {Type: nonNull(graphql.Int), Description: "Brought back by beneficiaries.", Resolve: ledger(func(l *impact.Ledger) any { return l.Devices.Returned })},
			"kgReceived":        {Type: nonNull(graphql.Float), Resolve: ledger(func(l *impact.Ledger) any { return l.Devices.KGReceived })},
			"kgReused":          {Type: nonNull(graphql.Float), Description: "Weight of the devices handed out.", Resolve: ledger(func(l *impact.Ledger) any { return l.Devices.KGReused })},
			"kgRecycled":        {Type: nonNull(graphql.Float), Resolve: ledger(func(l *impact.Ledger) any { return l.Devices.KGRecycled })},
			"co2eAvoidedKg": {Type: nonNull(graphql.Float), Description: "Estimated manufacturing emissions the hand-outs avoided, each with the factor set in force at its moment.",
				Resolve: ledger(func(l *impact.Ledger) any { return l.Devices.CO2eAvoidedKG })},
			"factorSets":        {Type: listOf(factorSet), Resolve: ledger(func(l *impact.Ledger) any { return pointers(l.FactorSets) })},
			"spansFactorSets":   {Type: nonNull(graphql.Boolean), Description: "The period's hand-outs counted with more than one factor set.", Resolve: ledger(func(l *impact.Ledger) any { return l.SpansFactorSets() })},
			"age":               {Type: nonNull(age), Resolve: ledger(func(l *impact.Ledger) any { return &l.Age })},
			"months":            {Type: listOf(month), Description: "Every month of the period.", Resolve: ledger(func(l *impact.Ledger) any { return pointers(l.Months) })},
			"kinds":             {Type: listOf(kind), Description: "Kinds with a flow.", Resolve: ledger(func(l *impact.Ledger) any { return pointers(l.Kinds) })},
			"monthKinds":        {Type: listOf(monthKind), Description: "Months and kinds with a flow.", Resolve: ledger(func(l *impact.Ledger) any { return pointers(l.MonthKinds) })},
			"requestsHandedOut": {Type: nonNull(graphql.Int), Resolve: ledger(func(l *impact.Ledger) any { return l.RequestsHandedOut })},
			"handOuts":          {Type: listOf(handOuts), Description: "Requests handed out by partner kind and purpose.", Resolve: ledger(func(l *impact.Ledger) any { return pointers(l.ByPartner) })},
			"medianDaysRequestToHandOut": {Type: graphql.Float, Description: "Calendar days from request to hand-out, median; null when no request was handed out in the period.",
				Resolve: ledger(func(l *impact.Ledger) any { return l.MedianWaitDays })},
			"p90DaysRequestToHandOut": {Type: graphql.Float, Description: "The same, 90th percentile.", Resolve: ledger(func(l *impact.Ledger) any { return l.P90WaitDays })},
			"queue":                   {Type: listOf(queuePoint), Description: "At the end of each month of the period (the last: its last day).", Resolve: ledger(func(l *impact.Ledger) any { return pointers(l.Queue) })},
			"followUps":               {Type: nonNull(followUps), Resolve: ledger(func(l *impact.Ledger) any { return &l.FollowUps })},
			"approvedTraineeMinutes":  {Type: nonNull(graphql.Int), Resolve: ledger(func(l *impact.Ledger) any { return l.TraineeMinutes })},
			"hoursByProgramme":        {Type: listOf(hours), Resolve: ledger(func(l *impact.Ledger) any { return pointers(l.Programmes) })},
			"hoursByMonth":            {Type: listOf(hours), Description: "By programme and month.", Resolve: ledger(func(l *impact.Ledger) any { return pointers(l.Hours) })},
			"skillsCertified":         {Type: nonNull(graphql.Int), Resolve: ledger(func(l *impact.Ledger) any { return l.SkillsCertified })},
			"skills":                  {Type: listOf(skillCount), Resolve: ledger(func(l *impact.Ledger) any { return pointers(l.Skills) })},
			"certificatesIssued":      {Type: nonNull(graphql.Int), Resolve: ledger(func(l *impact.Ledger) any { return l.CertificatesIssued })},
			"certificates":            {Type: listOf(certCount), Resolve: ledger(func(l *impact.Ledger) any { return pointers(l.Certificates) })},
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
		},
	})

	donorImpact := graphql.NewObject(graphql.ObjectConfig{
		Name:        "DonorImpact",
		Description: "What became of everything a donor gave, as their donation certificates count it.",
		Fields: graphql.Fields{
			"devices":        of(nonNull(graphql.Int), func(d *impact.DonorImpact) any { return d.Devices }),
			"handedOut":      of(nonNull(graphql.Int), func(d *impact.DonorImpact) any { return d.HandedOut }),
			"recycled":       {Type: nonNull(graphql.Int), Description: "Recycled or dismantled.", Resolve: donorField(func(d *impact.DonorImpact) any { return d.Recycled })},
			"dismantled":     of(nonNull(graphql.Int), func(d *impact.DonorImpact) any { return d.Dismantled }),
			"lost":           of(nonNull(graphql.Int), func(d *impact.DonorImpact) any { return d.Lost }),
			"inStock":        of(nonNull(graphql.Int), func(d *impact.DonorImpact) any { return d.InStock }),
			"kgReused":       of(nonNull(graphql.Float), func(d *impact.DonorImpact) any { return d.KGReused }),
			"kgRecycled":     of(nonNull(graphql.Float), func(d *impact.DonorImpact) any { return d.KGRecycled }),
			"kgInStock":      of(nonNull(graphql.Float), func(d *impact.DonorImpact) any { return d.KGInStock }),
			"co2eAvoidedKg":  of(nonNull(graphql.Float), func(d *impact.DonorImpact) any { return d.CO2eAvoidedKG }),
			"factorSets":     {Type: listOf(factorSet), Resolve: donorField(func(d *impact.DonorImpact) any { return pointers(d.FactorSets) })},
			"peopleEquipped": {Type: nonNull(graphql.Int), Description: "Hand-outs of the donor's devices: a device handed out twice equipped two people.", Resolve: donorField(func(d *impact.DonorImpact) any { return d.PeopleEquipped })},
		},
	})
	b.extend("Donor", graphql.Fields{"impact": {
		Type:        nonNull(donorImpact),
		Description: "The donor's impact: staff, administrators and the donor's users.",
		Resolve: func(p graphql.ResolveParams) (any, error) {
			return st().Donor(p.Context, p.Source.(*inventory.Donor).ID)
		},
	}})

	followUp := graphql.NewObject(graphql.ObjectConfig{
		Name:        "FollowUp",
		Description: "Three months after a hand-out, three questions to its social worker; the answers are choices, nothing about the beneficiary.",
		Fields: graphql.Fields{
			"askedAt":    of(nonNull(b.timeT), func(f *requests.FollowUp) any { return f.AskedAt }),
			"answeredAt": of(b.timeT, func(f *requests.FollowUp) any { return f.AnsweredAt }),
			"inUse": {Type: inUse, Resolve: func(p graphql.ResolveParams) (any, error) {
				if v := p.Source.(*requests.FollowUp).InUse; v != nil {
					return *v, nil
				}
				return nil, nil
			}},
			"uses": of(listOf(use), func(f *requests.FollowUp) any { return f.Uses }),
			"problem": {Type: problem, Resolve: func(p graphql.ResolveParams) (any, error) {
				if v := p.Source.(*requests.FollowUp).Problem; v != nil {
					return *v, nil
				}
				return nil, nil
			}},
		},
	})
	b.extend("DeviceRequest", graphql.Fields{"followUp": {
		Type:        followUp,
		Description: "The follow-up, once asked (three months after the hand-out).",
		Resolve: func(p graphql.ResolveParams) (any, error) {
			f, err := b.deps.Requests.FollowUp(p.Context, p.Source.(*requests.Request).ID)
			if f == nil || err != nil {
				return nil, err
			}
			return f, nil
		},
	}})
	answerInput := graphql.NewInputObject(graphql.InputObjectConfig{
		Name: "FollowUpAnswerInput",
		Fields: graphql.InputObjectConfigFieldMap{
			"inUse":   {Type: nonNull(inUse)},
			"uses":    {Type: graphql.NewList(nonNull(use))},
			"problem": {Type: nonNull(problem)},
		},
	})
	b.register(inUse, use, problem, age, month, kind, monthKind, factorSet, handOuts, queuePoint, inUseCount, useCount, problemCount,
		followUps, hours, skillCount, certCount, download, impactT, donorImpact, followUp, answerInput)

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
	b.query["followUpsToAnswer"] = &graphql.Field{
		Type:        listOf(b.object("DeviceRequest")),
		Description: "Requests whose follow-up waits for an answer, oldest first: a social worker's own (a coordinator's organisation's), every one for staff.",
		Args:        graphql.FieldConfigArgument{"first": {Type: graphql.Int, DefaultValue: 50}},
		Resolve: func(p graphql.ResolveParams) (any, error) {
			first, _ := p.Args["first"].(int)
			open, err := b.deps.Requests.OpenFollowUps(p.Context, first)
			if err != nil {
				return nil, err
			}
			ids := make([]int64, len(open))
			for i, o := range open {
				ids[i] = o.RequestID
			}
			rs, err := b.deps.Requests.RequestsByID(p.Context, ids)
			if err != nil {
				return nil, err
			}
			out := make([]*requests.Request, 0, len(ids))
			for _, id := range ids {
				if r := rs[id]; r != nil {
					out = append(out, r)
				}
			}
			return out, nil
		},
	}
	b.mutation["answerFollowUp"] = &graphql.Field{
		Type:        nonNull(followUp),
		Description: "Answers a request's follow-up, once: its social worker, their coordinator, or staff.",
		Args: graphql.FieldConfigArgument{
			"requestID": {Type: nonNull(graphql.ID)},
			"input":     {Type: nonNull(answerInput)},
		},
		Resolve: func(p graphql.ResolveParams) (any, error) {
			id, err := idOf("requestID", "DeviceRequest", p.Args["requestID"].(string))
			if err != nil {
				return nil, err
			}
			in := inputMap(p.Args["input"])
			a := requests.Answer{Uses: inputEnums[requests.Use](in, "uses")}
			a.InUse, _ = in["inUse"].(requests.InUse)
			a.Problem, _ = in["problem"].(requests.Problem)
			f, err := b.deps.Requests.AnswerFollowUp(p.Context, id, a)
			return f, inArg("input", err)
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

func donorField(get func(*impact.DonorImpact) any) graphql.FieldResolveFn {
	return func(p graphql.ResolveParams) (any, error) { return get(p.Source.(*impact.DonorImpact)), nil }
}

// monthOrNull is a programme's month, null for the whole period.
func monthOrNull(p graphql.ResolveParams) (any, error) {
	if m := p.Source.(*workshops.ProgrammeMonth).Month; !m.IsZero() {
		return m, nil
	}
	return nil, nil
}
