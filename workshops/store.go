package workshops

import (
	"context"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/uptrace/bun"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/internal/calendar"
	"github.com/digital-inclusion/refurb/internal/pgcode"
	"github.com/digital-inclusion/refurb/validation"
)

// Store reads and changes the workshops' data. It holds a bun.IDB so the same code runs on the
// pool or inside a caller's transaction (certificates gathers an attendance certificate on its
// issuing transaction).
type Store struct {
	db  bun.IDB
	tz  *time.Location
	now func() time.Time
}

// NewStore returns a Store on db, connected as the application role.
func NewStore(db bun.IDB) *Store {
	return &Store{db: db, tz: calendar.Zone(), now: time.Now}
}

// today is the workshop's calendar day, as a date (midnight UTC, how dates are read from the
// database).
func (s *Store) today() time.Time { return calendar.Date(s.now().In(s.tz)) }

// rls is who row-level security sees acting in a transaction.
type rls struct {
	role      string // auth.Role, "" for nobody
	traineeID int64
	bench     []byte // SHA-256 of a bench device's token
}

// rlsOf is the actor of ctx as row-level security knows it. The command line acts as an
// administrator.
func rlsOf(ctx context.Context) rls {
	a, ok := auth.ActorFrom(ctx)
	if !ok {
		return rls{}
	}
	if a.System {
		return rls{role: string(auth.RoleAdmin)}
	}
	return rls{role: string(a.Role), traineeID: a.TraineeID}
}

// run runs fn in a transaction whose row-level security knows the actor of ctx.
func (s *Store) run(ctx context.Context, fn func(ctx context.Context, tx bun.Tx) error) error {
	return s.runAs(ctx, rlsOf(ctx), fn)
}

// runAs runs fn in a transaction whose row-level security sees who as the actor: the settings
// refurb.role, refurb.trainee_id and refurb.bench, local to the transaction, which the
// migration's policies read.
func (s *Store) runAs(ctx context.Context, who rls, fn func(ctx context.Context, tx bun.Tx) error) error {
	return s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		trainee := ""
		if who.traineeID != 0 {
			trainee = strconv.FormatInt(who.traineeID, 10)
		}
		if _, err := tx.ExecContext(ctx, "SELECT set_config('refurb.role', ?, true), set_config('refurb.trainee_id', ?, true), set_config('refurb.bench', ?, true)",
			who.role, trainee, hex.EncodeToString(who.bench)); err != nil {
			return fmt.Errorf("set the actor: %w", err)
		}
		return fn(ctx, tx)
	})
}

// dbError turns database errors into the package's errors: no rows is ErrNotFound, a unique
// violation ErrConflict, the hour rules' codes their RuleError. Other errors are wrapped with
// what was being done.
func dbError(doing string, err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNotFound
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch pgErr.Code {
		case pgcode.UniqueViolation:
			return fmt.Errorf("%s: %w", pgErr.ConstraintName, ErrConflict)
		case pgcode.DayCapExceeded:
			return &RuleError{Rule: RuleDayCap, Field: "minutes", Message: "a day holds at most 12 hours of entries"}
		case pgcode.HoursInFuture:
			return &RuleError{Rule: RuleFuture, Field: "date", Message: "the date is in the future: log hours for today or earlier"}
		case pgcode.ExclusionViolation:
			if pgErr.ConstraintName == "enrolments_no_overlap" {
				return validation.Field("startsOn", "the trainee is already enrolled in a programme during this period")
			}
			return &RuleError{Rule: RuleOverlap, Field: "startTime", Message: "these hours overlap another entry of the same day"}
		case pgcode.SessionFull:
			return &RuleError{Rule: RuleSessionFull, Field: "sessionID", Message: "every place of the session is taken"}
		case pgcode.HoursTransitionRefused, pgcode.HourEntryFrozen:
			return &TransitionError{Reason: pgErr.Message}
		case pgcode.TraineeAnonymised, pgcode.AssessmentFrozen:
			return ErrAnonymised
		case pgcode.ForeignKeyViolation:
			return fmt.Errorf("%s: %w", pgErr.ConstraintName, ErrNotFound)
		}
	}
	return fmt.Errorf("%s: %w", doing, err)
}

// text cleans an optional text input: trimmed, nil when empty, refused with control characters
// or over max characters.
func text(field, s string, max int) (*string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, nil
	}
	if strings.IndexFunc(s, unicode.IsControl) >= 0 {
		return nil, validation.Field(field, "contains control characters")
	}
	if len([]rune(s)) > max {
		return nil, validation.Field(field, "is longer than %d characters", max)
	}
	return &s, nil
}

// required cleans a required text input (see text).
func required(field, s string, max int) (string, error) {
	v, err := text(field, s, max)
	if err != nil {
		return "", err
	}
	if v == nil {
		return "", validation.Field(field, "is required")
	}
	return *v, nil
}

// office checks that ids name enabled staff members or administrators, inside tx.
func office(ctx context.Context, tx bun.IDB, field string, ids ...int64) error {
	found, err := auth.ActiveIn(ctx, tx, auth.Office, ids...)
	if err != nil {
		return err
	}
	for _, id := range ids {
		if !contains(found, id) {
			return validation.Field(field, "no such staff member")
		}
	}
	return nil
}

func contains[T comparable](xs []T, x T) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// Page asks for a page of a list: at most First items after the cursor After.
type Page struct {
	First int
	After string
}

// MaxPageSize bounds a page.
const MaxPageSize = 200

func (p Page) limit(def int) (int, int64, error) {
	n := p.First
	if n == 0 {
		n = def
	}
	if n < 1 || n > MaxPageSize {
		return 0, 0, validation.Field("first", "must be between 1 and %d", MaxPageSize)
	}
	var after int64
	if p.After != "" {
		v, err := strconv.ParseInt(p.After, 10, 64)
		if err != nil || v < 0 {
			return 0, 0, validation.Field("after", "not a cursor of this list")
		}
		after = v
	}
	return n, after, nil
}
