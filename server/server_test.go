package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/graph"
	"github.com/digital-inclusion/refurb/internal/pgtest"
	"github.com/digital-inclusion/refurb/server"
	"github.com/digital-inclusion/refurb/server/servertest"
)

// syncBuffer collects log output written from several goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

type env struct {
	*servertest.Server
	t   *testing.T
	db  *pgtest.DB
	srv *httptest.Server
	log *syncBuffer
}

// start serves the whole application on db, as `refurb serve` would.
func start(t *testing.T, db *pgtest.DB) *env {
	t.Helper()
	logs := &syncBuffer{}
	s := servertest.Start(t, db, servertest.Options{Config: server.Config{GraphQL: graph.Config{Introspection: true}}, Log: logs})
	return &env{Server: s, t: t, db: db, srv: s.Server, log: logs}
}

func newEnv(t *testing.T) *env {
	t.Helper()
	return start(t, pgtest.New(t))
}

// createUser creates a user of role with the password "correct horse battery" (only this
// user: the tests below count users and audit entries).
func (e *env) createUser(email string, role auth.Role) *auth.User {
	e.t.Helper()
	return e.User(email, role, nil)
}

func newClient(t *testing.T) *http.Client {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

func (e *env) login(c *http.Client, email, password string) *http.Response {
	e.t.Helper()
	body, _ := json.Marshal(map[string]string{"email": email, "password": password})
	resp, err := c.Post(e.srv.URL+"/login", "application/json", bytes.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	return resp
}

type gqlResponse struct {
	status int
	Data   map[string]any `json:"data"`
	Errors []struct {
		Message    string         `json:"message"`
		Extensions map[string]any `json:"extensions"`
	} `json:"errors"`
}

func (e *env) graphql(c *http.Client, query string, header http.Header) gqlResponse {
	e.t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query})
	req, _ := http.NewRequest("POST", e.srv.URL+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := c.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var out gqlResponse
	out.status = resp.StatusCode
	if err := json.Unmarshal(raw, &out); err != nil {
		e.t.Fatalf("response %d is not GraphQL JSON: %s", resp.StatusCode, raw)
	}
	return out
}

func meEmail(r gqlResponse) any {
	me, _ := r.Data["me"].(map[string]any)
	if me == nil {
		return nil
	}
	return me["email"]
}

func TestAnonymousMe(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	r := e.graphql(newClient(t), `{ me { id email } }`, nil)
	if r.status != 200 || len(r.Errors) > 0 || r.Data["me"] != nil {
		t.Errorf("anonymous me: got %d %+v, want 200 with me null", r.status, r)
	}
}

func TestLoginSessionLogout(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.createUser("staff@example.org", auth.RoleStaff)
	c := newClient(t)

	resp := e.login(c, "Staff@Example.org", "correct horse battery")
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("login: got %d, want 200", resp.StatusCode)
	}
	var cookie *http.Cookie
	for _, ck := range resp.Cookies() {
		if ck.Name == auth.SessionCookieName {
			cookie = ck
		}
	}
	if cookie == nil || !cookie.HttpOnly || cookie.SameSite != http.SameSiteLaxMode {
		t.Fatalf("session cookie: got %+v, want HttpOnly and SameSite=Lax", cookie)
	}
	if got := meEmail(e.graphql(c, `{ me { email role } }`, nil)); got != "staff@example.org" {
		t.Errorf("me after login: got %v", got)
	}

	req, _ := http.NewRequest("POST", e.srv.URL+"/logout", nil)
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got := meEmail(e.graphql(c, `{ me { email } }`, nil)); got != nil {
		t.Errorf("me after logout: got %v, want null", got)
	}
	var actions []string
	e.db.Owner.NewSelect().Table("audit_log").Column("action").Order("id").Scan(context.Background(), &actions)
	if strings.Join(actions, ",") != "user.created,login.succeeded,logout" {
		t.Errorf("audit trail: got %v", actions)
	}
}

