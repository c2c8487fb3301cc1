// Package workshopstest builds workshops fixtures for tests on a pgtest database: a programme,
// trainees with and without accounts, enrolments and hour entries. Builders fail the test on
// error, so a test reads as the story it tells.
package workshopstest

import (
	"context"
	"testing"
	"time"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/internal/calendar"
	"github.com/digital-inclusion/refurb/internal/pgtest"
	"github.com/digital-inclusion/refurb/inventory/inventorytest"
	"github.com/digital-inclusion/refurb/workshops"
)

// Env is a workshop on a test database: one user of each role (inventorytest.Users), a
// programme tutored by the staff user, and two trainees enrolled in it for the whole programme,
// Alice and Bruno, each with a TRAINEE account linked to their record (alice@ and
// bruno@example.org, password inventorytest.Password).
type Env struct {
	DB     *pgtest.DB
	Store  *workshops.Store
	Auth   *auth.Service
	Actors *inventorytest.Actors

	Programme    *workshops.Programme
	Alice, Bruno *workshops.Trainee
	// AliceUser and BrunoUser are the trainees' accounts; AliceCtx and BrunoCtx act as them.
	AliceUser, BrunoUser *auth.User
	AliceCtx, BrunoCtx   context.Context
}

// New sets up Env on a fresh database.
func New(t testing.TB) *Env {
	t.Helper()
	db := pgtest.New(t)
	svc, err := auth.NewService(db.App, auth.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	e := &Env{DB: db, Store: workshops.NewStore(db.App), Auth: svc, Actors: inventorytest.Users(t, db)}
	today := Today()
	e.Programme = Programme(t, e.Store, e.Actors.Staff, "Employability track", e.Actors.StaffUser.ID, today.AddDate(-2, 0, 0), today.AddDate(0, 6, 0))
	e.Alice = Trainee(t, e.Store, e.Actors.Staff, "Alice Example")
	e.Bruno = Trainee(t, e.Store, e.Actors.Staff, "Bruno Exemplo")
	Enrol(t, e.Store, e.Actors.Staff, e.Alice.ID, e.Programme.ID)
	Enrol(t, e.Store, e.Actors.Staff, e.Bruno.ID, e.Programme.ID)
	e.AliceUser, e.AliceCtx = Account(t, svc, e.Alice.ID, "alice@example.org")
	e.BrunoUser, e.BrunoCtx = Account(t, svc, e.Bruno.ID, "bruno@example.org")
	return e
}

// Today is the workshop's calendar day (Europe/Luxembourg), as a date.
func Today() time.Time { return calendar.Today() }

// Programme creates a programme of 200 hours with a 40-hour weekly cap.
func Programme(t testing.TB, st *workshops.Store, ctx context.Context, name string, tutorID int64, from, to time.Time) *workshops.Programme {
	t.Helper()
	p, err := st.CreateProgramme(ctx, workshops.NewProgramme{Name: name, Funder: "ADEM", TargetMinutes: 200 * 60,
		WeeklyCapMinutes: 40 * 60, StartsOn: from, EndsOn: to, TutorID: tutorID})
	if err != nil {
		t.Fatalf("create programme %s: %v", name, err)
	}
	return p
}

// Trainee records a trainee who speaks French.
func Trainee(t testing.TB, st *workshops.Store, ctx context.Context, name string) *workshops.Trainee {
	t.Helper()
	tr, err := st.CreateTrainee(ctx, workshops.NewTrainee{Name: name, Languages: []string{"fr"}})
	if err != nil {
		t.Fatalf("create trainee: %v", err)
	}
	return tr
}

// Enrol enrols a trainee in a programme for its whole period, with its tutor.
func Enrol(t testing.TB, st *workshops.Store, ctx context.Context, traineeID, programmeID int64) *workshops.Enrolment {
	t.Helper()
	e, err := st.Enrol(ctx, workshops.NewEnrolment{TraineeID: traineeID, ProgrammeID: programmeID})
	if err != nil {
		t.Fatalf("enrol trainee %d: %v", traineeID, err)
	}
	return e
}

// Account creates a TRAINEE account linked to a trainee's record and returns it with a context
// acting as it.
func Account(t testing.TB, svc *auth.Service, traineeID int64, email string) (*auth.User, context.Context) {
	t.Helper()
	u, err := svc.CreateUser(auth.System(t.Context()), auth.NewUser{Email: email, Name: "Trainee " + email, Role: auth.RoleTrainee,
		Password: inventorytest.Password, TraineeID: &traineeID})
	if err != nil {
		t.Fatalf("create account of trainee %d: %v", traineeID, err)
	}
	return u, auth.WithActor(t.Context(), u.Actor())
}

// Hours logs an entry as ctx's actor, failing the test on error.
func Hours(t testing.TB, st *workshops.Store, ctx context.Context, n workshops.NewHours) *workshops.HourEntry {
	t.Helper()
	if n.Activity == "" {
		n.Activity = workshops.ActivityRepair
	}
	h, err := st.LogHours(ctx, n)
	if err != nil {
		t.Fatalf("log hours: %v", err)
	}
	return h
}

// At returns a start time in minutes after midnight.
func At(hour, minute int) *int {
	m := hour*60 + minute
	return &m
}
