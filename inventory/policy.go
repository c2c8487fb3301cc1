package inventory

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/uptrace/bun"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/validation"
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

// traineeMoves are the moves a trainee makes: the steps of their own work on a device.
var traineeMoves = []Status{StatusWiped, StatusInRepair, StatusReady}

// MayMove reports whether a may move a device to status to, guards aside. Trainees work on
// devices (wipes, repairs, QA) but do not decide where devices go: they cannot reserve, hand
// out, recycle, dismantle, declare lost or take back. The office makes every move, reserving
// and handing out through a device request (ThroughRequest).
func MayMove(a auth.Actor, to Status) bool {
	switch {
	case a.In(auth.Office):
		return true
	case a.In(auth.Trainees):
		return slices.Contains(traineeMoves, to)
	}
	return false
}

// RoleMayMove reports whether a user of role may move a device to status to (MayMove).
func RoleMayMove(role auth.Role, to Status) bool { return MayMove(auth.Actor{Role: role}, to) }

// RequireLabels returns the actor if they may print labels (MayPrintLabels).
func RequireLabels(ctx context.Context) (auth.Actor, error) {
	return auth.Require(ctx, auth.Workshop)
}

// workshopUsers checks that ids name enabled workshop users (administrators, staff, trainees).
// It returns a field error naming the first one that does not.
func workshopUsers(ctx context.Context, db bun.IDB, field string, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	found, err := auth.ActiveIn(ctx, db, auth.Workshop, ids...)
	if err != nil {
		return dbError("check users", err)
	}
	for i, id := range ids {
		if !slices.Contains(found, id) {
			if len(ids) == 1 && !strings.HasSuffix(field, "s") {
				return validation.Field(field, "no such workshop user")
			}
			return validation.Field(fmt.Sprintf("%s[%d]", field, i), "no such workshop user")
		}
	}
	return nil
}
