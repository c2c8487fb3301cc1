package certificates

import (
	"context"
	"errors"
	"slices"

	"github.com/uptrace/bun"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/workshops"
)

// Attendance and skills certificates (ATTENDANCE, AC-2026-00042) are about a trainee: who,
// which programme and period, the approved hours in total and week by week, the skills with
// their level, date and assessor, and the tutor (docs/domain.md section 4). What they show is
// read through package workshops on the issuing transaction, never from its tables.

// lockTrainee takes the trainee's row for the issuing transaction: one issue per trainee at a
// time, so that exactly one attendance certificate stays current.
func lockTrainee(ctx context.Context, tx bun.IDB, traineeID int64) error {
	err := workshops.NewStore(tx).LockTrainee(ctx, traineeID)
	if errors.Is(err, workshops.ErrNotFound) {
		return ErrNotFound
	}
	return err
}

// gatherAttendance reads an attendance certificate.
func gatherAttendance(ctx context.Context, tx bun.IDB, traineeID int64) (*gathered, error) {
	data, err := workshops.NewStore(tx).CertificateData(ctx, traineeID)
	if errors.Is(err, workshops.ErrNotFound) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	org, err := organisation(ctx, tx)
	if err != nil {
		return nil, err
	}
	return &gathered{doc: &Document{Org: *org, Attendance: data}}, nil
}

// ForTrainees returns the attendance certificates of trainees, newest first, without their PDF
// bytes, by trainee id: every trainee's to staff and administrators, and to a trainee their
// own (workshops.MaySee), another trainee's id giving nothing. Other roles get
// auth.ErrForbidden.
func (s *Store) ForTrainees(ctx context.Context, traineeIDs []int64) (map[int64][]Certificate, error) {
	a, err := auth.Require(ctx, auth.Office|auth.Trainees)
	if err != nil {
		return nil, err
	}
	if !a.In(auth.Office) {
		if !MayDownloadOwn(a) {
			return nil, auth.ErrForbidden
		}
		traineeIDs = slices.DeleteFunc(slices.Clone(traineeIDs), func(id int64) bool { return !workshops.MaySee(a, id) })
	}
	out := make(map[int64][]Certificate, len(traineeIDs))
	if len(traineeIDs) == 0 {
		return out, nil
	}
	var cs []Certificate
	if err := s.db.NewSelect().Model(&cs).Column(listColumns...).Where("c.trainee_id IN (?)", bun.List(traineeIDs)).
		OrderExpr("c.trainee_id, c.id DESC").Scan(ctx); err != nil {
		return nil, dbError("select certificates", err)
	}
	for _, c := range cs {
		out[*c.TraineeID] = append(out[*c.TraineeID], c)
	}
	return out, nil
}
