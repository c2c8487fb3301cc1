package database

import (
	"database/sql"
	"database/sql/driver"
	"errors"
	"io"
	"net"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/digital-inclusion/refurb/internal/pgcode"
)

// RetryAfterSeconds is what a response refused because the database is away tells the client to
// wait before trying again: PostgreSQL restarted after a crash usually answers again within a
// few seconds (docs/operations.md, "Faults").
const RetryAfterSeconds = 5

// Unavailable reports whether err says that the database could not be reached or went away
// while it was being used (refused or timed-out connections, a connection closed under a query,
// a server shutting down, crashed or still recovering), rather than that the request was
// wrong. Callers ask it about errors of database calls: a request body cut short is an
// io.ErrUnexpectedEOF too, and would be taken for the database's. Such a request changed nothing it did not commit, and may be tried again once the
// database is back: callers answer 503 with a Retry-After, never 500.
func Unavailable(err error) bool {
	if err == nil {
		return false
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		code := pgErr.Code
		return strings.HasPrefix(code, "08") || // connection exception
			code == pgcode.AdminShutdown || code == pgcode.CrashShutdown || code == pgcode.CannotConnectNow ||
			code == pgcode.TooManyConnections
	}
	var connect *pgconn.ConnectError
	if errors.As(err, &connect) {
		return true
	}
	// Every error pgconn raises about the connection itself (a write or read that failed, a
	// connection closed or busy) says whether it is safe to retry; PostgreSQL's own errors
	// (PgError, above) do not.
	var conn interface{ SafeToRetry() bool }
	if errors.As(err, &conn) {
		return true
	}
	// A read cut under a query reaches the caller as the network's own error, unwrapped:
	// pgconn closes the connection and hands on what the socket said.
	var netErr net.Error
	return errors.Is(err, driver.ErrBadConn) || errors.Is(err, sql.ErrConnDone) ||
		errors.Is(err, pgconn.ErrConnClosed) || pgconn.Timeout(err) ||
		errors.Is(err, io.ErrUnexpectedEOF) || errors.As(err, &netErr)
}

// DiskFull reports whether err is PostgreSQL refusing a write because the disk holding its
// data is full (SQLSTATE 53100). The transaction was rolled back; nothing is half-written.
func DiskFull(err error) bool {
	return pgcode.Is(err, pgcode.DiskFull)
}
