package web_test

import (
	"context"
	"encoding/csv"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/internal/demo"
	"github.com/digital-inclusion/refurb/internal/pgtest"
	"github.com/digital-inclusion/refurb/server"
	"github.com/digital-inclusion/refurb/server/servertest"
)

// impactEnv is the application on demo data ending today, with a staff member (sam@), a
// donor's user (donor@, for the donor who gave most) and a social worker (sw@) who filed a
// request handed out long enough ago to be followed up.
type impactEnv struct {
	*env
	donorID, requestID int64
}

func newImpactEnv(t *testing.T, devices int) *impactEnv {
	t.Helper()
	db := pgtest.New(t)
	ctx := context.Background()
	if _, err := demo.Generate(ctx, db.Owner, demo.Options{Devices: devices, Seed: 7, Now: time.Now()}); err != nil {
		t.Fatal(err)
	}
	e := &impactEnv{env: &env{Server: servertest.Start(t, db, servertest.Options{Config: server.Config{PublicURL: "https://refurb.example", OrgName: "Digital Inclusion"}}), t: t}}
	e.user("sam@example.org", auth.RoleStaff, nil)
	if err := db.Owner.NewRaw(`SELECT dn.donor_id FROM donations dn JOIN devices d ON d.donation_id = dn.id
		WHERE dn.donor_id IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1`).Scan(ctx, &e.donorID); err != nil {
		t.Fatal(err)
	}
	e.user("donor@example.org", auth.RoleDonor, &e.donorID)
	var req struct {
		ID        int64 `bun:"id"`
		PartnerID int64 `bun:"partner_id"`
	}
	if err := db.Owner.NewRaw(`SELECT id, partner_id FROM device_requests WHERE status = 'handed_out' AND anonymised_at IS NULL
		ORDER BY handed_out_at DESC OFFSET 10 LIMIT 1`).Scan(ctx, &req); err != nil {
		t.Fatal(err)
	}
	sw, err := e.Auth.CreateUser(e.System, auth.NewUser{Email: "sw@example.org", Name: "Sofia Worker", Role: auth.RoleSocialWorker,
		Password: password, PartnerID: &req.PartnerID})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Owner.ExecContext(ctx, "UPDATE device_requests SET requester_id = ? WHERE id = ?", sw.ID, req.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Owner.ExecContext(ctx, "INSERT INTO request_follow_ups (request_id) VALUES (?)", req.ID); err != nil {
		t.Fatal(err)
	}
	e.requestID = req.ID
	return e
}

// get fetches path with c and returns the status and body.
func get(t *testing.T, c *http.Client, base, path string) (int, string, http.Header) {
	t.Helper()
	req, _ := http.NewRequest("GET", base+path, nil)
	req.Header.Set("Accept-Language", "en")
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Header
}

// The dashboard for staff, its files, and who may see what: donors and social workers are
// refused the ledger; a donor sees their own impact and not another's.
func TestImpactPages(t *testing.T) {
	t.Parallel()
	e := newImpactEnv(t, 1500)
	staff := e.SignIn("sam@example.org")
	status, body, _ := get(t, staff, e.URL, "/impact")
	if status != 200 || !strings.Contains(body, `id="fig-received"`) || strings.Count(body, `<figure class="chart-box"`) != 7 {
		t.Fatalf("the dashboard: %d\n%.3000s", status, body)
	}
	// Every chart is an image with a name, and has a table of its data.
	for _, part := range strings.Split(body, `<figure class="chart-box"`)[1:] {
		fig, _, _ := strings.Cut(part, "</figure>")
		if !strings.Contains(fig, `role="img"`) || !strings.Contains(fig, "<title id=") || !strings.Contains(fig, "<table>") {
			t.Errorf("a chart without its name or its table:\n%.600s", fig)
		}
	}
	if strings.Contains(body, "style=") || strings.Contains(body, "<script>") {
		t.Error("the dashboard has an inline style or script (the CSP forbids them)")
	}
	// A bad period is said on the page.
	if status, body, _ := get(t, staff, e.URL, "/impact?from=2026-03-01&to=2026-01-01"); status != 200 || !strings.Contains(body, `class="msg bad"`) {
		t.Errorf("a backwards period: %d", status)
	}
	// The files, in English for a client that asks for English.
	year := strconv.Itoa(time.Now().Year())
	q := "?from=" + year + "-01-01&to=" + year + "-12-31"
	status, csvBody, h := get(t, staff, e.URL, "/impact/months.csv"+q)
	if status != 200 || !strings.HasPrefix(h.Get("Content-Type"), "text/csv") {
		t.Fatalf("months.csv: %d %s", status, h.Get("Content-Type"))
	}
	recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(csvBody, "\ufeff"))).ReadAll()
	if err != nil || len(recs) != 14 || recs[0][0] != "Month" || recs[1][0] != year+"-01" || recs[13][0] != "Total" {
		t.Errorf("months.csv: %v, %q", err, recs)
	}
	status, xlsx, _ := get(t, staff, e.URL, "/impact/kinds.xlsx"+q)
	f, err := excelize.OpenReader(strings.NewReader(xlsx))
	if status != 200 || err != nil {
		t.Fatalf("kinds.xlsx: %d, %v", status, err)
	}
	if rows, _ := f.GetRows("kinds"); len(rows) < 3 || rows[0][0] != "Kind" {
		t.Errorf("kinds.xlsx: %q", rows)
	}
	if status, _, _ := get(t, staff, e.URL, "/impact/nothing.csv"+q); status != 404 {
		t.Errorf("an unknown table: %d, want 404", status)
	}

	// The annual report from the form.
	form := url.Values{"year": {year}, "language": {"en"}}
	req, _ := http.NewRequest("POST", e.URL+"/impact/report", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", e.URL)
	resp, err := staff.Do(req)
	if err != nil || resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("issue the report: %v, %v", resp, err)
	}
	resp.Body.Close()
	_, body, _ = get(t, staff, e.URL, "/impact")
	number := ""
	if _, after, ok := strings.Cut(body, `<a href="/certificates/IR-`); ok {
		number = "IR-" + after[:strings.Index(after, ".pdf")]
	}
	if number == "" {
		t.Fatalf("no report listed after issuing one:\n%.2000s", body)
	}
	if status, pdf, h := get(t, staff, e.URL, "/certificates/"+number+".pdf"); status != 200 || h.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(pdf, "%PDF") {
		t.Errorf("the report's PDF: %d %s", status, h.Get("Content-Type"))
	}

	// Donors and social workers: no ledger. A donor: their own impact, on the donations page
	// and their donor's page, not another donor's.
	donor := e.SignIn("donor@example.org")
	for _, c := range []*http.Client{donor, e.SignIn("sw@example.org")} {
		if status, _, _ := get(t, c, e.URL, "/impact"); status != http.StatusForbidden {
			t.Errorf("the dashboard to a donor or social worker: %d, want 403", status)
		}
		if status, _, _ := get(t, c, e.URL, "/impact/months.csv"); status != http.StatusForbidden {
			t.Errorf("a file to a donor or social worker: %d, want 403", status)
		}
	}
	if status, body, _ := get(t, donor, e.URL, "/donations"); status != 200 || !strings.Contains(body, `id="fig-d-people"`) {
		t.Errorf("the donor's donations page without their impact: %d", status)
	}
	if status, _, _ := get(t, donor, e.URL, "/donors/"+strconv.FormatInt(e.donorID, 10)); status != 200 {
		t.Errorf("the donor's own page: %d", status)
	}
	if status, _, _ := get(t, donor, e.URL, "/donors/"+strconv.FormatInt(e.donorID+1, 10)); status != http.StatusNotFound {
		t.Errorf("another donor's page to a donor: %d, want 404", status)
	}
	if status, body, _ := get(t, staff, e.URL, "/donors/"+strconv.FormatInt(e.donorID, 10)); status != 200 || !strings.Contains(body, `id="fig-d-co2e"`) {
		t.Errorf("a donor's page to staff: %d", status)
	}
	if status, _, h := get(t, e.Client(), e.URL, "/impact"); status != http.StatusSeeOther || !strings.HasPrefix(h.Get("Location"), "/login") {
		t.Errorf("the dashboard to a visitor: %d %s", status, h.Get("Location"))
	}
}

