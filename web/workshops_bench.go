package web

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/workshops"
)

// Signing in at the bench (docs/workshops.md): a staff member opens bench mode on a shared
// device, which then keeps the bench's token in a cookie and lists, by name only, the trainees
// enrolled today who have a PIN. A trainee picks their name (or scans their badge) and types
// their PIN; the session that starts is their TRAINEE account's, and ends after pinIdle without
// a request or when they press "Done". Anywhere else the list of names is not shown.

const (
	// benchCookie holds a bench device's token.
	benchCookie = "refurb_bench"
	// pinUntilKey marks a session started with a PIN: when it ends unless used again.
	pinUntilKey = "ws.pin_until"
	// pinIdle is how long a PIN session lasts without a request.
	pinIdle = 15 * time.Minute
)

// benchToken returns the bench token the device holds, "" for none.
func benchToken(r *http.Request) string {
	if c, err := r.Cookie(benchCookie); err == nil {
		return c.Value
	}
	return ""
}

// pinSession reports whether the request's session was started with a PIN.
func (h *Handler) pinSession(r *http.Request) bool {
	return hasSession(r) && h.sessions.GetInt64(r.Context(), pinUntilKey) != 0
}

// pinGuard ends a PIN session idle for longer than pinIdle and sends the device back to the
// names, and keeps an active one alive. It reports whether it answered the request.
func (h *Handler) pinGuard(w http.ResponseWriter, r *http.Request) bool {
	if !hasSession(r) || strings.HasPrefix(r.URL.Path, "/static/") {
		return false
	}
	ctx := r.Context()
	until := h.sessions.GetInt64(ctx, pinUntilKey)
	if until == 0 {
		return false
	}
	if a, ok := auth.ActorFrom(ctx); !ok || !workshops.IsTrainee(a) {
		// Someone else signed in on this session since (a staff member at the login form):
		// theirs is not a PIN session.
		h.sessions.Remove(ctx, pinUntilKey)
		return false
	}
	now := time.Now()
	if now.Unix() > until {
		if err := auth.EndSession(ctx, h.sessions); err != nil {
			h.fail(w, r, err)
			return true
		}
		http.Redirect(w, r, "/pin", http.StatusSeeOther)
		return true
	}
	// Keep an active session alive, writing it back at most once a minute: a read of a
	// session is otherwise free (auth's session store).
	if until-now.Unix() < int64((pinIdle - time.Minute).Seconds()) {
		h.sessions.Put(ctx, pinUntilKey, now.Add(pinIdle).Unix())
	}
	return false
}

// pinData is the bench sign-in page's: the names, or one trainee's PIN pad.
type pinData struct {
	Names   []workshops.BenchTrainee
	Trainee *workshops.BenchTrainee
	// Bench is the open bench this device is; nil on a staff member's device.
	Bench *workshops.Bench
	// Staff is set for a staff member, who may open bench mode on this device.
	Staff bool
	Error string
}

// benchAccess says how the request may see the bench's names: by the device's bench token, or
// as a staff member (token ""). ok is false for anyone else.
func (h *Handler) benchAccess(r *http.Request) (token string, bench *workshops.Bench, staff, ok bool) {
	a, _ := auth.ActorFrom(r.Context())
	staff = workshops.MayManage(a)
	if t := benchToken(r); t != "" {
		if b, err := h.workshops.BenchByToken(r.Context(), t); err == nil {
			return t, b, staff, true
		}
	}
	return "", nil, staff, staff
}

// pinNames lists the trainees who may sign in here, on a bench device or to staff; anyone else
// learns how to get bench mode opened, and no names.
func (h *Handler) pinNames(w http.ResponseWriter, r *http.Request) {
	v, err := h.newView(r, "ws.pin.title")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v.Nav = "pin"
	token, bench, staff, ok := h.benchAccess(r)
	d := pinData{Bench: bench, Staff: staff}
	if ok {
		if d.Names, err = h.workshops.BenchTrainees(r.Context(), token); err != nil {
			h.wsProblem(w, r, v, err)
			return
		}
	}
	w.Header().Set("X-Robots-Tag", "noindex")
	v.Data = d
	h.render(w, r, http.StatusOK, "ws_pin.html", v)
}

// benchTrainee returns the trainee of the path's id if they are on this device's list.
func (h *Handler) benchTrainee(r *http.Request) (*workshops.BenchTrainee, bool) {
	token, _, _, ok := h.benchAccess(r)
	if !ok {
		return nil, false
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return nil, false
	}
	t, err := h.workshops.BenchTraineeByID(r.Context(), token, id)
	return t, err == nil
}

// inLanguage switches the view to the trainee's language when the pages have it.
func (h *Handler) inLanguage(v *view, lang, titleID string) {
	if knownLanguage(lang) {
		v.L = h.tr.locale(lang, h.cfg.TimeZone)
		v.Title = v.T(titleID)
	}
}

// pinPad asks the trainee picked on the bench for their PIN, in their language.
func (h *Handler) pinPad(w http.ResponseWriter, r *http.Request) {
	v, err := h.newView(r, "ws.pin.title")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	t, ok := h.benchTrainee(r)
	if !ok {
		http.Redirect(w, r, "/pin", http.StatusSeeOther)
		return
	}
	h.inLanguage(v, t.Language, "ws.pin.title")
	v.Nav = "pin"
	v.Data = pinData{Trainee: t}
	h.render(w, r, http.StatusOK, "ws_pin.html", v)
}

