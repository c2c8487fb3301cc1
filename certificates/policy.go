package certificates

import "github.com/digital-inclusion/refurb/auth"

// Who may do what with certificates, answered here for GraphQL, pages, templates and the
// command line alike; the store's methods check the same rules with auth.Require.

// readers may read issued certificates: staff and administrators every one, a donor's users
// their donor's (scopeToDonor). Trainees, who see the whole inventory, see no certificates.
const readers = auth.Office | auth.Donors

// MayRead reports whether a may read issued certificates: every one for the office, their
// donor's for a donor's users.
func MayRead(a auth.Actor) bool { return a.In(readers) }

// MayIssue reports whether a may issue a certificate of kind.
func MayIssue(a auth.Actor, kind Kind) bool { return a.In(kind.issuers()) }
