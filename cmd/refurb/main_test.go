package main

import (
	"bytes"
	"context"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/digital-inclusion/refurb/internal/pgtest"
)

// refurb runs the command in-process with the given environment and returns its output.
func refurb(t *testing.T, ctx context.Context, envv map[string]string, stdin string, args ...string) (string, string, error) {
	t.Helper()
	var out, errb bytes.Buffer
	err := run(ctx, args, func(k string) string { return envv[k] }, strings.NewReader(stdin), &out, &errb)
	return out.String(), errb.String(), err
}

func TestUsersAndTokensCommands(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	ctx := context.Background()
	envv := map[string]string{"DATABASE_URL": db.URL}

	out, _, err := refurb(t, ctx, envv, "", "users", "create", "--email", "Ana@Example.org", "--name", "Ana Sousa", "--role", "STAFF")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "created user") || !strings.Contains(out, "password: ") {
		t.Errorf("users create without a password: got %q, want the generated password printed", out)
	}
	out, _, err = refurb(t, ctx, envv, "a very long password\n", "users", "create", "--email", "jo@example.org", "--name", "Jo", "--role", "trainee", "--password-stdin")
	if err != nil || strings.Contains(out, "password:") {
		t.Errorf("users create --password-stdin: got %q, %v; the password must not be echoed", out, err)
	}
	_, _, err = refurb(t, ctx, envv, "", "users", "create", "--email", "ANA@example.org", "--name", "Dup", "--role", "STAFF")
	if err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Errorf("duplicate e-mail: got %v, want already exists", err)
	}
	_, _, err = refurb(t, ctx, envv, "", "users", "create", "--email", "x@example.org", "--name", "X", "--role", "BOSS")
	if err == nil || !strings.Contains(err.Error(), "--role") {
		t.Errorf("unknown role: got %v", err)
	}
	out, _, err = refurb(t, ctx, envv, "", "users", "list")
	if err != nil || !strings.Contains(out, "ana@example.org") || !strings.Contains(out, "TRAINEE") {
		t.Errorf("users list: got %q, %v", out, err)
	}

	token, stderr, err := refurb(t, ctx, envv, "", "tokens", "create", "--email", "ana@example.org", "--name", "label printer")
	token = strings.TrimSpace(token)
	if err != nil || !strings.HasPrefix(token, "rfb_") || !strings.Contains(stderr, "only once") {
		t.Fatalf("tokens create: got %q %q %v", token, stderr, err)
	}
	out, _, _ = refurb(t, ctx, envv, "", "tokens", "list", "--email", "ana@example.org")
	if !strings.Contains(out, "label printer") || strings.Contains(out, token) {
		t.Errorf("tokens list: got %q; it must list the token by name, never show it", out)
	}
	if _, _, err := refurb(t, ctx, envv, "", "tokens", "create", "--email", "ghost@example.org"); err == nil || !strings.Contains(err.Error(), "no user") {
		t.Errorf("token for an unknown user: got %v", err)
	}
	_, stderr, err = refurb(t, ctx, envv, "", "tokens", "create", "--email", "ana@example.org", "--name", "volunteer script", "--expires-in", "30d")
	if want := time.Now().AddDate(0, 0, 30).Format("2006-01-02"); err != nil || !strings.Contains(stderr, "valid until "+want) {
		t.Errorf("tokens create --expires-in 30d: got %q %v, want valid until %s", stderr, err, want)
	}
	out, _, _ = refurb(t, ctx, envv, "", "tokens", "list", "--email", "ana@example.org")
	if !strings.Contains(out, "EXPIRES") || !strings.Contains(out, time.Now().AddDate(0, 0, 30).Format("2006-01-02")) {
		t.Errorf("tokens list: got %q, want the expiry listed", out)
	}
	for _, bad := range []string{"0d", "soon", "-5h", "99999d"} {
		if _, _, err := refurb(t, ctx, envv, "", "tokens", "create", "--email", "ana@example.org", "--expires-in", bad); err == nil || !strings.Contains(err.Error(), "--expires-in") {
			t.Errorf("--expires-in %s: got %v, want a refusal naming the flag", bad, err)
		}
	}
}

