package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"time"

	"github.com/digital-inclusion/refurb/migrations"
)

func runMigrate(ctx context.Context, e env, args []string) error {
	var db dbConfig
	var lc logConfig
	var dir string
	fs := newFlagSet("migrate", e, "refurb migrate up|down|status|new NAME\n\nup applies pending migrations, down reverts the last group applied, status lists them,\nnew writes an empty migration pair into -dir (run it in the source tree).")
	fs.database(&db)
	fs.logging(&lc)
	fs.String(&dir, "dir", "MIGRATIONS_DIR", "./migrations", "where `migrate new` writes files")
	if err := fs.parse(args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return errors.New("migrate: say up, down, status or new NAME")
	}
	sub := fs.Arg(0)
	if sub == "new" {
		if fs.NArg() != 2 {
			return errors.New("migrate new: give one NAME, e.g. create_devices")
		}
		return newMigration(e, dir, fs.Arg(1), time.Now())
	}
	if sub != "up" && sub != "down" && sub != "status" {
		return fmt.Errorf("migrate: unknown subcommand %q: use up, down, status or new NAME", sub)
	}
	logger, err := newLogger(lc, e.stderr)
	if err != nil {
		return err
	}
	h, err := openDBHandle(ctx, db, logger)
	if err != nil {
		return err
	}
	defer h.Close(ctx)
	owner, err := h.Owner(ctx)
	if err != nil {
		return err
	}
	m, err := migrations.New(owner)
	if err != nil {
		return err
	}
	switch sub {
	case "up":
		applied, err := m.Up(ctx)
		for _, n := range applied {
			fmt.Fprintln(e.stdout, "applied", n)
		}
		if err == nil && len(applied) == 0 {
			fmt.Fprintln(e.stdout, "nothing to apply: the schema is current")
		}
		return err
	case "down":
		reverted, err := m.Down(ctx)
		for _, n := range reverted {
			fmt.Fprintln(e.stdout, "reverted", n)
		}
		if err == nil && len(reverted) == 0 {
			fmt.Fprintln(e.stdout, "nothing to revert")
		}
		return err
	default:
		st, err := m.Status(ctx)
		if err != nil {
			return err
		}
		for _, s := range st {
			state := "pending"
			if s.Applied {
				state = "applied"
			}
			fmt.Fprintf(e.stdout, "%-8s %s_%s\n", state, s.Name, s.Comment)
		}
		return nil
	}
}

var migrationName = regexp.MustCompile(`^[a-z][a-z0-9_]{2,60}$`)

// newMigration writes an empty up/down pair named after now, so that names sort in the order
// they were written.
func newMigration(e env, dir, name string, now time.Time) error {
	if !migrationName.MatchString(name) {
		return fmt.Errorf("migrate new: %q: use lower-case words joined by _, verb first (e.g. create_devices)", name)
	}
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return fmt.Errorf("migrate new: %s is not a directory: run it from the source tree or set -dir", dir)
	}
	base := now.UTC().Format("20060102150405") + "_" + name
	for _, suffix := range []string{".tx.up.sql", ".tx.down.sql"} {
		p := filepath.Join(dir, base+suffix)
		body := "-- Why this migration exists: ...\n"
		if suffix == ".tx.up.sql" {
			body += "-- Grant refurb_app what it needs on every table created here (docs/database.md).\n"
		}
		f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if err != nil {
			return fmt.Errorf("migrate new: %w", err)
		}
		_, err = f.WriteString(body)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return fmt.Errorf("migrate new: %w", err)
		}
		fmt.Fprintln(e.stdout, "created", p)
	}
	return nil
}
