package graph

import (
	"context"
	"errors"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/graphql-go/graphql"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/certificates"
	"github.com/digital-inclusion/refurb/inventory"
	"github.com/digital-inclusion/refurb/validation"
	"github.com/digital-inclusion/refurb/workshops"
)

// The workshops area: programmes, trainees and their enrolments, hour entries and their review,
// sessions and attendance, skills, progress, the trainees' work in the inventory and the funder
// report (docs/workshops.md). Who may see and do what is the domain's: trainees their own,
// staff and administrators everything, donors and social workers nothing.

// workshopLoaders are one request's loaders for the workshops' edges.
type workshopLoaders struct {
	trainees     *loader[int64, *workshops.Trainee]
	totals       *loader[int64, workshops.Totals]
	programmes   *loader[int64, *workshops.Programme]
	sessions     *loader[int64, *workshops.Session]
	enrolments   *loader[int64, []workshops.Enrolment]
	entryDevices *loader[int64, []int64]
	certificates *loader[int64, []certificates.Certificate]
}

type workshopLoadersKey struct{}

func (b *builder) workshopLoaders(p graphql.ResolveParams) *workshopLoaders {
	return scoped(p.Info, workshopLoadersKey{}, func() *workshopLoaders {
		st := b.deps.Workshops
		l := &workshopLoaders{
			trainees:     newLoader(byKey(st.TraineesByID)),
			totals:       newLoader(byKey(st.Totals)),
			programmes:   newLoader(byKey(st.ProgrammesByID)),
			sessions:     newLoader(byKey(st.SessionsByID)),
			enrolments:   newLoader(byKey(st.Enrolments)),
			entryDevices: newLoader(byKey(st.EntryDevices)),
		}
		if b.deps.Certificates != nil {
			l.certificates = newLoader(byKey(b.deps.Certificates.ForTrainees))
		}
		return l
	})
}

// workshopsChanged forgets what the request loaded of the workshops: a mutation changed it.
func (b *builder) workshopsChanged(p graphql.ResolveParams) {
	l := b.workshopLoaders(p)
	l.trainees.ClearAll()
	l.totals.ClearAll()
	l.programmes.ClearAll()
	l.sessions.ClearAll()
	l.enrolments.ClearAll()
	l.entryDevices.ClearAll()
	if l.certificates != nil {
		l.certificates.ClearAll()
	}
}

// wsFound turns the workshops' ErrNotFound into null.
func wsFound[V any](v V, err error) (V, error) {
	if errors.Is(err, workshops.ErrNotFound) {
		var zero V
		return zero, nil
	}
	return v, err
}

// of resolves a field from the source, a value of type S.
func of[S any](t graphql.Output, get func(S) any) *graphql.Field {
	return &graphql.Field{Type: t, Resolve: func(p graphql.ResolveParams) (any, error) { return get(p.Source.(S)), nil }}
}

// clock formats an optional minute of the day as 09:30.
func clock(m *int) any {
	if m == nil {
		return nil
	}
	return workshops.ClockTime(*m)
}

// optionalClock parses an optional HH:MM argument as minutes after midnight.
func optionalClock(field string, m map[string]any) (*int, error) {
	s := strings.TrimSpace(inputString(m, field))
	if s == "" {
		return nil, nil
	}
	v, ok := workshops.ParseClock(s)
	if !ok {
		return nil, validation.Field(field, "%q is not a time of day such as 09:30", s)
	}
	return &v, nil
}

// requiredDate reads a Date argument.
func requiredDate(m map[string]any, field string) (time.Time, error) {
	if t := inputTime(m, field); t != nil {
		return *t, nil
	}
	return time.Time{}, validation.Field(field, "a date YYYY-MM-DD is required")
}

