// Package database opens Refurb's PostgreSQL connections: bun on top of pgx's database/sql
// driver, either as the schema owner (migrations, administration) or as the application role
// that owns nothing (everything else).
package database

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"

	"github.com/digital-inclusion/refurb/migrations"
)

// ConnectTimeout bounds each new connection unless the URL sets connect_timeout.
const ConnectTimeout = 5 * time.Second

// Options tune a connection pool.
type Options struct {
	// AsApp makes every connection SET ROLE to migrations.AppRole, so that the application
	// runs with only the privileges the migrations granted it, whatever login DATABASE_URL
	// names. Migrations and administrative commands leave it false.
	AsApp bool
	// MaxOpenConns caps the pool; zero means 20.
	MaxOpenConns int
	// Tracer sees every statement the driver sends, whoever builds it (tests count them).
	Tracer pgx.QueryTracer
}

// Open connects to the database at url and checks that it answers.
func Open(ctx context.Context, url string, opts Options) (*bun.DB, error) {
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("parse database URL: %w", err)
	}
	if opts.Tracer != nil {
		cfg.Tracer = opts.Tracer
	}
	if cfg.ConnectTimeout == 0 {
		// Without it a connection to a server that does not answer (a network partition, a
		// host gone) waits for the operating system's TCP timeout, minutes: requests would hang
		// instead of being answered 503 (see Unavailable).
		cfg.ConnectTimeout = ConnectTimeout
	}
	// bun writes its arguments into the SQL text, so nearly every statement it sends is new:
	// pgx's default (prepare each new text and keep it, 512 a connection) would cost each one
	// a round trip more and pile up prepared statements in every backend and in the pool.
	// Statements run in one round trip, unprepared; the hot reads, sent with real parameters,
	// ask to be prepared and kept by giving pgx.QueryExecModeCacheStatement as their first
	// argument (auth's hotRow, inventory's Scan).
	cfg.DefaultQueryExecMode = pgx.QueryExecModeExec
	var connOpts []stdlib.OptionOpenDB
	if opts.AsApp {
		connOpts = append(connOpts, stdlib.OptionAfterConnect(func(ctx context.Context, c *pgx.Conn) error {
			_, err := c.Exec(ctx, "SET ROLE "+pgx.Identifier{migrations.AppRole}.Sanitize())
			return err
		}))
	}
	sqldb := stdlib.OpenDB(*cfg, connOpts...)
	maxOpen := opts.MaxOpenConns
	if maxOpen == 0 {
		maxOpen = 20
	}
	sqldb.SetMaxOpenConns(maxOpen)
	sqldb.SetMaxIdleConns(maxOpen)
	sqldb.SetConnMaxIdleTime(5 * time.Minute)
	db := bun.NewDB(sqldb, pgdialect.New())
	pingCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := db.PingContext(pingCtx); err != nil {
		db.Close()
		return nil, fmt.Errorf("connect to database: %w", err)
	}
	return db, nil
}

// SQL returns the database/sql handle under db, for libraries that take one (scs's store).
func SQL(db *bun.DB) *sql.DB { return db.DB }
