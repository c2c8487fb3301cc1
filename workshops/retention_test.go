package workshops_test

import (
	"errors"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/inventory/inventorytest"
	"github.com/digital-inclusion/refurb/validation"
	"github.com/digital-inclusion/refurb/workshops"
	"github.com/digital-inclusion/refurb/workshops/workshopstest"
)

// retentionWorld is a workshop with a programme that ended a year ago and one that ended a
// month ago, and trainees in them who answered the consent question differently.
type retentionWorld struct {
	*workshopstest.Env
	// Rita refused consent and her programme ended a year ago; Ulla was never asked, same
	// programme; Yves consented, same programme; Nina refused, but her programme ended a month
	// ago (within the 90 days).
	Rita, Ulla, Yves, Nina *workshops.Trainee
	RitaUser               *auth.User
	Past, Recent           *workshops.Programme
}

func newRetentionWorld(t *testing.T) *retentionWorld {
	t.Helper()
	e := workshopstest.New(t)
	w := &retentionWorld{Env: e}
	st, staff, admin := e.Store, e.Actors.Staff, e.Actors.Admin
	today := workshopstest.Today()
	w.Past = workshopstest.Programme(t, st, staff, "Last year's track", e.Actors.StaffUser.ID, today.AddDate(-2, 0, 0), today.AddDate(-1, 0, 0))
	w.Recent = workshopstest.Programme(t, st, staff, "Spring track", e.Actors.StaffUser.ID, today.AddDate(0, -6, 0), today.AddDate(0, -1, 0))
	no, yes := false, true
	trainee := func(name string, consent *bool, p *workshops.Programme) *workshops.Trainee {
		tr, err := st.CreateTrainee(staff, workshops.NewTrainee{Name: name, Contact: "+352 621 000 000", Languages: []string{"pt", "fr"},
			Consent: consent, ConsentOn: p.StartsOn})
		if err != nil {
			t.Fatal(err)
		}
		workshopstest.Enrol(t, st, staff, tr.ID, p.ID)
		return tr
	}
	w.Rita = trainee("Rita Recusa", &no, w.Past)
	w.Ulla = trainee("Ulla Ungefragt", nil, w.Past)
	w.Yves = trainee("Yves Yes", &yes, w.Past)
	w.Nina = trainee("Nina Nein", &no, w.Recent)
	w.RitaUser, _ = workshopstest.Account(t, e.Auth, w.Rita.ID, "rita@example.org")
	if err := e.Auth.SetTraineePIN(staff, w.Rita.ID, "4711"); err != nil {
		t.Fatal(err)
	}
	// Each trainee has approved hours with a note, a rejected entry with a reason naming them,
	// and an assessment with a note.
	skills, err := st.Skills(staff, false)
	if err != nil {
		t.Fatal(err)
	}
	for _, tr := range []*workshops.Trainee{w.Rita, w.Ulla, w.Yves, w.Nina, e.Alice} {
		p := w.Past
		switch tr {
		case w.Nina:
			p = w.Recent
		case e.Alice:
			p = e.Programme
		}
		first := tr.Name[:strings.IndexByte(tr.Name, ' ')]
		ok := workshopstest.Hours(t, st, staff, workshops.NewHours{TraineeID: tr.ID, Date: p.StartsOn.AddDate(0, 0, 3), Minutes: 240,
			Note: first + " stayed late to finish the screens"})
		bad := workshopstest.Hours(t, st, staff, workshops.NewHours{TraineeID: tr.ID, Date: p.StartsOn.AddDate(0, 1, 3), Minutes: 120})
		if _, err := st.ReviewHours(admin, []int64{ok.ID}, true, ""); err != nil {
			t.Fatal(err)
		}
		if _, err := st.ReviewHours(admin, []int64{bad.ID}, false, first+" was at the doctor's that day"); err != nil {
			t.Fatal(err)
		}
		if _, err := st.AssessSkill(staff, workshops.NewAssessment{TraineeID: tr.ID, SkillID: skills[0].ID, Level: workshops.LevelIndependent,
			AssessedOn: p.StartsOn.AddDate(0, 0, 10), Note: first + " explained it to the others"}); err != nil {
			t.Fatal(err)
		}
	}
	return w
}

