package workshops

import (
	"context"
	"time"

	"github.com/uptrace/bun"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/internal/calendar"
)

// What the impact ledger (package impact) reads of the school: approved hours by programme and
// month, and skills certified, over any period of days. Counts only, for staff and
// administrators.

// ProgrammeMonth is the approved minutes of one programme in one month of a period.
type ProgrammeMonth struct {
	// ProgrammeID is nil for hours outside any enrolment.
	ProgrammeID *int64    `bun:"programme_id"`
	Programme   string    `bun:"programme"`
	Funder      string    `bun:"funder"`
	Month       time.Time `bun:"month,nullzero"` // its first day
	Minutes     int       `bun:"minutes"`
	Trainees    int       `bun:"trainees"`
}

// ApprovedHours returns the approved minutes per programme and month of the entries dated from
// from to to (both included), programmes by name (hours outside any enrolment last), then
// months; Trainees counts the trainees of the programme with approved hours that month. An
// entry counts for the programme whose enrolment covers its date, as in HoursReport. Staff and
// administrators.
func (s *Store) ApprovedHours(ctx context.Context, from, to time.Time) ([]ProgrammeMonth, error) {
	return s.approvedHours(ctx, from, to, true)
}

// ProgrammeHours is ApprovedHours for the whole period, one row a programme (Month is zero):
// Trainees counts the trainees with approved hours in the period.
func (s *Store) ProgrammeHours(ctx context.Context, from, to time.Time) ([]ProgrammeMonth, error) {
	return s.approvedHours(ctx, from, to, false)
}

func (s *Store) approvedHours(ctx context.Context, from, to time.Time, byMonth bool) ([]ProgrammeMonth, error) {
	if _, err := auth.Require(ctx, auth.Office); err != nil {
		return nil, err
	}
	month, group := "NULL::date", ""
	if byMonth {
		month, group = "date_trunc('month', h.on_date)::date", ", 4"
	}
	var out []ProgrammeMonth
	err := s.run(ctx, func(ctx context.Context, tx bun.Tx) error {
		return dbError("select approved hours", tx.NewRaw(`
			SELECT p.id AS programme_id, coalesce(p.name, '') AS programme, coalesce(p.funder, '') AS funder,
			  `+month+` AS month, sum(h.minutes)::int AS minutes, count(DISTINCT h.trainee_id)::int AS trainees
			FROM hour_entries h
			LEFT JOIN enrolments e ON e.trainee_id = h.trainee_id AND h.on_date BETWEEN e.starts_on AND e.ends_on
			LEFT JOIN programmes p ON p.id = e.programme_id
			WHERE h.status = 'approved' AND h.on_date BETWEEN ? AND ?
			GROUP BY p.id, p.name, p.funder`+group+`
			ORDER BY p.name NULLS LAST, p.id`+group, calendar.Date(from), calendar.Date(to)).Scan(ctx, &out))
	})
	if err != nil {
		return nil, err
	}
	for i := range out {
		if !out[i].Month.IsZero() {
			out[i].Month = calendar.Date(out[i].Month)
		}
	}
	return out, nil
}

// CertifiedSkill is a skill and how many trainees a skill was certified for.
type CertifiedSkill struct {
	Skill    Skill `bun:"embed:"`
	Trainees int   `bun:"trainees"`
}

// SkillsCertified returns, for each skill, how many trainees were first assessed as doing it
// independently (the certified level) from from to to (both included), skills in the
// catalogue's order, those certified for nobody left out. Staff and administrators.
func (s *Store) SkillsCertified(ctx context.Context, from, to time.Time) ([]CertifiedSkill, error) {
	if _, err := auth.Require(ctx, auth.Office); err != nil {
		return nil, err
	}
	var out []CertifiedSkill
	err := s.run(ctx, func(ctx context.Context, tx bun.Tx) error {
		return dbError("select skills certified", tx.NewRaw(`
			SELECT sk.*, count(*)::int AS trainees
			FROM (SELECT trainee_id, skill_id, min(assessed_on) AS first FROM skill_assessments
			      WHERE level = 'independent' GROUP BY trainee_id, skill_id) a
			JOIN skills sk ON sk.id = a.skill_id
			WHERE a.first BETWEEN ? AND ?
			GROUP BY sk.id
			ORDER BY sk.position, sk.id`, calendar.Date(from), calendar.Date(to)).Scan(ctx, &out))
	})
	return out, err
}
