package web_test

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/inventory"
	"github.com/digital-inclusion/refurb/requests"
	rt "github.com/digital-inclusion/refurb/requests/requeststest"
)

// partner creates a partner organisation and a social worker of it (email), optionally its
// coordinator.
func (e *env) partner(name, email string, coordinator bool) (*requests.Partner, *auth.User) {
	e.t.Helper()
	p, err := requests.NewStore(e.DB.App).CreatePartner(e.System, requests.NewPartner{Name: name, Kind: requests.PartnerSocialOffice})
	if err != nil {
		e.t.Fatal(err)
	}
	u, err := e.Auth.CreateUser(e.System, auth.NewUser{Email: email, Name: "Worker " + email[:3], Role: auth.RoleSocialWorker, Password: password,
		PartnerID: &p.ID, Coordinator: coordinator})
	if err != nil {
		e.t.Fatal(err)
	}
	return p, u
}

// readyLaptop records a laptop and takes it to ready.
func (e *env) readyLaptop(staff *auth.User, serial string) *inventory.Device {
	e.t.Helper()
	_, ds := e.donation(nil, laptop(serial, "D-"+serial))
	e.wipe(staff, &ds[0])
	d := e.device(ds[0].Tag)
	tpl, err := e.Store.QATemplate(e.System, d.Kind)
	if err != nil {
		e.t.Fatal(err)
	}
	items := make([]inventory.QAItem, len(tpl))
	for i, it := range tpl {
		items[i] = inventory.QAItem{Key: it.Key, Passed: true}
	}
	if _, d, err = e.Store.RecordQACheck(e.As(staff), inventory.NewQACheck{DeviceID: d.ID, Items: items}); err != nil {
		e.t.Fatal(err)
	}
	if d, err = e.Store.Transition(e.As(staff), d.ID, d.Version, inventory.StatusReady, ""); err != nil {
		e.t.Fatal(err)
	}
	return d
}

var requestPath = regexp.MustCompile(`^/requests/(\d+)$`)

