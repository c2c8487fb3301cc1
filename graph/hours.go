package graph

import (
	"strings"

	"github.com/graphql-go/graphql"

	"github.com/digital-inclusion/refurb/inventory"
	"github.com/digital-inclusion/refurb/workshops"
)

// addHours adds the trainees' hour entries: logged, taken from attendance or proposed from their
// work. Their review is in hoursreview.go.
func (b *builder) addHours() {
	st := b.deps.Workshops
	status := newEnum("HoursStatus", "Where an hour entry is in its review: PENDING, then APPROVED or REJECTED (with a reason the trainee sees), once.", workshops.Statuses)
	activity := newEnum("HoursActivity", "The categories of hour entries; logHours takes their lower-case names as its activity.", workshops.Activities)
	source := newEnum("HoursSource", "Where an hour entry comes from: MANUAL (logged), ATTENDANCE (a session), WORK (proposed from wipes, repairs and QA checks).",
		[]workshops.Source{workshops.SourceManual, workshops.SourceAttendance, workshops.SourceWork})
	hourEntry := graphql.NewObject(graphql.ObjectConfig{
		Name:        "HourEntry",
		Description: "Time a trainee spent at the workshop: pending, approved or rejected.",
		Interfaces:  []*graphql.Interface{b.node},
		Fields:      b.fields("HourEntry", b.hourEntryFields),
	})
	addNode(b, hourEntry, func(p graphql.ResolveParams, id int64) (*workshops.HourEntry, error) {
		return wsFound(st.HourEntry(p.Context, id))
	})
	hourConnection := b.newConnection("HourEntryConnection", hourEntry)
	logHoursInput := graphql.NewInputObject(graphql.InputObjectConfig{
		Name: "LogHoursInput",
		Fields: graphql.InputObjectConfigFieldMap{
			"traineeID": {Type: nonNull(graphql.ID)},
			"date":      {Type: nonNull(b.dateT)},
			"minutes":   {Type: nonNull(graphql.Int)},
			"activity":  {Type: nonNull(graphql.String), Description: "One of training, diagnosis, repair, wipe, qa, intake, handout, other."},
			"deviceIDs": {Type: graphql.NewList(nonNull(graphql.ID))},
			"startTime": {Type: graphql.String, Description: "HH:MM: an entry with a start may not overlap another."},
			"note":      {Type: graphql.String},
		},
	})
	b.register(status, activity, source, hourConnection, logHoursInput)

	b.extend("Trainee", graphql.Fields{
		"hourEntries": {
			Type:        nonNull(hourConnection),
			Description: "The trainee's hour entries, the latest first.",
			Args: graphql.FieldConfigArgument{
				"status": {Type: graphql.NewList(nonNull(status))},
				"first":  {Type: graphql.Int, DefaultValue: 50},
				"after":  {Type: graphql.String},
			},
			Resolve: func(p graphql.ResolveParams) (any, error) {
				id := traineeID(p)
				return b.hourPage(p, workshops.HourFilter{TraineeID: &id, Statuses: inputEnums[workshops.Status](p.Args, "status")})
			},
		},
	})

	b.query["hourEntries"] = &graphql.Field{
		Type:        nonNull(hourConnection),
		Description: "Hour entries, the latest first: everyone's to staff and administrators, their own to a trainee.",
		Args: graphql.FieldConfigArgument{
			"traineeID": {Type: graphql.ID},
			"status":    {Type: graphql.NewList(nonNull(status))},
			"from":      {Type: b.dateT},
			"to":        {Type: b.dateT},
			"first":     {Type: graphql.Int, DefaultValue: 50},
			"after":     {Type: graphql.String},
		},
		Resolve: func(p graphql.ResolveParams) (any, error) {
			f := workshops.HourFilter{Statuses: inputEnums[workshops.Status](p.Args, "status")}
			var err error
			if f.TraineeID, err = optionalID("traineeID", "Trainee", p.Args["traineeID"]); err != nil {
				return nil, err
			}
			if t := inputTime(p.Args, "from"); t != nil {
				f.From = *t
			}
			if t := inputTime(p.Args, "to"); t != nil {
				f.To = *t
			}
			return b.hourPage(p, f)
		},
	}
	b.mutation["logHours"] = &graphql.Field{
		Type: nonNull(hourEntry),
		Description: "Logs a pending hour entry: trainees for themselves, staff and administrators for anyone. Refused (BAD_USER_INPUT, extensions.rule) for minutes not above 0, " +
			"a date in the future, a day over 12 hours, or an entry with a start time that overlaps another.",
		Args: graphql.FieldConfigArgument{"input": {Type: nonNull(logHoursInput)}},
		Resolve: func(p graphql.ResolveParams) (any, error) {
			n, err := newLogHoursInput(inputMap(p.Args["input"]))
			if err != nil {
				return nil, wsInArg("input", err)
			}
			h, err := st.LogHours(p.Context, n)
			if err != nil {
				return nil, wsInArg("input", err)
			}
			b.workshopsChanged(p)
			return h, nil
		},
	}
	b.mutation["proposeHoursFromWork"] = &graphql.Field{
		Type:        listOf(hourEntry),
		Description: "Turns the trainee's wipes, repairs and QA checks of the last 90 days that proposed nothing yet into pending entries. Staff, administrators and the trainee.",
		Args:        graphql.FieldConfigArgument{"traineeID": {Type: nonNull(graphql.ID)}},
		Resolve: func(p graphql.ResolveParams) (any, error) {
			id, err := idOf("traineeID", "Trainee", p.Args["traineeID"].(string))
			if err != nil {
				return nil, err
			}
			hs, err := st.ProposeFromWork(p.Context, id)
			if err != nil {
				return nil, err
			}
			b.workshopsChanged(p)
			return pointers(hs), nil
		},
	}
}

