package web_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/workshops"
)

// school is a workshop on the test's database: a programme and two trainees enrolled in it,
// Alice (Arabic first, with an account and a PIN) and Bruno (Portuguese, with an account, no
// PIN), and a staff member who tutors.
type school struct {
	st           *workshops.Store
	staff        *auth.User
	programme    *workshops.Programme
	alice, bruno *workshops.Trainee
	aliceUser    *auth.User
}

func newSchool(e *env) *school {
	e.t.Helper()
	s := &school{st: workshops.NewStore(e.DB.App)}
	s.staff = e.user("sam@example.org", auth.RoleStaff, nil)
	staff := e.As(s.staff)
	today := time.Now()
	var err error
	if s.programme, err = s.st.CreateProgramme(staff, workshops.NewProgramme{Name: "OTI ADEM", Funder: "ADEM", TargetMinutes: 100 * 60,
		WeeklyCapMinutes: 40 * 60, StartsOn: today.AddDate(0, -3, 0), EndsOn: today.AddDate(0, 3, 0), TutorID: s.staff.ID}); err != nil {
		e.t.Fatal(err)
	}
	for _, tr := range []struct {
		p     **workshops.Trainee
		name  string
		lang  string
		email string
	}{{&s.alice, "Alice Example", "ar", "alice@example.org"}, {&s.bruno, "Bruno Exemplo", "pt", "bruno@example.org"}} {
		if *tr.p, err = s.st.CreateTrainee(staff, workshops.NewTrainee{Name: tr.name, Languages: []string{tr.lang}}); err != nil {
			e.t.Fatal(err)
		}
		if _, err := s.st.Enrol(staff, workshops.NewEnrolment{TraineeID: (*tr.p).ID, ProgrammeID: s.programme.ID}); err != nil {
			e.t.Fatal(err)
		}
		id := (*tr.p).ID
		u, err := e.Auth.CreateUser(e.System, auth.NewUser{Email: tr.email, Name: tr.name, Role: auth.RoleTrainee, Password: password, TraineeID: &id})
		if err != nil {
			e.t.Fatal(err)
		}
		if tr.email == "alice@example.org" {
			s.aliceUser = u
		}
	}
	if err := e.Auth.SetTraineePIN(staff, s.alice.ID, "2580"); err != nil {
		e.t.Fatal(err)
	}
	return s
}

func day(t time.Time) string { return t.Format("2006-01-02") }

func TestTraineeLogsHoursOnTheBenchPage(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	s := newSchool(e)
	c := e.client("en")
	c.login("alice@example.org")
	r := c.get("/hours")
	if r.status != 200 || !strings.Contains(r.body, "Hello Alice Example") || !strings.Contains(r.body, `name="activity" value="repair"`) {
		t.Fatalf("bench page: %d\n%.600s", r.status, r.body)
	}
	today := time.Now()
	r = c.post("/hours", url.Values{"date": {day(today)}, "minutes": {"240"}, "activity": {"wipe"}})
	if r.status != http.StatusSeeOther || r.location != "/hours" {
		t.Fatalf("log hours: %d %q", r.status, r.location)
	}
	if r = c.get("/hours"); !strings.Contains(r.body, "Saved: 4 h") || !strings.Contains(r.body, "Data wiping") || !strings.Contains(r.body, "Waiting") {
		t.Errorf("after logging:\n%s", r.body)
	}
	for _, tt := range []struct {
		form url.Values
		want string
	}{
		{url.Values{"date": {day(today.AddDate(0, 0, 1))}, "minutes": {"60"}, "activity": {"repair"}}, "This day has not come yet"},
		{url.Values{"date": {day(today)}, "minutes": {"600"}, "activity": {"repair"}}, "A day has at most 12 hours."},
		{url.Values{"date": {day(today)}, "minutes": {"60"}, "other_minutes": {"0"}, "activity": {"repair"}}, "more than 0 minutes"},
	} {
		c.post("/hours", tt.form)
		if r := c.get("/hours"); !strings.Contains(r.body, tt.want) || !strings.Contains(r.body, `class="msg bad"`) {
			t.Errorf("%v: want %q in\n%.1500s", tt.form, tt.want, r.body)
		}
	}
	// Alice's own pages, never another's or the staff's.
	if r := c.get("/progress"); r.status != 200 || !strings.Contains(r.body, "<progress") {
		t.Errorf("progress: %d", r.status)
	}
	for _, path := range []string{"/review", "/trainees", "/trainees/" + strconv.FormatInt(s.bruno.ID, 10), "/reports/hours.csv"} {
		if r := c.get(path); r.status != http.StatusSeeOther || r.location != "/progress" {
			t.Errorf("Alice opens %s: %d %q, want her progress", path, r.status, r.location)
		}
	}
	if r := c.post("/hours", url.Values{"trainee": {strconv.FormatInt(s.bruno.ID, 10)}, "date": {day(today)}, "minutes": {"60"}, "activity": {"repair"}}); r.status != http.StatusSeeOther {
		t.Errorf("Alice logs Bruno's hours: %d", r.status)
	}
	if r := c.get("/trainees/" + strconv.FormatInt(s.bruno.ID, 10)); !strings.Contains(c.get("/hours").body, "not allowed") && r.status == 200 {
		t.Errorf("Alice sees Bruno's file")
	}
	page, err := s.st.HourEntries(e.As(s.staff), workshops.HourFilter{TraineeID: &s.bruno.ID}, workshops.Page{})
	if err != nil || page.TotalCount != 0 {
		t.Errorf("Bruno's entries after Alice tried: %d, %v", page.TotalCount, err)
	}
	// Donors and social workers see nothing of it.
	e.user("dora@example.org", auth.RoleSocialWorker, nil)
	d := e.client("en")
	d.login("dora@example.org")
	for _, path := range []string{"/hours", "/progress", "/review", "/trainees", "/pin"} {
		r := d.get(path)
		if r.status == 200 && strings.Contains(r.body, "Alice") {
			t.Errorf("a social worker sees %s:\n%.300s", path, r.body)
		}
	}
}

