// Package idempotency makes a request sent again harmless: a signed-in client that sends a
// POST with an Idempotency-Key header (or, from a page's form, an idempotency_key field, which
// the pages put in every form they render) gets, for the same key within 24 hours, the answer
// of the first request instead of a second change; the same key with another request is
// refused. The keys live in PostgreSQL (the idempotency_keys table), so a retry may reach any
// instance (docs/api.md, "Idempotency-Key"; docs/operations.md).
//
// How: before the request runs, a transaction inserts the key's row (user, key, SHA-256 of the
// request) and stays open while the request runs on other connections; the answer is written
// into the row and committed with it. A duplicate sent meanwhile waits on the row's unique key
// (up to LockTimeout, without holding a connection) and then reads the committed answer; if the first request's transaction
// rolled back (an answer not worth keeping, such as a 503, or the database went away), the
// duplicate runs instead. A crash between the request's own commit and the key's leaves the
// change without its key: a retry would then make it again. That window is the time of one
// UPDATE and COMMIT.
//
// It does not decide policy or present errors: the caller's refuse function answers ErrKeyReused,
// ErrInProgress, a malformed key and the database's absence in the route's own way.
package idempotency

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/uptrace/bun"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/internal/pgcode"
	"github.com/digital-inclusion/refurb/internal/reqinfo"
	"github.com/digital-inclusion/refurb/validation"
)

const (
	// Header is the request header that carries a key.
	Header = "Idempotency-Key"
	// FormField is the form field that carries a key when the header does not, as the pages'
	// forms send it.
	FormField = "idempotency_key"
	// ReplayedHeader is set on an answer replayed from an earlier request.
	ReplayedHeader = "Idempotent-Replayed"
	// TTL is how long a key holds; the daily job purges older ones.
	TTL = 24 * time.Hour
	// LockTimeout is how long a duplicate waits for the first request with its key.
	LockTimeout = 30 * time.Second
	// MaxBody is the largest request body kept to compare retries: an asset list (10 MB) with
	// its form. A larger request runs without a key; its handler refuses it anyway.
	MaxBody = 11 << 20
	// maxKey is the longest key accepted.
	maxKey = 255
	// maxAnswer is the largest answer kept for replay; a larger one is not kept.
	maxAnswer = 8 << 20
)

var (
	// ErrKeyReused is a key sent again with another request (method, path or body).
	ErrKeyReused = errors.New("this Idempotency-Key was used for another request")
	// ErrInProgress is a key whose first request still runs after LockTimeout.
	ErrInProgress = errors.New("the request with this Idempotency-Key is still being processed: try again in a moment")
)

// Middleware stores keys and replays answers. A Middleware is safe for concurrent use.
type Middleware struct {
	db     *bun.DB
	refuse func(http.ResponseWriter, *http.Request, error)
	log    *slog.Logger
	slots  chan struct{}
}

// poolSlots holds, for each pool, the slots of the requests that may hold a key's transaction at
// once: half the pool. Each such request holds a connection while its handler needs another,
// and a pool full of key transactions would wait for itself. Middlewares on one pool (tests
// serve several instances from one) share its slots.
var poolSlots sync.Map // *bun.DB → chan struct{}

// New returns a Middleware storing keys in db (the application's pool). refuse answers a request
// that cannot go on: ErrKeyReused, ErrInProgress, a malformed key (a field error on
// Idempotency-Key) or an error of the database.
func New(db *bun.DB, refuse func(http.ResponseWriter, *http.Request, error), logger *slog.Logger) *Middleware {
	n := db.Stats().MaxOpenConnections / 2
	switch {
	case db.Stats().MaxOpenConnections == 0: // unbounded
		n = 16
	case n == 0:
		n = 1
	}
	slots, _ := poolSlots.LoadOrStore(db, make(chan struct{}, n))
	return &Middleware{db: db, refuse: refuse, log: logger, slots: slots.(chan struct{})}
}

