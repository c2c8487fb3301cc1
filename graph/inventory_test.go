package graph_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"sort"
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
	// A new connection's SET ROLE is the pool's doing, not the query's.
	if c.on.Load() && !strings.HasPrefix(d.SQL, "SET ROLE") {
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

// user creates a user with role (DONOR users act for donorID) and returns an API token of theirs.
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

func TestIntakeAndScan(t *testing.T) {
	t.Parallel()
	e := newInvEnv(t)
	staff := e.user("staff@example.org", auth.RoleStaff, nil)
	donorID := e.createDonor(staff, "Banque Exemple SA")
	don := e.intake(staff, donorID, laptop("PF1ABC", "S1", "S2"), map[string]any{"kind": "MONITOR", "make": "Dell"})

	if !strings.HasPrefix(don.Number, fmt.Sprintf("DON-%d-", time.Now().Year())) || don.Devices.TotalCount != 2 {
		t.Fatalf("donation: got %s with %d devices, want DON-%d-… with 2", don.Number, don.Devices.TotalCount, time.Now().Year())
	}
	d := don.Devices.Nodes[0] // tag order: intake order
	if d.Kind != "LAPTOP" || d.Status != "RECEIVED" || len(d.Storage) != 2 || d.WipeComplete {
		t.Errorf("laptop: got %+v, want a RECEIVED LAPTOP with 2 unwiped drives", d)
	}
	if len(d.Events) != 1 || d.Events[0].Kind != "INTAKE" || *d.Events[0].ToStatus != "RECEIVED" || d.Events[0].Actor.Email != "staff@example.org" {
		t.Errorf("laptop events: got %+v, want one INTAKE by staff", d.Events)
	}
	if d.Donation == nil || d.Donation.Number != don.Number || d.Donation.Donor.Name != "Banque Exemple SA" {
		t.Errorf("laptop donation: got %+v", d.Donation)
	}
	if want := "HTTPS://REFURB.EXAMPLE/D/" + d.Tag; d.ScanURL != want {
		t.Errorf("scanURL: got %s, want %s", d.ScanURL, want)
	}
	if want := publicURL + "/labels/" + d.Tag + ".png"; d.LabelURL != want {
		t.Errorf("labelURL: got %s, want %s", d.LabelURL, want)
	}
	if m := don.Devices.Nodes[1]; m.Kind != "MONITOR" || len(m.Storage) != 0 || !m.WipeComplete {
		t.Errorf("monitor: got %+v, want no storage and wipeComplete", m)
	}

	for _, typed := range []string{d.Tag, strings.ToLower(d.Tag), strings.ReplaceAll(d.Tag, "-", ""), d.ScanURL, publicURL + "/D/" + d.Tag} {
		if got := e.device(staff, typed); got.ID != d.ID {
			t.Errorf("device(tag: %q): got %s, want %s", typed, got.Tag, d.Tag)
		}
	}

	// A mistyped tag (wrong check character) never opens another device.
	last := d.Tag[len(d.Tag)-1]
	wrong := d.Tag[:len(d.Tag)-1] + string("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"[(strings.IndexByte("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", last)+1)%36])
	for _, tag := range []string{wrong, "not a tag"} {
		err := e.fails(staff, `query($tag: String!) { device(tag: $tag) { id } }`, map[string]any{"tag": tag}, graph.CodeBadUserInput)
		if err.Extensions["field"] != "tag" {
			t.Errorf("device(tag: %q): got field %v, want tag", tag, err.Extensions["field"])
		}
	}

	// node(id:) resolves the inventory's ids.
	var nodes struct {
		D struct{ Tag string }
		N struct{ Number string }
		P struct{ Name string }
	}
	e.ok(staff, `query($d: ID!, $n: ID!, $p: ID!) {
		d: node(id: $d) { ... on Device { tag } }
		n: node(id: $n) { ... on Donation { number } }
		p: node(id: $p) { ... on Donor { name } } }`,
		map[string]any{"d": d.ID, "n": don.ID, "p": donorID}, &nodes)
	if nodes.D.Tag != d.Tag || nodes.N.Number != don.Number || nodes.P.Name != "Banque Exemple SA" {
		t.Errorf("node(id:): got %+v", nodes)
	}
	var byNumber struct{ DonationByNumber struct{ ID string } }
	e.ok(staff, `query($n: String!) { donationByNumber(number: $n) { id } }`, map[string]any{"n": strings.ToLower(don.Number)}, &byNumber)
	if byNumber.DonationByNumber.ID != don.ID {
		t.Errorf("donationByNumber: got %+v, want %s", byNumber, don.ID)
	}
}

const transition = `mutation($id: ID!, $version: Int!, $to: DeviceStatus!) {
	transitionDevice(id: $id, version: $version, to: $to) { status version }
}`

func TestLifecycleOverGraphQL(t *testing.T) {
	t.Parallel()
	e := newInvEnv(t)
	staff := e.user("staff@example.org", auth.RoleStaff, nil)
	trainee := e.user("trainee@example.org", auth.RoleTrainee, nil)
	don := e.intake(staff, nil, laptop("PF1", "DRIVE-A", "DRIVE-B"), map[string]any{"kind": "MONITOR"})
	d, monitor := don.Devices.Nodes[0], don.Devices.Nodes[1]

	// allowedTransitions depends on the guards and the role.
	for _, c := range []struct {
		token string
		dev   device
		want  []string
	}{
		{staff, d, []string{"LOST"}}, // everything else needs sanitized storage
		{trainee, d, []string{}},
		{staff, monitor, []string{"WIPED", "RECYCLED", "DISMANTLED", "LOST"}}, // no storage to sanitize
		{trainee, monitor, []string{"WIPED"}},
	} {
		if got := e.device(c.token, c.dev.Tag).AllowedTransitions; !slices.Equal(got, c.want) {
			t.Errorf("allowedTransitions of %s: got %v, want %v", c.dev.Kind, got, c.want)
		}
	}

	vars := func(version int, to string) map[string]any {
		return map[string]any{"id": d.ID, "version": version, "to": to}
	}
	e.fails(staff, transition, vars(d.Version+1, "LOST"), graph.CodeConflict)

	err := e.fails(staff, transition, vars(d.Version, "READY"), graph.CodeInvalidTransition)
	if err.Extensions["from"] != "RECEIVED" || err.Extensions["to"] != "READY" || err.Extensions["reason"] == "" {
		t.Errorf("forbidden move: got extensions %v, want from RECEIVED to READY with a reason", err.Extensions)
	}

	err = e.fails(staff, transition, vars(d.Version, "RECYCLED"), graph.CodeWipeRequired)
	ids, _ := err.Extensions["mediumIDs"].([]any)
	serials, _ := err.Extensions["serials"].([]any)
	if len(ids) != 2 || ids[0] != d.Storage[0].ID || ids[1] != d.Storage[1].ID || fmt.Sprint(serials) != "[DRIVE-A DRIVE-B]" {
		t.Errorf("recycle unwiped: got extensions %v, want both media and their serials", err.Extensions)
	}

	// A trainee wipes the first drive: the device stays RECEIVED.
	var w struct {
		RecordWipe struct {
			Result   string
			Operator struct{ Email string }
		}
	}
	e.ok(trainee, wipe, map[string]any{"input": wipeInput(d.Storage[0].ID)}, &w)
	if w.RecordWipe.Result != "PASSED" || w.RecordWipe.Operator.Email != "trainee@example.org" {
		t.Errorf("recordWipe: got %+v", w)
	}
	got := e.device(staff, d.Tag)
	if got.Status != "RECEIVED" || got.WipeComplete || got.Storage[0].Sanitization == nil || got.Storage[1].Sanitization != nil {
		t.Errorf("after one wipe: got %+v", got)
	}
	// After the last drive, the device is WIPED by itself.
	e.ok(staff, wipe, map[string]any{"input": wipeInput(d.Storage[1].ID)}, nil)
	got = e.device(staff, d.Tag)
	if got.Status != "WIPED" || !got.WipeComplete {
		t.Fatalf("after every wipe: got status %s wipeComplete %v, want WIPED and true", got.Status, got.WipeComplete)
	}
	var kinds []string
	for _, ev := range got.Events {
		kinds = append(kinds, ev.Kind)
	}
	if want := []string{"STATUS", "WIPE", "WIPE", "INTAKE"}; !slices.Equal(kinds, want) {
		t.Errorf("events: got %v, want %v", kinds, want)
	}
	if s := got.Events[0]; *s.FromStatus != "RECEIVED" || *s.ToStatus != "WIPED" {
		t.Errorf("status event: got %v → %v, want RECEIVED → WIPED", *s.FromStatus, *s.ToStatus)
	}
	if a := got.AllowedTransitions; !slices.Equal(a, []string{"IN_REPAIR", "RECYCLED", "DISMANTLED", "LOST"}) {
		t.Errorf("staff allowedTransitions when WIPED: got %v", a) // READY needs a passed QA check
	}
	if a := e.device(trainee, d.Tag).AllowedTransitions; !slices.Equal(a, []string{"IN_REPAIR"}) {
		t.Errorf("trainee allowedTransitions when WIPED: got %v", a)
	}

	// The old version is stale now; the current one moves it.
	e.fails(staff, transition, vars(d.Version, "IN_REPAIR"), graph.CodeConflict)
	var moved struct{ TransitionDevice struct{ Status string } }
	e.ok(trainee, transition, vars(got.Version, "IN_REPAIR"), &moved)
	if moved.TransitionDevice.Status != "IN_REPAIR" {
		t.Errorf("transition: got %+v", moved)
	}
	// A trainee may not send a device to recycling.
	e.fails(trainee, transition, vars(got.Version+1, "RECYCLED"), graph.CodeForbidden)
}

func TestDonorSeesOnlyTheirDevices(t *testing.T) {
	t.Parallel()
	e := newInvEnv(t)
	staff := e.user("staff@example.org", auth.RoleStaff, nil)
	mine := e.intake(staff, e.createDonor(staff, "Mine SA"), laptop("M1"), laptop("M2"))
	theirs := e.intake(staff, e.createDonor(staff, "Theirs SA"), laptop("T1"))
	var donorID int64
	if err := e.db.Owner.NewSelect().Table("donors").Column("id").Where("name = 'Mine SA'").Scan(context.Background(), &donorID); err != nil {
		t.Fatal(err)
	}
	donor := e.user("it@mine.example", auth.RoleDonor, &donorID)

	var list struct {
		Devices struct {
			TotalCount int
			Nodes      []struct{ Tag string }
		}
	}
	e.ok(donor, `{ devices { totalCount nodes { tag } } }`, nil, &list)
	var tags []string
	for _, n := range list.Devices.Nodes {
		tags = append(tags, n.Tag)
	}
	sort.Strings(tags)
	want := []string{mine.Devices.Nodes[0].Tag, mine.Devices.Nodes[1].Tag}
	if list.Devices.TotalCount != 2 || !slices.Equal(tags, want) {
		t.Errorf("donor's devices: got %d %v, want %v", list.Devices.TotalCount, tags, want)
	}
	if d := e.device(donor, mine.Devices.Nodes[0].Tag); d.Donation == nil || d.Donation.Donor.Name != "Mine SA" {
		t.Errorf("donor's own device: got %+v", d)
	}
	e.fails(donor, `query($tag: String!) { device(tag: $tag) { id } }`, map[string]any{"tag": theirs.Devices.Nodes[0].Tag}, graph.CodeNotFound)
	e.fails(donor, `query($id: ID!) { donation(id: $id) { id } }`, map[string]any{"id": theirs.ID}, graph.CodeNotFound)
	var node struct{ Node any }
	e.ok(donor, `query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": theirs.Devices.Nodes[0].ID}, &node)
	if node.Node != nil {
		t.Errorf("node(id:) of another donor's device: got %v, want null", node.Node)
	}
	e.fails(donor, `{ donors { totalCount } }`, nil, graph.CodeForbidden)
}

func TestBadInventoryInput(t *testing.T) {
	t.Parallel()
	e := newInvEnv(t)
	staff := e.user("staff@example.org", auth.RoleStaff, nil)
	today := time.Now().Format(time.DateOnly)
	input := func(receivedOn string, devices ...map[string]any) map[string]any {
		return map[string]any{"input": map[string]any{"receivedOn": receivedOn, "devices": devices}}
	}
	for _, c := range []struct {
		name  string
		vars  map[string]any
		field string // extensions.field, or a word the message must contain
	}{
		{"unknown enum value", input(today, map[string]any{"kind": "TOASTER"}), "kind"},
		{"unknown storage kind", input(today, map[string]any{"kind": "LAPTOP", "storage": []any{map[string]any{"kind": "TAPE"}}}), "kind"},
		{"negative capacity", input(today, laptop("A"), map[string]any{"kind": "LAPTOP", "storage": []any{map[string]any{"kind": "HDD", "capacityGB": -500}}}),
			"input.devices[1].storage[0].capacityGB"},
		{"future receivedOn", input(time.Now().AddDate(0, 0, 2).Format(time.DateOnly), laptop("A")), "input.receivedOn"},
		{"control characters in a serial", input(today, laptop("A"), laptop("B\x07C")), "input.devices[1].serialNumber"},
		{"control characters in a drive serial", input(today, laptop("A", "D\nE")), "input.devices[0].storage[0].serialNumber"},
		{"duplicate serial", input(today, laptop("SAME"), laptop("same")), "input.devices[1].serialNumber"},
		{"donor id of another type", map[string]any{"input": map[string]any{"receivedOn": today, "devices": []any{}, "donorID": "RGV2aWNlOjE"}}, "input.donorID"},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := e.fails(staff, recordDonation, c.vars, graph.CodeBadUserInput)
			if f, ok := err.Extensions["field"]; ok {
				if f != c.field {
					t.Errorf("field: got %v, want %s (%s)", f, c.field, err.Message)
				}
			} else if !strings.Contains(err.Message, `"`+c.field+`"`) {
				t.Errorf("message %q does not name %s", err.Message, c.field)
			}
		})
	}
	if n, _ := e.db.Owner.NewSelect().Table("devices").Count(context.Background()); n != 0 {
		t.Errorf("devices after refused intakes: got %d, want 0", n)
	}

	d := e.intake(staff, nil, laptop("X", "DX")).Devices.Nodes[0]
	for _, c := range []struct {
		name, field string
		input       map[string]any
	}{
		{"wipe of no such medium", "input.mediumID", wipeInput(d.ID)},
		{"flash overwrite as PURGE", "input.method", map[string]any{"mediumID": d.Storage[0].ID, "method": "PURGE", "technique": "3-pass overwrite", "result": "PASSED"}},
		{"future finishedAt", "input.finishedAt", map[string]any{"mediumID": d.Storage[0].ID, "method": "CLEAR", "technique": "overwrite", "result": "PASSED",
			"finishedAt": time.Now().Add(time.Hour).Format(time.RFC3339)}},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := e.fails(staff, wipe, map[string]any{"input": c.input}, graph.CodeBadUserInput)
			if err.Extensions["field"] != c.field {
				t.Errorf("field: got %v, want %s (%s)", err.Extensions["field"], c.field, err.Message)
			}
		})
	}
	err := e.fails(staff, `{ devices(filter: {status: [RECEIVED]}, first: 100000) { totalCount } }`, nil, graph.CodeBadUserInput)
	if err.Extensions["field"] != "first" {
		t.Errorf("devices(first: 100000): got %+v, want field first", err)
	}
	err = e.fails(staff, `{ devices(after: "nonsense") { totalCount } }`, nil, graph.CodeBadUserInput)
	if err.Extensions["field"] != "after" {
		t.Errorf("devices(after: nonsense): got %+v, want field after", err)
	}
}

func TestDevicePagination(t *testing.T) {
	t.Parallel()
	e := newInvEnv(t)
	staff := e.user("staff@example.org", auth.RoleStaff, nil)
	var devices []map[string]any
	for i := range 5 {
		devices = append(devices, laptop(fmt.Sprintf("SN%d", i)))
	}
	don := e.intake(staff, nil, devices...)
	e.intake(staff, nil, map[string]any{"kind": "MONITOR", "make": "Eizo"})

	var want []string
	for _, d := range don.Devices.Nodes {
		want = append(want, d.Tag)
	}
	for _, sortOrder := range []string{"TAG_ASC", "INTAKE_DESC"} {
		var tags []string
		after := any(nil)
		for page := 0; ; page++ {
			var out struct {
				Devices struct {
					TotalCount int
					Nodes      []struct{ Tag string }
					PageInfo   struct {
						HasNextPage bool
						EndCursor   *string
					}
				}
			}
			e.ok(staff, `query($after: String, $sort: DeviceSort, $filter: DeviceFilter) {
				devices(filter: $filter, first: 2, after: $after, sort: $sort) { totalCount nodes { tag } pageInfo { hasNextPage endCursor } } }`,
				map[string]any{"after": after, "sort": sortOrder, "filter": map[string]any{"kind": []string{"LAPTOP"}, "search": "lenovo"}}, &out)
			if out.Devices.TotalCount != 5 {
				t.Fatalf("%s page %d: totalCount %d, want 5", sortOrder, page, out.Devices.TotalCount)
			}
			for _, n := range out.Devices.Nodes {
				tags = append(tags, n.Tag)
			}
			if !out.Devices.PageInfo.HasNextPage {
				break
			}
			if page > 5 {
				t.Fatalf("%s: pagination does not end", sortOrder)
			}
			after = *out.Devices.PageInfo.EndCursor
		}
		if sortOrder == "INTAKE_DESC" {
			slices.Reverse(tags)
		}
		if !slices.Equal(tags, want) {
			t.Errorf("%s: got %v, want %v", sortOrder, tags, want)
		}
	}

	var counts struct {
		StatusCounts []struct {
			Status string
			Count  int
		}
	}
	e.ok(staff, `{ statusCounts { status count } }`, nil, &counts)
	if c := counts.StatusCounts[0]; c.Status != "RECEIVED" || c.Count != 6 || len(counts.StatusCounts) != 9 {
		t.Errorf("statusCounts: got %+v, want 9 statuses with 6 RECEIVED first", counts.StatusCounts)
	}
}

// TestDevicePageStatements counts the statements a page of devices with its edges costs: the
// same for 10 and for 100 devices.
func TestDevicePageStatements(t *testing.T) {
	t.Parallel()
	const query = `{ devices(first: 100) { nodes { tag donation { number donor { name } }
		storage { serialNumber sanitization { result } } events(last: 1) { kind } wipeComplete } totalCount } }`
	// The page query and its count, donations with their donors, storage media with their
	// latest sanitization records, events: 5 (issue 3 and docs/performance.md).
	const maxStatements = 5
	counts := map[int]int{}
	for _, n := range []int{10, 100} {
		e := newInvEnv(t)
		staff := e.user("staff@example.org", auth.RoleStaff, nil)
		var devices []map[string]any
		for i := range n {
			devices = append(devices, laptop(fmt.Sprintf("SN%d", i), fmt.Sprintf("D%d", i)))
		}
		don := e.intake(staff, e.createDonor(staff, "Donor"), devices...)
		for _, d := range don.Devices.Nodes[:3] {
			e.ok(staff, wipe, map[string]any{"input": wipeInput(d.Storage[0].ID)}, nil)
		}
		var out struct {
			Devices struct {
				TotalCount int
				Nodes      []device
			}
		}
		got, statements := e.statements.count(func() { e.ok(staff, query, nil, &out) })
		if out.Devices.TotalCount != n || len(out.Devices.Nodes) != n {
			t.Fatalf("%d devices: got %d of %d", n, len(out.Devices.Nodes), out.Devices.TotalCount)
		}
		wiped := 0
		for _, d := range out.Devices.Nodes {
			if d.Donation.Donor.Name != "Donor" || len(d.Storage) != 1 || len(d.Events) != 1 {
				t.Fatalf("device %s: got %+v", d.Tag, d)
			}
			if d.WipeComplete {
				wiped++
			}
		}
		if wiped != 3 {
			t.Errorf("%d devices: %d wiped, want 3", n, wiped)
		}
		counts[n] = got
		t.Logf("%d devices: %d statements", n, got)
		if got > maxStatements {
			t.Errorf("%d devices: %d statements, want at most %d:\n%s", n, got, maxStatements, strings.Join(statements, "\n"))
		}
	}
	if counts[10] != counts[100] {
		t.Errorf("statements: %d for 10 devices, %d for 100: the count grows with the page", counts[10], counts[100])
	}
}

// TestScanStatements checks that the scan lookup stays a handful of statements.
func TestScanStatements(t *testing.T) {
	t.Parallel()
	e := newInvEnv(t)
	staff := e.user("staff@example.org", auth.RoleStaff, nil)
	d := e.intake(staff, nil, laptop("S", "D1", "D2")).Devices.Nodes[0]
	got, statements := e.statements.count(func() {
		e.ok(staff, `query($tag: String!) { device(tag: $tag) { tag status version wipeComplete
			storage { serialNumber sanitization { result finishedAt } } events(last: 20) { at kind toStatus note } } }`,
			map[string]any{"tag": d.Tag}, nil)
	})
	// The device, its storage media with their latest records and its events: one statement.
	if got != 1 {
		t.Errorf("scan lookup: %d statements, want 1:\n%s", got, strings.Join(statements, "\n"))
	}
}

// BenchmarkScanLookup measures device(tag:) with its last 20 events and storage through HTTP,
// on a small database: the overhead of our stack, not the 1M-device figure of `make bench`.
func BenchmarkScanLookup(b *testing.B) {
	e := newInvEnv(b)
	staff := e.user("staff@example.org", auth.RoleStaff, nil)
	d := e.intake(staff, nil, laptop("S", "D1", "D2")).Devices.Nodes[0]
	e.ok(staff, wipe, map[string]any{"input": wipeInput(d.Storage[0].ID)}, nil)
	const query = `query Scan($tag: String!) { device(tag: $tag) { id tag kind status version wipeComplete
		storage { id kind serialNumber sanitization { result finishedAt } } events(last: 20) { at kind fromStatus toStatus note } } }`
	vars := map[string]any{"tag": d.Tag}
	var durations []time.Duration
	for b.Loop() {
		start := time.Now()
		e.ok(staff, query, vars, nil)
		durations = append(durations, time.Since(start))
	}
	slices.Sort(durations)
	b.ReportMetric(float64(durations[len(durations)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(durations[len(durations)*99/100].Microseconds())/1000, "p99-ms")
}

func TestWorkOnDevices(t *testing.T) {
	t.Parallel()
	e := newInvEnv(t)
	staff := e.user("staff@example.org", auth.RoleStaff, nil)
	trainee := e.user("trainee@example.org", auth.RoleTrainee, nil)
	var me struct{ Me struct{ ID string } }
	e.ok(trainee, `{ me { id } }`, nil, &me)
	m := e.intake(staff, nil, map[string]any{"kind": "MONITOR", "make": "Eizo"}).Devices.Nodes[0]

	const fields = `id status version wipeComplete allowedTransitions flags { flag blocking note }
		repairs { outcome minutes workers { id } recordedBy { id } }
		qaChecks { passed items { key label passed } performedBy { id } }
		events(last: 1) { kind note }`
	type workDevice struct {
		ID                 string
		Status             string
		Version            int
		WipeComplete       bool
		AllowedTransitions []string
		Flags              []struct {
			Flag     string
			Blocking bool
			Note     *string
		}
		Repairs []struct {
			Outcome    string
			Minutes    int
			Workers    []struct{ ID string }
			RecordedBy struct{ ID string }
		}
		QAChecks []struct {
			Passed bool
			Items  []struct {
				Key, Label string
				Passed     bool
			}
			PerformedBy struct{ ID string }
		}
		Events []struct {
			Kind string
			Note *string
		}
	}
	get := func() workDevice {
		t.Helper()
		var out struct{ Node workDevice }
		e.ok(trainee, `query($id: ID!) { node(id: $id) { ... on Device { `+fields+` } } }`, map[string]any{"id": m.ID}, &out)
		return out.Node
	}

	var moved struct{ TransitionDevice workDevice }
	e.ok(trainee, `mutation($id: ID!, $v: Int!) { transitionDevice(id: $id, version: $v, to: WIPED) { `+fields+` } }`,
		map[string]any{"id": m.ID, "v": m.Version}, &moved)
	d := moved.TransitionDevice
	if d.Status != "WIPED" || slices.Contains(d.AllowedTransitions, "READY") {
		t.Fatalf("after WIPED: got %+v, want WIPED without READY (no QA yet)", d)
	}

	var repair struct {
		RecordRepair struct {
			Outcome string
			Device  struct{ Status string }
			Workers []struct{ ID string }
		}
	}
	e.ok(trainee, `mutation($input: RecordRepairInput!) { recordRepair(input: $input) { outcome device { status } workers { id } } }`,
		map[string]any{"input": map[string]any{"deviceID": m.ID, "description": "cleaned the panel", "minutes": 15, "outcome": "FIXED"}}, &repair)
	if r := repair.RecordRepair; r.Outcome != "FIXED" || r.Device.Status != "WIPED" || len(r.Workers) != 1 || r.Workers[0].ID != me.Me.ID {
		t.Errorf("recordRepair: got %+v, want FIXED by the trainee", r)
	}
	e.fails(trainee, `mutation($input: RecordRepairInput!) { recordRepair(input: $input) { outcome } }`,
		map[string]any{"input": map[string]any{"deviceID": m.ID, "description": "x", "minutes": -5, "outcome": "FIXED"}}, graph.CodeBadUserInput)

	var template struct {
		QATemplate []struct{ Key string }
	}
	e.ok(trainee, `{ qaTemplate(kind: MONITOR) { key } }`, nil, &template)
	var items []map[string]any
	for _, it := range template.QATemplate {
		items = append(items, map[string]any{"key": it.Key, "passed": true})
	}
	if len(items) != 3 {
		t.Fatalf("qaTemplate(MONITOR): got %+v", template)
	}
	err := e.fails(trainee, `mutation($input: RecordQACheckInput!) { recordQACheck(input: $input) { passed } }`,
		map[string]any{"input": map[string]any{"deviceID": m.ID, "items": append(slices.Clone(items), map[string]any{"key": "teleport", "passed": true})}}, graph.CodeBadUserInput)
	if err.Extensions["field"] != "input.items[3].key" {
		t.Errorf("unknown QA item: got field %v, want input.items[3].key", err.Extensions["field"])
	}
	e.ok(trainee, `mutation($input: RecordQACheckInput!) { recordQACheck(input: $input) { passed } }`,
		map[string]any{"input": map[string]any{"deviceID": m.ID, "items": items}}, nil)
	d = get()
	if len(d.QAChecks) != 1 || !d.QAChecks[0].Passed || d.QAChecks[0].Items[0].Label == "" || len(d.Repairs) != 1 || d.Repairs[0].Minutes != 15 {
		t.Errorf("after repair and QA: got %+v", d)
	}
	if !slices.Contains(d.AllowedTransitions, "READY") || d.Events[0].Kind != "QA" {
		t.Errorf("after a passed QA: got transitions %v, events %+v, want READY allowed and a QA event", d.AllowedTransitions, d.Events)
	}

	const setFlag = `mutation($id: ID!, $v: Int!) { setDeviceFlag(id: $id, version: $v, flag: NEEDS_PART, note: "power button") { ` + fields + ` } }`
	e.fails(trainee, setFlag, map[string]any{"id": m.ID, "v": d.Version - 1}, graph.CodeConflict)
	var flagged struct{ SetDeviceFlag workDevice }
	e.ok(trainee, setFlag, map[string]any{"id": m.ID, "v": d.Version}, &flagged)
	f := flagged.SetDeviceFlag
	if len(f.Flags) != 1 || f.Flags[0].Flag != "NEEDS_PART" || !f.Flags[0].Blocking || slices.Contains(f.AllowedTransitions, "READY") {
		t.Errorf("after NEEDS_PART: got %+v, want the blocking flag and no READY", f)
	}
	var cleared struct{ ClearDeviceFlag workDevice }
	e.ok(trainee, `mutation($id: ID!, $v: Int!) { clearDeviceFlag(id: $id, version: $v, flag: NEEDS_PART) { `+fields+` } }`,
		map[string]any{"id": m.ID, "v": f.Version}, &cleared)
	if c := cleared.ClearDeviceFlag; len(c.Flags) != 0 || !slices.Contains(c.AllowedTransitions, "READY") {
		t.Errorf("after clearing: got %+v", c)
	}

	var noted struct{ AddDeviceNote workDevice }
	e.ok(trainee, `mutation($id: ID!) { addDeviceNote(id: $id, note: "scratch on the stand") { `+fields+` } }`, map[string]any{"id": m.ID}, &noted)
	if ev := noted.AddDeviceNote.Events; len(ev) != 1 || ev[0].Kind != "NOTE" || *ev[0].Note != "scratch on the stand" {
		t.Errorf("addDeviceNote: got events %+v", ev)
	}

	const update = `mutation($id: ID!, $v: Int!, $input: DevicePatchInput!) { updateDevice(id: $id, version: $v, input: $input) { version events(last: 1) { kind } } }`
	v := noted.AddDeviceNote.Version
	e.fails(trainee, update, map[string]any{"id": m.ID, "v": v - 1, "input": map[string]any{"location": "B-2"}}, graph.CodeConflict)
	err = e.fails(trainee, update, map[string]any{"id": m.ID, "v": v, "input": map[string]any{"serialNumber": "A\tB"}}, graph.CodeBadUserInput)
	if err.Extensions["field"] != "input.serialNumber" {
		t.Errorf("updateDevice with a tab in the serial: got field %v, want input.serialNumber", err.Extensions["field"])
	}
	var updated struct {
		UpdateDevice struct {
			Version int
			Events  []struct{ Kind string }
		}
	}
	e.ok(trainee, update, map[string]any{"id": m.ID, "v": v, "input": map[string]any{"location": "B-2"}}, &updated)
	if u := updated.UpdateDevice; u.Version != v+1 || u.Events[0].Kind != "EDIT" {
		t.Errorf("updateDevice: got %+v, want version %d and an EDIT event", u, v+1)
	}

	// A drive fitted to a WIPED device must be sanitized: it goes back to IN_REPAIR.
	var added struct {
		AddStorage struct {
			SerialNumber string
			Sanitization *struct{ Result string }
			Device       struct {
				Status       string
				WipeComplete bool
			}
		}
	}
	e.ok(trainee, `mutation($id: ID!) { addStorage(deviceID: $id, input: {kind: HDD, serialNumber: "NEW-1"}) {
		serialNumber sanitization { result } device { status wipeComplete } } }`, map[string]any{"id": m.ID}, &added)
	if a := added.AddStorage; a.SerialNumber != "NEW-1" || a.Sanitization != nil || a.Device.Status != "IN_REPAIR" || a.Device.WipeComplete {
		t.Errorf("addStorage: got %+v, want an unsanitized drive on an IN_REPAIR device", a)
	}
}

// TestNodeForMediaAndWipes resolves storage media and wipe records by their ids, for those who
// may see their device only.
func TestNodeForMediaAndWipes(t *testing.T) {
	t.Parallel()
	e := newInvEnv(t)
	staff := e.user("staff@example.org", auth.RoleStaff, nil)
	d := e.intake(staff, nil, laptop("NODE-1", "NODE-D1")).Devices.Nodes[0]
	var w struct{ RecordWipe struct{ ID string } }
	e.ok(staff, wipe, map[string]any{"input": wipeInput(d.Storage[0].ID)}, &w)

	const q = `query($m: ID!, $w: ID!) {
		m: node(id: $m) { ... on StorageMedium { serialNumber sanitization { result } } }
		w: node(id: $w) { ... on WipeRecord { result method } } }`
	vars := map[string]any{"m": d.Storage[0].ID, "w": w.RecordWipe.ID}
	var out struct {
		M *struct {
			SerialNumber string
			Sanitization struct{ Result string }
		}
		W *struct{ Result, Method string }
	}
	e.ok(staff, q, vars, &out)
	if out.M == nil || out.M.SerialNumber != "NODE-D1" || out.M.Sanitization.Result != "PASSED" || out.W == nil || out.W.Method != "PURGE" {
		t.Errorf("nodes: got %+v %+v", out.M, out.W)
	}
	// A donor's user who does not own the device sees nothing.
	donorID := e.createDonor(staff, "Autre SA")
	var raw int64
	if _, err := fmt.Sscanf(decodeID(t, donorID), "Donor:%d", &raw); err != nil {
		t.Fatal(err)
	}
	donor := e.user("donor@example.org", auth.RoleDonor, &raw)
	out.M, out.W = nil, nil
	e.ok(donor, q, vars, &out)
	if out.M != nil || out.W != nil {
		t.Errorf("another donor's media and wipes: got %+v %+v, want null", out.M, out.W)
	}
}

func decodeID(t *testing.T, gid string) string {
	t.Helper()
	raw, err := base64.RawURLEncoding.DecodeString(gid)
	if err != nil {
		t.Fatal(err)
	}
	return string(raw)
}

// TestDonationDevicesFirstPages lists donations with the first page of their devices: one
// statement for the devices of all of them, and each page's cursor leads to the next.
func TestDonationDevicesFirstPages(t *testing.T) {
	t.Parallel()
	e := newInvEnv(t)
	staff := e.user("staff@example.org", auth.RoleStaff, nil)
	donorID := e.createDonor(staff, "Lycée Exemple")
	for i := range 3 {
		e.intake(staff, donorID, laptop(fmt.Sprintf("FP-%d-A", i)), laptop(fmt.Sprintf("FP-%d-B", i)))
	}
	const q = `query($id: ID!) { node(id: $id) { ... on Donor { donations { nodes { number
		devices(first: 1) { totalCount pageInfo { hasNextPage endCursor } nodes { tag serialNumber } } } } } } }`
	var out struct {
		Node struct {
			Donations struct {
				Nodes []struct {
					Number  string
					Devices struct {
						TotalCount int
						PageInfo   struct {
							HasNextPage bool
							EndCursor   string
						}
						Nodes []struct{ Tag, SerialNumber string }
					}
				}
			}
		}
	}
	got, statements := e.statements.count(func() { e.ok(staff, q, map[string]any{"id": donorID}, &out) })
	dons := out.Node.Donations.Nodes
	if len(dons) != 3 {
		t.Fatalf("donations: got %d, want 3", len(dons))
	}
	devicesStatements := 0
	for _, s := range statements {
		if strings.Contains(s, "PARTITION BY d.donation_id") {
			devicesStatements++
		}
	}
	if devicesStatements != 1 {
		t.Errorf("statements for the devices of 3 donations: got %d, want 1 (of %d):\n%s", devicesStatements, got, strings.Join(statements, "\n"))
	}
	for _, d := range dons {
		dv := d.Devices
		if dv.TotalCount != 2 || !dv.PageInfo.HasNextPage || len(dv.Nodes) != 1 || !strings.HasSuffix(dv.Nodes[0].SerialNumber, "-A") {
			t.Errorf("%s first page: got %+v, want the first of 2 devices and a next page", d.Number, dv)
		}
	}
	// The cursor of a first page leads to the second device.
	var next struct {
		DonationByNumber struct {
			Devices struct {
				PageInfo struct{ HasNextPage bool }
				Nodes    []struct{ SerialNumber string }
			}
		}
	}
	e.ok(staff, `query($n: String!, $after: String) { donationByNumber(number: $n) {
		devices(first: 1, after: $after) { pageInfo { hasNextPage } nodes { serialNumber } } } }`,
		map[string]any{"n": dons[0].Number, "after": dons[0].Devices.PageInfo.EndCursor}, &next)
	nd := next.DonationByNumber.Devices
	if len(nd.Nodes) != 1 || !strings.HasSuffix(nd.Nodes[0].SerialNumber, "-B") || nd.PageInfo.HasNextPage {
		t.Errorf("second page: got %+v, want the second device and no next page", nd)
	}
}

// TestDonorsWithDonations lists donors with the first page of their donations: one statement
// for the donations of all of them.
func TestDonorsWithDonations(t *testing.T) {
	t.Parallel()
	e := newInvEnv(t)
	staff := e.user("staff@example.org", auth.RoleStaff, nil)
	for _, name := range []string{"Alpha SA", "Bêta asbl"} {
		id := e.createDonor(staff, name)
		e.intake(staff, id, laptop(name+"-1"))
		e.intake(staff, id, laptop(name+"-2"))
	}
	var out struct {
		Donors struct {
			Nodes []struct {
				Name      string
				Donations struct {
					TotalCount int
					PageInfo   struct{ HasNextPage bool }
					Nodes      []struct{ Number string }
				}
			}
		}
	}
	_, statements := e.statements.count(func() {
		e.ok(staff, `{ donors(first: 10) { nodes { name donations(first: 1) { totalCount pageInfo { hasNextPage } nodes { number } } } } }`, nil, &out)
	})
	n := 0
	for _, s := range statements {
		if strings.Contains(s, "PARTITION BY dn.donor_id") {
			n++
		}
	}
	if n != 1 {
		t.Errorf("statements for the donations of 2 donors: got %d, want 1:\n%s", n, strings.Join(statements, "\n"))
	}
	if len(out.Donors.Nodes) != 2 {
		t.Fatalf("donors: got %+v", out.Donors)
	}
	for _, d := range out.Donors.Nodes {
		if d.Donations.TotalCount != 2 || !d.Donations.PageInfo.HasNextPage || len(d.Donations.Nodes) != 1 {
			t.Errorf("%s: got %+v, want the newest of 2 donations and a next page", d.Name, d.Donations)
		}
	}
}
