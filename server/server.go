package server

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/alexedwards/scs/v2"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/uptrace/bun"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/certificates"
	"github.com/digital-inclusion/refurb/graph"
	"github.com/digital-inclusion/refurb/impact"
	"github.com/digital-inclusion/refurb/internal/database"
	"github.com/digital-inclusion/refurb/internal/idempotency"
	"github.com/digital-inclusion/refurb/internal/reqinfo"
	"github.com/digital-inclusion/refurb/inventory"
	"github.com/digital-inclusion/refurb/migrations"
	"github.com/digital-inclusion/refurb/requests"
	"github.com/digital-inclusion/refurb/web"
	"github.com/digital-inclusion/refurb/workshops"
)

// Config is what the server needs to know beyond its dependencies.
type Config struct {
	ListenAddr string
	PublicURL  string // e.g. https://refurb.example, no trailing slash
	// TrustProxy takes the client address from X-Forwarded-For, for a server behind a reverse
	// proxy. Off, a client could forge its address and escape the login limits.
	TrustProxy bool
	GraphQL    graph.Config
	// OrgName and OrgContact tell anyone who scans a label without signing in whose device it
	// is and whom to contact.
	OrgName    string
	OrgContact string
}

// Deps are the server's collaborators, built by main.
type Deps struct {
	DB        *bun.DB // the application role's pool
	Auth      *auth.Service
	Inventory *inventory.Store
	Sessions  *scs.SessionManager
	Logger    *slog.Logger
	// AccessLog takes each answered request's line; nil: Logger. refurb serve gives it a
	// logger whose lines may wait a moment to be written in batches (internal/logsink).
	AccessLog *slog.Logger
}

// New returns the HTTP server with every route and middleware in place.
func New(cfg Config, deps Deps) (*http.Server, error) {
	h, err := Handler(cfg, deps)
	if err != nil {
		return nil, err
	}
	return &http.Server{
		Addr:              cfg.ListenAddr,
		Handler:           h,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second, // uploads of donor asset lists fit well within this
		WriteTimeout:      60 * time.Second, // long PDF sheets and certificates
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(deps.Logger.Handler(), slog.LevelWarn),
	}, nil
}

// Handler returns the server's root handler; tests serve it with httptest.
func Handler(cfg Config, deps Deps) (http.Handler, error) {
	// Annual impact reports are certificates whose figures package impact gathers.
	certs := certificates.NewStore(deps.DB, cfg.PublicURL).WithImpactReports(impact.AnnualReport)
	ledger := impact.NewStore(deps.DB)
	// Requests issue the hand-over receipt through certificates, on the hand-out's transaction.
	reqs := requests.NewStore(deps.DB).WithIssuer(certs)
	school := workshops.NewStore(deps.DB)
	schema, err := graph.NewSchema(graph.Deps{Auth: deps.Auth, Inventory: deps.Inventory, Certificates: certs, Requests: reqs, Workshops: school, Impact: ledger, PublicURL: cfg.PublicURL})
	if err != nil {
		return nil, err
	}
	pages, err := web.NewHandler(web.Deps{Auth: deps.Auth, Inventory: deps.Inventory, Sessions: deps.Sessions, Logger: deps.Logger, Certificates: certs,
		Requests: reqs, Workshops: school, Impact: ledger,
		Config: web.Config{PublicURL: cfg.PublicURL, OrgName: cfg.OrgName, OrgContact: cfg.OrgContact}})
	if err != nil {
		return nil, err
	}
	m := newMetrics(deps.DB.DB)

	mux := http.NewServeMux()
	gql := graph.NewHandler(schema, cfg.GraphQL, deps.Logger) // one document cache for both paths
	m.watchWaiting(gql.Waiting)
	mux.Handle("/graphql", gql)
	mux.Handle("/graphql/", gql)
	mux.Handle("/", pages)

	// scs answers a session it cannot load or save with a bare 500; the database's absence is
	// a 503 with a sentence and when to try again, like every other route's.
	deps.Sessions.ErrorFunc = func(w http.ResponseWriter, r *http.Request, err error) {
		id := reqinfo.From(r.Context()).ID
		if database.Unavailable(err) || database.DiskFull(err) {
			deps.Logger.WarnContext(r.Context(), "session: database unavailable", "request_id", id, "err", err)
			w.Header().Set("Retry-After", strconv.Itoa(database.RetryAfterSeconds))
			http.Error(w, "the database is unavailable: try again in a few seconds", http.StatusServiceUnavailable)
			return
		}
		deps.Logger.ErrorContext(r.Context(), "session", "request_id", id, "err", err)
		http.Error(w, "internal error (request "+id+")", http.StatusInternalServerError)
	}
	// A signed-in client's request sent again with its Idempotency-Key (a form's hidden field)
	// gets the first answer (internal/idempotency); refusals are presented by the route's layer.
	idem := idempotency.New(deps.DB, func(w http.ResponseWriter, r *http.Request, err error) {
		if routeOf(r.URL.Path) == "/graphql" {
			gql.WriteError(w, r, err)
			return
		}
		pages.Refuse(w, r, err)
	}, deps.Logger)
	authed := deps.Auth.Middleware(deps.Sessions, func(r *http.Request, err error) {
		deps.Logger.ErrorContext(r.Context(), "authenticate request", "request_id", reqinfo.From(r.Context()).ID, "err", err)
	})(idem.Wrap(mux))

	// Probes and metrics skip authentication and sessions: they are polled often and must not
	// touch the sessions table.
	root := http.NewServeMux()
	root.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("ok\n"))
	})
	root.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		if err := ready(ctx, deps.DB); err != nil {
			http.Error(w, err.Error(), http.StatusServiceUnavailable)
			return
		}
		w.Write([]byte("ready\n"))
	})
	root.Handle("GET /metrics", promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{}))
	root.Handle("/", authed)

	access := deps.AccessLog
	if access == nil {
		access = deps.Logger
	}
	return observe(cfg, access, m, secureHeaders(isHTTPS(cfg.PublicURL), root)), nil
}

