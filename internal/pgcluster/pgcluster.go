// Package pgcluster runs a private PostgreSQL cluster for Refurb: one data directory, reachable
// only over a unix socket by the OS user that runs it, with a superuser named refurb and a
// database named refurb. `refurb serve` and the other subcommands use it when no DATABASE_URL
// is given, and the test runner (internal/pgtest/withpg) uses it for a throwaway cluster.
//
// The server's output goes to server.log in the data directory, which nothing rotates; the
// settings Refurb relies on (no TCP, the socket directory, test-only speed-ups) are rewritten
// into refurb.conf there at every start.
//
// It does not install PostgreSQL (it finds the server binaries, see FindBinDir), does not
// manage clusters it did not create (it only attaches to them when they are already running
// from the same data directory) and never listens on TCP.
package pgcluster

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/digital-inclusion/refurb/internal/pgcode"
)

// ErrUnreachable means that the OS user PostgreSQL runs as (postgres, when Refurb runs as root)
// cannot reach the data directory, typically one under root's 0700 home.
var ErrUnreachable = errors.New("data directory out of reach of the PostgreSQL user")

// ErrDiskFull means that PostgreSQL could not start or initialise its data directory because
// the disk holding it is full.
var ErrDiskFull = errors.New("disk full")

// ErrNoBinaries means no PostgreSQL server binaries (postgres, initdb, pg_ctl) were found.
var ErrNoBinaries = errors.New("no PostgreSQL server binaries found: install them (Debian: apt-get install postgresql) or set DATABASE_URL to an existing database")

const (
	// Superuser is the name initdb gives the cluster's superuser.
	Superuser = "refurb"
	// Database is the database Start creates for the application.
	Database = "refurb"

	// port only names the socket file (.s.PGSQL.5432): the server listens on no TCP port, and
	// its socket directory is private to this data directory, so the port never clashes.
	port = 5432
	// logFile is the server log, inside the data directory, written by pg_ctl -l.
	logFile = "server.log"
	// confFile holds the settings Start rewrites at every start; postgresql.conf includes it.
	confFile = "refurb.conf"
	// maxSocketPath keeps the socket path under the kernel's limit for unix socket addresses
	// (108 bytes on Linux, 104 on macOS, including the terminating NUL).
	maxSocketPath = 100
	// startTimeout bounds how long Start waits for the server to accept connections.
	startTimeout = 60 * time.Second
)

// Options say where the cluster lives and how to run it.
type Options struct {
	// DataDir is the cluster's data directory, e.g. ./var/postgres. It is created and
	// initialised on the first start and reused afterwards.
	DataDir string
	// BinDir holds postgres, initdb and pg_ctl. Empty means FindBinDir.
	BinDir string
	// Logger receives a few lines about initialising, starting and stopping. Nil discards them.
	Logger *slog.Logger
	// Fast trades durability for speed, for throwaway test clusters: fsync, synchronous_commit
	// and full_page_writes off, and max_connections 300 so that parallel test processes each
	// get their pools. It applies when this process starts the server, not when it attaches.
	Fast bool
}

// Cluster is a PostgreSQL cluster that Start started or attached to.
type Cluster struct {
	binDir    string
	dataDir   string
	socketDir string
	// runAs is the OS user the server runs as: the current user, or another one when this
	// process is root (PostgreSQL refuses to run as root).
	runAs   *osUser
	log     *slog.Logger
	started bool
	fast    bool // Options.Fast, for a restart
}

