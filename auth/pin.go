package auth

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"

	"github.com/uptrace/bun"

	"github.com/digital-inclusion/refurb/internal/reqinfo"
	"github.com/digital-inclusion/refurb/validation"
)

// A trainee's account may also sign in with a PIN of 4 to 6 digits on a bench device, by
// picking their name (docs/workshops.md, "Signing in at the bench"). The PIN is hashed with
// Argon2id like a password, and failed attempts are limited like logins, counted in the audit
// log per trainee and per client address.

// ValidPIN checks a PIN's form: 4 to 6 digits, not all the same, not a run such as 1234 or
// 6543.
func ValidPIN(pin string) error {
	if len(pin) < 4 || len(pin) > 6 {
		return validation.Field("pin", "a PIN has 4 to 6 digits")
	}
	same, up, down := true, true, true
	for i := 0; i < len(pin); i++ {
		if pin[i] < '0' || pin[i] > '9' {
			return validation.Field("pin", "a PIN has digits only")
		}
		if i > 0 {
			same = same && pin[i] == pin[i-1]
			up = up && pin[i] == pin[i-1]+1
			down = down && pin[i]+1 == pin[i-1]
		}
	}
	if same || up || down {
		return validation.Field("pin", "choose a PIN that is harder to guess than %s", pin)
	}
	return nil
}

// TraineeUsers returns the enabled TRAINEE accounts linked to the trainees, trainee id to user
// id, read on db: workshops finds whose inventory work is a trainee's without reading the users
// table itself. It checks no actor.
func TraineeUsers(ctx context.Context, db bun.IDB, traineeIDs ...int64) (map[int64]int64, error) {
	out := map[int64]int64{}
	if len(traineeIDs) == 0 {
		return out, nil
	}
	var rows []struct {
		ID        int64 `bun:"id"`
		TraineeID int64 `bun:"trainee_id"`
	}
	if err := db.NewSelect().Table("users").Column("id", "trainee_id").
		Where("trainee_id IN (?) AND role = ? AND disabled_at IS NULL", bun.List(traineeIDs), RoleTrainee).Scan(ctx, &rows); err != nil {
		return nil, fmt.Errorf("select trainee users: %w", err)
	}
	for _, r := range rows {
		out[r.TraineeID] = r.ID
	}
	return out, nil
}

// PINEnabled returns which of the trainees have an enabled account with a PIN, read on db.
func PINEnabled(ctx context.Context, db bun.IDB, traineeIDs ...int64) ([]int64, error) {
	if len(traineeIDs) == 0 {
		return nil, nil
	}
	var ids []int64
	if err := db.NewSelect().TableExpr("users AS u").Column("u.trainee_id").Join("JOIN user_pins AS p ON p.user_id = u.id").
		Where("u.trainee_id IN (?) AND u.role = ? AND u.disabled_at IS NULL", bun.List(traineeIDs), RoleTrainee).
		Scan(ctx, &ids); err != nil {
		return nil, fmt.Errorf("select PIN accounts: %w", err)
	}
	return ids, nil
}

// SetTraineePIN sets the PIN of the account linked to a trainee: staff and administrators for
// any trainee, a trainee for themselves. ErrNotFound when the trainee has no account.
func (s *Service) SetTraineePIN(ctx context.Context, traineeID int64, pin string) error {
	actor, err := Require(ctx, Office|Trainees)
	if err != nil {
		return err
	}
	if !actor.In(Office) && actor.TraineeID != traineeID {
		return ErrForbidden
	}
	if err := ValidPIN(pin); err != nil {
		return err
	}
	hash, err := HashPassword(pin)
	if err != nil {
		return err
	}
	return s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		var id int64
		err := tx.NewSelect().Table("users").Column("id").Where("trainee_id = ? AND role = ?", traineeID, RoleTrainee).Scan(ctx, &id)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return fmt.Errorf("select trainee account: %w", err)
		}
		if _, err := tx.NewRaw(`INSERT INTO user_pins (user_id, pin_hash) VALUES (?, ?)
			ON CONFLICT (user_id) DO UPDATE SET pin_hash = excluded.pin_hash, updated_at = now()`, id, hash).Exec(ctx); err != nil {
			return fmt.Errorf("set PIN: %w", err)
		}
		return s.audit(ctx, tx, actor, "user.pin_changed", id, nil)
	})
}

