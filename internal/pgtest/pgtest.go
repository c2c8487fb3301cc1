// Package pgtest gives each test its own PostgreSQL database with every migration applied.
//
// The databases live on the cluster that TEST_DATABASE_URL points to (`make test` starts a
// throwaway one with internal/pgtest/withpg). The migrations run once per cluster into a
// template database named after migrations.Fingerprint, reused by every later test process;
// each test then gets a copy (CREATE DATABASE ... TEMPLATE), which takes a few tens of
// milliseconds, and drops it when it ends. Tests can therefore run in parallel and commit
// freely.
//
// It does not start PostgreSQL and does not provide fixtures: domain packages have their own
// builders.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/fnv"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/uptrace/bun"

	"github.com/digital-inclusion/refurb/internal/database"
	"github.com/digital-inclusion/refurb/internal/pgcode"
	"github.com/digital-inclusion/refurb/migrations"
)

// EnvURL names the environment variable holding a superuser URL to any database of the test
// cluster.
const EnvURL = "TEST_DATABASE_URL"

// templatePrefix starts the names of migrated templates; temporaryPrefix those of templates
// being built, so that a half-built one is never mistaken for a template.
const (
	templatePrefix  = "refurb_tpl_"
	temporaryPrefix = "refurb_tpltmp_"
	// keepTemplates is how many templates of other migration sets survive a new one: a few
	// working trees on different branches can share one cluster without rebuilding each
	// other's templates every run.
	keepTemplates = 3
)

// DB is one test's database.
type DB struct {
	// App connects as the application role refurb_app, which owns nothing and holds only the
	// privileges the migrations granted: tests through it see what the server would.
	App *bun.DB
	// Owner connects as the superuser that owns the schema, for setup the application may not
	// do and for checking what App cannot read.
	Owner *bun.DB
	// URL is the superuser URL of this database.
	URL string
	// Name is the database's name.
	Name string
}

// New creates a database for t from the migrated template and drops it when t ends. Without
// TEST_DATABASE_URL it skips t under -short and fails it otherwise, so that a forgotten
// database never passes silently.
func New(t testing.TB) *DB {
	t.Helper()
	adminURL := os.Getenv(EnvURL)
	if adminURL == "" {
		if testing.Short() {
			t.Skip("no " + EnvURL + ": database tests do not run with -short")
		}
		t.Fatal("no test database: run `make test` (it starts a throwaway PostgreSQL) or set " + EnvURL + " to a PostgreSQL superuser URL")
	}
	ctx := t.Context()

	name, err := createDatabase(ctx, adminURL)
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	db := &DB{URL: WithDatabase(adminURL, name), Name: name}
	t.Cleanup(func() {
		// t.Context is already cancelled when cleanups run.
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if db.App != nil {
			db.App.Close()
		}
		if db.Owner != nil {
			db.Owner.Close()
		}
		if err := dropDatabase(ctx, adminURL, name); err != nil {
			t.Errorf("pgtest: %v", err)
		}
	})

	if db.App, err = database.Open(ctx, db.URL, database.Options{AsApp: true, MaxOpenConns: 4}); err != nil {
		t.Fatalf("pgtest: open %s as %s: %v", name, migrations.AppRole, err)
	}
	if db.Owner, err = database.Open(ctx, db.URL, database.Options{MaxOpenConns: 2}); err != nil {
		t.Fatalf("pgtest: open %s as owner: %v", name, err)
	}
	return db
}

// TemplateName is the name of the template database for the current migrations.
func TemplateName() string {
	return templatePrefix + migrations.Fingerprint()[:16]
}

// WithDatabase returns connURL (a URL or a keyword/value string, as pgx and libpq accept)
// with its database replaced by dbname. Both forms let a later dbname override an earlier
// one, so the rest of the string is kept as written.
func WithDatabase(connURL, dbname string) string {
	if strings.HasPrefix(connURL, "postgres://") || strings.HasPrefix(connURL, "postgresql://") {
		sep := "?"
		if strings.Contains(connURL, "?") {
			sep = "&"
		}
		return connURL + sep + "dbname=" + url.QueryEscape(dbname)
	}
	return connURL + " dbname='" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(dbname) + "'"
}

