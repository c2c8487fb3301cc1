package web

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/inventory"
)

// eventsShown is how much of a device's history its page shows; ?events=all shows more.
const (
	eventsShown    = 30
	eventsShownAll = 300
)

// deviceData is the device page's.
type deviceData struct {
	Device    *inventory.Device
	Donation  *inventory.Donation
	Media     []mediumView
	Flags     []inventory.DeviceFlag
	Events    []eventView
	MoreEvent bool // the timeline is cut
	Allowed   []inventory.Status
	Work      bool // the user works in the workshop: records work, sees who did what
	QA        []inventory.QAItem
	// FlagChoices are the flags set by hand.
	FlagChoices []inventory.Flag
	// Stale says that a form was sent for a version of the device older than this one.
	Stale bool
	// Error is why the last form sent was refused; Form names that form and Values what it held,
	// so the user need not type it again.
	Error  string
	Form   string
	Values url.Values
}

// V returns a field's value as last sent in form, or def.
func (d *deviceData) V(form, field, def string) string {
	if d.Form == form && d.Values != nil && d.Values.Has(field) {
		return d.Values.Get(field)
	}
	return def
}

type mediumView struct {
	inventory.StorageMedium
	Wipe  *inventory.WipeRecord // the latest record of this cycle
	Clean bool                  // the latest record passed
}

type eventView struct {
	inventory.Event
	Actor string
}

// Detail returns an event's detail value as text.
func (e eventView) Detail(key string) string {
	v, ok := e.Event.Detail[key]
	if !ok || v == nil {
		return ""
	}
	switch x := v.(type) {
	case string:
		return x
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(x)
	}
	return ""
}

// loadDevice gathers everything the device page shows about the device with tag.
func (h *Handler) loadDevice(ctx context.Context, tag string, allEvents bool) (*deviceData, error) {
	d, err := h.inventory.DeviceByTag(ctx, tag)
	if err != nil {
		return nil, err
	}
	a, _ := auth.ActorFrom(ctx)
	data := &deviceData{Device: d, Work: inventory.MayWork(a), FlagChoices: flagChoices}
	ids := []int64{d.ID}
	if data.Donation, err = h.inventory.Donation(ctx, d.DonationID); err != nil && !errors.Is(err, inventory.ErrNotFound) {
		return nil, err
	}
	media, err := h.inventory.Storage(ctx, ids)
	if err != nil {
		return nil, err
	}
	var mediumIDs []int64
	for _, m := range media[d.ID] {
		mediumIDs = append(mediumIDs, m.ID)
	}
	wipes := map[int64]*inventory.WipeRecord{}
	if len(mediumIDs) > 0 {
		if wipes, err = h.inventory.LatestWipes(ctx, mediumIDs); err != nil {
			return nil, err
		}
	}
	for _, m := range media[d.ID] {
		w := wipes[m.ID]
		data.Media = append(data.Media, mediumView{StorageMedium: m, Wipe: w, Clean: w != nil && w.Result == inventory.ResultPassed})
	}
	flags, err := h.inventory.OpenFlags(ctx, ids)
	if err != nil {
		return nil, err
	}
	data.Flags = flags[d.ID]
	n := eventsShown
	if allEvents {
		n = eventsShownAll
	}
	events, err := h.inventory.Events(ctx, ids, n+1)
	if err != nil {
		return nil, err
	}
	es := events[d.ID]
	if len(es) > n {
		es, data.MoreEvent = es[:n], true
	}
	var actorIDs []int64
	for _, e := range es {
		if e.ActorID != nil {
			actorIDs = append(actorIDs, *e.ActorID)
		}
	}
	var actors map[int64]*auth.User
	if data.Work && len(actorIDs) > 0 {
		// One statement for the timeline's names; trainees see their colleagues' names too.
		if actors, err = h.auth.UsersByID(ctx, actorIDs); err != nil {
			return nil, err
		}
	}
	for _, e := range es {
		ev := eventView{Event: e}
		if e.ActorID != nil && actors[*e.ActorID] != nil {
			ev.Actor = actors[*e.ActorID].Name
		}
		data.Events = append(data.Events, ev)
	}
	allowed, err := h.inventory.AllowedTransitions(ctx, []*inventory.Device{d})
	if err != nil {
		return nil, err
	}
	data.Allowed = allowed[d.ID]
	if data.Work {
		if data.QA, err = h.qaTemplate(ctx, d.Kind); err != nil {
			return nil, err
		}
	}
	return data, nil
}

// devicePage shows a device: what it is, its state, its history, and forms to act on it.
func (h *Handler) devicePage(w http.ResponseWriter, r *http.Request) {
	v, ok := h.signedIn(w, r, "device.title")
	if !ok {
		return
	}
	h.showDevice(w, r, v, http.StatusOK, nil)
}