// The follow-up: listed for its social worker, answered once with choices only, then shown.
func TestFollowUpPages(t *testing.T) {
	t.Parallel()
	e := newImpactEnv(t, 300)
	sw := e.SignIn("sw@example.org")
	id := strconv.FormatInt(e.requestID, 10)
	status, body, _ := get(t, sw, e.URL, "/follow-ups")
	if status != 200 || !strings.Contains(body, `/requests/`+id+`/follow-up`) {
		t.Fatalf("the social worker's follow-ups: %d\n%.2000s", status, body)
	}
	if status, body, _ := get(t, e.SignIn("sam@example.org"), e.URL, "/follow-ups"); status != 200 || !strings.Contains(body, `/requests/`+id+`/follow-up`) {
		t.Errorf("staff's follow-ups: %d", status)
	}
	post := func(form url.Values) *http.Response {
		req, _ := http.NewRequest("POST", e.URL+"/requests/"+id+"/follow-up", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", e.URL)
		req.Header.Set("Accept-Language", "en")
		resp, err := sw.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	if resp := post(url.Values{"use": {"school"}}); resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("an incomplete answer: %d, want 422", resp.StatusCode)
	}
	if resp := post(url.Values{"in_use": {"yes"}, "use": {"school", "communication"}, "problem": {"none"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("the answer: %d", resp.StatusCode)
	}
	status, body, _ = get(t, sw, e.URL, "/requests/"+id+"/follow-up")
	if status != 200 || !strings.Contains(body, `id="answered"`) || !strings.Contains(body, "Keeping in touch") {
		t.Errorf("the answered follow-up: %d\n%.2000s", status, body)
	}
	if resp := post(url.Values{"in_use": {"no"}, "problem": {"none"}}); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("a second answer: %d, want a redirect with the refusal", resp.StatusCode)
	}
	var inUse string
	if err := e.DB.Owner.NewRaw("SELECT in_use FROM request_follow_ups WHERE request_id = ?", e.requestID).Scan(context.Background(), &inUse); err != nil || inUse != "yes" {
		t.Errorf("the answer stored: %q, %v; want the first answer, yes", inUse, err)
	}
	if status, _, _ := get(t, e.SignIn("donor@example.org"), e.URL, "/requests/"+id+"/follow-up"); status != http.StatusForbidden && status != http.StatusNotFound {
		t.Errorf("a donor opens the follow-up: %d", status)
	}
}
