package graph_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/certificates"
	"github.com/digital-inclusion/refurb/graph"
	"github.com/digital-inclusion/refurb/inventory"
	"github.com/digital-inclusion/refurb/workshops"
	"github.com/digital-inclusion/refurb/workshops/workshopstest"
)

// wsEnv serves GraphQL with the workshops on a workshopstest environment, behind the
// authentication middleware; each role has an API token ("" for anonymous).
type wsEnv struct {
	*workshopstest.Env
	t      *testing.T
	srv    *httptest.Server
	tokens map[string]string
}

// The roles of the authorisation table, in its columns' order.
var wsRoles = []string{"anonymous", "admin", "staff", "traineeA", "traineeB", "donor", "social"}

func newWSEnv(t *testing.T) *wsEnv {
	t.Helper()
	e := workshopstest.New(t)
	schema, err := graph.NewSchema(graph.Deps{Auth: e.Auth, Inventory: inventory.NewStore(e.DB.App),
		Certificates: certificates.NewStore(e.DB.App, publicURL), Workshops: e.Store, PublicURL: publicURL})
	if err != nil {
		t.Fatal(err)
	}
	h := e.Auth.Middleware(auth.NewSessions(e.DB.App.DB, false), func(r *http.Request, err error) {
		t.Errorf("authenticate request: %v", err)
	})(graph.NewHandler(schema, graph.Config{Reference: referenceCheck(t)}, slog.New(slog.NewTextHandler(testLog{t}, nil))))
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	a := e.Actors
	tokens := map[string]string{"anonymous": ""}
	for role, u := range map[string]*auth.User{"admin": a.AdminUser, "staff": a.StaffUser, "traineeA": e.AliceUser, "traineeB": e.BrunoUser,
		"donor": a.DonorUser, "social": a.SocialWorkerUser} {
		tokens[role] = a.Token(t, u)
	}
	return &wsEnv{Env: e, t: t, srv: srv, tokens: tokens}
}

