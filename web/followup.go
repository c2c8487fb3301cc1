package web

import (
	"net/http"
	"strconv"

	"github.com/digital-inclusion/refurb/requests"
)

// The follow-up of a hand-out (docs/impact.md): three months after a device was handed out, its
// social worker answers three questions with choices, never free text. /follow-ups lists the
// unanswered ones (a social worker's own, every one for staff); /requests/{id}/follow-up asks
// the questions, which the e-mail links to.

type followUpsData struct {
	Open []requests.OpenFollowUp
}

func (h *Handler) followUpsPage(w http.ResponseWriter, r *http.Request) {
	v, ok := h.signedIn(w, r, "fu.list.title")
	if !ok {
		return
	}
	open, err := h.requests.OpenFollowUps(r.Context(), 200)
	if err != nil {
		h.problem(w, r, v, err)
		return
	}
	v.Nav = "follow-ups"
	v.Data = followUpsData{Open: open}
	h.render(w, r, http.StatusOK, "followups.html", v)
}

// fuChoice is one answer offered by the form.
type fuChoice struct {
	Value, Label string
	Checked      bool
}

type followUpData struct {
	Request  *requests.Request
	FollowUp *requests.FollowUp
	InUse    []fuChoice
	Uses     []fuChoice
	Problems []fuChoice
	Error    string
}

// followUpRequest reads the request of the URL and its follow-up; ErrNotFound when it has none.
func (h *Handler) followUpRequest(r *http.Request) (*requests.Request, *requests.FollowUp, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return nil, nil, requests.ErrNotFound
	}
	req, err := h.requests.Request(r.Context(), id)
	if err != nil {
		return nil, nil, err
	}
	f, err := h.requests.FollowUp(r.Context(), id)
	if err == nil && f == nil {
		err = requests.ErrNotFound
	}
	return req, f, err
}

func (h *Handler) followUpPage(w http.ResponseWriter, r *http.Request) {
	v, ok := h.signedIn(w, r, "fu.title")
	if !ok {
		return
	}
	req, f, err := h.followUpRequest(r)
	if err != nil {
		h.problem(w, r, v, err)
		return
	}
	h.showFollowUp(w, r, v, http.StatusOK, req, f, nil, "")
}

// showFollowUp renders the questions, with the answers given (or sent back with msg).
func (h *Handler) showFollowUp(w http.ResponseWriter, r *http.Request, v *view, status int, req *requests.Request, f *requests.FollowUp, sent *requests.Answer, msg string) {
	d := followUpData{Request: req, FollowUp: f, Error: msg}
	ans := requests.Answer{}
	switch {
	case sent != nil:
		ans = *sent
	case f.Answered():
		ans = requests.Answer{InUse: *f.InUse, Uses: f.Uses, Problem: *f.Problem}
	}
	for _, a := range requests.InUses {
		d.InUse = append(d.InUse, fuChoice{string(a), v.T("fu.in_use." + string(a)), ans.InUse == a})
	}
	for _, u := range requests.Uses {
		checked := false
		for _, x := range ans.Uses {
			checked = checked || x == u
		}
		d.Uses = append(d.Uses, fuChoice{string(u), v.T("fu.use." + string(u)), checked})
	}
	for _, p := range requests.Problems {
		d.Problems = append(d.Problems, fuChoice{string(p), v.T("fu.problem." + string(p)), ans.Problem == p})
	}
	v.Nav = "follow-ups"
	v.Data = d
	h.render(w, r, status, "followup.html", v)
}

func (h *Handler) answerFollowUp(w http.ResponseWriter, r *http.Request) {
	v, ok := h.signedInForm(w, r, "fu.title", 8<<10)
	if !ok {
		return
	}
	req, f, err := h.followUpRequest(r)
	if err != nil {
		h.problem(w, r, v, err)
		return
	}
	ans := requests.Answer{InUse: requests.InUse(r.PostForm.Get("in_use")), Problem: requests.Problem(r.PostForm.Get("problem"))}
	for _, u := range r.PostForm["use"] {
		ans.Uses = append(ans.Uses, requests.Use(u))
	}
	if _, err := h.requests.AnswerFollowUp(r.Context(), req.ID, ans); err != nil {
		status, msg := h.ruleMessage(v, err)
		switch status {
		case http.StatusUnprocessableEntity:
			h.showFollowUp(w, r, v, status, req, f, &ans, v.T("fu.incomplete"))
		case http.StatusConflict:
			h.flash(r, msg, true)
			http.Redirect(w, r, "/requests/"+strconv.FormatInt(req.ID, 10)+"/follow-up", http.StatusSeeOther)
		default:
			h.problem(w, r, v, err)
		}
		return
	}
	h.flash(r, v.T("fu.thanks"), false)
	http.Redirect(w, r, "/follow-ups", http.StatusSeeOther)
}
