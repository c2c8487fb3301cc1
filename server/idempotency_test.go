package server_test

// Requests sent again with their Idempotency-Key (docs/api.md): an intake and a hand-out
// retried through GraphQL and through the pages' forms change things once and answer the first
// answer again, on any instance; the same key with another request is refused.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/digital-inclusion/refurb/certificates"
	"github.com/digital-inclusion/refurb/internal/pgtest"
	"github.com/digital-inclusion/refurb/requests"
	"github.com/digital-inclusion/refurb/requests/requeststest"
	"github.com/digital-inclusion/refurb/server"
	"github.com/digital-inclusion/refurb/server/servertest"
)

// keyed posts a GraphQL request with a bearer token and an Idempotency-Key.
func keyed(t *testing.T, c *http.Client, base, token, key, query string, vars map[string]any) (*http.Response, []byte) {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, _ := http.NewRequest(http.MethodPost, base+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	if key != "" {
		req.Header.Set("Idempotency-Key", key)
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, b
}

func countRows(t *testing.T, db *pgtest.DB, query string, args ...any) int {
	t.Helper()
	var n int
	if err := db.Owner.QueryRowContext(context.Background(), query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

const intake = `mutation($in: RecordDonationInput!) { recordDonation(input: $in) { id number devices { nodes { tag } } } }`

func intakeOf(serial string) map[string]any {
	return map[string]any{"in": map[string]any{"receivedOn": time.Now().Format(time.DateOnly), "devices": []any{
		map[string]any{"kind": "LAPTOP", "make": "Lenovo", "model": "T480", "serialNumber": serial}}}}
}

func TestIdempotentGraphQL(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	// Two instances on one database: a retry may reach either.
	a := servertest.Start(t, db, servertest.Options{})
	b := servertest.Start(t, db, servertest.Options{})
	users := a.Users()
	token := a.Token(users.StaffUser)
	c := a.Server.Client()

	// An intake sent, its answer lost, sent again to the other instance: one donation, the
	// first answer.
	resp1, body1 := keyed(t, c, a.URL, token, "intake-1", intake, intakeOf("IDEM-1"))
	resp2, body2 := keyed(t, c, b.URL, token, "intake-1", intake, intakeOf("IDEM-1"))
	if resp1.StatusCode != 200 || resp2.StatusCode != 200 || !bytes.Equal(body1, body2) || bytes.Contains(body1, []byte("errors")) {
		t.Fatalf("intake retried: got %d %s then %d %s, want the same answer twice", resp1.StatusCode, body1, resp2.StatusCode, body2)
	}
	if resp1.Header.Get("Idempotent-Replayed") != "" || resp2.Header.Get("Idempotent-Replayed") != "true" {
		t.Errorf("Idempotent-Replayed: got %q then %q, want none then true", resp1.Header.Get("Idempotent-Replayed"), resp2.Header.Get("Idempotent-Replayed"))
	}
	if n := countRows(t, db, "SELECT count(*) FROM devices WHERE serial_number = 'IDEM-1'"); n != 1 {
		t.Errorf("devices after the retry: %d, want 1", n)
	}

	// The same key with another intake: refused, nothing recorded.
	resp, body := keyed(t, c, a.URL, token, "intake-1", intake, intakeOf("IDEM-2"))
	var r struct {
		Errors []struct {
			Message    string
			Extensions map[string]any
		}
	}
	json.Unmarshal(body, &r)
	if resp.StatusCode != http.StatusUnprocessableEntity || len(r.Errors) != 1 || r.Errors[0].Extensions["code"] != "BAD_USER_INPUT" ||
		r.Errors[0].Message != "this Idempotency-Key was used for another request" {
		t.Errorf("the key with another request: got %d %s, want 422 BAD_USER_INPUT", resp.StatusCode, body)
	}
	if n := countRows(t, db, "SELECT count(*) FROM devices WHERE serial_number = 'IDEM-2'"); n != 0 {
		t.Errorf("devices of the refused request: %d, want 0", n)
	}

	// A key is its user's: another user's same key is another request.
	other := a.Token(users.AdminUser)
	if resp, body := keyed(t, c, a.URL, other, "intake-1", intake, intakeOf("IDEM-3")); resp.StatusCode != 200 || bytes.Contains(body, []byte("errors")) {
		t.Errorf("another user's same key: got %d %s", resp.StatusCode, body)
	}

	// Sent several times at once (a client retrying on a timeout while the first still runs):
	// one runs, the others wait for it and get its answer.
	var wg sync.WaitGroup
	bodies := make([][]byte, 6)
	for i := range bodies {
		wg.Add(1)
		go func() {
			defer wg.Done()
			srv := a
			if i%2 == 1 {
				srv = b
			}
			_, bodies[i] = keyed(t, c, srv.URL, token, "intake-burst", intake, intakeOf("IDEM-BURST"))
		}()
	}
	wg.Wait()
	for i := range bodies {
		if !bytes.Equal(bodies[i], bodies[0]) || bytes.Contains(bodies[i], []byte("errors")) {
			t.Errorf("concurrent duplicate %d: got %s, want %s", i, bodies[i], bodies[0])
		}
	}
	if n := countRows(t, db, "SELECT count(*) FROM devices WHERE serial_number = 'IDEM-BURST'"); n != 1 {
		t.Errorf("devices after 6 concurrent duplicates: %d, want 1", n)
	}

	// Without a key, a request runs each time; a malformed key is refused.
	keyed(t, c, a.URL, token, "", intake, intakeOf("IDEM-4"))
	keyed(t, c, a.URL, token, "", intake, intakeOf("IDEM-4"))
	if n := countRows(t, db, "SELECT count(*) FROM devices WHERE serial_number = 'IDEM-4'"); n != 2 {
		t.Errorf("devices after two requests without a key: %d, want 2", n)
	}
	if resp, body := keyed(t, c, a.URL, token, strings.Repeat("k", 256), intake, intakeOf("IDEM-5")); resp.StatusCode != 422 || !bytes.Contains(body, []byte("Idempotency-Key")) {
		t.Errorf("a key of 256 characters: got %d %s, want 422 naming Idempotency-Key", resp.StatusCode, body)
	}

	// A day later the key is free again, and the daily job purges it.
	if _, err := db.Owner.ExecContext(context.Background(), "UPDATE idempotency_keys SET created_at = now() - interval '25 hours' WHERE key = 'intake-1'"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Owner.ExecContext(context.Background(), "UPDATE jobs SET last_run = '-infinity'"); err != nil {
		t.Fatal(err)
	}
	if ran, err := server.RunDaily(context.Background(), db.App, slog.New(slog.DiscardHandler)); err != nil || !ran {
		t.Fatalf("daily job: %v, %v", ran, err)
	}
	if n := countRows(t, db, "SELECT count(*) FROM idempotency_keys WHERE key = 'intake-1'"); n != 0 {
		t.Errorf("keys of more than a day after the daily job: %d, want 0", n)
	}
	if resp, body := keyed(t, c, a.URL, token, "intake-1", intake, intakeOf("IDEM-6")); resp.StatusCode != 200 || resp.Header.Get("Idempotent-Replayed") != "" || bytes.Contains(body, []byte("errors")) {
		t.Errorf("the key a day later: got %d %s, want a new intake", resp.StatusCode, body)
	}
}

// handOutEnv is a request allocated a ready laptop, on a database two instances serve.
type handOutEnv struct {
	db      *pgtest.DB
	a, b    *servertest.Server
	request *requests.Request
}

func newHandOutEnv(t *testing.T) *handOutEnv {
	t.Helper()
	db := pgtest.New(t)
	e := &handOutEnv{db: db, a: servertest.Start(t, db, servertest.Options{}), b: servertest.Start(t, db, servertest.Options{})}
	users := e.a.Users()
	if err := e.a.Certificates.SetOrganisation(users.System, certificates.Organisation{Name: "Refurb Test asbl", Address: "1 rue de l'Essai, Luxembourg"}); err != nil {
		t.Fatal(err)
	}
	env := &requeststest.Env{DB: db, Inventory: e.a.Store, Store: requests.NewStore(db.App).WithIssuer(e.a.Certificates), Actors: users}
	partner := requeststest.Partner(t, env.Store, users.Admin, "Office social de Hesperange", requests.PartnerSocialOffice)
	_, worker := env.NewSocialWorker(t, "worker.a", partner.ID, false)
	e.request = env.Allocated(t, worker, requeststest.Laptop("IDEM-REF"), env.ReadyLaptop(t, "IDEM-HANDOUT"))
	return e
}

func (e *handOutEnv) handedOut(t *testing.T) (events, receipts int) {
	t.Helper()
	return countRows(t, e.db, "SELECT count(*) FROM device_request_events WHERE request_id = ? AND to_status = 'handed_out'", e.request.ID),
		countRows(t, e.db, "SELECT count(*) FROM certificates WHERE kind = 'handover'")
}

func TestIdempotentHandOutGraphQL(t *testing.T) {
	t.Parallel()
	e := newHandOutEnv(t)
	token := e.a.Token(e.a.Users().StaffUser)
	const handOut = `mutation($r: ID!, $s: String!) { handOutDevice(requestID: $r, signature: $s) { status certificates { number kind } } }`
	vars := map[string]any{"r": gid("DeviceRequest", e.request.ID), "s": requeststest.Signature()}
	resp1, body1 := keyed(t, e.a.Server.Client(), e.a.URL, token, "handout-1", handOut, vars)
	resp2, body2 := keyed(t, e.b.Server.Client(), e.b.URL, token, "handout-1", handOut, vars)
	if resp1.StatusCode != 200 || !bytes.Contains(body1, []byte(`"HANDED_OUT"`)) || !bytes.Equal(body1, body2) {
		t.Fatalf("hand-out retried: got %d %s then %d %s, want the first answer twice", resp1.StatusCode, body1, resp2.StatusCode, body2)
	}
	if events, receipts := e.handedOut(t); events != 1 || receipts != 1 {
		t.Errorf("after the retry: %d hand-outs, %d receipts; want 1 and 1", events, receipts)
	}
	// Without the key the second hand-out is refused by the lifecycle: what a retry without
	// a key would have told a person whose device was in fact handed out.
	_, body := keyed(t, e.a.Server.Client(), e.a.URL, token, "", handOut, vars)
	if !bytes.Contains(body, []byte("INVALID_TRANSITION")) {
		t.Errorf("hand-out sent again without a key: got %s, want INVALID_TRANSITION", body)
	}
}

// formKey matches the key of a page's form, as withFormKeys writes it.
var formKey = regexp.MustCompile(`<form method="post" action="([^"]+)"[^>]*><input type="hidden" name="idempotency_key" value="([A-Za-z0-9_-]{22})">`)

// keyOf returns the key of the page's form that posts to action.
func keyOf(t *testing.T, page []byte, action string) string {
	t.Helper()
	for _, m := range formKey.FindAllSubmatch(page, -1) {
		if string(m[1]) == action {
			return string(m[2])
		}
	}
	t.Fatalf("no form posting to %s with a key in:\n%.3000s", action, page)
	return ""
}

func getPage(t *testing.T, c *http.Client, u string) []byte {
	t.Helper()
	resp, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: %d %.500s", u, resp.StatusCode, b)
	}
	return b
}

func postForm(t *testing.T, c *http.Client, u string, form url.Values) (*http.Response, []byte) {
	t.Helper()
	resp, err := c.PostForm(u, form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, b
}

func TestIdempotentForms(t *testing.T) {
	t.Parallel()
	e := newHandOutEnv(t)
	staff := e.a.Users().StaffUser.Email
	browserA, browserB := e.a.SignIn(staff), e.b.SignIn(staff)

	// Every form of a signed-in page that posts carries a key of its own, new at each rendering.
	page := getPage(t, browserA, e.a.URL+"/intake")
	key := keyOf(t, page, "/intake")
	if again := keyOf(t, getPage(t, browserA, e.a.URL+"/intake"), "/intake"); again == key {
		t.Errorf("the intake page rendered twice has the same key %s", key)
	}
	if n, keys := strings.Count(string(page), `method="post"`), strings.Count(string(page), `name="idempotency_key"`); n == 0 || n != keys {
		t.Errorf("the intake page has %d forms that post and %d keys", n, keys)
	}
	if strings.Contains(string(getPage(t, e.a.Client(), e.a.URL+"/login")), "idempotency_key") {
		t.Error("the sign-in page of an anonymous visitor has a key: keys are a signed-in user's")
	}

	// The intake form sent twice (the connection dropped, the browser sent it again), the
	// second time to the other instance: one donation, the same redirect.
	form := url.Values{"idempotency_key": {key}, "received": {time.Now().Format(time.DateOnly)}}
	before := countRows(t, e.db, "SELECT count(*) FROM donations")
	resp1, _ := postForm(t, browserA, e.a.URL+"/intake", form)
	resp2, _ := postForm(t, browserB, e.b.URL+"/intake", form)
	if resp1.StatusCode != http.StatusSeeOther || resp2.StatusCode != resp1.StatusCode || resp2.Header.Get("Location") != resp1.Header.Get("Location") {
		t.Fatalf("intake form sent twice: got %d %q then %d %q, want the same redirect", resp1.StatusCode, resp1.Header.Get("Location"),
			resp2.StatusCode, resp2.Header.Get("Location"))
	}
	if n := countRows(t, e.db, "SELECT count(*) FROM donations"); n != before+1 {
		t.Errorf("donations after the form sent twice: %d, want %d", n, before+1)
	}
	// The same form, changed and sent again with its old key: refused with a sentence.
	form.Set("reference", "PO-2")
	resp, body := postForm(t, browserA, e.a.URL+"/intake", form)
	if resp.StatusCode != http.StatusUnprocessableEntity || !bytes.Contains(body, []byte("already sent with other values")) {
		t.Errorf("the form changed and sent with its old key: got %d %.300s", resp.StatusCode, body)
	}

	// The hand-out form, with its signature, sent twice.
	path := fmt.Sprintf("/requests/%d/handout", e.request.ID)
	page = getPage(t, browserA, e.a.URL+path)
	form = url.Values{"idempotency_key": {keyOf(t, page, path)}, "language": {"fr"}, "signature": {requeststest.Signature()}}
	resp1, _ = postForm(t, browserA, e.a.URL+path, form)
	resp2, _ = postForm(t, browserB, e.b.URL+path, form)
	if resp1.StatusCode != http.StatusSeeOther || resp2.StatusCode != http.StatusSeeOther || resp2.Header.Get("Location") != resp1.Header.Get("Location") {
		t.Fatalf("hand-out form sent twice: got %d then %d, want the same redirect", resp1.StatusCode, resp2.StatusCode)
	}
	if events, receipts := e.handedOut(t); events != 1 || receipts != 1 {
		t.Errorf("after the hand-out form sent twice: %d hand-outs, %d receipts; want 1 and 1", events, receipts)
	}
}
