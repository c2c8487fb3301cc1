package workshops

import (
	"context"
	"crypto/rand"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/internal/calendar"
	"github.com/digital-inclusion/refurb/internal/database"
	"github.com/digital-inclusion/refurb/validation"
)

// Trainee is a person who learns at the workshop. Their record is personal data: staff,
// administrators and the trainee see it (row-level security holds the same), and it never goes
// to a log (ids only).
type Trainee struct {
	bun.BaseModel `bun:"table:trainees,alias:t"`

	ID      int64   `bun:"id,pk,autoincrement"`
	Name    string  `bun:"name"`
	Contact *string `bun:"contact"`
	// Languages are ISO 639 codes, the one pages use first.
	Languages     []string `bun:"languages,array"`
	TargetMinutes *int     `bun:"target_minutes"`
	// ConsentKeep is the trainee's answer to keeping their records after the programme, nil
	// until asked; ConsentRecordedOn is the day it was given.
	ConsentKeep       *bool      `bun:"consent_keep"`
	ConsentRecordedOn *time.Time `bun:"consent_recorded_on,type:date"`
	// BadgeToken is what the trainee's QR badge encodes after PUBLIC_URL/T/.
	BadgeToken *string `bun:"badge_token"`
	// AnonymisedAt is when the record was anonymised (retention.go): its name is then its
	// number ("#42") and it never changes again.
	AnonymisedAt *time.Time `bun:"anonymised_at"`
	CreatedAt    time.Time  `bun:"created_at,nullzero,notnull,default:current_timestamp"`
	UpdatedAt    time.Time  `bun:"updated_at,nullzero,notnull,default:current_timestamp"`
}

// Language returns the trainee's first language, "" when none is recorded.
func (t *Trainee) Language() string {
	if len(t.Languages) > 0 {
		return t.Languages[0]
	}
	return ""
}

// NewTrainee is what it takes to record a trainee, and what an update changes.
type NewTrainee struct {
	Name      string
	Contact   string
	Languages []string
	// TargetMinutes overrides the programmes' targets; nil: the sum of theirs.
	TargetMinutes *int
	// Consent is the answer to keeping the records after the programme, nil when not asked
	// yet; ConsentOn the day it was given (zero: today).
	Consent   *bool
	ConsentOn time.Time
}

var languageCode = regexp.MustCompile(`^[a-z]{2,3}$`)

func (n NewTrainee) validate(today time.Time) (*Trainee, error) {
	t := &Trainee{Languages: []string{}, TargetMinutes: n.TargetMinutes}
	var err error
	if t.Name, err = required("name", n.Name, 200); err != nil {
		return nil, err
	}
	if t.Contact, err = text("contact", n.Contact, 500); err != nil {
		return nil, err
	}
	for i, l := range n.Languages {
		l = strings.ToLower(strings.TrimSpace(l))
		if l == "" || contains(t.Languages, l) {
			continue
		}
		if !languageCode.MatchString(l) {
			return nil, validation.Field("languages["+strconv.Itoa(i)+"]", "%q is not a language code such as fr, pt or ar", l)
		}
		t.Languages = append(t.Languages, l)
	}
	if len(t.Languages) > 10 {
		return nil, validation.Field("languages", "name at most 10 languages")
	}
	if n.TargetMinutes != nil && (*n.TargetMinutes < 1 || *n.TargetMinutes > 300000) {
		return nil, validation.Field("targetMinutes", "must be between 1 minute and 5,000 hours")
	}
	if n.Consent != nil {
		on := calendar.Date(n.ConsentOn)
		if n.ConsentOn.IsZero() {
			on = today
		}
		if on.After(today) {
			return nil, validation.Field("consentOn", "the consent cannot be dated in the future")
		}
		t.ConsentKeep, t.ConsentRecordedOn = n.Consent, &on
	}
	return t, nil
}

// newBadgeToken returns 10 random base32 characters (50 bits): what a badge's QR code encodes.
func newBadgeToken() string { return rand.Text()[:10] }

// CreateTrainee records a trainee, with a badge token. Staff and administrators.
func (s *Store) CreateTrainee(ctx context.Context, n NewTrainee) (*Trainee, error) {
	if _, err := auth.Require(ctx, auth.Office); err != nil {
		return nil, err
	}
	t, err := n.validate(s.today())
	if err != nil {
		return nil, err
	}
	token := newBadgeToken()
	t.BadgeToken = &token
	err = s.run(ctx, func(ctx context.Context, tx bun.Tx) error {
		_, err := tx.NewInsert().Model(t).Returning("*").Exec(ctx)
		return dbError("insert trainee", err)
	})
	if err != nil {
		return nil, err
	}
	return t, nil
}