// Start starts the cluster in opts.DataDir, initialising the directory first if it holds no
// cluster yet, and makes sure the database refurb exists. If a server for that data directory
// is already running, Start attaches to it instead, and Started reports false.
func Start(ctx context.Context, opts Options) (*Cluster, error) {
	if opts.DataDir == "" {
		return nil, errors.New("start PostgreSQL: no data directory given")
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	binDir := opts.BinDir
	if binDir == "" {
		var err error
		if binDir, err = FindBinDir(); err != nil {
			return nil, err
		}
	} else if !hasBinaries(binDir) {
		return nil, fmt.Errorf("%w (looked in %s)", ErrNoBinaries, binDir)
	}
	dataDir, err := filepath.Abs(opts.DataDir)
	if err != nil {
		return nil, fmt.Errorf("start PostgreSQL: data directory: %w", err)
	}
	// pg_ctl hands the data directory and log file to /bin/sh inside double quotes, so these
	// characters would be interpreted by the shell rather than reach PostgreSQL.
	if strings.ContainsAny(dataDir, "\"$`\\\n") {
		return nil, fmt.Errorf("start PostgreSQL: data directory %q contains a character pg_ctl cannot pass on (one of \" $ ` \\ or a newline): choose another path", dataDir)
	}

	runAs, err := serverUser(dataDir)
	if err != nil {
		return nil, err
	}
	if err := prepareDataDir(dataDir, runAs); err != nil {
		return nil, err
	}
	socketDir, err := prepareSocketDir(dataDir, runAs)
	if err != nil {
		return nil, err
	}
	c := &Cluster{binDir: binDir, dataDir: dataDir, socketDir: socketDir, runAs: runAs, log: log, fast: opts.Fast}

	// Two processes starting on the same data directory at once (two terminals, parallel
	// tests) would otherwise both run initdb or pg_ctl start; the loser waits here and then
	// finds the server running.
	unlock, err := lockDir(ctx, dataDir)
	if err != nil {
		return nil, fmt.Errorf("start PostgreSQL: lock %s: %w", dataDir, err)
	}
	defer unlock()

	// Only now, holding the lock, can we tell a fresh directory from one another process is
	// initialising.
	fresh, err := claimDataDir(dataDir, runAs)
	if err != nil {
		return nil, err
	}
	if fresh {
		t0 := time.Now()
		log.Info("initialising PostgreSQL data directory", "data_dir", dataDir)
		if err := c.initdb(ctx, opts.Fast); err != nil {
			return nil, err
		}
		log.Info("initialised PostgreSQL data directory", "duration", time.Since(t0).Round(time.Millisecond))
	} else if err := c.ping(ctx); err == nil {
		log.Info("attached to running PostgreSQL", "data_dir", dataDir)
		if err := c.ensureDatabase(ctx); err != nil {
			return nil, err
		}
		return c, nil
	}
	if err := c.writeConf(opts.Fast); err != nil {
		return nil, err
	}
	if err := c.clearStale(ctx); err != nil {
		return nil, err
	}
	t0 := time.Now()
	if err := c.start(ctx); err != nil {
		return nil, err
	}
	log.Info("started PostgreSQL", "data_dir", dataDir, "duration", time.Since(t0).Round(time.Millisecond))
	if err := c.ensureDatabase(ctx); err != nil {
		// Leave nothing running that the caller cannot stop: it gets no Cluster.
		if stopErr := c.Stop(context.WithoutCancel(ctx)); stopErr != nil {
			err = errors.Join(err, stopErr)
		}
		return nil, err
	}
	return c, nil
}

// URL returns a connection URL for dbname as the superuser over the unix socket, in the form
// pgx and libpq accept.
func (c *Cluster) URL(dbname string) string {
	u := url.URL{
		Scheme:   "postgres",
		User:     url.User(Superuser),
		Path:     "/" + dbname,
		RawQuery: url.Values{"host": {c.socketDir}, "port": {strconv.Itoa(port)}, "sslmode": {"disable"}}.Encode(),
	}
	return u.String()
}

// DataDir returns the absolute path of the data directory.
func (c *Cluster) DataDir() string { return c.dataDir }

// LogFile returns the path of the server log.
func (c *Cluster) LogFile() string { return filepath.Join(c.dataDir, logFile) }

// Started reports whether this process started the server; it is false when Start attached to
// a server that was already running.
func (c *Cluster) Started() bool { return c.started }

// Stop shuts the server down cleanly (pg_ctl stop -m fast: open sessions are disconnected and
// their transactions rolled back) if this process started it. For an attached cluster it does
// nothing, so that the process that started the server keeps it.
func (c *Cluster) Stop(ctx context.Context) error {
	if !c.started {
		return nil
	}
	out, err := c.run(ctx, "pg_ctl", "stop", "-D", c.dataDir, "-m", "fast", "-w", "-t", "60", "-s")
	if err != nil {
		return fmt.Errorf("stop PostgreSQL: %w%s%s", err, outputNote(out), c.logNote(0))
	}
	c.started = false
	c.log.Info("stopped PostgreSQL", "data_dir", c.dataDir)
	if c.socketDir != c.dataDir {
		// Tidy the directory under os.TempDir(); it is empty now, and the next Start makes
		// it again. Should another server have its socket there, Remove fails: fine.
		os.Remove(c.socketDir)
	}
	return nil
}

// initdb creates the cluster: superuser refurb, UTF-8 without locale (sorting by code point,
// identical on every machine), and password-less login for local socket connections only.
func (c *Cluster) initdb(ctx context.Context, fast bool) error {
	args := []string{
		"-D", c.dataDir,
		"-U", Superuser,
		"-E", "UTF8",
		"--no-locale",
		"--auth-local=trust",
		"--auth-host=reject",
	}
	if fast {
		// A throwaway cluster need not survive a power cut, and syncing costs seconds.
		args = append(args, "--no-sync")
	}
	out, err := c.run(ctx, "initdb", args...)
	if err != nil && bytes.Contains(out, []byte("No space left on device")) {
		return diskFullError(fmt.Sprintf("PostgreSQL cannot initialise %s: the disk holding it is full (%s free): free some space and start again", c.dataDir, freeSpace(c.dataDir)))
	}
	if err != nil {
		return fmt.Errorf("initialise PostgreSQL data directory %s: %w%s", c.dataDir, err, outputNote(out))
	}
	return nil
}

// includeLine makes postgresql.conf read confFile. It goes last, so that its settings win
// over the defaults initdb wrote; ALTER SYSTEM (postgresql.auto.conf) still wins over both.
const includeLine = "include_if_exists = '" + confFile + "'"

// writeConf rewrites confFile with the settings Refurb relies on and makes sure
// postgresql.conf includes it. It runs at every start, so that the socket directory follows
// the data directory if it moved, and Fast applies to this run only.
func (c *Cluster) writeConf(fast bool) error {
	var b strings.Builder
	b.WriteString("# Written by Refurb at every start of this cluster (internal/pgcluster); edits are lost.\n")
	b.WriteString("# Use ALTER SYSTEM for settings of your own.\n")
	b.WriteString("listen_addresses = ''\n")
	fmt.Fprintf(&b, "port = %d\n", port)
	fmt.Fprintf(&b, "unix_socket_directories = %s\n", confQuote(c.socketDir))
	b.WriteString("unix_socket_permissions = 0700\n")
	if fast {
		b.WriteString("# Fast: a throwaway test cluster.\n")
		b.WriteString("fsync = off\nsynchronous_commit = off\nfull_page_writes = off\nmax_connections = 300\n")
	}
	if err := c.writeOwnedFile(filepath.Join(c.dataDir, confFile), []byte(b.String())); err != nil {
		return fmt.Errorf("write PostgreSQL settings: %w", err)
	}

	main := filepath.Join(c.dataDir, "postgresql.conf")
	data, err := os.ReadFile(main)
	if err != nil {
		return fmt.Errorf("read PostgreSQL settings: %w", err)
	}
	if bytes.Contains(data, []byte(includeLine)) {
		return nil
	}
	// Appending keeps the file's owner, so the server user can still read it.
	f, err := os.OpenFile(main, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		return fmt.Errorf("write PostgreSQL settings: %w", err)
	}
	_, err = fmt.Fprintf(f, "\n# Added by Refurb: settings it rewrites at every start.\n%s\n", includeLine)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("write PostgreSQL settings: %w", err)
	}
	return nil
}

