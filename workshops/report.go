package workshops

import (
	"context"
	"time"

	"github.com/uptrace/bun"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/internal/calendar"
	"github.com/digital-inclusion/refurb/validation"
)

// ReportRow is one trainee's approved hours in one programme in one month: what funders and
// the employment agency (ADEM) ask for.
type ReportRow struct {
	// ProgrammeID is nil for hours outside any enrolment.
	ProgrammeID     *int64    `bun:"programme_id"`
	Programme       string    `bun:"programme"`
	Funder          string    `bun:"funder"`
	Month           time.Time `bun:"month"` // its first day
	TraineeID       int64     `bun:"trainee_id"`
	Trainee         string    `bun:"trainee"`
	ApprovedMinutes int       `bun:"approved_minutes"`
	// Entries counts the approved entries, Sessions those from attending a session.
	Entries  int `bun:"entries"`
	Sessions int `bun:"sessions"`
}

// MonthStart is the first day of date's month.
func MonthStart(date time.Time) time.Time {
	return time.Date(date.Year(), date.Month(), 1, 0, 0, 0, 0, time.UTC)
}

// maxReportMonths bounds a report's period.
const maxReportMonths = 36

// HoursReport returns the approved hours per programme, month and trainee for the months from
// the month of from to the month of to, of one programme when programmeID is set. An entry
// counts for the programme whose enrolment covers its date; hours outside any enrolment have
// no programme. Rows go by programme, month and trainee. Staff and administrators.
func (s *Store) HoursReport(ctx context.Context, from, to time.Time, programmeID *int64) ([]ReportRow, error) {
	if _, err := auth.Require(ctx, auth.Office); err != nil {
		return nil, err
	}
	start, end := MonthStart(from), MonthStart(to).AddDate(0, 1, -1)
	if from.IsZero() || to.IsZero() || end.Before(start) {
		return nil, validation.Field("to", "the period must end on or after its start")
	}
	if start.AddDate(0, maxReportMonths, 0).Before(end) {
		return nil, validation.Field("to", "a report covers at most %d months", maxReportMonths)
	}
	var out []ReportRow
	err := s.run(ctx, func(ctx context.Context, tx bun.Tx) error {
		q := `
			SELECT p.id AS programme_id, coalesce(p.name, '') AS programme, coalesce(p.funder, '') AS funder,
			  h.on_date - (extract(day FROM h.on_date)::int - 1) AS month,
			  t.id AS trainee_id, t.name AS trainee,
			  sum(h.minutes)::int AS approved_minutes, count(*)::int AS entries,
			  (count(*) FILTER (WHERE h.source = 'attendance'))::int AS sessions
			FROM hour_entries h
			JOIN trainees t ON t.id = h.trainee_id
			LEFT JOIN enrolments e ON e.trainee_id = h.trainee_id AND h.on_date BETWEEN e.starts_on AND e.ends_on
			LEFT JOIN programmes p ON p.id = e.programme_id
			WHERE h.status = 'approved' AND h.on_date BETWEEN ? AND ?`
		args := []any{start, end}
		if programmeID != nil {
			q += " AND e.programme_id = ?"
			args = append(args, *programmeID)
		}
		q += `
			GROUP BY p.id, p.name, p.funder, 4, t.id, t.name
			ORDER BY p.name NULLS LAST, p.id, 4, lower(t.name), t.id`
		return dbError("select report", tx.NewRaw(q, args...).Scan(ctx, &out))
	})
	if err != nil {
		return nil, err
	}
	for i := range out {
		out[i].Month = calendar.Date(out[i].Month)
	}
	return out, nil
}
