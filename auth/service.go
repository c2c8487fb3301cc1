package auth

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/uptrace/bun"
)

// Limits bound login attempts. Failed attempts are counted in the audit log, so the limits hold
// across restarts and across several server instances.
type Limits struct {
	Window             time.Duration // how far back failed logins count
	FailuresPerAccount int           // failed logins for one e-mail address before it is locked for Window
	FailuresPerAddr    int           // failed logins from one client address before it is locked for Window
}

// DefaultLimits are the login limits used unless configured otherwise.
var DefaultLimits = Limits{Window: 15 * time.Minute, FailuresPerAccount: 5, FailuresPerAddr: 30}

// Service is the identity and access store.
type Service struct {
	db bun.IDB
	// sqldb runs the statements of every request (token and session lookups) with real
	// parameters, so that pgx prepares them once per connection; bun writes arguments into the
	// SQL text, which makes PostgreSQL plan every statement again. Nil inside a transaction.
	sqldb     *sql.DB
	limits    Limits
	dummyHash string           // checked when a login names no account: unknown addresses take as long as wrong passwords
	cache     *credentialCache // nil: every request reads its token or user (see CacheCredentials)
}

// DefaultCredentialTTL is how long refurb serve keeps a token's or a session user's lookup:
// a revocation, a disabled account or a changed role made through another instance takes
// effect within it.
const DefaultCredentialTTL = 5 * time.Second

// CacheCredentials makes the Service keep what a token or a session's user lookup found for
// ttl (0: not at all, the default), in this process. Call it before serving.
func (s *Service) CacheCredentials(ttl time.Duration) {
	s.cache = nil
	if ttl > 0 {
		s.cache = newCredentialCache(ttl)
	}
}

// NewService returns a Service that stores its data in db (connected as the application role).
func NewService(db bun.IDB, limits Limits) (*Service, error) {
	h, err := HashPassword("refurb: no such account")
	if err != nil {
		return nil, err
	}
	s := &Service{db: db, limits: limits, dummyHash: h}
	if b, ok := db.(*bun.DB); ok {
		s.sqldb = b.DB
	}
	return s, nil
}

// hotRow runs a one-row query with $n parameters, prepared when the Service is on a pool (the
// first argument asks pgx to prepare it once per connection and keep it: the pool's default is
// not to, see internal/database).
func (s *Service) hotRow(ctx context.Context, query string, args ...any) *sql.Row {
	if s.sqldb != nil {
		return s.sqldb.QueryRowContext(ctx, query, append([]any{pgx.QueryExecModeCacheStatement}, args...)...)
	}
	// In a transaction bun formats the arguments itself: its placeholders are ?0, ?1, ...
	for i := len(args); i >= 1; i-- {
		query = strings.ReplaceAll(query, "$"+strconv.Itoa(i), "?"+strconv.Itoa(i-1))
	}
	return s.db.QueryRowContext(ctx, query, args...)
}
