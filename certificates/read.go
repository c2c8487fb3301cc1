package certificates

import (
	"context"
	"errors"

	"github.com/uptrace/bun"

	"github.com/digital-inclusion/refurb/auth"
)

// PDF returns a certificate with its PDF bytes: to staff and administrators any, to a donor's
// users their donor's donations' certificates, to a trainee the attendance certificates about
// them (scopeToReader). A donor's user or a trainee asking for a certificate that is not theirs
// gets auth.ErrForbidden whether or not the number exists, so that numbers reveal nothing.
func (s *Store) PDF(ctx context.Context, number string) (*Certificate, error) {
	a, err := auth.Require(ctx, readers)
	if err != nil {
		return nil, err
	}
	c := new(Certificate)
	number = NormalizeNumber(number)
	q, err := scopeToReader(ctx, a, s.db.NewSelect().Model(c).Where("c.number = ?", number), "c")
	if err != nil {
		return nil, err
	}
	err = ErrNotFound
	if plausibleNumber(number) {
		err = dbError("select certificate", q.Scan(ctx))
	}
	if err != nil {
		if errors.Is(err, ErrNotFound) && !a.In(auth.Office) {
			return nil, auth.ErrForbidden
		}
		return nil, err
	}
	return c, nil
}

// ForDonations returns the certificates of donations, newest first, without their PDF bytes,
// by donation id. Staff and administrators see every donation's; a donor's users their
// donor's; other roles none (auth.ErrForbidden).
func (s *Store) ForDonations(ctx context.Context, donationIDs []int64) (map[int64][]Certificate, error) {
	if _, err := auth.Require(ctx, donationReaders); err != nil {
		return nil, err
	}
	var cs []Certificate
	q, err := scopeToDonor(ctx, s.db.NewSelect().Model(&cs).Column(listColumns...).Where("c.donation_id IN (?)", bun.List(donationIDs)), "c")
	if err != nil {
		return nil, err
	}
	if err := q.OrderExpr("c.donation_id, c.id DESC").Scan(ctx); err != nil {
		return nil, dbError("select certificates", err)
	}
	out := make(map[int64][]Certificate, len(donationIDs))
	for _, c := range cs {
		out[*c.DonationID] = append(out[*c.DonationID], c)
	}
	return out, nil
}
