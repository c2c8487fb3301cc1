package auth

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/alexedwards/scs/postgresstore"
	"github.com/alexedwards/scs/v2"
	"github.com/jackc/pgx/v5"
)

// sessionUserKey is the session key under which the signed-in user's id is kept.
const sessionUserKey = "user_id"

// sessionSeenKey holds when the session was last seen (Unix seconds), rounded to
// seenResolution: the idle sign-out reads it.
const sessionSeenKey = "seen"

// Idle sign-out. scs's own IdleTimeout would write the session back at every request to move
// its deadline (a write for every read, docs/performance.md); instead the session keeps when it
// was last seen, rewritten at most once every seenResolution, and a session unseen for
// SessionIdleTimeout is signed out.
const (
	SessionIdleTimeout = 24 * time.Hour
	seenResolution     = time.Minute
)

// SessionCookieName is the browser session cookie's name.
const SessionCookieName = "refurb_session"

// NewSessions returns the browser session manager. Sessions live in PostgreSQL (the sessions
// table), so they survive a restart and work across several server instances; only a hash of
// each session token is stored. secure sets the cookie's Secure flag (PUBLIC_URL is https).
func NewSessions(db *sql.DB, secure bool) *scs.SessionManager {
	sm := scs.New()
	sm.Store = sessionStore{postgresstore.NewWithCleanupInterval(db, 30*time.Minute), db}
	sm.HashTokenInStore = true
	sm.Codec = sessionCodec{} // gob's decoding was a tenth of a session request's CPU (session_codec.go)
	// A workshop bench device stays signed in for a working week; an idle one is signed out
	// after a day.
	sm.Lifetime = 7 * 24 * time.Hour // the session row lives this long; SessionIdleTimeout signs out sooner
	sm.Cookie.Name = SessionCookieName
	sm.Cookie.HttpOnly = true
	sm.Cookie.SameSite = http.SameSiteLaxMode
	sm.Cookie.Secure = secure
	sm.Cookie.Path = "/"
	return sm
}

// sessionStore is scs' PostgreSQL store with its read prepared once per connection and kept:
// every request with a session cookie runs it, and the pool's statements are not prepared
// unless they ask (internal/database).
type sessionStore struct {
	*postgresstore.PostgresStore
	db *sql.DB
}

// Find returns the session data of token (scs has already hashed it) if it has not expired.
func (s sessionStore) Find(token string) ([]byte, bool, error) {
	var b []byte
	err := s.db.QueryRow("SELECT data FROM sessions WHERE token = $1 AND current_timestamp < expiry", pgx.QueryExecModeCacheStatement, token).Scan(&b)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	return b, true, nil
}

// StartSession signs user in on the request's session, with a new session token so that a
// token planted before login is worthless.
func StartSession(ctx context.Context, sm *scs.SessionManager, user *User) error {
	if err := sm.RenewToken(ctx); err != nil {
		return fmt.Errorf("renew session: %w", err)
	}
	sm.Put(ctx, sessionUserKey, user.ID)
	sm.Put(ctx, sessionSeenKey, time.Now().Unix())
	return nil
}

// sessionIdle signs the session out when it was last seen more than SessionIdleTimeout ago,
// and notes that it is seen now when it was last noted more than seenResolution ago. It
// reports whether the session is still signed in.
func sessionIdle(ctx context.Context, sm *scs.SessionManager, now time.Time) (signedIn bool, err error) {
	seen := sm.GetInt64(ctx, sessionSeenKey)
	if seen != 0 && now.Sub(time.Unix(seen, 0)) > SessionIdleTimeout {
		return false, sm.Destroy(ctx)
	}
	if seen == 0 || now.Sub(time.Unix(seen, 0)) >= seenResolution {
		sm.Put(ctx, sessionSeenKey, now.Unix())
	}
	return true, nil
}

// EndSession signs the request's session out.
func EndSession(ctx context.Context, sm *scs.SessionManager) error {
	return sm.Destroy(ctx)
}

// Middleware puts the request's actor in its context: from an `Authorization: Bearer` API
// token, or else from the browser session. Cookie-authenticated requests with an unsafe method
// must come from the same origin (CSRF protection); bearer requests need no such check, since a
// browser never adds the header on its own. An invalid bearer token gets 401; a request with no
// credentials goes on anonymously, and domain methods decide what it may see.
func (s *Service) Middleware(sm *scs.SessionManager, errorLog func(r *http.Request, err error)) func(http.Handler) http.Handler {
	csrf := http.NewCrossOriginProtection()
	return func(next http.Handler) http.Handler {
		withSession := sm.LoadAndSave(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if err := csrf.Check(r); err != nil {
				http.Error(w, "cross-origin request refused: send it from Refurb's own pages or use an API token", http.StatusForbidden)
				return
			}
			ctx := r.Context()
			if id := sm.GetInt64(ctx, sessionUserKey); id != 0 {
				if in, err := sessionIdle(ctx, sm, time.Now()); err != nil {
					errorLog(r, err)
					http.Error(w, "service unavailable", http.StatusServiceUnavailable)
					return
				} else if !in {
					id = 0
				}
			}
			if id := sm.GetInt64(ctx, sessionUserKey); id != 0 {
				u, err := s.sessionUser(ctx, id)
				switch {
				case err == nil && u.DisabledAt == nil:
					ctx = WithActor(ctx, u.Actor())
				case err == nil || errors.Is(err, ErrNotFound):
					sm.Remove(ctx, sessionUserKey)
				default:
					errorLog(r, err)
					http.Error(w, "service unavailable", http.StatusServiceUnavailable)
					return
				}
			}
			next.ServeHTTP(w, r.WithContext(ctx))
		}))
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			h := r.Header.Get("Authorization")
			if h == "" {
				withSession.ServeHTTP(w, r)
				return
			}
			token, ok := strings.CutPrefix(h, "Bearer ")
			if !ok {
				w.Header().Set("WWW-Authenticate", `Bearer realm="refurb"`)
				http.Error(w, "unsupported Authorization scheme: use Bearer with an API token", http.StatusUnauthorized)
				return
			}
			actor, err := s.AuthenticateToken(r.Context(), strings.TrimSpace(token))
			if errors.Is(err, ErrUnauthenticated) {
				w.Header().Set("WWW-Authenticate", `Bearer realm="refurb", error="invalid_token"`)
				http.Error(w, "invalid or revoked API token", http.StatusUnauthorized)
				return
			}
			if err != nil {
				errorLog(r, err)
				http.Error(w, "service unavailable", http.StatusServiceUnavailable)
				return
			}
			next.ServeHTTP(w, r.WithContext(WithActor(r.Context(), actor)))
		})
	}
}
