package requests

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/uptrace/bun"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/internal/pgcode"
	"github.com/digital-inclusion/refurb/validation"
)

// Follow-up after hand-out (docs/impact.md): some three months after a device was handed out,
// the social worker who requested it is asked three short questions, on their pages and by
// e-mail through the outbox. The answers are choices, never free text: nothing is learnt about
// the beneficiary. They feed the impact ledger (package impact keeps their counts by day).

// InUse answers "is the device still in use?".
type InUse string

// The answers to "still in use?".
const (
	InUseYes     InUse = "yes"
	InUseNo      InUse = "no"
	InUseUnknown InUse = "unknown" // the social worker does not know
)

// InUses lists every answer to "still in use?".
var InUses = []InUse{InUseYes, InUseNo, InUseUnknown}

// Use answers "what is it used for?" (several may apply).
type Use string

// The uses.
const (
	UseSchool           Use = "school"
	UseJobSearch        Use = "job_search"
	UseAdministration   Use = "administration"
	UseLanguageLearning Use = "language_learning"
	UseCommunication    Use = "communication" // keeping in touch with family and friends
	UseOther            Use = "other"
)

// Uses lists every use.
var Uses = []Use{UseSchool, UseJobSearch, UseAdministration, UseLanguageLearning, UseCommunication, UseOther}

// Problem answers "any problem?".
type Problem string

// The problems.
const (
	ProblemNone         Problem = "none"
	ProblemHardware     Problem = "hardware"     // a fault of the device
	ProblemSoftware     Problem = "software"     // the system or a program
	ProblemConnectivity Problem = "connectivity" // no internet access
	ProblemSkills       Problem = "skills"       // needs help to use it
	ProblemOther        Problem = "other"
)

// Problems lists every problem.
var Problems = []Problem{ProblemNone, ProblemHardware, ProblemSoftware, ProblemConnectivity, ProblemSkills, ProblemOther}

// FollowUpAfter is how long after a hand-out its follow-up is asked, and FollowUpWindow how
// long after that it may still be asked: a hand-out older than both (one from before follow-ups
// existed, or a server stopped for months) is never asked about.
const (
	FollowUpAfter  = "3 months"
	FollowUpWindow = "1 month"
)

// FollowUp is the follow-up of a request handed out.
type FollowUp struct {
	bun.BaseModel `bun:"table:request_follow_ups,alias:f"`

	RequestID  int64      `bun:"request_id,pk"`
	AskedAt    time.Time  `bun:"asked_at,nullzero,notnull,default:current_timestamp"`
	AnsweredAt *time.Time `bun:"answered_at"`
	AnsweredBy *int64     `bun:"answered_by"`
	InUse      *InUse     `bun:"in_use"`
	Uses       []Use      `bun:"uses,array"`
	Problem    *Problem   `bun:"problem"`
}

// Answered reports whether the follow-up was answered.
func (f *FollowUp) Answered() bool { return f.AnsweredAt != nil }

// Answer is a social worker's answer to a follow-up.
type Answer struct {
	InUse   InUse
	Uses    []Use
	Problem Problem
}

func (a Answer) validate() (Answer, error) {
	if !slices.Contains(InUses, a.InUse) {
		return a, validation.Field("inUse", "answer yes, no or unknown")
	}
	var uses []Use
	for i, u := range a.Uses {
		if !slices.Contains(Uses, u) {
			return a, validation.Field(fmt.Sprintf("uses[%d]", i), "unknown use %q", u)
		}
		if !slices.Contains(uses, u) {
			uses = append(uses, u)
		}
	}
	slices.SortFunc(uses, func(x, y Use) int { return slices.Index(Uses, x) - slices.Index(Uses, y) })
	if uses == nil {
		uses = []Use{}
	}
	a.Uses = uses
	if !slices.Contains(Problems, a.Problem) {
		return a, validation.Field("problem", "unknown problem %q", a.Problem)
	}
	return a, nil
}

// ErrFollowUpAnswered means the follow-up was answered already: an answer is final.
var ErrFollowUpAnswered = errors.New("this follow-up was answered already")