func TestBenchPINAndBadge(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	s := newSchool(e)
	device := e.client("en")
	// Without bench mode, nobody sees the names.
	if r := device.get("/pin"); r.status != 200 || strings.Contains(r.body, "Alice") || !strings.Contains(r.body, "Ask a staff member") {
		t.Errorf("/pin anonymously: %d\n%.500s", r.status, r.body)
	}
	if r := device.get("/pin/" + strconv.FormatInt(s.alice.ID, 10)); r.status != http.StatusSeeOther || r.location != "/pin" {
		t.Errorf("Alice's pad without a bench: %d %q", r.status, r.location)
	}
	badge := "/T/" + *s.alice.BadgeToken
	if r := device.get(badge); r.status != 200 || strings.Contains(r.body, "Alice") || !strings.Contains(r.body, "badge of a trainee") {
		t.Errorf("badge anonymously: %d\n%.500s", r.status, r.body)
	}
	// A staff member opens bench mode on the device and is signed out of it.
	device.login("sam@example.org")
	if r := device.get(badge); r.status != http.StatusSeeOther || r.location != "/trainees/"+strconv.FormatInt(s.alice.ID, 10) {
		t.Errorf("badge as staff: %d %q", r.status, r.location)
	}
	if r := device.post("/benches", url.Values{"name": {"Bench 1"}}); r.status != http.StatusSeeOther || r.location != "/pin" {
		t.Fatalf("open bench: %d %q", r.status, r.location)
	}
	if r := device.get("/hours"); r.status != http.StatusSeeOther || !strings.HasPrefix(r.location, "/login") {
		t.Errorf("after opening the bench, the staff member is still signed in: %d %q", r.status, r.location)
	}
	r := device.get("/pin")
	if !strings.Contains(r.body, "Alice Example") || strings.Contains(r.body, "Bruno") {
		t.Errorf("names on the bench: want Alice (with a PIN) only:\n%s", r.body)
	}
	if r := device.get(badge); r.status != http.StatusSeeOther || r.location != "/pin/"+strconv.FormatInt(s.alice.ID, 10) {
		t.Errorf("badge on the bench: %d %q", r.status, r.location)
	}
	pad := "/pin/" + strconv.FormatInt(s.alice.ID, 10)
	if r := device.get(pad); r.status != 200 || !strings.Contains(r.body, `dir="rtl"`) || !strings.Contains(r.body, "مرحبًا Alice Example") {
		t.Errorf("Alice's pad, in Arabic: %d\n%.600s", r.status, r.body)
	}
	if r := device.post(pad, url.Values{"pin": {"1111"}}); r.status != http.StatusUnauthorized || !strings.Contains(r.body, "رمز خاطئ") {
		t.Errorf("a wrong PIN: %d", r.status)
	}
	if r := device.post(pad, url.Values{"pin": {"2580"}}); r.status != http.StatusSeeOther || r.location != "/hours" {
		t.Fatalf("the right PIN: %d %q", r.status, r.location)
	}
	r = device.get("/hours")
	if r.status != 200 || !strings.Contains(r.body, `lang="ar" dir="rtl"`) || !strings.Contains(r.body, `action="/pin-done"`) {
		t.Errorf("Alice's bench page in Arabic with Done: %d\n%.800s", r.status, r.body)
	}
	if r := device.post("/pin-done", url.Values{}); r.status != http.StatusSeeOther || r.location != "/pin" {
		t.Errorf("done: %d %q", r.status, r.location)
	}
	if r := device.get("/hours"); r.status != http.StatusSeeOther {
		t.Errorf("after Done, still signed in: %d", r.status)
	}
	// Another device without the bench's cookie sees no names, even with the same address.
	other := e.client("en")
	if r := other.get("/pin"); strings.Contains(r.body, "Alice") {
		t.Error("a device without bench mode lists the names")
	}
	// Staff close the bench from their own device.
	staff := e.client("en")
	staff.login("sam@example.org")
	benches, err := s.st.OpenBenches(e.As(s.staff))
	if err != nil || len(benches) != 1 {
		t.Fatalf("open benches: %v, %v", benches, err)
	}
	staff.post("/benches/"+strconv.FormatInt(benches[0].ID, 10)+"/close", url.Values{})
	if r := device.get("/pin"); strings.Contains(r.body, "Alice") {
		t.Error("names after the bench closed")
	}
}

