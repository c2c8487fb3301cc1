package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/digital-inclusion/refurb/validation"
)

// tokenPrefix makes Refurb tokens recognisable, e.g. to secret scanners.
const tokenPrefix = "rfb_"

// Token is an API token. Only its SHA-256 is stored; the token itself is shown once.
type Token struct {
	bun.BaseModel `bun:"table:api_tokens"`

	ID         int64      `bun:"id,pk,autoincrement"`
	UserID     int64      `bun:"user_id"`
	Name       string     `bun:"name"`
	Hash       []byte     `bun:"token_hash"`
	CreatedAt  time.Time  `bun:"created_at,nullzero,notnull,default:current_timestamp"`
	LastUsedAt *time.Time `bun:"last_used_at"`
	RevokedAt  *time.Time `bun:"revoked_at"`
	ExpiresAt  *time.Time `bun:"expires_at"` // nil: never
}

// Expired reports whether the token has expired at now.
func (t *Token) Expired(now time.Time) bool { return t.ExpiresAt != nil && !now.Before(*t.ExpiresAt) }

func hashToken(token string) []byte {
	sum := sha256.Sum256([]byte(token))
	return sum[:]
}

// CreateToken creates an API token without expiry for the user with the given e-mail address
// and returns the token in clear, the only time it exists outside the caller. Administrators
// may create tokens for anyone, users for themselves.
func (s *Service) CreateToken(ctx context.Context, email, name string) (string, *Token, error) {
	return s.createToken(ctx, email, name, nil)
}

// CreateTokenUntil is CreateToken for a token that stops working at expiresAt, which must be
// in the future.
func (s *Service) CreateTokenUntil(ctx context.Context, email, name string, expiresAt time.Time) (string, *Token, error) {
	return s.createToken(ctx, email, name, &expiresAt)
}

func (s *Service) createToken(ctx context.Context, email, name string, expiresAt *time.Time) (string, *Token, error) {
	actor, err := Require(ctx)
	if err != nil {
		return "", nil, err
	}
	name = strings.TrimSpace(name)
	if len(name) > 100 {
		return "", nil, validation.Field("name", "the label is longer than 100 characters")
	}
	if expiresAt != nil && !expiresAt.After(time.Now()) {
		return "", nil, validation.Field("expiresAt", "the expiry must be in the future")
	}
	u := new(User)
	err = s.db.NewSelect().Model(u).Where("email = ?", NormalizeEmail(email)).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		if !actor.In(Admins) {
			return "", nil, ErrForbidden
		}
		return "", nil, fmt.Errorf("user %w", ErrNotFound)
	}
	if err != nil {
		return "", nil, fmt.Errorf("select user: %w", err)
	}
	if !actor.In(Admins) && actor.UserID != u.ID {
		return "", nil, ErrForbidden
	}
	if u.DisabledAt != nil {
		return "", nil, validation.Field("email", "the account is disabled")
	}
	plain := tokenPrefix + rand.Text() + rand.Text()
	t := &Token{UserID: u.ID, Name: name, Hash: hashToken(plain), ExpiresAt: expiresAt}
	err = s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.NewInsert().Model(t).Returning("*").Exec(ctx); err != nil {
			return fmt.Errorf("insert token: %w", err)
		}
		return s.audit(ctx, tx, actor, "token.created", u.ID, map[string]any{"token_id": t.ID})
	})
	if err != nil {
		return "", nil, err
	}
	return plain, t, nil
}

// RevokeToken revokes a token. Administrators may revoke any token, users their own; another
// user's token is ErrNotFound to them, as a token that does not exist.
func (s *Service) RevokeToken(ctx context.Context, id int64) error {
	actor, err := Require(ctx)
	if err != nil {
		return err
	}
	err = s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		t := new(Token)
		err := tx.NewSelect().Model(t).Where("id = ?", id).For("UPDATE").Scan(ctx)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("token %w", ErrNotFound)
		}
		if err != nil {
			return fmt.Errorf("select token: %w", err)
		}
		if !actor.In(Admins) && actor.UserID != t.UserID {
			// Another user's token is not found, as one that does not exist: FORBIDDEN told
			// anyone signed in which ids were tokens (server's TestObjectLevelAuthorisation).
			return fmt.Errorf("token %w", ErrNotFound)
		}
		if t.RevokedAt != nil {
			return nil
		}
		if _, err := tx.NewUpdate().Model(t).Set("revoked_at = now()").WherePK().Exec(ctx); err != nil {
			return fmt.Errorf("revoke token: %w", err)
		}
		return s.audit(ctx, tx, actor, "token.revoked", t.UserID, map[string]any{"token_id": t.ID})
	})
	if err == nil {
		s.cache.forgetToken(id)
	}
	return err
}