// addWorkshops adds the workshops area.
func (b *builder) addWorkshops() {
	st := b.deps.Workshops
	status := newEnum("HoursStatus", "Where an hour entry is in its review: PENDING, then APPROVED or REJECTED (with a reason the trainee sees), once.", workshops.Statuses)
	activity := newEnum("HoursActivity", "The categories of hour entries; logHours takes their lower-case names as its activity.", workshops.Activities)
	source := newEnum("HoursSource", "Where an hour entry comes from: MANUAL (logged), ATTENDANCE (a session), WORK (proposed from wipes, repairs and QA checks).",
		[]workshops.Source{workshops.SourceManual, workshops.SourceAttendance, workshops.SourceWork})
	level := newEnum("SkillLevel", "How far a trainee has come with a skill.", workshops.Levels)
	via := newEnum("AttendanceVia", "How attendance was taken.", []workshops.Via{workshops.ViaTick, workshops.ViaBadge})
	evidenceKind := newEnum("SkillEvidenceKind", "What an assessment rests on.", []workshops.EvidenceKind{workshops.EvidenceDeviceEvent, workshops.EvidenceSession})

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

	programmeOf := func(id func(p graphql.ResolveParams) *int64) *graphql.Field {
		return &graphql.Field{Type: programme, Resolve: func(p graphql.ResolveParams) (any, error) {
			pid := id(p)
			if pid == nil {
				return nil, nil
			}
			return thunk(b.workshopLoaders(p).programmes.Load(p.Context, *pid)), nil
		}}
	}

	enrolment := graphql.NewObject(graphql.ObjectConfig{
		Name:        "Enrolment",
		Description: "A trainee's place in a programme for a period, with their tutor.",
		Fields: b.fields("Enrolment", func() graphql.Fields {
			return graphql.Fields{
				"programme": programmeOf(func(p graphql.ResolveParams) *int64 { return &p.Source.(*workshops.Enrolment).ProgrammeID }),
				"startsOn":  of(nonNull(b.dateT), func(x *workshops.Enrolment) any { return x.StartsOn }),
				"endsOn":    of(nonNull(b.dateT), func(x *workshops.Enrolment) any { return x.EndsOn }),
				"tutor": b.userField(b.object("User"), func(p graphql.ResolveParams) *int64 {
					return &p.Source.(*workshops.Enrolment).TutorID
				}),
			}
		}),
	})

	week := graphql.NewObject(graphql.ObjectConfig{
		Name:        "WeekHours",
		Description: "A trainee's minutes in one week, Monday to Sunday.",
		Fields: graphql.Fields{
			"weekStart":       of(nonNull(b.dateT), func(x *workshops.WeekMinutes) any { return x.Start }),
			"approvedMinutes": of(nonNull(graphql.Int), func(x *workshops.WeekMinutes) any { return x.Approved }),
			"pendingMinutes":  of(nonNull(graphql.Int), func(x *workshops.WeekMinutes) any { return x.Pending }),
			"capMinutes": {Type: graphql.Int, Description: "The weekly cap of the trainee's programme that week; null when not enrolled.",
				Resolve: func(p graphql.ResolveParams) (any, error) {
					if c := p.Source.(*workshops.WeekMinutes).CapMinutes; c != nil {
						return *c, nil
					}
					return nil, nil
				}},
			"overCap": of(nonNull(graphql.Boolean), func(x *workshops.WeekMinutes) any { return x.OverCap }),
		},
	})

	skill := graphql.NewObject(graphql.ObjectConfig{
		Name:        "Skill",
		Description: "An entry of the skills catalogue (administrators edit it).",
		Fields: graphql.Fields{
			"id":  of(nonNull(graphql.ID), func(x *workshops.Skill) any { return globalID("Skill", x.ID) }),
			"key": of(nonNull(graphql.String), func(x *workshops.Skill) any { return x.Key }),
			"name": {Type: nonNull(graphql.String), Description: "The name in language (fr, de, en; pt and ar where given), else English.",
				Args: graphql.FieldConfigArgument{"language": {Type: graphql.String, DefaultValue: "en"}},
				Resolve: func(p graphql.ResolveParams) (any, error) {
					lang, _ := p.Args["language"].(string)
					return p.Source.(*workshops.Skill).Name(lang), nil
				}},
			"workKind": {Type: graphql.String, Description: "wipe, repair or qa: the work that evidences the skill; null for none.",
				Resolve: func(p graphql.ResolveParams) (any, error) {
					if k := p.Source.(*workshops.Skill).WorkKind; k != nil {
						return *k, nil
					}
					return nil, nil
				}},
			"keywords": of(listOf(graphql.String), func(x *workshops.Skill) any { return x.Keywords }),
			"position": of(nonNull(graphql.Int), func(x *workshops.Skill) any { return x.Position }),
			"active":   of(nonNull(graphql.Boolean), func(x *workshops.Skill) any { return x.Active }),
		},
	})

	evidence := graphql.NewObject(graphql.ObjectConfig{
		Name:        "SkillEvidence",
		Description: "A device event (a wipe, repair or QA check; the id DeviceEvent.id gives) or a session an assessment rests on.",
		Fields: graphql.Fields{
			"kind": of(nonNull(evidenceKind), func(x workshops.Evidence) any { return x.Kind }),
			"id": of(nonNull(graphql.ID), func(x workshops.Evidence) any {
				if x.Kind == workshops.EvidenceSession {
					return globalID("WorkshopSession", x.RefID)
				}
				return globalID("DeviceEvent", x.RefID)
			}),
		},
	})

	skillsByID := func(p graphql.ResolveParams) (map[int64]*workshops.Skill, error) {
		return scoped(p.Info, skillsKey{}, func() *skillCatalogue { return &skillCatalogue{} }).read(p.Context, st)
	}

	assessment := graphql.NewObject(graphql.ObjectConfig{
		Name:        "SkillAssessment",
		Description: "A skill at a level, as a staff member saw it on a day.",
		Fields: b.fields("SkillAssessment", func() graphql.Fields {
			return graphql.Fields{
				"id": of(nonNull(graphql.ID), func(x *workshops.Assessment) any { return globalID("SkillAssessment", x.ID) }),
				"skill": {Type: nonNull(skill), Resolve: func(p graphql.ResolveParams) (any, error) {
					m, err := skillsByID(p)
					if err != nil {
						return nil, err
					}
					return m[p.Source.(*workshops.Assessment).SkillID], nil
				}},
				"level":      of(nonNull(level), func(x *workshops.Assessment) any { return x.Level }),
				"assessedOn": of(nonNull(b.dateT), func(x *workshops.Assessment) any { return x.AssessedOn }),
				"assessedBy": b.userField(b.object("User"), func(p graphql.ResolveParams) *int64 {
					return &p.Source.(*workshops.Assessment).AssessedBy
				}),
				"note":     of(graphql.String, func(x *workshops.Assessment) any { return x.Note }),
				"evidence": of(listOf(evidence), func(x *workshops.Assessment) any { return x.Evidence }),
			}
		}),
	})

	var trainee, hourEntry, session *graphql.Object
	traineeOf := func(t graphql.Output, id func(p graphql.ResolveParams) int64) *graphql.Field {
		return &graphql.Field{Type: t, Resolve: func(p graphql.ResolveParams) (any, error) {
			return thunk(b.workshopLoaders(p).trainees.Load(p.Context, id(p))), nil
		}}
	}

	workItem := graphql.NewObject(graphql.ObjectConfig{
		Name:        "TraineeWorkItem",
		Description: "A wipe a trainee operated, a repair they worked on or a QA check they performed.",
		Fields: b.fields("TraineeWorkItem", func() graphql.Fields {
			return graphql.Fields{
				"kind":      of(nonNull(graphql.String), func(x inventory.Work) any { return strings.ToUpper(x.Kind) }),
				"device":    b.deviceField(func(p graphql.ResolveParams) int64 { return p.Source.(inventory.Work).DeviceID }),
				"deviceTag": of(nonNull(graphql.String), func(x inventory.Work) any { return x.DeviceTag }),
				"eventID": of(graphql.ID, func(x inventory.Work) any {
					if x.EventID == nil {
						return nil
					}
					return globalID("DeviceEvent", *x.EventID)
				}),
				"at":          of(nonNull(b.timeT), func(x inventory.Work) any { return x.At }),
				"minutes":     of(nonNull(graphql.Int), func(x inventory.Work) any { return x.Minutes }),
				"description": of(nonNull(graphql.String), func(x inventory.Work) any { return x.Description }),
				"passed":      of(nonNull(graphql.Boolean), func(x inventory.Work) any { return x.Passed }),
			}
		}),
	})
	skillWork := graphql.NewObject(graphql.ObjectConfig{
		Name:        "SkillWork",
		Description: "How much of a trainee's work evidences a skill: \"wiped 25 drives\".",
		Fields: graphql.Fields{
			"skill": of(nonNull(skill), func(x workshops.SkillCount) any { return &x.Skill }),
			"count": of(nonNull(graphql.Int), func(x workshops.SkillCount) any { return x.Count }),
			"work":  of(listOf(workItem), func(x workshops.SkillCount) any { return x.Work }),
		},
	})
	work := graphql.NewObject(graphql.ObjectConfig{
		Name:        "TraineeWork",
		Description: "What a trainee did in the inventory through their account.",
		Fields: graphql.Fields{
			"wipes":    of(nonNull(graphql.Int), func(x *workshops.WorkSummary) any { return x.Wipes }),
			"repairs":  of(nonNull(graphql.Int), func(x *workshops.WorkSummary) any { return x.Repairs }),
			"qaChecks": of(nonNull(graphql.Int), func(x *workshops.WorkSummary) any { return x.QAChecks }),
			"bySkill":  of(listOf(skillWork), func(x *workshops.WorkSummary) any { return x.BySkill }),
			"items": {Type: listOf(workItem), Description: "The latest pieces of work.",
				Args: graphql.FieldConfigArgument{"first": {Type: graphql.Int, DefaultValue: 20}},
				Resolve: func(p graphql.ResolveParams) (any, error) {
					items := p.Source.(*workshops.WorkSummary).Items
					if n, _ := p.Args["first"].(int); n >= 0 && n < len(items) {
						items = items[:n]
					}
					return items, nil
				}},
		},
	})

	progress := graphql.NewObject(graphql.ObjectConfig{
		Name:        "TraineeProgress",
		Description: "Where a trainee stands: approved minutes against the target, week by week, and skills at their latest level.",
		Fields: b.fields("TraineeProgress", func() graphql.Fields {
			return graphql.Fields{
				"approvedMinutes": of(nonNull(graphql.Int), func(x *workshops.Progress) any { return x.ApprovedMinutes }),
				"pendingMinutes":  of(nonNull(graphql.Int), func(x *workshops.Progress) any { return x.PendingMinutes }),
				"targetMinutes": of(graphql.Int, func(x *workshops.Progress) any {
					if x.TargetMinutes == nil {
						return nil
					}
					return *x.TargetMinutes
				}),
				"percent": of(nonNull(graphql.Int), func(x *workshops.Progress) any { return x.Percent() }),
				"weeks":   of(listOf(week), func(x *workshops.Progress) any { return pointers(x.Weeks) }),
				"skills":  of(listOf(assessment), func(x *workshops.Progress) any { return pointers(x.Skills) }),
			}
		}),
	})

	trainee = graphql.NewObject(graphql.ObjectConfig{
		Name:        "Trainee",
		Description: "A person who learns at the workshop. Staff, administrators and the trainee themselves see the record.",
		Interfaces:  []*graphql.Interface{b.node},
		Fields: b.fields("Trainee", func() graphql.Fields {
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
			traineeID := func(p graphql.ResolveParams) int64 { return p.Source.(*workshops.Trainee).ID }
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
				"enrolments": {Type: listOf(enrolment), Description: "The latest first.", Resolve: func(p graphql.ResolveParams) (any, error) {
					return listThunk(b.workshopLoaders(p).enrolments.Load(p.Context, traineeID(p))), nil
				}},
				"hourEntries": {
					Type:        nonNull(b.object("HourEntryConnection")),
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
				"progress": {Type: nonNull(progress), Resolve: func(p graphql.ResolveParams) (any, error) {
					return st.Progress(p.Context, traineeID(p))
				}},
				"skills": {Type: listOf(assessment), Description: "Every assessment, the latest first.", Resolve: func(p graphql.ResolveParams) (any, error) {
					as, err := st.Assessments(p.Context, traineeID(p))
					return pointers(as), err
				}},
				"work": {Type: nonNull(work), Resolve: func(p graphql.ResolveParams) (any, error) {
					return st.Work(p.Context, traineeID(p))
				}},
				"certificates": {Type: listOf(b.object("Certificate")), Description: "Attendance certificates, newest first. Staff and administrators.",
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
		}),
	})
	addNode(b, trainee, func(p graphql.ResolveParams, id int64) (*workshops.Trainee, error) {
		return wsFound(st.Trainee(p.Context, id))
	})
	traineeConnection := b.newConnection("TraineeConnection", trainee)

	session = graphql.NewObject(graphql.ObjectConfig{
		Name:        "WorkshopSession",
		Description: "A training session: a day, a time, a topic, a supervisor and a number of places.",
		Interfaces:  []*graphql.Interface{b.node},
		Fields: b.fields("WorkshopSession", func() graphql.Fields {
			return graphql.Fields{
				"id": of(nonNull(graphql.ID), func(x *workshops.Session) any { return globalID("WorkshopSession", x.ID) }),
				"programme": programmeOf(func(p graphql.ResolveParams) *int64 {
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
		}),
	})
	addNode(b, session, func(p graphql.ResolveParams, id int64) (*workshops.Session, error) {
		return wsFound(st.Session(p.Context, id))
	})

	hourEntry = graphql.NewObject(graphql.ObjectConfig{
		Name:        "HourEntry",
		Description: "Time a trainee spent at the workshop: pending, approved or rejected.",
		Interfaces:  []*graphql.Interface{b.node},
		Fields: b.fields("HourEntry", func() graphql.Fields {
			return graphql.Fields{
				"id": of(nonNull(graphql.ID), func(x *workshops.HourEntry) any { return globalID("HourEntry", x.ID) }),
				"trainee": traineeOf(nonNull(trainee), func(p graphql.ResolveParams) int64 {
					return p.Source.(*workshops.HourEntry).TraineeID
				}),
				"date": of(nonNull(b.dateT), func(x *workshops.HourEntry) any { return x.Date }),
				"startTime": {Type: graphql.String, Description: "HH:MM, when given.", Resolve: func(p graphql.ResolveParams) (any, error) {
					return clock(p.Source.(*workshops.HourEntry).StartMinute), nil
				}},
				"endTime":          {Type: graphql.String, Description: "HH:MM, when a start is given.", Resolve: func(p graphql.ResolveParams) (any, error) { return clock(p.Source.(*workshops.HourEntry).End()), nil }},
				"minutes":          of(nonNull(graphql.Int), func(x *workshops.HourEntry) any { return x.Minutes }),
				"activity":         of(nonNull(graphql.String), func(x *workshops.HourEntry) any { return string(x.Activity) }),
				"activityCategory": of(nonNull(activity), func(x *workshops.HourEntry) any { return x.Activity }),
				"note":             of(graphql.String, func(x *workshops.HourEntry) any { return x.Note }),
				"source":           of(nonNull(source), func(x *workshops.HourEntry) any { return x.Source }),
				"status":           of(nonNull(status), func(x *workshops.HourEntry) any { return x.Status }),
				"reason":           of(graphql.String, func(x *workshops.HourEntry) any { return x.Reason }),
				"session": {Type: session, Resolve: func(p graphql.ResolveParams) (any, error) {
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
		}),
	})
	addNode(b, hourEntry, func(p graphql.ResolveParams, id int64) (*workshops.HourEntry, error) {
		return wsFound(st.HourEntry(p.Context, id))
	})
	hourConnection := b.newConnection("HourEntryConnection", hourEntry)

	attendance := graphql.NewObject(graphql.ObjectConfig{
		Name:        "Attendance",
		Description: "A trainee at a session, with the hour entry it created.",
		Fields: b.fields("Attendance", func() graphql.Fields {
			return graphql.Fields{
				"trainee":  traineeOf(nonNull(trainee), func(p graphql.ResolveParams) int64 { return p.Source.(*workshops.Attendance).TraineeID }),
				"via":      of(nonNull(via), func(x *workshops.Attendance) any { return x.Via }),
				"markedAt": of(nonNull(b.timeT), func(x *workshops.Attendance) any { return x.MarkedAt }),
				"hourEntry": {Type: nonNull(hourEntry), Resolve: func(p graphql.ResolveParams) (any, error) {
					return st.HourEntry(p.Context, p.Source.(*workshops.Attendance).HourEntryID)
				}},
				"alreadyMarked": of(nonNull(graphql.Boolean), func(x *workshops.Attendance) any { return x.Already }),
			}
		}),
	})

	reviewWeek := graphql.NewObject(graphql.ObjectConfig{
		Name:        "HoursReviewWeek",
		Description: "A trainee's week with entries waiting for review, flagged when it goes over the programme's weekly cap.",
		Fields: graphql.Fields{
			"trainee":         traineeOf(nonNull(trainee), func(p graphql.ResolveParams) int64 { return p.Source.(*workshops.QueueWeek).TraineeID }),
			"weekStart":       of(nonNull(b.dateT), func(x *workshops.QueueWeek) any { return x.WeekStart }),
			"entries":         of(listOf(hourEntry), func(x *workshops.QueueWeek) any { return pointers(x.Pending) }),
			"pendingMinutes":  of(nonNull(graphql.Int), func(x *workshops.QueueWeek) any { return x.PendingMinutes }),
			"approvedMinutes": of(nonNull(graphql.Int), func(x *workshops.QueueWeek) any { return x.ApprovedMinutes }),
			"capMinutes": of(graphql.Int, func(x *workshops.QueueWeek) any {
				if x.CapMinutes == nil {
					return nil
				}
				return *x.CapMinutes
			}),
			"overCap": of(nonNull(graphql.Boolean), func(x *workshops.QueueWeek) any { return x.OverCap }),
		},
	})

	reportRow := graphql.NewObject(graphql.ObjectConfig{
		Name:        "HoursReportRow",
		Description: "One trainee's approved hours in one programme in one month.",
		Fields: graphql.Fields{
			"programme":       programmeOf(func(p graphql.ResolveParams) *int64 { return p.Source.(*workshops.ReportRow).ProgrammeID }),
			"programmeName":   of(nonNull(graphql.String), func(x *workshops.ReportRow) any { return x.Programme }),
			"funder":          of(nonNull(graphql.String), func(x *workshops.ReportRow) any { return x.Funder }),
			"month":           of(nonNull(graphql.String), func(x *workshops.ReportRow) any { return x.Month.Format("2006-01") }),
			"trainee":         traineeOf(nonNull(trainee), func(p graphql.ResolveParams) int64 { return p.Source.(*workshops.ReportRow).TraineeID }),
			"traineeName":     of(nonNull(graphql.String), func(x *workshops.ReportRow) any { return x.Trainee }),
			"approvedMinutes": of(nonNull(graphql.Int), func(x *workshops.ReportRow) any { return x.ApprovedMinutes }),
			"entries":         of(nonNull(graphql.Int), func(x *workshops.ReportRow) any { return x.Entries }),
			"sessions":        of(nonNull(graphql.Int), func(x *workshops.ReportRow) any { return x.Sessions }),
		},
	})
	report := graphql.NewObject(graphql.ObjectConfig{
		Name:        "HoursReport",
		Description: "The funder report: approved hours per programme, month and trainee.",
		Fields: graphql.Fields{
			"rows":         {Type: listOf(reportRow)},
			"totalMinutes": {Type: nonNull(graphql.Int)},
			"csvURL":       {Type: nonNull(graphql.String), Description: "The same as CSV (signed in as staff)."},
			"xlsxURL":      {Type: nonNull(graphql.String), Description: "The same as an Excel workbook (signed in as staff)."},
		},
	})

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
	evidenceInput := graphql.NewInputObject(graphql.InputObjectConfig{
		Name: "SkillEvidenceInput",
		Fields: graphql.InputObjectConfigFieldMap{
			"id": {Type: nonNull(graphql.ID), Description: "A DeviceEvent's id (a wipe, repair or QA check) or a WorkshopSession's."},
		},
	})
	assessInput := graphql.NewInputObject(graphql.InputObjectConfig{
		Name: "AssessSkillInput",
		Fields: graphql.InputObjectConfigFieldMap{
			"traineeID":  {Type: nonNull(graphql.ID)},
			"skillID":    {Type: nonNull(graphql.ID)},
			"level":      {Type: nonNull(level)},
			"assessedOn": {Type: b.dateT, Description: "Default: today."},
			"note":       {Type: graphql.String},
			"evidence":   {Type: graphql.NewList(nonNull(evidenceInput))},
		},
	})
	skillInput := graphql.NewInputObject(graphql.InputObjectConfig{
		Name: "SkillInput",
		Fields: graphql.InputObjectConfigFieldMap{
			"key":      {Type: nonNull(graphql.String)},
			"nameFr":   {Type: nonNull(graphql.String)},
			"nameDe":   {Type: nonNull(graphql.String)},
			"nameEn":   {Type: nonNull(graphql.String)},
			"namePt":   {Type: graphql.String},
			"nameAr":   {Type: graphql.String},
			"workKind": {Type: graphql.String, Description: "wipe, repair, qa or null."},
			"keywords": {Type: graphql.NewList(nonNull(graphql.String))},
			"position": {Type: graphql.Int, DefaultValue: 0},
			"active":   {Type: graphql.Boolean, DefaultValue: true},
		},
	})
	b.register(status, activity, source, level, via, evidenceKind, enrolment, week, skill, evidence, assessment, workItem, skillWork, work,
		progress, traineeConnection, hourConnection, attendance, reviewWeek, reportRow, report,
		newTraineeInput, logHoursInput, newProgrammeInput, enrolInput, sessionInput, evidenceInput, assessInput, skillInput)

	// Queries.
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
	b.query["hoursReviewQueue"] = &graphql.Field{
		Type:        listOf(reviewWeek),
		Description: "The pending entries by trainee and week, with each week's totals and whether it goes over the programme's weekly cap. Staff and administrators.",
		Resolve: func(p graphql.ResolveParams) (any, error) {
			q, err := st.ReviewQueue(p.Context)
			return pointers(q), err
		},
	}
	b.query["programmes"] = &graphql.Field{
		Type:        listOf(programme),
		Description: "Every programme, the latest first. Staff and administrators.",
		Resolve: func(p graphql.ResolveParams) (any, error) {
			ps, err := st.Programmes(p.Context)
			return pointers(ps), err
		},
	}
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
	b.query["skills"] = &graphql.Field{
		Type:        listOf(skill),
		Description: "The skills catalogue in its order. Staff, administrators and trainees.",
		Args:        graphql.FieldConfigArgument{"includeInactive": {Type: graphql.Boolean, DefaultValue: false}},
		Resolve: func(p graphql.ResolveParams) (any, error) {
			all, _ := p.Args["includeInactive"].(bool)
			ss, err := st.Skills(p.Context, all)
			return pointers(ss), err
		},
	}
	b.query["hoursReport"] = &graphql.Field{
		Type:        nonNull(report),
		Description: "Approved hours per programme, month and trainee for the months from `from` to `to`, and where to download them as CSV and XLSX. Staff and administrators.",
		Args: graphql.FieldConfigArgument{
			"from":        {Type: nonNull(b.dateT), Description: "Any day of the first month."},
			"to":          {Type: nonNull(b.dateT), Description: "Any day of the last month."},
			"programmeID": {Type: graphql.ID},
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
			pid, err := optionalID("programmeID", "Programme", p.Args["programmeID"])
			if err != nil {
				return nil, err
			}
			rows, err := st.HoursReport(p.Context, from, to, pid)
			if err != nil {
				return nil, err
			}
			total := 0
			for _, r := range rows {
				total += r.ApprovedMinutes
			}
			q := url.Values{"from": {workshops.MonthStart(from).Format("2006-01")}, "to": {workshops.MonthStart(to).Format("2006-01")}}
			if pid != nil {
				q.Set("programme", globalID("Programme", *pid))
			}
			return map[string]any{"rows": pointers(rows), "totalMinutes": total,
				"csvURL":  b.deps.PublicURL + "/reports/hours.csv?" + q.Encode(),
				"xlsxURL": b.deps.PublicURL + "/reports/hours.xlsx?" + q.Encode()}, nil
		},
	}

	// Mutations.
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
	b.mutation["reviewHours"] = &graphql.Field{
		Type:        listOf(hourEntry),
		Description: "Approves or rejects pending entries, all or none; a rejection needs a reason, which the trainee sees. Nobody reviews what they logged. Staff and administrators.",
		Args: graphql.FieldConfigArgument{
			"ids":     {Type: nonNull(graphql.NewList(nonNull(graphql.ID)))},
			"approve": {Type: nonNull(graphql.Boolean)},
			"reason":  {Type: graphql.String},
		},
		Resolve: func(p graphql.ResolveParams) (any, error) {
			ids, err := inputIDs(p.Args, "ids", "HourEntry")
			if err != nil {
				return nil, err
			}
			reason, _ := p.Args["reason"].(string)
			hs, err := st.ReviewHours(p.Context, ids, p.Args["approve"].(bool), reason)
			if err != nil {
				return nil, err
			}
			b.workshopsChanged(p)
			return pointers(hs), nil
		},
	}
	b.mutation["approveHoursWeek"] = &graphql.Field{
		Type:        listOf(hourEntry),
		Description: "Approves a trainee's pending entries of the week of weekOf (Monday to Sunday) that you did not log yourself. Staff and administrators.",
		Args:        graphql.FieldConfigArgument{"traineeID": {Type: nonNull(graphql.ID)}, "weekOf": {Type: nonNull(b.dateT)}},
		Resolve: func(p graphql.ResolveParams) (any, error) {
			id, err := idOf("traineeID", "Trainee", p.Args["traineeID"].(string))
			if err != nil {
				return nil, err
			}
			day, err := requiredDate(p.Args, "weekOf")
			if err != nil {
				return nil, err
			}
			hs, err := st.ApproveWeek(p.Context, id, day)
			if err != nil {
				return nil, err
			}
			b.workshopsChanged(p)
			return pointers(hs), nil
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
	b.mutation["assessSkill"] = &graphql.Field{
		Type:        nonNull(assessment),
		Description: "Records that a trainee showed a skill at a level, with you as assessor and what it rests on. Staff and administrators.",
		Args:        graphql.FieldConfigArgument{"input": {Type: nonNull(assessInput)}},
		Resolve: func(p graphql.ResolveParams) (any, error) {
			n, err := newAssessFrom(inputMap(p.Args["input"]))
			if err != nil {
				return nil, wsInArg("input", err)
			}
			a, err := st.AssessSkill(p.Context, n)
			if err != nil {
				return nil, wsInArg("input", err)
			}
			return a, nil
		},
	}
	b.mutation["createSkill"] = &graphql.Field{
		Type:        nonNull(skill),
		Description: "Adds a skill to the catalogue. Administrators.",
		Args:        graphql.FieldConfigArgument{"input": {Type: nonNull(skillInput)}},
		Resolve: func(p graphql.ResolveParams) (any, error) {
			s, err := st.CreateSkill(p.Context, newSkillFrom(inputMap(p.Args["input"])))
			return s, wsInArg("input", err)
		},
	}
	b.mutation["updateSkill"] = &graphql.Field{
		Type:        nonNull(skill),
		Description: "Changes a skill of the catalogue; retire one with active: false. Administrators.",
		Args:        graphql.FieldConfigArgument{"id": {Type: nonNull(graphql.ID)}, "input": {Type: nonNull(skillInput)}},
		Resolve: func(p graphql.ResolveParams) (any, error) {
			id, err := idOf("id", "Skill", p.Args["id"].(string))
			if err != nil {
				return nil, err
			}
			s, err := st.UpdateSkill(p.Context, id, newSkillFrom(inputMap(p.Args["input"])))
			return s, wsInArg("input", err)
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

// wsInArg is inArg keeping a workshops RuleError, with its field prefixed, so that the client
// still reads which rule its input broke.
func wsInArg(arg string, err error) error {
	var re *workshops.RuleError
	if errors.As(err, &re) {
		if strings.HasPrefix(re.Field, arg+".") {
			return re
		}
		return &workshops.RuleError{Rule: re.Rule, Field: arg + "." + re.Field, Message: re.Message}
	}
	return inArg(arg, err)
}

// skillsKey keys the request's catalogue of skills.
type skillsKey struct{}

// skillCatalogue is the skills catalogue, read once a request.
type skillCatalogue struct {
	once sync.Once
	m    map[int64]*workshops.Skill
	err  error
}

func (c *skillCatalogue) read(ctx context.Context, st *workshops.Store) (map[int64]*workshops.Skill, error) {
	c.once.Do(func() {
		all, err := st.Skills(ctx, true)
		if err != nil {
			c.err = err
			return
		}
		c.m = make(map[int64]*workshops.Skill, len(all))
		for i := range all {
			c.m[all[i].ID] = &all[i]
		}
	})
	return c.m, c.err
}

// isOffice reports whether the actor of ctx runs the school (workshops.MayManage).
func isOffice(ctx context.Context) bool {
	a, ok := auth.ActorFrom(ctx)
	return ok && workshops.MayManage(a)
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

// newAssessFrom reads an AssessSkillInput.
func newAssessFrom(m map[string]any) (workshops.NewAssessment, error) {
	var n workshops.NewAssessment
	var err error
	if n.TraineeID, err = idOf("traineeID", "Trainee", inputString(m, "traineeID")); err != nil {
		return n, err
	}
	if n.SkillID, err = idOf("skillID", "Skill", inputString(m, "skillID")); err != nil {
		return n, err
	}
	n.Level, _ = m["level"].(workshops.Level)
	if t := inputTime(m, "assessedOn"); t != nil {
		n.AssessedOn = *t
	}
	n.Note = inputString(m, "note")
	for i, v := range inputList(m, "evidence") {
		field := "evidence[" + strconv.Itoa(i) + "].id"
		typ, id, err := parseGlobalID(field, inputString(inputMap(v), "id"))
		if err != nil {
			return n, err
		}
		switch typ {
		case "DeviceEvent":
			n.Evidence = append(n.Evidence, workshops.Evidence{Kind: workshops.EvidenceDeviceEvent, RefID: id})
		case "WorkshopSession":
			n.Evidence = append(n.Evidence, workshops.Evidence{Kind: workshops.EvidenceSession, RefID: id})
		default:
			return n, validation.Field(field, "the id of a DeviceEvent or a WorkshopSession")
		}
	}
	return n, nil
}

// newSkillFrom reads a SkillInput.
func newSkillFrom(m map[string]any) workshops.NewSkill {
	n := workshops.NewSkill{Key: inputString(m, "key"), WorkKind: inputString(m, "workKind"), Names: map[string]string{}}
	for lang, field := range map[string]string{"fr": "nameFr", "de": "nameDe", "en": "nameEn", "pt": "namePt", "ar": "nameAr"} {
		if s := inputString(m, field); s != "" {
			n.Names[lang] = s
		}
	}
	for _, k := range inputList(m, "keywords") {
		s, _ := k.(string)
		n.Keywords = append(n.Keywords, s)
	}
	if v := inputInt(m, "position"); v != nil {
		n.Position = *v
	}
	n.Active, _ = m["active"].(bool)
	return n
}