func TestMigrateCommands(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	ctx := context.Background()
	envv := map[string]string{"DATABASE_URL": db.URL}

	out, _, err := refurb(t, ctx, envv, "", "migrate", "status")
	if err != nil || !strings.Contains(out, "applied  20261123000001_create_identity") {
		t.Fatalf("status: got %q, %v", out, err)
	}
	out, _, err = refurb(t, ctx, envv, "", "migrate", "down")
	if err != nil || !strings.Contains(out, "reverted") {
		t.Fatalf("down: got %q, %v", out, err)
	}
	var n int
	db.Owner.NewRaw("SELECT count(*) FROM pg_tables WHERE tablename = 'users'").Scan(ctx, &n)
	if n != 0 {
		t.Errorf("users table after migrate down: still there")
	}
	// A server refuses a schema that is behind.
	_, _, err = refurb(t, ctx, envv, "", "users", "list")
	if err == nil || !strings.Contains(err.Error(), "behind") {
		t.Errorf("command on a schema that is behind: got %v, want a message saying so", err)
	}
	out, _, err = refurb(t, ctx, envv, "", "migrate", "up")
	if err != nil || !strings.Contains(out, "applied 20261123000001_create_identity") {
		t.Fatalf("up: got %q, %v", out, err)
	}
	out, _, _ = refurb(t, ctx, envv, "", "migrate", "up")
	if !strings.Contains(out, "nothing to apply") {
		t.Errorf("second up: got %q", out)
	}
}

func TestMigrateNew(t *testing.T) {
	dir := t.TempDir()
	out, _, err := refurb(t, context.Background(), nil, "", "migrate", "-dir", dir, "new", "create_devices")
	if err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*_create_devices.tx.*.sql"))
	if len(files) != 2 || !strings.Contains(out, "created") {
		t.Errorf("migrate new: got files %v, output %q", files, out)
	}
	if _, _, err := refurb(t, context.Background(), nil, "", "migrate", "-dir", dir, "new", "Bad Name"); err == nil {
		t.Error("migrate new with a bad name succeeded")
	}
}

func TestHelpVersionAndUnknown(t *testing.T) {
	out, _, err := refurb(t, context.Background(), nil, "", "version")
	if err != nil || !strings.HasPrefix(out, "refurb ") {
		t.Errorf("version: %q %v", out, err)
	}
	_, stderr, _ := refurb(t, context.Background(), nil, "", "serve", "-h")
	for _, want := range []string{"-database-url", "[DATABASE_URL]", "-listen-addr", "[LISTEN_ADDR]", "-public-url", "[PUBLIC_URL]", "-log-level", "-log-format", "-data-dir", "-migrate", "-graphiql", "-introspection", "-graphql-max-cost", "[GRAPHQL_MAX_COST]", "-graphql-max-response-bytes"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("serve -h lacks %s", want)
		}
	}
	if _, _, err := refurb(t, context.Background(), nil, "", "frobnicate"); err == nil {
		t.Error("an unknown command succeeded")
	}
	_, _, err = refurb(t, context.Background(), map[string]string{"LOG_FORMAT": "xml"}, "", "serve")
	if err == nil || !strings.Contains(err.Error(), "log-format") {
		t.Errorf("bad LOG_FORMAT: got %v", err)
	}
	_, _, err = refurb(t, context.Background(), map[string]string{"GRAPHQL_MAX_COST": "lots"}, "", "serve")
	if err == nil || !strings.Contains(err.Error(), "GRAPHQL_MAX_COST") {
		t.Errorf("bad GRAPHQL_MAX_COST: got %v", err)
	}
	_, _, err = refurb(t, context.Background(), nil, "", "serve", "-graphql-max-cost", "0")
	if err == nil || !strings.Contains(err.Error(), "must be positive") {
		t.Errorf("-graphql-max-cost 0: got %v, want a refusal", err)
	}
	_, _, err = refurb(t, context.Background(), map[string]string{"SMTP_URL": "mail://u:s3cret@x"}, "", "serve")
	if err == nil || !strings.Contains(err.Error(), "-smtp-url") || strings.Contains(err.Error(), "s3cret") {
		t.Errorf("bad SMTP_URL: got %v, want a refusal without the password", err)
	}
}

