package pgcluster

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// newDataDir returns a data directory path in a fresh directory that the postgres user can
// enter (t.TempDir is private to root when tests run as root), removed after the test.
func newDataDir(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "refurb-pgcluster-test-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return filepath.Join(dir, "data")
}

// start starts a cluster and stops it when the test ends.
func start(t *testing.T, dataDir string) *Cluster {
	t.Helper()
	t0 := time.Now()
	c, err := Start(t.Context(), Options{DataDir: dataDir, Fast: true, Logger: slog.New(slog.NewTextHandler(t.Output(), nil))})
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Logf("Start took %v (started: %v)", time.Since(t0).Round(time.Millisecond), c.Started())
	t.Cleanup(func() {
		if err := c.Stop(context.Background()); err != nil {
			t.Errorf("Stop: %v", err)
		}
	})
	return c
}

func connect(t *testing.T, url string) *pgx.Conn {
	t.Helper()
	conn, err := pgx.Connect(t.Context(), url)
	if err != nil {
		t.Fatalf("connect to %s: %v", url, err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}

func TestStartStopRestart(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("starts PostgreSQL")
	}
	ctx := t.Context()
	dataDir := newDataDir(t)

	c := start(t, dataDir)
	if !c.Started() {
		t.Fatalf("first Start: got Started() false, want true")
	}
	conn := connect(t, c.URL(Database))
	if _, err := conn.Exec(ctx, "CREATE TABLE kept (v text); INSERT INTO kept VALUES ('row')"); err != nil {
		t.Fatal(err)
	}
	conn.Close(ctx)

	// A second process on the same data directory attaches, and its Stop leaves the server
	// to the process that started it.
	attached := start(t, dataDir)
	if attached.Started() {
		t.Errorf("Start while running: got Started() true, want false")
	}
	if got, want := attached.URL(Database), c.URL(Database); got != want {
		t.Errorf("attached URL: got %s, want %s", got, want)
	}
	if err := attached.Stop(ctx); err != nil {
		t.Fatalf("Stop of attached cluster: %v", err)
	}
	if err := c.ping(ctx); err != nil {
		t.Fatalf("after Stop of attached cluster: got %v, want the server still up", err)
	}

	if err := c.Stop(ctx); err != nil {
		t.Fatalf("Stop: %v", err)
	}
	if err := c.ping(ctx); err == nil {
		t.Fatalf("after Stop: got a server answering, want none")
	}
	if err := c.Stop(ctx); err != nil {
		t.Errorf("second Stop: got %v, want nil", err)
	}

	again := start(t, dataDir)
	if !again.Started() {
		t.Errorf("restart: got Started() false, want true")
	}
	var v string
	if err := connect(t, again.URL(Database)).QueryRow(ctx, "SELECT v FROM kept").Scan(&v); err != nil {
		t.Fatalf("after restart: %v", err)
	}
	if v != "row" {
		t.Errorf("after restart: got %q, want %q", v, "row")
	}

	// A server that fails to start is explained by the end of its log.
	if err := again.Stop(ctx); err != nil {
		t.Fatalf("Stop: %v", err)
	}
	auto := filepath.Join(dataDir, "postgresql.auto.conf")
	f, err := os.OpenFile(auto, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString("shared_buffers = 'plenty'\n"); err != nil {
		t.Fatal(err)
	}
	f.Close()
	_, err = Start(ctx, Options{DataDir: dataDir, Fast: true})
	if err == nil || !strings.Contains(err.Error(), "server log") || !strings.Contains(err.Error(), "shared_buffers") {
		t.Errorf("Start with a broken setting: got %v, want an error quoting the server log about shared_buffers", err)
	} else {
		t.Logf("Start with a broken setting: %v", err)
	}
}

func TestConcurrentFirstStart(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("starts PostgreSQL")
	}
	dataDir := newDataDir(t)
	clusters := make(chan *Cluster, 2)
	for range 2 {
		go func() {
			c, err := Start(t.Context(), Options{DataDir: dataDir, Fast: true})
			if err != nil {
				t.Errorf("Start: %v", err)
			}
			clusters <- c
		}()
	}
	var started int
	for range 2 {
		c := <-clusters
		if c == nil {
			continue
		}
		t.Cleanup(func() {
			if err := c.Stop(context.Background()); err != nil {
				t.Errorf("Stop: %v", err)
			}
		})
		if c.Started() {
			started++
		}
		if err := c.ping(t.Context()); err != nil {
			t.Errorf("ping: %v", err)
		}
	}
	if started != 1 {
		t.Errorf("two concurrent first starts: got %d that started the server, want 1", started)
	}
}

func TestLongDataDirUsesShortSocketDir(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("starts PostgreSQL")
	}
	dataDir := filepath.Join(filepath.Dir(newDataDir(t)), strings.Repeat("long-directory-name-", 5), "data")
	c := start(t, dataDir)
	if c.socketDir == dataDir || !strings.HasPrefix(c.socketDir, os.TempDir()) {
		t.Errorf("socket directory: got %s, want one under %s", c.socketDir, os.TempDir())
	}
	conn := connect(t, c.URL("postgres"))
	var one int
	if err := conn.QueryRow(t.Context(), "SELECT 1").Scan(&one); err != nil {
		t.Fatal(err)
	}
	conn.Close(t.Context())
	if err := c.Stop(t.Context()); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(c.socketDir); err == nil {
		os.Remove(c.socketDir)
		t.Errorf("after Stop: got socket directory %s still there, want it removed", c.socketDir)
	}
}