// pinSignIn checks a trainee's PIN and signs their account in on this device, for pinIdle.
func (h *Handler) pinSignIn(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 4<<10)
	if err := r.ParseForm(); err != nil {
		http.Error(w, "the form could not be read", http.StatusBadRequest)
		return
	}
	v, err := h.newView(r, "ws.pin.title")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	t, ok := h.benchTrainee(r)
	if !ok {
		http.Redirect(w, r, "/pin", http.StatusSeeOther)
		return
	}
	h.inLanguage(v, t.Language, "ws.pin.title")
	ctx := r.Context()
	user, err := h.auth.LoginPIN(ctx, t.ID, strings.TrimSpace(r.PostForm.Get("pin")))
	if errors.Is(err, auth.ErrInvalidCredentials) {
		v.Data = pinData{Trainee: t, Error: v.T("ws.pin.wrong")}
		h.render(w, r, http.StatusUnauthorized, "ws_pin.html", v)
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if err := auth.StartSession(ctx, h.sessions, user); err != nil {
		h.fail(w, r, err)
		return
	}
	h.sessions.Put(ctx, pinUntilKey, time.Now().Add(pinIdle).Unix())
	if knownLanguage(t.Language) {
		http.SetCookie(w, &http.Cookie{Name: langCookie, Value: t.Language, Path: "/", MaxAge: 365 * 24 * 3600,
			HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: strings.HasPrefix(h.cfg.PublicURL, "https://")})
	}
	http.Redirect(w, r, "/hours", http.StatusSeeOther)
}

// pinDone signs the trainee out and shows the names again, for the next one.
func (h *Handler) pinDone(w http.ResponseWriter, r *http.Request) {
	if err := h.auth.Logout(r.Context()); err != nil {
		h.fail(w, r, err)
		return
	}
	if err := auth.EndSession(r.Context(), h.sessions); err != nil {
		h.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/pin", http.StatusSeeOther)
}

// openBench puts this device in bench mode, for a working day, and signs the staff member out
// of it: the device is shared from now on.
func (h *Handler) openBench(w http.ResponseWriter, r *http.Request) {
	v, ok := h.signedInForm(w, r, "ws.pin.title", 4<<10)
	if !ok {
		return
	}
	name := strings.TrimSpace(r.PostForm.Get("name"))
	if name == "" {
		name = v.T("ws.bench.default_name")
	}
	token, b, err := h.workshops.OpenBench(r.Context(), name)
	if err != nil {
		h.wsFail(w, r, v, err, "/pin")
		return
	}
	http.SetCookie(w, &http.Cookie{Name: benchCookie, Value: token, Path: "/", Expires: b.ExpiresAt,
		MaxAge: int(workshops.BenchLifetime.Seconds()), HttpOnly: true, SameSite: http.SameSiteLaxMode,
		Secure: strings.HasPrefix(h.cfg.PublicURL, "https://")})
	if err := h.auth.Logout(r.Context()); err != nil {
		h.fail(w, r, err)
		return
	}
	if err := auth.EndSession(r.Context(), h.sessions); err != nil {
		h.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/pin", http.StatusSeeOther)
}

// closeBench ends a bench's mode; this device forgets it if it is that bench.
func (h *Handler) closeBench(w http.ResponseWriter, r *http.Request) {
	v, ok := h.signedInForm(w, r, "ws.trainees.title", 4<<10)
	if !ok {
		return
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		h.notFound(w, r)
		return
	}
	if t := benchToken(r); t != "" {
		if b, err := h.workshops.BenchByToken(r.Context(), t); err == nil && b.ID == id {
			http.SetCookie(w, &http.Cookie{Name: benchCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteLaxMode})
		}
	}
	if err := h.workshops.CloseBench(r.Context(), id); err != nil {
		h.wsFail(w, r, v, err, "/trainees")
		return
	}
	h.flash(r, v.T("ws.bench.closed"), false)
	http.Redirect(w, r, "/trainees", http.StatusSeeOther)
}

// badge answers what a trainee's badge opens (PUBLIC_URL/T/TOKEN): the trainee's file for
// staff, the trainee's PIN pad on a bench device, and for anyone else a page that says whose
// badge it is not.
func (h *Handler) badge(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	token := r.PathValue("token")
	if a, ok := auth.ActorFrom(ctx); ok && workshops.MayManage(a) {
		t, err := h.workshops.TraineeByBadge(ctx, token)
		if err == nil {
			http.Redirect(w, r, "/trainees/"+strconv.FormatInt(t.ID, 10), http.StatusSeeOther)
			return
		}
		if !errors.Is(err, workshops.ErrNotFound) {
			h.fail(w, r, err)
			return
		}
	} else if bench := benchToken(r); bench != "" {
		if t, err := h.workshops.BenchTraineeByBadge(ctx, bench, token); err == nil {
			http.Redirect(w, r, "/pin/"+strconv.FormatInt(t.ID, 10), http.StatusSeeOther)
			return
		}
	}
	v, err := h.newView(r, "ws.badge.title")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v.Data = "/login?next=" + url.QueryEscape("/T/"+token)
	w.Header().Set("X-Robots-Tag", "noindex")
	h.render(w, r, http.StatusOK, "ws_badge.html", v)
}