// Tokens lists the tokens of a user, revoked ones included. Administrators may list anyone's,
// users their own.
func (s *Service) Tokens(ctx context.Context, userID int64) ([]Token, error) {
	actor, err := Require(ctx)
	if err != nil {
		return nil, err
	}
	if !actor.In(Admins) && actor.UserID != userID {
		return nil, ErrForbidden
	}
	var ts []Token
	if err := s.db.NewSelect().Model(&ts).Where("user_id = ?", userID).Order("id").Scan(ctx); err != nil {
		return nil, fmt.Errorf("select tokens: %w", err)
	}
	return ts, nil
}

// lastUsedResolution is how stale last_used_at may get: writing it on every request would turn
// every API read into a write.
const lastUsedResolution = time.Minute

// AuthenticateToken returns the actor for a bearer token, or ErrUnauthenticated when the token
// is unknown, revoked, expired or its user disabled. The user's role is read with the token, so
// a changed role takes effect on the next request.
func (s *Service) AuthenticateToken(ctx context.Context, token string) (Actor, error) {
	if !strings.HasPrefix(token, tokenPrefix) || len(token) > 200 {
		return Actor{}, ErrUnauthenticated
	}
	sum := sha256.Sum256([]byte(token))
	if e, ok := s.cache.token(sum); ok {
		if err := s.recordTokenUse(ctx, sum, e.actor.TokenID, e.lastUsed); err != nil {
			return Actor{}, err
		}
		return e.actor, nil
	}
	var row struct {
		TokenID    int64
		LastUsedAt *time.Time
		ExpiresAt  *time.Time
		User
	}
	// Every API request runs this unless cached: one prepared statement (see hotRow).
	err := s.hotRow(ctx, `
		SELECT t.id, t.last_used_at, t.expires_at, u.id, u.role, u.donor_id, u.partner_id, u.coordinator, u.trainee_id
		FROM api_tokens t JOIN users u ON u.id = t.user_id
		WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND u.disabled_at IS NULL
		  AND (t.expires_at IS NULL OR t.expires_at > now())`, sum[:]).
		Scan(&row.TokenID, &row.LastUsedAt, &row.ExpiresAt, &row.User.ID, &row.User.Role, &row.User.DonorID, &row.User.PartnerID, &row.User.Coordinator, &row.User.TraineeID)
	if errors.Is(err, sql.ErrNoRows) {
		return Actor{}, ErrUnauthenticated
	}
	if err != nil {
		return Actor{}, fmt.Errorf("select token: %w", err)
	}
	a := row.User.Actor()
	a.TokenID = row.TokenID
	s.cache.putToken(sum, a, row.LastUsedAt, row.ExpiresAt)
	if err := s.recordTokenUse(ctx, sum, row.TokenID, row.LastUsedAt); err != nil {
		return Actor{}, err
	}
	return a, nil
}

// recordTokenUse writes last_used_at when the one read is older than lastUsedResolution.
func (s *Service) recordTokenUse(ctx context.Context, sum [32]byte, tokenID int64, lastUsed *time.Time) error {
	if lastUsed != nil && time.Since(*lastUsed) <= lastUsedResolution {
		return nil
	}
	if _, err := s.db.NewUpdate().Model((*Token)(nil)).Set("last_used_at = now()").Where("id = ?", tokenID).Exec(ctx); err != nil {
		return fmt.Errorf("record token use: %w", err)
	}
	s.cache.touchToken(sum, time.Now())
	return nil
}