func TestRequestPages(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	staff := e.user("sam@example.org", auth.RoleStaff, nil)
	_, worker := e.partner("Office social de Hesperange", "ana@office.lu", false)
	e.partner("Croix-Rouge", "bob@crl.lu", false)
	sw := e.client("en")
	sw.login(worker.Email)

	// The form says what never to write, next to the field.
	r := sw.get("/requests/new")
	if r.status != 200 || !strings.Contains(r.body, "Never write the beneficiary") || !strings.Contains(r.body, `aria-describedby="reference-help privacy"`) {
		t.Fatalf("new request form: %d\n%.2000s", r.status, r.body)
	}
	// A phone number as the reference is refused on the form, with what was typed kept.
	r = sw.post("/requests", url.Values{"reference": {"621 123 456"}, "kind": {"laptop"}, "purpose": {"school"}, "note": {"video calls"}})
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "phone number") || !strings.Contains(r.body, "video calls") {
		t.Errorf("phone number as reference: %d\n%.3000s", r.status, r.body)
	}
	r = sw.post("/requests", url.Values{"reference": {"HES-017"}, "kind": {"laptop"}, "purpose": {"school"}, "language": {"ar"}, "keyboard_layout": {"fr"}})
	m := requestPath.FindStringSubmatch(r.location)
	if r.status != http.StatusSeeOther || m == nil {
		t.Fatalf("submit: %d %q\n%.2000s", r.status, r.location, r.body)
	}
	id := m[1]
	r = sw.get("/requests/" + id)
	if r.status != 200 || !strings.Contains(r.body, "HES-017") || !strings.Contains(r.body, "Submitted") || strings.Contains(r.body, "/decide") {
		t.Errorf("the social worker's request page: %d\n%.3000s", r.status, r.body)
	}
	if r = sw.get("/requests"); !strings.Contains(r.body, "HES-017") {
		t.Errorf("my requests: %.2000s", r.body)
	}
	// Another organisation's worker does not find it.
	other := e.client("en")
	other.login("bob@crl.lu")
	if r = other.get("/requests/" + id); r.status != http.StatusNotFound || strings.Contains(r.body, "HES-017") {
		t.Errorf("another organisation's worker: %d", r.status)
	}
	if r = other.get("/requests/queue"); r.status != http.StatusForbidden {
		t.Errorf("a social worker opens the queue: %d", r.status)
	}

	// Staff: the queue, the decision, the matching list, the allocation.
	st := e.client("en")
	st.login(staff.Email)
	r = st.get("/requests/queue")
	if r.status != 200 || !strings.Contains(r.body, "/requests/"+id) || !strings.Contains(r.body, "0 days") {
		t.Errorf("queue: %d\n%.3000s", r.status, r.body)
	}
	r = st.post("/requests/"+id+"/decide", url.Values{"decision": {"reject"}})
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "reason") {
		t.Errorf("reject without a reason: %d", r.status)
	}
	if r = st.post("/requests/"+id+"/decide", url.Values{"decision": {"approve"}}); r.status != http.StatusSeeOther {
		t.Fatalf("approve: %d\n%.2000s", r.status, r.body)
	}
	d := e.readyLaptop(staff, "PAGE-1")
	r = st.get("/requests/" + id)
	choice := strconv.FormatInt(d.ID, 10) + ":" + strconv.Itoa(d.Version)
	if !strings.Contains(r.body, `value="`+choice+`"`) || !strings.Contains(r.body, d.Tag) {
		t.Fatalf("matching list: %.4000s", r.body)
	}
	// A stale choice: the page says so and nothing changes.
	stale := strconv.FormatInt(d.ID, 10) + ":" + strconv.Itoa(d.Version-1)
	if r = st.post("/requests/"+id+"/allocate", url.Values{"device": {stale}}); r.status != http.StatusConflict || !strings.Contains(r.body, "changed since you opened it") {
		t.Errorf("stale allocation: %d\n%.2000s", r.status, r.body)
	}
	if r = st.post("/requests/"+id+"/allocate", url.Values{"device": {choice}}); r.status != http.StatusSeeOther {
		t.Fatalf("allocate: %d\n%.2000s", r.status, r.body)
	}
	if got := e.device(d.Tag); got.Status != inventory.StatusReserved {
		t.Errorf("device: %s", got.Status)
	}
	// The counter page, in the request's language (Arabic, right to left).
	r = st.get("/requests/" + id + "/handout")
	if r.status != 200 || !strings.Contains(r.body, `lang="ar" dir="rtl"`) || !strings.Contains(r.body, "شروط الاستخدام") || !strings.Contains(r.body, d.Tag) ||
		!strings.Contains(r.body, "/static/signature.js") {
		t.Fatalf("hand-out page: %d\n%.3000s", r.status, r.body)
	}
	if r = st.get("/requests/" + id + "/handout?lang=pt"); !strings.Contains(r.body, `lang="pt"`) || !strings.Contains(r.body, "Condições de utilização") {
		t.Errorf("hand-out page in Portuguese: %.2000s", r.body)
	}
	// A blank pad is refused on the page itself.
	if r = st.post("/requests/"+id+"/handout", url.Values{"signature": {rt.BlankSignature()}, "language": {"pt"}}); r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "assine no quadro") {
		t.Errorf("blank signature: %d\n%.2000s", r.status, r.body)
	}
	if r = st.post("/requests/"+id+"/handout", url.Values{"signature": {rt.Signature()}, "language": {"pt"}}); r.status != http.StatusSeeOther {
		t.Fatalf("hand out: %d\n%.2000s", r.status, r.body)
	}
	r = st.get("/requests/" + id)
	if !strings.Contains(r.body, "/certificates/HC-") || !strings.Contains(r.body, "Handed out") {
		t.Errorf("after the hand-out: %.3000s", r.body)
	}
	if got := e.device(d.Tag); got.Status != inventory.StatusHandedOut {
		t.Errorf("device after the hand-out: %s", got.Status)
	}
	// The receipt again, in Arabic: the Portuguese one is replaced and both are listed.
	if !strings.Contains(r.body, `action="/requests/`+id+`/receipt"`) || !strings.Contains(r.body, `<option value="ar">AR</option>`) {
		t.Errorf("no form to issue the receipt again: %.3000s", r.body)
	}
	if r = st.post("/requests/"+id+"/receipt", url.Values{"language": {"ar"}}); r.status != http.StatusSeeOther {
		t.Fatalf("receipt again: %d\n%.2000s", r.status, r.body)
	}
	if r = st.get("/requests/" + id); strings.Count(r.body, "/certificates/HC-") != 2 || !strings.Contains(r.body, "(AR)") || !strings.Contains(r.body, "Receipt issued") {
		t.Errorf("after issuing the receipt again: %.3000s", r.body)
	}
	if r = st.post("/requests/"+id+"/receipt", url.Values{"language": {"xx"}}); r.status != http.StatusUnprocessableEntity {
		t.Errorf("a receipt in no language: %d\n%.2000s", r.status, r.body)
	}
	if r = sw.post("/requests/"+id+"/receipt", url.Values{"language": {"fr"}}); r.status != http.StatusForbidden && r.status != http.StatusNotFound {
		t.Errorf("the social worker issues a receipt: %d", r.status)
	}
	// The social worker sees it handed out.
	if r = sw.get("/requests"); !strings.Contains(r.body, "Handed out") {
		t.Errorf("the social worker's list: %.2000s", r.body)
	}
	// Donors and trainees see nothing of requests.
	donor := e.user("d@example.org", auth.RoleTrainee, nil)
	dc := e.client("en")
	dc.login(donor.Email)
	if r = dc.get("/requests"); r.status != http.StatusForbidden {
		t.Errorf("a trainee lists requests: %d", r.status)
	}
}

