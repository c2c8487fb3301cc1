package inventory

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/uptrace/bun"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/internal/pgcode"
	"github.com/digital-inclusion/refurb/validation"
)

// Store reads and changes the inventory. It holds a bun.IDB so the same code runs on the pool
// or inside a caller's transaction.
type Store struct {
	db  bun.IDB
	now func() time.Time
	// sqldb runs the hot reads (the scan lookup) with real parameters, so that pgx prepares
	// each statement once per connection: bun writes arguments into the SQL text, which makes
	// PostgreSQL plan every statement again (docs/performance.md). Nil inside a transaction.
	sqldb *sql.DB
	// parsing holds a slot for each asset list being parsed (import.go, maxParsing).
	parsing chan struct{}
	// scanPlans decode the scan's row (scan.go).
	scanPlans *rowPlans
}

// NewStore returns a Store on db, connected as the application role.
func NewStore(db bun.IDB) *Store {
	s := &Store{db: db, now: time.Now, parsing: make(chan struct{}, maxParsing), scanPlans: newRowPlans()}
	if b, ok := db.(*bun.DB); ok {
		s.sqldb = b.DB
	}
	return s
}

// dbError turns database errors into the package's errors: a unique violation is a conflict, a
// lifecycle trigger refusal a TransitionError. Other errors are wrapped with what was being done.
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
			return uniqueError(pgErr)
		case pgcode.TransitionRefused, pgcode.ReadyRefused, pgcode.DeviceNeedsRequest:
			return &TransitionError{Reason: pgErr.Message}
		case pgcode.WipeRequired:
			// The trigger's backstop: the Go guard normally answers first, with the media named.
			return &WipeRequiredError{DeviceTag: pgErr.Message}
		case pgcode.TagNeverIssued:
			return validation.Field("tag", "this pre-printed tag number was never issued")
		}
	}
	return fmt.Errorf("%s: %w", doing, err)
}

// uniqueError names the input field a unique violation is about.
func uniqueError(pgErr *pgconn.PgError) error {
	switch pgErr.ConstraintName {
	case "devices_donation_serial_key":
		return validation.Field("serialNumber", "a device with this serial number is already in the donation")
	case "storage_media_serial_key":
		return validation.Field("storage.serialNumber", "a storage medium with this serial number is already recorded")
	case "devices_tag_number_key", "devices_tag_key":
		return validation.Field("tag", "this tag is already on another device")
	}
	return fmt.Errorf("%s: %w", pgErr.ConstraintName, ErrConflict)
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

// textField is an optional text input: its field name, the value given, its limit in
// characters and where the cleaned value goes.
type textField struct {
	name string
	in   string
	max  int
	out  **string
}

// texts cleans text inputs into their destinations (see text), with prefix before the field
// names in errors (e.g. "devices[3].").
func texts(prefix string, fields ...textField) error {
	for _, f := range fields {
		v, err := text(prefix+f.name, f.in, f.max)
		if err != nil {
			return err
		}
		*f.out = v
	}
	return nil
}

func statusPtr(s Status) *Status { return &s }

// setting reads one setting into v.
func (s *Store) setting(ctx context.Context, db bun.IDB, key string, v any) error {
	// Scanned as text: bun takes a json.RawMessage for a slice of numbers.
	var raw string
	if err := db.NewSelect().Table("settings").Column("value").Where("key = ?", key).Scan(ctx, &raw); err != nil {
		return fmt.Errorf("read setting %s: %w", key, err)
	}
	if err := json.Unmarshal([]byte(raw), v); err != nil {
		return fmt.Errorf("read setting %s: %w", key, err)
	}
	return nil
}

// actorID returns the acting user's id, or nil for the command line.
func actorID(ctx context.Context) *int64 {
	if a, ok := auth.ActorFrom(ctx); ok && a.UserID != 0 {
		return &a.UserID
	}
	return nil
}

// pgArray formats ids as a PostgreSQL array literal, for statements that unnest them.
func pgArray(ids []int64) string {
	var b strings.Builder
	b.WriteByte('{')
	for i, id := range ids {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.FormatInt(id, 10))
	}
	b.WriteByte('}')
	return b.String()
}
