package web_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/internal/pgtest"
	"github.com/digital-inclusion/refurb/inventory"
	"github.com/digital-inclusion/refurb/server"
)

const password = "correct horse battery"

// env is the whole application served on a test database, as `refurb serve` would.
type env struct {
	t     *testing.T
	db    *pgtest.DB
	srv   *httptest.Server
	auth  *auth.Service
	store *inventory.Store
	sys   context.Context
}

func newEnv(t *testing.T) *env {
	t.Helper()
	db := pgtest.New(t)
	svc, err := auth.NewService(db.App, auth.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	store := inventory.NewStore(db.App)
	h, err := server.Handler(server.Config{PublicURL: "https://refurb.example", OrgName: "Digital Inclusion", OrgContact: "atelier@example.lu"}, server.Deps{
		DB: db.App, Auth: svc, Inventory: store, Sessions: auth.NewSessions(db.App.DB, false),
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return &env{t: t, db: db, srv: srv, auth: svc, store: store, sys: auth.System(context.Background())}
}

func (e *env) user(email string, role auth.Role, donorID *int64) *auth.User {
	e.t.Helper()
	u, err := e.auth.CreateUser(e.sys, auth.NewUser{Email: email, Name: strings.ToUpper(email[:1]) + email[1:strings.Index(email, "@")], Role: role, Password: password, DonorID: donorID})
	if err != nil {
		e.t.Fatal(err)
	}
	return u
}

// as returns a context acting as u, for fixtures that need an operator.
func (e *env) as(u *auth.User) context.Context {
	return auth.WithActor(context.Background(), u.Actor())
}

func laptop(serial, drive string) inventory.NewDevice {
	gb := 256.0
	return inventory.NewDevice{Kind: inventory.KindLaptop, Make: "Lenovo", Model: "ThinkPad T480", SerialNumber: serial,
		Storage: []inventory.NewStorage{{Kind: inventory.StorageSSD, SerialNumber: drive, CapacityGB: &gb}}}
}

// donation records a donation of devices on behalf of donorID (nil: anonymous).
func (e *env) donation(donorID *int64, devices ...inventory.NewDevice) (*inventory.Donation, []inventory.Device) {
	e.t.Helper()
	now := time.Now()
	don, ds, err := e.store.RecordDonation(e.sys, inventory.NewDonation{DonorID: donorID,
		ReceivedOn: time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC), Devices: devices})
	if err != nil {
		e.t.Fatal(err)
	}
	return don, ds
}

// wipe records a passing wipe of every medium of d by operator u.
func (e *env) wipe(u *auth.User, d *inventory.Device) {
	e.t.Helper()
	media, err := e.store.Storage(e.sys, []int64{d.ID})
	if err != nil {
		e.t.Fatal(err)
	}
	for _, m := range media[d.ID] {
		if _, _, err := e.store.RecordWipe(e.as(u), inventory.NewWipe{MediumID: m.ID, Method: inventory.MethodPurge,
			Technique: "NVMe Format (crypto erase)", Verification: "full", Result: inventory.ResultPassed}); err != nil {
			e.t.Fatal(err)
		}
	}
}

func (e *env) device(tag string) *inventory.Device {
	e.t.Helper()
	d, err := e.store.DeviceByTag(e.sys, tag)
	if err != nil {
		e.t.Fatal(err)
	}
	return d
}

// client is an HTTP client with its own cookies that does not follow redirects.
func (e *env) client(lang string) *client {
	jar, _ := cookiejar.New(nil)
	return &client{e: e, lang: lang, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

type client struct {
	e    *env
	lang string
	c    *http.Client
}

type response struct {
	status   int
	location string
	body     string
}

func (c *client) do(method, path string, form url.Values) response {
	c.e.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, c.e.srv.URL+path, body)
	if err != nil {
		c.e.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if c.lang != "" {
		req.Header.Set("Accept-Language", c.lang)
	}
	resp, err := c.c.Do(req)
	if err != nil {
		c.e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return response{status: resp.StatusCode, location: resp.Header.Get("Location"), body: string(b)}
}

func (c *client) get(path string) response                   { return c.do("GET", path, nil) }
func (c *client) post(path string, form url.Values) response { return c.do("POST", path, form) }

func (c *client) login(email string) {
	c.e.t.Helper()
	r := c.post("/login", url.Values{"email": {email}, "password": {password}})
	if r.status != http.StatusSeeOther {
		c.e.t.Fatalf("login %s: got %d, want 303", email, r.status)
	}
}
