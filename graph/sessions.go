package graph

import (
	"errors"

	"github.com/graphql-go/graphql"

	"github.com/digital-inclusion/refurb/validation"
	"github.com/digital-inclusion/refurb/workshops"
)

// addSessions adds the training sessions and their attendance, which creates the attendees' hour
// entries.
func (b *builder) addSessions() {
	st := b.deps.Workshops
	via := newEnum("AttendanceVia", "How attendance was taken.", []workshops.Via{workshops.ViaTick, workshops.ViaBadge})
	session := graphql.NewObject(graphql.ObjectConfig{
		Name:        "WorkshopSession",
		Description: "A training session: a day, a time, a topic, a supervisor and a number of places.",
		Interfaces:  []*graphql.Interface{b.node},
		Fields:      b.fields("WorkshopSession", b.sessionFields),
	})
	addNode(b, session, func(p graphql.ResolveParams, id int64) (*workshops.Session, error) {
		return wsFound(st.Session(p.Context, id))
	})

	attendance := graphql.NewObject(graphql.ObjectConfig{
		Name:        "Attendance",
		Description: "A trainee at a session, with the hour entry it created.",
		Fields: b.fields("Attendance", func() graphql.Fields {
			return graphql.Fields{
				"trainee":  b.traineeField(func(p graphql.ResolveParams) int64 { return p.Source.(*workshops.Attendance).TraineeID }),
				"via":      of(nonNull(via), func(x *workshops.Attendance) any { return x.Via }),
				"markedAt": of(nonNull(b.timeT), func(x *workshops.Attendance) any { return x.MarkedAt }),
				"hourEntry": {Type: nonNull(b.object("HourEntry")), Resolve: func(p graphql.ResolveParams) (any, error) {
					return st.HourEntry(p.Context, p.Source.(*workshops.Attendance).HourEntryID)
				}},
				"alreadyMarked": of(nonNull(graphql.Boolean), func(x *workshops.Attendance) any { return x.Already }),
			}
		}),
	})
	sessionInput := graphql.NewInputObject(graphql.InputObjectConfig{
		Name: "NewWorkshopSessionInput",
		Fields: graphql.InputObjectConfigFieldMap{
			"programmeID":  {Type: graphql.ID},
			"date":         {Type: nonNull(b.dateT)},
			"startTime":    {Type: nonNull(graphql.String), Description: "HH:MM"},
			"endTime":      {Type: nonNull(graphql.String), Description: "HH:MM"},
			"topic":        {Type: nonNull(graphql.String)},
			"location":     {Type: graphql.String},
			"supervisorID": {Type: nonNull(graphql.ID)},
			"capacity":     {Type: nonNull(graphql.Int)},
		},
	})
	b.register(via, attendance, sessionInput)

	b.query["workshopSessions"] = &graphql.Field{
		Type:        listOf(session),
		Description: "The sessions between two dates, in time order. Staff and administrators.",
		Args:        graphql.FieldConfigArgument{"from": {Type: nonNull(b.dateT)}, "to": {Type: nonNull(b.dateT)}},
		Resolve: func(p graphql.ResolveParams) (any, error) {
			from, err := requiredDate(p.Args, "from")
			if err != nil {
				return nil, err
			}
			to, err := requiredDate(p.Args, "to")
			if err != nil {
				return nil, err
			}
			ss, err := st.Sessions(p.Context, from, to)
			return pointers(ss), err
		},
	}
	b.mutation["createWorkshopSession"] = &graphql.Field{
		Type:        nonNull(session),
		Description: "Plans a session. Staff and administrators.",
		Args:        graphql.FieldConfigArgument{"input": {Type: nonNull(sessionInput)}},
		Resolve: func(p graphql.ResolveParams) (any, error) {
			n, err := newSessionFrom(inputMap(p.Args["input"]))
			if err != nil {
				return nil, wsInArg("input", err)
			}
			s, err := st.CreateSession(p.Context, n)
			if err != nil {
				return nil, wsInArg("input", err)
			}
			return s, nil
		},
	}
	b.mutation["markAttendance"] = &graphql.Field{
		Type:        nonNull(attendance),
		Description: "Marks a trainee, named by traineeID or by their badge (its token or URL), as attending a session, which creates the session's pending hour entry. Staff and administrators.",
		Args: graphql.FieldConfigArgument{
			"sessionID": {Type: nonNull(graphql.ID)},
			"traineeID": {Type: graphql.ID},
			"badge":     {Type: graphql.String},
		},
		Resolve: func(p graphql.ResolveParams) (any, error) {
			sid, err := idOf("sessionID", "WorkshopSession", p.Args["sessionID"].(string))
			if err != nil {
				return nil, err
			}
			tid, err := optionalID("traineeID", "Trainee", p.Args["traineeID"])
			if err != nil {
				return nil, err
			}
			via := workshops.ViaTick
			if badge, _ := p.Args["badge"].(string); tid == nil && badge != "" {
				t, err := st.TraineeByBadge(p.Context, badge)
				if errors.Is(err, workshops.ErrNotFound) {
					return nil, validation.Field("badge", "no trainee has this badge")
				}
				if err != nil {
					return nil, err
				}
				tid, via = &t.ID, workshops.ViaBadge
			}
			if tid == nil {
				return nil, validation.Field("traineeID", "name the trainee or their badge")
			}
			a, err := st.MarkAttendance(p.Context, sid, *tid, via)
			if err != nil {
				return nil, err
			}
			b.workshopsChanged(p)
			return a, nil
		},
	}
}

