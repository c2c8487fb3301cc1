package graph

import (
	"github.com/graphql-go/graphql"

	"github.com/digital-inclusion/refurb/workshops"
)

// addProgrammes adds the programmes trainees enrol in and their enrolments.
func (b *builder) addProgrammes() {
	st := b.deps.Workshops
	programme := graphql.NewObject(graphql.ObjectConfig{
		Name:        "Programme",
		Description: "A track trainees enrol in: an employability track, an ADEM OTI placement.",
		Interfaces:  []*graphql.Interface{b.node},
		Fields: b.fields("Programme", func() graphql.Fields {
			return graphql.Fields{
				"id":               of(nonNull(graphql.ID), func(x *workshops.Programme) any { return globalID("Programme", x.ID) }),
				"name":             of(nonNull(graphql.String), func(x *workshops.Programme) any { return x.Name }),
				"funder":           of(nonNull(graphql.String), func(x *workshops.Programme) any { return x.Funder }),
				"targetMinutes":    of(nonNull(graphql.Int), func(x *workshops.Programme) any { return x.TargetMinutes }),
				"weeklyCapMinutes": of(nonNull(graphql.Int), func(x *workshops.Programme) any { return x.WeeklyCapMinutes }),
				"startsOn":         of(nonNull(b.dateT), func(x *workshops.Programme) any { return x.StartsOn }),
				"endsOn":           of(nonNull(b.dateT), func(x *workshops.Programme) any { return x.EndsOn }),
				"tutor": b.userField(b.object("User"), func(p graphql.ResolveParams) *int64 {
					return &p.Source.(*workshops.Programme).TutorID
				}),
			}
		}),
	})
	addNode(b, programme, func(p graphql.ResolveParams, id int64) (*workshops.Programme, error) {
		return wsFound(st.Programme(p.Context, id))
	})

	enrolment := graphql.NewObject(graphql.ObjectConfig{
		Name:        "Enrolment",
		Description: "A trainee's place in a programme for a period, with their tutor.",
		Fields: b.fields("Enrolment", func() graphql.Fields {
			return graphql.Fields{
				"programme": b.programmeField(func(p graphql.ResolveParams) *int64 { return &p.Source.(*workshops.Enrolment).ProgrammeID }),
				"startsOn":  of(nonNull(b.dateT), func(x *workshops.Enrolment) any { return x.StartsOn }),
				"endsOn":    of(nonNull(b.dateT), func(x *workshops.Enrolment) any { return x.EndsOn }),
				"tutor": b.userField(b.object("User"), func(p graphql.ResolveParams) *int64 {
					return &p.Source.(*workshops.Enrolment).TutorID
				}),
			}
		}),
	})
	newProgrammeInput := graphql.NewInputObject(graphql.InputObjectConfig{
		Name: "NewProgrammeInput",
		Fields: graphql.InputObjectConfigFieldMap{
			"name":             {Type: nonNull(graphql.String)},
			"funder":           {Type: nonNull(graphql.String)},
			"targetMinutes":    {Type: nonNull(graphql.Int)},
			"weeklyCapMinutes": {Type: nonNull(graphql.Int), Description: "ADEM's OTI: 2400 (40 hours), 1920 with a training plan."},
			"startsOn":         {Type: nonNull(b.dateT)},
			"endsOn":           {Type: nonNull(b.dateT)},
			"tutorID":          {Type: nonNull(graphql.ID), Description: "A staff member or administrator."},
		},
	})
	enrolInput := graphql.NewInputObject(graphql.InputObjectConfig{
		Name: "EnrolTraineeInput",
		Fields: graphql.InputObjectConfigFieldMap{
			"traineeID":   {Type: nonNull(graphql.ID)},
			"programmeID": {Type: nonNull(graphql.ID)},
			"startsOn":    {Type: b.dateT, Description: "Default: the programme's start."},
			"endsOn":      {Type: b.dateT, Description: "Default: the programme's end."},
			"tutorID":     {Type: graphql.ID, Description: "Default: the programme's tutor."},
		},
	})
	b.register(enrolment, newProgrammeInput, enrolInput)

	b.extend("Trainee", graphql.Fields{
		"enrolments": {Type: listOf(enrolment), Description: "The latest first.", Resolve: func(p graphql.ResolveParams) (any, error) {
			return listThunk(b.workshopLoaders(p).enrolments.Load(p.Context, traineeID(p))), nil
		}},
	})

	b.query["programmes"] = &graphql.Field{
		Type:        listOf(programme),
		Description: "Every programme, the latest first. Staff and administrators.",
		Resolve: func(p graphql.ResolveParams) (any, error) {
			ps, err := st.Programmes(p.Context)
			return pointers(ps), err
		},
	}
	b.mutation["createProgramme"] = &graphql.Field{
		Type:        nonNull(programme),
		Description: "Creates a programme. Staff and administrators.",
		Args:        graphql.FieldConfigArgument{"input": {Type: nonNull(newProgrammeInput)}},
		Resolve: func(p graphql.ResolveParams) (any, error) {
			n, err := newProgrammeFrom(inputMap(p.Args["input"]))
			if err != nil {
				return nil, wsInArg("input", err)
			}
			pr, err := st.CreateProgramme(p.Context, n)
			if err != nil {
				return nil, wsInArg("input", err)
			}
			return pr, nil
		},
	}
	b.mutation["enrolTrainee"] = &graphql.Field{
		Type:        nonNull(enrolment),
		Description: "Enrols a trainee in a programme; a trainee is in one programme at a time. Staff and administrators.",
		Args:        graphql.FieldConfigArgument{"input": {Type: nonNull(enrolInput)}},
		Resolve: func(p graphql.ResolveParams) (any, error) {
			n, err := newEnrolFrom(inputMap(p.Args["input"]))
			if err != nil {
				return nil, wsInArg("input", err)
			}
			e, err := st.Enrol(p.Context, n)
			if err != nil {
				return nil, wsInArg("input", err)
			}
			b.workshopsChanged(p)
			return e, nil
		},
	}
}

