package auth_test

import (
	"context"
	"maps"
	"slices"
	"testing"

	"github.com/uptrace/bun"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/internal/pgtest"
)

func TestNames(t *testing.T) {
	t.Parallel()
	svc, db := newService(t)
	trainee := createUser(t, svc, "trainee@example.org", auth.RoleTrainee)
	staff := createUser(t, svc, "staff@example.org", auth.RoleStaff)
	gone := createUser(t, svc, "gone@example.org", auth.RoleTrainee)
	if err := svc.SetDisabled(auth.System(context.Background()), gone.ID, true); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	got, err := auth.Names(ctx, db.App, trainee.ID, gone.ID, staff.ID, trainee.ID, 999999)
	if err != nil {
		t.Fatal(err)
	}
	want := map[int64]string{trainee.ID: "Test trainee", staff.ID: "Test staff", gone.ID: "Test trainee"}
	if !maps.Equal(got, want) {
		t.Errorf("names: got %v, want %v", got, want)
	}
	if got, err := auth.Names(ctx, db.App); err != nil || got == nil || len(got) != 0 {
		t.Errorf("no ids: got %v, %v, want an empty map", got, err)
	}
	// Inside a caller's transaction, as certificates reads them while issuing.
	err = db.App.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		got, err := auth.Names(ctx, tx, staff.ID)
		if err == nil && got[staff.ID] != "Test staff" {
			t.Errorf("in a transaction: got %v", got)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestActiveIn(t *testing.T) {
	t.Parallel()
	svc, db := newService(t)
	trainee := createUser(t, svc, "trainee@example.org", auth.RoleTrainee)
	staff := createUser(t, svc, "staff@example.org", auth.RoleStaff)
	donor := createDonorUser(t, svc, db, "donor@example.org")
	gone := createUser(t, svc, "gone@example.org", auth.RoleStaff)
	if err := svc.SetDisabled(auth.System(context.Background()), gone.ID, true); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	got, err := auth.ActiveIn(ctx, db.App, auth.Workshop, trainee.ID, staff.ID, donor.ID, gone.ID, 999999)
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(got)
	if want := []int64{trainee.ID, staff.ID}; !slices.Equal(got, want) {
		t.Errorf("workshop members: got %v, want %v (no donor, no disabled user, no unknown id)", got, want)
	}
	if got, _ := auth.ActiveIn(ctx, db.App, auth.Office, trainee.ID); len(got) != 0 {
		t.Errorf("a trainee in the office: got %v", got)
	}
	if got, err := auth.ActiveIn(ctx, db.App, auth.Workshop); err != nil || len(got) != 0 {
		t.Errorf("no ids: got %v %v", got, err)
	}
}

// createDonorUser creates a DONOR user of a new donor.
func createDonorUser(t *testing.T, svc *auth.Service, db *pgtest.DB, email string) *auth.User {
	t.Helper()
	var donorID int64
	if err := db.Owner.NewRaw("INSERT INTO donors (name, kind) VALUES ('Donor SA', 'company') RETURNING id").Scan(context.Background(), &donorID); err != nil {
		t.Fatal(err)
	}
	u, err := svc.CreateUser(auth.System(context.Background()), auth.NewUser{Email: email, Name: "Donor", Role: auth.RoleDonor, Password: "correct horse battery", DonorID: &donorID})
	if err != nil {
		t.Fatal(err)
	}
	return u
}