// statistics are what the funder report and the impact ledger read of the school: they must
// not move when records are anonymised.
type statistics struct {
	Report     []workshops.ReportRow
	Months     []workshops.ProgrammeMonth
	Programmes []workshops.ProgrammeMonth
	Skills     []workshops.CertifiedSkill
}

func (w *retentionWorld) statistics(t *testing.T) statistics {
	t.Helper()
	st, staff := w.Store, w.Actors.Staff
	from, to := w.Past.StartsOn, workshopstest.Today()
	var s statistics
	var err error
	if s.Report, err = st.HoursReport(staff, from, to.AddDate(0, -1, 0), nil); err != nil {
		t.Fatal(err)
	}
	for i := range s.Report {
		s.Report[i].Trainee = "" // the names go, the rows stay
	}
	if s.Months, err = st.ApprovedHours(staff, from, to); err != nil {
		t.Fatal(err)
	}
	if s.Programmes, err = st.ProgrammeHours(staff, from, to); err != nil {
		t.Fatal(err)
	}
	if s.Skills, err = st.SkillsCertified(staff, from, to); err != nil {
		t.Fatal(err)
	}
	return s
}

// rowsOf reads, as the owner, every row that holds something about the trainees.
func (w *retentionWorld) rowsOf(t *testing.T, ids ...int64) string {
	t.Helper()
	var out []string
	for _, q := range []string{
		"SELECT t::text FROM trainees t WHERE id IN (?) ORDER BY id",
		"SELECT h::text FROM hour_entries h WHERE trainee_id IN (?) ORDER BY id",
		"SELECT a::text FROM skill_assessments a WHERE trainee_id IN (?) ORDER BY id",
		"SELECT e::text FROM enrolments e WHERE trainee_id IN (?) ORDER BY id",
	} {
		var rows []string
		if err := w.DB.Owner.NewRaw(q, bun.List(ids)).Scan(t.Context(), &rows); err != nil {
			t.Fatal(err)
		}
		out = append(out, rows...)
	}
	return strings.Join(out, "\n")
}

