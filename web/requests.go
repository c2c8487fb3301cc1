package web

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/certificates"
	"github.com/digital-inclusion/refurb/inventory"
	"github.com/digital-inclusion/refurb/requests"
	"github.com/digital-inclusion/refurb/validation"
)

// The pages of device requests (docs/requests.md): a social worker's "New request" and "My
// requests" (a coordinator's organisation's), staff's triage queue, a request's page with its
// decision forms, the matching list and allocation, and the counter's hand-out page where the
// beneficiary signs.

func (h *Handler) requestRoutes(m *http.ServeMux) {
	m.HandleFunc("GET /requests", h.requestList)
	m.HandleFunc("GET /requests/new", h.newRequestPage)
	m.HandleFunc("POST /requests", h.submitRequest)
	m.HandleFunc("GET /requests/queue", h.requestQueue)
	m.HandleFunc("GET /requests/{id}", h.requestPage)
	m.HandleFunc("POST /requests/{id}/decide", h.decideRequest)
	m.HandleFunc("POST /requests/{id}/allocate", h.allocateRequest)
	m.HandleFunc("POST /requests/{id}/release", h.releaseRequest)
	m.HandleFunc("POST /requests/{id}/cancel", h.cancelRequest)
	m.HandleFunc("GET /requests/{id}/handout", h.handOutPage)
	m.HandleFunc("POST /requests/{id}/handout", h.handOut)
	m.HandleFunc("POST /requests/{id}/receipt", h.issueReceipt)
	h.adminRoutes(m)
}

// actorOf is the view's user as an actor, for the domains' policy questions.
func (v *view) actorOf() auth.Actor { return v.actor }

// requestProblem shows a requests error on a page of its own (web/errors.go has their rows).
func (h *Handler) requestProblem(w http.ResponseWriter, r *http.Request, v *view, err error) {
	h.problem(w, r, v, err)
}

// requestRow is a request as lists show it.
type requestRow struct {
	*requests.Request
	Partner   string
	Requester string
	Waiting   int // days
	Receipt   string
}

// rows presents requests with their organisation's and requester's names.
func (h *Handler) rows(r *http.Request, rs []requests.Request) ([]requestRow, error) {
	ctx := r.Context()
	ids := make([]int64, len(rs))
	partnerIDs := []int64{}
	for i := range rs {
		ids[i] = rs[i].ID
		if !slices.Contains(partnerIDs, rs[i].PartnerID) {
			partnerIDs = append(partnerIDs, rs[i].PartnerID)
		}
	}
	out := make([]requestRow, len(rs))
	if len(rs) == 0 {
		return out, nil
	}
	partners, err := h.requests.PartnersByID(ctx, partnerIDs)
	if err != nil {
		return nil, err
	}
	names, err := h.requests.RequesterNames(ctx, ids)
	if err != nil {
		return nil, err
	}
	receipts, err := h.certificates.ForRequests(ctx, ids)
	if err != nil {
		return nil, err
	}
	now := time.Now()
	for i := range rs {
		row := requestRow{Request: &rs[i], Requester: names[rs[i].ID], Waiting: int(rs[i].Waiting(now).Hours() / 24)}
		if p := partners[rs[i].PartnerID]; p != nil {
			row.Partner = p.Name
		}
		if cs := receipts[rs[i].ID]; len(cs) > 0 {
			row.Receipt = cs[0].Number
		}
		out[i] = row
	}
	return out, nil
}

// requestListData is the list of requests.
type requestListData struct {
	Rows        []requestRow
	Coordinator bool // the list is the organisation's
	Office      bool
	MayRequest  bool
	Status      string
	Statuses    []requests.Status
	Next        string
	Total       int
}

