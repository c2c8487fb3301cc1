// Package demo fills a Refurb database with realistic demonstration data: donors (companies,
// public bodies, associations, a few individuals), three years of donations numbered as the
// application numbers them, devices of every kind with their storage media, sanitization
// records, repairs, QA checks, flags and a history of events consistent with each device's
// status, and the workshop as a school (programmes, trainees, a year of sessions and hours,
// skills; workshops.go). `refurb demo` runs it, `make run` loads a few hundred devices on first start, and the
// benchmarks load a million.
//
// It writes as the schema owner with COPY, in one transaction: a load either happens entirely
// or not at all. For speed it computes asset tags in Go (inventory.FormatTag) and moves the tag
// sequence past them instead of letting the per-row trigger draw them, switches triggers and
// foreign key checks off for the load (session_replication_role = replica, where the role may
// set it; otherwise it disables the tag trigger only), builds large tables' secondary indexes
// after the rows are in, and analyses the tables at the end. It does not VACUUM (that cannot run
// in a transaction): autovacuum gets to it, or the caller runs it. The rows it writes obey the same
// rules the triggers and the package inventory enforce (see the tests).
//
// It is not a fixture builder for tests of other packages: those use their own builders.
package demo

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/uptrace/bun"

	"github.com/digital-inclusion/refurb/auth"
)

// Version numbers what Generate produces for given options and seed. Bump it with a change to
// the generator that changes the data, so that cached demo databases (the benchmarks' templates)
// are generated again.
const Version = 5

// Options say how much to generate.
type Options struct {
	// Devices is how many devices to add.
	Devices int
	// EventsPerDevice is the average number of events per device; every device has at least
	// its intake event, and a device's lifecycle may need more than the average. Zero means 10.
	EventsPerDevice int
	// IfEmpty makes Generate do nothing when the database already holds a device.
	IfEmpty bool
	// Seed makes the data reproducible; zero picks a random seed.
	Seed uint64
	// Now is the end of the three years the data covers; zero means time.Now().
	Now time.Time
	// Progress receives a line now and then while loading; nil discards them.
	Progress io.Writer

	// noReplica makes the load take the path of a role that may not switch triggers off.
	noReplica bool
}

// Result says what Generate added.
type Result struct {
	Skipped bool // IfEmpty was set and the database held devices
	Seed    uint64

	Users, Donors, Donations, Devices, Media, Wipes, Repairs, QAChecks, Flags, Events int64
	// Requests are the device requests added (one for each device reserved or handed out, and
	// the queue); SocialWorkers the partner organisations' people.
	Requests, SocialWorkers int64
	// Signatures are the hand-outs' signatures (signature.go): one for each request handed
	// out and not yet anonymised.
	Signatures int64
	// The workshop as a school (workshops.go): added once, with the first devices.
	Trainees, Sessions, HourEntries int64
	// FollowUps are the follow-ups of hand-outs asked, most of them answered (followups.go).
	FollowUps int64

	Load      time.Duration            // generating and copying every row
	CopyTimes map[string]time.Duration // time spent in COPY, by table
	Indexes   time.Duration            // rebuilding secondary indexes
	Analyze   time.Duration
	Total     time.Duration
}

// chunkDevices is how many devices are generated and copied at a time: the generator works on
// the next chunk while PostgreSQL takes the current one, and memory stays bounded.
const chunkDevices = 20000

// rebuildIndexesFrom is the load size from which dropping and rebuilding secondary indexes
// beats maintaining them row by row.
const rebuildIndexesFrom = 20000

// tables are the tables Generate writes in bulk, in the order their rows are copied (follow-ups
// last, written by statements).
var tables = []string{"donors", "donations", "devices", "storage_media", "wipe_records", "repair_logs",
	"repair_workers", "qa_checks", "device_flags", "device_events", "device_requests", "device_request_events", "device_request_signatures", "request_follow_ups"}