func TestMaskURL(t *testing.T) {
	for in, want := range map[string]string{
		"postgres://app:s3cret@db.example:5432/refurb?sslmode=require": "postgres://app:xxxxx@db.example:5432/refurb?sslmode=require",
		"postgres:///refurb?host=/tmp&password=s3cret":                 "postgres:///refurb?host=%2Ftmp&password=xxxxx",
		"host=db user=app password=s3cret dbname=refurb":               "host=db user=app password=xxxxx dbname=refurb",
		"smtp://refurb:s3cret@mail.example.org:587?from=a@example.org": "smtp://refurb:xxxxx@mail.example.org:587?from=a@example.org",
	} {
		if got := maskURL(in); got != want || strings.Contains(got, "s3cret") {
			t.Errorf("maskURL(%q) = %q, want %q", in, got, want)
		}
	}
}

func freeAddr(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// serve runs `refurb serve` until it answers /readyz, and returns a function that stops it
// (as SIGTERM would) and returns its output and error.
func serve(t *testing.T, envv map[string]string, args ...string) (string, func() (string, error)) {
	t.Helper()
	addr := freeAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	var out, errb bytes.Buffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append([]string{"serve", "-listen-addr", addr}, args...), func(k string) string { return envv[k] }, strings.NewReader(""), &out, &errb)
	}()
	deadline := time.Now().Add(60 * time.Second)
	for {
		resp, err := http.Get("http://" + addr + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				break
			}
		}
		select {
		case err := <-done:
			cancel()
			t.Fatalf("serve stopped before it was ready: %v\n%s\n%s", err, out.String(), errb.String())
		default:
		}
		if time.Now().After(deadline) {
			cancel()
			t.Fatalf("serve not ready after 60s:\n%s", errb.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	return "http://" + addr, func() (string, error) {
		cancel()
		err := <-done
		return out.String() + errb.String(), err
	}
}

func TestServeRefusesSchemaBehind(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	if _, err := db.Owner.ExecContext(context.Background(), "DELETE FROM bun_migrations"); err != nil {
		t.Fatal(err)
	}
	_, _, err := refurb(t, context.Background(), map[string]string{"DATABASE_URL": db.URL}, "", "serve", "-listen-addr", freeAddr(t))
	if err == nil || !strings.Contains(err.Error(), "behind") || !strings.Contains(err.Error(), "-migrate") {
		t.Errorf("serve on a schema that is behind: got %v, want a refusal naming -migrate", err)
	}
}

// TestServeEmbeddedDatabase is what `make run` does: a private cluster created on first start,
// migrated, an administrator printed once; stopped with the server and reused on the next start.
func TestServeEmbeddedDatabase(t *testing.T) {
	if testing.Short() {
		t.Skip("starts PostgreSQL")
	}
	t.Parallel()
	// The postgres user must be able to reach the data directory when the tests run as root.
	base, err := os.MkdirTemp("", "refurb-serve-test-")
	if err != nil {
		t.Fatal(err)
	}
	os.Chmod(base, 0o755)
	t.Cleanup(func() { os.RemoveAll(base) })
	dataDir := filepath.Join(base, "postgres")
	envv := map[string]string{"REFURB_DATA_DIR": dataDir}

	url, stop := serve(t, envv, "-migrate")
	resp, err := http.Get(url + "/graphql?query=%7Bme%7Bid%7D%7D")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("GET /graphql: got %d", resp.StatusCode)
	}
	// The private database is someone's own server: anyone may introspect (-introspection auto).
	if got := introspect(t, url, ""); got != 200 {
		t.Errorf("anonymous introspection on the private database: got %d, want 200", got)
	}
	out, err := stop()
	if err != nil {
		t.Fatalf("serve: %v\n%s", err, out)
	}
	if !strings.Contains(out, "e-mail:   admin@refurb.local") || !strings.Contains(out, "password: ") {
		t.Errorf("first start did not print the administrator:\n%s", out)
	}
	// The access log's lines are written in batches (internal/logsink): the request's line
	// is there once the server has stopped, ids and no query text.
	if !strings.Contains(out, "msg=request method=GET path=/graphql status=200") || strings.Contains(out, "%7Bme") {
		t.Errorf("the access log lacks GET /graphql, or shows its query:\n%s", out)
	}
	if _, err := os.Stat(filepath.Join(dataDir, "postmaster.pid")); !os.IsNotExist(err) {
		t.Errorf("PostgreSQL still running after the server stopped (postmaster.pid: %v)", err)
	}

	_, stop = serve(t, envv) // no -migrate: the schema is current
	out, err = stop()
	if err != nil {
		t.Fatalf("second start: %v\n%s", err, out)
	}
	if strings.Contains(out, "First start") {
		t.Errorf("second start created another administrator:\n%s", out)
	}
	users, _, err := refurb(t, context.Background(), envv, "", "users", "list")
	if err != nil || !strings.Contains(users, "admin@refurb.local") {
		t.Errorf("users list on the stopped cluster: got %q, %v (the data must survive)", users, err)
	}
}

