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