// TestAnonymise: the records of trainees who refused consent, or were never asked, are
// anonymised once their programme ended more than 90 days ago; those who consented or whose
// programme ended lately are not; the statistics stay; a second run changes nothing.
func TestAnonymise(t *testing.T) {
	t.Parallel()
	w := newRetentionWorld(t)
	ctx, st := t.Context(), w.Store
	before := w.statistics(t)
	untouched := w.rowsOf(t, w.Yves.ID, w.Nina.ID, w.Alice.ID)

	if _, err := st.Anonymise(w.Actors.Staff); !errors.Is(err, auth.ErrForbidden) {
		t.Errorf("staff run the anonymisation: got %v, want forbidden", err)
	}
	ids, err := st.Anonymise(auth.System(ctx))
	if err != nil {
		t.Fatal(err)
	}
	if want := []int64{w.Rita.ID, w.Ulla.ID}; !slices.Equal(ids, want) {
		t.Fatalf("anonymised %v, want Rita and Ulla %v", ids, want)
	}

	for _, tr := range []*workshops.Trainee{w.Rita, w.Ulla} {
		var name string
		var contact *string
		var languages []string
		var badge *string
		var at *time.Time
		if err := w.DB.Owner.NewRaw("SELECT name, contact, languages, badge_token, anonymised_at FROM trainees WHERE id = ?", tr.ID).
			Scan(ctx, &name, &contact, pgdialect.Array(&languages), &badge, &at); err != nil {
			t.Fatal(err)
		}
		if name != "#"+strconv.FormatInt(tr.ID, 10) || contact != nil || len(languages) != 0 || badge != nil || at == nil {
			t.Errorf("trainee %d after anonymisation: name %q, contact %v, languages %v, badge %v, at %v", tr.ID, name, contact, languages, badge, at)
		}
		rows := w.rowsOf(t, tr.ID)
		first := tr.Name[:strings.IndexByte(tr.Name, ' ')]
		if strings.Contains(rows, first) || strings.Contains(rows, "+352") {
			t.Errorf("trainee %d's rows still name them:\n%s", tr.ID, rows)
		}
		var reasons []string
		if err := w.DB.Owner.NewRaw("SELECT reason FROM hour_entries WHERE trainee_id = ? AND status = 'rejected'", tr.ID).Scan(ctx, &reasons); err != nil ||
			!slices.Equal(reasons, []string{workshops.AnonymisedReason}) {
			t.Errorf("trainee %d's rejection reasons: got %q, %v", tr.ID, reasons, err)
		}
	}
	var u struct {
		Name, Email string
		TraineeID   *int64
		Disabled    bool
		PINs        int
	}
	if err := w.DB.Owner.NewRaw(`SELECT name, email, trainee_id, disabled_at IS NOT NULL, (SELECT count(*) FROM user_pins WHERE user_id = u.id)
		FROM users u WHERE id = ?`, w.RitaUser.ID).Scan(ctx, &u.Name, &u.Email, &u.TraineeID, &u.Disabled, &u.PINs); err != nil {
		t.Fatal(err)
	}
	if u.Name != auth.AnonymisedName || strings.Contains(u.Email, "rita") || u.TraineeID != nil || !u.Disabled || u.PINs != 0 {
		t.Errorf("Rita's account after anonymisation: %+v", u)
	}
	if _, err := w.Auth.Login(ctx, "rita@example.org", inventorytest.Password); err == nil {
		t.Error("Rita's account still signs in")
	}

	if got := w.rowsOf(t, w.Yves.ID, w.Nina.ID, w.Alice.ID); got != untouched {
		t.Errorf("consented, recent and current trainees changed:\nbefore %s\nafter  %s", untouched, got)
	}
	if after := w.statistics(t); !reflect.DeepEqual(after, before) {
		t.Errorf("statistics changed:\nbefore %+v\nafter  %+v", before, after)
	}

	anonymised := w.rowsOf(t, w.Rita.ID, w.Ulla.ID)
	if again, err := st.Anonymise(auth.System(ctx)); err != nil || len(again) != 0 {
		t.Errorf("second run: got %v, %v, want nothing", again, err)
	}
	if got := w.rowsOf(t, w.Rita.ID, w.Ulla.ID); got != anonymised {
		t.Errorf("the second run changed anonymised rows:\nbefore %s\nafter  %s", anonymised, got)
	}
}

// TestAnonymisedRecordIsFrozen: nothing changes an anonymised record or is added to it, in Go
// and in the database.
func TestAnonymisedRecordIsFrozen(t *testing.T) {
	t.Parallel()
	w := newRetentionWorld(t)
	ctx, st, staff := t.Context(), w.Store, w.Actors.Staff
	if _, err := st.Anonymise(w.Actors.Admin); err != nil {
		t.Fatal(err)
	}
	id := w.Rita.ID
	for what, err := range map[string]error{
		"update": func() error {
			_, err := st.UpdateTrainee(staff, id, workshops.NewTrainee{Name: "Rita Recusa"})
			return err
		}(),
		"badge": func() error { _, err := st.RenewBadge(staff, id); return err }(),
		"hours": func() error {
			_, err := st.LogHours(staff, workshops.NewHours{TraineeID: id, Date: w.Past.EndsOn, Minutes: 60, Activity: workshops.ActivityRepair})
			return err
		}(),
		"enrol": func() error {
			_, err := st.Enrol(staff, workshops.NewEnrolment{TraineeID: id, ProgrammeID: w.Recent.ID})
			return err
		}(),
		"certificate": func() error { _, err := st.CertificateData(staff, id); return err }(),
	} {
		if !errors.Is(err, workshops.ErrAnonymised) {
			t.Errorf("%s of an anonymised trainee: got %v, want ErrAnonymised", what, err)
		}
	}
	// The database refuses what Go would: as the application, with an office actor.
	for _, q := range []string{
		"UPDATE trainees SET name = 'Rita Recusa' WHERE id = ?",
		"UPDATE hour_entries SET note = 'Rita again' WHERE trainee_id = ?",
		"UPDATE skill_assessments SET note = 'Rita again' WHERE trainee_id = ?",
	} {
		tx, err := w.DB.App.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tx.ExecContext(ctx, "SELECT set_config('refurb.role', 'admin', true)"); err != nil {
			t.Fatal(err)
		}
		if _, err := tx.NewRaw(q, id).Exec(ctx); err == nil {
			t.Errorf("%s: the database took it", q)
		}
		_ = tx.Rollback()
	}
	// Alice's assessments stay append-only too.
	tx, err := w.DB.App.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback() //nolint:errcheck // a rollback after a failed statement
	if _, err := tx.ExecContext(ctx, "SELECT set_config('refurb.role', 'admin', true)"); err != nil {
		t.Fatal(err)
	}
	if _, err := tx.NewRaw("UPDATE skill_assessments SET note = NULL WHERE trainee_id = ?", w.Alice.ID).Exec(ctx); err == nil {
		t.Error("an assessment of a trainee who is not anonymised lost its note")
	}
}

