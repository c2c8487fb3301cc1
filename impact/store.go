package impact

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"github.com/digital-inclusion/refurb/internal/calendar"
	"github.com/digital-inclusion/refurb/inventory"
	"github.com/digital-inclusion/refurb/validation"
)

// Store reads the ledger. It holds a bun.IDB so the same code runs on the pool or inside a
// caller's transaction (certificates gathers the annual report on its issuing transaction).
type Store struct {
	db  bun.IDB
	tz  *time.Location
	now func() time.Time
}

// NewStore returns a Store on db, connected as the application role.
func NewStore(db bun.IDB) *Store {
	return &Store{db: db, tz: calendar.Zone(), now: time.Now}
}

// Today is the workshop's calendar day (Europe/Luxembourg), as a date.
func (s *Store) Today() time.Time { return calendar.Date(s.now().In(s.tz)) }

// monthOf is the first day of t's month.
func monthOf(t time.Time) time.Time { return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC) }

// MaxDays bounds a period: ten years and a few days.
const MaxDays = 3660

// period checks a period of days and returns it as dates.
func period(from, to time.Time) (time.Time, time.Time, error) {
	if from.IsZero() {
		return from, to, validation.Field("from", "is required")
	}
	if to.IsZero() {
		return from, to, validation.Field("to", "is required")
	}
	from, to = calendar.Date(from), calendar.Date(to)
	if to.Before(from) {
		return from, to, validation.Field("to", "the period must end on or after its start")
	}
	if to.Sub(from) > MaxDays*24*time.Hour {
		return from, to, validation.Field("to", "a period covers at most %d days", MaxDays)
	}
	return from, to, nil
}

// read runs fn on one read-only transaction with one snapshot for every statement, so that the
// figures of a ledger agree with each other (a savepoint inside a caller's transaction).
func (s *Store) read(ctx context.Context, fn func(ctx context.Context, tx bun.Tx) error) error {
	return s.db.RunInTx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true}, fn)
}

// secondLife reads how many more years a device of each kind handed out is expected to be used
// (setting impact.second_life_years).
func secondLife(ctx context.Context, db bun.IDB) (map[inventory.Kind]float64, error) {
	var raw string
	err := db.NewSelect().Table("settings").ColumnExpr("value::text").Where("key = 'impact.second_life_years'").Scan(ctx, &raw)
	if err == sql.ErrNoRows {
		return map[inventory.Kind]float64{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read setting impact.second_life_years: %w", err)
	}
	out := map[inventory.Kind]float64{}
	if err := json.Unmarshal([]byte(raw), &out); err != nil {
		return nil, fmt.Errorf("read setting impact.second_life_years: %w", err)
	}
	return out, nil
}

// Jan1 is the first day of year.
func Jan1(year int) time.Time { return time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC) }

// Fold replaces the rows each summary accumulated, one a change, by one a key (the daily job
// runs it on its transaction; sums are unchanged).
func Fold(ctx context.Context, db bun.IDB) error {
	if _, err := db.NewRaw("SELECT refurb_fold_impact()").Exec(ctx); err != nil {
		return fmt.Errorf("fold the impact summaries: %w", err)
	}
	return nil
}