// ready reports why the server cannot serve yet: the database is unreachable or its schema is
// behind this binary's migrations.
func ready(ctx context.Context, db *bun.DB) error {
	if err := db.PingContext(ctx); err != nil {
		return errors.New("database unreachable")
	}
	n, err := migrations.Pending(ctx, db)
	if err != nil {
		return errors.New("cannot read the schema version")
	}
	if n > 0 {
		return errors.New("database schema is behind: run `refurb migrate up`")
	}
	return nil
}

// statusWriter remembers the status code for the access log and metrics.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// WriteString passes strings on as they are (io.WriteString would convert them to bytes).
func (w *statusWriter) WriteString(s string) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return io.WriteString(w.ResponseWriter, s)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// observe gives each request an id and its client address, then writes one log line and
// records metrics when it is done.
func observe(cfg Config, logger *slog.Logger, m *metrics, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		info := &reqinfo.Info{ID: reqinfo.NewID(), ClientAddr: clientAddr(r, cfg.TrustProxy)}
		w.Header().Set("X-Request-Id", info.ID)
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r.WithContext(reqinfo.With(r.Context(), info)))
		if sw.status == 0 {
			sw.status = http.StatusOK
		}
		d := time.Since(start)
		route := routeOf(r.URL.Path)
		m.observe(route, info.Operation, sw.status, d.Seconds())
		if route == "/healthz" || route == "/readyz" || route == "/metrics" {
			return // probes would drown the log
		}
		attrs := []slog.Attr{
			slog.String("method", r.Method),
			slog.String("path", r.URL.Path),
			slog.Int("status", sw.status),
			slog.Duration("duration", d),
			slog.String("request_id", info.ID),
		}
		if info.Operation != "" {
			attrs = append(attrs, slog.String("operation", info.Operation))
		}
		if a, ok := auth.ActorFrom(r.Context()); ok {
			attrs = append(attrs, slog.Int64("user_id", a.UserID))
		}
		logger.LogAttrs(r.Context(), slog.LevelInfo, "request", attrs...)
	})
}

// routeOf maps a path to a bounded set of metric labels.
func routeOf(path string) string {
	switch {
	case path == "/graphql" || strings.HasPrefix(path, "/graphql/"):
		return "/graphql"
	case path == "/healthz", path == "/readyz", path == "/metrics", path == "/login", path == "/logout", path == "/imports":
		return path
	}
	for _, prefix := range []string{"/D/", "/d/", "/devices/", "/labels", "/certificates/", "/verify/", "/intake", "/bench", "/static/",
		"/hours", "/progress", "/pin", "/benches", "/T/", "/t/", "/review", "/trainees", "/programmes", "/sessions", "/reports/", "/requests", "/admin", "/impact", "/donors", "/follow-ups"} {
		if strings.HasPrefix(path, prefix) {
			return strings.TrimSuffix(prefix, "/")
		}
	}
	return "other"
}

// clientAddr returns the client's IP address: the first hop of X-Forwarded-For when behind a
// trusted proxy, else the connection's peer.
func clientAddr(r *http.Request, trustProxy bool) string {
	if trustProxy {
		if xff := r.Header.Get("X-Forwarded-For"); xff != "" {
			first, _, _ := strings.Cut(xff, ",")
			if ip := net.ParseIP(strings.TrimSpace(first)); ip != nil {
				return ip.String()
			}
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	if ip := net.ParseIP(host); ip != nil {
		return ip.String()
	}
	return ""
}

// Run serves until ctx is cancelled, then shuts down gracefully, letting requests in flight
// finish for up to grace.
func Run(ctx context.Context, srv *http.Server, ln net.Listener, grace time.Duration) error {
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), grace)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return err
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
