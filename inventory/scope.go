package inventory

import (
	"context"

	"github.com/uptrace/bun"

	"github.com/digital-inclusion/refurb/auth"
)

// Scope is the part of the inventory an actor may see (docs/inventory.md, "Who sees what"):
// all of it, or one donor's donations and the devices in them. DonorScope answers it for a
// context's actor. Every read of the inventory narrows by it, and so do other domains' reads of
// what hangs off donations and devices (a donation's certificates, the requests to come), so
// that the rule is written once. The zero Scope holds nothing.
type Scope struct {
	all     bool
	donorID int64
}

// DonorScope returns what the context's actor may see of the inventory: all of it for those
// who work in the workshop (auth.Workshop: administrators, staff, trainees and the command
// line), their donor's donations and devices for a donor's users, and nothing for anyone else
// (auth.ErrForbidden; auth.ErrUnauthenticated without an actor). A domain that shows less
// than this to some of them (certificates are not for trainees) checks its own groups first.
func DonorScope(ctx context.Context) (Scope, error) {
	a, err := auth.Require(ctx)
	if err != nil {
		return Scope{}, err
	}
	switch {
	case a.In(auth.Workshop):
		return Scope{all: true}, nil
	// A donor's user without a donor (the database does not allow one) sees nothing.
	case a.In(auth.Donors) && a.DonorID != 0:
		return Scope{donorID: a.DonorID}, nil
	}
	return Scope{}, auth.ErrForbidden
}

// All reports whether the scope is the whole inventory.
func (s Scope) All() bool { return s.all }

// DonorID returns the donor whose donations alone the scope holds, 0 for the whole inventory.
func (s Scope) DonorID() int64 {
	if s.all {
		return 0
	}
	return s.donorID
}

// WhereDonation limits q to the rows whose column names a donation in the scope: "d.donation_id"
// for devices, "c.donation_id" for certificates. column is SQL written in the caller's code,
// never input.
func (s Scope) WhereDonation(q *bun.SelectQuery, column string) *bun.SelectQuery {
	if s.all {
		return q
	}
	return q.Where(column+" IN (SELECT id FROM donations WHERE donor_id = ?)", s.donorID)
}

// WhereDonor limits q to the rows whose column names a donor in the scope: "dn.donor_id" for
// donations (anonymous ones, without a donor, are outside a donor's scope), "id" for donors.
// column is SQL written in the caller's code, never input.
func (s Scope) WhereDonor(q *bun.SelectQuery, column string) *bun.SelectQuery {
	if s.all {
		return q
	}
	return q.Where(column+" = ?", s.donorID)
}

// scopeDevices limits a device query, whose devices table is alias, to the actor's scope.
func scopeDevices(ctx context.Context, q *bun.SelectQuery, alias string) (*bun.SelectQuery, error) {
	scope, err := DonorScope(ctx)
	if err != nil {
		return q, err
	}
	return scope.WhereDonation(q, alias+".donation_id"), nil
}

// scopeDonations limits a donation query, whose donations table is alias, to the actor's scope.
func scopeDonations(ctx context.Context, q *bun.SelectQuery, alias string) (*bun.SelectQuery, error) {
	scope, err := DonorScope(ctx)
	if err != nil {
		return q, err
	}
	return scope.WhereDonor(q, alias+".donor_id"), nil
}
