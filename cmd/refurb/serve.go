package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"net/url"
	"runtime"
	"runtime/debug"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/graph"
	"github.com/digital-inclusion/refurb/internal/logsink"
	"github.com/digital-inclusion/refurb/inventory"
	"github.com/digital-inclusion/refurb/notify"
	"github.com/digital-inclusion/refurb/server"
)

type serveConfig struct {
	db            dbConfig
	log           logConfig
	listenAddr    string
	publicURL     string
	migrate       bool
	graphiql      string
	introspection string
	maxCost       int
	maxResponse   int
	concurrency   int
	trustProxy    bool
	adminEmail    string
	orgName       string
	orgContact    string
	smtpURL       string
	shutdownGrace time.Duration
	pprofAddr     string
}

func runServe(ctx context.Context, e env, args []string) error {
	var c serveConfig
	fs := newFlagSet("serve", e, "Runs the Refurb server: GraphQL API at /graphql, web pages, /healthz, /readyz and /metrics.")
	fs.database(&c.db)
	fs.logging(&c.log)
	fs.String(&c.listenAddr, "listen-addr", "LISTEN_ADDR", ":8080", "address to listen on")
	fs.String(&c.publicURL, "public-url", "PUBLIC_URL", "http://localhost:8080", "URL at which users reach the server; QR codes and links use it, https makes cookies Secure")
	fs.Bool(&c.migrate, "migrate", "MIGRATE", false, "apply pending database migrations before serving (otherwise a schema that is behind stops the server)")
	fs.String(&c.graphiql, "graphiql", "GRAPHIQL", "auto", "serve GraphiQL at /graphql to browsers: true, false, or auto (on with the private database)")
	fs.String(&c.introspection, "introspection", "INTROSPECTION", "auto", "GraphQL introspection (__schema, __type): on, off, or auto (signed-in callers always, anonymous ones with the private database); true and false mean on and off")
	fs.Int(&c.maxCost, "graphql-max-cost", "GRAPHQL_MAX_COST", graph.DefaultMaxCost, "largest number of list items a GraphQL query may ask for, estimated before it runs (first/last multiplied down nested lists)")
	fs.Int(&c.maxResponse, "graphql-max-response-bytes", "GRAPHQL_MAX_RESPONSE_BYTES", graph.DefaultMaxResponseBytes, "size past which a GraphQL response is cut and answered with an error")
	fs.Int(&c.concurrency, "graphql-concurrency", "GRAPHQL_CONCURRENCY", 0, "GraphQL operations executed at once, the others waiting their turn in order of arrival; 0: twice the cores when PostgreSQL is on this machine (the private database, or a DATABASE_URL to a socket or loopback address), else -db-max-conns (docs/operations.md)")
	fs.Bool(&c.trustProxy, "trust-proxy", "TRUST_PROXY", false, "take the client address from X-Forwarded-For (only behind a reverse proxy you run)")
	fs.String(&c.adminEmail, "admin-email", "ADMIN_EMAIL", "admin@refurb.local", "e-mail address of the administrator created on first start, when no user exists")
	fs.String(&c.orgName, "org-name", "ORG_NAME", "", "the organisation's name, shown to anyone who scans a label without signing in (default: the issuer set with `refurb org set`)")
	fs.String(&c.orgContact, "org-contact", "ORG_CONTACT", "", "how to contact the organisation (e-mail or phone), shown with its name")
	fs.String(&c.smtpURL, "smtp-url", "SMTP_URL", "", "mail server for social workers' notifications, e.g. smtp://user:password@mail.example.org:587?from=refurb@example.org (smtps:// for TLS from the start, ?tls=none for a local relay); empty: no e-mail")
	fs.Duration(&c.shutdownGrace, "shutdown-grace", "SHUTDOWN_GRACE", 15*time.Second, "how long requests in flight may take to finish on shutdown")
	fs.Int(&c.db.MaxConns, "db-max-conns", "DB_MAX_CONNS", 20, "connections this instance opens to PostgreSQL at most (its share of max_connections: see docs/operations.md)")
	fs.String(&c.pprofAddr, "pprof-addr", "PPROF_ADDR", "", "serve Go's pprof profiles on this address, e.g. 127.0.0.1:6060 (never a public one); empty: off")
	if err := fs.parse(args); err != nil {
		return err
	}
	sink := logsink.New(e.stderr, 0, 0)
	defer sink.Close()
	logger, accessLog, err := serveLoggers(c.log, sink)
	if err != nil {
		return err
	}
	if c.db.MaxConns <= 0 {
		return fmt.Errorf("-db-max-conns (%d) must be positive", c.db.MaxConns)
	}
	if c.concurrency < 0 {
		return fmt.Errorf("-graphql-concurrency (%d) must be 0 (automatic) or positive", c.concurrency)
	}
	if c.maxCost <= 0 || c.maxResponse <= 0 {
		return fmt.Errorf("-graphql-max-cost (%d) and -graphql-max-response-bytes (%d) must be positive", c.maxCost, c.maxResponse)
	}
	pub, err := url.Parse(c.publicURL)
	if err != nil || (pub.Scheme != "http" && pub.Scheme != "https") || pub.Host == "" {
		return fmt.Errorf("-public-url %q: an absolute http or https URL is required", c.publicURL)
	}
	var smtp *notify.Config
	if c.smtpURL != "" {
		cfg, err := notify.ParseURL(c.smtpURL)
		if err != nil {
			return fmt.Errorf("-smtp-url %q: %w", maskURL(c.smtpURL), err)
		}
		smtp = &cfg
	}

	if e.getenv("GOGC") == "" {
		// The server's live heap is small (tens of MB) while graphql-go allocates a lot per
		// request: collecting at 4x the live heap instead of 2x buys about a quarter more scan
		// throughput for a few tens of MB (docs/performance.md). GOGC still overrides it.
		debug.SetGCPercent(300)
	}
	start := time.Now()
	h, err := openServerDBHandle(ctx, c.db, logger)
	if err != nil {
		return err
	}
	defer func() {
		if err := h.Close(ctx); err != nil {
			logger.Error("stop database", "err", err)
		}
	}()
	graphiql, err := autoBool(c.graphiql, h.embedded())
	if err != nil {
		return fmt.Errorf("-graphiql: %w", err)
	}
	introspection, introspectionSignedIn, err := introspectionFor(c.introspection, h.embedded())
	if err != nil {
		return fmt.Errorf("-introspection: %w", err)
	}
	logger.Info("starting refurb", "version", version(), "listen_addr", c.listenAddr, "public_url", c.publicURL,
		"database_url", maskURL(c.db.URL), "embedded_database", h.embedded(), "data_dir", c.db.DataDir,
		"migrate", c.migrate, "graphiql", graphiql, "introspection", introspectionLog(introspection, introspectionSignedIn),
		"trust_proxy", c.trustProxy, "smtp_url", maskURL(c.smtpURL))
	if c.migrate {
		if err := h.Migrate(ctx); err != nil {
			return err
		}
	}
	db, err := h.App(ctx)
	if err != nil {
		return err
	}
	authSvc, err := auth.NewService(db, auth.DefaultLimits)
	if err != nil {
		return err
	}
	if err := bootstrapAdmin(ctx, e, authSvc, c.adminEmail); err != nil {
		return err
	}
	// A token's or a session user's lookup is kept this long in each instance: a revocation
	// through another instance takes effect within it (docs/operations.md).
	authSvc.CacheCredentials(auth.DefaultCredentialTTL)
	srv, err := server.New(server.Config{
		ListenAddr: c.listenAddr,
		PublicURL:  strings.TrimRight(c.publicURL, "/"),
		OrgName:    c.orgName,
		OrgContact: c.orgContact,
		TrustProxy: c.trustProxy,
		GraphQL: graph.Config{GraphiQL: graphiql, Introspection: introspection, IntrospectionSignedIn: introspectionSignedIn,
			MaxCost: c.maxCost, MaxResponseBytes: int64(c.maxResponse), MaxConcurrent: concurrencyFor(c.concurrency, h.embedded() || sameMachine(c.db.URL), c.db.MaxConns)},
	}, server.Deps{
		DB:        db,
		Auth:      authSvc,
		Inventory: inventory.NewStore(db),
		Sessions:  auth.NewSessions(db.DB, pub.Scheme == "https"),
		Logger:    logger,
		AccessLog: accessLog,
	})
	if err != nil {
		return err
	}
	server.StartJobs(ctx, db, logger)
	// Building the server left garbage the collector would keep until the heap grows to 4x
	// its live size (GOGC=300 above), 20 MB of it the argon2 memory of auth's dummy hash:
	// collect it and give it back, so that an idle server holds only what it uses.
	debug.FreeOSMemory()
	ln, err := net.Listen("tcp", c.listenAddr)
	if errors.Is(err, syscall.EADDRINUSE) {
		return fmt.Errorf("cannot listen on %s: another program (another refurb serve?) already uses that address: stop it or choose another -listen-addr", c.listenAddr)
	}
	if err != nil {
		return err
	}
	if c.pprofAddr != "" {
		if err := servePprof(ctx, c.pprofAddr, logger); err != nil {
			return err
		}
	}
	logger.Info("serving", "addr", ln.Addr().String(), "url", c.publicURL, "startup", time.Since(start).Round(time.Millisecond))
	// Background work of device requests: anonymising closed ones at start (StartJobs' daily job
	// repeats it), notifications.
	jobsCtx, stopJobs := context.WithCancel(ctx)
	jobsDone := make(chan struct{})
	go func() {
		defer close(jobsDone)
		server.RunJobs(jobsCtx, server.JobsConfig{SMTP: smtp, PublicURL: strings.TrimRight(c.publicURL, "/"), OrgName: c.orgName}, db, logger)
	}()
	defer func() { stopJobs(); <-jobsDone }()
	return server.Run(ctx, srv, ln, c.shutdownGrace)
}

