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

// TestTraineeRetentionOnThePages: the trainee's file says when the record will be anonymised,
// in the reader's language, and that it was; administrators set the period beside the request
// policy and may run the anonymisation.
func TestTraineeRetentionOnThePages(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	s := newSchool(e)
	staff := e.As(s.staff)
	today := time.Now()
	past, err := s.st.CreateProgramme(staff, workshops.NewProgramme{Name: "Last year", Funder: "FSE+", TargetMinutes: 100 * 60,
		WeeklyCapMinutes: 40 * 60, StartsOn: today.AddDate(-2, 0, 0), EndsOn: today.AddDate(-1, 0, 0), TutorID: s.staff.ID})
	if err != nil {
		t.Fatal(err)
	}
	no := false
	rita, err := s.st.CreateTrainee(staff, workshops.NewTrainee{Name: "Rita Recusa", Consent: &no, ConsentOn: past.StartsOn})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.st.Enrol(staff, workshops.NewEnrolment{TraineeID: rita.ID, ProgrammeID: past.ID}); err != nil {
		t.Fatal(err)
	}

	c := e.client("fr")
	c.login(s.staff.Email)
	r := c.get("/trainees/" + strconv.FormatInt(s.alice.ID, 10))
	if r.status != 200 || !strings.Contains(r.body, "Accord pas encore demandé") {
		t.Errorf("Alice's file, never asked: %d\n%s", r.status, section(r.body, `id="retention"`))
	}
	c = e.client("de")
	c.login(s.staff.Email)
	r = c.get("/trainees/" + strconv.FormatInt(rita.ID, 10))
	if r.status != 200 || !strings.Contains(r.body, "abgelehnt") {
		t.Errorf("Rita's file before: %d\n%s", r.status, section(r.body, `id="retention"`))
	}

	admin := e.user("ada@example.org", auth.RoleAdmin, nil)
	a := e.client("en")
	a.login(admin.Email)
	if r = a.get("/admin/requests"); r.status != 200 || !strings.Contains(r.body, `name="trainee_days"`) || !strings.Contains(r.body, `value="90"`) {
		t.Errorf("policy page: %d", r.status)
	}
	if r = a.post("/admin/trainees/retention", url.Values{"trainee_days": {"5"}}); r.status != http.StatusUnprocessableEntity {
		t.Errorf("5 days: %d", r.status)
	}
	if r = a.post("/admin/trainees/retention", url.Values{"trainee_days": {"120"}}); r.status != http.StatusSeeOther {
		t.Errorf("120 days: %d %.500s", r.status, r.body)
	}
	if days, _ := s.st.RetentionDays(e.System); days != 120 {
		t.Errorf("the period: got %d, want 120", days)
	}
	if r = c.post("/admin/trainees/anonymise", nil); r.status != http.StatusForbidden {
		t.Errorf("staff run the anonymisation: %d", r.status)
	}
	if r = a.post("/admin/trainees/anonymise", nil); r.status != http.StatusSeeOther {
		t.Errorf("anonymise: %d", r.status)
	}

	r = c.get("/trainees/" + strconv.FormatInt(rita.ID, 10))
	if r.status != 200 || strings.Contains(r.body, "Rita") || !strings.Contains(r.body, "#"+strconv.FormatInt(rita.ID, 10)) ||
		!strings.Contains(r.body, "anonymisiert: es kann nichts mehr") {
		t.Errorf("Rita's file after: %d\n%s", r.status, section(r.body, `id="retention"`))
	}
	if r = c.post("/trainees/"+strconv.FormatInt(rita.ID, 10), url.Values{"action": {"update"}, "name": {"Rita Recusa"}}); r.status == http.StatusSeeOther &&
		!strings.Contains(c.get(r.location).body, "anonymised") {
		t.Errorf("renaming an anonymised trainee: %d %s", r.status, r.location)
	}
}

// section returns up to 400 bytes of body from marker, for failure messages.
func section(body, marker string) string {
	i := strings.Index(body, marker)
	if i < 0 {
		return "(no " + marker + ")"
	}
	return body[i:min(len(body), i+400)]
}
