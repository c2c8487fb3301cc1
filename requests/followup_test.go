package requests_test

import (
	"context"
	"errors"
	"testing"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/internal/pgcode"
	"github.com/digital-inclusion/refurb/requests"
	rt "github.com/digital-inclusion/refurb/requests/requeststest"
)

// handedOut files a request as ctx's actor and hands a ready laptop out to it, then dates the
// hand-out ago (an interval) in the past.
func handedOut(t *testing.T, e *rt.Env, ctx context.Context, ref, ago string) *requests.Request {
	t.Helper()
	r := e.Allocated(t, ctx, rt.Laptop(ref), e.ReadyLaptop(t, "FU-"+ref))
	r, err := e.Store.HandOut(e.Staff, r.ID, rt.Signature(), "fr")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.DB.Owner.ExecContext(context.Background(),
		"UPDATE device_requests SET handed_out_at = now() - ?::interval, submitted_at = now() - ?::interval - interval '20 days' WHERE id = ?", ago, ago, r.ID); err != nil {
		t.Fatal(err)
	}
	return r
}

// The daily job asks the follow-up of a request handed out three months ago, once, with an
// e-mail to its social worker; not of a walk-in, of a hand-out too recent or too old. The social
// worker (or their coordinator, or staff) answers once, with choices; another social worker
// neither sees nor answers it; the database refuses a second answer and a follow-up of a request
// not handed out.
func TestFollowUps(t *testing.T) {
	t.Parallel()
	e := rt.New(t)
	ctx := context.Background()
	due := handedOut(t, e, e.WorkerA, "FU-DUE", "3 months 5 days")
	handedOut(t, e, e.WorkerA, "FU-RECENT", "2 months")
	handedOut(t, e, e.WorkerA, "FU-OLD", "5 months")
	handedOut(t, e, e.Staff, "FU-WALKIN", "3 months 2 days")

	if _, err := e.Store.AskFollowUps(e.Staff); !errors.Is(err, auth.ErrForbidden) {
		t.Errorf("staff run the job: got %v, want forbidden", err)
	}
	asked, err := e.Store.AskFollowUps(auth.System(ctx))
	if err != nil || len(asked) != 1 || asked[0] != due.ID {
		t.Fatalf("asked %v, %v; want the one request due, %d", asked, err, due.ID)
	}
	if again, err := e.Store.AskFollowUps(auth.System(ctx)); err != nil || len(again) != 0 {
		t.Errorf("asked again: %v, %v; want nothing", again, err)
	}
	var mails int
	if err := e.DB.Owner.NewRaw("SELECT count(*) FROM notification_outbox WHERE kind = 'request_follow_up' AND request_id = ? AND recipient_id = ?",
		due.ID, e.WorkerAUser.ID).Scan(ctx, &mails); err != nil || mails != 1 {
		t.Errorf("e-mails queued: %d, %v; want 1", mails, err)
	}

	// Who sees it.
	for name, tc := range map[string]struct {
		ctx  context.Context
		want int
	}{"worker A": {e.WorkerA, 1}, "coordinator A": {e.CoordinatorA, 1}, "staff": {e.Staff, 1}, "worker B": {e.WorkerB, 0}} {
		open, err := e.Store.OpenFollowUps(tc.ctx, 50)
		if err != nil || len(open) != tc.want {
			t.Errorf("%s's open follow-ups: %d, %v; want %d", name, len(open), err, tc.want)
		}
		if tc.want == 1 && (open[0].RequestID != due.ID || open[0].Reference == nil || *open[0].Reference != "FU-DUE") {
			t.Errorf("%s's open follow-up: %+v", name, open[0])
		}
	}
	if f, err := e.Store.FollowUp(e.WorkerB, due.ID); err != nil || f != nil {
		t.Errorf("worker B reads A's follow-up: %+v, %v", f, err)
	}

	// Answers.
	answer := requests.Answer{InUse: requests.InUseYes, Uses: []requests.Use{requests.UseCommunication, requests.UseSchool, requests.UseSchool}, Problem: requests.ProblemNone}
	if _, err := e.Store.AnswerFollowUp(e.WorkerB, due.ID, answer); !errors.Is(err, requests.ErrNotFound) {
		t.Errorf("worker B answers: got %v, want not found", err)
	}
	if _, err := e.Store.AnswerFollowUp(e.WorkerA, due.ID, requests.Answer{InUse: "maybe", Problem: requests.ProblemNone}); err == nil {
		t.Error("an answer off the list: got no error")
	}
	f, err := e.Store.AnswerFollowUp(e.WorkerA, due.ID, answer)
	if err != nil || !f.Answered() || *f.InUse != requests.InUseYes || len(f.Uses) != 2 || f.Uses[0] != requests.UseSchool || *f.AnsweredBy != e.WorkerAUser.ID {
		t.Fatalf("answered: %+v, %v", f, err)
	}
	if _, err := e.Store.AnswerFollowUp(e.CoordinatorA, due.ID, answer); !errors.Is(err, requests.ErrFollowUpAnswered) {
		t.Errorf("a second answer: got %v, want ErrFollowUpAnswered", err)
	}
	// The database's own rules, whatever the Go code does.
	_, err = e.DB.App.ExecContext(ctx, `BEGIN; SELECT set_config('refurb.role', 'staff', true);
		UPDATE request_follow_ups SET in_use = 'no' WHERE request_id = ?; COMMIT`, due.ID)
	if !pgcode.Is(err, pgcode.FollowUpAnswered) {
		t.Errorf("changing an answer in SQL: got %v, want %s", err, pgcode.FollowUpAnswered)
	}
	e.DB.App.ExecContext(ctx, "ROLLBACK") //nolint:errcheck // after the failed transaction
	submitted := rt.Submit(t, e.Store, e.WorkerA, rt.Laptop("FU-OPEN"))
	_, err = e.DB.Owner.ExecContext(ctx, "INSERT INTO request_follow_ups (request_id) VALUES (?)", submitted.ID)
	if !pgcode.Is(err, pgcode.FollowUpRefused) {
		t.Errorf("a follow-up of a request not handed out: got %v, want %s", err, pgcode.FollowUpRefused)
	}
}
