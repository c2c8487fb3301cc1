package inventorytest_test

import (
	"testing"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/internal/pgtest"
	"github.com/digital-inclusion/refurb/inventory"
	it "github.com/digital-inclusion/refurb/inventory/inventorytest"
)

// TestUsers builds the users of every role and uses them as page and GraphQL tests do: signing
// in with Password, calling with a token, acting in the context of a role.
func TestUsers(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	a := it.Users(t, db)
	svc, err := auth.NewService(db.App, auth.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	for _, role := range auth.Roles {
		u, ctx := a.Of(t, role)
		if u.Role != role {
			t.Errorf("Of(%s) is a %s", role, u.Role)
		}
		if got, ok := auth.ActorFrom(ctx); !ok || got.UserID != u.ID || got.Role != role {
			t.Errorf("Of(%s): the context acts as %+v, want user %d", role, got, u.ID)
		}
		if got, err := svc.Login(a.Anonymous, u.Email, it.Password); err != nil || got.ID != u.ID {
			t.Errorf("sign in as %s: %v, %v", u.Email, got, err)
		}
		actor, err := svc.AuthenticateToken(a.Anonymous, a.Token(t, u))
		if err != nil || actor.UserID != u.ID {
			t.Errorf("token of %s: %+v, %v", u.Email, actor, err)
		}
	}
	if a.DonorUser.DonorID == nil || *a.DonorUser.DonorID != a.Donated.ID {
		t.Errorf("the donor's user acts for %v, want donor %d", a.DonorUser.DonorID, a.Donated.ID)
	}
	scope, err := inventory.DonorScope(a.Donor)
	if err != nil || scope.DonorID() != a.Donated.ID {
		t.Errorf("the donor's scope = %+v, %v; want donor %d", scope, err, a.Donated.ID)
	}
	if a.Trainee2User.ID == a.TraineeUser.ID {
		t.Error("one trainee twice")
	}
}
