package workshops

import (
	"context"
	"errors"
	"slices"
	"time"

	"github.com/uptrace/bun"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/internal/calendar"
	"github.com/digital-inclusion/refurb/validation"
)

// Session is a training session at the workshop: a day, a time, a topic, a supervisor and a
// number of places.
type Session struct {
	bun.BaseModel `bun:"table:workshop_sessions,alias:s"`

	ID          int64     `bun:"id,pk,autoincrement"`
	ProgrammeID *int64    `bun:"programme_id"`
	Date        time.Time `bun:"on_date,type:date"`
	// StartMinute and EndMinute are minutes after midnight, the workshop's local time.
	StartMinute  int       `bun:"start_minute"`
	EndMinute    int       `bun:"end_minute"`
	Topic        string    `bun:"topic"`
	Location     *string   `bun:"location"`
	SupervisorID int64     `bun:"supervisor_id"`
	Capacity     int       `bun:"capacity"`
	CreatedAt    time.Time `bun:"created_at,nullzero,notnull,default:current_timestamp"`
	// Attending is how many trainees attended, where the read counts them.
	Attending int `bun:"attending,scanonly"`
}

// Minutes is how long the session lasts.
func (s *Session) Minutes() int { return s.EndMinute - s.StartMinute }

// NewSession is what it takes to plan a session.
type NewSession struct {
	ProgrammeID            *int64
	Date                   time.Time
	StartMinute, EndMinute int
	Topic, Location        string
	SupervisorID           int64
	Capacity               int
}

func (n NewSession) validate() (*Session, error) {
	s := &Session{ProgrammeID: n.ProgrammeID, Date: calendar.Date(n.Date), StartMinute: n.StartMinute, EndMinute: n.EndMinute,
		SupervisorID: n.SupervisorID, Capacity: n.Capacity}
	var err error
	if s.Topic, err = required("topic", n.Topic, 200); err != nil {
		return nil, err
	}
	if s.Location, err = text("location", n.Location, 200); err != nil {
		return nil, err
	}
	if n.Date.IsZero() || s.Date.Year() < 2000 {
		return nil, validation.Field("date", "a date is required")
	}
	if n.StartMinute < 0 || n.StartMinute >= 24*60 {
		return nil, validation.Field("startTime", "must be a time of day, 00:00 to 23:59")
	}
	if n.EndMinute <= n.StartMinute || n.EndMinute > 24*60 {
		return nil, validation.Field("endTime", "must be after the start, on the same day")
	}
	if n.EndMinute-n.StartMinute > MaxDayMinutes {
		return nil, validation.Field("endTime", "a session lasts at most 12 hours")
	}
	if n.Capacity < 1 || n.Capacity > 200 {
		return nil, validation.Field("capacity", "must be between 1 and 200")
	}
	if n.SupervisorID == 0 {
		return nil, validation.Field("supervisorID", "a supervisor is required")
	}
	return s, nil
}

// CreateSession plans a session, supervised by a staff member or administrator. Staff and
// administrators.
func (s *Store) CreateSession(ctx context.Context, n NewSession) (*Session, error) {
	if _, err := auth.Require(ctx, auth.Office); err != nil {
		return nil, err
	}
	ses, err := n.validate()
	if err != nil {
		return nil, err
	}
	err = s.run(ctx, func(ctx context.Context, tx bun.Tx) error {
		if err := office(ctx, tx, "supervisorID", ses.SupervisorID); err != nil {
			return err
		}
		if ses.ProgrammeID != nil {
			var n int
			if err := tx.NewSelect().Table("programmes").ColumnExpr("count(*)").Where("id = ?", *ses.ProgrammeID).Scan(ctx, &n); err != nil {
				return dbError("select programme", err)
			}
			if n == 0 {
				return validation.Field("programmeID", "no such programme")
			}
		}
		_, err := tx.NewInsert().Model(ses).Returning("*").Exec(ctx)
		return dbError("insert session", err)
	})
	if err != nil {
		return nil, err
	}
	return ses, nil
}

// Sessions lists the sessions between two dates (inclusive), in time order, with how many
// trainees attended. Staff and administrators.
func (s *Store) Sessions(ctx context.Context, from, to time.Time) ([]Session, error) {
	if _, err := auth.Require(ctx, auth.Office); err != nil {
		return nil, err
	}
	var out []Session
	err := s.run(ctx, func(ctx context.Context, tx bun.Tx) error {
		return dbError("select sessions", tx.NewSelect().Model(&out).ColumnExpr("s.*").
			ColumnExpr("(SELECT count(*) FROM attendance a WHERE a.session_id = s.id) AS attending").
			Where("s.on_date BETWEEN ? AND ?", calendar.Date(from), calendar.Date(to)).OrderExpr("s.on_date, s.start_minute, s.id").Scan(ctx))
	})
	return out, err
}

// SessionsByID returns sessions by id: staff and administrators any, a trainee those they
// attended.
func (s *Store) SessionsByID(ctx context.Context, ids []int64) (map[int64]*Session, error) {
	a, err := auth.Require(ctx, readers)
	if err != nil {
		return nil, err
	}
	var ses []Session
	err = s.run(ctx, func(ctx context.Context, tx bun.Tx) error {
		q := tx.NewSelect().Model(&ses).ColumnExpr("s.*").
			ColumnExpr("(SELECT count(*) FROM attendance a WHERE a.session_id = s.id) AS attending").
			Where("s.id IN (?)", bun.List(ids))
		if !a.In(auth.Office) {
			// Attendance is behind row-level security: the trainee's own.
			q = q.Where("EXISTS (SELECT 1 FROM attendance a WHERE a.session_id = s.id)")
		}
		return dbError("select sessions", q.Scan(ctx))
	})
	if err != nil {
		return nil, err
	}
	out := make(map[int64]*Session, len(ses))
	for i := range ses {
		out[ses[i].ID] = &ses[i]
	}
	return out, nil
}