// sessionFields are the fields of WorkshopSession.
func (b *builder) sessionFields() graphql.Fields {
	st := b.deps.Workshops
	return graphql.Fields{
		"id": of(nonNull(graphql.ID), func(x *workshops.Session) any { return globalID("WorkshopSession", x.ID) }),
		"programme": b.programmeField(func(p graphql.ResolveParams) *int64 {
			return p.Source.(*workshops.Session).ProgrammeID
		}),
		"date":      of(nonNull(b.dateT), func(x *workshops.Session) any { return x.Date }),
		"startTime": of(nonNull(graphql.String), func(x *workshops.Session) any { return workshops.ClockTime(x.StartMinute) }),
		"endTime":   of(nonNull(graphql.String), func(x *workshops.Session) any { return workshops.ClockTime(x.EndMinute) }),
		"topic":     of(nonNull(graphql.String), func(x *workshops.Session) any { return x.Topic }),
		"location":  of(graphql.String, func(x *workshops.Session) any { return x.Location }),
		"supervisor": b.userField(b.object("User"), func(p graphql.ResolveParams) *int64 {
			return &p.Source.(*workshops.Session).SupervisorID
		}),
		"capacity":  of(nonNull(graphql.Int), func(x *workshops.Session) any { return x.Capacity }),
		"attending": of(nonNull(graphql.Int), func(x *workshops.Session) any { return x.Attending }),
		"attendees": {Type: listOf(b.object("Attendance")), Description: "Staff and administrators.",
			Resolve: func(p graphql.ResolveParams) (any, error) {
				as, err := st.Attendees(p.Context, p.Source.(*workshops.Session).ID)
				return pointers(as), err
			}},
	}
}

// newSessionFrom reads a NewWorkshopSessionInput.
func newSessionFrom(m map[string]any) (workshops.NewSession, error) {
	var n workshops.NewSession
	var err error
	if n.ProgrammeID, err = optionalID("programmeID", "Programme", m["programmeID"]); err != nil {
		return n, err
	}
	if n.SupervisorID, err = idOf("supervisorID", "User", inputString(m, "supervisorID")); err != nil {
		return n, err
	}
	for field, dst := range map[string]*int{"startTime": &n.StartMinute, "endTime": &n.EndMinute} {
		v, err := optionalClock(field, m)
		if err != nil {
			return n, err
		}
		if v == nil {
			return n, validation.Field(field, "a time of day such as 09:30 is required")
		}
		*dst = *v
	}
	if field := "endTime"; inputString(m, field) == "24:00" {
		n.EndMinute = 24 * 60
	}
	if t := inputTime(m, "date"); t != nil {
		n.Date = *t
	}
	n.Topic, n.Location = inputString(m, "topic"), inputString(m, "location")
	if v := inputInt(m, "capacity"); v != nil {
		n.Capacity = *v
	}
	return n, nil
}
