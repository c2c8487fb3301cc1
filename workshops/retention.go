package workshops

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/uptrace/bun"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/internal/calendar"
	"github.com/digital-inclusion/refurb/validation"
)

// Retention of trainees' records (docs/workshops.md, "Retention"). A trainee consents to keeping
// their records after the programme, or not; a trainee who was never asked has not consented.
// When the trainee has not consented, their record is anonymised RetentionDays after its last
// day: the end of their last enrolment or their last hour entry, whichever is later (the day the
// record was created when it has neither). Anonymisation keeps what the statistics need (hours,
// their dates, activities and programmes, attendance, skills and their levels) and removes what
// identifies the person.

// The retention period's default and bounds, in days (setting workshops.retention_days).
const (
	DefaultRetentionDays = 90
	MinRetentionDays     = 30
	MaxRetentionDays     = 3650
)

// AnonymisedReason is what a rejected entry's reason becomes when its trainee is anonymised: the
// database wants a reason for every rejection, the reason itself may name the person.
const AnonymisedReason = "—"

// anonymiseBatch is how many trainees one transaction anonymises.
const anonymiseBatch = 200

// lastDaySQL is the last day of trainee t's record: the end of their last enrolment or their
// last hour entry, whichever is later; the day the record was created without either.
const lastDaySQL = `coalesce(greatest(
	(SELECT max(e.ends_on) FROM enrolments e WHERE e.trainee_id = t.id),
	(SELECT max(h.on_date) FROM hour_entries h WHERE h.trainee_id = t.id)),
	(t.created_at AT TIME ZONE 'Europe/Luxembourg')::date)`

// RetentionDays returns how many days after its last day the record of a trainee who did not
// consent to keeping it is anonymised. Staff and administrators.
func (s *Store) RetentionDays(ctx context.Context) (int, error) {
	if _, err := auth.Require(ctx, auth.Office); err != nil {
		return 0, err
	}
	return readRetentionDays(ctx, s.db)
}

func readRetentionDays(ctx context.Context, db bun.IDB) (int, error) {
	var raw []string
	if err := db.NewSelect().Table("settings").ColumnExpr("value::text").Where("key = 'workshops.retention_days'").Scan(ctx, &raw); err != nil {
		return 0, fmt.Errorf("read workshops.retention_days: %w", err)
	}
	days := DefaultRetentionDays
	if len(raw) == 1 {
		if err := json.Unmarshal([]byte(raw[0]), &days); err != nil {
			return 0, fmt.Errorf("read workshops.retention_days: %w", err)
		}
	}
	return days, nil
}