// Session returns one session (SessionsByID), ErrNotFound when there is none to see.
func (s *Store) Session(ctx context.Context, id int64) (*Session, error) {
	ses, err := s.SessionsByID(ctx, []int64{id})
	if err != nil {
		return nil, err
	}
	if x := ses[id]; x != nil {
		return x, nil
	}
	return nil, ErrNotFound
}

// Via is how attendance was taken.
type Via string

// The ways of taking attendance.
const (
	ViaTick  Via = "tick"  // ticked on the session's list
	ViaBadge Via = "badge" // the trainee's QR badge scanned
)

// Attendance is a trainee at a session, with the hour entry it created.
type Attendance struct {
	bun.BaseModel `bun:"table:attendance,alias:a"`

	SessionID   int64     `bun:"session_id,pk"`
	TraineeID   int64     `bun:"trainee_id,pk"`
	Via         Via       `bun:"via"`
	MarkedBy    *int64    `bun:"marked_by"`
	MarkedAt    time.Time `bun:"marked_at,nullzero,notnull,default:current_timestamp"`
	HourEntryID int64     `bun:"hour_entry_id"`

	// Filled by the reads that join them.
	TraineeName string `bun:"trainee_name,scanonly"`
	EntryStatus Status `bun:"entry_status,scanonly"`
	// Already is set by MarkAttendance when the trainee was marked before (a badge scanned twice).
	Already bool `bun:"-"`
}

// MarkAttendance marks a trainee as attending a session, by ticking or by their badge, and
// creates the pending hour entry the session is worth (its day, start and length, activity
// training), so the session's supervisor or any staff member may approve it. Marking a trainee
// twice changes nothing (Already). The session's capacity (RuleSessionFull) and the hour rules
// apply: a session in the future cannot be attended yet. Staff and administrators.
func (s *Store) MarkAttendance(ctx context.Context, sessionID, traineeID int64, via Via) (*Attendance, error) {
	a, err := auth.Require(ctx, auth.Office)
	if err != nil {
		return nil, err
	}
	if !slices.Contains([]Via{ViaTick, ViaBadge}, via) {
		return nil, validation.Field("via", "unknown way %q: tick or badge", via)
	}
	at := &Attendance{SessionID: sessionID, TraineeID: traineeID, Via: via}
	if a.UserID != 0 {
		at.MarkedBy = &a.UserID
	}
	err = s.run(ctx, func(ctx context.Context, tx bun.Tx) error {
		ses := new(Session)
		if err := tx.NewSelect().Model(ses).Where("s.id = ?", sessionID).For("UPDATE").Scan(ctx); err != nil {
			if err = dbError("lock session", err); errors.Is(err, ErrNotFound) {
				return validation.Field("sessionID", "no such session")
			}
			return err
		}
		if err := traineeExists(ctx, tx, traineeID); err != nil {
			return err
		}
		prev := new(Attendance)
		err := tx.NewSelect().Model(prev).Where("a.session_id = ? AND a.trainee_id = ?", sessionID, traineeID).Scan(ctx)
		if err == nil {
			*at = *prev
			at.Already = true
			return nil
		}
		if err = dbError("select attendance", err); !errors.Is(err, ErrNotFound) {
			return err
		}
		start := ses.StartMinute
		h := &HourEntry{TraineeID: traineeID, Date: ses.Date, StartMinute: &start, Minutes: ses.Minutes(),
			Activity: ActivityTraining, Source: SourceAttendance, Status: StatusPending, SessionID: &ses.ID}
		if h.Date.After(s.today()) {
			return &RuleError{Rule: RuleFuture, Field: "sessionID", Message: "the session has not taken place yet"}
		}
		// Counted under the session's lock; the trigger counts again as the backstop.
		if err := tx.NewSelect().Table("attendance").ColumnExpr("count(*)").Where("session_id = ?", ses.ID).Scan(ctx, &ses.Attending); err != nil {
			return dbError("count attendance", err)
		}
		if ses.Attending >= ses.Capacity {
			return &RuleError{Rule: RuleSessionFull, Field: "sessionID", Message: "every place of the session is taken"}
		}
		if err := checkDay(ctx, tx, h); err != nil {
			return err
		}
		if err := insertEntry(ctx, tx, h, nil); err != nil {
			return err
		}
		at.HourEntryID = h.ID
		at.EntryStatus = h.Status
		_, err = tx.NewInsert().Model(at).Returning("marked_at").Exec(ctx)
		return dbError("insert attendance", err)
	})
	if err != nil {
		return nil, err
	}
	return at, nil
}

// Attendees returns who attended a session, by name, with their entries' status. Staff and
// administrators.
func (s *Store) Attendees(ctx context.Context, sessionID int64) ([]Attendance, error) {
	if _, err := auth.Require(ctx, auth.Office); err != nil {
		return nil, err
	}
	var out []Attendance
	err := s.run(ctx, func(ctx context.Context, tx bun.Tx) error {
		return dbError("select attendance", tx.NewSelect().Model(&out).ColumnExpr("a.*").
			ColumnExpr("t.name AS trainee_name, h.status AS entry_status").
			Join("JOIN trainees AS t ON t.id = a.trainee_id").Join("JOIN hour_entries AS h ON h.id = a.hour_entry_id").
			Where("a.session_id = ?", sessionID).OrderExpr("lower(t.name), t.id").Scan(ctx))
	})
	return out, err
}