// pinKey is what the audit log keeps of the trainee a PIN was tried for.
func pinKey(traineeID int64) string {
	sum := sha256.Sum256([]byte("pin:" + strconv.FormatInt(traineeID, 10)))
	return hex.EncodeToString(sum[:])
}

// LoginPIN checks a trainee's PIN and returns their account. Every refusal is
// ErrInvalidCredentials, whether the trainee has no account or no PIN, the PIN is wrong, the
// account disabled or locked after too many failures (the login limits, counted per trainee and
// per client address). Every attempt is recorded in the audit log.
func (s *Service) LoginPIN(ctx context.Context, traineeID int64, pin string) (*User, error) {
	key := pinKey(traineeID)
	addr := reqinfo.From(ctx).ClientAddr
	var user *User
	err := s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock(hashtextextended(?, 42))", key); err != nil {
			return fmt.Errorf("lock account: %w", err)
		}
		locked, err := s.pinLocked(ctx, tx, key, addr)
		if err != nil {
			return err
		}
		var row struct {
			User    `bun:",extend"`
			PINHash *string `bun:"pin_hash"`
		}
		err = tx.NewSelect().Model(&row).ColumnExpr("u.*, p.pin_hash").ModelTableExpr("users AS u").
			Join("LEFT JOIN user_pins AS p ON p.user_id = u.id").
			Where("u.trainee_id = ? AND u.role = ?", traineeID, RoleTrainee).Scan(ctx)
		u := &row.User
		found := err == nil && row.PINHash != nil
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("select trainee account: %w", err)
		}
		check := s.dummyHash
		if found {
			check = *row.PINHash
		}
		ok := false
		if len(pin) <= 6 {
			if ok, err = CheckPassword(check, pin); err != nil {
				return fmt.Errorf("check PIN of user %d: %w", u.ID, err)
			}
		}
		entry := &AuditEntry{AccountKey: &key, Detail: map[string]any{"trainee_id": traineeID}}
		if addr != "" {
			entry.ClientAddr = &addr
		}
		if found {
			entry.SubjectID = &u.ID
		}
		switch {
		case !found || !ok:
			entry.Action = "pin.failed"
		case locked:
			entry.Action = "pin.failed"
			entry.Detail["reason"] = "locked"
		case u.DisabledAt != nil:
			entry.Action = "pin.failed"
			entry.Detail["reason"] = "disabled"
		default:
			entry.Action = "pin.succeeded"
			entry.ActorID = &u.ID
			user = u
		}
		return insertAudit(ctx, tx, entry)
	})
	if err != nil {
		return nil, err
	}
	if user == nil {
		return nil, ErrInvalidCredentials
	}
	return user, nil
}

// pinLocked is locked for PINs: too many failures for the trainee since their last success, or
// too many failed logins and PINs from the client address, within the window.
func (s *Service) pinLocked(ctx context.Context, db bun.IDB, key, addr string) (bool, error) {
	var byAccount, byAddr int
	err := db.NewRaw(`
		SELECT count(*) FROM audit_log
		WHERE account_key = ? AND action = 'pin.failed' AND at > now() - ?::interval
		  AND at > coalesce((SELECT max(at) FROM audit_log WHERE account_key = ? AND action = 'pin.succeeded'), '-infinity')`,
		key, s.limits.Window.String(), key).Scan(ctx, &byAccount)
	if err != nil {
		return false, fmt.Errorf("count failed PINs: %w", err)
	}
	if byAccount >= s.limits.FailuresPerAccount {
		return true, nil
	}
	if addr == "" {
		return false, nil
	}
	err = db.NewRaw(`
		SELECT (SELECT count(*) FROM audit_log WHERE client_addr = ?::inet AND action = 'pin.failed' AND at > now() - ?::interval)
		     + (SELECT count(*) FROM audit_log WHERE client_addr = ?::inet AND action = 'login.failed' AND at > now() - ?::interval)`,
		addr, s.limits.Window.String(), addr, s.limits.Window.String()).Scan(ctx, &byAddr)
	if err != nil {
		return false, fmt.Errorf("count failed PINs: %w", err)
	}
	return byAddr >= s.limits.FailuresPerAddr, nil
}
