package workshops

import (
	"context"
	"time"

	"github.com/uptrace/bun"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/internal/calendar"
)

// CertificateData is what an attendance and skills certificate shows about a trainee
// (docs/domain.md section 4): who, which programme and period, the approved hours in total and
// week by week, the skills with their level, date and assessor, and the tutor.
type CertificateData struct {
	TraineeName string
	// Programme and Funder are those of the trainee's current or latest enrolment, "" without
	// one; From and To its period (without one: the first and last day with approved hours).
	Programme, Funder string
	From, To          time.Time
	TutorName         string
	// TotalMinutes are the approved minutes in the period, Weeks the weeks with approved
	// minutes, the oldest first.
	TotalMinutes int
	Weeks        []WeekMinutes
	Skills       []CertificateSkill
}

// CertificateSkill is a skill at its latest level.
type CertificateSkill struct {
	Names      map[string]string // by language, as the catalogue has them
	Key        string
	Level      Level
	AssessedOn time.Time
	Assessor   string
}

// Name returns the skill's name in lang, else in English.
func (c CertificateSkill) Name(lang string) string {
	sk := Skill{Key: c.Key, Names: c.Names}
	return sk.Name(lang)
}

// CertificateData reads what a trainee's attendance certificate shows, on the store's database
// (certificates calls it on its issuing transaction). ErrNotFound when there is no such
// trainee. Staff and administrators.
func (s *Store) CertificateData(ctx context.Context, traineeID int64) (*CertificateData, error) {
	if _, err := auth.Require(ctx, auth.Office); err != nil {
		return nil, err
	}
	d := &CertificateData{}
	err := s.run(ctx, func(ctx context.Context, tx bun.Tx) error {
		t := new(Trainee)
		if err := tx.NewSelect().Model(t).Where("t.id = ?", traineeID).Scan(ctx); err != nil {
			return dbError("select trainee", err)
		}
		if t.AnonymisedAt != nil {
			return ErrAnonymised
		}
		d.TraineeName = t.Name
		var es []Enrolment
		if err := tx.NewSelect().Model(&es).Where("e.trainee_id = ?", traineeID).OrderExpr("e.starts_on DESC").Scan(ctx); err != nil {
			return dbError("select enrolments", err)
		}
		var tutors []int64
		var e *Enrolment
		today := s.today()
		if e = ProgrammeOn(es, today); e == nil && len(es) > 0 {
			e = &es[0]
		}
		if e != nil {
			p := new(Programme)
			if err := tx.NewSelect().Model(p).Where("p.id = ?", e.ProgrammeID).Scan(ctx); err != nil {
				return dbError("select programme", err)
			}
			d.Programme, d.Funder, d.From, d.To = p.Name, p.Funder, e.StartsOn, e.EndsOn
			tutors = append(tutors, e.TutorID)
		} else {
			var span struct {
				From *time.Time `bun:"first"`
				To   *time.Time `bun:"last"`
			}
			if err := tx.NewRaw("SELECT min(on_date) AS first, max(on_date) AS last FROM hour_entries WHERE trainee_id = ? AND status = 'approved'",
				traineeID).Scan(ctx, &span); err != nil {
				return dbError("select period", err)
			}
			d.From, d.To = today, today
			if span.From != nil {
				d.From, d.To = calendar.Date(*span.From), calendar.Date(*span.To)
			}
		}
		if err := tx.NewRaw(`
			SELECT on_date - (extract(isodow FROM on_date)::int - 1) AS start, sum(minutes)::int AS approved
			FROM hour_entries WHERE trainee_id = ? AND status = 'approved' AND on_date BETWEEN ? AND ?
			GROUP BY 1 ORDER BY 1`, traineeID, d.From, d.To).Scan(ctx, &d.Weeks); err != nil {
			return dbError("select weeks", err)
		}
		for i := range d.Weeks {
			d.Weeks[i].Start = calendar.Date(d.Weeks[i].Start)
			d.TotalMinutes += d.Weeks[i].Approved
		}
		var catalogue []Skill
		if err := tx.NewSelect().Model(&catalogue).OrderExpr("sk.position, sk.id").Scan(ctx); err != nil {
			return dbError("select skills", err)
		}
		all, err := assessments(ctx, tx, traineeID)
		if err != nil {
			return err
		}
		current := Current(all, catalogue)
		for _, a := range current {
			tutors = append(tutors, a.AssessedBy)
		}
		names, err := auth.Names(ctx, tx, tutors...)
		if err != nil {
			return err
		}
		if e != nil {
			d.TutorName = names[e.TutorID]
		}
		for _, a := range current {
			for _, sk := range catalogue {
				if sk.ID == a.SkillID {
					d.Skills = append(d.Skills, CertificateSkill{Names: sk.Names, Key: sk.Key, Level: a.Level,
						AssessedOn: a.AssessedOn, Assessor: names[a.AssessedBy]})
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return d, nil
}
