package auth

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"

	"github.com/uptrace/bun"

	"github.com/digital-inclusion/refurb/internal/reqinfo"
)

// accountKey is what the audit log keeps of an e-mail address tried at login.
func accountKey(email string) string {
	sum := sha256.Sum256([]byte(NormalizeEmail(email)))
	return hex.EncodeToString(sum[:])
}

// Login checks an e-mail address and password and returns the user. Every refusal is
// ErrInvalidCredentials, whether the address is unknown, the password wrong, the account
// disabled or locked after too many failures, so that nobody learns which addresses exist.
// Every attempt is recorded in the audit log.
func (s *Service) Login(ctx context.Context, email, password string) (*User, error) {
	key := accountKey(email)
	addr := reqinfo.From(ctx).ClientAddr
	var user *User
	err := s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		// Serialise attempts on one account so that parallel guesses cannot all pass the
		// limit check before any of them is counted.
		if _, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock(hashtextextended(?, 42))", key); err != nil {
			return fmt.Errorf("lock account: %w", err)
		}
		locked, err := s.locked(ctx, tx, key, addr)
		if err != nil {
			return err
		}
		u := new(User)
		err = tx.NewSelect().Model(u).Where("email = ?", NormalizeEmail(email)).Scan(ctx)
		found := err == nil
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("select user: %w", err)
		}
		hash := s.dummyHash
		if found {
			hash = u.PasswordHash
		}
		ok := false
		if len(password) <= MaxPasswordLength {
			if ok, err = CheckPassword(hash, password); err != nil {
				return fmt.Errorf("check password of user %d: %w", u.ID, err)
			}
		}
		entry := &AuditEntry{AccountKey: &key, Detail: map[string]any{}}
		if addr != "" {
			entry.ClientAddr = &addr
		}
		if found {
			entry.SubjectID = &u.ID
		}
		switch {
		case !found || !ok:
			entry.Action = "login.failed"
		case locked:
			entry.Action = "login.failed"
			entry.Detail["reason"] = "locked"
		case u.DisabledAt != nil:
			entry.Action = "login.failed"
			entry.Detail["reason"] = "disabled"
		default:
			entry.Action = "login.succeeded"
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

// locked reports whether the account or the client address has failed too often within the
// window. A successful login ends the account's count.
func (s *Service) locked(ctx context.Context, db bun.IDB, key, addr string) (bool, error) {
	var byAccount, byAddr int
	err := db.NewRaw(`
		SELECT count(*) FROM audit_log
		WHERE account_key = ? AND action = 'login.failed' AND at > now() - ?::interval
		  AND at > coalesce((SELECT max(at) FROM audit_log WHERE account_key = ? AND action = 'login.succeeded'), '-infinity')`,
		key, s.limits.Window.String(), key).Scan(ctx, &byAccount)
	if err != nil {
		return false, fmt.Errorf("count failed logins: %w", err)
	}
	if byAccount >= s.limits.FailuresPerAccount {
		return true, nil
	}
	if addr == "" {
		return false, nil
	}
	err = db.NewRaw(`
		SELECT count(*) FROM audit_log
		WHERE client_addr = ?::inet AND action = 'login.failed' AND at > now() - ?::interval`,
		addr, s.limits.Window.String()).Scan(ctx, &byAddr)
	if err != nil {
		return false, fmt.Errorf("count failed logins: %w", err)
	}
	return byAddr >= s.limits.FailuresPerAddr, nil
}

// Logout records that the actor signed out; the caller destroys the session.
func (s *Service) Logout(ctx context.Context) error {
	actor, ok := ActorFrom(ctx)
	if !ok {
		return nil
	}
	return s.audit(ctx, s.db, actor, "logout", actor.UserID, nil)
}
