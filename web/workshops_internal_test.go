package web

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/alexedwards/scs/v2"

	"github.com/digital-inclusion/refurb/auth"
)

// TestPINSessionEndsWhenIdle: a session started with a PIN ends after pinIdle without a
// request and sends the device back to the names; a used one is kept alive.
func TestPINSessionEndsWhenIdle(t *testing.T) {
	sm := scs.New()
	h := &Handler{sessions: sm, log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	var token string
	serve := func(until int64, check func(w *httptest.ResponseRecorder, handled bool)) {
		t.Helper()
		var handled bool
		inner := sm.LoadAndSave(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if until != 0 {
				sm.Put(r.Context(), pinUntilKey, until)
				sm.Put(r.Context(), "user_id", int64(7))
				return
			}
			handled = h.pinGuard(w, r)
		}))
		r := httptest.NewRequest("GET", "/hours", nil)
		r = r.WithContext(auth.WithActor(r.Context(), auth.Actor{UserID: 7, Role: auth.RoleTrainee, TraineeID: 3}))
		if token != "" {
			r.AddCookie(&http.Cookie{Name: sm.Cookie.Name, Value: token})
		}
		w := httptest.NewRecorder()
		inner.ServeHTTP(w, r)
		for _, c := range w.Result().Cookies() {
			if c.Name == sm.Cookie.Name {
				token = c.Value
			}
		}
		if check != nil {
			check(w, handled)
		}
	}
	serve(time.Now().Add(time.Minute).Unix(), nil)
	serve(0, func(w *httptest.ResponseRecorder, handled bool) {
		if handled {
			t.Errorf("an active PIN session was ended: %d %q", w.Code, w.Header().Get("Location"))
		}
	})
	serve(time.Now().Add(-time.Second).Unix(), nil)
	serve(0, func(w *httptest.ResponseRecorder, handled bool) {
		if !handled || w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/pin" {
			t.Errorf("an idle PIN session: handled %v, %d %q; want a redirect to /pin", handled, w.Code, w.Header().Get("Location"))
		}
	})
	serve(0, func(w *httptest.ResponseRecorder, handled bool) {
		if handled {
			t.Error("the ended session is still a PIN session")
		}
	})
	// A staff member who signs in on the session afterwards is not held to the PIN's idle time.
	serve(time.Now().Add(-time.Second).Unix(), nil)
	staff := sm.LoadAndSave(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r = r.WithContext(auth.WithActor(r.Context(), auth.Actor{UserID: 8, Role: auth.RoleStaff}))
		if h.pinGuard(w, r) {
			t.Error("a staff member's session was ended as a PIN session")
		}
	}))
	r := httptest.NewRequest("GET", "/review", nil)
	r.AddCookie(&http.Cookie{Name: sm.Cookie.Name, Value: token})
	staff.ServeHTTP(httptest.NewRecorder(), r)
}