// programmeField resolves a field of type Programme to the programme whose id id reads from the
// source (null for nil), through the request's programmes loader.
func (b *builder) programmeField(id func(p graphql.ResolveParams) *int64) *graphql.Field {
	return &graphql.Field{Type: b.object("Programme"), Resolve: func(p graphql.ResolveParams) (any, error) {
		pid := id(p)
		if pid == nil {
			return nil, nil
		}
		return thunk(b.workshopLoaders(p).programmes.Load(p.Context, *pid)), nil
	}}
}

// newProgrammeFrom reads a NewProgrammeInput.
func newProgrammeFrom(m map[string]any) (workshops.NewProgramme, error) {
	tutor, err := idOf("tutorID", "User", inputString(m, "tutorID"))
	if err != nil {
		return workshops.NewProgramme{}, err
	}
	n := workshops.NewProgramme{Name: inputString(m, "name"), Funder: inputString(m, "funder"), TutorID: tutor}
	if v := inputInt(m, "targetMinutes"); v != nil {
		n.TargetMinutes = *v
	}
	if v := inputInt(m, "weeklyCapMinutes"); v != nil {
		n.WeeklyCapMinutes = *v
	}
	if t := inputTime(m, "startsOn"); t != nil {
		n.StartsOn = *t
	}
	if t := inputTime(m, "endsOn"); t != nil {
		n.EndsOn = *t
	}
	return n, nil
}

// newEnrolFrom reads an EnrolTraineeInput.
func newEnrolFrom(m map[string]any) (workshops.NewEnrolment, error) {
	var n workshops.NewEnrolment
	var err error
	if n.TraineeID, err = idOf("traineeID", "Trainee", inputString(m, "traineeID")); err != nil {
		return n, err
	}
	if n.ProgrammeID, err = idOf("programmeID", "Programme", inputString(m, "programmeID")); err != nil {
		return n, err
	}
	tutor, err := optionalID("tutorID", "User", m["tutorID"])
	if err != nil {
		return n, err
	}
	if tutor != nil {
		n.TutorID = *tutor
	}
	if t := inputTime(m, "startsOn"); t != nil {
		n.StartsOn = *t
	}
	if t := inputTime(m, "endsOn"); t != nil {
		n.EndsOn = *t
	}
	return n, nil
}
