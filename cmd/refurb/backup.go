package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/digital-inclusion/refurb/internal/pgcluster"
	"github.com/digital-inclusion/refurb/migrations"
)

const backupSummary = `Writes a backup of the whole database to FILE, in pg_dump's custom format, with the machine's
PostgreSQL programs: the private database (-data-dir) or the one MIGRATE_DATABASE_URL (else
DATABASE_URL) names, as a role that sees every row (a superuser or one with BYPASSRLS: row-level
security would otherwise hide beneficiaries' and trainees' rows). The file appears only once
complete. Restore it with 'refurb restore FILE' into an empty database (docs/operations.md).`

const restoreSummary = `Restores a backup written by 'refurb backup' into an EMPTY database: the private database of a
new -data-dir, or the one MIGRATE_DATABASE_URL (else DATABASE_URL) names, created beforehand
(createdb). The restoring role owns what it restores, as it would after running the migrations;
the application role refurb_app, its privileges and the row-level security policies come with
the backup. All or nothing: one transaction.`

// backupFlags are what backup and restore read.
type backupFlags struct {
	db dbConfig
	lc logConfig
}

func parseBackupFlags(e env, name, summary string, args []string) (backupFlags, string, error) {
	var c backupFlags
	fs := newFlagSet(name, e, summary)
	fs.database(&c.db)
	fs.logging(&c.lc)
	// The file may come before or after the flags.
	var files []string
	for {
		if err := fs.parse(args); err != nil {
			return c, "", err
		}
		if fs.NArg() == 0 {
			break
		}
		files, args = append(files, fs.Arg(0)), fs.Args()[1:]
	}
	if len(files) != 1 {
		return c, "", fmt.Errorf("%s: name one file: refurb %s FILE", name, name)
	}
	return c, files[0], nil
}