// SetRetentionDays replaces the retention period of trainees' records, from MinRetentionDays to
// MaxRetentionDays. It applies from the next anonymisation. Administrators only.
func (s *Store) SetRetentionDays(ctx context.Context, days int) (int, error) {
	if _, err := auth.Require(ctx, auth.Admins); err != nil {
		return 0, err
	}
	if days < MinRetentionDays || days > MaxRetentionDays {
		return 0, validation.Field("retentionDays", "must be between %d and %d", MinRetentionDays, MaxRetentionDays)
	}
	res, err := s.db.NewRaw("UPDATE settings SET value = ?::jsonb, updated_at = now() WHERE key = 'workshops.retention_days'", strconv.Itoa(days)).Exec(ctx)
	if err != nil {
		return 0, fmt.Errorf("write workshops.retention_days: %w", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return 0, fmt.Errorf("write workshops.retention_days: the setting is missing (migrations not applied?)")
	}
	return days, nil
}

// Retention is where a trainee's record stands with the retention rule.
type Retention struct {
	// LastDay is the end of the trainee's last enrolment or their last hour entry, whichever is
	// later (the day the record was created without either).
	LastDay time.Time
	// AnonymisesOn is the first day the daily job anonymises the record: RetentionDays after
	// LastDay. Nil when the trainee consented to keeping it or it is anonymised already.
	AnonymisesOn *time.Time
	// AnonymisedAt is when the record was anonymised, nil until then.
	AnonymisedAt *time.Time
}

// Retention returns where the records of the trainees the actor may see among ids stand with
// the retention rule, by id. Staff and administrators.
func (s *Store) Retention(ctx context.Context, ids []int64) (map[int64]Retention, error) {
	if _, err := auth.Require(ctx, auth.Office); err != nil {
		return nil, err
	}
	var rows []struct {
		ID           int64      `bun:"id"`
		LastDay      time.Time  `bun:"last_day"`
		Consent      *bool      `bun:"consent_keep"`
		AnonymisedAt *time.Time `bun:"anonymised_at"`
	}
	var days int
	err := s.run(ctx, func(ctx context.Context, tx bun.Tx) error {
		var err error
		if days, err = readRetentionDays(ctx, tx); err != nil {
			return err
		}
		return dbError("select retention", tx.NewRaw(`SELECT t.id, `+lastDaySQL+` AS last_day, t.consent_keep, t.anonymised_at
			FROM trainees t WHERE t.id IN (?)`, bun.List(ids)).Scan(ctx, &rows))
	})
	if err != nil {
		return nil, err
	}
	out := make(map[int64]Retention, len(rows))
	for _, r := range rows {
		rt := Retention{LastDay: calendar.Date(r.LastDay), AnonymisedAt: r.AnonymisedAt}
		if r.AnonymisedAt == nil && (r.Consent == nil || !*r.Consent) {
			on := rt.LastDay.AddDate(0, 0, days+1)
			rt.AnonymisesOn = &on
		}
		out[r.ID] = rt
	}
	return out, nil
}

// Anonymise anonymises the records of the trainees who did not consent to keeping them (consent
// no, or never asked) and whose last day is more than the retention period ago, and returns
// their ids. Each record loses the name (it becomes its number, "#42"), the contact, the
// languages and the badge; its hour entries their notes and its rejections their reasons (a
// dash); its assessments their notes; its account is stripped and disabled
// (auth.AnonymiseTraineeAccounts). What the statistics count stays: enrolments, hours with their
// dates, minutes, activities, statuses and devices, attendance, assessments and their evidence,
// and the certificates already issued (docs/workshops.md, "Retention"). One transaction a batch
// of trainees, so a record is anonymised whole or not at all; idempotent (an anonymised record
// is never touched again, and the database refuses any change to it) and safe on several
// servers at once (records are claimed with FOR UPDATE SKIP LOCKED). The server runs it as the
// system at start and daily; administrators may run it too.
func (s *Store) Anonymise(ctx context.Context) ([]int64, error) {
	_, err := auth.Require(ctx, auth.Admins) // the system acts as an administrator
	if err != nil {
		return nil, err
	}
	var all []int64
	for {
		var ids []int64
		err := s.run(ctx, func(ctx context.Context, tx bun.Tx) error {
			var err error
			ids, err = s.anonymiseBatch(ctx, tx)
			return err
		})
		if err != nil {
			return all, err
		}
		all = append(all, ids...)
		if len(ids) < anonymiseBatch {
			return all, nil
		}
	}
}

// anonymiseBatch anonymises up to anonymiseBatch trainees due for it, on tx.
func (s *Store) anonymiseBatch(ctx context.Context, tx bun.Tx) ([]int64, error) {
	days, err := readRetentionDays(ctx, tx)
	if err != nil {
		return nil, err
	}
	var ids []int64
	if err := tx.NewRaw(`WITH due AS (
			SELECT t.id FROM trainees t
			WHERE t.anonymised_at IS NULL AND t.consent_keep IS NOT TRUE AND `+lastDaySQL+` < ?::date - ?::int
			ORDER BY t.id LIMIT ? FOR UPDATE OF t SKIP LOCKED)
		UPDATE trainees t SET name = '#' || t.id, contact = NULL, languages = '{}', badge_token = NULL,
			anonymised_at = now(), updated_at = now()
		FROM due WHERE t.id = due.id RETURNING t.id`, s.today(), days, anonymiseBatch).Scan(ctx, &ids); err != nil {
		return nil, dbError("anonymise trainees", err)
	}
	if len(ids) == 0 {
		return nil, nil
	}
	if _, err := tx.NewRaw(`UPDATE hour_entries SET note = NULL, reason = CASE WHEN status = 'rejected' THEN ? ELSE reason END
		WHERE trainee_id IN (?) AND (note IS NOT NULL OR (status = 'rejected' AND reason <> ?))`,
		AnonymisedReason, bun.List(ids), AnonymisedReason).Exec(ctx); err != nil {
		return nil, dbError("anonymise hour entries", err)
	}
	if _, err := tx.NewRaw("UPDATE skill_assessments SET note = NULL WHERE trainee_id IN (?) AND note IS NOT NULL", bun.List(ids)).Exec(ctx); err != nil {
		return nil, dbError("anonymise assessments", err)
	}
	if _, err := auth.AnonymiseTraineeAccounts(ctx, tx, ids...); err != nil {
		return nil, err
	}
	return ids, nil
}