func TestWrongLoginSaysOnlyInvalid(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.createUser("staff@example.org", auth.RoleStaff)
	var bodies []string
	for _, email := range []string{"staff@example.org", "nobody@example.org"} {
		resp := e.login(newClient(t), email, "wrong password")
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 401 {
			t.Errorf("wrong login for %s: got %d, want 401", email, resp.StatusCode)
		}
		bodies = append(bodies, string(b))
	}
	if bodies[0] != bodies[1] || !strings.Contains(bodies[0], "Invalid email or password.") {
		t.Errorf("answers differ or say more than they should: %q vs %q", bodies[0], bodies[1])
	}
	// A browser form gets the page again with the same sentence.
	c := newClient(t)
	resp, err := c.PostForm(e.srv.URL+"/login", map[string][]string{"email": {"staff@example.org"}, "password": {"nope"}})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 401 || !strings.Contains(string(b), "Invalid email or password.") {
		t.Errorf("form login: got %d %q", resp.StatusCode, b)
	}
}

func TestLoginRateLimitOverHTTP(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.createUser("staff@example.org", auth.RoleStaff)
	for range auth.DefaultLimits.FailuresPerAccount {
		resp := e.login(newClient(t), "staff@example.org", "guess")
		resp.Body.Close()
	}
	resp := e.login(newClient(t), "staff@example.org", "correct horse battery")
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 401 || !strings.Contains(string(b), "Invalid email or password.") {
		t.Errorf("right password after too many failures: got %d %s, want 401 invalid email or password", resp.StatusCode, b)
	}
}

func TestSessionSurvivesRestart(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	first := start(t, db)
	first.createUser("staff@example.org", auth.RoleStaff)
	c := newClient(t)
	resp := first.login(c, "staff@example.org", "correct horse battery")
	resp.Body.Close()
	cookies := c.Jar.Cookies(mustURL(t, first.srv.URL))
	first.srv.Close()

	second := start(t, db) // a new process: new session manager, new services, same database
	c2 := newClient(t)
	c2.Jar.SetCookies(mustURL(t, second.srv.URL), cookies)
	if got := meEmail(second.graphql(c2, `{ me { email } }`, nil)); got != "staff@example.org" {
		t.Errorf("me on the restarted server: got %v, want the signed-in user", got)
	}
}

