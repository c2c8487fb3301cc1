package impact

import "github.com/digital-inclusion/refurb/auth"

// MayRead reports whether a reads the ledger, its exports and the annual report: staff and
// administrators.
func MayRead(a auth.Actor) bool { return a.In(auth.Office) }

// MayReadDonor reports whether a reads the impact of donor donorID: the office every donor's, a
// donor's users their own.
func MayReadDonor(a auth.Actor, donorID int64) bool {
	return a.In(auth.Office) || (a.In(auth.Donors) && a.DonorID != 0 && a.DonorID == donorID)
}