// requestList is "My requests": a social worker's own, a coordinator's organisation's, every
// request for staff (filtered by status).
func (h *Handler) requestList(w http.ResponseWriter, r *http.Request) {
	v, ok := h.signedIn(w, r, "req.list.title")
	if !ok {
		return
	}
	a := v.actorOf()
	d := &requestListData{Coordinator: a.Coordinator, Office: requests.MayTriage(a), MayRequest: requests.MayRequest(a), Statuses: requests.Statuses}
	if d.Office {
		v.Title = v.T("req.list.all")
	} else if d.Coordinator {
		v.Title = v.T("req.list.organisation")
	}
	f := requests.Filter{}
	if st := requests.Status(r.URL.Query().Get("status")); st.Valid() {
		f.Statuses, d.Status = []requests.Status{st}, string(st)
	}
	p, err := h.requests.Requests(r.Context(), f, requests.Page{First: 50, After: r.URL.Query().Get("after")})
	if err != nil {
		h.requestProblem(w, r, v, err)
		return
	}
	if d.Rows, err = h.rows(r, p.Requests); err != nil {
		h.fail(w, r, err)
		return
	}
	d.Total = p.TotalCount
	if p.HasNextPage {
		d.Next = p.EndCursor
	}
	v.Nav, v.Data = "requests", d
	h.render(w, r, http.StatusOK, "requests.html", v)
}

// newRequestData is the request form.
type newRequestData struct {
	Kinds      []inventory.Kind
	Purposes   []requests.Purpose
	Urgencies  []requests.Urgency
	Households []requests.Household
	Languages  []pageLanguage
	Partners   []requests.Partner // staff choose one
	Limit      int
	Form       url.Values
	Error      string
	Field      string
}

// V returns a submitted value of the form, or def.
func (d *newRequestData) V(name, def string) string {
	if d.Form != nil && d.Form.Has(name) {
		return d.Form.Get(name)
	}
	return def
}

func (h *Handler) newRequestPage(w http.ResponseWriter, r *http.Request) {
	v, ok := h.signedIn(w, r, "req.new.title")
	if !ok {
		return
	}
	h.showRequestForm(w, r, v, http.StatusOK, nil, "", "")
}

func (h *Handler) showRequestForm(w http.ResponseWriter, r *http.Request, v *view, status int, form url.Values, msg, field string) {
	a := v.actorOf()
	if !requests.MayRequest(a) {
		h.requestProblem(w, r, v, auth.ErrForbidden)
		return
	}
	p, err := h.requests.Policy(r.Context())
	if err != nil {
		h.requestProblem(w, r, v, err)
		return
	}
	d := &newRequestData{Kinds: p.OpenKinds, Purposes: requests.Purposes, Urgencies: requests.Urgencies, Households: requests.Households,
		Languages: languages, Limit: p.MaxOpen, Form: form, Error: msg, Field: field}
	if requests.MayTriage(a) {
		d.Kinds = inventory.Kinds
		if d.Partners, err = h.requests.Partners(r.Context()); err != nil {
			h.fail(w, r, err)
			return
		}
	}
	v.Nav, v.Data = "requests", d
	h.render(w, r, status, "request_new.html", v)
}

func (h *Handler) submitRequest(w http.ResponseWriter, r *http.Request) {
	v, ok := h.signedInForm(w, r, "req.new.title", 16<<10)
	if !ok {
		return
	}
	f := r.PostForm
	n := requests.NewRequest{Reference: f.Get("reference"), Kind: inventory.Kind(f.Get("kind")), Purpose: requests.Purpose(f.Get("purpose")),
		Language: f.Get("language"), KeyboardLayout: f.Get("keyboard_layout"), Urgency: requests.Urgency(f.Get("urgency")),
		Household: requests.Household(f.Get("household")), Note: f.Get("note")}
	if pid := f.Get("partner"); pid != "" {
		n.PartnerID, _ = strconv.ParseInt(pid, 10, 64)
	}
	req, err := h.requests.Submit(r.Context(), n)
	if err != nil {
		// What the user sent is refused beside the form they sent, with what they typed.
		if e := explain(v.L, err); e.inForm() {
			h.showRequestForm(w, r, v, e.status, f, e.message, e.field)
			return
		}
		h.requestProblem(w, r, v, err)
		return
	}
	h.flash(r, v.T("req.submitted"), false)
	http.Redirect(w, r, fmt.Sprintf("/requests/%d", req.ID), http.StatusSeeOther)
}

