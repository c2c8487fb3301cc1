package web

import (
	"fmt"
	"net/http"
	"slices"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/certificates"
	"github.com/digital-inclusion/refurb/inventory"
	"github.com/digital-inclusion/refurb/requests"
	"github.com/digital-inclusion/refurb/validation"
)

// The counter's hand-out page of a device request (docs/requests.md), where the beneficiary
// signs for the device in their own language; routed with the other request pages
// (requests.go).

// handOutData is the counter page.
type handOutData struct {
	Request    *requests.Request
	Device     *inventory.Device
	Conditions []string
	Statement  string
	Language   string
	Languages  []pageLanguage
	Error      string
}

// handOutPage is the counter's tablet page: the device, its tag and serial, the conditions of
// use and the statement in the beneficiary's language (the request's, or ?lang=), and the
// signature pad. The whole page is in that language, Arabic right to left.
func (h *Handler) handOutPage(w http.ResponseWriter, r *http.Request) {
	v, ok := h.signedIn(w, r, "req.handout.title")
	if !ok {
		return
	}
	h.showHandOut(w, r, v, http.StatusOK, r.URL.Query().Get("lang"), "")
}

func (h *Handler) showHandOut(w http.ResponseWriter, r *http.Request, v *view, status int, lang, msg string) {
	id, ok := requestID(r)
	if !ok {
		h.notFound(w, r)
		return
	}
	ctx := r.Context()
	if !requests.MayTriage(v.actorOf()) {
		h.requestProblem(w, r, v, auth.ErrForbidden)
		return
	}
	req, err := h.requests.Request(ctx, id)
	if err != nil {
		h.requestProblem(w, r, v, err)
		return
	}
	if req.Status != requests.StatusAllocated || req.DeviceID == nil {
		h.requestProblem(w, r, v, &requests.StateError{From: req.Status, To: requests.StatusHandedOut, Reason: "only an allocated request is handed out, once"})
		return
	}
	if !slices.Contains(certificates.HandoverLanguages, lang) {
		lang = "fr"
		if req.Language != nil && slices.Contains(certificates.HandoverLanguages, *req.Language) {
			lang = *req.Language
		}
	}
	dev, err := h.inventory.Device(ctx, *req.DeviceID)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	// The page speaks the beneficiary's language, whatever the staff member's.
	v.L = h.tr.locale(lang, h.cfg.TimeZone)
	v.Title = v.T("req.handout.title")
	v.Nav = "queue"
	v.Data = &handOutData{Request: req, Device: dev, Conditions: certificates.HandoverConditions(lang), Statement: certificates.HandoverStatement(lang),
		Language: lang, Languages: languages, Error: msg}
	h.render(w, r, status, "handout.html", v)
}

// handOut records the signature and hands the device out; the receipt is issued with it.
func (h *Handler) handOut(w http.ResponseWriter, r *http.Request) {
	// A signature PNG in base64 fits well within 1 MB.
	v, ok := h.signedInForm(w, r, "req.handout.title", 1<<20)
	if !ok {
		return
	}
	id, ok := requestID(r)
	if !ok {
		h.notFound(w, r)
		return
	}
	lang := r.PostForm.Get("language")
	_, err := h.requests.HandOut(r.Context(), id, r.PostForm.Get("signature"), lang)
	if fe, ok := validation.As(err); ok && fe.Field == "signature" {
		l := h.tr.locale(lang, h.cfg.TimeZone)
		if !knownLanguage(lang) {
			l = v.L
		}
		h.showHandOut(w, r, v, http.StatusUnprocessableEntity, lang, l.T("req.handout.signature_missing"))
		return
	}
	if err != nil {
		h.requestProblem(w, r, v, err)
		return
	}
	h.flash(r, v.T("req.handed_out"), false)
	http.Redirect(w, r, fmt.Sprintf("/requests/%d", id), http.StatusSeeOther)
}

// receiptLanguages are the hand-over receipt's languages, the beneficiary's first when it is
// one of them.
func receiptLanguages(beneficiary *string) []string {
	out := []string{}
	if beneficiary != nil && slices.Contains(certificates.HandoverLanguages, *beneficiary) {
		out = append(out, *beneficiary)
	}
	for _, l := range certificates.HandoverLanguages {
		if !slices.Contains(out, l) {
			out = append(out, l)
		}
	}
	return out
}

// issueReceipt issues the receipt of a handed-out request, or issues it again in another
// language (the one before is superseded): a hand-out recorded without its receipt (the demo
// data's) gets one, and a beneficiary who reads another language gets theirs. An anonymised
// request has no signature left: the domain refuses with why.
func (h *Handler) issueReceipt(w http.ResponseWriter, r *http.Request) {
	v, ok := h.signedInForm(w, r, "req.page.title", 1<<12)
	if !ok {
		return
	}
	id, ok := requestID(r)
	if !ok {
		h.notFound(w, r)
		return
	}
	if _, err := h.certificates.Issue(r.Context(), id, certificates.KindHandover, r.PostForm.Get("language")); err != nil {
		h.requestProblem(w, r, v, err)
		return
	}
	h.flash(r, v.T("req.receipt.issued"), false)
	http.Redirect(w, r, fmt.Sprintf("/requests/%d", id), http.StatusSeeOther)
}
