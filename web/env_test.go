package web_test

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/inventory"
	"github.com/digital-inclusion/refurb/inventory/inventorytest"
	"github.com/digital-inclusion/refurb/server"
	"github.com/digital-inclusion/refurb/server/servertest"
)

const password = inventorytest.Password

// env is the whole application served on a test database, as `refurb serve` would
// (servertest), with the helpers the page tests share.
type env struct {
	*servertest.Server
	t *testing.T
}

func newEnv(t *testing.T) *env {
	return newEnvWith(t, server.Config{PublicURL: "https://refurb.example", OrgName: "Digital Inclusion", OrgContact: "atelier@example.lu"})
}

func newEnvWith(t *testing.T, cfg server.Config) *env {
	t.Helper()
	return &env{Server: servertest.New(t, servertest.Options{Config: cfg}), t: t}
}

// user creates a user with the password password; see servertest.Server.User.
func (e *env) user(email string, role auth.Role, donorID *int64) *auth.User {
	e.t.Helper()
	return e.User(email, role, donorID)
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
	don, ds, err := e.Store.RecordDonation(e.System, inventory.NewDonation{DonorID: donorID,
		ReceivedOn: time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC), Devices: devices})
	if err != nil {
		e.t.Fatal(err)
	}
	return don, ds
}

// wipe records a passing wipe of every medium of d by operator u.
func (e *env) wipe(u *auth.User, d *inventory.Device) {
	e.t.Helper()
	media, err := e.Store.Storage(e.System, []int64{d.ID})
	if err != nil {
		e.t.Fatal(err)
	}
	for _, m := range media[d.ID] {
		if _, _, err := e.Store.RecordWipe(e.As(u), inventory.NewWipe{MediumID: m.ID, Method: inventory.MethodPurge,
			Technique: "NVMe Format (crypto erase)", Verification: "full", Result: inventory.ResultPassed}); err != nil {
			e.t.Fatal(err)
		}
	}
}

func (e *env) device(tag string) *inventory.Device {
	e.t.Helper()
	d, err := e.Store.DeviceByTag(e.System, tag)
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
	req, err := http.NewRequest(method, c.e.URL+path, body)
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
