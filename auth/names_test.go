package auth_test

import (
	"context"
	"maps"
	"testing"

	"github.com/uptrace/bun"

	"github.com/digital-inclusion/refurb/auth"
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
