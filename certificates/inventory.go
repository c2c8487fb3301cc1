package certificates

import (
	"context"

	"github.com/uptrace/bun"

	"github.com/digital-inclusion/refurb/auth"
)

// This file holds what certificates still does with the inventory's tables itself, one
// function each, so that the switch to inventory's own functions happens here alone: the lock
// and the read marked "until inventory exports a reader", and the donor-visibility rule
// (scopeToDonor), to be replaced by the donor scope inventory shares. Everything else
// certificates knows of the inventory it reads with inventory.NewStore on the issuing
// transaction (donation.go), and user names through auth.Names.

// lockDonation takes the donation's row for the issuing transaction: one issue per donation at
// a time, so that exactly one certificate of a kind stays current. NO KEY UPDATE does not hold
// back intake adding devices to the donation.
//
// until inventory exports a reader
func lockDonation(ctx context.Context, tx bun.IDB, donationID int64) error {
	var locked int64
	err := tx.NewSelect().Table("donations").Column("id").Where("id = ?", donationID).For("NO KEY UPDATE").Scan(ctx, &locked)
	return dbError("lock donation", err)
}

// collectionPointName returns the name of the place where a donation was received.
//
// until inventory exports a reader
func collectionPointName(ctx context.Context, tx bun.IDB, id int64) (string, error) {
	var name string
	if err := tx.NewSelect().Table("collection_points").Column("name").Where("id = ?", id).Scan(ctx, &name); err != nil {
		return "", dbError("read collection point", err)
	}
	return name, nil
}

// scopeToDonor narrows q, a query of certificates (alias), to the donations the actor may
// see: every donation, or a donor's user's own donor's. This is the donor-visibility rule that
// inventory applies as donorScope and scopeDevices (inventory/devices.go), written a second
// time: it is to be replaced by inventory's shared donor scope once inventory exports one, by
// changing the body of this one function. Who may read certificates at all is certificates'
// own rule (readers, read.go), checked before.
func scopeToDonor(ctx context.Context, q *bun.SelectQuery, alias string) (*bun.SelectQuery, error) {
	a, err := auth.Require(ctx)
	if err != nil || a.Role != auth.RoleDonor {
		return q, err
	}
	return q.Where(alias+".donation_id IN (SELECT id FROM donations WHERE donor_id = ?)", a.DonorID), nil
}
