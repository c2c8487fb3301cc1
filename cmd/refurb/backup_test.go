package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/uptrace/bun"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/certificates"
	"github.com/digital-inclusion/refurb/internal/database"
	"github.com/digital-inclusion/refurb/internal/pgtest"
	"github.com/digital-inclusion/refurb/server"
	"github.com/digital-inclusion/refurb/server/servertest"
)

// emptyDatabase creates an empty database on the test cluster, as createdb would, and returns
// its superuser URL.
func emptyDatabase(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	admin, err := pgx.Connect(ctx, os.Getenv(pgtest.EnvURL))
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close(ctx)
	name := fmt.Sprintf("restored_%d", time.Now().UnixNano())
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+name+" TEMPLATE template0"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		admin, err := pgx.Connect(context.Background(), os.Getenv(pgtest.EnvURL))
		if err != nil {
			t.Error(err)
			return
		}
		defer admin.Close(context.Background())
		if _, err := admin.Exec(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			t.Error(err)
		}
	})
	return pgtest.WithDatabase(os.Getenv(pgtest.EnvURL), name)
}

// ownerDatabase creates a role that is not a superuser and an empty database it owns, set up as
// docs/database.md says (refurb_app granted, SET on refurb.role), and returns its URL.
func ownerDatabase(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	admin, err := pgx.Connect(ctx, os.Getenv(pgtest.EnvURL))
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close(ctx)
	var version int
	if err := admin.QueryRow(ctx, "SELECT current_setting('server_version_num')::int").Scan(&version); err != nil {
		t.Fatal(err)
	}
	if version < 150000 {
		t.Skip("GRANT SET ON PARAMETER needs PostgreSQL 15")
	}
	name := fmt.Sprintf("owner_%d", time.Now().UnixNano())
	for _, q := range []string{
		"CREATE ROLE " + name + " LOGIN",
		"GRANT refurb_app TO " + name,
		"GRANT SET ON PARAMETER refurb.role TO " + name,
		"CREATE DATABASE " + name + " OWNER " + name + " TEMPLATE template0",
	} {
		if _, err := admin.Exec(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	t.Cleanup(func() {
		admin, err := pgx.Connect(context.Background(), os.Getenv(pgtest.EnvURL))
		if err != nil {
			t.Error(err)
			return
		}
		defer admin.Close(context.Background())
		for _, q := range []string{"DROP DATABASE IF EXISTS " + name + " WITH (FORCE)", "REVOKE SET ON PARAMETER refurb.role FROM " + name, "DROP ROLE " + name} {
			if _, err := admin.Exec(context.Background(), q); err != nil {
				t.Errorf("%s: %v", q, err)
			}
		}
	})
	u := mustParse(t, os.Getenv(pgtest.EnvURL))
	u.User = url.User(name)
	u.Path = "/" + name
	return u.String()
}

func mustParse(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// snapshot is what must come back from a backup: every table's rows, the row-level security
// of each table and its policies, and what each role may do with each table.
func snapshot(t *testing.T, db bun.IDB) map[string]string {
	t.Helper()
	ctx := context.Background()
	out := map[string]string{}
	var tables []string
	if err := db.NewRaw(`SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE n.nspname = 'public' AND c.relkind = 'r' ORDER BY 1`).Scan(ctx, &tables); err != nil {
		t.Fatal(err)
	}
	for _, table := range tables {
		var rows int
		if err := db.NewRaw("SELECT count(*) FROM ?", bun.Ident(table)).Scan(ctx, &rows); err != nil {
			t.Fatal(err)
		}
		var rls string
		if err := db.NewRaw(`SELECT relrowsecurity::text || '/' || relforcerowsecurity::text || ' ' || coalesce(relacl::text, '')
			FROM pg_class WHERE relname = ? AND relnamespace = 'public'::regnamespace`, table).Scan(ctx, &rls); err != nil {
			t.Fatal(err)
		}
		out[table] = fmt.Sprintf("%d rows, rls %s", rows, rls)
	}
	var policies []string
	if err := db.NewRaw(`SELECT tablename || '.' || policyname || ' ' || cmd || ' ' || coalesce(qual, '') || ' ' || coalesce(with_check, '')
		FROM pg_policies ORDER BY 1`).Scan(ctx, &policies); err != nil {
		t.Fatal(err)
	}
	out["policies"] = strings.Join(policies, "\n")
	return out
}

// The whole cycle on demo data: backed up, refused by a database that is not empty, restored
// into a new one, which then serves the scan, a device list and a certificate's verification,
// with every row, policy and privilege as it was.
func TestBackupAndRestore(t *testing.T) {
	if testing.Short() {
		t.Skip("runs pg_dump and pg_restore")
	}
	t.Parallel()
	ctx := context.Background()
	src := pgtest.New(t)
	envSrc := map[string]string{"DATABASE_URL": src.URL}
	if out, _, err := refurb(t, ctx, envSrc, "", "demo", "--devices", "60", "--seed", "11"); err != nil {
		t.Fatalf("demo: %v\n%s", err, out)
	}
	// A certificate to verify after the restore.
	certs := certificates.NewStore(src.App, "http://refurb.test")
	sys := auth.System(ctx)
	if err := certs.SetOrganisation(sys, certificates.Organisation{Name: "Refurb Test asbl", Address: "1 rue de l'Essai, Luxembourg"}); err != nil {
		t.Fatal(err)
	}
	var donationID int64
	var tag string
	if err := src.Owner.QueryRowContext(ctx, "SELECT donation_id, tag FROM devices ORDER BY id LIMIT 1").Scan(&donationID, &tag); err != nil {
		t.Fatal(err)
	}
	cert, err := certs.Issue(sys, donationID, certificates.KindDonation, "en")
	if err != nil {
		t.Fatal(err)
	}
	var requestsHidden int
	if err := src.App.QueryRowContext(ctx, "SELECT count(*) FROM device_requests").Scan(&requestsHidden); err != nil {
		t.Fatal(err)
	}
	before := snapshot(t, src.Owner)
	if !strings.HasPrefix(before["device_requests"], "0 rows") && requestsHidden != 0 {
		t.Fatalf("row-level security: refurb_app sees %d device requests without a role", requestsHidden)
	}
	if strings.HasPrefix(before["device_requests"], "0 rows") || strings.HasPrefix(before["devices"], "0 rows") {
		t.Fatalf("the demo data has no device requests or devices: %v", before)
	}

	file := filepath.Join(t.TempDir(), "refurb.dump")
	out, _, err := refurb(t, ctx, envSrc, "", "backup", file)
	if err != nil || !strings.Contains(out, "backed up database "+src.Name+" to "+file) {
		t.Fatalf("backup: %v\n%s", err, out)
	}
	t.Logf("%s", strings.TrimSpace(out))
	leftovers, _ := filepath.Glob(filepath.Join(filepath.Dir(file), ".*.tmp"))
	if len(leftovers) > 0 {
		t.Errorf("temporary files left beside the backup: %v", leftovers)
	}

	// Not over a database that holds something.
	_, _, err = refurb(t, ctx, envSrc, "", "restore", file)
	if err == nil || !strings.Contains(err.Error(), "is not empty") || strings.Count(err.Error(), "\n") > 0 {
		t.Errorf("restore over the source: got %v, want one sentence refusing a database that is not empty", err)
	}
	// Nor anything that is not a backup.
	notBackup := filepath.Join(t.TempDir(), "list.csv")
	os.WriteFile(notBackup, []byte("Type,Make\n"), 0o600)
	if _, _, err := refurb(t, ctx, envSrc, "", "restore", notBackup); err == nil || !strings.Contains(err.Error(), "is not a backup") {
		t.Errorf("restore of a CSV file: got %v, want a refusal", err)
	}

	dstURL := emptyDatabase(t)
	out, _, err = refurb(t, ctx, map[string]string{"DATABASE_URL": dstURL}, "", "restore", file)
	if err != nil || !strings.Contains(out, "restored "+file) || strings.Contains(out, "behind") {
		t.Fatalf("restore into an empty database: %v\n%s", err, out)
	}
	t.Logf("%s", strings.TrimSpace(out))

	dst := &pgtest.DB{URL: dstURL}
	if dst.Owner, err = database.Open(ctx, dstURL, database.Options{MaxOpenConns: 2}); err != nil {
		t.Fatal(err)
	}
	defer dst.Owner.Close()
	if dst.App, err = database.Open(ctx, dstURL, database.Options{AsApp: true, MaxOpenConns: 4}); err != nil {
		t.Fatal(err)
	}
	defer dst.App.Close()
	after := snapshot(t, dst.Owner)
	for k, want := range before {
		if after[k] != want {
			t.Errorf("%s after the restore:\n got %s\nwant %s", k, after[k], want)
		}
	}
	// Row-level security still hides what it hid from the application's role.
	var n int
	if err := dst.App.QueryRowContext(ctx, "SELECT count(*) FROM device_requests").Scan(&n); err != nil || n != 0 {
		t.Errorf("device requests refurb_app sees without a role after the restore: %d, %v; want 0", n, err)
	}

	// Restored by an owner that is not a superuser, as docs/database.md sets one up: the same
	// rows (COPY runs before row-level security is switched on) and policies.
	ownerURL := ownerDatabase(t)
	if out, _, err := refurb(t, ctx, map[string]string{"MIGRATE_DATABASE_URL": ownerURL, "DATABASE_URL": ownerURL}, "", "restore", file); err != nil {
		t.Fatalf("restore as an owner that is not a superuser: %v\n%s", err, out)
	}
	asOwner, err := database.Open(ctx, pgtest.WithDatabase(os.Getenv(pgtest.EnvURL), strings.TrimPrefix(mustParse(t, ownerURL).Path, "/")), database.Options{MaxOpenConns: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer asOwner.Close()
	for k, got := range snapshot(t, asOwner) {
		// Privileges name their grantor, this owner: compare rows, row-level security and policies.
		want := before[k]
		if i := strings.Index(want, " {"); i > 0 {
			want, got = want[:i], got[:max(0, strings.Index(got, " {"))]
		}
		if got != want {
			t.Errorf("%s restored by an owner that is not a superuser:\n got %s\nwant %s", k, got, want)
		}
	}

	// The restored database serves.
	s := servertest.Start(t, dst, servertest.Options{Config: server.Config{PublicURL: "http://refurb.test"}})
	token := s.Token(s.Users().StaffUser)
	gql := func(query string, vars map[string]any, out any) {
		t.Helper()
		body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
		req, _ := http.NewRequest(http.MethodPost, s.URL+"/graphql", strings.NewReader(string(body)))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := s.Server.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		var r struct {
			Data   json.RawMessage
			Errors []any
		}
		if json.Unmarshal(b, &r) != nil || len(r.Errors) > 0 || json.Unmarshal(r.Data, out) != nil {
			t.Fatalf("%.50s: %d %s", query, resp.StatusCode, b)
		}
	}
	var scanned struct{ Device struct{ Tag, Status string } }
	gql(`query($tag: String!) { device(tag: $tag) { tag status } }`, map[string]any{"tag": tag}, &scanned)
	if scanned.Device.Tag != tag || scanned.Device.Status == "" {
		t.Errorf("scan of %s after the restore: got %+v", tag, scanned)
	}
	var list struct{ Devices struct{ TotalCount int } }
	gql(`{ devices(first: 20) { totalCount } }`, nil, &list)
	if want := strings.Split(before["devices"], " ")[0]; fmt.Sprint(list.Devices.TotalCount) != want {
		t.Errorf("device list after the restore: %d devices, want %s", list.Devices.TotalCount, want)
	}
	resp, err := http.Get(s.URL + "/verify/" + cert.Number + "?t=" + url.QueryEscape(cert.Token))
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(page), cert.Number) {
		t.Errorf("verification of %s after the restore: got %d %.300s", cert.Number, resp.StatusCode, page)
	}
}

// A role that row-level security applies to is refused before pg_dump runs, with what to do.
func TestBackupRefusesARoleThatMissesRows(t *testing.T) {
	if testing.Short() {
		t.Skip("needs a database")
	}
	t.Parallel()
	ctx := context.Background()
	db := pgtest.New(t)
	role := "backup_" + strings.TrimPrefix(db.Name, "test_")
	for _, q := range []string{
		"CREATE ROLE " + role + " LOGIN",
		"GRANT CONNECT ON DATABASE " + db.Name + " TO " + role,
	} {
		if _, err := db.Owner.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() {
		db.Owner.ExecContext(context.Background(), "DROP OWNED BY "+role)
		db.Owner.ExecContext(context.Background(), "DROP ROLE "+role)
	})
	u, _ := url.Parse(os.Getenv(pgtest.EnvURL))
	u.User = url.User(role)
	u.Path = "/" + db.Name
	_, _, err := refurb(t, ctx, map[string]string{"DATABASE_URL": u.String()}, "", "backup", filepath.Join(t.TempDir(), "x.dump"))
	if err == nil || !strings.Contains(err.Error(), "row-level security") || !strings.Contains(err.Error(), "BYPASSRLS") {
		t.Errorf("backup as a role subject to row-level security: got %v, want a refusal naming BYPASSRLS", err)
	}
}

// The private database backed up and restored into another private database.
func TestBackupPrivateDatabase(t *testing.T) {
	if testing.Short() {
		t.Skip("starts PostgreSQL")
	}
	t.Parallel()
	ctx := context.Background()
	dir := privateDir(t)
	envA := map[string]string{"REFURB_DATA_DIR": filepath.Join(dir, "a")}
	if _, _, err := refurb(t, ctx, envA, "", "migrate", "up"); err != nil {
		t.Fatal(err)
	}
	if out, _, err := refurb(t, ctx, envA, "", "users", "create", "--email", "kept@example.org", "--name", "Kept", "--role", "staff"); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	file := filepath.Join(dir, "a.dump")
	if out, _, err := refurb(t, ctx, envA, "", "backup", file); err != nil {
		t.Fatalf("backup of the private database: %v\n%s", err, out)
	}
	envB := map[string]string{"REFURB_DATA_DIR": filepath.Join(dir, "b")}
	if out, _, err := refurb(t, ctx, envB, "", "restore", file); err != nil {
		t.Fatalf("restore into a new private database: %v\n%s", err, out)
	}
	if out, _, err := refurb(t, ctx, envB, "", "users", "list"); err != nil || !strings.Contains(out, "kept@example.org") {
		t.Errorf("users of the restored private database: %v\n%s", err, out)
	}
}
