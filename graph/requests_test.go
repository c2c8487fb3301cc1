package graph_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/internal/pdf/pdftest"
	"github.com/digital-inclusion/refurb/inventory"
	it "github.com/digital-inclusion/refurb/inventory/inventorytest"
	rt "github.com/digital-inclusion/refurb/requests/requeststest"
	"github.com/digital-inclusion/refurb/server"
)

// reqEnv is the whole server (GraphQL and file routes, as refurb serve wires them: requests
// issue receipts through certificates) on a database with the people of a request's story, each
// with an API token.
type reqEnv struct {
	*invEnv
	rt     *rt.Env
	tokens map[string]string // by role name of the authorisation table
}

func newReqEnv(t *testing.T) *reqEnv {
	t.Helper()
	e := rt.New(t)
	h, err := server.Handler(server.Config{PublicURL: publicURL}, server.Deps{DB: e.DB.App, Auth: mustAuth(t, e), Inventory: e.Inventory,
		Sessions: auth.NewSessions(e.DB.App.DB, false), Logger: slog.New(slog.NewTextHandler(testLog{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	r := &reqEnv{invEnv: &invEnv{t: t, db: e.DB, srv: srv, statements: &statementCounter{}}, rt: e, tokens: map[string]string{"anonymous": ""}}
	for name, u := range map[string]*auth.User{"trainee": e.TraineeUser, "donor": e.DonorUser, "workerA": e.WorkerAUser, "workerB": e.WorkerBUser,
		"coordinatorA": e.CoordinatorAUser, "staff": e.StaffUser, "admin": e.AdminUser} {
		r.tokens[name] = e.Token(t, u)
	}
	return r
}

func mustAuth(t *testing.T, e *rt.Env) *auth.Service {
	svc, err := auth.NewService(e.DB.App, auth.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	return svc
}

// getAs fetches a file route signed in as email (a browser session).
func (e *reqEnv) getAs(email, path string) (int, []byte) {
	e.t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	body, _ := json.Marshal(map[string]string{"email": email, "password": it.Password})
	resp, err := c.Post(e.srv.URL+"/login", "application/json", bytes.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	resp.Body.Close()
	if resp, err = c.Get(e.srv.URL + path); err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

type requestResult struct {
	ID            string
	Reference     string
	Status        string
	Reason        *string
	PickupOn      *string
	RequesterName string
	Partner       struct{ Name string }
	Device        *struct {
		ID, Tag, Status string
		Version         int
	}
	Certificates []struct{ Number, PdfURL, Kind, Language string }
}

const requestFields = `id reference status reason pickupOn requesterName partner { name } device { id tag status version } certificates { number pdfURL kind language }`

// TestRequestJourney is the whole story through GraphQL: a social worker submits, staff
// approve, allocate a ready, wiped device and hand it out with the signature drawn at the
// counter; the receipt's PDF shows the tag, the serial and the signature and its QR code
// verifies; the social worker sees HANDED_OUT.
func TestRequestJourney(t *testing.T) {
	t.Parallel()
	pdftest.Need(t)
	e := newReqEnv(t)
	worker, staff := e.tokens["workerA"], e.tokens["staff"]
	var sub struct{ SubmitDeviceRequest requestResult }
	e.ok(worker, `mutation($in: SubmitDeviceRequestInput!) { submitDeviceRequest(input: $in) { `+requestFields+` } }`,
		map[string]any{"in": map[string]any{"reference": "HES-2026-017", "kind": "LAPTOP", "purpose": "SCHOOL", "language": "pt", "keyboardLayout": "PT",
			"note": "needs a webcam for school", "urgency": "HIGH", "household": "THREE_FOUR"}}, &sub)
	r := sub.SubmitDeviceRequest
	if r.Status != "SUBMITTED" || r.Partner.Name != e.rt.PartnerA.Name || r.RequesterName != e.rt.WorkerAUser.Name || r.Device != nil {
		t.Fatalf("submitted: %+v", r)
	}
	var queue struct{ RequestQueue []requestResult }
	e.ok(staff, `{ requestQueue { `+requestFields+` } }`, nil, &queue)
	if len(queue.RequestQueue) != 1 || queue.RequestQueue[0].Reference != "HES-2026-017" {
		t.Fatalf("queue: %+v", queue)
	}
	var dec struct{ DecideDeviceRequest requestResult }
	e.ok(staff, `mutation($id: ID!) { decideDeviceRequest(id: $id, decision: APPROVE) { status } }`, map[string]any{"id": r.ID}, &dec)
	if dec.DecideDeviceRequest.Status != "APPROVED" {
		t.Fatalf("decided: %+v", dec)
	}
	d := e.rt.ReadyLaptop(t, "JOURNEY-1")
	var matches struct {
		Node struct {
			Matches []struct {
				Device struct {
					ID      string
					Version int
				}
				Score int
				Why   string
			}
		}
	}
	e.ok(staff, `query($id: ID!) { node(id: $id) { ... on DeviceRequest { matches(first: 5) { device { id version } score why } } } }`, map[string]any{"id": r.ID}, &matches)
	if len(matches.Node.Matches) != 1 || matches.Node.Matches[0].Device.ID != gid("Device", d.ID) {
		t.Fatalf("matches: %+v", matches)
	}
	m := matches.Node.Matches[0].Device
	var alloc struct{ AllocateDevice requestResult }
	e.ok(staff, `mutation($r: ID!, $d: ID!, $v: Int!) { allocateDevice(requestID: $r, deviceID: $d, version: $v) { `+requestFields+` } }`,
		map[string]any{"r": r.ID, "d": m.ID, "v": m.Version}, &alloc)
	if a := alloc.AllocateDevice; a.Status != "ALLOCATED" || a.Device == nil || a.Device.Status != "RESERVED" || a.PickupOn == nil {
		t.Fatalf("allocated: %+v", a)
	}
	var out struct{ HandOutDevice requestResult }
	e.ok(staff, `mutation($r: ID!, $s: String!) { handOutDevice(requestID: $r, signature: $s) { `+requestFields+` } }`,
		map[string]any{"r": r.ID, "s": rt.Signature()}, &out)
	h := out.HandOutDevice
	if h.Status != "HANDED_OUT" || h.Device.Status != "HANDED_OUT" || len(h.Certificates) != 1 || h.Certificates[0].Kind != "HANDOVER" || h.Certificates[0].Language != "pt" {
		t.Fatalf("handed out: %+v", h)
	}
	// The receipt.
	// (Downloaded with a browser session: file routes with a bearer token fail on pages that
	// read the session's flash, a problem of package web's own.)
	status, pdf := e.getAs(e.rt.StaffUser.Email, "/certificates/"+h.Certificates[0].Number+".pdf")
	if status != 200 {
		t.Fatalf("receipt: %d", status)
	}
	text := pdftest.Text(t, pdf)
	for _, want := range []string{d.Tag, "JOURNEY-1", "Recibo de entrega"} {
		if !strings.Contains(text, want) {
			t.Errorf("the receipt does not show %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "HES-2026-017") {
		t.Error("the receipt shows the social worker's reference")
	}
	if imgs := pdftest.Images(t, pdf); len(imgs) == 0 {
		t.Error("no signature image in the receipt")
	}
	// The social worker follows it: handed out, the receipt listed (not downloadable).
	var mine struct {
		DeviceRequests struct {
			Nodes      []requestResult
			TotalCount int
		}
	}
	e.ok(worker, `{ deviceRequests { totalCount nodes { `+requestFields+` } } }`, nil, &mine)
	if mine.DeviceRequests.TotalCount != 1 || mine.DeviceRequests.Nodes[0].Status != "HANDED_OUT" || mine.DeviceRequests.Nodes[0].Device != nil ||
		len(mine.DeviceRequests.Nodes[0].Certificates) != 1 {
		t.Errorf("the social worker's list: %+v", mine)
	}
	if status, _ := e.getAs(e.rt.WorkerAUser.Email, "/certificates/"+h.Certificates[0].Number+".pdf"); status != http.StatusForbidden {
		t.Errorf("the social worker downloads the receipt: %d, want 403", status)
	}
	// Twice: INVALID_TRANSITION.
	e.fails(staff, `mutation($r: ID!, $s: String!) { handOutDevice(requestID: $r, signature: $s) { id } }`, map[string]any{"r": r.ID, "s": rt.Signature()}, "INVALID_TRANSITION")
}

// TestRequestBadInput: each refusal comes with its code and changes nothing.
func TestRequestBadInput(t *testing.T) {
	t.Parallel()
	e := newReqEnv(t)
	worker, staff := e.tokens["workerB"], e.tokens["staff"]
	submit := `mutation($in: SubmitDeviceRequestInput!) { submitDeviceRequest(input: $in) { id status } }`
	in := func(ref, kind string) map[string]any {
		return map[string]any{"in": map[string]any{"reference": ref, "kind": kind, "purpose": "JOB_SEARCH"}}
	}
	var ids []string
	for i := range 3 {
		var out struct{ SubmitDeviceRequest requestResult }
		e.ok(worker, submit, in(fmt.Sprintf("CRL-%d", i), "LAPTOP"), &out)
		ids = append(ids, out.SubmitDeviceRequest.ID)
	}
	err := e.fails(worker, submit, in("CRL-4", "LAPTOP"), "BAD_USER_INPUT")
	if err.Extensions["limit"] != float64(3) || !strings.Contains(err.Message, "3 open requests") {
		t.Errorf("fourth request: %+v", err)
	}
	err = e.fails(e.tokens["workerA"], submit, in("HES-1", "PRINTER"), "BAD_USER_INPUT")
	if err.Extensions["field"] != "input.kind" {
		t.Errorf("closed kind: %+v", err)
	}
	err = e.fails(e.tokens["workerA"], submit, in("maria@example.lu", "LAPTOP"), "BAD_USER_INPUT")
	if err.Extensions["field"] != "input.reference" || !strings.Contains(err.Message, "e-mail") {
		t.Errorf("an e-mail address as the reference: %+v", err)
	}
	e.fails(e.tokens["workerA"], submit, in("621 123 456", "LAPTOP"), "BAD_USER_INPUT")

	allocate := `mutation($r: ID!, $d: ID!, $v: Int!) { allocateDevice(requestID: $r, deviceID: $d, version: $v) { id status } }`
	d := e.rt.ReadyLaptop(t, "BAD-1")
	// Not approved.
	err = e.fails(staff, allocate, map[string]any{"r": ids[0], "d": gid("Device", d.ID), "v": d.Version}, "INVALID_TRANSITION")
	if err.Extensions["from"] != "SUBMITTED" || err.Extensions["to"] != "ALLOCATED" {
		t.Errorf("allocating a submitted request: %+v", err)
	}
	e.ok(staff, `mutation($id: ID!) { decideDeviceRequest(id: $id, decision: APPROVE) { id } }`, map[string]any{"id": ids[0]}, nil)
	// Not ready.
	wiped := it.Wipe(t, e.rt.Inventory, e.rt.Staff, it.Device(t, e.rt.Inventory, e.rt.Staff, it.Laptop("BAD-W", it.SSD("SSD-BAD-W"))).ID)
	err = e.fails(staff, allocate, map[string]any{"r": ids[0], "d": gid("Device", wiped.ID), "v": wiped.Version}, "BAD_USER_INPUT")
	if err.Extensions["field"] != "deviceID" || !strings.Contains(err.Message, "not ready") {
		t.Errorf("a wiped device: %+v", err)
	}
	// Of another kind.
	tablet := it.Ready(t, e.rt.Inventory, e.rt.Staff, it.Device(t, e.rt.Inventory, e.rt.Staff, inventory.NewDevice{Kind: inventory.KindTablet}))
	err = e.fails(staff, allocate, map[string]any{"r": ids[0], "d": gid("Device", tablet.ID), "v": tablet.Version}, "BAD_USER_INPUT")
	if !strings.Contains(err.Message, "tablet") {
		t.Errorf("a tablet: %+v", err)
	}
	// A stale version.
	e.fails(staff, allocate, map[string]any{"r": ids[0], "d": gid("Device", d.ID), "v": d.Version - 1}, "CONFLICT")
	if got := it.Reload(t, e.rt.Inventory, e.rt.Staff, d.ID); got.Status != inventory.StatusReady || got.Version != d.Version {
		t.Errorf("the device changed: %s %d", got.Status, got.Version)
	}
	// A reason is required to reject; a blank or non-PNG signature is refused.
	err = e.fails(staff, `mutation($id: ID!) { decideDeviceRequest(id: $id, decision: REJECT) { id } }`, map[string]any{"id": ids[1]}, "BAD_USER_INPUT")
	if err.Extensions["field"] != "reason" {
		t.Errorf("reject without a reason: %+v", err)
	}
	e.ok(staff, allocate, map[string]any{"r": ids[0], "d": gid("Device", d.ID), "v": d.Version}, nil)
	for _, sig := range []string{rt.BlankSignature(), "data:image/gif;base64,R0lGODlhAQABAAAAACw=", "not base64 at all"} {
		err = e.fails(staff, `mutation($r: ID!, $s: String!) { handOutDevice(requestID: $r, signature: $s) { id } }`, map[string]any{"r": ids[0], "s": sig}, "BAD_USER_INPUT")
		if err.Extensions["field"] != "signature" {
			t.Errorf("signature %.30s: %+v", sig, err)
		}
	}
}

// TestConcurrentAllocateThroughGraphQL: two staff allocate the same device at once; one gets
// it, the other CONFLICT.
func TestConcurrentAllocateThroughGraphQL(t *testing.T) {
	t.Parallel()
	e := newReqEnv(t)
	d := e.rt.ReadyLaptop(t, "RACE-1")
	r1 := e.rt.Approved(t, e.rt.WorkerA, rt.Laptop("RACE-A"))
	r2 := e.rt.Approved(t, e.rt.WorkerB, rt.Laptop("RACE-B"))
	var wg sync.WaitGroup
	results := make([]gqlResult, 2)
	for i, r := range []int64{r1.ID, r2.ID} {
		wg.Go(func() {
			results[i] = e.do([]string{e.tokens["staff"], e.tokens["admin"]}[i], `mutation($r: ID!, $d: ID!, $v: Int!) { allocateDevice(requestID: $r, deviceID: $d, version: $v) { status } }`,
				map[string]any{"r": gid("DeviceRequest", r), "d": gid("Device", d.ID), "v": d.Version})
		})
	}
	wg.Wait()
	won, conflicts := 0, 0
	for _, r := range results {
		switch {
		case len(r.Errors) == 0:
			won++
		case r.Errors[0].Extensions["code"] == "CONFLICT":
			conflicts++
		}
	}
	if won != 1 || conflicts != 1 {
		t.Errorf("results %+v: want one allocation and one CONFLICT", results)
	}
}

// TestRequestAuthorisation runs every request query and mutation as each kind of user against a
// table of what each may do: "ok", or the error code.
func TestRequestAuthorisation(t *testing.T) {
	t.Parallel()
	e := newReqEnv(t)
	roles := []string{"anonymous", "trainee", "donor", "workerA", "workerB", "coordinatorA", "staff", "admin"}
	// A request of worker A's for the reads.
	mineA := rt.Submit(t, e.rt.Store, e.rt.WorkerA, rt.Laptop("AUTH-A"))
	type op struct {
		name  string
		query string
		// vars makes the variables, with a fresh subject for each role when the operation
		// changes it.
		vars func(t *testing.T) map[string]any
		// check looks at a successful answer, for reads whose rows depend on the role.
		check func(t *testing.T, role string, data json.RawMessage)
		want  map[string]string // by role; absent: "ok"
	}
	unauthForbidden := func(extra map[string]string) map[string]string {
		m := map[string]string{"anonymous": "UNAUTHENTICATED", "trainee": "FORBIDDEN", "donor": "FORBIDDEN"}
		for k, v := range extra {
			m[k] = v
		}
		return m
	}
	socialForbidden := map[string]string{"workerA": "FORBIDDEN", "workerB": "FORBIDDEN", "coordinatorA": "FORBIDDEN"}
	adminOnly := unauthForbidden(map[string]string{"workerA": "FORBIDDEN", "workerB": "FORBIDDEN", "coordinatorA": "FORBIDDEN", "staff": "FORBIDDEN"})
	approved := func(t *testing.T) int64 { return e.rt.Approved(t, e.rt.Staff, rt.Laptop("AUTH-APPROVED")).ID }
	allocated := func(t *testing.T) (int64, *inventory.Device) {
		d := e.rt.ReadyLaptop(t, fmt.Sprintf("AUTH-A%d", e.seq()))
		return e.rt.Allocated(t, e.rt.Staff, rt.Laptop("AUTH-ALLOC"), d).ID, d
	}
	ops := []op{
		{name: "deviceRequests", query: `{ deviceRequests { totalCount nodes { reference requesterName partner { name } } } }`,
			check: func(t *testing.T, role string, data json.RawMessage) {
				var out struct{ DeviceRequests struct{ TotalCount int } }
				json.Unmarshal(data, &out)
				// Worker B's and the coordinator's own counts vary with what the mutations below
				// filed; A's request is visible to A, the coordinator and the office only.
				if role == "workerB" && strings.Contains(string(data), "AUTH-A\"") {
					t.Errorf("worker B sees A's request: %s", data)
				}
				if (role == "workerA" || role == "coordinatorA" || role == "staff") && !strings.Contains(string(data), "AUTH-A\"") {
					t.Errorf("%s does not see A's request: %s", role, data)
				}
			},
			want: unauthForbidden(nil)},
		{name: "node(DeviceRequest)", query: `query($id: ID!) { node(id: $id) { ... on DeviceRequest { reference } } }`,
			vars: func(*testing.T) map[string]any { return map[string]any{"id": gid("DeviceRequest", mineA.ID)} },
			check: func(t *testing.T, role string, data json.RawMessage) {
				visible := strings.Contains(string(data), "AUTH-A")
				if want := role == "workerA" || role == "coordinatorA" || role == "staff" || role == "admin"; visible != want {
					t.Errorf("%s: node %s, want visible %v", role, data, want)
				}
			},
			want: map[string]string{"anonymous": "UNAUTHENTICATED"}},
		{name: "requestQueue", query: `{ requestQueue { id } }`, want: unauthForbidden(socialForbidden)},
		{name: "partnerOrganisations", query: `{ partnerOrganisations { name } }`, want: unauthForbidden(nil),
			check: func(t *testing.T, role string, data json.RawMessage) {
				if role == "workerB" && strings.Contains(string(data), e.rt.PartnerA.Name) {
					t.Errorf("worker B sees partner A: %s", data)
				}
			}},
		{name: "requestPolicy", query: `{ requestPolicy { maxOpenPerSocialWorker openKinds retentionDays } }`, want: unauthForbidden(nil)},
		{name: "matches", query: `query($id: ID!) { node(id: $id) { ... on DeviceRequest { matches { score } } } }`,
			vars: func(*testing.T) map[string]any { return map[string]any{"id": gid("DeviceRequest", mineA.ID)} },
			// Others see no node at all (null), so no error.
			want: map[string]string{"anonymous": "UNAUTHENTICATED", "workerA": "FORBIDDEN", "coordinatorA": "FORBIDDEN"}},
		{name: "submitDeviceRequest", query: `mutation($in: SubmitDeviceRequestInput!) { submitDeviceRequest(input: $in) { id } }`,
			vars: func(*testing.T) map[string]any {
				return map[string]any{"in": map[string]any{"reference": "AUTH-SUBMIT", "kind": "LAPTOP", "purpose": "OTHER"}}
			},
			want: unauthForbidden(nil)},
		{name: "decideDeviceRequest", query: `mutation($id: ID!) { decideDeviceRequest(id: $id, decision: APPROVE) { id } }`,
			vars: func(t *testing.T) map[string]any {
				return map[string]any{"id": gid("DeviceRequest", rt.Submit(t, e.rt.Store, e.rt.Staff, rt.Laptop("AUTH-DECIDE")).ID)}
			},
			want: unauthForbidden(socialForbidden)},
		{name: "allocateDevice", query: `mutation($r: ID!, $d: ID!, $v: Int!) { allocateDevice(requestID: $r, deviceID: $d, version: $v) { id } }`,
			vars: func(t *testing.T) map[string]any {
				d := e.rt.ReadyLaptop(t, fmt.Sprintf("AUTH-D%d", e.seq()))
				return map[string]any{"r": gid("DeviceRequest", approved(t)), "d": gid("Device", d.ID), "v": d.Version}
			},
			want: unauthForbidden(socialForbidden)},
		{name: "releaseDevice", query: `mutation($r: ID!) { releaseDevice(requestID: $r) { id } }`,
			vars: func(t *testing.T) map[string]any {
				id, _ := allocated(t)
				return map[string]any{"r": gid("DeviceRequest", id)}
			},
			want: unauthForbidden(socialForbidden)},
		{name: "handOutDevice", query: `mutation($r: ID!, $s: String!) { handOutDevice(requestID: $r, signature: $s) { id } }`,
			vars: func(t *testing.T) map[string]any {
				id, _ := allocated(t)
				return map[string]any{"r": gid("DeviceRequest", id), "s": rt.Signature()}
			},
			want: unauthForbidden(socialForbidden)},
		{name: "cancelDeviceRequest (worker A's)", query: `mutation($id: ID!) { cancelDeviceRequest(id: $id) { status } }`,
			vars: func(t *testing.T) map[string]any {
				// A colleague of worker A's at organisation A, new for each role (the limit).
				_, colleague := e.rt.NewSocialWorker(t, fmt.Sprintf("colleague%d", e.seq()), e.rt.PartnerA.ID, false)
				return map[string]any{"id": gid("DeviceRequest", rt.Submit(t, e.rt.Store, colleague, rt.Laptop("AUTH-CANCEL")).ID)}
			},
			want: unauthForbidden(map[string]string{"workerA": "NOT_FOUND", "workerB": "NOT_FOUND"})},
		{name: "createPartnerOrganisation", query: `mutation($n: String!) { createPartnerOrganisation(name: $n, kind: NGO) { id } }`,
			vars: func(*testing.T) map[string]any { return map[string]any{"n": fmt.Sprintf("Partner %d", e.seq())} },
			want: adminOnly},
		{name: "setRequestPolicy", query: `mutation { setRequestPolicy(maxOpenPerSocialWorker: 3, openKinds: [LAPTOP, DESKTOP, ALL_IN_ONE, TABLET, SMARTPHONE], retentionDays: 365) { maxOpenPerSocialWorker } }`,
			want: adminOnly},
	}
	for _, o := range ops {
		for _, role := range roles {
			t.Run(o.name+"/"+role, func(t *testing.T) {
				e.t = t
				var vars map[string]any
				if o.vars != nil {
					vars = o.vars(t)
				}
				want := o.want[role]
				r := e.call(e.tokens[role], o.query, vars)
				switch {
				case want == "" && len(r.Errors) > 0:
					t.Errorf("%s as %s: got %+v, want it allowed", o.name, role, r.Errors)
				case want != "" && (len(r.Errors) != 1 || r.Errors[0].Extensions["code"] != want):
					t.Errorf("%s as %s: got data %s errors %+v, want %s", o.name, role, r.Data, r.Errors, want)
				case want == "" && o.check != nil:
					o.check(t, role, r.Data)
				}
			})
		}
	}
}

// call is do, anonymously when token is "".
func (e *reqEnv) call(token, query string, vars map[string]any) gqlResult {
	e.t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, _ := http.NewRequest("POST", e.srv.URL+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
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

var seqMu sync.Mutex
var seqN int64

// seq is a number unique within the test binary, for names that must differ.
func (e *reqEnv) seq() int64 {
	seqMu.Lock()
	defer seqMu.Unlock()
	seqN++
	return seqN
}
