package workshops

import (
	"context"
	"slices"
	"time"

	"github.com/uptrace/bun"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/internal/calendar"
	"github.com/digital-inclusion/refurb/validation"
)

// Reviewing logged hours (hours.go): approving or rejecting entries, a whole week at once, and
// the queue of weeks waiting for review.

// maxReview bounds the entries one review changes.
const maxReview = 500

// ReviewHours approves or rejects pending hour entries, all of them or none: a rejection needs
// a reason, which the trainee sees. Nobody reviews an entry they logged themselves (RuleError
// RuleOwnEntry), and an entry already reviewed is a TransitionError. Staff and administrators.
func (s *Store) ReviewHours(ctx context.Context, ids []int64, approve bool, reason string) ([]HourEntry, error) {
	a, err := auth.Require(ctx, auth.Office)
	if err != nil {
		return nil, err
	}
	to := StatusApproved
	var why *string
	if !approve {
		to = StatusRejected
		if why, err = text("reason", reason, 500); err != nil {
			return nil, err
		}
		if why == nil {
			return nil, &RuleError{Rule: RuleReason, Field: "reason", Message: "say why the hours are rejected: the trainee sees it"}
		}
	}
	ids = uniq(ids)
	if len(ids) == 0 || len(ids) > maxReview {
		return nil, validation.Field("ids", "name 1 to %d hour entries", maxReview)
	}
	var out []HourEntry
	err = s.run(ctx, func(ctx context.Context, tx bun.Tx) error {
		var err error
		out, err = review(ctx, tx, a, ids, to, why)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// review changes entries to status to, under their row locks.
func review(ctx context.Context, tx bun.Tx, a auth.Actor, ids []int64, to Status, why *string) ([]HourEntry, error) {
	var cur []HourEntry
	if err := tx.NewSelect().Model(&cur).Where("h.id IN (?)", bun.List(ids)).OrderExpr("h.id").For("UPDATE").Scan(ctx); err != nil {
		return nil, dbError("lock hour entries", err)
	}
	if len(cur) != len(ids) {
		return nil, ErrNotFound
	}
	for _, h := range cur {
		if h.LoggedBy != nil && a.UserID != 0 && *h.LoggedBy == a.UserID {
			return nil, &RuleError{Rule: RuleOwnEntry, Field: "ids", Message: "you cannot review hours you logged yourself: another staff member reviews them"}
		}
		if !CanTransition(h.Status, to) {
			return nil, &TransitionError{EntryID: h.ID, From: h.Status, To: to}
		}
	}
	var out []HourEntry
	q := tx.NewUpdate().Model(&out).ModelTableExpr("hour_entries AS h").
		Set("status = ?", to).Set("reason = ?", why).Set("reviewed_at = now()").
		Where("h.id IN (?)", bun.List(ids)).Returning("*")
	if a.UserID != 0 {
		q = q.Set("reviewed_by = ?", a.UserID)
	}
	if _, err := q.Exec(ctx); err != nil {
		return nil, dbError("review hour entries", err)
	}
	slices.SortFunc(out, func(x, y HourEntry) int { return int(x.ID - y.ID) })
	return out, nil
}

// WeekStart returns the Monday of the week of date (ISO 8601 weeks).
func WeekStart(date time.Time) time.Time {
	d := calendar.Date(date)
	return d.AddDate(0, 0, -((int(d.Weekday()) + 6) % 7))
}

// ApproveWeek approves every pending entry of a trainee in the week of day (Monday to Sunday)
// that the actor did not log themselves, and returns them; none pending is no error. Staff and
// administrators.
func (s *Store) ApproveWeek(ctx context.Context, traineeID int64, day time.Time) ([]HourEntry, error) {
	a, err := auth.Require(ctx, auth.Office)
	if err != nil {
		return nil, err
	}
	from := WeekStart(day)
	var out []HourEntry
	err = s.run(ctx, func(ctx context.Context, tx bun.Tx) error {
		var ids []int64
		q := tx.NewSelect().Table("hour_entries").Column("id").
			Where("trainee_id = ? AND status = 'pending' AND on_date BETWEEN ? AND ?", traineeID, from, from.AddDate(0, 0, 6))
		if a.UserID != 0 {
			q = q.Where("logged_by IS DISTINCT FROM ?", a.UserID)
		}
		if err := q.Scan(ctx, &ids); err != nil {
			return dbError("select the week's entries", err)
		}
		if len(ids) == 0 {
			return nil
		}
		out, err = review(ctx, tx, a, ids, StatusApproved, nil)
		return err
	})
	return out, err
}

// QueueWeek is one trainee's week with entries waiting for review.
type QueueWeek struct {
	TraineeID   int64
	TraineeName string
	WeekStart   time.Time
	Pending     []HourEntry
	// PendingMinutes and ApprovedMinutes are the week's totals.
	PendingMinutes, ApprovedMinutes int
	// CapMinutes is the weekly cap of the programme the trainee is enrolled in that week, nil
	// when not enrolled; OverCap flags a week whose pending and approved hours exceed it.
	CapMinutes *int
	OverCap    bool
}

// maxQueue bounds the pending entries the review queue shows at once.
const maxQueue = 2000

// ReviewQueue returns the pending entries by trainee and week, trainees by name and weeks the
// oldest first, each week with its totals and whether it goes over the programme's weekly cap.
// Staff and administrators.
func (s *Store) ReviewQueue(ctx context.Context) ([]QueueWeek, error) {
	if _, err := auth.Require(ctx, auth.Office); err != nil {
		return nil, err
	}
	var out []QueueWeek
	err := s.run(ctx, func(ctx context.Context, tx bun.Tx) error {
		var rows []struct {
			HourEntry `bun:",extend"`
			Name      string `bun:"trainee_name"`
		}
		err := tx.NewSelect().Model(&rows).ModelTableExpr("hour_entries AS h").ColumnExpr("h.*").
			ColumnExpr("t.name AS trainee_name").Join("JOIN trainees AS t ON t.id = h.trainee_id").
			Where("h.status = 'pending'").OrderExpr("lower(t.name), t.id, h.on_date, h.start_minute NULLS LAST, h.id").
			Limit(maxQueue).Scan(ctx)
		if err != nil {
			return dbError("select pending hours", err)
		}
		type key struct {
			trainee int64
			week    time.Time
		}
		index := map[key]int{}
		var trainees []int64
		for _, r := range rows {
			k := key{r.TraineeID, WeekStart(r.Date)}
			i, ok := index[k]
			if !ok {
				i = len(out)
				index[k] = i
				out = append(out, QueueWeek{TraineeID: r.TraineeID, TraineeName: r.Name, WeekStart: k.week})
				if !contains(trainees, r.TraineeID) {
					trainees = append(trainees, r.TraineeID)
				}
			}
			out[i].Pending = append(out[i].Pending, r.HourEntry)
			out[i].PendingMinutes += r.Minutes
		}
		if len(out) == 0 {
			return nil
		}
		var approved []struct {
			TraineeID int64     `bun:"trainee_id"`
			Week      time.Time `bun:"week"`
			Minutes   int       `bun:"minutes"`
		}
		if err := tx.NewRaw(`SELECT trainee_id, on_date - (extract(isodow FROM on_date)::int - 1) AS week, sum(minutes)::int AS minutes
			FROM hour_entries WHERE status = 'approved' AND trainee_id IN (?) AND on_date >= ?
			GROUP BY 1, 2`, bun.List(trainees), out[0].WeekStart.AddDate(-1, 0, 0)).Scan(ctx, &approved); err != nil {
			return dbError("select approved hours", err)
		}
		for _, r := range approved {
			if i, ok := index[key{r.TraineeID, calendar.Date(r.Week)}]; ok {
				out[i].ApprovedMinutes = r.Minutes
			}
		}
		var caps []struct {
			Enrolment `bun:",extend"`
			Cap       int `bun:"cap"`
		}
		if err := tx.NewSelect().Model(&caps).ModelTableExpr("enrolments AS e").ColumnExpr("e.*").
			ColumnExpr("p.weekly_cap_minutes AS cap").Join("JOIN programmes AS p ON p.id = e.programme_id").
			Where("e.trainee_id IN (?)", bun.List(trainees)).Scan(ctx); err != nil {
			return dbError("select caps", err)
		}
		for i := range out {
			w := &out[i]
			for _, c := range caps {
				// The programme the trainee is in during the week (on its Monday or later).
				if c.TraineeID == w.TraineeID && !c.EndsOn.Before(w.WeekStart) && !c.StartsOn.After(w.WeekStart.AddDate(0, 0, 6)) {
					cap := c.Cap
					w.CapMinutes = &cap
					w.OverCap = w.PendingMinutes+w.ApprovedMinutes > cap
					break
				}
			}
		}
		return nil
	})
	return out, err
}
