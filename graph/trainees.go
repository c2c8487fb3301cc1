package graph

import (
	"github.com/graphql-go/graphql"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/workshops"
)

// addTrainees adds the trainees: their record, badge and PIN. Their enrolments, hours, skills,
// progress and work are areas of their own, which add their fields to Trainee.
func (b *builder) addTrainees() {
	st := b.deps.Workshops
	trainee := graphql.NewObject(graphql.ObjectConfig{
		Name:        "Trainee",
		Description: "A person who learns at the workshop. Staff, administrators and the trainee themselves see the record.",
		Interfaces:  []*graphql.Interface{b.node},
		Fields:      b.fields("Trainee", b.traineeFields),
	})
	addNode(b, trainee, func(p graphql.ResolveParams, id int64) (*workshops.Trainee, error) {
		return wsFound(st.Trainee(p.Context, id))
	})
	traineeConnection := b.newConnection("TraineeConnection", trainee)
	newTraineeInput := graphql.NewInputObject(graphql.InputObjectConfig{
		Name: "NewTraineeInput",
		Fields: graphql.InputObjectConfigFieldMap{
			"name":                 {Type: nonNull(graphql.String)},
			"targetMinutes":        {Type: graphql.Int, Description: "Overrides the programmes' targets."},
			"contact":              {Type: graphql.String},
			"languages":            {Type: graphql.NewList(nonNull(graphql.String)), Description: "ISO 639 codes, the one pages use first."},
			"consentToKeepRecords": {Type: graphql.Boolean, Description: "The trainee's answer, recorded with consentRecordedOn (default today)."},
			"consentRecordedOn":    {Type: b.dateT},
		},
	})
	b.register(traineeConnection, newTraineeInput)

	b.query["trainees"] = &graphql.Field{
		Type:        nonNull(traineeConnection),
		Description: "Trainees by name: every one to staff and administrators, themselves to a trainee.",
		Args: graphql.FieldConfigArgument{
			"first":  {Type: graphql.Int, DefaultValue: 50},
			"after":  {Type: graphql.String},
			"search": {Type: graphql.String, Description: "Part of the name."},
		},
		Resolve: func(p graphql.ResolveParams) (any, error) {
			pg := page(p, 50)
			search, _ := p.Args["search"].(string)
			tp, err := st.Trainees(p.Context, search, workshops.Page{First: pg.First, After: pg.After})
			if err != nil {
				return nil, err
			}
			l := b.workshopLoaders(p).trainees
			for i := range tp.Trainees {
				l.Prime(p.Context, tp.Trainees[i].ID, &tp.Trainees[i])
			}
			return connection(pointers(tp.Trainees), tp.HasNextPage, tp.EndCursor, tp.TotalCount), nil
		},
	}
	b.query["myTrainee"] = &graphql.Field{
		Type:        trainee,
		Description: "The signed-in trainee's own record; null for anyone else.",
		Resolve: func(p graphql.ResolveParams) (any, error) {
			a, ok := auth.ActorFrom(p.Context)
			if !ok || !workshops.IsTrainee(a) {
				return nil, nil
			}
			return wsFound(st.Trainee(p.Context, a.TraineeID))
		},
	}
	b.mutation["createTrainee"] = &graphql.Field{
		Type:        nonNull(trainee),
		Description: "Records a trainee, with a badge. Staff and administrators.",
		Args:        graphql.FieldConfigArgument{"input": {Type: nonNull(newTraineeInput)}},
		Resolve: func(p graphql.ResolveParams) (any, error) {
			t, err := st.CreateTrainee(p.Context, newTraineeFrom(inputMap(p.Args["input"])))
			if err != nil {
				return nil, wsInArg("input", err)
			}
			b.workshopsChanged(p)
			return t, nil
		},
	}
	b.mutation["updateTrainee"] = &graphql.Field{
		Type:        nonNull(trainee),
		Description: "Replaces a trainee's name, contact, languages and target, and records their consent when given. Staff and administrators.",
		Args:        graphql.FieldConfigArgument{"id": {Type: nonNull(graphql.ID)}, "input": {Type: nonNull(newTraineeInput)}},
		Resolve: func(p graphql.ResolveParams) (any, error) {
			id, err := idOf("id", "Trainee", p.Args["id"].(string))
			if err != nil {
				return nil, err
			}
			t, err := st.UpdateTrainee(p.Context, id, newTraineeFrom(inputMap(p.Args["input"])))
			if err != nil {
				return nil, wsInArg("input", err)
			}
			b.workshopsChanged(p)
			return t, nil
		},
	}
	b.mutation["renewTraineeBadge"] = &graphql.Field{
		Type:        nonNull(trainee),
		Description: "Gives a trainee a new badge; the old one stops working. Staff and administrators.",
		Args:        graphql.FieldConfigArgument{"traineeID": {Type: nonNull(graphql.ID)}},
		Resolve: func(p graphql.ResolveParams) (any, error) {
			id, err := idOf("traineeID", "Trainee", p.Args["traineeID"].(string))
			if err != nil {
				return nil, err
			}
			t, err := st.RenewBadge(p.Context, id)
			if err != nil {
				return nil, err
			}
			b.workshopsChanged(p)
			return t, nil
		},
	}
	b.mutation["setTraineePIN"] = &graphql.Field{
		Type:        nonNull(graphql.Boolean),
		Description: "Sets the 4 to 6 digit PIN a trainee signs in with at a bench: staff and administrators for any trainee with an account, a trainee for themselves.",
		Args:        graphql.FieldConfigArgument{"traineeID": {Type: nonNull(graphql.ID)}, "pin": {Type: nonNull(graphql.String)}},
		Resolve: func(p graphql.ResolveParams) (any, error) {
			id, err := idOf("traineeID", "Trainee", p.Args["traineeID"].(string))
			if err != nil {
				return nil, err
			}
			if err := b.deps.Auth.SetTraineePIN(p.Context, id, p.Args["pin"].(string)); err != nil {
				return nil, err
			}
			return true, nil
		},
	}
}

