package inventory_test

import (
	"slices"
	"testing"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/inventory"
)

// domainMoves is the table of allowed moves as domain.md section 2 writes it, kept apart from
// inventory.Transitions so that a change to either shows up here.
var domainMoves = map[string][]string{
	"received":   {"wiped", "recycled", "dismantled", "lost"},
	"wiped":      {"in_repair", "ready", "recycled", "dismantled", "lost"},
	"in_repair":  {"ready", "recycled", "dismantled", "lost"},
	"ready":      {"reserved", "in_repair", "recycled", "dismantled", "lost"},
	"reserved":   {"handed_out", "ready", "lost"},
	"handed_out": {"received"},
	"lost":       {"received"},
}

var allStatuses = []string{"received", "wiped", "in_repair", "ready", "reserved", "handed_out", "recycled", "dismantled", "lost"}

func TestStatusesAreTheDomainsStatuses(t *testing.T) {
	var got []string
	for _, s := range inventory.Statuses {
		got = append(got, string(s))
	}
	if !slices.Equal(got, allStatuses) {
		t.Errorf("Statuses = %v, want %v", got, allStatuses)
	}
	for _, s := range []inventory.Status{"", "RECEIVED", "shipped"} {
		if s.Valid() {
			t.Errorf("Status(%q).Valid() = true, want false", s)
		}
	}
}

func TestCanTransitionEveryPair(t *testing.T) {
	for _, from := range allStatuses {
		for _, to := range allStatuses {
			want := slices.Contains(domainMoves[from], to)
			if got := inventory.CanTransition(inventory.Status(from), inventory.Status(to)); got != want {
				t.Errorf("CanTransition(%s, %s) = %v, want %v", from, to, got, want)
			}
		}
	}
	// Terminal statuses go nowhere; unknown ones neither come nor go.
	for _, to := range allStatuses {
		for _, from := range []string{"recycled", "dismantled", "", "shipped"} {
			if inventory.CanTransition(inventory.Status(from), inventory.Status(to)) {
				t.Errorf("CanTransition(%q, %s) = true, want false", from, to)
			}
		}
		if inventory.CanTransition(inventory.Status(to), "shipped") {
			t.Errorf("CanTransition(%s, shipped) = true, want false", to)
		}
	}
}

func TestNeedsWipe(t *testing.T) {
	// domain.md: wiped, ready, reserved, handed_out, recycled and dismantled need every medium
	// sanitized.
	need := []string{"wiped", "ready", "reserved", "handed_out", "recycled", "dismantled"}
	for _, s := range allStatuses {
		if got, want := inventory.NeedsWipe(inventory.Status(s)), slices.Contains(need, s); got != want {
			t.Errorf("NeedsWipe(%s) = %v, want %v", s, got, want)
		}
	}
}

func TestRoleMayMove(t *testing.T) {
	traineeMoves := []string{"wiped", "in_repair", "ready"}
	for _, role := range append(slices.Clone(auth.Roles), "", "guest") {
		for _, to := range allStatuses {
			var want bool
			switch role {
			case auth.RoleAdmin, auth.RoleStaff:
				want = true
			case auth.RoleTrainee:
				want = slices.Contains(traineeMoves, to)
			}
			if got := inventory.RoleMayMove(role, inventory.Status(to)); got != want {
				t.Errorf("RoleMayMove(%q, %s) = %v, want %v", role, to, got, want)
			}
		}
	}
}
