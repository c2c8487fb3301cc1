package certificates

import (
	"context"

	"github.com/uptrace/bun"
)

// This file holds what certificates still does with the inventory's tables itself, one
// function each, so that the switch to inventory's own functions happens here alone: the lock
// and the read marked "until inventory exports a reader". Everything else
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
