package graph_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/graph"
	"github.com/digital-inclusion/refurb/internal/database"
	"github.com/digital-inclusion/refurb/internal/pgtest"
	"github.com/digital-inclusion/refurb/inventory"
	"github.com/digital-inclusion/refurb/inventory/inventorytest"
)

const publicURL = "https://refurb.example"

// statementCounter counts the statements the inventory store's connections send while it is
// on: a pgx tracer, so that statements bun builds and the prepared ones run directly count
// alike.
type statementCounter struct {
	on    atomic.Bool
	n     atomic.Int64
	mu    sync.Mutex
	query []string
}

func (c *statementCounter) TraceQueryStart(ctx context.Context, _ *pgx.Conn, d pgx.TraceQueryStartData) context.Context {
	// A new connection's SET ROLE is the pool's doing, not the query's; graphql-go's second run
	// of a query (Config.Reference) is the test's.
	if c.on.Load() && !strings.HasPrefix(d.SQL, "SET ROLE") && !graph.ReferenceRun(ctx) {
		c.n.Add(1)
		c.mu.Lock()
		c.query = append(c.query, d.SQL)
		c.mu.Unlock()
	}
	return ctx
}

func (c *statementCounter) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

// count returns how many statements the inventory store ran during f, and their text.
func (c *statementCounter) count(f func()) (int, []string) {
	c.n.Store(0)
	c.mu.Lock()
	c.query = nil
	c.mu.Unlock()
	c.on.Store(true)
	f()
	c.on.Store(false)
	c.mu.Lock()
	defer c.mu.Unlock()
	return int(c.n.Load()), slices.Clone(c.query)
}

// invEnv serves GraphQL over HTTP on a fresh database, behind the authentication middleware
// as `refurb serve` does. The inventory store has its own connection pool with a statement
// counter, so that the statements of authentication (tokens, sessions) are not counted.
type invEnv struct {
	t          testing.TB
	db         *pgtest.DB
	srv        *httptest.Server
	auth       *auth.Service
	statements *statementCounter
	actors     *inventorytest.Actors
}

func newInvEnv(t testing.TB) *invEnv {
	t.Helper()
	return newInvEnvWith(t, graph.Config{})
}

// newInvEnvWith is newInvEnv with the handler's limits and switches set by cfg.
func newInvEnvWith(t testing.TB, cfg graph.Config) *invEnv {
	t.Helper()
	db := pgtest.New(t)
	svc, err := auth.NewService(db.App, auth.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	counter := &statementCounter{}
	invDB, err := database.Open(t.Context(), db.URL, database.Options{AsApp: true, MaxOpenConns: 4, Tracer: counter})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { invDB.Close() })
	logger := slog.New(slog.NewTextHandler(testLog{t}, nil))
	if _, bench := t.(*testing.B); !bench && cfg.Reference == nil {
		cfg.Reference = referenceCheck(t)
	}
	schema, err := graph.NewSchema(graph.Deps{Auth: svc, Inventory: inventory.NewStore(invDB), PublicURL: publicURL})
	if err != nil {
		t.Fatal(err)
	}
	// Authentication as the server does it; bearer tokens keep the tests free of sign-in pages.
	h := svc.Middleware(auth.NewSessions(db.App.DB, false), func(r *http.Request, err error) {
		t.Errorf("authenticate request: %v", err)
	})(graph.NewHandler(schema, cfg, logger))
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return &invEnv{t: t, db: db, srv: srv, auth: svc, statements: counter}
}

// as returns an API token of the test world's user of role (inventorytest.Users, made on first
// use: admin, staff, trainees, a donor and a social worker).
func (e *invEnv) as(role auth.Role) string {
	e.t.Helper()
	if e.actors == nil {
		e.actors = inventorytest.Users(e.t, e.db)
	}
	u, _ := e.actors.Of(e.t, role)
	return e.actors.Token(e.t, u)
}

// user creates a user with role (DONOR users act for donorID, a donor the test made) and returns
// an API token of theirs.
func (e *invEnv) user(email string, role auth.Role, donorID *int64) string {
	e.t.Helper()
	ctx := auth.System(context.Background())
	if _, err := e.auth.CreateUser(ctx, auth.NewUser{Email: email, Name: "N " + string(role), Role: role, Password: "correct horse battery", DonorID: donorID}); err != nil {
		e.t.Fatal(err)
	}
	token, _, err := e.auth.CreateToken(ctx, email, "test")
	if err != nil {
		e.t.Fatal(err)
	}
	return token
}

// testLog writes the handler's log (internal errors) to the test's.
type testLog struct{ t testing.TB }

func (w testLog) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

type gqlError struct {
	Message    string         `json:"message"`
	Path       []any          `json:"path"`
	Extensions map[string]any `json:"extensions"`
}

type gqlResult struct {
	Data   json.RawMessage `json:"data"`
	Errors []gqlError      `json:"errors"`
}

