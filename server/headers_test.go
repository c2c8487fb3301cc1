package server_test

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/digital-inclusion/refurb/certificates"
	"github.com/digital-inclusion/refurb/graph"
	"github.com/digital-inclusion/refurb/inventory/inventorytest"
	"github.com/digital-inclusion/refurb/server"
	"github.com/digital-inclusion/refurb/server/servertest"
	"github.com/digital-inclusion/refurb/web"
)

// headerCase is one route and what its response must carry besides the headers every
// response carries.
type headerCase struct {
	name     string
	method   string
	path     string
	signedIn bool
	form     url.Values // a form post (with the session, same origin)
	// files, when set, make the post multipart/form-data: form's fields and these files.
	files  map[string][]byte
	status int
	cache  string // the Cache-Control wanted
	csp    string // the Content-Security-Policy wanted (default: the pages' one)
}

// TestSecurityHeadersOnEveryResponse asks every kind of route, signed in and not, and checks
// the headers browsers enforce on each: every page, every file route (labels, certificates,
// imports), refusals (401, 422) and a 500, redirects, 404s, static assets, GraphQL over GET and
// POST, GraphiQL and its files, probes and metrics. Everything but static assets is no-store:
// signed-in pages and personal files (certificates, label sheets, import reports) above all.
func TestSecurityHeadersOnEveryResponse(t *testing.T) {
	t.Parallel()
	s := servertest.New(t, servertest.Options{TLS: true,
		Config: server.Config{PublicURL: "https://refurb.example", GraphQL: graph.Config{GraphiQL: true, Introspection: true}}})
	actors := s.Users()
	don, devs := inventorytest.Donation(t, s.Store, actors.Staff, inventorytest.Laptop("PF1HDR"))
	tag := devs[0].Tag
	issued, err := s.Certificates.Issue(actors.Staff, don.ID, certificates.KindDonation, "en")
	if err != nil {
		t.Fatal(err)
	}
	srv := s.Server
	list := []byte("Type,Make,Model,Serial\nlaptop,HP,EliteBook 840 G5,HDR-IMPORT-1\n")
	anon := s.Client()
	staff := s.SignIn(actors.StaffUser.Email)

	const noStore = "no-store"
	cases := []headerCase{
		{name: "login page", method: "GET", path: "/login", status: 200, cache: noStore},
		{name: "redirect to login", method: "GET", path: "/", status: 303, cache: noStore},
		{name: "404", method: "GET", path: "/no/such/page", status: 404, cache: noStore},
		{name: "scanned label, anonymous", method: "GET", path: "/D/" + tag, status: 200, cache: noStore},
		{name: "static script", method: "GET", path: "/static/app.js", status: 200, cache: "no-cache"},
		{name: "static style", method: "GET", path: "/static/style.css", status: 200, cache: "no-cache"},
		{name: "verification page", method: "GET", path: "/verify/" + issued.Number, status: 200, cache: noStore},
		{name: "healthz", method: "GET", path: "/healthz", status: 200, cache: noStore},
		{name: "readyz", method: "GET", path: "/readyz", status: 200, cache: noStore},
		{name: "metrics", method: "GET", path: "/metrics", status: 200, cache: noStore},
		{name: "graphql GET", method: "GET", path: "/graphql?query=%7Bme%7Bid%7D%7D", status: 200, cache: noStore},
		{name: "graphql POST", method: "POST", path: "/graphql", status: 200, cache: noStore},
		{name: "scan page", method: "GET", path: "/scan", signedIn: true, status: 200, cache: noStore},
		{name: "device page", method: "GET", path: "/devices/" + tag, signedIn: true, status: 200, cache: noStore},
		{name: "device list", method: "GET", path: "/devices", signedIn: true, status: 200, cache: noStore},
		{name: "bench", method: "GET", path: "/bench", signedIn: true, status: 200, cache: noStore},
		{name: "intake", method: "GET", path: "/intake", signedIn: true, status: 200, cache: noStore},
		{name: "donation page", method: "GET", path: "/intake/" + don.Number, signedIn: true, status: 200, cache: noStore},
		{name: "label sheet", method: "GET", path: "/labels?donation=" + don.Number + "&stock=L7160", signedIn: true, status: 200, cache: noStore},
		{name: "label PNG", method: "GET", path: "/labels/" + tag + ".png", signedIn: true, status: 200, cache: noStore, csp: web.ImageCSP},
		{name: "certificate PDF", method: "GET", path: "/certificates/" + issued.Number + ".pdf", signedIn: true, status: 200, cache: noStore},
		{name: "my donations", method: "GET", path: "/donations", signedIn: true, status: 200, cache: noStore},
		{name: "signed-in 404", method: "GET", path: "/no/such/page", signedIn: true, status: 404, cache: noStore},
		{name: "form post redirect", method: "POST", path: "/devices/" + tag + "/note", signedIn: true, status: 303, cache: noStore,
			form: url.Values{"note": {"checked the hinges"}, "version": {"1"}}},
		{name: "import refused", method: "POST", path: "/imports", signedIn: true, status: 422, cache: noStore,
			form: url.Values{"donation": {"DON-1999-00001"}}, files: map[string][]byte{}},
		{name: "import report", method: "POST", path: "/imports", signedIn: true, status: 200, cache: noStore,
			form: url.Values{"donation": {don.Number}, "dryRun": {"true"}}, files: map[string][]byte{"file": list}},
		{name: "import check page", method: "POST", path: "/intake/" + don.Number + "/import", signedIn: true, status: 200, cache: noStore,
			files: map[string][]byte{"file": list}},
		{name: "reserved labels", method: "POST", path: "/labels/reserve", signedIn: true, status: 200, cache: noStore,
			form: url.Values{"count": {"2"}, "stock": {"L7160"}}},
		{name: "label sheet refused", method: "GET", path: "/labels?stock=XYZ", signedIn: true, status: 422, cache: noStore},
		{name: "label PNG anonymously", method: "GET", path: "/labels/" + tag + ".png", status: 401, cache: noStore},
		{name: "certificate PDF anonymously", method: "GET", path: "/certificates/" + issued.Number + ".pdf", status: 303, cache: noStore},
		{name: "scanned label, signed in", method: "GET", path: "/D/" + tag, signedIn: true, status: 200, cache: noStore},
		{name: "mode cards", method: "GET", path: "/bench/cards", signedIn: true, status: 200, cache: noStore},
		{name: "verification upload", method: "POST", path: "/verify/" + issued.Number, status: 200, cache: noStore,
			files: map[string][]byte{"file": []byte("%PDF-1.4 not the certificate")}},
		{name: "sign in", method: "POST", path: "/login", status: 303, cache: noStore,
			form: url.Values{"email": {actors.AdminUser.Email}, "password": {inventorytest.Password}}},
		{name: "language switch", method: "POST", path: "/lang", status: 303, cache: noStore, form: url.Values{"lang": {"de"}, "next": {"/login"}}},
		{name: "graphql refused", method: "GET", path: "/graphql?query=%7Bnope%7D", status: 400, cache: noStore},
		{name: "GraphiQL script", method: "GET", path: "/graphql/assets/init.js", status: 200, cache: "no-cache"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := anon
			if tc.signedIn {
				c = staff
			}
			resp := do(t, c, srv.URL, tc)
			if resp.StatusCode != tc.status {
				t.Errorf("status: got %d, want %d", resp.StatusCode, tc.status)
			}
			wantSecurityHeaders(t, resp, cmp.Or(tc.csp, server.PageCSP), true)
			if got := resp.Header.Get("Cache-Control"); !strings.Contains(got, tc.cache) {
				t.Errorf("Cache-Control: got %q, want %q", got, tc.cache)
			}
		})
	}

	// Static assets named with their version are cached for a long time, and so is nothing else.
	page := get(t, anon, srv.URL+"/login")
	i := strings.Index(page, "/static/app.js?v=")
	if i < 0 {
		t.Fatal("the login page links no versioned script")
	}
	versioned := page[i : i+strings.IndexByte(page[i:], '"')]
	resp := do(t, anon, srv.URL, headerCase{method: "GET", path: versioned})
	if got := resp.Header.Get("Cache-Control"); !strings.Contains(got, "immutable") {
		t.Errorf("versioned script: Cache-Control %q, want long, immutable caching", got)
	}
	wantSecurityHeaders(t, resp, server.PageCSP, true)

	// GraphiQL has a policy of its own, for exactly what it embeds: nothing from elsewhere.
	req, _ := http.NewRequest("GET", srv.URL+"/graphql", nil)
	req.Header.Set("Accept", "text/html")
	resp, err = anon.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("GraphiQL: got %d", resp.StatusCode)
	}
	wantSecurityHeaders(t, resp, graph.GraphiQLCSP, true)

	// A 500 carries them too, and stores nothing: take a privilege from the application role so
	// that the intake page fails in the database.
	if _, err := s.DB.Owner.ExecContext(context.Background(), "REVOKE SELECT ON donors FROM refurb_app"); err != nil {
		t.Fatal(err)
	}
	resp = do(t, staff, srv.URL, headerCase{method: "GET", path: "/intake"})
	if resp.StatusCode != http.StatusInternalServerError {
		t.Errorf("intake page without access to donors: got %d, want 500", resp.StatusCode)
	}
	wantSecurityHeaders(t, resp, server.PageCSP, true)
	if got := resp.Header.Get("Cache-Control"); got != "no-store" {
		t.Errorf("500: Cache-Control %q, want no-store", got)
	}
	if csp := graph.GraphiQLCSP; !strings.Contains(csp, "frame-ancestors 'none'") || strings.Contains(csp, "http") || strings.Contains(csp, "unsafe") {
		t.Errorf("GraphiQL's policy %q must load nothing from elsewhere, allow nothing unsafe and forbid framing", csp)
	}
	if csp := web.ImageCSP; !strings.Contains(csp, "default-src 'none'") || !strings.Contains(csp, "frame-ancestors 'none'") || strings.Contains(csp, "script") {
		t.Errorf("a label PNG's policy %q must load and run nothing and forbid framing", csp)
	}
}