func runBackup(ctx context.Context, e env, args []string) error {
	c, path, err := parseBackupFlags(e, "backup", backupSummary, args)
	if err != nil {
		return err
	}
	pgDump, err := pgcluster.FindProgram("pg_dump")
	if err != nil {
		return err
	}
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		return fmt.Errorf("backup: %s is a directory: name a file", path)
	}
	logger, err := newLogger(c.lc, e.stderr)
	if err != nil {
		return err
	}
	h, err := openDBHandle(ctx, c.db, logger)
	if err != nil {
		return err
	}
	defer h.Close(ctx)
	owner, err := h.Owner(ctx)
	if err != nil {
		return err
	}
	name, err := seesEveryRow(ctx, owner)
	if err != nil {
		return err
	}

	// Written beside the file and renamed once complete: a backup cut short by a crash or a
	// full disk is never taken for one.
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	tmp.Close()
	defer os.Remove(tmp.Name())
	t0 := time.Now()
	// --lock-wait-timeout: a migration holding a table must not keep the backup waiting
	// silently; pg_dump takes a consistent snapshot and blocks nobody else.
	if err := runPG(ctx, pgDump, h.cfg.MigrateURL, "--format=custom", "--lock-wait-timeout=60s", "--file", tmp.Name()); err != nil {
		return fmt.Errorf("backup: pg_dump: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	st, err := os.Stat(path)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "backed up database %s to %s (%.1f MB in %v)\n", name, path, float64(st.Size())/(1<<20), time.Since(t0).Round(time.Millisecond))
	return nil
}

// seesEveryRow refuses a role that row-level security would keep from some rows: pg_dump would
// then stop with PostgreSQL's error (it never dumps partially), and the sentence here says what
// to do. It returns the database's name.
func seesEveryRow(ctx context.Context, db *bun.DB) (string, error) {
	var (
		name, role string
		ok         bool
	)
	if err := db.QueryRowContext(ctx, "SELECT current_database(), current_user, rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = current_user").
		Scan(&name, &role, &ok); err != nil {
		return "", fmt.Errorf("backup: %w", err)
	}
	if !ok {
		return "", fmt.Errorf("backup: the role %s is subject to row-level security and would not see every row: back up as a superuser or as a role with BYPASSRLS (ALTER ROLE %s BYPASSRLS, as a superuser), named by MIGRATE_DATABASE_URL", role, role)
	}
	return name, nil
}

func runRestore(ctx context.Context, e env, args []string) error {
	c, path, err := parseBackupFlags(e, "restore", restoreSummary, args)
	if err != nil {
		return err
	}
	pgRestore, err := pgcluster.FindProgram("pg_restore")
	if err != nil {
		return err
	}
	// The file must be a backup: pg_restore --list reads its table of contents.
	if out, err := exec.CommandContext(ctx, pgRestore, "--list", path).CombinedOutput(); err != nil {
		return fmt.Errorf("restore: %s is not a backup written by refurb backup (pg_dump's custom format): %s", path, firstLine(out, err))
	}
	logger, err := newLogger(c.lc, e.stderr)
	if err != nil {
		return err
	}
	h, err := openDBHandle(ctx, c.db, logger)
	if err != nil {
		return err
	}
	defer h.Close(ctx)
	owner, err := h.Owner(ctx)
	if err != nil {
		return err
	}
	var (
		name   string
		tables int
	)
	if err := owner.QueryRowContext(ctx, `SELECT current_database(), (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S') AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\_%')`).
		Scan(&name, &tables); err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	if tables > 0 {
		return fmt.Errorf("restore: the database %s is not empty (%d tables, sequences or views): restore into an empty database, created with createdb and named by MIGRATE_DATABASE_URL or DATABASE_URL, or into a new -data-dir", name, tables)
	}
	// The backup grants privileges to refurb_app, which a new cluster lacks: create it as the
	// first migration does, and let the restoring role act as it (SET ROLE).
	for _, q := range []string{
		"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '" + migrations.AppRole + "') THEN CREATE ROLE " + migrations.AppRole + " NOLOGIN; END IF; END $$",
		"DO $$ BEGIN IF NOT pg_has_role(current_user, '" + migrations.AppRole + "', 'MEMBER') THEN EXECUTE format('GRANT " + migrations.AppRole + " TO %I', current_user); END IF; END $$",
	} {
		if _, err := owner.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("restore: prepare the role %s: %w", migrations.AppRole, err)
		}
	}
	t0 := time.Now()
	// --no-owner: the restoring role owns everything, as the migrating role would; privileges
	// (what refurb_app may do) and row-level security come with the backup. One transaction,
	// stopped at the first error: a restore is whole or nothing.
	if err := runPG(ctx, pgRestore, h.cfg.MigrateURL, "--no-owner", "--single-transaction", "--exit-on-error", path); err != nil {
		return fmt.Errorf("restore: pg_restore: %w", err)
	}
	fmt.Fprintf(e.stdout, "restored %s into database %s in %v\n", path, name, time.Since(t0).Round(time.Millisecond))
	n, err := migrations.Pending(ctx, owner)
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	if n > 0 {
		fmt.Fprintf(e.stdout, "its schema is %d migration(s) behind this binary: run `refurb migrate up` before serving it\n", n)
	}
	return nil
}

// runPG runs pg_dump or pg_restore on the database at dbURL. A password in the URL goes to the
// program through PGPASSWORD, not its command line, which other users of the machine can read.
func runPG(ctx context.Context, program, dbURL string, args ...string) error {
	env := os.Environ()
	if u, err := url.Parse(dbURL); err == nil && (u.Scheme == "postgres" || u.Scheme == "postgresql") && u.User != nil {
		if pw, ok := u.User.Password(); ok {
			env = append(env, "PGPASSWORD="+pw)
			u.User = url.User(u.User.Username())
			dbURL = u.String()
		}
	}
	cmd := exec.CommandContext(ctx, program, append(args, "--dbname="+dbURL)...)
	cmd.Env = env
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return errors.New(firstLine(out.Bytes(), err))
	}
	return nil
}

// firstLine is a program's first line of output, or its exit status.
func firstLine(out []byte, err error) string {
	s := strings.TrimSpace(string(out))
	if s == "" {
		return err.Error()
	}
	line, _, _ := strings.Cut(s, "\n")
	return line
}