// Wrap returns next with keyed requests made idempotent. It must run after authentication: a
// key belongs to a user, and anonymous requests (signing in, public verification) run as they
// come. Safe methods run as they come too.
func (m *Middleware) Wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		actor, signedIn := auth.ActorFrom(r.Context())
		if !signedIn || actor.UserID == 0 || r.Method == http.MethodGet || r.Method == http.MethodHead || r.Method == http.MethodOptions {
			next.ServeHTTP(w, r)
			return
		}
		key := r.Header.Get(Header)
		form := isForm(r)
		if key == "" && !form {
			next.ServeHTTP(w, r)
			return
		}
		body, whole, err := readBody(r)
		if err != nil || !whole {
			next.ServeHTTP(w, r) // the handler meets the same problem and answers it
			return
		}
		if key == "" {
			if key = formKey(r, body); key == "" {
				next.ServeHTTP(w, r)
				return
			}
		}
		if err := checkKey(key); err != nil {
			m.refuse(w, r, err)
			return
		}
		m.serve(w, r, next, actor.UserID, key, requestHash(r, body))
	})
}

// serve runs a keyed request once.
func (m *Middleware) serve(w http.ResponseWriter, r *http.Request, next http.Handler, userID int64, key string, hash []byte) {
	// Once taken, the request runs to its end whether or not its client stays: a client that
	// lost the connection retries, and must then find the answer, not a change half-made or
	// rolled back for its absence.
	ctx := context.WithoutCancel(r.Context())
	tx, err := m.claim(r.Context(), ctx, userID, key, hash)
	if errors.Is(err, errEarlier) {
		m.replay(w, r, userID, key, hash)
		return
	}
	if err != nil {
		if r.Context().Err() == nil {
			m.refuse(w, r, err)
		}
		return
	}
	defer func() { <-m.slots }()
	rec := &recorder{ResponseWriter: w}
	next.ServeHTTP(rec, r.WithContext(ctx))
	if !rec.keep() {
		tx.Rollback() //nolint:errcheck // the key is given back; nothing else was written
		return
	}
	header, _ := json.Marshal(rec.kept)
	body := rec.body.Bytes()
	if body == nil {
		body = []byte{}
	}
	if _, err := tx.ExecContext(ctx, "UPDATE idempotency_keys SET status = ?, header = ?, body = ? WHERE user_id = ? AND key = ?",
		rec.status, string(header), body, userID, key); err != nil {
		tx.Rollback() //nolint:errcheck
		m.log.WarnContext(ctx, "idempotency key not kept", "request_id", reqinfo.From(ctx).ID, "err", err)
		return
	}
	if err := tx.Commit(); err != nil {
		m.log.WarnContext(ctx, "idempotency key not kept", "request_id", reqinfo.From(ctx).ID, "err", err)
	}
}

// replay answers the key's earlier request's answer, or ErrKeyReused when it was another
// request.
func (m *Middleware) replay(w http.ResponseWriter, r *http.Request, userID int64, key string, hash []byte) {
	s, err := m.earlier(context.WithoutCancel(r.Context()), userID, key)
	if errors.Is(err, sql.ErrNoRows) {
		err = ErrInProgress // purged between the two statements: rare, and a retry settles it
	}
	if err != nil {
		m.refuse(w, r, err)
		return
	}
	if !bytes.Equal(s.hash, hash) {
		m.refuse(w, r, ErrKeyReused)
		return
	}
	for k, v := range s.header {
		w.Header().Set(k, v)
	}
	w.Header().Set(ReplayedHeader, "true")
	w.WriteHeader(s.status)
	w.Write(s.body)
}

// waitStep is how long one attempt to claim a key waits for the request holding it; between
// attempts the connection goes back to the pool, so that duplicates waiting hold none.
const waitStep = 50 * time.Millisecond

