package workshops

import (
	"context"

	"github.com/digital-inclusion/refurb/auth"
)

// Who may do what with the workshops' data, answered here for GraphQL, pages, templates and
// the command line alike; the store's methods check the same rules. Donors and social workers
// see nothing of it.

// MayManage reports whether a runs the school: programmes, trainees, enrolments, sessions,
// attendance, skill assessments, the funder report, bench devices.
func MayManage(a auth.Actor) bool { return a.In(auth.Office) }

// MayReview reports whether a approves and rejects hour entries (never their own).
func MayReview(a auth.Actor) bool { return a.In(auth.Office) }

// MayEditSkills reports whether a edits the skills catalogue.
func MayEditSkills(a auth.Actor) bool { return a.In(auth.Admins) }

// MaySee reports whether a may see a trainee's records and log hours for them: staff and
// administrators every trainee's, a trainee their own (through the TRAINEE account linked to
// their record).
func MaySee(a auth.Actor, traineeID int64) bool {
	return a.In(auth.Office) || (a.In(auth.Trainees) && a.TraineeID != 0 && a.TraineeID == traineeID)
}

// IsTrainee reports whether a is a trainee with a record, who sees their own.
func IsTrainee(a auth.Actor) bool { return a.In(auth.Trainees) && a.TraineeID != 0 }

// readers may read workshops' data at all: staff, administrators and trainees (their own).
const readers = auth.Office | auth.Trainees

// requireSee returns the actor if they may see the trainee's records; ErrNotFound for a
// trainee asking about another, so that nothing tells them whether it exists.
func requireSee(ctx context.Context, traineeID int64) (auth.Actor, error) {
	a, err := auth.Require(ctx, readers)
	if err != nil {
		return a, err
	}
	if !MaySee(a, traineeID) {
		return a, ErrNotFound
	}
	return a, nil
}

// requireLog returns the actor if they may log hours for the trainee; auth.ErrForbidden for a
// trainee logging for another.
func requireLog(ctx context.Context, traineeID int64) (auth.Actor, error) {
	a, err := auth.Require(ctx, readers)
	if err != nil {
		return a, err
	}
	if !MaySee(a, traineeID) {
		return a, auth.ErrForbidden
	}
	return a, nil
}
