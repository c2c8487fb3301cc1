// Package servertest serves the whole application, as `refurb serve` would, on a pgtest
// database, for the tests of web and server and the browser tests: one builder of the server,
// its services and its users (inventorytest.Users), and clients that sign in.
package servertest

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/certificates"
	"github.com/digital-inclusion/refurb/internal/pgtest"
	"github.com/digital-inclusion/refurb/inventory"
	"github.com/digital-inclusion/refurb/inventory/inventorytest"
	"github.com/digital-inclusion/refurb/server"
)

// Options are what a test chooses about its server.
type Options struct {
	// Config is the server's configuration, passed on as it is (the zero Config: no public URL,
	// no GraphiQL, no introspection).
	Config server.Config
	// TLS serves over https with httptest's certificate, and marks session cookies Secure.
	TLS bool
	// Log receives the server's log (text); nil discards it.
	Log io.Writer
}

// Server is the application served on its own database.
type Server struct {
	*httptest.Server
	t            testing.TB
	DB           *pgtest.DB
	Auth         *auth.Service
	Store        *inventory.Store
	Certificates *certificates.Store
	// System acts as the command line: an administrator with no user behind it.
	System context.Context

	usersOnce sync.Once
	users     *inventorytest.Actors
}

// New serves the application on a new database for t.
func New(t testing.TB, opts Options) *Server {
	t.Helper()
	return Start(t, pgtest.New(t), opts)
}

// Start serves the application on db, as a new process would: new services, a new session
// manager, the same data. The server stops when the test ends (or earlier with Close).
func Start(t testing.TB, db *pgtest.DB, opts Options) *Server {
	t.Helper()
	svc, err := auth.NewService(db.App, auth.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	logs := opts.Log
	if logs == nil {
		logs = io.Discard
	}
	store := inventory.NewStore(db.App)
	if _, bench := t.(*testing.B); !bench && opts.Config.GraphQL.Reference == nil {
		// Every query a test sends is answered by graphql-go's executor as well (graph/exec.go).
		opts.Config.GraphQL.Reference = func(query, difference string) {
			t.Errorf("the executors differ on\n%s\n%s", query, difference)
		}
	}
	h, err := server.Handler(opts.Config, server.Deps{
		DB: db.App, Auth: svc, Inventory: store, Sessions: auth.NewSessions(db.App.DB, opts.TLS),
		Logger: slog.New(slog.NewTextHandler(logs, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(h)
	if opts.TLS {
		srv.StartTLS()
	} else {
		srv.Start()
	}
	t.Cleanup(srv.Close)
	return &Server{Server: srv, t: t, DB: db, Auth: svc, Store: store,
		Certificates: certificates.NewStore(db.App, opts.Config.PublicURL), System: auth.System(context.Background())}
}

// Users returns one user of each role (inventorytest.Users: admin@, staff@, trainee@,
// trainee2@, donor@ and social@example.org, password inventorytest.Password), created on the
// first call, so that a test that counts users or audit entries creates none it did not ask for.
func (s *Server) Users() *inventorytest.Actors {
	s.t.Helper()
	s.usersOnce.Do(func() { s.users = inventorytest.Users(s.t, s.DB) })
	return s.users
}

// User creates one more user, with the password inventorytest.Password and a name made from
// the e-mail address (sam@example.org is "Sam"); donorID is for a donor's user.
func (s *Server) User(email string, role auth.Role, donorID *int64) *auth.User {
	s.t.Helper()
	local, _, _ := strings.Cut(email, "@")
	u, err := s.Auth.CreateUser(s.System, auth.NewUser{Email: email, Name: strings.ToUpper(local[:1]) + local[1:],
		Role: role, Password: inventorytest.Password, DonorID: donorID})
	if err != nil {
		s.t.Fatalf("create user %s: %v", email, err)
	}
	return u
}

// As returns a context in which u acts, for fixtures that need an operator.
func (s *Server) As(u *auth.User) context.Context {
	return auth.WithActor(context.Background(), u.Actor())
}

// Token returns a new API token of u.
func (s *Server) Token(u *auth.User) string {
	s.t.Helper()
	token, _, err := s.Auth.CreateToken(s.System, u.Email, "test")
	if err != nil {
		s.t.Fatalf("create a token for %s: %v", u.Email, err)
	}
	return token
}

// Client returns a client of the server with its own cookies that does not follow redirects.
func (s *Server) Client() *http.Client {
	jar, err := cookiejar.New(nil)
	if err != nil {
		s.t.Fatal(err)
	}
	return &http.Client{Transport: s.Server.Client().Transport, Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// SignIn returns a client signed in as email through the sign-in form, as a browser is.
func (s *Server) SignIn(email string) *http.Client {
	s.t.Helper()
	c := s.Client()
	resp, err := c.PostForm(s.URL+"/login", url.Values{"email": {email}, "password": {inventorytest.Password}})
	if err != nil {
		s.t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		s.t.Fatalf("sign in as %s: got %d, want 303", email, resp.StatusCode)
	}
	return c
}
