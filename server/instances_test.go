package server_test

// Two `refurb serve` processes on one database behind a reverse proxy that alternates between
// them: a user's journey works whichever instance answers each request, and goes on when one
// of them stops (docs/operations.md, "Several instances").

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/certificates"
	"github.com/digital-inclusion/refurb/internal/pgtest"
)

// instance is one refurb serve process.
type instance struct {
	name string
	url  *url.URL
	cmd  *exec.Cmd
	log  *bytes.Buffer
	done chan struct{}
}

// balancer alternates requests between the instances still up, as a load balancer whose health
// checks have seen one go would, and says in X-Served-By which one answered.
type balancer struct {
	mu   sync.Mutex
	up   []*instance
	next int
}

func (b *balancer) pick() *instance {
	b.mu.Lock()
	defer b.mu.Unlock()
	in := b.up[b.next%len(b.up)]
	b.next++
	return in
}

func (b *balancer) remove(gone *instance) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for i, in := range b.up {
		if in == gone {
			b.up = append(b.up[:i], b.up[i+1:]...)
			return
		}
	}
}

func (b *balancer) handler() http.Handler {
	return &httputil.ReverseProxy{
		Rewrite: func(r *httputil.ProxyRequest) {
			in := b.pick()
			r.SetURL(in.url)
			r.Out.Host = r.In.Host // the instances check same-origin requests against PUBLIC_URL's host
			r.SetXForwarded()
			r.Out.Header.Set("X-Test-Instance", in.name)
		},
		ModifyResponse: func(resp *http.Response) error {
			resp.Header.Set("X-Served-By", resp.Request.Header.Get("X-Test-Instance"))
			return nil
		},
	}
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func startInstance(t *testing.T, bin, name, dbURL, publicURL string) *instance {
	t.Helper()
	addr := freeAddr(t)
	in := &instance{name: name, url: &url.URL{Scheme: "http", Host: addr}, log: new(bytes.Buffer), done: make(chan struct{})}
	in.cmd = exec.Command(bin, "serve", "-database-url", dbURL, "-listen-addr", addr, "-public-url", publicURL,
		"-trust-proxy", "-graphiql", "false", "-log-level", "warn")
	in.cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME")}
	in.cmd.Stdout, in.cmd.Stderr = in.log, in.log
	if err := in.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { in.cmd.Wait(); close(in.done) }() //nolint:errcheck // the exit is checked through done
	t.Cleanup(func() {
		in.cmd.Process.Signal(syscall.SIGTERM) //nolint:errcheck // may have stopped already
		select {
		case <-in.done:
		case <-time.After(10 * time.Second):
			in.cmd.Process.Kill() //nolint:errcheck // last resort
		}
		if t.Failed() {
			t.Logf("%s's log:\n%s", name, in.log)
		}
	})
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get(in.url.String() + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return in
			}
		}
		select {
		case <-in.done:
			t.Fatalf("%s exited: %s", name, in.log)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s not ready after 30 s: %s", name, in.log)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// stop ends an instance as an orchestrator would (SIGTERM) and waits for it to exit.
func (in *instance) stop(t *testing.T) {
	t.Helper()
	if err := in.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case <-in.done:
	case <-time.After(20 * time.Second):
		t.Fatalf("%s did not stop", in.name)
	}
}

// journeyClient is a browser-like client of the balancer: its cookie jar holds the session.
type journeyClient struct {
	t    *testing.T
	base string
	http *http.Client
	by   map[string]int // requests answered per instance
}

func (c *journeyClient) do(req *http.Request) (*http.Response, []byte) {
	c.t.Helper()
	resp, err := c.http.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	c.by[resp.Header.Get("X-Served-By")]++
	return resp, body
}

// gql sends a GraphQL request and decodes its data into out, failing on any error.
func (c *journeyClient) gql(query string, vars map[string]any, out any) string {
	c.t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, _ := http.NewRequest(http.MethodPost, c.base+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	resp, raw := c.do(req)
	var r struct {
		Data   json.RawMessage
		Errors []any
	}
	if err := json.Unmarshal(raw, &r); err != nil || resp.StatusCode != http.StatusOK || len(r.Errors) > 0 {
		c.t.Fatalf("%.60s: got %d %s", query, resp.StatusCode, raw)
	}
	if err := json.Unmarshal(r.Data, out); err != nil {
		c.t.Fatal(err)
	}
	return resp.Header.Get("X-Served-By")
}

func TestTwoInstancesBehindABalancer(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs refurb serve twice")
	}
	t.Parallel()
	db := pgtest.New(t)
	ctx := context.Background()
	bin := filepath.Join(t.TempDir(), "refurb")
	if out, err := exec.Command("go", "build", "-o", bin, "github.com/digital-inclusion/refurb/cmd/refurb").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	svc, err := auth.NewService(db.App, auth.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	const email, password = "staff@example.org", "correct horse battery"
	if _, err := svc.CreateUser(auth.System(ctx), auth.NewUser{Email: email, Name: "Staff", Role: auth.RoleStaff, Password: password}); err != nil {
		t.Fatal(err)
	}
	if err := certificates.NewStore(db.App, "").SetOrganisation(auth.System(ctx), certificates.Organisation{Name: "Refurb Test asbl", Address: "1 rue de l'Essai, Luxembourg"}); err != nil {
		t.Fatal(err)
	}

	lb := &balancer{}
	front := httptest.NewServer(lb.handler())
	t.Cleanup(front.Close)
	a := startInstance(t, bin, "a", db.URL, front.URL)
	b := startInstance(t, bin, "b", db.URL, front.URL)
	lb.up = []*instance{a, b}

	jar, _ := cookiejar.New(nil)
	c := &journeyClient{t: t, base: front.URL, by: map[string]int{},
		http: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}

	// Sign in on one instance; the session is in the database, so both know it.
	req, _ := http.NewRequest(http.MethodPost, front.URL+"/login", strings.NewReader(fmt.Sprintf(`{"email":%q,"password":%q}`, email, password)))
	req.Header.Set("Content-Type", "application/json")
	if resp, body := c.do(req); resp.StatusCode != http.StatusOK {
		t.Fatalf("login: got %d %s", resp.StatusCode, body)
	}
	for range 2 {
		var me struct{ Me struct{ Email string } }
		c.gql(`{ me { email } }`, nil, &me)
		if me.Me.Email != email {
			t.Fatalf("me: got %+v, want signed in on both instances", me)
		}
	}

	// Intake: a donation with a laptop and its drive.
	var don struct {
		RecordDonation struct {
			ID, Number string
			Devices    struct {
				Nodes []struct {
					ID, Tag string
					Storage []struct{ ID string }
				}
			}
		}
	}
	c.gql(`mutation($input: RecordDonationInput!) { recordDonation(input: $input) { id number devices { nodes { id tag storage { id } } } } }`,
		map[string]any{"input": map[string]any{"receivedOn": time.Now().Format(time.DateOnly), "devices": []any{
			map[string]any{"kind": "LAPTOP", "make": "Lenovo", "model": "T480", "serialNumber": "TWO-1", "storage": []any{map[string]any{"kind": "SSD", "serialNumber": "TWO-D1"}}},
		}}}, &don)
	number := don.RecordDonation.Number

	// The asset list: checked on one instance, confirmed on the other.
	var form bytes.Buffer
	mw := multipart.NewWriter(&form)
	fw, _ := mw.CreateFormFile("file", "list.csv")
	fw.Write([]byte("Type,Make,Model,Serial Number\r\nDesktop,HP,EliteDesk 800,TWO-LIST-1\r\nMonitor,Dell,P2419H,TWO-LIST-2\r\n"))
	mw.Close()
	req, _ = http.NewRequest(http.MethodPost, front.URL+"/intake/"+number+"/import", &form)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, page := c.do(req)
	checkedBy := resp.Header.Get("X-Served-By")
	m := regexp.MustCompile(`name="token" value="([^"]+)"`).FindSubmatch(page)
	if resp.StatusCode != http.StatusOK || m == nil {
		t.Fatalf("dry run: got %d without a token to confirm:\n%.2000s", resp.StatusCode, page)
	}
	confirm := func() *http.Response {
		req, _ := http.NewRequest(http.MethodPost, front.URL+"/intake/"+number+"/import/confirm", strings.NewReader(url.Values{"token": {string(m[1])}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		resp, _ := c.do(req)
		return resp
	}
	resp = confirm()
	if resp.Header.Get("X-Served-By") == checkedBy {
		t.Fatalf("the balancer sent the confirmation to %s, which checked the file: the test proves nothing", checkedBy)
	}
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("confirm on the other instance: got %d, want a redirect", resp.StatusCode)
	}
	var devices struct{ Devices struct{ TotalCount int } }
	c.gql(`query($id: ID!) { devices(filter: {donationID: $id}) { totalCount } }`, map[string]any{"id": don.RecordDonation.ID}, &devices)
	if devices.Devices.TotalCount != 3 {
		t.Fatalf("devices after the import: got %d, want 3", devices.Devices.TotalCount)
	}

	// The label sheet.
	req, _ = http.NewRequest(http.MethodGet, front.URL+"/labels?donation="+number, nil)
	if resp, body := c.do(req); resp.StatusCode != http.StatusOK || !bytes.HasPrefix(body, []byte("%PDF")) {
		t.Fatalf("label sheet: got %d %.200s", resp.StatusCode, body)
	}

	// The wipe, then the erasure certificate.
	var wiped struct{ RecordWipe struct{ Result string } }
	c.gql(`mutation($input: RecordWipeInput!) { recordWipe(input: $input) { result } }`, map[string]any{"input": map[string]any{
		"mediumID": don.RecordDonation.Devices.Nodes[0].Storage[0].ID, "method": "PURGE", "technique": "NVMe Format (crypto erase)", "result": "PASSED"}}, &wiped)
	var cert struct {
		IssueCertificate struct{ Number, VerifyURL string }
	}
	c.gql(`mutation($id: ID!) { issueCertificate(subjectID: $id, kind: ERASURE, language: "en") { number verifyURL } }`,
		map[string]any{"id": don.RecordDonation.ID}, &cert)
	verify, err := url.Parse(cert.IssueCertificate.VerifyURL)
	if err != nil || verify.Query().Get("t") == "" {
		t.Fatalf("verify URL: got %q", cert.IssueCertificate.VerifyURL)
	}

	// Verification, anonymous, counted across both instances: the limit is per minute and per
	// client address, whichever instance counts.
	anon := &journeyClient{t: t, base: front.URL, by: map[string]int{}, http: &http.Client{}}
	verifyOnce := func() int {
		req, _ := http.NewRequest(http.MethodGet, front.URL+verify.RequestURI(), nil)
		resp, body := anon.do(req)
		if resp.StatusCode == http.StatusOK && !bytes.Contains(body, []byte(cert.IssueCertificate.Number)) {
			t.Fatalf("verification page without the certificate's number: %.500s", body)
		}
		return resp.StatusCode
	}
	limit := certificates.DefaultVerifyLimit.PerMinute
	half := limit / 2
	for i := range half {
		if got := verifyOnce(); got != http.StatusOK {
			t.Fatalf("verification %d: got %d, want 200", i+1, got)
		}
	}
	if anon.by["a"] == 0 || anon.by["b"] == 0 {
		t.Fatalf("verifications answered: %v, want both instances", anon.by)
	}

	// One instance stops mid-run; the balancer's health check takes it out; the journey goes on.
	a.stop(t)
	lb.remove(a)
	for i := half; i < limit; i++ {
		if got := verifyOnce(); got != http.StatusOK {
			t.Fatalf("verification %d (on b alone): got %d, want 200", i+1, got)
		}
	}
	req, _ = http.NewRequest(http.MethodGet, front.URL+verify.RequestURI(), nil)
	if resp, _ := anon.do(req); resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" || strings.ContainsAny(resp.Header.Get("Retry-After"), "ms") {
		t.Errorf("verification %d: got %d, Retry-After %q; want 429 and seconds: the limit is counted across instances",
			limit+1, resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	var scanned struct{ Device struct{ Status string } }
	if by := c.gql(`query($tag: String!) { device(tag: $tag) { status } }`, map[string]any{"tag": don.RecordDonation.Devices.Nodes[0].Tag}, &scanned); by != "b" || scanned.Device.Status != "WIPED" {
		t.Errorf("scan after a stopped: got %+v from %q, want the wiped device from b, signed in", scanned, by)
	}
	req, _ = http.NewRequest(http.MethodGet, front.URL+"/labels?donation="+number, nil)
	if resp, _ := c.do(req); resp.StatusCode != http.StatusOK {
		t.Errorf("label sheet after a stopped: got %d", resp.StatusCode)
	}
	if c.by["a"] == 0 || c.by["b"] == 0 {
		t.Errorf("the signed-in journey's requests: %v, want both instances", c.by)
	}
}