// do executes a GraphQL request as the token's user.
func (e *invEnv) do(token, query string, vars map[string]any) gqlResult {
	e.t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, _ := http.NewRequest("POST", e.srv.URL+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var r gqlResult
	if err := json.Unmarshal(raw, &r); err != nil {
		e.t.Fatalf("response %d is not GraphQL JSON: %s", resp.StatusCode, raw)
	}
	return r
}

// ok executes a request that must succeed and decodes its data into out.
func (e *invEnv) ok(token, query string, vars map[string]any, out any) {
	e.t.Helper()
	r := e.do(token, query, vars)
	if len(r.Errors) > 0 {
		e.t.Fatalf("%s: unexpected errors %+v", firstLine(query), r.Errors)
	}
	if out != nil {
		if err := json.Unmarshal(r.Data, out); err != nil {
			e.t.Fatalf("decode %s: %v", r.Data, err)
		}
	}
}

// fails executes a request that must fail with code and returns its one error.
func (e *invEnv) fails(token, query string, vars map[string]any, code string) gqlError {
	e.t.Helper()
	r := e.do(token, query, vars)
	if len(r.Errors) != 1 || r.Errors[0].Extensions["code"] != code {
		e.t.Fatalf("%s: got data %s errors %+v, want one %s error", firstLine(query), r.Data, r.Errors, code)
	}
	return r.Errors[0]
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i > 0 {
		return s[:i]
	}
	return s
}

type medium struct {
	ID           string
	SerialNumber *string
	Sanitization *struct{ Result string }
}

type device struct {
	ID                 string
	Tag                string
	Kind               string
	Status             string
	Version            int
	SerialNumber       *string
	ScanURL            string
	LabelURL           string
	WipeComplete       bool
	AllowedTransitions []string
	Storage            []medium
	Events             []struct {
		Kind       string
		FromStatus *string
		ToStatus   *string
		Actor      *struct{ Email string }
	}
	Donation *struct {
		Number string
		Donor  *struct{ Name string }
	}
}

// deviceFields leave out the events' actors: only staff and administrators may read other users.
const deviceFields = `id tag kind status version serialNumber scanURL labelURL wipeComplete allowedTransitions
	storage { id serialNumber sanitization { result } }
	events(last: 20) { kind fromStatus toStatus }
	donation { number donor { name } }`

type donation struct {
	ID      string
	Number  string
	Devices struct {
		Nodes      []device
		TotalCount int
	}
}

const recordDonation = `mutation($input: RecordDonationInput!) {
	recordDonation(input: $input) { id number devices { totalCount nodes { ` + deviceFields + ` events(last: 20) { actor { email } } } } }
}`

// intake records a donation of devices by the staff token's user.
func (e *invEnv) intake(staff string, donorID any, devices ...map[string]any) donation {
	e.t.Helper()
	input := map[string]any{"receivedOn": time.Now().Format(time.DateOnly), "devices": devices}
	if donorID != nil {
		input["donorID"] = donorID
	}
	var out struct{ RecordDonation donation }
	e.ok(staff, recordDonation, map[string]any{"input": input}, &out)
	return out.RecordDonation
}

func (e *invEnv) createDonor(staff, name string) string {
	e.t.Helper()
	var out struct{ CreateDonor struct{ ID string } }
	e.ok(staff, `mutation($name: String!) { createDonor(name: $name, kind: COMPANY) { id } }`, map[string]any{"name": name}, &out)
	return out.CreateDonor.ID
}

func (e *invEnv) device(token, tag string) device {
	e.t.Helper()
	var out struct{ Device device }
	e.ok(token, `query($tag: String!) { device(tag: $tag) { `+deviceFields+` } }`, map[string]any{"tag": tag}, &out)
	return out.Device
}

func laptop(serial string, drives ...string) map[string]any {
	var storage []map[string]any
	for _, s := range drives {
		storage = append(storage, map[string]any{"kind": "SSD", "serialNumber": s, "capacityGB": 256})
	}
	return map[string]any{"kind": "LAPTOP", "make": "Lenovo", "model": "T480", "serialNumber": serial, "storage": storage}
}

const wipe = `mutation($input: RecordWipeInput!) { recordWipe(input: $input) { id result method operator { email } } }`

func wipeInput(mediumID string) map[string]any {
	return map[string]any{"mediumID": mediumID, "method": "PURGE", "technique": "NVMe Format (crypto erase)", "tool": "nvme-cli 2.8", "result": "PASSED"}
}

func decodeID(t *testing.T, gid string) string {
	t.Helper()
	raw, err := base64.RawURLEncoding.DecodeString(gid)
	if err != nil {
		t.Fatal(err)
	}
	return string(raw)
}

// referenceCheck fails t when our executor and graphql-go's answer a query differently.
func referenceCheck(t testing.TB) func(query, difference string) {
	return func(query, difference string) {
		t.Errorf("the executors differ on\n%s\n%s", query, difference)
	}
}