func TestAdminPages(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	admin := e.user("root@example.org", auth.RoleAdmin, nil)
	e.user("sam@example.org", auth.RoleStaff, nil)
	c := e.client("en")
	c.login(admin.Email)
	for _, path := range []string{"/admin", "/admin/users", "/admin/partners", "/admin/requests"} {
		if r := c.get(path); r.status != 200 {
			t.Errorf("%s: %d", path, r.status)
		}
	}
	staff := e.client("en")
	staff.login("sam@example.org")
	for _, path := range []string{"/admin", "/admin/users", "/admin/partners", "/admin/requests"} {
		if r := staff.get(path); r.status != http.StatusForbidden {
			t.Errorf("staff %s: %d", path, r.status)
		}
	}
	if r := c.post("/admin/partners", url.Values{"name": {"Caritas"}, "kind": {"ngo"}, "contact": {"+352 40 21 31"}}); r.status != http.StatusSeeOther {
		t.Fatalf("create partner: %d %.1000s", r.status, r.body)
	}
	ps, err := requests.NewStore(e.DB.App).Partners(e.System)
	if err != nil || len(ps) != 2 || ps[1].Name != "Caritas" {
		t.Fatalf("partners: %+v, %v", ps, err)
	}
	// A coordinator of Caritas, created on the page: the password is shown once.
	r := c.post("/admin/users", url.Values{"email": {"coord@caritas.lu"}, "name": {"Carla"}, "role": {"social_worker"},
		"partner_id": {strconv.FormatInt(ps[1].ID, 10)}, "coordinator": {"true"}})
	pw := regexp.MustCompile(`<p class="password">([^<]+)</p>`).FindStringSubmatch(r.body)
	if r.status != 200 || pw == nil {
		t.Fatalf("create user: %d\n%.3000s", r.status, r.body)
	}
	u, err := e.Auth.Login(e.System, "coord@caritas.lu", pw[1])
	if err != nil || u.PartnerID == nil || *u.PartnerID != ps[1].ID || !u.Coordinator {
		t.Fatalf("the new coordinator signs in: %+v, %v", u, err)
	}
	// A DONOR without a donor is refused, with what was typed kept.
	if r = c.post("/admin/users", url.Values{"email": {"x@acme.lu"}, "name": {"X"}, "role": {"donor"}}); r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "x@acme.lu") {
		t.Errorf("donor without donor: %d", r.status)
	}
	// Reset, disable, enable, links: each in the audit log.
	if r = c.post("/admin/users/"+strconv.FormatInt(u.ID, 10)+"/password", nil); r.status != 200 || !strings.Contains(r.body, `class="password"`) {
		t.Errorf("reset: %d", r.status)
	}
	if r = c.post("/admin/users/"+strconv.FormatInt(u.ID, 10)+"/links", url.Values{"partner_id": {strconv.FormatInt(ps[1].ID, 10)}}); r.status != http.StatusSeeOther {
		t.Errorf("links: %d %.1000s", r.status, r.body)
	}
	if r = c.post("/admin/users/"+strconv.FormatInt(u.ID, 10)+"/disabled", url.Values{"disabled": {"true"}}); r.status != http.StatusSeeOther {
		t.Errorf("disable: %d", r.status)
	}
	if _, err := e.Auth.Login(e.System, "coord@caritas.lu", pw[1]); err == nil {
		t.Error("a disabled user signed in")
	}
	if r = c.post("/admin/users/"+strconv.FormatInt(u.ID, 10)+"/disabled", url.Values{"disabled": {"false"}}); r.status != http.StatusSeeOther {
		t.Errorf("enable: %d", r.status)
	}
	// Finding users: by part of the address or name, by role, and page after page.
	if r = c.get("/admin/users?q=CARITAS"); r.status != 200 || !strings.Contains(r.body, "coord@caritas.lu") || strings.Contains(r.body, "sam@example.org") {
		t.Errorf("search: %d", r.status)
	}
	if r = c.get("/admin/users?role=staff"); !strings.Contains(r.body, "sam@example.org") || strings.Contains(r.body, "coord@caritas.lu") || strings.Contains(r.body, `rel="next"`) {
		t.Errorf("staff only: %d", r.status)
	}
	if _, err := e.DB.Owner.ExecContext(t.Context(), `INSERT INTO users (email, name, role, password_hash)
		SELECT 'volunteer' || lpad(n::text, 3, '0') || '@example.org', 'Volunteer ' || n, 'staff', 'x' FROM generate_series(1, 60) n`); err != nil {
		t.Fatal(err)
	}
	r = c.get("/admin/users?role=staff")
	next := regexp.MustCompile(`rel="next" href="([^"]+)"`).FindStringSubmatch(r.body)
	if next == nil || strings.Count(r.body, `@example.org</span>`) != auth.DefaultUserPage || strings.Contains(r.body, "volunteer050@") {
		t.Fatalf("first page of 61 staff: %d, %d users\n%.2000s", r.status, strings.Count(r.body, `@example.org</span>`), r.body)
	}
	r = c.get(html.UnescapeString(next[1]))
	if r.status != 200 || !strings.Contains(r.body, "volunteer050@") || !strings.Contains(r.body, "volunteer060@") || strings.Contains(r.body, "sam@example.org") || strings.Contains(r.body, `rel="next"`) {
		t.Errorf("second page: %d\n%.2000s", r.status, r.body)
	}
	if r = c.get("/admin/users?q=nobody-at-all"); !strings.Contains(r.body, "No user matches.") {
		t.Errorf("no match: %d", r.status)
	}

	log, err := e.Auth.AuditLog(e.As(admin), 50)
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, a := range log {
		if a.SubjectID != nil && *a.SubjectID == u.ID && strings.HasPrefix(a.Action, "user.") {
			actions = append(actions, a.Action)
		}
	}
	if got := strings.Join(actions, " "); got != "user.enabled user.disabled user.links_changed user.password_changed user.created" {
		t.Errorf("audit log of the user: %s", got)
	}
	// The policy page.
	if r = c.post("/admin/requests", url.Values{"max_open": {"2"}, "retention_days": {"90"}, "kinds": {"laptop", "tablet"}}); r.status != http.StatusSeeOther {
		t.Fatalf("policy: %d %.1000s", r.status, r.body)
	}
	if r = c.post("/admin/requests", url.Values{"max_open": {"0"}, "retention_days": {"90"}}); r.status != http.StatusUnprocessableEntity {
		t.Errorf("policy with 0 open requests: %d", r.status)
	}
	p, _ := requests.NewStore(e.DB.App).Policy(e.System)
	if p.MaxOpen != 2 || p.RetentionDays != 90 || len(p.OpenKinds) != 2 {
		t.Errorf("policy: %+v", p)
	}
	if r = c.post("/admin/requests/anonymise", nil); r.status != http.StatusSeeOther {
		t.Errorf("anonymise: %d", r.status)
	}
}

// TestLanguageFollowsTheUser: a signed-in user's language switch is remembered on their account
// and used on another device.
func TestLanguageFollowsTheUser(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	u := e.user("sam@example.org", auth.RoleStaff, nil)
	c := e.client("en")
	c.login(u.Email)
	if r := c.post("/lang", url.Values{"lang": {"de"}, "next": {"/scan"}}); r.status != http.StatusSeeOther {
		t.Fatalf("switch: %d", r.status)
	}
	got, _ := e.Auth.User(e.As(u), u.ID)
	if got.Language == nil || *got.Language != "de" {
		t.Errorf("stored language: %v", got.Language)
	}
	other := e.client("en") // another browser, no cookie
	other.login(u.Email)
	if r := other.get("/scan"); !strings.Contains(r.body, `lang="de"`) {
		t.Errorf("on another device: %.500s", r.body)
	}
}
