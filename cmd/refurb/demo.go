package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/internal/demo"
)

type demoConfig struct {
	db              dbConfig
	log             logConfig
	devices         int
	eventsPerDevice int
	ifEmpty         bool
	migrate         bool
	seed            string
	adminEmail      string
}

func runDemo(ctx context.Context, e env, args []string) error {
	var c demoConfig
	fs := newFlagSet("demo", e, "Fills the database with realistic demonstration data: donors, three years of donations, devices of\n"+
		"every kind with storage media, wipe records, repairs, QA checks, flags and their events. It writes as the\n"+
		"schema owner in one transaction (all or nothing). Demo staff and trainees get no usable password; on a\n"+
		"database without users it creates the first administrator and prints its password, as serve would.")
	fs.database(&c.db)
	fs.logging(&c.log)
	demoIntFlag(fs, &c.devices, "devices", "DEMO_DEVICES", 1000, "how many devices to add")
	demoIntFlag(fs, &c.eventsPerDevice, "events-per-device", "DEMO_EVENTS_PER_DEVICE", 10, "average number of events per device")
	fs.Bool(&c.ifEmpty, "if-empty", "DEMO_IF_EMPTY", false, "do nothing when the database already holds devices")
	fs.Bool(&c.migrate, "migrate", "MIGRATE", false, "apply pending database migrations first")
	fs.String(&c.seed, "seed", "DEMO_SEED", "", "random seed (a positive number) for reproducible data; empty: a new one each time")
	fs.String(&c.adminEmail, "admin-email", "ADMIN_EMAIL", "admin@refurb.local", "e-mail address of the administrator created when no user exists")
	if err := fs.parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("demo: unexpected argument %q", fs.Arg(0))
	}
	if c.devices < 0 {
		return fmt.Errorf("-devices %d: give a number of devices, 0 or more", c.devices)
	}
	if c.eventsPerDevice < 1 || c.eventsPerDevice > 1000 {
		return fmt.Errorf("-events-per-device %d: give a number between 1 and 1000", c.eventsPerDevice)
	}
	var seed uint64
	if c.seed != "" {
		var err error
		if seed, err = strconv.ParseUint(c.seed, 10, 64); err != nil || seed == 0 {
			return fmt.Errorf("-seed %q: give a positive number", c.seed)
		}
	}
	logger, err := newLogger(c.log, e.stderr)
	if err != nil {
		return err
	}

	h, err := openDBHandle(ctx, c.db, logger)
	if err != nil {
		return err
	}
	defer func() {
		if err := h.Close(ctx); err != nil {
			logger.Error("stop database", "err", err)
		}
	}()
	if c.migrate {
		if err := h.Migrate(ctx); err != nil {
			return err
		}
	}
	app, err := h.App(ctx) // refuses a schema behind this binary
	if err != nil {
		return err
	}
	authSvc, err := auth.NewService(app, auth.DefaultLimits)
	if err != nil {
		return err
	}
	// The demo users would otherwise keep serve from creating the first administrator.
	if err := bootstrapAdmin(ctx, e, authSvc, c.adminEmail); err != nil {
		return err
	}
	owner, err := h.Owner(ctx)
	if err != nil {
		return err
	}
	res, err := demo.Generate(ctx, owner, demo.Options{
		Devices:         c.devices,
		EventsPerDevice: c.eventsPerDevice,
		IfEmpty:         c.ifEmpty,
		Seed:            seed,
		Progress:        e.stdout,
	})
	if err != nil {
		return err
	}
	if res.Skipped {
		return nil
	}
	var size string
	if err := owner.NewRaw("SELECT pg_size_pretty(pg_database_size(current_database()))").Scan(ctx, &size); err != nil {
		return err
	}
	r := func(d time.Duration) time.Duration { return d.Round(10 * time.Millisecond) }
	fmt.Fprintf(e.stdout, "demo: added %d devices, %d events, %d storage media, %d wipe records, %d repairs, %d QA checks, %d flags, "+
		"%d donations from %d donors, %d device requests from %d social workers, %d signatures (seed %d)\n", res.Devices, res.Events, res.Media, res.Wipes, res.Repairs, res.QAChecks,
		res.Flags, res.Donations, res.Donors, res.Requests, res.SocialWorkers, res.Signatures, res.Seed)
	if res.Trainees > 0 {
		fmt.Fprintf(e.stdout, "demo: added %d trainees in 3 programmes, %d sessions, %d hour entries\n", res.Trainees, res.Sessions, res.HourEntries)
	}
	var copies []string
	for _, t := range []string{"devices", "storage_media", "wipe_records", "repair_logs", "qa_checks", "device_flags", "device_events", "device_requests", "device_request_events", "device_request_signatures"} {
		if d, ok := res.CopyTimes[t]; ok {
			copies = append(copies, fmt.Sprintf("%s %v", t, r(d)))
		}
	}
	fmt.Fprintf(e.stdout, "demo: time in COPY: %s\n", strings.Join(copies, ", "))
	fmt.Fprintf(e.stdout, "demo: took %v (generate and copy %v, indexes %v, analyze %v); database size %s\n",
		r(res.Total), r(res.Load), r(res.Indexes), r(res.Analyze), size)
	return nil
}

// demoIntFlag defines an integer flag whose default comes from the environment variable envName.
func demoIntFlag(fs *flagSet, p *int, name, envName string, def int, help string) {
	if v := fs.getenv(envName); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			fs.errs = append(fs.errs, fmt.Errorf("%s=%q is not a whole number", envName, v))
		}
		def = n
	}
	fs.IntVar(p, name, def, help+" ["+envName+"]")
}
