package workshops

import (
	"context"
	"slices"
	"time"

	"github.com/digital-inclusion/refurb/internal/calendar"
	"github.com/uptrace/bun"
)

// WeekMinutes are a trainee's minutes in one week (Monday to Sunday).
type WeekMinutes struct {
	Start             time.Time
	Approved, Pending int
	// CapMinutes is the weekly cap of the programme the trainee was enrolled in that week, nil
	// when none; OverCap flags a week whose approved and pending minutes exceed it.
	CapMinutes *int
	OverCap    bool
}

// TimelineKind is what happened on a trainee's timeline.
type TimelineKind string

// The kinds of timeline items.
const (
	TimelineLogged   TimelineKind = "logged"   // hours logged, waiting for review
	TimelineApproved TimelineKind = "approved" // hours approved
	TimelineRejected TimelineKind = "rejected" // hours rejected, with the reason
	TimelineSkill    TimelineKind = "skill"    // a skill assessed
)

// TimelineItem is one thing that happened to a trainee's record.
type TimelineItem struct {
	At         time.Time
	Kind       TimelineKind
	Entry      *HourEntry  // for hours
	Assessment *Assessment // for skills
}

// Progress is where a trainee stands: their minutes against their target overall and by week,
// their skills at their latest level, and what happened lately.
type Progress struct {
	Trainee *Trainee
	Totals
	Enrolments []Enrolment
	Programmes map[int64]*Programme
	// Weeks with entries, the oldest first.
	Weeks []WeekMinutes
	// Catalogue is the active skills catalogue, and Skills the latest assessment of each skill
	// the trainee was assessed in, in the catalogue's order.
	Catalogue []Skill
	Skills    []Assessment
	// Timeline is the latest things that happened, the latest first.
	Timeline []TimelineItem
}

// timelineSize is how many items a progress timeline holds.
const timelineSize = 30

// Percent is the approved minutes as a share of the target, 0 to 100; 0 without a target.
func (p *Progress) Percent() int {
	if p.TargetMinutes == nil || *p.TargetMinutes == 0 {
		return 0
	}
	return min(100, p.ApprovedMinutes*100 / *p.TargetMinutes)
}

// Progress returns where a trainee stands, to staff, administrators and the trainee.
func (s *Store) Progress(ctx context.Context, traineeID int64) (*Progress, error) {
	if _, err := requireSee(ctx, traineeID); err != nil {
		return nil, err
	}
	p := &Progress{Trainee: new(Trainee), Programmes: map[int64]*Programme{}}
	err := s.run(ctx, func(ctx context.Context, tx bun.Tx) error {
		if err := tx.NewSelect().Model(p.Trainee).Where("t.id = ?", traineeID).Scan(ctx); err != nil {
			return dbError("select trainee", err)
		}
		if err := tx.NewSelect().Model(&p.Enrolments).Where("e.trainee_id = ?", traineeID).OrderExpr("e.starts_on DESC").Scan(ctx); err != nil {
			return dbError("select enrolments", err)
		}
		if len(p.Enrolments) > 0 {
			var ids []int64
			for _, e := range p.Enrolments {
				ids = append(ids, e.ProgrammeID)
			}
			var ps []Programme
			if err := tx.NewSelect().Model(&ps).Where("p.id IN (?)", bun.List(ids)).Scan(ctx); err != nil {
				return dbError("select programmes", err)
			}
			for i := range ps {
				p.Programmes[ps[i].ID] = &ps[i]
			}
		}
		if err := tx.NewRaw(`
			SELECT on_date - (extract(isodow FROM on_date)::int - 1) AS start,
			  coalesce(sum(minutes) FILTER (WHERE status = 'approved'), 0)::int AS approved,
			  coalesce(sum(minutes) FILTER (WHERE status = 'pending'), 0)::int AS pending
			FROM hour_entries WHERE trainee_id = ? GROUP BY 1 ORDER BY 1`, traineeID).Scan(ctx, &p.Weeks); err != nil {
			return dbError("select weeks", err)
		}
		if err := tx.NewSelect().Model(&p.Catalogue).Where("sk.active").OrderExpr("sk.position, sk.id").Scan(ctx); err != nil {
			return dbError("select skills", err)
		}
		all, err := assessments(ctx, tx, traineeID)
		if err != nil {
			return err
		}
		p.Skills = Current(all, p.Catalogue)
		var recent []HourEntry
		if err := tx.NewSelect().Model(&recent).Where("h.trainee_id = ?", traineeID).
			OrderExpr("coalesce(h.reviewed_at, h.logged_at) DESC, h.id DESC").Limit(timelineSize).Scan(ctx); err != nil {
			return dbError("select recent hours", err)
		}
		p.Timeline = timeline(recent, all)
		return nil
	})
	if err != nil {
		return nil, err
	}
	target := p.Trainee.TargetMinutes
	if target == nil && len(p.Enrolments) > 0 {
		sum := 0
		for _, e := range p.Enrolments {
			if pr := p.Programmes[e.ProgrammeID]; pr != nil {
				sum += pr.TargetMinutes
			}
		}
		target = &sum
	}
	p.TargetMinutes = target
	for i := range p.Weeks {
		w := &p.Weeks[i]
		w.Start = calendar.Date(w.Start)
		p.ApprovedMinutes += w.Approved
		p.PendingMinutes += w.Pending
		for _, e := range p.Enrolments {
			if !e.EndsOn.Before(w.Start) && !e.StartsOn.After(w.Start.AddDate(0, 0, 6)) {
				if pr := p.Programmes[e.ProgrammeID]; pr != nil {
					c := pr.WeeklyCapMinutes
					w.CapMinutes = &c
					w.OverCap = w.Approved+w.Pending > c
				}
				break
			}
		}
	}
	return p, nil
}

// timeline merges recent hour entries and assessments, the latest first.
func timeline(entries []HourEntry, assessments []Assessment) []TimelineItem {
	var out []TimelineItem
	for i := range entries {
		h := &entries[i]
		it := TimelineItem{At: h.LoggedAt, Kind: TimelineLogged, Entry: h}
		if h.ReviewedAt != nil {
			it.At = *h.ReviewedAt
			it.Kind = TimelineApproved
			if h.Status == StatusRejected {
				it.Kind = TimelineRejected
			}
		}
		out = append(out, it)
	}
	for i := range assessments {
		out = append(out, TimelineItem{At: assessments[i].CreatedAt, Kind: TimelineSkill, Assessment: &assessments[i]})
	}
	slices.SortStableFunc(out, func(x, y TimelineItem) int { return y.At.Compare(x.At) })
	if len(out) > timelineSize {
		out = out[:timelineSize]
	}
	return out
}
