package certificates

import (
	"context"
	"errors"
	"fmt"

	"github.com/digital-inclusion/refurb/inventory"
	"github.com/uptrace/bun"
)

// This file holds what certificates asks of the inventory's rows beyond what it reads with
// inventory.NewStore on the issuing transaction (donation.go): the donation's lock, the place
// of intake and the donor-visibility rule, each through inventory's own functions, never its
// tables. User names come through auth.Names.

// lockDonation takes the donation's row for the issuing transaction: one issue per donation at
// a time, so that exactly one certificate of a kind stays current.
func lockDonation(ctx context.Context, tx bun.IDB, donationID int64) error {
	err := inventory.NewStore(tx).LockDonation(ctx, donationID)
	if errors.Is(err, inventory.ErrNotFound) {
		return ErrNotFound
	}
	return err
}

// collectionPointName returns the name of the place where a donation was received.
func collectionPointName(ctx context.Context, tx bun.IDB, id int64) (string, error) {
	cp, err := inventory.NewStore(tx).CollectionPoint(ctx, id)
	if err != nil {
		return "", fmt.Errorf("read collection point: %w", err)
	}
	return cp.Name, nil
}

// scopeToDonor narrows q, a query of certificates (alias), to the donations the actor may see,
// by inventory's donor scope (a donor's user: their donor's donations). Who may read
// certificates at all is certificates' own rule (policy.go), checked before: trainees, whom the
// scope lets see the whole inventory, never come here (scopeToReader gives them their own
// attendance certificates, ForDonations refuses them).
func scopeToDonor(ctx context.Context, q *bun.SelectQuery, alias string) (*bun.SelectQuery, error) {
	scope, err := inventory.DonorScope(ctx)
	if err != nil {
		return q, err
	}
	return scope.WhereDonation(q, alias+".donation_id"), nil
}