// writeOwnedFile writes a file in the data directory that the server user can read.
func (c *Cluster) writeOwnedFile(path string, data []byte) error {
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, data, 0o600); err != nil {
		return err
	}
	if c.runAs.switchTo {
		if err := os.Chown(tmp, int(c.runAs.uid), int(c.runAs.gid)); err != nil {
			os.Remove(tmp)
			return err
		}
	}
	return os.Rename(tmp, path)
}

// start runs pg_ctl start and waits until the server accepts connections.
func (c *Cluster) start(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, startTimeout)
	defer cancel()
	var logFrom int64
	if fi, err := os.Stat(c.LogFile()); err == nil {
		logFrom = fi.Size()
	}
	out, err := c.run(ctx, "pg_ctl", "start", "-D", c.dataDir, "-l", c.LogFile(), "-w",
		"-t", strconv.Itoa(int(startTimeout/time.Second)), "-s")
	if err != nil && ctx.Err() != nil {
		// Cancelled or timed out while pg_ctl waited: the server may be up without anyone
		// holding a Cluster to stop it, so stop it here, best effort.
		c.run(context.WithoutCancel(ctx), "pg_ctl", "stop", "-D", c.dataDir, "-m", "fast", "-w", "-s") //nolint:errcheck
		return fmt.Errorf("start PostgreSQL in %s: %w%s", c.dataDir, ctx.Err(), c.logNote(logFrom))
	}
	if err != nil {
		// Someone may have started it between our check and pg_ctl (by hand, outside the
		// lock, or it was still starting up): then pg_ctl fails on the existing
		// postmaster.pid, and attaching is right.
		if _, serr := os.Stat(filepath.Join(c.dataDir, "postmaster.pid")); serr == nil {
			if perr := c.waitReady(ctx, 5*time.Second); perr == nil {
				c.log.Info("attached to PostgreSQL started concurrently", "data_dir", c.dataDir)
				return nil
			}
		}
		if full := c.diskFull(logFrom); full != nil {
			return full
		}
		return fmt.Errorf("start PostgreSQL in %s: %w%s%s", c.dataDir, err, outputNote(out), c.logNote(logFrom))
	}
	c.started = true
	// pg_ctl -w waits for the postmaster to report itself ready; checking that a client can
	// really connect over our socket catches a wrong socket directory or permissions.
	if err := c.waitReady(ctx, 10*time.Second); err != nil {
		return fmt.Errorf("PostgreSQL started but does not accept connections on %s: %w%s", c.socketDir, err, c.logNote(logFrom))
	}
	return nil
}

