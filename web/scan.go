package web

import (
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/inventory"
)

// scanData is the scan page's: what was scanned and why it did not open a device.
type scanData struct {
	Code  string
	Error string
}

// scan shows the scan box, and opens the device page of what was scanned into it: a typed tag,
// a keyboard-wedge scanner's input or a label's URL. A mistyped tag (wrong check character) or
// an unknown one comes back here with a message, so a typo never opens another device.
func (h *Handler) scan(w http.ResponseWriter, r *http.Request) {
	v, ok := h.signedIn(w, r, "scan.title")
	if !ok {
		return
	}
	v.Nav = "scan"
	code := strings.TrimSpace(r.URL.Query().Get("tag"))
	if code == "" {
		v.Data = scanData{}
		h.render(w, r, http.StatusOK, "scan.html", v)
		return
	}
	d, status, msg := h.lookUp(r, v, code)
	if d != nil {
		http.Redirect(w, r, "/devices/"+url.PathEscape(d.Tag), http.StatusSeeOther)
		return
	}
	if status == http.StatusInternalServerError {
		h.fail(w, r, errors.New(msg))
		return
	}
	v.Data = scanData{Code: code, Error: msg}
	h.render(w, r, status, "scan.html", v)
}

// lookUp finds the device a scanned code names. Without one it returns a status and a message
// for the scan page (the error's text for 500).
func (h *Handler) lookUp(r *http.Request, v *view, code string) (*inventory.Device, int, string) {
	if _, ok := modeOf(code); ok {
		return nil, http.StatusUnprocessableEntity, v.T("scan.mode_card")
	}
	tag, _, err := inventory.ParseTag(code)
	var d *inventory.Device
	if err == nil {
		d, err = h.inventory.DeviceByTag(r.Context(), tag)
	}
	if err == nil {
		return d, http.StatusOK, ""
	}
	e := explain(v.L, err)
	switch {
	case e.status == http.StatusInternalServerError:
		return nil, e.status, err.Error()
	case errors.Is(err, inventory.ErrNotFound):
		// The scan page names the tag it looked for.
		return nil, e.status, v.T("scan.unknown", "Tag", tag)
	}
	return nil, e.status, e.message
}

// label answers what a label's QR code opens (/D/DI-000123-K, upper-cased by the code). A
// signed-in user gets the device page; anyone else a neutral page that names the organisation
// and tells nothing about the device, not even whether it exists.
func (h *Handler) label(w http.ResponseWriter, r *http.Request) {
	if _, ok := auth.ActorFrom(r.Context()); ok {
		h.devicePage(w, r)
		return
	}
	v, err := h.newView(r, "public.title")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v.Data = "/login?next=" + url.QueryEscape("/D/"+r.PathValue("tag"))
	if v.Org.OrgName == "" && h.certificates != nil {
		// Without ORG_NAME, the issuer printed on certificates names the organisation.
		if org, err := h.certificates.Organisation(r.Context()); err == nil {
			v.Org.OrgName = org.Name
		}
	}
	w.Header().Set("X-Robots-Tag", "noindex")
	h.render(w, r, http.StatusOK, "public.html", v)
}

// modePrefix starts the code of a bench mode card.
const modePrefix = "MODE:"

// modeOf reads a mode card: MODE:READY, mode:in-repair, MODE:OFF (disarm, status ""). ok is
// false for anything else.
func modeOf(code string) (inventory.Status, bool) {
	code = strings.TrimSpace(code)
	if len(code) < len(modePrefix) || !strings.EqualFold(code[:len(modePrefix)], modePrefix) {
		return "", false
	}
	name := strings.ToLower(strings.TrimSpace(code[len(modePrefix):]))
	name = strings.NewReplacer("-", "_", " ", "_").Replace(name)
	if name == "off" {
		return "", true
	}
	s := inventory.Status(name)
	return s, s.Valid()
}
