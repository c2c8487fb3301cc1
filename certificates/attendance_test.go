package certificates_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/certificates"
	"github.com/digital-inclusion/refurb/internal/pdf/pdftest"
	"github.com/digital-inclusion/refurb/workshops"
	"github.com/digital-inclusion/refurb/workshops/workshopstest"
)

// TestAttendanceCertificate issues Alice's certificate after two weeks of hours: the PDF lists
// the total and each week, the skill with its level, date and assessor, and the tutor; its QR
// code verifies; a re-issue supersedes it; a trainee cannot issue one.
func TestAttendanceCertificate(t *testing.T) {
	t.Parallel()
	e := workshopstest.New(t)
	st, staff := e.Store, e.Actors.Staff
	monday := workshops.WeekStart(workshopstest.Today()).AddDate(0, 0, -14)
	var ids []int64
	for i, minutes := range []int{180, 240, 90} { // 2 entries in the first week, 1 in the second
		day := monday.AddDate(0, 0, []int{0, 2, 8}[i])
		h := workshopstest.Hours(t, st, e.AliceCtx, workshops.NewHours{TraineeID: e.Alice.ID, Date: day, Minutes: minutes})
		ids = append(ids, h.ID)
	}
	rejected := workshopstest.Hours(t, st, e.AliceCtx, workshops.NewHours{TraineeID: e.Alice.ID, Date: monday.AddDate(0, 0, 9), Minutes: 600})
	if _, err := st.ReviewHours(staff, ids, true, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := st.ReviewHours(staff, []int64{rejected.ID}, false, "Not at the workshop that day"); err != nil {
		t.Fatal(err)
	}
	skills, _ := st.Skills(staff, false)
	if _, err := st.AssessSkill(staff, workshops.NewAssessment{TraineeID: e.Alice.ID, SkillID: skills[6].ID, Level: workshops.LevelIndependent}); err != nil {
		t.Fatal(err)
	}

	certs := certificates.NewStore(e.DB.App, "https://refurb.example")
	if _, err := certs.Issue(e.AliceCtx, e.Alice.ID, certificates.KindAttendance, "en"); !errors.Is(err, auth.ErrForbidden) {
		t.Errorf("a trainee issues her certificate: %v", err)
	}
	if _, err := certs.Issue(staff, 999999, certificates.KindAttendance, "en"); !errors.Is(err, certificates.ErrNotFound) {
		t.Errorf("an unknown trainee: %v", err)
	}
	c, err := certs.Issue(staff, e.Alice.ID, certificates.KindAttendance, "en")
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`^AC-\d{4}-00001$`).MatchString(c.Number) || *c.TraineeID != e.Alice.ID {
		t.Errorf("certificate: %s for trainee %v", c.Number, c.TraineeID)
	}
	text := pdftest.Text(t, c.PDF)
	flat := strings.Join(strings.Fields(text), " ")
	for _, want := range []string{
		"Certificate of attendance and skills", "Alice Example", "Employability track", "Funded by: ADEM", "Tutor: Test staff",
		"Total approved hours: 8 h 30 min, over 2 week(s)",
		fmt.Sprintf("%s – %s", monday.Format("2006-01-02"), monday.AddDate(0, 0, 6).Format("2006-01-02")),
		"7 h 00 min", "1 h 30 min", "Data wiping", "done independently", "Test staff",
	} {
		if !strings.Contains(flat, want) {
			t.Errorf("the PDF lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(flat, "10 h 00 min") {
		t.Error("the PDF counts the rejected entry")
	}
	if got, want := decodeQR(t, c.PDF), "https://refurb.example/verify/"+c.Number+"?t="+c.Token; got != want {
		t.Errorf("QR code: got %q, want %q", got, want)
	}
	v, err := certs.Verify(e.Actors.Anonymous, c.Number, c.Token)
	if err != nil || !v.Valid() || v.Kind != certificates.KindAttendance || v.DonorName != "" {
		t.Errorf("verify: %+v, %v", v, err)
	}
	fr, err := certs.Issue(staff, e.Alice.ID, certificates.KindAttendance, "fr")
	if err != nil {
		t.Fatal(err)
	}
	if text := strings.Join(strings.Fields(pdftest.Text(t, fr.PDF)), " "); !strings.Contains(text, "Total des heures approuvées : 8 h 30") {
		t.Errorf("French PDF:\n%s", text)
	}
	if v, err := certs.Verify(e.Actors.Anonymous, c.Number, c.Token); err != nil || v.Status != certificates.StatusSuperseded || v.SupersededBy != fr.Number {
		t.Errorf("after a re-issue: %+v, %v", v, err)
	}
	list, err := certs.ForTrainees(staff, []int64{e.Alice.ID, e.Bruno.ID})
	if err != nil || len(list[e.Alice.ID]) != 2 || len(list[e.Bruno.ID]) != 0 {
		t.Errorf("Alice's certificates: %+v, %v", list, err)
	}
	// Bruno's name in Arabic script prints with the fallback font, shaped.
	if _, err := st.UpdateTrainee(staff, e.Bruno.ID, workshops.NewTrainee{Name: "برونو العلي", Languages: []string{"ar"}}); err != nil {
		t.Fatal(err)
	}
	b, err := certs.Issue(staff, e.Bruno.ID, certificates.KindAttendance, "de")
	if err != nil {
		t.Fatal(err)
	}
	if text := pdftest.Text(t, b.PDF); !strings.Contains(text, "Teilnahme- und Kompetenzbescheinigung") || !strings.Contains(text, "Keine genehmigten Stunden") {
		t.Errorf("Bruno's German certificate:\n%s", text)
	}
}

// TestTraineeDownloadsOwnCertificate: a trainee lists and downloads the attendance
// certificates about them, superseded ones too, with the period as printed; another trainee's
// is refused like an unknown number, and lists nothing; a trainee without a record, a donor's
// user and a social worker read none; staff read every one.
func TestTraineeDownloadsOwnCertificate(t *testing.T) {
	t.Parallel()
	e := workshopstest.New(t)
	st, staff := e.Store, e.Actors.Staff
	day := workshops.WeekStart(workshopstest.Today()).AddDate(0, 0, -7)
	h := workshopstest.Hours(t, st, e.AliceCtx, workshops.NewHours{TraineeID: e.Alice.ID, Date: day, Minutes: 120})
	if _, err := st.ReviewHours(staff, []int64{h.ID}, true, ""); err != nil {
		t.Fatal(err)
	}
	certs := certificates.NewStore(e.DB.App, "https://refurb.example")
	old, err := certs.Issue(staff, e.Alice.ID, certificates.KindAttendance, "fr")
	if err != nil {
		t.Fatal(err)
	}
	c, err := certs.Issue(staff, e.Alice.ID, certificates.KindAttendance, "en")
	if err != nil {
		t.Fatal(err)
	}
	bruno, err := certs.Issue(staff, e.Bruno.ID, certificates.KindAttendance, "en")
	if err != nil {
		t.Fatal(err)
	}

	list, err := certs.ForTrainees(e.AliceCtx, []int64{e.Alice.ID, e.Bruno.ID})
	if err != nil {
		t.Fatal(err)
	}
	mine := list[e.Alice.ID]
	if len(mine) != 2 || mine[0].Number != c.Number || !mine[0].Current() || mine[1].Number != old.Number || mine[1].Current() || len(list[e.Bruno.ID]) != 0 {
		t.Errorf("Alice's list: %+v", list)
	}
	// The period is the enrolment's, as the PDF prints it.
	if p := mine[0]; p.PeriodFrom == nil || p.PeriodTo == nil || p.PeriodFrom.After(day) || p.PeriodTo.Before(day) {
		t.Errorf("period %v – %v, want one holding %s", p.PeriodFrom, p.PeriodTo, day.Format(time.DateOnly))
	} else if text := strings.Join(strings.Fields(pdftest.Text(t, c.PDF)), " "); !strings.Contains(text, "Period: from "+p.PeriodFrom.Format("2 January 2006")+" to "+p.PeriodTo.Format("2 January 2006")) {
		t.Errorf("the PDF does not print the period %s – %s:\n%s", p.PeriodFrom.Format(time.DateOnly), p.PeriodTo.Format(time.DateOnly), text)
	}

	for _, n := range []string{c.Number, strings.ToLower(old.Number)} {
		got, err := certs.PDF(e.AliceCtx, n)
		if err != nil || !bytes.HasPrefix(got.PDF, []byte("%PDF")) {
			t.Fatalf("Alice downloads %s: %v", n, err)
		}
		if text := pdftest.Text(t, got.PDF); !strings.Contains(text, "Alice Example") {
			t.Errorf("Alice's %s does not name her:\n%s", n, text)
		}
	}
	// Another trainee's, an unknown number and another kind's look the same: forbidden.
	for _, n := range []string{bruno.Number, "AC-2026-99999", "not a number"} {
		if _, err := certs.PDF(e.AliceCtx, n); !errors.Is(err, auth.ErrForbidden) {
			t.Errorf("Alice downloads %s: %v, want forbidden", n, err)
		}
	}
	if _, err := certs.PDF(e.BrunoCtx, c.Number); !errors.Is(err, auth.ErrForbidden) {
		t.Errorf("Bruno downloads Alice's: %v, want forbidden", err)
	}
	for name, ctx := range map[string]context.Context{"a trainee without a record": e.Actors.Trainee, "a donor's user": e.Actors.Donor, "a social worker": e.Actors.SocialWorker} {
		if _, err := certs.PDF(ctx, c.Number); !errors.Is(err, auth.ErrForbidden) {
			t.Errorf("%s downloads Alice's: %v, want forbidden", name, err)
		}
		if l, err := certs.ForTrainees(ctx, []int64{e.Alice.ID}); !errors.Is(err, auth.ErrForbidden) {
			t.Errorf("%s lists Alice's: %v, %v, want forbidden", name, l, err)
		}
	}
	if _, err := certs.PDF(e.Actors.Anonymous, c.Number); !errors.Is(err, auth.ErrUnauthenticated) {
		t.Errorf("anonymous: %v", err)
	}
	if got, err := certs.PDF(staff, bruno.Number); err != nil || got.Number != bruno.Number {
		t.Errorf("staff download Bruno's: %v", err)
	}
}