func TestBearerToken(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	plain := e.Token(e.createUser("script@example.org", auth.RoleStaff))
	r := e.graphql(http.DefaultClient, `{ me { email } }`, http.Header{"Authorization": {"Bearer " + plain}})
	if meEmail(r) != "script@example.org" {
		t.Errorf("me with a bearer token: got %+v", r)
	}
	req, _ := http.NewRequest("POST", e.srv.URL+"/graphql", strings.NewReader(`{"query":"{ me { email } }"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer rfb_forged")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 401 || resp.Header.Get("WWW-Authenticate") == "" {
		t.Errorf("forged token: got %d, want 401 with WWW-Authenticate", resp.StatusCode)
	}
}

func TestCrossOriginCookieMutationRefused(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.createUser("admin@example.org", auth.RoleAdmin)
	c := newClient(t)
	e.login(c, "admin@example.org", "correct horse battery").Body.Close()
	mutation := `{"query":"mutation { createUser(email: \"x@example.org\", name: \"X\", role: STAFF, password: \"correct horse battery\") { id } }"}`
	for name, h := range map[string]http.Header{
		"Sec-Fetch-Site": {"Sec-Fetch-Site": {"cross-site"}},
		"Origin":         {"Origin": {"https://evil.example"}},
	} {
		req, _ := http.NewRequest("POST", e.srv.URL+"/graphql", strings.NewReader(mutation))
		req.Header.Set("Content-Type", "application/json")
		for k, v := range h {
			req.Header[k] = v
		}
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("cross-origin via %s: got %d, want 403", name, resp.StatusCode)
		}
	}
	n, _ := e.db.Owner.NewSelect().Table("users").Count(context.Background())
	if n != 1 {
		t.Errorf("users after refused cross-origin mutations: got %d, want 1", n)
	}
	// The same mutation from the same origin goes through.
	r := e.graphql(c, `mutation { createUser(email: "x@example.org", name: "X", role: STAFF, password: "correct horse battery") { email } }`,
		http.Header{"Sec-Fetch-Site": {"same-origin"}})
	if len(r.Errors) > 0 {
		t.Errorf("same-origin mutation: %+v", r.Errors)
	}
}

func TestInternalErrorHiddenBehindRequestID(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.createUser("admin@example.org", auth.RoleAdmin)
	c := newClient(t)
	e.login(c, "admin@example.org", "correct horse battery").Body.Close()
	// Take a privilege away from the application role so that creating a token fails deep in
	// the database: the client must see a request id, never the database's words.
	if _, err := e.db.Owner.ExecContext(context.Background(), "REVOKE INSERT ON api_tokens FROM refurb_app"); err != nil {
		t.Fatal(err)
	}
	r := e.graphql(c, `mutation { createAPIToken(name: "x") { token } }`, nil)
	if len(r.Errors) != 1 {
		t.Fatalf("got %+v, want one error", r)
	}
	got := r.Errors[0]
	id, _ := got.Extensions["requestId"].(string)
	if got.Extensions["code"] != "INTERNAL" || id == "" || !strings.Contains(got.Message, id) {
		t.Errorf("error: got %+v, want INTERNAL with the request id", got)
	}
	if strings.Contains(got.Message, "permission") {
		t.Errorf("the database's message reached the client: %q", got.Message)
	}
	if logs := e.log.String(); !strings.Contains(logs, "permission denied") || !strings.Contains(logs, id) {
		t.Errorf("log lacks the detail and request id %s:\n%s", id, logs)
	}
}

func TestProbesMetricsAndAccessLog(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for path, want := range map[string]string{"/healthz": "ok", "/readyz": "ready"} {
		resp, err := http.Get(e.srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.Contains(string(b), want) {
			t.Errorf("%s: got %d %q", path, resp.StatusCode, b)
		}
	}
	e.graphql(http.DefaultClient, `query WhoAmI { me { id } }`, nil)
	resp, err := http.Get(e.srv.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{
		`refurb_http_requests_total{code="200",operation="WhoAmI",route="/graphql"} 1`,
		`refurb_http_request_duration_seconds_bucket{operation="WhoAmI",route="/graphql"`,
		`go_sql_open_connections{db_name="refurb"}`,
		"refurb_graphql_waiting 0", // nothing queues for a place after the request is answered
	} {
		if !strings.Contains(string(b), want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	logs := e.log.String()
	if !strings.Contains(logs, "method=POST path=/graphql status=200") || !strings.Contains(logs, "operation=WhoAmI") || !strings.Contains(logs, "request_id=") {
		t.Errorf("access log line missing or incomplete:\n%s", logs)
	}
}

func TestReadyzReportsSchemaBehind(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	if _, err := e.db.Owner.ExecContext(context.Background(), "DELETE FROM bun_migrations"); err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get(e.srv.URL + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 503 || !strings.Contains(string(b), "behind") {
		t.Errorf("readyz on a schema that is behind: got %d %q", resp.StatusCode, b)
	}
}

func TestBadInputOverHTTP(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	post := func(body io.Reader) (int, string) {
		resp, err := http.Post(e.srv.URL+"/graphql", "application/json", body)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	for name, tc := range map[string]struct {
		body   io.Reader
		status int
		want   string
	}{
		"malformed JSON": {strings.NewReader(`{"query": `), 400, "BAD_USER_INPUT"},
		"10 MB body":     {bytes.NewReader(bytes.Repeat([]byte(" "), 10<<20)), 413, "errors"},
		// 5,000 aliases do not fit in the query size limit, which refuses them first.
		"5000 aliases":      {strings.NewReader(`{"query":"{ ` + aliases(5000) + ` }"}`), 413, "the limit is"},
		"1000 aliases":      {strings.NewReader(`{"query":"{ ` + aliases(1000) + ` }"}`), 400, "aliases; the limit is"},
		"50 levels deep":    {strings.NewReader(`{"query":"{ ` + strings.Repeat("me { ", 50) + "id" + strings.Repeat(" }", 50) + ` }"}`), 400, "levels deep; the limit is"},
		"unknown operation": {strings.NewReader(`{"query":"query A { me { id } }","operationName":"B"}`), 400, "B"},
	} {
		status, body := post(tc.body)
		if status != tc.status || !strings.Contains(body, tc.want) {
			t.Errorf("%s: got %d %.200s, want %d containing %q", name, status, body, tc.status, tc.want)
		}
	}
}

func aliases(n int) string {
	var b strings.Builder
	for i := range n {
		b.WriteString("a" + strconv.Itoa(i) + ": me { id } ")
	}
	return b.String()
}

func mustURL(t *testing.T, s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestOrganisationSetByAdminsOnly(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.createUser("admin@example.org", auth.RoleAdmin)
	e.createUser("staff@example.org", auth.RoleStaff)
	staff := newClient(t)
	e.login(staff, "staff@example.org", "correct horse battery").Body.Close()
	const set = `mutation { setOrganisation(name: "Digital Inclusion asbl", registrationNumber: "F1234") { name registrationNumber } }`
	r := e.graphql(staff, set, nil)
	if len(r.Errors) != 1 || r.Errors[0].Extensions["code"] != "FORBIDDEN" {
		t.Errorf("staff setting the organisation: got %+v, want FORBIDDEN", r)
	}
	admin := newClient(t)
	e.login(admin, "admin@example.org", "correct horse battery").Body.Close()
	if r := e.graphql(admin, set, nil); len(r.Errors) > 0 {
		t.Fatalf("admin setting the organisation: %+v", r.Errors)
	}
	// Anyone may read it: it is printed on every certificate.
	r = e.graphql(newClient(t), `{ organisation { name registrationNumber hasLogo } }`, nil)
	org, _ := r.Data["organisation"].(map[string]any)
	if org["name"] != "Digital Inclusion asbl" || org["registrationNumber"] != "F1234" || org["hasLogo"] != false {
		t.Errorf("organisation: got %+v", r)
	}
}

// With introspection open to signed-in callers alone (-introspection auto on a shared
// database), the same query text is valid for a signed-in caller and refused to an anonymous
// one, in either order: the handler keeps a cache of validated documents for each.
func TestIntrospectionForSignedInCallers(t *testing.T) {
	t.Parallel()
	s := servertest.New(t, servertest.Options{Config: server.Config{GraphQL: graph.Config{IntrospectionSignedIn: true}}})
	users := s.Users()
	session := s.SignIn(users.TraineeUser.Email)
	token := http.Header{"Authorization": {"Bearer " + s.Token(users.DonorUser)}}
	e := &env{Server: s, t: t, db: s.DB, srv: s.Server}
	const schema = `{ __schema { queryType { name } } }`
	const typ = `{ __type(name: "Device") { name } }`
	for _, q := range []string{schema, typ} {
		if r := e.graphql(newClient(t), q, nil); r.status != 400 || len(r.Errors) != 1 || !strings.Contains(r.Errors[0].Message, "introspection is disabled") {
			t.Errorf("anonymous %s: got %d %+v, want 400 introspection is disabled", q, r.status, r.Errors)
		}
		for who, c := range map[string]*http.Client{"session": session, "token": http.DefaultClient} {
			h := http.Header{}
			if who == "token" {
				h = token
			}
			if r := e.graphql(c, q, h); r.status != 200 || len(r.Errors) > 0 {
				t.Errorf("signed in with a %s, %s: got %d %+v, want 200", who, q, r.status, r.Errors)
			}
		}
		// The document a signed-in caller had validated is not valid for an anonymous one.
		if r := e.graphql(newClient(t), q, nil); r.status != 400 {
			t.Errorf("anonymous %s after a signed-in caller: got %d, want 400", q, r.status)
		}
	}
	// __typename is no introspection: anyone may ask.
	if r := e.graphql(newClient(t), `{ __typename }`, nil); r.status != 200 || len(r.Errors) > 0 {
		t.Errorf("anonymous __typename: got %d %+v", r.status, r.Errors)
	}
}
