// Package migrations holds Refurb's schema as embedded SQL files and runs them with bun/migrate.
//
// Files are named YYYYMMDDHHMMSS_verb_noun.tx.up.sql and .tx.down.sql; each runs in its own
// transaction. Runs are serialised across processes by a PostgreSQL advisory lock, so two
// servers started at once never apply the same migration twice.
//
// The migrating connection owns the tables. The application connects through the role
// refurb_app (see AppRole), which is granted only what it needs table by table: that is why
// every migration that creates a table also says what refurb_app may do with it.
package migrations

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"hash/fnv"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/uptrace/bun"
	"github.com/uptrace/bun/migrate"

	"github.com/digital-inclusion/refurb/internal/pgcode"
)

//go:embed *.sql
var files embed.FS

// AppRole is the database role the application runs as. It owns nothing; migrations grant it
// privileges table by table (append-only tables get SELECT and INSERT only).
const AppRole = "refurb_app"

// lockKey is the advisory lock key that serialises migration runs. It is derived from a fixed
// string so that every Refurb version uses the same key.
var lockKey = func() int64 {
	h := fnv.New64a()
	h.Write([]byte("refurb.migrations"))
	return int64(h.Sum64() >> 1)
}()

// Migrator applies and reverts the embedded migrations.
type Migrator struct {
	db *bun.DB
	m  *migrate.Migrator
}

// New returns a Migrator for db, which must connect as the owner of the schema.
func New(db *bun.DB) (*Migrator, error) {
	ms := migrate.NewMigrations()
	if err := ms.Discover(files); err != nil {
		return nil, fmt.Errorf("discover migrations: %w", err)
	}
	return &Migrator{
		db: db,
		m:  migrate.NewMigrator(db, ms, migrate.WithMarkAppliedOnSuccess(true)),
	}, nil
}

// Status describes one migration.
type Status struct {
	Name    string
	Comment string
	Applied bool
}

// withLock runs fn while holding the migration advisory lock on a dedicated connection. fn
// uses the pool's other connections, so the pool needs at least two.
func (m *Migrator) withLock(ctx context.Context, fn func() error) error {
	conn, err := m.db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("migration lock: %w", err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock(?)", lockKey); err != nil {
		return fmt.Errorf("migration lock: %w", err)
	}
	// Unlock with a fresh context: the caller's may be cancelled, and a lock left behind on a
	// pooled connection would block every later migration run.
	defer conn.ExecContext(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock(?)", lockKey) //nolint:errcheck
	if err := m.m.Init(ctx); err != nil {
		return fmt.Errorf("init migration tables: %w", err)
	}
	return fn()
}

// Up applies every pending migration and returns the names it applied.
func (m *Migrator) Up(ctx context.Context) ([]string, error) {
	var applied []string
	err := m.withLock(ctx, func() error {
		g, err := m.m.Migrate(ctx)
		for _, mig := range g.Migrations {
			if err == nil || mig.Name != g.Migrations[len(g.Migrations)-1].Name {
				applied = append(applied, mig.String())
			}
		}
		return err
	})
	return applied, err
}

// Down reverts the last applied migration group and returns the names it reverted.
func (m *Migrator) Down(ctx context.Context) ([]string, error) {
	var reverted []string
	err := m.withLock(ctx, func() error {
		g, err := m.m.Rollback(ctx)
		if g != nil {
			for _, mig := range g.Migrations {
				reverted = append(reverted, mig.String())
			}
		}
		return err
	})
	return reverted, err
}

// Status lists every known migration, oldest first, with whether it is applied.
func (m *Migrator) Status(ctx context.Context) ([]Status, error) {
	var out []Status
	err := m.withLock(ctx, func() error {
		ms, err := m.m.MigrationsWithStatus(ctx)
		if err != nil {
			return err
		}
		for _, mig := range ms {
			out = append(out, Status{Name: mig.Name, Comment: mig.Comment, Applied: mig.IsApplied()})
		}
		return nil
	})
	return out, err
}

// Pending returns how many migrations are not applied yet. It reads the migration table
// without taking the lock, so that readiness checks stay cheap, and works as the app role.
func Pending(ctx context.Context, db bun.IDB) (int, error) {
	ms := migrate.NewMigrations()
	if err := ms.Discover(files); err != nil {
		return 0, err
	}
	var applied []string
	err := db.NewSelect().Table("bun_migrations").Column("name").Scan(ctx, &applied)
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == pgcode.UndefinedTable { // never migrated
		return len(ms.Sorted()), nil
	}
	if err != nil {
		return 0, fmt.Errorf("read applied migrations: %w", err)
	}
	done := make(map[string]bool, len(applied))
	for _, n := range applied {
		done[n] = true
	}
	n := 0
	for _, mig := range ms.Sorted() {
		if !done[mig.Name] {
			n++
		}
	}
	return n, nil
}