// Without https in the public URL there is no HSTS: a browser would refuse the plain site.
func TestNoHSTSOverPlainHTTP(t *testing.T) {
	t.Parallel()
	srv := servertest.New(t, servertest.Options{Config: server.Config{PublicURL: "http://localhost:8080"}})
	resp := do(t, &http.Client{CheckRedirect: noRedirect}, srv.URL, headerCase{method: "GET", path: "/login"})
	wantSecurityHeaders(t, resp, server.PageCSP, false)
}

func wantSecurityHeaders(t *testing.T, resp *http.Response, csp string, hsts bool) {
	t.Helper()
	want := map[string]string{
		"Content-Security-Policy":    csp,
		"X-Content-Type-Options":     "nosniff",
		"Referrer-Policy":            "no-referrer",
		"X-Frame-Options":            "DENY",
		"Cross-Origin-Opener-Policy": "same-origin",
		"Permissions-Policy":         server.PermissionsPolicy,
	}
	for k, v := range want {
		if got := resp.Header.Get(k); got != v {
			t.Errorf("%s: got %q, want %q", k, got, v)
		}
	}
	if got := resp.Header.Get("Strict-Transport-Security"); (got != "") != hsts {
		t.Errorf("Strict-Transport-Security: got %q, want it set: %v", got, hsts)
	}
	if !strings.Contains(server.PermissionsPolicy, "camera=(self)") {
		t.Error("the Permissions-Policy must allow the camera to the site itself")
	}
}

func do(t *testing.T, c *http.Client, base string, tc headerCase) *http.Response {
	t.Helper()
	var body io.Reader
	req, _ := http.NewRequest(tc.method, base+tc.path, nil)
	switch {
	case tc.files != nil:
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		for k := range tc.form {
			mw.WriteField(k, tc.form.Get(k))
		}
		for name, b := range tc.files {
			fw, _ := mw.CreateFormFile(name, name+".csv")
			fw.Write(b)
		}
		mw.Close()
		req, _ = http.NewRequest(tc.method, base+tc.path, &buf)
		req.Header.Set("Content-Type", mw.FormDataContentType())
	case tc.form != nil:
		body = strings.NewReader(tc.form.Encode())
		req, _ = http.NewRequest(tc.method, base+tc.path, body)
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	case tc.path == "/graphql":
		b, _ := json.Marshal(map[string]string{"query": "{ me { id } }"})
		req, _ = http.NewRequest(tc.method, base+tc.path, bytes.NewReader(b))
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp
}

func get(t *testing.T, c *http.Client, u string) string {
	t.Helper()
	resp, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

func noRedirect(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