// Generate adds demonstration data to the database db, which must connect as the owner of the
// schema (the migrating role), in one transaction.
func Generate(ctx context.Context, db *bun.DB, opts Options) (*Result, error) {
	if opts.Devices < 0 {
		return nil, errors.New("demo: the number of devices cannot be negative")
	}
	if opts.EventsPerDevice == 0 {
		opts.EventsPerDevice = 10
	}
	if opts.EventsPerDevice < 1 || opts.EventsPerDevice > 1000 {
		return nil, errors.New("demo: events per device must be between 1 and 1000")
	}
	if opts.Now.IsZero() {
		opts.Now = time.Now()
	}
	if opts.Seed == 0 {
		opts.Seed = rand.Uint64() | 1
	}
	if opts.Progress == nil {
		opts.Progress = io.Discard
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	defer conn.Close()
	var res *Result
	err = conn.Raw(func(driverConn any) error {
		c, ok := driverConn.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("demo: the database driver is %T, not pgx", driverConn)
		}
		res, err = generate(ctx, c.Conn(), opts)
		return err
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// generate runs the load in one transaction on c.
func generate(ctx context.Context, c *pgx.Conn, opts Options) (*Result, error) {
	start := time.Now()
	res := &Result{Seed: opts.Seed}
	tx, err := c.Begin(ctx)
	if err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx)) //nolint:errcheck // after Commit it does nothing

	// Writers wait for us and we for them; readers (a running server) carry on. Two demo
	// loads at once run one after the other, and the second sees the first's devices.
	if _, err := tx.Exec(ctx, "LOCK TABLE donors, donations, donation_counters, devices, storage_media, wipe_records, repair_logs, repair_workers, qa_checks, device_flags, device_events, device_requests, device_request_events, device_request_signatures IN EXCLUSIVE MODE"); err != nil {
		return nil, fmt.Errorf("demo: lock tables: %w", err)
	}
	var existing int64
	if err := tx.QueryRow(ctx, "SELECT count(*) FROM devices").Scan(&existing); err != nil {
		return nil, fmt.Errorf("demo: count devices: %w", err)
	}
	if opts.IfEmpty && existing > 0 {
		fmt.Fprintf(opts.Progress, "demo: the database already holds %d devices: nothing to do\n", existing)
		res.Skipped = true
		return res, tx.Commit(ctx)
	}
	if opts.Devices == 0 {
		res.Total = time.Since(start)
		return res, tx.Commit(ctx)
	}

	// Triggers and foreign key checks off for this transaction when the role may do so. The
	// rows are built to satisfy them.
	replica, err := canReplicate(ctx, tx)
	if err != nil {
		return nil, err
	}
	replica = replica && !opts.noReplica
	for _, s := range []string{
		"SET LOCAL maintenance_work_mem = '512MB'",
		"SET LOCAL synchronous_commit = off",
	} {
		if _, err := tx.Exec(ctx, s); err != nil {
			return nil, fmt.Errorf("demo: %s: %w", s, err)
		}
	}
	if replica {
		if _, err := tx.Exec(ctx, "SET LOCAL session_replication_role = replica"); err != nil {
			return nil, fmt.Errorf("demo: switch triggers off: %w", err)
		}
	} else {
		// The tag trigger would draw new tags; the request trigger lets a request start only as
		// submitted, while the demo writes each request as its history left it.
		for _, s := range []string{"ALTER TABLE devices DISABLE TRIGGER devices_assign_tag", "ALTER TABLE device_requests DISABLE TRIGGER device_requests_check"} {
			if _, err := tx.Exec(ctx, s); err != nil {
				return nil, fmt.Errorf("demo: %s: %w", s, err)
			}
		}
	}
	// Row-level security is forced on the request tables, and COPY cannot write a table whose
	// policies apply: an owner that is not a superuser lifts FORCE for this transaction only.
	var super bool
	if err := tx.QueryRow(ctx, "SELECT rolsuper FROM pg_roles WHERE rolname = current_user").Scan(&super); err != nil {
		return nil, fmt.Errorf("demo: read role: %w", err)
	}
	if !super {
		for _, t := range []string{"device_requests", "device_request_events", "device_request_signatures"} {
			if _, err := tx.Exec(ctx, "ALTER TABLE "+t+" NO FORCE ROW LEVEL SECURITY"); err != nil {
				return nil, fmt.Errorf("demo: lift row-level security on %s: %w", t, err)
			}
		}
	}

	g, err := newGenerator(ctx, tx, opts)
	if err != nil {
		return nil, err
	}
	res.Users = int64(len(g.staff)+len(g.trainees)) + int64(g.workers)
	res.SocialWorkers = int64(g.workers)

	var rebuild []index
	if opts.Devices >= rebuildIndexesFrom && existing < int64(opts.Devices) {
		if rebuild, err = dropIndexes(ctx, tx); err != nil {
			return nil, err
		}
	}

	firstRequest := g.next.request
	t0 := time.Now()
	if err := g.load(ctx, tx, res); err != nil {
		return nil, err
	}
	res.Load = time.Since(t0)

	if err := g.finish(ctx, tx); err != nil {
		return nil, err
	}
	if err := g.addWorkshops(ctx, tx, res); err != nil {
		return nil, err
	}
	if err := g.addFollowUps(ctx, tx, firstRequest, res); err != nil {
		return nil, err
	}
	if !replica {
		for _, s := range []string{"ALTER TABLE devices ENABLE TRIGGER devices_assign_tag", "ALTER TABLE device_requests ENABLE TRIGGER device_requests_check"} {
			if _, err := tx.Exec(ctx, s); err != nil {
				return nil, fmt.Errorf("demo: %s: %w", s, err)
			}
		}
	}
	if !super {
		for _, t := range []string{"device_requests", "device_request_events", "device_request_signatures"} {
			if _, err := tx.Exec(ctx, "ALTER TABLE "+t+" FORCE ROW LEVEL SECURITY"); err != nil {
				return nil, fmt.Errorf("demo: force row-level security on %s: %w", t, err)
			}
		}
	} else {
		// The triggers that keep device_counts did not fire under replica: count again, in the
		// same transaction, so the lists' totals are right from the commit on.
		if _, err := tx.Exec(ctx, "SELECT refurb_recount_devices()"); err != nil {
			return nil, fmt.Errorf("demo: count devices: %w", err)
		}
	}
	// The impact ledger's summaries (docs/impact.md): its triggers did not fire under replica,
	// and without it they saw the requests copied in their final state.
	if _, err := tx.Exec(ctx, "SELECT refurb_impact_rebuild()"); err != nil {
		return nil, fmt.Errorf("demo: summarise impact: %w", err)
	}
	t0 = time.Now()
	for _, ix := range rebuild {
		t1 := time.Now()
		if _, err := tx.Exec(ctx, ix.def); err != nil {
			return nil, fmt.Errorf("demo: rebuild index %s: %w", ix.name, err)
		}
		fmt.Fprintf(opts.Progress, "demo: index %s rebuilt in %v\n", ix.name, time.Since(t1).Round(time.Millisecond))
	}
	res.Indexes = time.Since(t0)
	// Statistics for the planner, in the transaction so that they arrive with the rows.
	// VACUUM would also set the visibility map now rather than when autovacuum gets to it,
	// but it cannot run in a transaction and costs a full pass over every table.
	t0 = time.Now()
	for _, t := range tables {
		if _, err := tx.Exec(ctx, "ANALYZE "+pgx.Identifier{t}.Sanitize()); err != nil {
			return nil, fmt.Errorf("demo: analyze %s: %w", t, err)
		}
	}
	res.Analyze = time.Since(t0)
	if err := tx.Commit(ctx); err != nil {
		return nil, fmt.Errorf("demo: commit: %w", err)
	}
	res.Total = time.Since(start)
	return res, nil
}

// canReplicate reports whether the connection's role may set session_replication_role, which
// switches off triggers and foreign key checks: superusers may, and from PostgreSQL 15 on a
// role granted SET on the parameter.
func canReplicate(ctx context.Context, tx pgx.Tx) (bool, error) {
	var ok bool
	err := tx.QueryRow(ctx, `SELECT rolsuper OR (current_setting('server_version_num')::int >= 150000
		AND has_parameter_privilege(current_user, 'session_replication_role', 'SET'))
		FROM pg_roles WHERE rolname = current_user`).Scan(&ok)
	if err != nil {
		// has_parameter_privilege does not exist before PostgreSQL 15; the OR does not
		// short-circuit at planning time.
		var super bool
		if err := tx.QueryRow(ctx, "SELECT rolsuper FROM pg_roles WHERE rolname = current_user").Scan(&super); err != nil {
			return false, fmt.Errorf("demo: read role: %w", err)
		}
		return super, nil
	}
	return ok, nil
}

// index is a secondary index to rebuild after the load.
type index struct{ name, def string }

// dropIndexes drops the indexes of the loaded tables that back no constraint (primary keys and
// unique constraints stay, since foreign keys and ON CONFLICT clauses name them) and returns
// their definitions, so the load maintains none of them row by row.
func dropIndexes(ctx context.Context, tx pgx.Tx) ([]index, error) {
	rows, err := tx.Query(ctx, `
		SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
		FROM pg_index i
		WHERE i.indrelid = ANY ($1::regclass[])
		  AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
		ORDER BY i.indrelid, i.indexrelid`, tables)
	if err != nil {
		return nil, fmt.Errorf("demo: list indexes: %w", err)
	}
	ixs, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (index, error) {
		var ix index
		return ix, r.Scan(&ix.name, &ix.def)
	})
	if err != nil {
		return nil, fmt.Errorf("demo: list indexes: %w", err)
	}
	for _, ix := range ixs {
		if _, err := tx.Exec(ctx, "DROP INDEX "+ix.name); err != nil {
			return nil, fmt.Errorf("demo: drop index %s: %w", ix.name, err)
		}
	}
	return ixs, nil
}

// demoUserPassword returns the hash of a random password nobody sees: demo users cannot sign
// in until an administrator sets them a password.
func demoUserPassword() (string, error) {
	return auth.HashPassword(auth.GeneratePassword())
}