// UpdateTrainee replaces a trainee's name, contact, languages and target, and records their
// consent when n gives one (a consent already recorded stays unless n changes it). Staff and
// administrators.
func (s *Store) UpdateTrainee(ctx context.Context, id int64, n NewTrainee) (*Trainee, error) {
	if _, err := auth.Require(ctx, auth.Office); err != nil {
		return nil, err
	}
	t, err := n.validate(s.today())
	if err != nil {
		return nil, err
	}
	t.ID = id
	err = s.run(ctx, func(ctx context.Context, tx bun.Tx) error {
		q := tx.NewUpdate().Model(t).Column("name", "contact", "languages", "target_minutes").Set("updated_at = now()")
		if t.ConsentKeep != nil {
			q = q.Column("consent_keep", "consent_recorded_on")
		}
		res, err := q.WherePK().Returning("*").Exec(ctx)
		if err != nil {
			return dbError("update trainee", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotFound
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return t, nil
}

// RenewBadge gives a trainee a new badge token: the old badge stops working (a lost badge).
// Staff and administrators.
func (s *Store) RenewBadge(ctx context.Context, id int64) (*Trainee, error) {
	if _, err := auth.Require(ctx, auth.Office); err != nil {
		return nil, err
	}
	t := &Trainee{ID: id}
	err := s.run(ctx, func(ctx context.Context, tx bun.Tx) error {
		res, err := tx.NewUpdate().Model(t).Set("badge_token = ?", newBadgeToken()).Set("updated_at = now()").
			WherePK().Returning("*").Exec(ctx)
		if err != nil {
			return dbError("renew badge", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotFound
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return t, nil
}

// NormalizeBadge reads a badge token as typed or scanned: the bare token or the URL its QR code
// encodes (…/T/TOKEN), in any case. It returns "" for anything else.
func NormalizeBadge(code string) string {
	code = strings.TrimSpace(code)
	if i := strings.LastIndex(strings.ToUpper(code), "/T/"); i >= 0 {
		code = code[i+3:]
	}
	code = strings.ToUpper(strings.TrimRight(code, "/"))
	if len(code) != 10 || strings.Trim(code, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") != "" {
		return ""
	}
	return code
}

// TraineeByBadge returns the trainee whose badge carries token (or the URL of its QR code), for
// taking attendance by scanning badges. ErrNotFound for an unknown or renewed badge. Staff and
// administrators.
func (s *Store) TraineeByBadge(ctx context.Context, token string) (*Trainee, error) {
	if _, err := auth.Require(ctx, auth.Office); err != nil {
		return nil, err
	}
	token = NormalizeBadge(token)
	if token == "" {
		return nil, ErrNotFound
	}
	t := new(Trainee)
	err := s.run(ctx, func(ctx context.Context, tx bun.Tx) error {
		return dbError("select trainee", tx.NewSelect().Model(t).Where("t.badge_token = ?", token).Scan(ctx))
	})
	if err != nil {
		return nil, err
	}
	return t, nil
}

// Trainee returns a trainee's record to staff, administrators and the trainee; ErrNotFound to
// anyone else who may read workshops (another trainee).
func (s *Store) Trainee(ctx context.Context, id int64) (*Trainee, error) {
	if _, err := requireSee(ctx, id); err != nil {
		return nil, err
	}
	ts, err := s.TraineesByID(ctx, []int64{id})
	if err != nil {
		return nil, err
	}
	if t := ts[id]; t != nil {
		return t, nil
	}
	return nil, ErrNotFound
}

// TraineesByID returns the trainees the actor may see among ids (staff and administrators: all;
// a trainee: themselves), by id.
func (s *Store) TraineesByID(ctx context.Context, ids []int64) (map[int64]*Trainee, error) {
	if _, err := auth.Require(ctx, readers); err != nil {
		return nil, err
	}
	var ts []Trainee
	err := s.run(ctx, func(ctx context.Context, tx bun.Tx) error {
		return dbError("select trainees", tx.NewSelect().Model(&ts).Where("t.id IN (?)", bun.List(ids)).Scan(ctx))
	})
	if err != nil {
		return nil, err
	}
	out := make(map[int64]*Trainee, len(ts))
	for i := range ts {
		out[ts[i].ID] = &ts[i]
	}
	return out, nil
}

// TraineePage is a page of trainees.
type TraineePage struct {
	Trainees    []Trainee
	TotalCount  int
	HasNextPage bool
	EndCursor   string
}

// Trainees lists trainees by name, those whose name contains search when it is not empty:
// every trainee to staff and administrators, themselves to a trainee.
func (s *Store) Trainees(ctx context.Context, search string, p Page) (*TraineePage, error) {
	if _, err := auth.Require(ctx, readers); err != nil {
		return nil, err
	}
	limit, offset, err := p.limit(50)
	if err != nil {
		return nil, err
	}
	out := &TraineePage{}
	err = s.run(ctx, func(ctx context.Context, tx bun.Tx) error {
		q := tx.NewSelect().Model(&out.Trainees)
		if search = strings.TrimSpace(search); search != "" {
			q = q.Where("t.name ILIKE ?", database.Contains(search))
		}
		n, err := q.OrderExpr("lower(t.name), t.id").Limit(int64(limit) + 1).Offset(offset).ScanAndCount(ctx)
		if err != nil {
			return dbError("select trainees", err)
		}
		out.TotalCount = int(n)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(out.Trainees) > limit {
		out.Trainees, out.HasNextPage = out.Trainees[:limit], true
	}
	if len(out.Trainees) > 0 {
		out.EndCursor = strconv.FormatInt(offset+int64(len(out.Trainees)), 10)
	}
	return out, nil
}

// Totals are a trainee's minutes by status and target, all programmes together.
type Totals struct {
	ApprovedMinutes int
	PendingMinutes  int
	// TargetMinutes is the trainee's own target, or else the sum of the targets of the
	// programmes they are or were enrolled in; nil without either.
	TargetMinutes *int
}

// Totals returns the totals of the trainees the actor may see among ids, by id.
func (s *Store) Totals(ctx context.Context, ids []int64) (map[int64]Totals, error) {
	if _, err := auth.Require(ctx, readers); err != nil {
		return nil, err
	}
	var rows []struct {
		ID       int64 `bun:"id"`
		Approved int   `bun:"approved"`
		Pending  int   `bun:"pending"`
		Target   *int  `bun:"target"`
	}
	err := s.run(ctx, func(ctx context.Context, tx bun.Tx) error {
		return dbError("select totals", tx.NewRaw(`
			SELECT t.id, coalesce(h.approved, 0) AS approved, coalesce(h.pending, 0) AS pending,
			  coalesce(t.target_minutes, (SELECT sum(p.target_minutes)::int FROM enrolments e JOIN programmes p ON p.id = e.programme_id
			                              WHERE e.trainee_id = t.id)) AS target
			FROM trainees t
			LEFT JOIN LATERAL (
			  SELECT sum(minutes) FILTER (WHERE status = 'approved')::int AS approved,
			         sum(minutes) FILTER (WHERE status = 'pending')::int AS pending
			  FROM hour_entries WHERE trainee_id = t.id) h ON true
			WHERE t.id IN (?)`, bun.List(ids)).Scan(ctx, &rows))
	})
	if err != nil {
		return nil, err
	}
	out := make(map[int64]Totals, len(rows))
	for _, r := range rows {
		out[r.ID] = Totals{ApprovedMinutes: r.Approved, PendingMinutes: r.Pending, TargetMinutes: r.Target}
	}
	return out, nil
}

// Enrolment is a trainee's place in a programme for a period, with their tutor.
type Enrolment struct {
	bun.BaseModel `bun:"table:enrolments,alias:e"`

	ID          int64     `bun:"id,pk,autoincrement"`
	TraineeID   int64     `bun:"trainee_id"`
	ProgrammeID int64     `bun:"programme_id"`
	StartsOn    time.Time `bun:"starts_on,type:date"`
	EndsOn      time.Time `bun:"ends_on,type:date"`
	TutorID     int64     `bun:"tutor_id"`
	CreatedAt   time.Time `bun:"created_at,nullzero,notnull,default:current_timestamp"`
}

// Covers reports whether the enrolment's period holds the date.
func (e *Enrolment) Covers(date time.Time) bool {
	d := calendar.Date(date)
	return !d.Before(e.StartsOn) && !d.After(e.EndsOn)
}

// NewEnrolment enrols a trainee in a programme. Zero dates and tutor take the programme's.
type NewEnrolment struct {
	TraineeID, ProgrammeID int64
	StartsOn, EndsOn       time.Time
	TutorID                int64
}

// Enrol enrols a trainee in a programme for a period within the programme's, with a tutor (a
// staff member or administrator). A trainee is in one programme at a time: periods may not
// overlap. Staff and administrators.
func (s *Store) Enrol(ctx context.Context, n NewEnrolment) (*Enrolment, error) {
	if _, err := auth.Require(ctx, auth.Office); err != nil {
		return nil, err
	}
	e := &Enrolment{TraineeID: n.TraineeID, ProgrammeID: n.ProgrammeID, TutorID: n.TutorID}
	err := s.run(ctx, func(ctx context.Context, tx bun.Tx) error {
		p := new(Programme)
		if err := tx.NewSelect().Model(p).Where("p.id = ?", n.ProgrammeID).Scan(ctx); err != nil {
			if err = dbError("select programme", err); err == ErrNotFound {
				return validation.Field("programmeID", "no such programme")
			}
			return err
		}
		var found int
		if err := tx.NewSelect().Table("trainees").ColumnExpr("count(*)").Where("id = ?", n.TraineeID).Scan(ctx, &found); err != nil {
			return dbError("select trainee", err)
		}
		if found == 0 {
			return validation.Field("traineeID", "no such trainee")
		}
		e.StartsOn, e.EndsOn = p.StartsOn, p.EndsOn
		if !n.StartsOn.IsZero() {
			e.StartsOn = calendar.Date(n.StartsOn)
		}
		if !n.EndsOn.IsZero() {
			e.EndsOn = calendar.Date(n.EndsOn)
		}
		if e.StartsOn.Before(p.StartsOn) || e.StartsOn.After(p.EndsOn) {
			return validation.Field("startsOn", "must be within the programme (%s to %s)", p.StartsOn.Format(time.DateOnly), p.EndsOn.Format(time.DateOnly))
		}
		if e.EndsOn.Before(e.StartsOn) || e.EndsOn.After(p.EndsOn) {
			return validation.Field("endsOn", "must be on or after the start and within the programme (to %s)", p.EndsOn.Format(time.DateOnly))
		}
		if e.TutorID == 0 {
			e.TutorID = p.TutorID
		}
		if err := office(ctx, tx, "tutorID", e.TutorID); err != nil {
			return err
		}
		_, err := tx.NewInsert().Model(e).Returning("*").Exec(ctx)
		return dbError("insert enrolment", err)
	})
	if err != nil {
		return nil, err
	}
	return e, nil
}

// Enrolments returns the enrolments of the trainees the actor may see among ids, by trainee,
// the latest first.
func (s *Store) Enrolments(ctx context.Context, traineeIDs []int64) (map[int64][]Enrolment, error) {
	if _, err := auth.Require(ctx, readers); err != nil {
		return nil, err
	}
	var es []Enrolment
	err := s.run(ctx, func(ctx context.Context, tx bun.Tx) error {
		return dbError("select enrolments", tx.NewSelect().Model(&es).Where("e.trainee_id IN (?)", bun.List(traineeIDs)).
			OrderExpr("e.trainee_id, e.starts_on DESC").Scan(ctx))
	})
	if err != nil {
		return nil, err
	}
	out := make(map[int64][]Enrolment, len(traineeIDs))
	for _, e := range es {
		out[e.TraineeID] = append(out[e.TraineeID], e)
	}
	return out, nil
}

// ProgrammeOn returns the enrolment of a trainee that covers date, or nil, from enrolments
// (Enrolments' order).
func ProgrammeOn(enrolments []Enrolment, date time.Time) *Enrolment {
	for i := range enrolments {
		if enrolments[i].Covers(date) {
			return &enrolments[i]
		}
	}
	return nil
}

// LockTrainee takes a trainee's row for the caller's transaction (certificates locks the
// subject of an attendance certificate while issuing it); ErrNotFound when there is no such
// trainee. Staff and administrators.
func (s *Store) LockTrainee(ctx context.Context, id int64) error {
	if _, err := auth.Require(ctx, auth.Office); err != nil {
		return err
	}
	return s.run(ctx, func(ctx context.Context, tx bun.Tx) error {
		var got int64
		err := tx.NewSelect().Table("trainees").Column("id").Where("id = ?", id).For("NO KEY UPDATE").Scan(ctx, &got)
		return dbError("lock trainee", err)
	})
}