// do runs a request as role.
func (e *wsEnv) do(role, query string, vars map[string]any) gqlResult {
	e.t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, _ := http.NewRequest("POST", e.srv.URL+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if tok := e.tokens[role]; tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
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

// gid is the global id GraphQL gives an object (graph/ids.go).
func gid(typ string, id int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte(typ + ":" + strconv.FormatInt(id, 10)))
}

// The outcomes of the authorisation table.
const (
	ok     = "ok"   // data, no error
	null   = "null" // the field is null, no error: nothing to see
	forbid = "FORBIDDEN"
	unauth = "UNAUTHENTICATED"
	nf     = "NOT_FOUND"
)

// TestWorkshopsAuthorisation runs every workshops query and mutation as every role and checks
// the outcome against the table: trainees see and do only their own, staff and administrators
// everything (the catalogue is the administrators'), donors and social workers nothing.
func TestWorkshopsAuthorisation(t *testing.T) {
	t.Parallel()
	e := newWSEnv(t)
	st, staff := e.Store, e.Actors.Staff
	yesterday := workshopstest.Today().AddDate(0, 0, -1)
	alices := workshopstest.Hours(t, st, e.AliceCtx, workshops.NewHours{TraineeID: e.Alice.ID, Date: yesterday, Minutes: 60})
	ses, err := st.CreateSession(staff, workshops.NewSession{ProgrammeID: &e.Programme.ID, Date: yesterday, StartMinute: 14 * 60, EndMinute: 15 * 60,
		Topic: "OS installation", SupervisorID: e.Actors.StaffUser.ID, Capacity: 50})
	if err != nil {
		t.Fatal(err)
	}
	skills, _ := st.Skills(staff, false)
	n := 0
	fresh := func() string { // a trainee of its own for a mutation that can happen once per trainee
		n++
		return gid("Trainee", workshopstest.Trainee(t, st, staff, fmt.Sprintf("Fresh %d", n)).ID)
	}
	pending := func() string { // an entry of Alice's waiting for review
		n++
		h := workshopstest.Hours(t, st, e.AliceCtx, workshops.NewHours{TraineeID: e.Alice.ID, Date: yesterday.AddDate(0, 0, -n), Minutes: 30})
		return gid("HourEntry", h.ID)
	}
	A := gid("Trainee", e.Alice.ID)
	day := yesterday.Format("2006-01-02")
	certs := certificates.NewStore(e.DB.App, publicURL)
	aliceCert, err := certs.Issue(staff, e.Alice.ID, certificates.KindAttendance, "en")
	if err != nil {
		t.Fatal(err)
	}
	brunoCert, err := certs.Issue(staff, e.Bruno.ID, certificates.KindAttendance, "en")
	if err != nil {
		t.Fatal(err)
	}

	type op struct {
		name  string
		query string
		vars  func() map[string]any
		// want is the outcome for each role of wsRoles.
		want [7]string
	}
	none := func() map[string]any { return nil }
	ops := []op{
		{"trainees", `{ trainees { totalCount nodes { id name approvedMinutes targetMinutes } } }`, none,
			[7]string{unauth, ok, ok, ok, ok, forbid, forbid}},
		{"node Trainee A", `query($id: ID!) { node(id: $id) { ... on Trainee { name contact progress { percent } work { wipes } } } }`,
			func() map[string]any { return map[string]any{"id": A} }, [7]string{unauth, ok, ok, ok, null, forbid, forbid}},
		{"node HourEntry of A", `query($id: ID!) { node(id: $id) { ... on HourEntry { minutes status trainee { name } } } }`,
			func() map[string]any { return map[string]any{"id": gid("HourEntry", alices.ID)} }, [7]string{unauth, ok, ok, ok, null, forbid, forbid}},
		{"node Programme", `query($id: ID!) { node(id: $id) { ... on Programme { name } } }`,
			func() map[string]any { return map[string]any{"id": gid("Programme", e.Programme.ID)} }, [7]string{unauth, ok, ok, ok, ok, forbid, forbid}},
		{"node WorkshopSession", `query($id: ID!) { node(id: $id) { ... on WorkshopSession { topic } } }`,
			func() map[string]any { return map[string]any{"id": gid("WorkshopSession", ses.ID)} }, [7]string{unauth, ok, ok, null, null, forbid, forbid}},
		{"myTrainee", `{ myTrainee { name } }`, none, [7]string{null, null, null, ok, ok, null, null}},
		{"myTrainee certificates", `{ myTrainee { certificates { number periodFrom periodTo pdfURL current } } }`, none, [7]string{null, null, null, ok, ok, null, null}},
		{"node Trainee A certificates", `query($id: ID!) { node(id: $id) { ... on Trainee { certificates { number pdfURL } } } }`,
			func() map[string]any { return map[string]any{"id": A} }, [7]string{unauth, ok, ok, ok, null, forbid, forbid}},
		{"hourEntries", `{ hourEntries { totalCount nodes { trainee { name } } } }`, none, [7]string{unauth, ok, ok, ok, ok, forbid, forbid}},
		{"hourEntries of A", `query($id: ID) { hourEntries(traineeID: $id) { totalCount } }`,
			func() map[string]any { return map[string]any{"id": A} }, [7]string{unauth, ok, ok, ok, nf, forbid, forbid}},
		{"hoursReviewQueue", `{ hoursReviewQueue { weekStart overCap entries { id } } }`, none, [7]string{unauth, ok, ok, forbid, forbid, forbid, forbid}},
		{"programmes", `{ programmes { name } }`, none, [7]string{unauth, ok, ok, forbid, forbid, forbid, forbid}},
		{"workshopSessions", `query($d: Date!) { workshopSessions(from: $d, to: $d) { topic attending } }`,
			func() map[string]any { return map[string]any{"d": day} }, [7]string{unauth, ok, ok, forbid, forbid, forbid, forbid}},
		{"skills", `{ skills { key name(language: "pt") } }`, none, [7]string{unauth, ok, ok, ok, ok, forbid, forbid}},
		{"hoursReport", `query($d: Date!) { hoursReport(from: $d, to: $d) { totalMinutes csvURL rows { traineeName } } }`,
			func() map[string]any { return map[string]any{"d": day} }, [7]string{unauth, ok, ok, forbid, forbid, forbid, forbid}},

		{"createTrainee", `mutation { createTrainee(input: {name: "New Trainee", targetMinutes: 6000}) { id } }`, none,
			[7]string{unauth, ok, ok, forbid, forbid, forbid, forbid}},
		{"updateTrainee", `mutation($id: ID!) { updateTrainee(id: $id, input: {name: "Alice Example", languages: ["fr"]}) { name } }`,
			func() map[string]any { return map[string]any{"id": A} }, [7]string{unauth, ok, ok, forbid, forbid, forbid, forbid}},
		{"logHours for A", `mutation($id: ID!, $d: Date!) { logHours(input: {traineeID: $id, date: $d, minutes: 5, activity: "repair"}) { status } }`,
			func() map[string]any { return map[string]any{"id": A, "d": day} }, [7]string{unauth, ok, ok, ok, forbid, forbid, forbid}},
		{"reviewHours", `mutation($id: ID!) { reviewHours(ids: [$id], approve: true) { status } }`,
			func() map[string]any { return map[string]any{"id": pending()} }, [7]string{unauth, ok, ok, forbid, forbid, forbid, forbid}},
		{"approveHoursWeek", `mutation($id: ID!, $d: Date!) { approveHoursWeek(traineeID: $id, weekOf: $d) { id } }`,
			func() map[string]any { return map[string]any{"id": A, "d": day} }, [7]string{unauth, ok, ok, forbid, forbid, forbid, forbid}},
		{"proposeHoursFromWork", `mutation($id: ID!) { proposeHoursFromWork(traineeID: $id) { id } }`,
			func() map[string]any { return map[string]any{"id": A} }, [7]string{unauth, ok, ok, ok, forbid, forbid, forbid}},
		{"createProgramme", `mutation($name: String!, $tutor: ID!) { createProgramme(input: {name: $name, funder: "FSE+", targetMinutes: 60000,
			weeklyCapMinutes: 1920, startsOn: "2026-01-01", endsOn: "2026-06-30", tutorID: $tutor}) { id } }`,
			func() map[string]any {
				n++
				return map[string]any{"name": fmt.Sprintf("Programme %d", n), "tutor": gid("User", e.Actors.StaffUser.ID)}
			}, [7]string{unauth, ok, ok, forbid, forbid, forbid, forbid}},
		{"enrolTrainee", `mutation($t: ID!, $p: ID!) { enrolTrainee(input: {traineeID: $t, programmeID: $p}) { startsOn } }`,
			func() map[string]any { return map[string]any{"t": fresh(), "p": gid("Programme", e.Programme.ID)} }, [7]string{unauth, ok, ok, forbid, forbid, forbid, forbid}},
		{"createWorkshopSession", `mutation($d: Date!, $s: ID!) { createWorkshopSession(input: {date: $d, startTime: "09:00", endTime: "12:00",
			topic: "Thermal paste", supervisorID: $s, capacity: 8}) { id } }`,
			func() map[string]any { return map[string]any{"d": day, "s": gid("User", e.Actors.StaffUser.ID)} }, [7]string{unauth, ok, ok, forbid, forbid, forbid, forbid}},
		{"markAttendance", `mutation($s: ID!, $t: ID!) { markAttendance(sessionID: $s, traineeID: $t) { via hourEntry { minutes } } }`,
			func() map[string]any { return map[string]any{"s": gid("WorkshopSession", ses.ID), "t": fresh()} }, [7]string{unauth, ok, ok, forbid, forbid, forbid, forbid}},
		{"assessSkill", `mutation($t: ID!, $s: ID!) { assessSkill(input: {traineeID: $t, skillID: $s, level: OBSERVED}) { level } }`,
			func() map[string]any { return map[string]any{"t": A, "s": gid("Skill", skills[0].ID)} }, [7]string{unauth, ok, ok, forbid, forbid, forbid, forbid}},
		{"createSkill", `mutation($k: String!) { createSkill(input: {key: $k, nameFr: "Soudure", nameDe: "Löten", nameEn: "Soldering"}) { id } }`,
			func() map[string]any { n++; return map[string]any{"k": fmt.Sprintf("soldering_%d", n)} }, [7]string{unauth, ok, forbid, forbid, forbid, forbid, forbid}},
		{"updateSkill", `mutation($id: ID!) { updateSkill(id: $id, input: {key: "customer_handout", nameFr: "Remise", nameDe: "Übergabe", nameEn: "Hand-out", position: 90}) { key } }`,
			func() map[string]any { return map[string]any{"id": gid("Skill", skills[8].ID)} }, [7]string{unauth, ok, forbid, forbid, forbid, forbid, forbid}},
		{"renewTraineeBadge", `mutation($id: ID!) { renewTraineeBadge(traineeID: $id) { badgeURL } }`,
			func() map[string]any { return map[string]any{"id": A} }, [7]string{unauth, ok, ok, forbid, forbid, forbid, forbid}},
		{"setTraineePIN", `mutation($id: ID!) { setTraineePIN(traineeID: $id, pin: "2580") }`,
			func() map[string]any { return map[string]any{"id": A} }, [7]string{unauth, ok, ok, ok, forbid, forbid, forbid}},
		{"issueCertificate ATTENDANCE", `mutation($id: ID!) { issueCertificate(subjectID: $id, kind: ATTENDANCE, language: "en") { number } }`,
			func() map[string]any { return map[string]any{"id": A} }, [7]string{unauth, ok, ok, forbid, forbid, forbid, forbid}},
	}
	for _, o := range ops {
		for i, role := range wsRoles {
			r := e.do(role, o.query, o.vars())
			want := o.want[i]
			var data map[string]any
			json.Unmarshal(r.Data, &data)
			got := ok
			switch {
			case len(r.Errors) > 0:
				got, _ = r.Errors[0].Extensions["code"].(string)
			case isNull(data):
				got = null
			}
			if got != want {
				t.Errorf("%s as %s: got %s (%s, errors %+v), want %s", o.name, role, got, r.Data, r.Errors, want)
			}
		}
	}

	// A trainee's certificates: their own, by myTrainee, node(id:) and the list of trainees;
	// never another's.
	for role, want := range map[string][2]string{"traineeA": {aliceCert.Number, brunoCert.Number}, "traineeB": {brunoCert.Number, aliceCert.Number}} {
		for _, q := range []string{`{ myTrainee { certificates { number periodFrom periodTo } } }`, `{ trainees { nodes { certificates { number } } } }`} {
			r := e.do(role, q, nil)
			if len(r.Errors) > 0 || !strings.Contains(string(r.Data), `"number":"`+want[0]+`"`) || strings.Contains(string(r.Data), want[1]) {
				t.Errorf("%s asks %s: %s %+v, want %s and not %s", role, q, r.Data, r.Errors, want[0], want[1])
			}
		}
	}
	if r := e.do("traineeB", `query($id: ID!) { node(id: $id) { ... on Trainee { certificates { number } } } }`, map[string]any{"id": A}); strings.Contains(string(r.Data), aliceCert.Number) {
		t.Errorf("Bruno reads Alice's certificates by node(id:): %s", r.Data)
	}
	r := e.do("traineeA", `{ myTrainee { certificates { number periodFrom periodTo } } }`, nil)
	if p := aliceCert.PeriodFrom.Format("2006-01-02") + `","periodTo":"` + aliceCert.PeriodTo.Format("2006-01-02"); !strings.Contains(string(r.Data), p) {
		t.Errorf("Alice's certificate's period: %s, want %s", r.Data, p)
	}

	// What a trainee sees of lists: their own only.
	var tr struct {
		Trainees struct {
			TotalCount int
			Nodes      []struct{ Name string }
		}
		HourEntries struct {
			Nodes []struct{ Trainee struct{ Name string } }
		}
	}
	for role, name := range map[string]string{"traineeA": "Alice Example", "traineeB": "Bruno Exemplo"} {
		r := e.do(role, `{ trainees { totalCount nodes { name } } hourEntries { nodes { trainee { name } } } }`, nil)
		if err := json.Unmarshal(r.Data, &tr); err != nil || len(r.Errors) > 0 {
			t.Fatal(r.Errors, err)
		}
		if tr.Trainees.TotalCount != 1 || tr.Trainees.Nodes[0].Name != name {
			t.Errorf("%s sees trainees %+v, want only %s", role, tr.Trainees, name)
		}
		for _, h := range tr.HourEntries.Nodes {
			if h.Trainee.Name != name {
				t.Errorf("%s sees an entry of %s", role, h.Trainee.Name)
			}
		}
	}
}

// isNull reports whether the response's one root field is null.
func isNull(data map[string]any) bool {
	for _, v := range data {
		if v == nil {
			return true
		}
		if m, ok := v.(map[string]any); ok && len(m) == 0 {
			return true // node(id:) of another type: an empty fragment
		}
	}
	return false
}

// TestWorkshopsJourney is the GraphQL journey: a trainee logs hours, a supervisor rejects one
// with a reason and approves the week, the trainee sees the reason and their progress, and the
// attendance certificate lists the total.
func TestWorkshopsJourney(t *testing.T) {
	t.Parallel()
	e := newWSEnv(t)
	A := gid("Trainee", e.Alice.ID)
	monday := workshops.WeekStart(workshopstest.Today()).AddDate(0, 0, -7)
	var ids []string
	for i, m := range []int{240, 180, 300} {
		r := e.do("traineeA", `mutation($in: LogHoursInput!) { logHours(input: $in) { id status } }`, map[string]any{"in": map[string]any{
			"traineeID": A, "date": monday.AddDate(0, 0, i).Format("2006-01-02"), "minutes": m, "activity": "REPAIR", "startTime": "09:00"}})
		if len(r.Errors) > 0 {
			t.Fatal(r.Errors)
		}
		var d struct{ LogHours struct{ ID, Status string } }
		json.Unmarshal(r.Data, &d)
		if d.LogHours.Status != "PENDING" {
			t.Errorf("logged: %+v", d)
		}
		ids = append(ids, d.LogHours.ID)
	}
	// Each rule refused with its message and rule.
	for _, c := range []struct {
		in   map[string]any
		rule string
		msg  string
	}{
		{map[string]any{"minutes": 0}, "MINUTES", "minutes must be more than 0"},
		{map[string]any{"date": workshopstest.Today().AddDate(0, 0, 1).Format("2006-01-02")}, "FUTURE", "is in the future"},
		{map[string]any{"startTime": "11:00", "minutes": 60}, "OVERLAP", "overlap the entry from 09:00 to 13:00"},
		{map[string]any{"minutes": 500}, "DAY_CAP", "a day holds at most 12 hours"},
	} {
		in := map[string]any{"traineeID": A, "date": monday.Format("2006-01-02"), "minutes": 30, "activity": "wipe"}
		for k, v := range c.in {
			in[k] = v
		}
		r := e.do("traineeA", `mutation($in: LogHoursInput!) { logHours(input: $in) { id } }`, map[string]any{"in": in})
		if len(r.Errors) != 1 || r.Errors[0].Extensions["code"] != "BAD_USER_INPUT" || r.Errors[0].Extensions["rule"] != c.rule ||
			!strings.Contains(r.Errors[0].Message, c.msg) {
			t.Errorf("rule %s: got %+v", c.rule, r.Errors)
		}
	}
	r := e.do("traineeB", `mutation($ids: [ID!]!) { reviewHours(ids: $ids, approve: true) { id } }`, map[string]any{"ids": ids})
	if len(r.Errors) != 1 || r.Errors[0].Extensions["code"] != "FORBIDDEN" {
		t.Errorf("Bruno approves Alice's hours: %+v", r.Errors)
	}
	r = e.do("staff", `mutation($ids: [ID!]!) { reviewHours(ids: $ids, approve: false, reason: "You left at noon") { status reason } }`, map[string]any{"ids": ids[1:2]})
	if len(r.Errors) > 0 || !strings.Contains(string(r.Data), `"reason":"You left at noon"`) || !strings.Contains(string(r.Data), `"status":"REJECTED"`) {
		t.Fatalf("reject: %s %+v", r.Data, r.Errors)
	}
	r = e.do("staff", `mutation($id: ID!, $d: Date!) { approveHoursWeek(traineeID: $id, weekOf: $d) { status } }`,
		map[string]any{"id": A, "d": monday.AddDate(0, 0, 4).Format("2006-01-02")})
	if len(r.Errors) > 0 || strings.Count(string(r.Data), "APPROVED") != 2 {
		t.Fatalf("approve the week: %s %+v", r.Data, r.Errors)
	}
	r = e.do("staff", `mutation($ids: [ID!]!) { reviewHours(ids: $ids, approve: true) { id } }`, map[string]any{"ids": ids[1:2]})
	if len(r.Errors) != 1 || r.Errors[0].Extensions["code"] != "INVALID_TRANSITION" || r.Errors[0].Extensions["from"] != "REJECTED" {
		t.Errorf("approve a rejected entry: %+v", r.Errors)
	}
	var me struct {
		MyTrainee struct {
			ApprovedMinutes int
			TargetMinutes   int
			Progress        struct {
				Percent int
				Weeks   []struct {
					WeekStart       string
					ApprovedMinutes int
				}
			}
			HourEntries struct {
				Nodes []struct{ Status, Reason string }
			}
		}
	}
	r = e.do("traineeA", `{ myTrainee { approvedMinutes targetMinutes progress { percent weeks { weekStart approvedMinutes } }
		hourEntries(status: [REJECTED]) { nodes { status reason } } } }`, nil)
	if err := json.Unmarshal(r.Data, &me); err != nil || len(r.Errors) > 0 {
		t.Fatal(r.Errors, err)
	}
	m := me.MyTrainee
	if m.ApprovedMinutes != 540 || m.TargetMinutes != 12000 || m.Progress.Percent != 4 || len(m.Progress.Weeks) != 1 ||
		m.Progress.Weeks[0].WeekStart != monday.Format("2006-01-02") || m.Progress.Weeks[0].ApprovedMinutes != 540 {
		t.Errorf("Alice's progress: %+v", m)
	}
	if len(m.HourEntries.Nodes) != 1 || m.HourEntries.Nodes[0].Reason != "You left at noon" {
		t.Errorf("Alice's rejected entries: %+v", m.HourEntries)
	}
	r = e.do("staff", `mutation($id: ID!) { issueCertificate(subjectID: $id, kind: ATTENDANCE, language: "en") { number kind verifyURL } }`, map[string]any{"id": A})
	if len(r.Errors) > 0 || !strings.Contains(string(r.Data), `"kind":"ATTENDANCE"`) || !strings.Contains(string(r.Data), `"number":"AC-`) {
		t.Errorf("issue the certificate: %s %+v", r.Data, r.Errors)
	}
}
