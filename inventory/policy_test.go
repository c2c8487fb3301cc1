package inventory_test

import (
	"slices"
	"testing"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/inventory"
)

// TestMayMove asks for every move as actors of each role and as the command line, which acts
// as an administrator: the answers are RoleMayMove's (TestRoleMayMove).
func TestMayMove(t *testing.T) {
	actors := map[string]auth.Actor{"command line": {Role: auth.RoleAdmin, System: true}}
	for _, r := range auth.Roles {
		actors[string(r)] = auth.Actor{UserID: 1, Role: r}
	}
	for name, a := range actors {
		for _, to := range inventory.Statuses {
			if got, want := inventory.MayMove(a, to), inventory.RoleMayMove(a.Role, to); got != want {
				t.Errorf("MayMove(%s, %s) = %v, want %v", name, to, got, want)
			}
		}
	}
	if !inventory.MayMove(actors["command line"], inventory.StatusRecycled) {
		t.Error("the command line may not recycle a device")
	}
	if got := slices.DeleteFunc(slices.Clone(inventory.Statuses), func(s inventory.Status) bool {
		return !inventory.MayMove(actors["trainee"], s)
	}); !slices.Equal(got, []inventory.Status{inventory.StatusWiped, inventory.StatusInRepair, inventory.StatusReady}) {
		t.Errorf("a trainee may move to %v, want wiped, in_repair and ready", got)
	}
}
