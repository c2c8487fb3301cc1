package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/digital-inclusion/refurb/inventory"
)

// The device page's work forms: a repair, a QA check, a note, a flag. Each passes the version
// the page showed, and the domain checks it under the device's lock: a user never records work
// against a device that moved on since they opened its page.

// qaTemplate returns the checklist of a device kind.
func (h *Handler) qaTemplate(ctx context.Context, kind inventory.Kind) ([]inventory.QAItem, error) {
	return h.inventory.QATemplate(ctx, kind)
}

// QALabel is a checklist item's label in the page's language; items an administrator added
// keep the label they were given.
func (v *view) QALabel(item inventory.QAItem) string {
	id := "qa.item." + item.Key
	if s := v.T(id); s != id {
		return s
	}
	return item.Label
}

func (h *Handler) recordRepair(w http.ResponseWriter, r *http.Request) {
	v, d, version, ok := h.deviceForm(w, r)
	if !ok {
		return
	}
	f := r.PostForm
	minutes := 0
	if m := strings.TrimSpace(f.Get("minutes")); m != "" {
		n, err := strconv.Atoi(m)
		if err != nil {
			h.showDevice(w, r, v, http.StatusUnprocessableEntity, &deviceData{Error: v.T("repair.bad_minutes"), Form: "repair", Values: r.PostForm})
			return
		}
		minutes = n
	}
	_, nd, err := h.inventory.RecordRepair(r.Context(), inventory.NewRepair{DeviceID: d.ID, Description: f.Get("description"),
		PartsUsed: f.Get("parts"), Minutes: minutes, Outcome: inventory.Outcome(f.Get("outcome")), Version: version})
	if err != nil {
		h.refuse(w, r, v, "repair", err)
		return
	}
	h.done(w, r, nd, v.T("repair.recorded"))
}

func (h *Handler) recordQA(w http.ResponseWriter, r *http.Request) {
	v, d, version, ok := h.deviceForm(w, r)
	if !ok {
		return
	}
	items, err := h.inventory.QATemplate(r.Context(), d.Kind)
	if err != nil {
		h.refuse(w, r, v, "qa", err)
		return
	}
	answers := make([]inventory.QAItem, len(items))
	for i, it := range items {
		answers[i] = inventory.QAItem{Key: it.Key, Passed: r.PostForm.Get("qa."+it.Key) == "passed"}
	}
	check, nd, err := h.inventory.RecordQACheck(r.Context(), inventory.NewQACheck{DeviceID: d.ID, Items: answers, Note: r.PostForm.Get("note"), Version: version})
	if err != nil {
		h.refuse(w, r, v, "qa", err)
		return
	}
	msg := v.T("qa.recorded_failed")
	if check.Passed {
		msg = v.T("qa.recorded_passed")
	}
	h.flash(r, msg, !check.Passed)
	http.Redirect(w, r, "/devices/"+url.PathEscape(nd.Tag), http.StatusSeeOther)
}

func (h *Handler) addNote(w http.ResponseWriter, r *http.Request) {
	v, d, version, ok := h.deviceForm(w, r)
	if !ok {
		return
	}
	nd, err := h.inventory.AddNote(r.Context(), d.ID, version, r.PostForm.Get("note"))
	if err != nil {
		h.refuse(w, r, v, "note", err)
		return
	}
	h.done(w, r, nd, v.T("note.recorded"))
}

// setFlag opens or clears a flag; the domain checks the version.
func (h *Handler) setFlag(w http.ResponseWriter, r *http.Request) {
	v, d, version, ok := h.deviceForm(w, r)
	if !ok {
		return
	}
	flag := inventory.Flag(r.PostForm.Get("flag"))
	var nd *inventory.Device
	var err error
	if r.PostForm.Get("action") == "clear" {
		nd, err = h.inventory.ClearFlag(r.Context(), d.ID, version, flag)
	} else {
		nd, err = h.inventory.SetFlag(r.Context(), d.ID, version, flag, r.PostForm.Get("note"))
	}
	if err != nil {
		h.refuse(w, r, v, "flag", err)
		return
	}
	h.done(w, r, nd, v.T("flagform.recorded"))
}

// flagChoices lists the flags a user sets by hand: wipe_failed is set and cleared by wipes.
var flagChoices = []inventory.Flag{inventory.FlagNeedsPart, inventory.FlagNeedsInvestigation, inventory.FlagOverAge}
