package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/workshops"
)

// The staff's pages of the workshops: the review queue (here), trainees and their files
// (workshops_trainees.go), programmes and sessions with attendance (workshops_sessions.go), the
// funder report (workshops_report.go). The domain checks who may do what; these pages show its
// answers.

// staffView returns the page's view for a staff member or administrator, or answers: a
// trainee goes to their own page, anyone else gets "forbidden".
func (h *Handler) staffView(w http.ResponseWriter, r *http.Request, titleID, nav string) (*view, bool) {
	v, ok := h.signedIn(w, r, titleID)
	if !ok {
		return nil, false
	}
	a, _ := auth.ActorFrom(r.Context())
	if !workshops.MayManage(a) {
		if workshops.IsTrainee(a) {
			http.Redirect(w, r, "/progress", http.StatusSeeOther)
		} else {
			h.problem(w, r, v, auth.ErrForbidden)
		}
		return nil, false
	}
	v.Nav = nav
	return v, true
}

// weekView is a week of the review queue.
type weekView struct {
	workshops.QueueWeek
	Entries []entryView
	End     time.Time
}

func (h *Handler) reviewPage(w http.ResponseWriter, r *http.Request) {
	v, ok := h.staffView(w, r, "ws.review.title", "review")
	if !ok {
		return
	}
	q, err := h.workshops.ReviewQueue(r.Context())
	if err != nil {
		h.wsProblem(w, r, v, err)
		return
	}
	weeks := make([]weekView, len(q))
	for i, wk := range q {
		weeks[i] = weekView{QueueWeek: wk, Entries: entryViews(wk.Pending), End: wk.WeekStart.AddDate(0, 0, 6)}
	}
	v.Data = weeks
	h.render(w, r, http.StatusOK, "ws_review.html", v)
}

// review approves an entry, rejects one with a reason, or approves a trainee's week.
func (h *Handler) review(w http.ResponseWriter, r *http.Request) {
	v, ok := h.signedInForm(w, r, "ws.review.title", 8<<10)
	if !ok {
		return
	}
	f := r.PostForm
	ctx := r.Context()
	var n int
	var err error
	switch f.Get("action") {
	case "week":
		var trainee int64
		var day time.Time
		if trainee, err = strconv.ParseInt(f.Get("trainee"), 10, 64); err == nil {
			day, err = time.Parse(time.DateOnly, f.Get("week"))
		}
		if err != nil {
			http.Error(w, "bad week", http.StatusBadRequest)
			return
		}
		var hs []workshops.HourEntry
		hs, err = h.workshops.ApproveWeek(ctx, trainee, day)
		n = len(hs)
	case "approve", "reject":
		var ids []int64
		for _, s := range f["id"] {
			id, perr := strconv.ParseInt(s, 10, 64)
			if perr != nil {
				http.Error(w, "bad entry", http.StatusBadRequest)
				return
			}
			ids = append(ids, id)
		}
		var hs []workshops.HourEntry
		hs, err = h.workshops.ReviewHours(ctx, ids, f.Get("action") == "approve", f.Get("reason"))
		n = len(hs)
	default:
		http.Error(w, "unknown action", http.StatusBadRequest)
		return
	}
	if err != nil {
		h.wsFail(w, r, v, err, "/review")
		return
	}
	key := "ws.review.approved"
	if f.Get("action") == "reject" {
		key = "ws.review.rejected"
	}
	h.flash(r, v.T(key, "Count", n), false)
	http.Redirect(w, r, "/review", http.StatusSeeOther)
}