// AskFollowUps asks the follow-up of every request handed out between FollowUpAfter and
// FollowUpAfter plus FollowUpWindow ago whose requester is an enabled social worker (walk-ins
// filed by staff have nobody to ask) and that has none yet, and leaves each social worker an
// e-mail in the outbox. It returns the requests asked about. The server's daily job runs it as
// the system; it is idempotent and safe on several servers (a request has one follow-up).
func (s *Store) AskFollowUps(ctx context.Context) ([]int64, error) {
	a, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	if !a.System {
		return nil, auth.ErrForbidden
	}
	var asked []int64
	err = s.tx(ctx, a, func(ctx context.Context, tx bun.Tx) error {
		var due []Request
		if err := tx.NewSelect().Model(&due).Column("id", "requester_id").
			Where("r.status = 'handed_out' AND r.anonymised_at IS NULL").
			Where("r.handed_out_at <= now() - ?::interval AND r.handed_out_at > now() - ?::interval - ?::interval", FollowUpAfter, FollowUpAfter, FollowUpWindow).
			Where("NOT EXISTS (SELECT 1 FROM request_follow_ups f WHERE f.request_id = r.id)").
			OrderExpr("r.handed_out_at, r.id").Scan(ctx); err != nil {
			return dbError("select hand-outs to follow up", err)
		}
		if len(due) == 0 {
			return nil
		}
		people := make([]int64, 0, len(due))
		for _, r := range due {
			people = append(people, r.RequesterID)
		}
		workers, err := auth.ActiveIn(ctx, tx, auth.SocialWorkers, people...)
		if err != nil {
			return err
		}
		var ids, recipients []int64
		for _, r := range due {
			if slices.Contains(workers, r.RequesterID) {
				ids, recipients = append(ids, r.ID), append(recipients, r.RequesterID)
			}
		}
		if len(ids) == 0 {
			return nil
		}
		// One statement for the follow-ups and one for their e-mails, whatever their number (a
		// server stopped for weeks, or a first run). A request another server asked meanwhile
		// is left out of both.
		if err := tx.NewRaw(`WITH asked AS (
				INSERT INTO request_follow_ups (request_id) SELECT unnest(?::bigint[]) ON CONFLICT (request_id) DO NOTHING RETURNING request_id)
			INSERT INTO notification_outbox (kind, request_id, recipient_id, status)
			SELECT 'request_follow_up', d.id, d.recipient, 'handed_out'
			FROM unnest(?::bigint[], ?::bigint[]) AS d (id, recipient) JOIN asked a ON a.request_id = d.id
			RETURNING request_id`, pgArray(ids), pgArray(ids), pgArray(recipients)).Scan(ctx, &asked); err != nil {
			return dbError("ask follow-ups", err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	slices.Sort(asked)
	return asked, nil
}

// FollowUp returns the follow-up of a request the actor may see; nil when it has none (yet).
func (s *Store) FollowUp(ctx context.Context, requestID int64) (*FollowUp, error) {
	a, err := s.reader(ctx)
	if err != nil {
		return nil, err
	}
	var out *FollowUp
	err = s.tx(ctx, a, func(ctx context.Context, tx bun.Tx) error {
		f := new(FollowUp)
		err := tx.NewSelect().Model(f).Where("f.request_id = ?", requestID).Scan(ctx)
		if err = dbError("select follow-up", err); err == nil {
			out = f
		} else if errors.Is(err, ErrNotFound) {
			err = nil
		}
		return err
	})
	return out, err
}

// OpenFollowUp is a follow-up waiting for its answer, with what its social worker needs to
// recognise the request.
type OpenFollowUp struct {
	FollowUp
	Reference   *string   `bun:"reference"`
	Kind        string    `bun:"kind"`
	HandedOutAt time.Time `bun:"handed_out_at"`
}

// OpenFollowUps returns the unanswered follow-ups of the requests the actor may see, oldest
// first, at most limit: a social worker's own (a coordinator's organisation's), every one for
// staff.
func (s *Store) OpenFollowUps(ctx context.Context, limit int) ([]OpenFollowUp, error) {
	a, err := s.reader(ctx)
	if err != nil {
		return nil, err
	}
	if limit <= 0 || limit > 500 {
		limit = 500
	}
	var out []OpenFollowUp
	err = s.tx(ctx, a, func(ctx context.Context, tx bun.Tx) error {
		q, err := scope(a, tx.NewSelect().TableExpr("request_follow_ups AS f").Join("JOIN device_requests AS r ON r.id = f.request_id").
			ColumnExpr("f.*, r.reference, r.kind, r.handed_out_at").
			Where("f.answered_at IS NULL").OrderExpr("f.asked_at, f.request_id").Limit(int64(limit)))
		if err != nil {
			return err
		}
		return dbError("select open follow-ups", q.Scan(ctx, &out))
	})
	return out, err
}

// AnswerFollowUp records the answer to a request's follow-up: by its social worker, their
// organisation's coordinator, or staff (on the phone with them). An answer is final
// (ErrFollowUpAnswered); a request without a follow-up is ErrNotFound.
func (s *Store) AnswerFollowUp(ctx context.Context, requestID int64, ans Answer) (*FollowUp, error) {
	a, err := s.reader(ctx)
	if err != nil {
		return nil, err
	}
	if ans, err = ans.validate(); err != nil {
		return nil, err
	}
	f := new(FollowUp)
	err = s.tx(ctx, a, func(ctx context.Context, tx bun.Tx) error {
		r, err := lock(ctx, tx, requestID)
		if err != nil {
			return err
		}
		if !mayCancel(a, r) {
			return ErrNotFound
		}
		if err := tx.NewSelect().Model(f).Where("f.request_id = ?", requestID).For("UPDATE").Scan(ctx); err != nil {
			return dbError("select follow-up", err)
		}
		if f.Answered() {
			return ErrFollowUpAnswered
		}
		var by *int64
		if a.UserID != 0 {
			by = &a.UserID
		}
		err = tx.NewRaw(`UPDATE request_follow_ups SET answered_at = now(), answered_by = ?, in_use = ?, uses = ?::text[], problem = ?
			WHERE request_id = ? RETURNING *`, by, ans.InUse, pgTextArray(ans.Uses), ans.Problem, requestID).Scan(ctx, f)
		if pgcode.Is(err, pgcode.FollowUpAnswered) {
			return ErrFollowUpAnswered
		}
		return dbError("answer follow-up", err)
	})
	if err != nil {
		return nil, err
	}
	return f, nil
}

// pgTextArray formats values as a PostgreSQL array literal (the values are from a fixed list).
func pgTextArray[T ~string](vs []T) string {
	s := "{"
	for i, v := range vs {
		if i > 0 {
			s += ","
		}
		s += string(v)
	}
	return s + "}"
}