func TestOrgCommand(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	ctx := context.Background()
	envv := map[string]string{"DATABASE_URL": db.URL}
	logo := filepath.Join(t.TempDir(), "logo.png")
	// The smallest valid PNG is enough: the store checks the type and the size.
	if err := os.WriteFile(logo, []byte("\x89PNG\r\n\x1a\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, _, err := refurb(t, ctx, envv, "", "org", "set", "--name", "Digital Inclusion asbl", "--address", "1 rue de l'Atelier, L-1234 Luxembourg", "--registration-number", "F1234", "--logo", logo)
	if err != nil || !strings.Contains(out, "F1234") {
		t.Fatalf("org set: got %q, %v; want the organisation as set", out, err)
	}
	out, _, err = refurb(t, ctx, envv, "", "org", "show")
	if err != nil || !strings.Contains(out, "Digital Inclusion asbl") || !strings.Contains(out, "F1234") || !strings.Contains(out, "logo:                true") {
		t.Errorf("org show after set: got %q, %v", out, err)
	}
	if _, _, err := refurb(t, ctx, envv, "", "org", "set", "--name", " "); err == nil || !strings.Contains(err.Error(), "name") {
		t.Errorf("org set without a name: got %v, want a field error on name", err)
	}
	if out, _, _ := refurb(t, ctx, envv, "", "org", "show"); !strings.Contains(out, "Digital Inclusion asbl") {
		t.Errorf("a refused change changed the organisation: %q", out)
	}
}

// A checkout under a home the postgres user cannot enter keeps its private cluster under
// /var/lib/refurb, in a directory of its own that stays the same from one start to the next.
func TestFallbackDataDir(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("the fallback directory is created under /var/lib, which needs root")
	}
	a1, err := fallbackDataDir("/root/refurb/var/postgres")
	if err != nil {
		t.Fatal(err)
	}
	a2, _ := fallbackDataDir("/root/refurb/var/postgres")
	b, _ := fallbackDataDir("/root/other/refurb/var/postgres")
	if a1 != a2 || a1 == b || !strings.HasPrefix(a1, "/var/lib/refurb/refurb-") {
		t.Errorf("fallback directories: %q, %q, %q; want one stable directory per checkout under /var/lib/refurb", a1, a2, b)
	}
}

func TestIntrospectionFor(t *testing.T) {
	for _, tc := range []struct {
		value              string
		embedded           bool
		everyone, signedIn bool
	}{
		{"auto", true, true, true},
		{"auto", false, false, true},
		{"", false, false, true},
		{"on", false, true, true},
		{"TRUE", false, true, true},
		{"off", true, false, false},
		{"false", true, false, false},
	} {
		everyone, signedIn, err := introspectionFor(tc.value, tc.embedded)
		if err != nil || everyone != tc.everyone || signedIn != tc.signedIn {
			t.Errorf("-introspection %q (private database %v): got everyone %v, signed in %v, %v; want %v, %v",
				tc.value, tc.embedded, everyone, signedIn, err, tc.everyone, tc.signedIn)
		}
	}
	if _, _, err := introspectionFor("sometimes", false); err == nil {
		t.Error("-introspection sometimes: accepted")
	}
}

// introspect asks url's GraphQL endpoint for the schema's query type with token (none: "")
// and returns the status.
func introspect(t *testing.T, url, token string) int {
	t.Helper()
	req, _ := http.NewRequest("GET", url+"/graphql?query=%7B__schema%7BqueryType%7Bname%7D%7D%7D", nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// With DATABASE_URL, introspection is for signed-in callers unless -introspection says
// otherwise (the private database's case is in TestServeEmbeddedDatabase).
func TestServeIntrospection(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	ctx := context.Background()
	envv := map[string]string{"DATABASE_URL": db.URL}
	if _, _, err := refurb(t, ctx, envv, "", "users", "create", "--email", "dev@example.org", "--name", "Dev", "--role", "staff"); err != nil {
		t.Fatal(err)
	}
	token, _, err := refurb(t, ctx, envv, "", "tokens", "create", "--email", "dev@example.org", "--name", "schema")
	if err != nil {
		t.Fatal(err)
	}
	token = strings.TrimSpace(token)
	for _, tc := range []struct {
		name            string
		env             map[string]string
		args            []string
		anonymous, user int
	}{
		{"auto", envv, nil, 400, 200},
		{"on", envv, []string{"-introspection", "on"}, 200, 200},
		{"INTROSPECTION=true", map[string]string{"DATABASE_URL": db.URL, "INTROSPECTION": "true"}, nil, 200, 200},
		{"off", envv, []string{"-introspection", "off"}, 400, 400},
	} {
		url, stop := serve(t, tc.env, tc.args...)
		anonymous, user := introspect(t, url, ""), introspect(t, url, token)
		out, err := stop()
		if err != nil {
			t.Fatalf("%s: serve: %v\n%s", tc.name, err, out)
		}
		if anonymous != tc.anonymous || user != tc.user {
			t.Errorf("%s: introspection got %d anonymously and %d with a token, want %d and %d", tc.name, anonymous, user, tc.anonymous, tc.user)
		}
	}
}

// TestGraphQLConcurrency: -graphql-concurrency set is taken as it is; left at 0 it is twice the
// cores when PostgreSQL is on this machine (the private cluster, a socket, a loopback address),
// the pool's size when it is elsewhere; a negative one is refused before anything starts.
func TestGraphQLConcurrency(t *testing.T) {
	cores := runtime.GOMAXPROCS(0)
	for _, c := range []struct {
		setting  int
		embedded bool
		want     int
	}{{3, true, 3}, {3, false, 3}, {0, true, 2 * cores}, {0, false, 20}} {
		if got := concurrencyFor(c.setting, c.embedded, 20); got != c.want {
			t.Errorf("concurrencyFor(%d, embedded %v, pool 20) = %d, want %d", c.setting, c.embedded, got, c.want)
		}
	}
	for url, want := range map[string]bool{
		"": false, // the private database: the caller knows
		"postgres://refurb@/refurb?host=/srv/pg&sslmode=disable": true,
		"postgres://refurb@localhost:5432/refurb":                true,
		"postgres://refurb@127.0.0.1/refurb":                     true,
		"postgres://refurb@[::1]:5433/refurb":                    true,
		"postgres://refurb@db.example.org/refurb":                false,
		"postgres://refurb@10.0.0.5/refurb":                      false,
		"host=/var/run/postgresql dbname=refurb":                 true,
	} {
		if got := sameMachine(url); got != want {
			t.Errorf("sameMachine(%q) = %v, want %v", url, got, want)
		}
	}
	_, _, err := refurb(t, t.Context(), map[string]string{"DATABASE_URL": "postgres://nowhere.invalid/refurb"}, "", "serve", "-graphql-concurrency", "-1")
	if err == nil || !strings.Contains(err.Error(), "-graphql-concurrency (-1) must be 0 (automatic) or positive") {
		t.Errorf("serve -graphql-concurrency -1: got %v, want the flag named and refused", err)
	}
}
