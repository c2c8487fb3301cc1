package workshops

import (
	"context"
	"time"

	"github.com/uptrace/bun"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/internal/calendar"
	"github.com/digital-inclusion/refurb/validation"
)

// Programme is a track trainees enrol in: an employability track, an ADEM OTI placement.
type Programme struct {
	bun.BaseModel `bun:"table:programmes,alias:p"`

	ID               int64     `bun:"id,pk,autoincrement"`
	Name             string    `bun:"name"`
	Funder           string    `bun:"funder"`
	TargetMinutes    int       `bun:"target_minutes"`
	WeeklyCapMinutes int       `bun:"weekly_cap_minutes"`
	StartsOn         time.Time `bun:"starts_on,type:date"`
	EndsOn           time.Time `bun:"ends_on,type:date"`
	TutorID          int64     `bun:"tutor_id"`
	CreatedAt        time.Time `bun:"created_at,nullzero,notnull,default:current_timestamp"`
}

// NewProgramme is what it takes to create a programme.
type NewProgramme struct {
	Name   string
	Funder string
	// TargetMinutes is the hours a trainee is to complete, in minutes.
	TargetMinutes int
	// WeeklyCapMinutes is the most a week should hold (ADEM's OTI: 40 hours, 32 with a
	// training plan); a week over it is flagged to the supervisor.
	WeeklyCapMinutes int
	StartsOn, EndsOn time.Time
	// TutorID is the responsible tutor, a staff member (or an administrator).
	TutorID int64
}

func (n NewProgramme) validate() (*Programme, error) {
	p := &Programme{TargetMinutes: n.TargetMinutes, WeeklyCapMinutes: n.WeeklyCapMinutes,
		StartsOn: calendar.Date(n.StartsOn), EndsOn: calendar.Date(n.EndsOn), TutorID: n.TutorID}
	var err error
	if p.Name, err = required("name", n.Name, 200); err != nil {
		return nil, err
	}
	if p.Funder, err = required("funder", n.Funder, 200); err != nil {
		return nil, err
	}
	if n.TargetMinutes < 1 || n.TargetMinutes > 300000 {
		return nil, validation.Field("targetMinutes", "must be between 1 minute and 5,000 hours")
	}
	if n.WeeklyCapMinutes < 60 || n.WeeklyCapMinutes > 4200 {
		return nil, validation.Field("weeklyCapMinutes", "must be between 1 and 70 hours")
	}
	if n.StartsOn.IsZero() || n.StartsOn.Year() < 2000 {
		return nil, validation.Field("startsOn", "a start date is required")
	}
	if n.EndsOn.IsZero() || p.EndsOn.Before(p.StartsOn) {
		return nil, validation.Field("endsOn", "must be on or after the start")
	}
	if n.TutorID == 0 {
		return nil, validation.Field("tutorID", "a tutor is required")
	}
	return p, nil
}

// CreateProgramme creates a programme. Its tutor must be an enabled staff member or
// administrator. Staff and administrators.
func (s *Store) CreateProgramme(ctx context.Context, n NewProgramme) (*Programme, error) {
	if _, err := auth.Require(ctx, auth.Office); err != nil {
		return nil, err
	}
	p, err := n.validate()
	if err != nil {
		return nil, err
	}
	err = s.run(ctx, func(ctx context.Context, tx bun.Tx) error {
		if err := office(ctx, tx, "tutorID", p.TutorID); err != nil {
			return err
		}
		if _, err := tx.NewInsert().Model(p).Returning("*").Exec(ctx); err != nil {
			if err = dbError("insert programme", err); isConflict(err) {
				return validation.Field("name", "a programme of this name exists")
			}
			return err
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// Programmes lists every programme, the latest first. Staff and administrators.
func (s *Store) Programmes(ctx context.Context) ([]Programme, error) {
	if _, err := auth.Require(ctx, auth.Office); err != nil {
		return nil, err
	}
	var ps []Programme
	err := s.run(ctx, func(ctx context.Context, tx bun.Tx) error {
		return dbError("select programmes", tx.NewSelect().Model(&ps).OrderExpr("p.starts_on DESC, p.id DESC").Scan(ctx))
	})
	return ps, err
}

// ProgrammesByID returns programmes by id: staff and administrators any, a trainee those they
// are enrolled in.
func (s *Store) ProgrammesByID(ctx context.Context, ids []int64) (map[int64]*Programme, error) {
	a, err := auth.Require(ctx, readers)
	if err != nil {
		return nil, err
	}
	var ps []Programme
	err = s.run(ctx, func(ctx context.Context, tx bun.Tx) error {
		q := tx.NewSelect().Model(&ps).Where("p.id IN (?)", bun.List(ids))
		if !a.In(auth.Office) {
			// Enrolments are behind row-level security: a trainee's own only.
			q = q.Where("EXISTS (SELECT 1 FROM enrolments e WHERE e.programme_id = p.id)")
		}
		return dbError("select programmes", q.Scan(ctx))
	})
	if err != nil {
		return nil, err
	}
	out := make(map[int64]*Programme, len(ps))
	for i := range ps {
		out[ps[i].ID] = &ps[i]
	}
	return out, nil
}

// Programme returns one programme (ProgrammesByID), ErrNotFound when there is none to see.
func (s *Store) Programme(ctx context.Context, id int64) (*Programme, error) {
	ps, err := s.ProgrammesByID(ctx, []int64{id})
	if err != nil {
		return nil, err
	}
	if p := ps[id]; p != nil {
		return p, nil
	}
	return nil, ErrNotFound
}