// TestRetention: staff see when each record is due, and that it was anonymised; administrators
// set the period.
func TestRetention(t *testing.T) {
	t.Parallel()
	w := newRetentionWorld(t)
	st := w.Store
	ids := []int64{w.Rita.ID, w.Ulla.ID, w.Yves.ID, w.Nina.ID, w.Alice.ID}
	r, err := st.Retention(w.Actors.Staff, ids)
	if err != nil {
		t.Fatal(err)
	}
	day := func(d time.Time) string { return d.Format(time.DateOnly) }
	if got := r[w.Nina.ID]; got.AnonymisesOn == nil || day(*got.AnonymisesOn) != day(w.Recent.EndsOn.AddDate(0, 0, 91)) {
		t.Errorf("Nina: got %+v, want due 91 days after %s", got, day(w.Recent.EndsOn))
	}
	if got := r[w.Yves.ID]; got.AnonymisesOn != nil || day(got.LastDay) != day(w.Past.EndsOn) {
		t.Errorf("Yves consented: got %+v", got)
	}
	if got := r[w.Alice.ID]; got.AnonymisesOn == nil || !got.AnonymisesOn.After(workshopstest.Today()) {
		t.Errorf("Alice, enrolled now without an answer: got %+v, want due after her programme", got)
	}
	if _, err := st.Retention(w.AliceCtx, ids); !errors.Is(err, auth.ErrForbidden) {
		t.Errorf("a trainee reads the retention: got %v", err)
	}
	if _, err := st.SetRetentionDays(w.Actors.Staff, 400); !errors.Is(err, auth.ErrForbidden) {
		t.Errorf("staff set the period: got %v", err)
	}
	if _, err := st.SetRetentionDays(w.Actors.Admin, 10); !fieldIs(err, "retentionDays") {
		t.Errorf("10 days: got %v", err)
	}
	// A year and a half: Rita and Ulla's programme ended a year ago, they are no longer due.
	if days, err := st.SetRetentionDays(w.Actors.Admin, 550); err != nil || days != 550 {
		t.Fatalf("set 550 days: %v %v", days, err)
	}
	if got, err := st.RetentionDays(w.Actors.Staff); err != nil || got != 550 {
		t.Errorf("the period: got %d %v", got, err)
	}
	if ids, err := st.Anonymise(auth.System(t.Context())); err != nil || len(ids) != 0 {
		t.Errorf("with 550 days: anonymised %v, %v", ids, err)
	}
	if _, err := st.SetRetentionDays(w.Actors.Admin, 90); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Anonymise(auth.System(t.Context())); err != nil {
		t.Fatal(err)
	}
	r, err = st.Retention(w.Actors.Staff, ids)
	if err != nil {
		t.Fatal(err)
	}
	if got := r[w.Rita.ID]; got.AnonymisedAt == nil || got.AnonymisesOn != nil {
		t.Errorf("Rita after the run: got %+v", got)
	}
}

func fieldIs(err error, field string) bool {
	fe, ok := validation.As(err)
	return ok && fe.Field == field
}
