package graph

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/graphql-go/graphql"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/certificates"
	"github.com/digital-inclusion/refurb/validation"
	"github.com/digital-inclusion/refurb/workshops"
)

// The workshops area: programmes, trainees and their enrolments, hour entries and their review,
// sessions and attendance, skills, progress, the trainees' work in the inventory and the funder
// report (docs/workshops.md). Who may see and do what is the domain's: trainees their own,
// staff and administrators everything, donors and social workers nothing.
//
// Its areas (programmes.go, trainees.go, hours.go, hoursreview.go, sessions.go, skills.go,
// assessments.go, progress.go, traineework.go, hoursreport.go) share what this file holds.

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

// isOffice reports whether the actor of ctx runs the school (workshops.MayManage).
func isOffice(ctx context.Context) bool {
	a, ok := auth.ActorFrom(ctx)
	return ok && workshops.MayManage(a)
}