// showDevice renders the device page, with the refusal of a form when there was one.
func (h *Handler) showDevice(w http.ResponseWriter, r *http.Request, v *view, status int, refused *deviceData) {
	tag := r.PathValue("tag")
	if _, _, err := inventory.ParseTag(tag); err != nil {
		// A mistyped URL or a label that was misread: say so where the next scan goes.
		_, status, msg := h.lookUp(r, v, tag)
		v.Nav = "scan"
		v.Title = v.T("scan.title")
		v.Data = scanData{Code: tag, Error: msg}
		h.render(w, r, status, "scan.html", v)
		return
	}
	data, err := h.loadDevice(r.Context(), tag, r.URL.Query().Get("events") == "all")
	if err != nil {
		h.problem(w, r, v, err)
		return
	}
	if refused != nil {
		data.Stale, data.Error, data.Form, data.Values = refused.Stale, refused.Error, refused.Form, refused.Values
		if data.Stale {
			data.Values = nil // the user must look at the new state before sending again
		}
	}
	v.Title = data.Device.Tag
	v.Data = data
	h.render(w, r, status, "device.html", v)
}

// deviceForm reads a form posted from the device page: the device it names (as the actor may
// see it now) and the version the user saw. It answers the request itself and returns nil when
// the form cannot be acted on.
func (h *Handler) deviceForm(w http.ResponseWriter, r *http.Request) (*view, *inventory.Device, int, bool) {
	v, ok := h.signedInForm(w, r, "device.title", 64<<10)
	if !ok {
		return nil, nil, 0, false
	}
	d, err := h.inventory.DeviceByTag(r.Context(), r.PathValue("tag"))
	if err != nil {
		h.problem(w, r, v, err)
		return nil, nil, 0, false
	}
	version, err := strconv.Atoi(r.PostForm.Get("version"))
	if err != nil {
		http.Error(w, "the form lacks the device version", http.StatusBadRequest)
		return nil, nil, 0, false
	}
	return v, d, version, true
}

// refuse shows the device page again with why form was refused; a stale version shows the
// device as it is now.
func (h *Handler) refuse(w http.ResponseWriter, r *http.Request, v *view, form string, err error) {
	e := explain(v.L, err)
	switch e.status {
	case http.StatusInternalServerError, http.StatusNotFound, http.StatusUnauthorized:
		h.problem(w, r, v, err)
		return
	}
	h.showDevice(w, r, v, e.status, &deviceData{Stale: e.status == http.StatusConflict, Error: e.message, Form: form, Values: r.PostForm})
}

// done goes back to the device page with a message, so that reloading it sends nothing again.
func (h *Handler) done(w http.ResponseWriter, r *http.Request, d *inventory.Device, msg string) {
	h.flash(r, msg, false)
	http.Redirect(w, r, "/devices/"+url.PathEscape(d.Tag), http.StatusSeeOther)
}

// transition moves a device to the status of the button pressed.
func (h *Handler) transition(w http.ResponseWriter, r *http.Request) {
	v, d, version, ok := h.deviceForm(w, r)
	if !ok {
		return
	}
	to := inventory.Status(r.PostForm.Get("to"))
	nd, err := h.inventory.Transition(r.Context(), d.ID, version, to, r.PostForm.Get("note"))
	if err != nil {
		h.refuse(w, r, v, "transition", err)
		return
	}
	h.done(w, r, nd, v.T("device.moved", "Tag", nd.Tag, "Status", v.T("status."+string(nd.Status))))
}

// recordWipe records the sanitization of one of the device's media.
func (h *Handler) recordWipe(w http.ResponseWriter, r *http.Request) {
	v, d, version, ok := h.deviceForm(w, r)
	if !ok {
		return
	}
	f := r.PostForm
	form := "wipe-" + f.Get("medium")
	mediumID, _ := strconv.ParseInt(f.Get("medium"), 10, 64)
	if !h.mediumOf(r.Context(), d, mediumID) {
		http.Error(w, "no such storage medium in this device", http.StatusBadRequest)
		return
	}
	_, nd, err := h.inventory.RecordWipe(r.Context(), inventory.NewWipe{
		MediumID:     mediumID,
		Method:       inventory.Method(f.Get("method")),
		Technique:    f.Get("technique"),
		Standard:     f.Get("standard"),
		Tool:         f.Get("tool"),
		Verification: f.Get("verification"),
		Result:       inventory.Result(f.Get("result")),
		Warnings:     f.Get("warnings"),
		Destination:  f.Get("destination"),
		DINLevel:     f.Get("din_level"),
		Version:      version, // checked under the device's lock: a stale page records nothing
	})
	if err != nil {
		h.refuse(w, r, v, form, err)
		return
	}
	h.done(w, r, nd, v.T("device.wipe_recorded", "Result", v.T("wipe.result."+f.Get("result"))))
}

// mediumOf reports whether a storage medium belongs to the device.
func (h *Handler) mediumOf(ctx context.Context, d *inventory.Device, mediumID int64) bool {
	media, err := h.inventory.Storage(ctx, []int64{d.ID})
	if err != nil {
		return false
	}
	for _, m := range media[d.ID] {
		if m.ID == mediumID {
			return true
		}
	}
	return false
}

// methodsFor lists the sanitization categories offered for a storage kind, the usual one first.
func methodsFor(k inventory.StorageKind) []inventory.Method {
	if k == inventory.StorageHDD {
		return []inventory.Method{inventory.MethodClear, inventory.MethodPurge, inventory.MethodDestroy}
	}
	return []inventory.Method{inventory.MethodPurge, inventory.MethodClear, inventory.MethodDestroy}
}
