package auth

import (
	"context"
	"fmt"
	"slices"

	"github.com/uptrace/bun"
)

// Group is a set of roles named for the work its members do. Policy is written with groups
// (auth.Office may intake a donation, auth.Workshop may record a repair), so that who belongs to
// which kind of work is decided here once; nothing outside this package lists roles.
type Group uint8

// One group a role, and the named unions policy is written with.
const (
	Admins Group = 1 << iota
	Staff
	Trainees
	Donors
	SocialWorkers

	// Office runs the workshop: intake, labels, triage and allocation, approvals, certificates.
	Office = Admins | Staff
	// Workshop works on devices at the bench: wipes, repairs, QA, moves, labels.
	Workshop = Office | Trainees
	// Everyone is any signed-in user.
	Everyone = Admins | Staff | Trainees | Donors | SocialWorkers
)

// Group returns the group of r alone; an unknown role belongs to no group.
func (r Role) Group() Group {
	if i := slices.Index(Roles, r); i >= 0 {
		return Group(1) << i
	}
	return 0
}

// Has reports whether r belongs to g.
func (g Group) Has(r Role) bool { return g&r.Group() != 0 }

// Roles returns g's roles, most powerful first: for SQL (role IN (?)) and for listing.
func (g Group) Roles() []Role {
	var out []Role
	for _, r := range Roles {
		if g.Has(r) {
			out = append(out, r)
		}
	}
	return out
}

// In reports whether the actor belongs to g.
func (a Actor) In(g Group) bool { return g.Has(a.Role) }

// ActiveIn returns which of ids are enabled users of group g, read on db, so that another
// domain checks the people it records (a repair's workers, a wipe's verifier) inside its own
// transaction without reading the users table itself.
func ActiveIn(ctx context.Context, db bun.IDB, g Group, ids ...int64) ([]int64, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	var found []int64
	if err := db.NewSelect().Table("users").Column("id").
		Where("id IN (?) AND role IN (?) AND disabled_at IS NULL", bun.List(ids), bun.List(g.Roles())).
		Scan(ctx, &found); err != nil {
		return nil, fmt.Errorf("select users: %w", err)
	}
	return found, nil
}