// createDatabase copies the template (building it if needed) into a new database and returns
// its name.
func createDatabase(ctx context.Context, adminURL string) (string, error) {
	admin, err := pgx.Connect(ctx, adminURL)
	if err != nil {
		return "", fmt.Errorf("connect to %s: %w", EnvURL, err)
	}
	defer admin.Close(context.WithoutCancel(ctx))

	tpl := TemplateName()
	if err := ensureTemplate(ctx, admin, adminURL, tpl); err != nil {
		return "", err
	}
	name := "test_" + randomHex(8)
	create := "CREATE DATABASE " + ident(name) + " TEMPLATE " + ident(tpl)
	// PostgreSQL 15 copies a template through the WAL by default, which for our small
	// databases is about three times slower than copying the files. Copying files costs a
	// checkpoint, which is cheap only without fsync, as on the cluster withpg starts.
	var fileCopy bool
	if err := admin.QueryRow(ctx, "SELECT current_setting('server_version_num')::int >= 150000 AND NOT current_setting('fsync')::bool").Scan(&fileCopy); err != nil {
		return "", fmt.Errorf("read server settings: %w", err)
	}
	if fileCopy {
		create += " STRATEGY FILE_COPY"
	}
	deadline := time.Now().Add(10 * time.Second)
	rebuilt := false
	for {
		_, err := admin.Exec(ctx, create)
		switch code := sqlState(err); {
		case err == nil:
			return name, nil
		case code == pgcode.ObjectInUse && time.Now().Before(deadline):
			// object_in_use: someone is connected to the template (a person with psql; the
			// template refuses connections, but a superuser can change that). Wait it out.
		case code == pgcode.InvalidCatalogName && !rebuilt:
			// invalid_catalog_name: a process with other migrations dropped our template
			// between the check and the copy.
			if err := ensureTemplate(ctx, admin, adminURL, tpl); err != nil {
				return "", err
			}
			rebuilt = true
			continue
		default:
			return "", fmt.Errorf("create test database from %s: %w", tpl, err)
		}
		select {
		case <-ctx.Done():
			return "", fmt.Errorf("create test database from %s: %w", tpl, ctx.Err())
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// Template is a database built once and copied for each test or benchmark: the migrated schema
// (TemplateName) or, for the benchmarks, a generated demo inventory.
type Template struct {
	// Name is the template's name. It exists only once complete: it is built under a
	// temporary name and renamed.
	Name string
	// Family starts the names of the template's other versions (older migrations, other
	// sizes): the newest few are kept, so that working trees on different branches can share
	// a cluster, and the rest are dropped.
	Family string
	// Build fills the new, empty database at dbURL (a superuser URL), e.g. with Migrate.
	Build func(ctx context.Context, dbURL string) error
}

// lockKey is the advisory lock that serialises builds of the family among the test processes
// that `go test ./...` runs in parallel. Advisory locks are per cluster database, so all
// processes must use the same TEST_DATABASE_URL, which they do.
func (t Template) lockKey() int64 {
	h := fnv.New64a()
	h.Write([]byte("refurb.pgtest.template." + t.Family))
	return int64(h.Sum64() >> 1)
}

// EnsureTemplate builds t unless it exists, through admin, a superuser connection to the
// cluster at adminURL.
func EnsureTemplate(ctx context.Context, admin *pgx.Conn, adminURL string, t Template) (err error) {
	if ok, err := databaseExists(ctx, admin, t.Name); err != nil || ok {
		return err
	}
	key := t.lockKey()
	if _, err := admin.Exec(ctx, "SELECT pg_advisory_lock($1)", key); err != nil {
		return fmt.Errorf("lock template build: %w", err)
	}
	defer func() {
		// Unlock even when ctx is cancelled: the session would otherwise hold it until closed.
		if _, uerr := admin.Exec(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", key); uerr != nil && err == nil {
			err = fmt.Errorf("unlock template build: %w", uerr)
		}
	}()
	// Another process may have built it while we waited for the lock.
	if ok, err := databaseExists(ctx, admin, t.Name); err != nil || ok {
		return err
	}

	// Half-built templates of processes that died while building: nobody builds while we hold
	// the lock, and a drop without FORCE spares any database someone is still connected to.
	building := temporaryPrefix + t.Family
	dropAll(ctx, admin, "SELECT datname FROM pg_database WHERE starts_with(datname, $1)", building)

	tmp := building + randomHex(8)
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+ident(tmp)+" TEMPLATE template0"); err != nil {
		return fmt.Errorf("create template %s: %w", t.Name, err)
	}
	if err := t.Build(ctx, WithDatabase(adminURL, tmp)); err != nil {
		if _, derr := admin.Exec(context.WithoutCancel(ctx), "DROP DATABASE IF EXISTS "+ident(tmp)+" WITH (FORCE)"); derr != nil {
			err = errors.Join(err, derr)
		}
		return fmt.Errorf("build template %s: %w", t.Name, err)
	}
	// Refusing connections keeps anyone from blocking the copies (CREATE DATABASE fails while
	// the template has sessions), and the rename fails the same way while the build's
	// sessions are still ending; PostgreSQL waits a few seconds for them by itself.
	if _, err := admin.Exec(ctx, "ALTER DATABASE "+ident(tmp)+" WITH ALLOW_CONNECTIONS false"); err != nil {
		return fmt.Errorf("finish template %s: %w", t.Name, err)
	}
	if _, err := admin.Exec(ctx, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1", tmp); err != nil {
		return fmt.Errorf("finish template %s: %w", t.Name, err)
	}
	if _, err := admin.Exec(ctx, "ALTER DATABASE "+ident(tmp)+" RENAME TO "+ident(t.Name)); err != nil {
		return fmt.Errorf("finish template %s: %w", t.Name, err)
	}

	// Other versions, oldest first beyond the newest few. A copy in progress makes the drop
	// fail (no FORCE), which is fine: it goes next time.
	dropAll(ctx, admin, "SELECT datname FROM pg_database WHERE starts_with(datname, $1) AND datname <> $2 ORDER BY oid DESC OFFSET "+fmt.Sprint(keepTemplates), t.Family, t.Name)
	return nil
}

// ensureTemplate builds the migrated template tpl unless it exists.
func ensureTemplate(ctx context.Context, admin *pgx.Conn, adminURL, tpl string) error {
	return EnsureTemplate(ctx, admin, adminURL, Template{Name: tpl, Family: templatePrefix, Build: Migrate})
}

// Migrate applies every migration to the database at dbURL, as its owner.
func Migrate(ctx context.Context, dbURL string) error {
	owner, err := database.Open(ctx, dbURL, database.Options{MaxOpenConns: 2})
	if err != nil {
		return err
	}
	defer owner.Close()
	m, err := migrations.New(owner)
	if err != nil {
		return err
	}
	_, err = m.Up(ctx)
	return err
}

// dropAll drops, best effort, each database the query names: leftovers must not make tests
// fail.
func dropAll(ctx context.Context, admin *pgx.Conn, query string, args ...any) {
	rows, err := admin.Query(ctx, query, args...)
	if err != nil {
		return
	}
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return
	}
	for _, n := range names {
		admin.Exec(ctx, "DROP DATABASE IF EXISTS "+ident(n)) //nolint:errcheck // best effort, see above
	}
}

// dropDatabase drops a test's database, disconnecting whatever the test left connected.
func dropDatabase(ctx context.Context, adminURL, name string) error {
	admin, err := pgx.Connect(ctx, adminURL)
	if err != nil {
		return fmt.Errorf("drop test database %s: %w", name, err)
	}
	defer admin.Close(context.WithoutCancel(ctx))
	if _, err := admin.Exec(ctx, "DROP DATABASE IF EXISTS "+ident(name)+" WITH (FORCE)"); err != nil {
		return fmt.Errorf("drop test database %s: %w", name, err)
	}
	return nil
}

func databaseExists(ctx context.Context, admin *pgx.Conn, name string) (bool, error) {
	var ok bool
	if err := admin.QueryRow(ctx, "SELECT EXISTS (SELECT FROM pg_database WHERE datname = $1)", name).Scan(&ok); err != nil {
		return false, fmt.Errorf("look for database %s: %w", name, err)
	}
	return ok, nil
}

func sqlState(err error) string {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code
	}
	return ""
}

func ident(name string) string { return pgx.Identifier{name}.Sanitize() }

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}