// queueData is the triage queue.
type queueData struct {
	ToDecide   []requestRow
	ToAllocate []requestRow
	ToHandOut  []requestRow
}

// requestQueue is staff's triage: requests to decide, to give a device, to hand out; each most
// urgent first, then longest waiting.
func (h *Handler) requestQueue(w http.ResponseWriter, r *http.Request) {
	v, ok := h.signedIn(w, r, "req.queue.title")
	if !ok {
		return
	}
	rs, err := h.requests.Queue(r.Context(), requests.QueueStatuses, requests.MaxPageSize)
	if err != nil {
		h.requestProblem(w, r, v, err)
		return
	}
	reserved, err := h.requests.Queue(r.Context(), []requests.Status{requests.StatusAllocated}, requests.MaxPageSize)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	rs = append(rs, reserved...)
	rows, err := h.rows(r, rs)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	d := &queueData{}
	for _, row := range rows {
		switch row.Status {
		case requests.StatusSubmitted, requests.StatusWaitlisted:
			d.ToDecide = append(d.ToDecide, row)
		case requests.StatusApproved:
			d.ToAllocate = append(d.ToAllocate, row)
		case requests.StatusAllocated:
			d.ToHandOut = append(d.ToHandOut, row)
		}
	}
	v.Nav, v.Data = "queue", d
	h.render(w, r, http.StatusOK, "requests_queue.html", v)
}

// requestData is a request's page.
type requestData struct {
	requestRow
	Events    []eventRow
	Office    bool
	MayCancel bool
	Device    *inventory.Device
	Matches   []matchRow
	Receipts  []certificates.Certificate
	// ReceiptLanguages are the languages a receipt may be issued in, the request's first.
	ReceiptLanguages []string
	Error            string
	Reason           string
}

type eventRow struct {
	requests.Event
	Actor string
}

type matchRow struct {
	requests.Match
	Why []string
}

// requestID reads the request id of the path.
func requestID(r *http.Request) (int64, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	return id, err == nil && id > 0
}

func (h *Handler) requestPage(w http.ResponseWriter, r *http.Request) {
	v, ok := h.signedIn(w, r, "req.page.title")
	if !ok {
		return
	}
	h.showRequest(w, r, v, http.StatusOK, "")
}