// hourEntryFields are the fields of HourEntry.
func (b *builder) hourEntryFields() graphql.Fields {
	return graphql.Fields{
		"id": of(nonNull(graphql.ID), func(x *workshops.HourEntry) any { return globalID("HourEntry", x.ID) }),
		"trainee": b.traineeField(func(p graphql.ResolveParams) int64 {
			return p.Source.(*workshops.HourEntry).TraineeID
		}),
		"date": of(nonNull(b.dateT), func(x *workshops.HourEntry) any { return x.Date }),
		"startTime": {Type: graphql.String, Description: "HH:MM, when given.", Resolve: func(p graphql.ResolveParams) (any, error) {
			return clock(p.Source.(*workshops.HourEntry).StartMinute), nil
		}},
		"endTime":          {Type: graphql.String, Description: "HH:MM, when a start is given.", Resolve: func(p graphql.ResolveParams) (any, error) { return clock(p.Source.(*workshops.HourEntry).End()), nil }},
		"minutes":          of(nonNull(graphql.Int), func(x *workshops.HourEntry) any { return x.Minutes }),
		"activity":         of(nonNull(graphql.String), func(x *workshops.HourEntry) any { return string(x.Activity) }),
		"activityCategory": of(nonNull(b.enum("HoursActivity")), func(x *workshops.HourEntry) any { return x.Activity }),
		"note":             of(graphql.String, func(x *workshops.HourEntry) any { return x.Note }),
		"source":           of(nonNull(b.enum("HoursSource")), func(x *workshops.HourEntry) any { return x.Source }),
		"status":           of(nonNull(b.enum("HoursStatus")), func(x *workshops.HourEntry) any { return x.Status }),
		"reason":           of(graphql.String, func(x *workshops.HourEntry) any { return x.Reason }),
		"session": {Type: b.object("WorkshopSession"), Resolve: func(p graphql.ResolveParams) (any, error) {
			id := p.Source.(*workshops.HourEntry).SessionID
			if id == nil {
				return nil, nil
			}
			return thunk(b.workshopLoaders(p).sessions.Load(p.Context, *id)), nil
		}},
		"devices": {Type: listOf(b.object("Device")), Description: "The devices worked on.", Resolve: func(p graphql.ResolveParams) (any, error) {
			th := b.workshopLoaders(p).entryDevices.Load(p.Context, p.Source.(*workshops.HourEntry).ID)
			return func() (any, error) {
				ids, err := th()
				if err != nil || len(ids) == 0 {
					return []*inventory.Device{}, err
				}
				ds, errs := b.inventoryLoaders(p).devices.LoadMany(p.Context, ids)()
				out := make([]*inventory.Device, 0, len(ds))
				for i, d := range ds {
					if errs != nil && errs[i] != nil {
						return nil, errs[i]
					}
					if d != nil {
						out = append(out, d)
					}
				}
				return out, nil
			}, nil
		}},
		"loggedBy": b.userField(b.object("User"), func(p graphql.ResolveParams) *int64 {
			return p.Source.(*workshops.HourEntry).LoggedBy
		}),
		"loggedAt": of(nonNull(b.timeT), func(x *workshops.HourEntry) any { return x.LoggedAt }),
		"reviewedBy": b.userField(b.object("User"), func(p graphql.ResolveParams) *int64 {
			return p.Source.(*workshops.HourEntry).ReviewedBy
		}),
		"reviewedAt": of(b.timeT, func(x *workshops.HourEntry) any { return x.ReviewedAt }),
	}
}

// hourPage reads a page of hour entries as a connection.
func (b *builder) hourPage(p graphql.ResolveParams, f workshops.HourFilter) (any, error) {
	pg := page(p, 50)
	hp, err := b.deps.Workshops.HourEntries(p.Context, f, workshops.Page{First: pg.First, After: pg.After})
	if err != nil {
		return nil, err
	}
	return connection(pointers(hp.Entries), hp.HasNextPage, hp.EndCursor, hp.TotalCount), nil
}

// newLogHoursInput reads a LogHoursInput.
func newLogHoursInput(m map[string]any) (workshops.NewHours, error) {
	id, err := idOf("traineeID", "Trainee", inputString(m, "traineeID"))
	if err != nil {
		return workshops.NewHours{}, err
	}
	devices, err := inputIDs(m, "deviceIDs", "Device")
	if err != nil {
		return workshops.NewHours{}, err
	}
	start, err := optionalClock("startTime", m)
	if err != nil {
		return workshops.NewHours{}, err
	}
	n := workshops.NewHours{TraineeID: id, StartMinute: start, Activity: workshops.Activity(strings.ToLower(strings.TrimSpace(inputString(m, "activity")))),
		Note: inputString(m, "note"), DeviceIDs: devices}
	if t := inputTime(m, "date"); t != nil {
		n.Date = *t
	}
	if v := inputInt(m, "minutes"); v != nil {
		n.Minutes = *v
	}
	return n, nil
}