// claim inserts the key's row in a new transaction, which it returns open, holding one of the
// pool's slots, when this request is the first with the key. It returns errEarlier when an
// earlier request with the key committed its answer, after waiting up to LockTimeout for one
// still running, and ErrInProgress when it still runs. It waits for a slot as long as the
// client does (wait); the transaction lives as long as the request (ctx).
func (m *Middleware) claim(wait, ctx context.Context, userID int64, key string, hash []byte) (bun.Tx, error) {
	deadline := time.Now().Add(LockTimeout)
	for {
		select {
		case m.slots <- struct{}{}:
		case <-wait.Done():
			return bun.Tx{}, wait.Err()
		}
		tx, err := m.tryClaim(ctx, userID, key, hash)
		if err == nil {
			return tx, nil
		}
		<-m.slots
		if !pgcode.Is(err, pgcode.LockNotAvailable) {
			return tx, err
		}
		if time.Now().After(deadline) {
			return tx, ErrInProgress
		}
		select {
		case <-time.After(2 * waitStep):
		case <-wait.Done():
			return bun.Tx{}, wait.Err()
		}
	}
}

// tryClaim is one attempt of claim.
func (m *Middleware) tryClaim(ctx context.Context, userID int64, key string, hash []byte) (tx bun.Tx, err error) {
	tx, err = m.db.BeginTx(ctx, nil)
	if err != nil {
		return tx, err
	}
	defer func() {
		if err != nil {
			tx.Rollback() //nolint:errcheck // nothing was written
		}
	}()
	if _, err := tx.ExecContext(ctx, fmt.Sprintf("SET LOCAL lock_timeout = '%dms'", waitStep.Milliseconds())); err != nil {
		return tx, err
	}
	// A key older than TTL is free again, purged or not.
	if _, err := tx.ExecContext(ctx, "DELETE FROM idempotency_keys WHERE user_id = ? AND key = ? AND created_at < now() - ? * interval '1 second'",
		userID, key, int(TTL.Seconds())); err != nil {
		return tx, err
	}
	res, err := tx.ExecContext(ctx, "INSERT INTO idempotency_keys (user_id, key, request_hash) VALUES (?, ?, ?) ON CONFLICT (user_id, key) DO NOTHING",
		userID, key, hash)
	if err != nil {
		return tx, err
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return tx, errEarlier
	}
	return tx, nil
}

// errEarlier says that claim found the key's earlier request, whose answer serve replays.
var errEarlier = errors.New("earlier request")

// stored is an answer kept for replay.
type stored struct {
	hash   []byte
	status int
	header map[string]string
	body   []byte
}

// earlier reads the key's committed row.
func (m *Middleware) earlier(ctx context.Context, userID int64, key string) (*stored, error) {
	var (
		s      stored
		header string
	)
	err := m.db.QueryRowContext(ctx, "SELECT request_hash, status, header, body FROM idempotency_keys WHERE user_id = ? AND key = ?", userID, key).
		Scan(&s.hash, &s.status, &header, &s.body)
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(header), &s.header); err != nil {
		return nil, fmt.Errorf("idempotency key's header: %w", err)
	}
	return &s, nil
}

// Purge deletes the keys older than TTL, for the daily job, and returns how many.
func Purge(ctx context.Context, db bun.IDB) (int64, error) {
	res, err := db.ExecContext(ctx, "DELETE FROM idempotency_keys WHERE created_at < now() - ? * interval '1 second'", int(TTL.Seconds()))
	if err != nil {
		return 0, fmt.Errorf("purge idempotency keys: %w", err)
	}
	return res.RowsAffected()
}

// checkKey refuses an empty, long or unprintable key.
func checkKey(key string) error {
	if len(key) > maxKey {
		return validation.Field(Header, "must be at most %d characters", maxKey)
	}
	for _, c := range []byte(key) {
		if c < 0x21 || c > 0x7e {
			return validation.Field(Header, "must be printable ASCII without spaces, such as a UUID")
		}
	}
	return nil
}

// isForm reports whether r's body is a form, which may carry the key as a field.
func isForm(r *http.Request) bool {
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return mt == "application/x-www-form-urlencoded" || mt == "multipart/form-data"
}