func (h *Handler) showRequest(w http.ResponseWriter, r *http.Request, v *view, status int, msg string) {
	id, ok := requestID(r)
	if !ok {
		h.notFound(w, r)
		return
	}
	ctx := r.Context()
	req, err := h.requests.Request(ctx, id)
	if err != nil {
		h.requestProblem(w, r, v, err)
		return
	}
	rows, err := h.rows(r, []requests.Request{*req})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	a := v.actorOf()
	d := &requestData{requestRow: rows[0], Office: requests.MayTriage(a), Error: msg}
	d.MayCancel = req.Status.Open() && (d.Office || req.Status != requests.StatusAllocated)
	es, err := h.requests.Events(ctx, id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	var actorIDs []int64
	for _, e := range es {
		if e.ActorID != nil {
			actorIDs = append(actorIDs, *e.ActorID)
		}
	}
	users := map[int64]*auth.User{}
	if d.Office && len(actorIDs) > 0 {
		if users, err = h.auth.UsersByID(ctx, actorIDs); err != nil {
			h.fail(w, r, err)
			return
		}
	}
	for _, e := range es {
		row := eventRow{Event: e}
		if e.ActorID != nil && users[*e.ActorID] != nil {
			row.Actor = users[*e.ActorID].Name
		}
		d.Events = append(d.Events, row)
	}
	if d.Office {
		if req.DeviceID != nil {
			if d.Device, err = h.inventory.Device(ctx, *req.DeviceID); err != nil {
				h.fail(w, r, err)
				return
			}
		}
		if req.Status == requests.StatusApproved {
			ms, err := h.requests.Matches(ctx, id, 10)
			if err != nil {
				h.fail(w, r, err)
				return
			}
			for _, m := range ms {
				mr := matchRow{Match: m}
				for _, rs := range m.Reasons {
					mr.Why = append(mr.Why, v.T("req.match."+rs.Code, "Value", rs.Value, "Points", rs.Points))
				}
				d.Matches = append(d.Matches, mr)
			}
		}
	}
	cs, err := h.certificates.ForRequests(ctx, []int64{id})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	d.Receipts = cs[id]
	d.ReceiptLanguages = receiptLanguages(req.Language)
	v.Title = v.T("req.page.heading", "ID", req.ID)
	v.Nav, v.Data = "requests", d
	h.render(w, r, status, "request.html", v)
}

// requestForm reads a posted form of a request's page and the request's id.
func (h *Handler) requestForm(w http.ResponseWriter, r *http.Request) (*view, int64, bool) {
	v, ok := h.signedInForm(w, r, "req.page.title", 16<<10)
	if !ok {
		return nil, 0, false
	}
	id, ok := requestID(r)
	if !ok {
		h.notFound(w, r)
		return nil, 0, false
	}
	return v, id, true
}

// afterChange goes back to the request's page with a message, or shows what refused the change
// on the page itself (field errors) or on its own.
func (h *Handler) afterChange(w http.ResponseWriter, r *http.Request, v *view, id int64, err error, done string) {
	if err != nil {
		// A refusal or a stale page is shown on the request's page, which reads it again.
		if e := explain(v.L, err); e.inForm() || e.status == http.StatusConflict {
			h.showRequest(w, r, v, e.status, e.message)
			return
		}
		h.requestProblem(w, r, v, err)
		return
	}
	h.flash(r, done, false)
	http.Redirect(w, r, fmt.Sprintf("/requests/%d", id), http.StatusSeeOther)
}

func (h *Handler) decideRequest(w http.ResponseWriter, r *http.Request) {
	v, id, ok := h.requestForm(w, r)
	if !ok {
		return
	}
	d := requests.Decision(r.PostForm.Get("decision"))
	_, err := h.requests.Decide(r.Context(), id, d, r.PostForm.Get("reason"))
	h.afterChange(w, r, v, id, err, v.T("req.decided."+string(d)))
}

func (h *Handler) allocateRequest(w http.ResponseWriter, r *http.Request) {
	v, id, ok := h.requestForm(w, r)
	if !ok {
		return
	}
	// The device and the version the page showed of it: "id:version".
	idStr, versionStr, _ := strings.Cut(r.PostForm.Get("device"), ":")
	device, _ := strconv.ParseInt(idStr, 10, 64)
	version, _ := strconv.Atoi(versionStr)
	var pickup *time.Time
	if s := r.PostForm.Get("pickup"); s != "" {
		t, err := time.Parse(time.DateOnly, s)
		if err != nil {
			h.afterChange(w, r, v, id, validation.Field("pickup", "is not a date"), "")
			return
		}
		pickup = &t
	}
	_, err := h.requests.Allocate(r.Context(), id, device, version, pickup)
	h.afterChange(w, r, v, id, err, v.T("req.allocated"))
}

func (h *Handler) releaseRequest(w http.ResponseWriter, r *http.Request) {
	v, id, ok := h.requestForm(w, r)
	if !ok {
		return
	}
	_, err := h.requests.Release(r.Context(), id, r.PostForm.Get("lost") == "true")
	h.afterChange(w, r, v, id, err, v.T("req.released"))
}

func (h *Handler) cancelRequest(w http.ResponseWriter, r *http.Request) {
	v, id, ok := h.requestForm(w, r)
	if !ok {
		return
	}
	_, err := h.requests.Cancel(r.Context(), id)
	h.afterChange(w, r, v, id, err, v.T("req.cancelled"))
}

// requestStatusClass is the badge class of a request's status (style.css).
func requestStatusClass(s requests.Status) string { return "r-" + string(s) }