func TestNoBinaries(t *testing.T) {
	_, err := Start(t.Context(), Options{DataDir: filepath.Join(t.TempDir(), "data"), BinDir: t.TempDir()})
	if !errors.Is(err, ErrNoBinaries) {
		t.Errorf("Start with an empty BinDir: got %v, want ErrNoBinaries", err)
	}
}

func TestUnreachableParent(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("the check applies when running as root")
	}
	parent, err := os.MkdirTemp("", "refurb-pgcluster-private-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(parent) })
	if err := os.Chmod(parent, 0o700); err != nil {
		t.Fatal(err)
	}
	_, err = Start(t.Context(), Options{DataDir: filepath.Join(parent, "sub", "data")})
	if err == nil {
		t.Fatal("Start under a private directory: got no error, want one")
	}
	if !strings.Contains(err.Error(), "cannot enter "+parent+" ") {
		t.Errorf("Start under a private directory: got %q, want it to name %s", err, parent)
	}
	if _, err := os.Stat(filepath.Join(parent, "sub")); err == nil {
		t.Errorf("Start under a private directory created %s, want nothing created", filepath.Join(parent, "sub"))
	}
}

func TestFindBinDir(t *testing.T) {
	dir, err := FindBinDir()
	if errors.Is(err, ErrNoBinaries) {
		t.Skip("no PostgreSQL installed")
	}
	if err != nil || !hasBinaries(dir) {
		t.Errorf("FindBinDir: got %q, %v, want a directory with postgres, initdb and pg_ctl", dir, err)
	}
}

func TestConfQuote(t *testing.T) {
	for in, want := range map[string]string{
		"/tmp/x":     "'/tmp/x'",
		"/it's":      "'/it''s'",
		`C:\pg\data`: `'C:\\pg\\data'`,
	} {
		if got := confQuote(in); got != want {
			t.Errorf("confQuote(%q): got %s, want %s", in, got, want)
		}
	}
}

func TestTailFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "log")
	var b strings.Builder
	for i := range 30 {
		b.WriteString(strings.Repeat("x", i) + "\n")
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(tailFile(path, 0, 3, 4096), "\n")
	if len(lines) != 3 || lines[2] != strings.Repeat("x", 29) {
		t.Errorf("tailFile: got %q, want the last 3 lines", lines)
	}
	if got := tailFile(path, int64(b.Len()-3), 3, 4096); got != strings.Repeat("x", 2) {
		t.Errorf("tailFile from near the end: got %q, want %q", got, "xx")
	}
	if got := tailFile(filepath.Join(t.TempDir(), "missing"), 0, 3, 4096); got != "" {
		t.Errorf("tailFile of a missing file: got %q, want \"\"", got)
	}
}
