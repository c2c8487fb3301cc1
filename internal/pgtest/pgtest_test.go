package pgtest_test

import (
	"context"
	"errors"
	"os"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/digital-inclusion/refurb/internal/pgtest"
	"github.com/digital-inclusion/refurb/migrations"
)

func TestDatabasesAreIsolated(t *testing.T) {
	t.Parallel()
	a, b := pgtest.New(t), pgtest.New(t)
	if a.Name == b.Name {
		t.Fatalf("two New calls: got the same database %s twice, want two", a.Name)
	}
	ctx := t.Context()
	if _, err := a.App.ExecContext(ctx,
		"INSERT INTO users (email, name, role, password_hash) VALUES ('a@example.org', 'A', 'staff', 'x')"); err != nil {
		t.Fatalf("insert as app: %v", err)
	}
	for _, c := range []struct {
		db   *pgtest.DB
		want int
	}{{a, 1}, {b, 0}} {
		var n int
		if err := c.db.Owner.QueryRowContext(ctx, "SELECT count(*) FROM users").Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != c.want {
			t.Errorf("users in %s: got %d, want %d", c.db.Name, n, c.want)
		}
	}
}

func TestAppOwnsNothing(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	ctx := t.Context()
	var role string
	if err := db.App.QueryRowContext(ctx, "SELECT current_user").Scan(&role); err != nil {
		t.Fatal(err)
	}
	if role != migrations.AppRole {
		t.Errorf("App's current_user: got %s, want %s", role, migrations.AppRole)
	}
	_, err := db.App.ExecContext(ctx, "CREATE TABLE intruder (id int)")
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) || pgErr.Code != "42501" {
		t.Errorf("CREATE TABLE as app: got %v, want insufficient_privilege (42501)", err)
	}
	if _, err := db.Owner.ExecContext(ctx, "CREATE TABLE allowed (id int)"); err != nil {
		t.Errorf("CREATE TABLE as owner: got %v, want nil", err)
	}
}

func TestMigrationsApplied(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	ctx := t.Context()
	var users *string
	if err := db.App.QueryRowContext(ctx, "SELECT to_regclass('users')::text").Scan(&users); err != nil {
		t.Fatal(err)
	}
	if users == nil {
		t.Errorf("table users: got none, want it created by the migrations")
	}
	n, err := migrations.Pending(ctx, db.App)
	if err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Errorf("pending migrations: got %d, want 0", n)
	}
}

func TestDatabaseDroppedAfterTest(t *testing.T) {
	t.Parallel()
	var name, url string
	t.Run("inner", func(t *testing.T) {
		db := pgtest.New(t)
		name, url = db.Name, db.URL
	})
	if t.Failed() {
		return
	}
	if name == "" {
		t.Skip("the inner test was skipped")
	}
	ctx := t.Context()
	admin, err := pgx.Connect(ctx, os.Getenv(pgtest.EnvURL))
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close(context.Background())
	var exists bool
	if err := admin.QueryRow(ctx, "SELECT EXISTS (SELECT FROM pg_database WHERE datname = $1)", name).Scan(&exists); err != nil {
		t.Fatal(err)
	}
	if exists {
		t.Errorf("database %s after its test ended: got it still there, want it dropped", name)
	}
	if conn, err := pgx.Connect(ctx, url); err == nil {
		conn.Close(context.Background())
		t.Errorf("connect to %s after its test ended: got a connection, want an error", name)
	}
}

func TestTemplateName(t *testing.T) {
	got := pgtest.TemplateName()
	if len(got) != len("refurb_tpl_")+16 || got != pgtest.TemplateName() {
		t.Errorf("TemplateName: got %q, want refurb_tpl_ and 16 hex digits, the same each time", got)
	}
	if fp := migrations.Fingerprint(); len(fp) != 64 {
		t.Errorf("Fingerprint: got %q, want 64 hex digits", fp)
	}
}

func TestWithDatabase(t *testing.T) {
	for _, in := range []string{
		"postgres://refurb@/postgres?host=%2Ftmp%2Fx&port=5432",
		"postgres://refurb@localhost/postgres",
		"postgresql://refurb@localhost",
		"host=/tmp/x user=refurb dbname=postgres",
	} {
		cfg, err := pgx.ParseConfig(pgtest.WithDatabase(in, "test_1"))
		if err != nil {
			t.Errorf("WithDatabase(%q): %v", in, err)
			continue
		}
		if cfg.Database != "test_1" || cfg.User != "refurb" {
			t.Errorf("WithDatabase(%q): got database %q user %q, want test_1 and refurb", in, cfg.Database, cfg.User)
		}
	}
}