func TestStaffPages(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	s := newSchool(e)
	alice := e.As(s.aliceUser)
	yesterday := time.Now().AddDate(0, 0, -1)
	h, err := s.st.LogHours(alice, workshops.NewHours{TraineeID: s.alice.ID, Date: yesterday, Minutes: 180, Activity: workshops.ActivityRepair})
	if err != nil {
		t.Fatal(err)
	}
	c := e.client("en")
	c.login("sam@example.org")
	for _, path := range []string{"/review", "/trainees", "/trainees/" + strconv.FormatInt(s.alice.ID, 10), "/programmes", "/sessions", "/reports/hours"} {
		if r := c.get(path); r.status != 200 {
			t.Errorf("%s: %d\n%.500s", path, r.status, r.body)
		}
	}
	if r := c.get("/review"); !strings.Contains(r.body, "Alice Example") || !strings.Contains(r.body, "entry-"+strconv.FormatInt(h.ID, 10)) {
		t.Errorf("review queue lacks Alice's entry")
	}
	if r := c.post("/review", url.Values{"action": {"reject"}, "id": {strconv.FormatInt(h.ID, 10)}, "reason": {""}}); r.status != http.StatusSeeOther {
		t.Errorf("reject without a reason: %d", r.status)
	}
	if r := c.get("/review"); !strings.Contains(r.body, "Say why") {
		t.Errorf("a rejection without a reason is not explained")
	}
	c.post("/review", url.Values{"action": {"week"}, "trainee": {strconv.FormatInt(s.alice.ID, 10)}, "week": {day(yesterday)}})
	if r := c.get("/review"); !strings.Contains(r.body, "1 entry approved") || strings.Contains(r.body, "entry-"+strconv.FormatInt(h.ID, 10)) {
		t.Errorf("after approving the week:\n%.1500s", r.body)
	}
	// A session, attendance by badge, the funder report.
	r := c.post("/sessions", url.Values{"topic": {"Screens"}, "date": {day(yesterday)}, "start": {"09:00"}, "end": {"11:30"}, "capacity": {"5"}})
	if r.status != http.StatusSeeOther || !strings.HasPrefix(r.location, "/sessions/") {
		t.Fatalf("plan a session: %d %q", r.status, r.location)
	}
	session := r.location
	if r := c.get(session); !strings.Contains(r.body, "Bruno Exemplo") {
		t.Errorf("the session lists the enrolled trainees to tick")
	}
	c.post(session, url.Values{"badge": {"https://refurb.example/T/" + *s.bruno.BadgeToken}})
	if r := c.get(session); !strings.Contains(r.body, "Bruno Exemplo is marked present") || !strings.Contains(r.body, `id="attending">1 / 5`) {
		t.Errorf("after scanning Bruno's badge:\n%.2000s", r.body)
	}
	month := yesterday.Format("2006-01")
	r = c.get("/reports/hours.csv?from=" + month + "&to=" + month)
	if r.status != 200 || !strings.Contains(r.body, "Alice Example") || !strings.Contains(r.body, "3.00") {
		t.Errorf("CSV: %d\n%s", r.status, r.body)
	}
	if r := c.get("/reports/hours.xlsx?from=" + month + "&to=" + month); r.status != 200 || !strings.HasPrefix(r.body, "PK") {
		t.Errorf("XLSX: %d", r.status)
	}
	if r := c.get("/trainees/" + strconv.FormatInt(s.alice.ID, 10) + "/badge.pdf"); r.status != 200 || !strings.HasPrefix(r.body, "%PDF-") {
		t.Errorf("badge PDF: %d %.100s", r.status, r.body)
	}
	r = c.post("/trainees", url.Values{"name": {"Chidi Okafor"}, "languages": {"en, fr"}, "programme": {strconv.FormatInt(s.programme.ID, 10)}})
	if r.status != http.StatusSeeOther || !strings.HasPrefix(r.location, "/trainees/") {
		t.Fatalf("create a trainee: %d %q", r.status, r.location)
	}
	if r := c.get(r.location); !strings.Contains(r.body, "Chidi Okafor") || !strings.Contains(r.body, "OTI ADEM") {
		t.Errorf("the new trainee's file:\n%.1000s", r.body)
	}
}
