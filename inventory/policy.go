package inventory

import (
	"context"

	"github.com/digital-inclusion/refurb/auth"
)

// Who may do what in the inventory, answered here for GraphQL, pages, templates and the command
// line alike; the store's methods check the same rules with auth.Require.

// MayManage reports whether a may run the inventory: donors, intake, asset lists, reserved
// tags, corrections.
func MayManage(a auth.Actor) bool { return a.In(auth.Office) }

// MayWork reports whether a may work on devices: wipes, repairs, QA, flags, notes, moves.
func MayWork(a auth.Actor) bool { return a.In(auth.Workshop) }

// MayPrintLabels reports whether a may print asset-tag labels: whoever works at the bench.
func MayPrintLabels(a auth.Actor) bool { return a.In(auth.Workshop) }

// RequireLabels returns the actor if they may print labels (MayPrintLabels).
func RequireLabels(ctx context.Context) (auth.Actor, error) {
	return auth.Require(ctx, auth.Workshop)
}