// traineeFields are the fields of Trainee that describe the trainee; other areas add theirs.
func (b *builder) traineeFields() graphql.Fields {
	totals := func(get func(workshops.Totals) any) graphql.FieldResolveFn {
		return func(p graphql.ResolveParams) (any, error) {
			th := b.workshopLoaders(p).totals.Load(p.Context, p.Source.(*workshops.Trainee).ID)
			return func() (any, error) {
				t, err := th()
				if err != nil {
					return nil, err
				}
				return get(t), nil
			}, nil
		}
	}
	return graphql.Fields{
		"id":   of(nonNull(graphql.ID), func(x *workshops.Trainee) any { return globalID("Trainee", x.ID) }),
		"name": of(nonNull(graphql.String), func(x *workshops.Trainee) any { return x.Name }),
		"approvedMinutes": {Type: nonNull(graphql.Int), Description: "Approved minutes, all programmes together.",
			Resolve: totals(func(t workshops.Totals) any { return t.ApprovedMinutes })},
		"pendingMinutes": {Type: nonNull(graphql.Int), Description: "Minutes waiting for review.",
			Resolve: totals(func(t workshops.Totals) any { return t.PendingMinutes })},
		"targetMinutes": {Type: graphql.Int, Description: "The trainee's own target, or else the sum of their programmes'; null without either.",
			Resolve: totals(func(t workshops.Totals) any {
				if t.TargetMinutes == nil {
					return nil
				}
				return *t.TargetMinutes
			})},
		"contact":   of(graphql.String, func(x *workshops.Trainee) any { return x.Contact }),
		"languages": of(listOf(graphql.String), func(x *workshops.Trainee) any { return x.Languages }),
		"consentToKeepRecords": {Type: graphql.Boolean, Description: "Consent to keep the records after the programme; null until asked.",
			Resolve: func(p graphql.ResolveParams) (any, error) {
				if c := p.Source.(*workshops.Trainee).ConsentKeep; c != nil {
					return *c, nil
				}
				return nil, nil
			}},
		"consentRecordedOn": of(b.dateT, func(x *workshops.Trainee) any { return x.ConsentRecordedOn }),
		"badgeURL": {Type: graphql.String, Description: "What the trainee's QR badge encodes (staff and administrators; null for the trainee).",
			Resolve: func(p graphql.ResolveParams) (any, error) {
				t := p.Source.(*workshops.Trainee)
				if t.BadgeToken == nil || !isOffice(p.Context) {
					return nil, nil
				}
				return b.deps.PublicURL + "/T/" + *t.BadgeToken, nil
			}},
		"certificates": {Type: listOf(b.object("Certificate")), Description: "Attendance certificates, newest first, superseded ones included. Staff, administrators and the trainee themselves.",
			Resolve: func(p graphql.ResolveParams) (any, error) {
				l := b.workshopLoaders(p).certificates
				if l == nil {
					return []certificateNode{}, nil
				}
				th := l.Load(p.Context, traineeID(p))
				return func() (any, error) {
					cs, err := th()
					if err != nil {
						return nil, err
					}
					out := make([]certificateNode, len(cs))
					for i := range cs {
						out[i] = certificateNode{Certificate: &cs[i]}
					}
					return out, nil
				}, nil
			}},
	}
}

// traineeID is the id of the trainee a field of Trainee resolves from.
func traineeID(p graphql.ResolveParams) int64 { return p.Source.(*workshops.Trainee).ID }

// traineeField resolves a field of type Trainee! to the trainee whose id id reads from the source,
// through the request's trainees loader.
func (b *builder) traineeField(id func(p graphql.ResolveParams) int64) *graphql.Field {
	return &graphql.Field{Type: nonNull(b.object("Trainee")), Resolve: func(p graphql.ResolveParams) (any, error) {
		return thunk(b.workshopLoaders(p).trainees.Load(p.Context, id(p))), nil
	}}
}

// newTraineeFrom reads a NewTraineeInput.
func newTraineeFrom(m map[string]any) workshops.NewTrainee {
	n := workshops.NewTrainee{Name: inputString(m, "name"), Contact: inputString(m, "contact"), TargetMinutes: inputInt(m, "targetMinutes")}
	for _, l := range inputList(m, "languages") {
		s, _ := l.(string)
		n.Languages = append(n.Languages, s)
	}
	if c, ok := m["consentToKeepRecords"].(bool); ok {
		n.Consent = &c
		if on := inputTime(m, "consentRecordedOn"); on != nil {
			n.ConsentOn = *on
		}
	}
	return n
}