// readBody reads r's body, up to MaxBody, and puts it back for the handler. whole is false
// when the body is larger: what was read is put back before the rest.
func readBody(r *http.Request) (body []byte, whole bool, err error) {
	if r.Body == nil || r.Body == http.NoBody {
		return nil, true, nil
	}
	body, err = io.ReadAll(io.LimitReader(r.Body, MaxBody+1))
	if err != nil {
		r.Body = io.NopCloser(io.MultiReader(bytes.NewReader(body), errReader{err}))
		return nil, false, err
	}
	if len(body) > MaxBody {
		r.Body = struct {
			io.Reader
			io.Closer
		}{io.MultiReader(bytes.NewReader(body), r.Body), r.Body}
		return nil, false, nil
	}
	r.Body.Close()
	r.Body = io.NopCloser(bytes.NewReader(body))
	return body, true, nil
}

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

// formKey finds the key field of a form body, or "".
func formKey(r *http.Request, body []byte) string {
	mt, params, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt == "application/x-www-form-urlencoded" {
		v, err := url.ParseQuery(string(body))
		if err != nil {
			return ""
		}
		return v.Get(FormField)
	}
	mr := multipart.NewReader(bytes.NewReader(body), params["boundary"])
	for {
		p, err := mr.NextPart()
		if err != nil {
			return ""
		}
		if p.FormName() == FormField && p.FileName() == "" {
			b, _ := io.ReadAll(io.LimitReader(p, maxKey+1))
			return strings.TrimSpace(string(b))
		}
	}
}

// requestHash identifies a request: its method, path, query, media type and body. A multipart
// body's boundary is random for each sending (a browser sending the same form again picks
// another), so it is replaced by a fixed one first.
func requestHash(r *http.Request, body []byte) []byte {
	mt, params, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if b := params["boundary"]; b != "" && strings.HasPrefix(mt, "multipart/") {
		body = bytes.ReplaceAll(body, []byte(b), []byte("refurb-boundary"))
	}
	h := sha256.New()
	fmt.Fprintf(h, "%s\n%s\n%s\n%s\n", r.Method, r.URL.Path, r.URL.RawQuery, mt)
	h.Write(body)
	return h.Sum(nil)
}

// keptHeaders are the headers of an answer kept for replay: the session's cookie, the security
// headers and the request id come from the middlewares around, afresh.
var keptHeaders = []string{"Content-Type", "Content-Disposition", "Content-Language", "Location", "Vary"}

// recorder passes the answer on to the client and keeps a copy.
type recorder struct {
	http.ResponseWriter
	status   int
	kept     map[string]string
	body     bytes.Buffer
	tooLarge bool
}

func (rec *recorder) WriteHeader(code int) {
	if rec.status == 0 {
		rec.status = code
		rec.kept = map[string]string{}
		for _, k := range keptHeaders {
			if v := rec.Header().Get(k); v != "" {
				rec.kept[k] = v
			}
		}
	}
	rec.ResponseWriter.WriteHeader(code)
}

func (rec *recorder) Write(b []byte) (int, error) {
	if rec.status == 0 {
		rec.WriteHeader(http.StatusOK)
	}
	if !rec.tooLarge {
		if rec.body.Len()+len(b) > maxAnswer {
			rec.tooLarge = true
			rec.body.Reset()
		} else {
			rec.body.Write(b)
		}
	}
	return rec.ResponseWriter.Write(b)
}

func (rec *recorder) Unwrap() http.ResponseWriter { return rec.ResponseWriter }

// keep reports whether the answer is the request's outcome, to replay: not a failure to try
// again (the database away, a timeout, a rate limit), not one too large to keep.
func (rec *recorder) keep() bool {
	if rec.status == 0 {
		rec.status = http.StatusOK
		rec.kept = map[string]string{}
	}
	return !rec.tooLarge && rec.status < 500 && rec.status != http.StatusTooManyRequests && rec.status != http.StatusRequestTimeout
}
