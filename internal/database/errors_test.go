package database

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

func TestUnavailable(t *testing.T) {
	// A real refused connection: a unix socket directory with no server in it.
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, refused := pgx.Connect(ctx, "postgres://nobody@/x?host="+t.TempDir())
	if refused == nil {
		t.Fatal("connecting to an empty directory succeeded")
	}
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"refused connection", fmt.Errorf("select: %w", refused), true},
		{"bad connection", fmt.Errorf("select: %w", driver.ErrBadConn), true},
		{"connection done", fmt.Errorf("commit: %w", sql.ErrConnDone), true},
		{"connection closed", fmt.Errorf("select: %w", pgconn.ErrConnClosed), true},
		{"starting up", &pgconn.PgError{Code: "57P03"}, true},
		{"postmaster died", fmt.Errorf("x: %w", &pgconn.PgError{Code: "57P01"}), true},
		{"crash of another backend", &pgconn.PgError{Code: "57P02"}, true},
		{"connection failure", &pgconn.PgError{Code: "08006"}, true},
		{"too many connections", &pgconn.PgError{Code: "53300"}, true},
		{"unique violation", &pgconn.PgError{Code: "23505"}, false},
		{"disk full", &pgconn.PgError{Code: "53100"}, false}, // DiskFull's
		{"no rows", sql.ErrNoRows, false},
		{"client went away", context.Canceled, false},
		{"read cut under a query", fmt.Errorf("select: %w", io.ErrUnexpectedEOF), true},
		{"socket reset", fmt.Errorf("select: %w", &net.OpError{Op: "read", Net: "unix", Err: syscall.ECONNRESET}), true},
		{"nil", nil, false},
		{"other", errors.New("boom"), false},
	}
	for _, tt := range tests {
		if got := Unavailable(tt.err); got != tt.want {
			t.Errorf("%s (%v): got %v, want %v", tt.name, tt.err, got, tt.want)
		}
	}
	if !DiskFull(fmt.Errorf("insert: %w", &pgconn.PgError{Code: "53100"})) || DiskFull(refused) {
		t.Error("DiskFull: want true for 53100 only")
	}
}
