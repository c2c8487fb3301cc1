package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/uptrace/bun"

	"github.com/digital-inclusion/refurb/internal/database"
	"github.com/digital-inclusion/refurb/internal/pgcluster"
	"github.com/digital-inclusion/refurb/internal/pgcode"
	"github.com/digital-inclusion/refurb/migrations"
)

// dbHandle finds the database the way every command does: DATABASE_URL if set, else the
// private cluster in the data directory, attaching to it when a server already runs it and
// starting it for the command's duration when not.
type dbHandle struct {
	cfg     dbConfig
	log     *slog.Logger
	cluster *pgcluster.Cluster
	app     *bun.DB
	owner   *bun.DB
	release func() // lets another server have the private data directory; nil when not held
	// stopSupervising ends the server's watch over the private cluster and waits for it.
	stopSupervising func()
}

func openDBHandle(ctx context.Context, cfg dbConfig, logger *slog.Logger) (*dbHandle, error) {
	return openDB(ctx, cfg, logger, false)
}

// openServerDBHandle is openDBHandle for `refurb serve`, which on the private database must be
// the only server: each would stop the cluster under the other when it exits. Other commands
// attach to the cluster a server runs.
func openServerDBHandle(ctx context.Context, cfg dbConfig, logger *slog.Logger) (*dbHandle, error) {
	return openDB(ctx, cfg, logger, true)
}

func openDB(ctx context.Context, cfg dbConfig, logger *slog.Logger, serving bool) (*dbHandle, error) {
	h := &dbHandle{cfg: cfg, log: logger}
	if cfg.URL == "" {
		start := func(dataDir string) (*pgcluster.Cluster, error) {
			if serving {
				release, err := claimServer(dataDir)
				if err != nil {
					return nil, err
				}
				c, err := pgcluster.Start(ctx, pgcluster.Options{DataDir: dataDir, Logger: logger})
				if err != nil {
					release()
					return nil, err
				}
				h.release = release
				return c, nil
			}
			return pgcluster.Start(ctx, pgcluster.Options{DataDir: dataDir, Logger: logger})
		}
		c, err := start(cfg.DataDir)
		if errors.Is(err, pgcluster.ErrUnreachable) && cfg.DataDir == defaultDataDir {
			// Run as root from a checkout under a 0700 home (/root), PostgreSQL's own user cannot
			// reach ./var/postgres. Rather than fail `make run`, keep the cluster under
			// /var/lib/refurb, in a directory named after the checkout so each has its own.
			alt, aerr := fallbackDataDir(cfg.DataDir)
			if aerr != nil {
				return nil, err
			}
			logger.Warn("the data directory is out of reach of the postgres user; using another", "data_dir", alt)
			c, err = start(alt)
		}
		if err != nil {
			return nil, err
		}
		h.cluster = c
		if serving {
			// The server keeps its private PostgreSQL running: started again if it dies (a
			// crash, a full disk that stopped it), so that the server recovers by itself.
			sctx, cancel := context.WithCancel(ctx)
			done := make(chan struct{})
			go func() { defer close(done); c.Supervise(sctx) }()
			h.stopSupervising = func() { cancel(); <-done }
		}
		h.cfg.URL = c.URL("refurb")
		h.cfg.MigrateURL = h.cfg.URL
	}
	if h.cfg.MigrateURL == "" {
		h.cfg.MigrateURL = h.cfg.URL
	}
	return h, nil
}

// fallbackDataDir returns /var/lib/refurb/<checkout name>-<hash of its path>, created so that
// the postgres user can enter it.
func fallbackDataDir(dataDir string) (string, error) {
	abs, err := filepath.Abs(dataDir)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256([]byte(abs))
	base := "/var/lib/refurb"
	if err := os.MkdirAll(base, 0o755); err != nil {
		return "", err
	}
	if err := os.Chmod(base, 0o755); err != nil {
		return "", err
	}
	name := filepath.Base(filepath.Dir(filepath.Dir(abs))) // the checkout's directory, e.g. refurb
	return filepath.Join(base, name+"-"+hex.EncodeToString(sum[:4])), nil
}