// serveLoggers returns the server's logger and its access log, both writing to sink: the
// access log's lines in batches (at most a tenth of a second late), the others at once and in
// order (internal/logsink).
func serveLoggers(c logConfig, sink *logsink.Sink) (logger, accessLog *slog.Logger, err error) {
	if logger, err = newLogger(c, sink); err != nil {
		return nil, nil, err
	}
	if accessLog, err = newLogger(c, sink.Held()); err != nil {
		return nil, nil, err
	}
	return logger, accessLog, nil
}

// servePprof serves Go's profiles (CPU, heap, allocations, goroutines) on their own listener
// until ctx ends, for measuring the server under load (scripts/bench-http --profile).
func servePprof(ctx context.Context, addr string, logger *slog.Logger) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("-pprof-addr: %w", err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() {
		<-ctx.Done()
		srv.Close()
	}()
	go srv.Serve(ln) //nolint:errcheck // ends with the server
	logger.Info("serving profiles", "addr", ln.Addr().String())
	return nil
}

// bootstrapAdmin creates the first administrator when the database has no user, and prints its
// password once: without it nobody could sign in to a new installation.
func bootstrapAdmin(ctx context.Context, e env, svc *auth.Service, email string) error {
	n, err := svc.CountUsers(ctx)
	if err != nil || n > 0 {
		return err
	}
	password := auth.GeneratePassword()
	u, err := svc.CreateUser(auth.System(ctx), auth.NewUser{Email: email, Name: "Administrator", Role: auth.RoleAdmin, Password: password})
	if err != nil {
		return fmt.Errorf("create first administrator: %w", err)
	}
	fmt.Fprintf(e.stdout, "\nFirst start: created administrator\n  e-mail:   %s\n  password: %s\nThis password is shown only once; change it after signing in.\n\n", u.Email, password)
	return nil
}