// ensureDatabase creates the application database if it is missing.
func (c *Cluster) ensureDatabase(ctx context.Context) error {
	conn, err := c.connect(ctx, "postgres")
	if err != nil {
		return fmt.Errorf("create database %s: %w", Database, err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	var exists bool
	if err := conn.QueryRow(ctx, "SELECT EXISTS (SELECT FROM pg_database WHERE datname = $1)", Database).Scan(&exists); err != nil {
		return fmt.Errorf("create database %s: %w", Database, err)
	}
	if exists {
		return nil
	}
	_, err = conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{Database}.Sanitize())
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == pgcode.DuplicateDatabase { // created meanwhile
		return nil
	}
	if err != nil {
		return fmt.Errorf("create database %s: %w", Database, err)
	}
	return nil
}

// connect opens one connection to dbname, giving up after a few seconds.
func (c *Cluster) connect(ctx context.Context, dbname string) (*pgx.Conn, error) {
	cfg, err := pgx.ParseConfig(c.URL(dbname))
	if err != nil {
		return nil, fmt.Errorf("parse connection URL: %w", err)
	}
	cfg.ConnectTimeout = 5 * time.Second
	return pgx.ConnectConfig(ctx, cfg)
}

// ping reports whether the server answers a query.
func (c *Cluster) ping(ctx context.Context) error {
	conn, err := c.connect(ctx, "postgres")
	if err != nil {
		return err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	_, err = conn.Exec(ctx, "SELECT 1")
	return err
}

// waitReady pings until the server answers or max has passed, and returns the last error.
func (c *Cluster) waitReady(ctx context.Context, max time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, max)
	defer cancel()
	for {
		err := c.ping(ctx)
		if err == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// run runs one of the PostgreSQL programs as the server user and returns its combined output.
func (c *Cluster) run(ctx context.Context, name string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, filepath.Join(c.binDir, name), args...)
	// The caller's working directory may not be accessible to the server user (root in
	// /root), and PostgreSQL programs complain about that; every path we pass is absolute.
	cmd.Dir = "/"
	cmd.Env = serverEnv(os.Environ())
	if cred := c.runAs.credential(); cred != nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
	}
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = &out
	// The postmaster that pg_ctl start leaves behind has its output redirected to the log file;
	// should anything still hold our pipe, do not wait for it forever.
	cmd.WaitDelay = 5 * time.Second
	err := cmd.Run()
	return out.Bytes(), err
}

// serverEnv drops the PG* variables: PGDATA, PGPORT, PGHOST and friends of the caller's own
// PostgreSQL setup must not redirect initdb, pg_ctl or the server.
func serverEnv(env []string) []string {
	out := env[:0:0]
	for _, kv := range env {
		if !strings.HasPrefix(kv, "PG") {
			out = append(out, kv)
		}
	}
	return out
}

// logNote returns the end of the server log from offset from on, for an error message, or ""
// if there is none. Start passes the log's size before pg_ctl ran, so that older runs' lines do
// not hide the reason.
func (c *Cluster) logNote(from int64) string {
	tail := tailFile(c.LogFile(), from, 20, 4096)
	if tail == "" {
		return ""
	}
	return "\nserver log " + c.LogFile() + " ends with:\n" + tail
}

// outputNote returns a program's output for an error message, or "" if it printed nothing.
func outputNote(out []byte) string {
	s := strings.TrimSpace(string(out))
	if s == "" {
		return ""
	}
	if len(s) > 4096 {
		s = "..." + s[len(s)-4096:]
	}
	return "\n" + s
}

// tailFile returns at most the last maxLines lines (and maxBytes bytes) of a file, from offset
// from on.
func tailFile(path string, from int64, maxLines int, maxBytes int64) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return ""
	}
	off := max(fi.Size()-maxBytes, from, 0)
	data, err := io.ReadAll(io.NewSectionReader(f, off, fi.Size()-off))
	if err != nil {
		return ""
	}
	lines := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
	if off > from && len(lines) > 1 {
		lines = lines[1:] // the first line is probably cut
	}
	if len(lines) > maxLines {
		lines = lines[len(lines)-maxLines:]
	}
	return strings.Join(lines, "\n")
}

// confQuote quotes a value for postgresql.conf.
func confQuote(s string) string {
	return "'" + strings.ReplaceAll(strings.ReplaceAll(s, `\`, `\\`), "'", "''") + "'"
}
