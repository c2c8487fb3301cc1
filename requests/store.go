package requests

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/uptrace/bun"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/internal/calendar"
	"github.com/digital-inclusion/refurb/internal/pgcode"
	"github.com/digital-inclusion/refurb/validation"
)

// Store reads and changes partner organisations and device requests. It holds a bun.IDB so the
// same code runs on the pool or inside a caller's transaction (certificates reads a receipt's
// request on its issuing transaction).
type Store struct {
	db     bun.IDB
	issuer Issuer
	now    func() time.Time
	tz     *time.Location
}

// NewStore returns a Store on db, connected as the application role. It issues no hand-over
// receipts until WithIssuer gives it an Issuer.
func NewStore(db bun.IDB) *Store {
	return &Store{db: db, now: time.Now, tz: calendar.Zone()}
}

// WithIssuer returns a copy of the Store that issues hand-over receipts through i on the
// hand-out's transaction (package server passes certificates' issuer).
func (s *Store) WithIssuer(i Issuer) *Store {
	c := *s
	c.issuer = i
	return &c
}

// SetActor tells PostgreSQL, for the rest of the transaction db, who acts: the request tables'
// row-level security reads these settings (refurb.user_id, refurb.role, refurb.partner_id,
// refurb.coordinator). The command line and the server's own jobs act as "system". Every
// method of the Store sets them first; another domain that reads request tables in its own
// transaction (none does: they call the Store) would set them too.
func SetActor(ctx context.Context, db bun.IDB, a auth.Actor) error {
	role := string(a.Role)
	if a.System {
		role = "system"
	}
	_, err := db.NewRaw("SELECT set_config('refurb.user_id', ?, true), set_config('refurb.role', ?, true), "+
		"set_config('refurb.partner_id', ?, true), set_config('refurb.coordinator', ?, true)",
		strconv.FormatInt(a.UserID, 10), role, strconv.FormatInt(a.PartnerID, 10), strconv.FormatBool(a.Coordinator)).Exec(ctx)
	if err != nil {
		return fmt.Errorf("set the acting user: %w", err)
	}
	return nil
}

// tx runs fn in one transaction (a savepoint inside a caller's) in which a is the acting user
// for row-level security.
func (s *Store) tx(ctx context.Context, a auth.Actor, fn func(ctx context.Context, tx bun.Tx) error) error {
	return s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if err := SetActor(ctx, tx, a); err != nil {
			return err
		}
		return fn(ctx, tx)
	})
}

// dbError turns database errors into the package's errors: no row is ErrNotFound, a unique
// violation ErrConflict, the lifecycle trigger's refusal a StateError. Other errors are wrapped
// with what was being done.
func dbError(doing string, err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNotFound
	}
	code, pgErr := pgcode.Of(err)
	switch {
	case pgErr == nil:
	case code == pgcode.UniqueViolation:
		return ErrConflict
	case code == pgcode.RequestTransitionRefused:
		return &StateError{Reason: pgErr.Message}
	case code == pgcode.AllocationRefused, code == pgcode.DeviceNeedsRequest:
		return &AllocationError{Reason: pgErr.Message}
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

func ptr[T any](v T) *T { return &v }