// openApp is what the administrative commands do first: a logger, the database found as every
// command finds it, and the application role's pool on a schema that is current. The caller
// closes the handle.
func openApp(ctx context.Context, cfg dbConfig, lc logConfig, stderr io.Writer) (*bun.DB, *dbHandle, error) {
	logger, err := newLogger(lc, stderr)
	if err != nil {
		return nil, nil, err
	}
	h, err := openDBHandle(ctx, cfg, logger)
	if err != nil {
		return nil, nil, err
	}
	app, err := h.App(ctx)
	if err != nil {
		h.Close(ctx)
		return nil, nil, err
	}
	return app, h, nil
}

// embedded reports whether the database is the private cluster.
func (h *dbHandle) embedded() bool { return h.cluster != nil }

// Owner returns a pool connected as the schema owner, for migrations.
func (h *dbHandle) Owner(ctx context.Context) (*bun.DB, error) {
	if h.owner == nil {
		db, err := database.Open(ctx, h.cfg.MigrateURL, database.Options{MaxOpenConns: 2})
		if err != nil {
			return nil, err
		}
		h.owner = db
	}
	return h.owner, nil
}

// App returns the application role's pool. It refuses a database whose schema is behind this
// binary, since the code would meet tables it does not expect.
func (h *dbHandle) App(ctx context.Context) (*bun.DB, error) {
	if h.app != nil {
		return h.app, nil
	}
	db, err := database.Open(ctx, h.cfg.URL, database.Options{AsApp: true, MaxOpenConns: h.cfg.MaxConns})
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == pgcode.InvalidParameterValue { // role refurb_app does not exist
		return nil, errors.New("the database has no Refurb schema yet: run `refurb migrate up` or start the server with -migrate")
	}
	if err != nil {
		return nil, err
	}
	n, err := migrations.Pending(ctx, db)
	if err != nil {
		db.Close()
		return nil, err
	}
	if n > 0 {
		db.Close()
		return nil, fmt.Errorf("the database schema is behind this binary by %d migration(s): run `refurb migrate up` or start the server with -migrate", n)
	}
	h.app = db
	return db, nil
}

// Migrate applies pending migrations as the schema owner.
func (h *dbHandle) Migrate(ctx context.Context) error {
	owner, err := h.Owner(ctx)
	if err != nil {
		return err
	}
	m, err := migrations.New(owner)
	if err != nil {
		return err
	}
	applied, err := m.Up(ctx)
	for _, name := range applied {
		h.log.Info("migration applied", "migration", name)
	}
	return err
}

// Close closes the pools and stops the cluster if this command started it.
func (h *dbHandle) Close(ctx context.Context) error {
	if h.app != nil {
		h.app.Close()
	}
	if h.owner != nil {
		h.owner.Close()
	}
	if h.stopSupervising != nil {
		h.stopSupervising()
	}
	var err error
	if h.cluster != nil {
		err = h.cluster.Stop(context.WithoutCancel(ctx))
	}
	if h.release != nil {
		h.release()
	}
	return err
}

// claimServer makes this process the server of the private data directory dataDir until the
// returned function is called or the process ends (however it ends: the kernel drops the lock
// of a killed process), or refuses with a sentence naming the server that has it. The lock is a
// file beside the data directory, which must stay empty until initdb has run.
func claimServer(dataDir string) (func(), error) {
	abs, err := filepath.Abs(dataDir)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(abs), 0o755); err != nil {
		return nil, fmt.Errorf("private database: %w", err)
	}
	path := abs + ".serve.lock"
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("private database: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		b, _ := io.ReadAll(io.LimitReader(f, 32))
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			who := "another refurb serve"
			if pid := strings.TrimSpace(string(b)); pid != "" {
				who += " (process " + pid + ")"
			}
			return nil, fmt.Errorf("%s already serves the private database in %s: stop it first, or give this one its own -data-dir (several servers share one database through DATABASE_URL)", who, abs)
		}
		return nil, fmt.Errorf("private database: lock %s: %w", path, err)
	}
	// Say who holds it, for the next one's message.
	if err := f.Truncate(0); err == nil {
		f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0) //nolint:errcheck // only a note
	}
	// Unlocked before the close: a child forked by another goroutine and not yet at its exec
	// holds a copy of the descriptor, and with it the lock, until the exec closes it; the next
	// server started at once would be refused (a flaky test showed it). LOCK_UN on any copy
	// releases the lock for all of them.
	return func() {
		syscall.Flock(int(f.Fd()), syscall.LOCK_UN) //nolint:errcheck // the close releases it too
		f.Close()
	}, nil
}
