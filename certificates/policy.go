package certificates

import (
	"context"

	"github.com/uptrace/bun"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/workshops"
)

// Who may do what with certificates, answered here for GraphQL, pages, templates and the
// command line alike; the store's methods check the same rules with auth.Require.

// donationReaders may read donations' certificates: staff and administrators every one, a
// donor's users their donor's (scopeToDonor). Trainees, who see the whole inventory, see no
// donation's certificates.
const donationReaders = auth.Office | auth.Donors

// readers may download issued certificates: donationReaders as above, and a trainee linked to
// their record the attendance certificates about them (scopeToReader).
const readers = donationReaders | auth.Trainees

// MayRead reports whether a may read donations' certificates: every one for the office, their
// donor's for a donor's users.
func MayRead(a auth.Actor) bool { return a.In(donationReaders) }

// MayIssue reports whether a may issue a certificate of kind.
func MayIssue(a auth.Actor, kind Kind) bool { return a.In(kind.issuers()) }

// MayDownloadOwn reports whether a is a trainee who may download the attendance certificates
// about them (and only those): a TRAINEE account linked to a trainee's record.
func MayDownloadOwn(a auth.Actor) bool { return workshops.IsTrainee(a) }

// scopeToReader narrows q, a query of certificates (alias), to those the actor may download:
// every one for the office, their donor's donations' for a donor's users (scopeToDonor), the
// attendance certificates about them for a trainee with a record. Anyone else gets
// auth.ErrForbidden.
func scopeToReader(ctx context.Context, a auth.Actor, q *bun.SelectQuery, alias string) (*bun.SelectQuery, error) {
	switch {
	case a.In(auth.Office):
		return q, nil
	case a.In(auth.Donors):
		return scopeToDonor(ctx, q, alias)
	case MayDownloadOwn(a):
		return q.Where("?.trainee_id = ? AND ?.kind = ?", bun.Ident(alias), a.TraineeID, bun.Ident(alias), KindAttendance), nil
	}
	return q, auth.ErrForbidden
}