func autoBool(v string, auto bool) (bool, error) {
	switch strings.ToLower(v) {
	case "auto", "":
		return auto, nil
	case "true", "1", "on", "yes":
		return true, nil
	case "false", "0", "off", "no":
		return false, nil
	}
	return false, fmt.Errorf("%q: use true, false or auto", v)
}

// introspectionFor reads -introspection: whether everyone may ask for __schema and __type, and
// whether signed-in callers may. auto follows the rule of -graphiql auto: a server on the
// private database is someone's own (a laptop, a demo) and answers anyone; one on a shared
// database (DATABASE_URL) answers signed-in callers only, so that an anonymous visitor cannot
// map the API. true and false, the values of the older boolean flag, mean on and off.
func introspectionFor(v string, embedded bool) (everyone, signedIn bool, err error) {
	switch strings.ToLower(v) {
	case "auto", "":
		return embedded, true, nil
	case "on", "true", "1", "yes":
		return true, true, nil
	case "off", "false", "0", "no":
		return false, false, nil
	}
	return false, false, fmt.Errorf("%q: use auto, on or off", v)
}

// introspectionLog says who may introspect, for the start-up log line.
func introspectionLog(everyone, signedIn bool) string {
	switch {
	case everyone:
		return "everyone"
	case signedIn:
		return "signed-in"
	}
	return "off"
}

// concurrencyFor returns how many GraphQL operations execute at once (-graphql-concurrency),
// working out 0, automatic: with PostgreSQL on the same machine (the private database, or a
// DATABASE_URL to a socket or a loopback address) it shares the server's cores, and twice their
// number at once serves a queue of requests with a shorter tail than more (docs/performance.md,
// "Operations in turn"); a PostgreSQL elsewhere leaves an operation mostly waiting for the
// network, so the pool's size bounds it.
func concurrencyFor(setting int, local bool, poolSize int) int {
	switch {
	case setting > 0:
		return setting
	case local:
		return 2 * runtime.GOMAXPROCS(0)
	default:
		return poolSize
	}
}

// sameMachine reports whether the database URL names a PostgreSQL on this machine: a unix
// socket directory or a loopback address. An unparsable URL is not (opening it fails anyway).
func sameMachine(databaseURL string) bool {
	if databaseURL == "" {
		return false
	}
	cfg, err := pgx.ParseConfig(databaseURL)
	if err != nil {
		return false
	}
	host := cfg.Host
	return strings.HasPrefix(host, "/") || host == "localhost" || net.ParseIP(host).IsLoopback()
}
