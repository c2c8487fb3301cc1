package web

import (
	"encoding/json"
	"errors"
	"mime"
	"net/http"
	"strings"

	"github.com/digital-inclusion/refurb/auth"
)

type loginData struct {
	Email string
	Next  string
	Error string
}

func (h *Handler) loginPage(w http.ResponseWriter, r *http.Request) {
	h.showLogin(w, r, http.StatusOK, loginData{Next: safeNext(r.URL.Query().Get("next"))})
}

func (h *Handler) showLogin(w http.ResponseWriter, r *http.Request, status int, d loginData) {
	v, err := h.newView(r, "login.title")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v.Data = d
	h.render(w, r, status, "login.html", v)
}

// wantsJSON reports whether the client posted JSON and so expects JSON back (scripts, tests);
// browsers post forms.
func wantsJSON(r *http.Request) bool {
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return mt == "application/json"
}

// login signs a user in. Browsers post a form and are redirected; API clients may post
// {"email", "password"} as JSON and get the user back.
func (h *Handler) login(w http.ResponseWriter, r *http.Request) {
	var email, password, next string
	r.Body = http.MaxBytesReader(w, r.Body, 8<<10)
	if wantsJSON(r) {
		var in struct{ Email, Password string }
		if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": "the body is not a JSON object with email and password"})
			return
		}
		email, password = in.Email, in.Password
	} else {
		if err := r.ParseForm(); err != nil {
			http.Error(w, "the form could not be read", http.StatusBadRequest)
			return
		}
		email, password, next = r.PostForm.Get("email"), r.PostForm.Get("password"), safeNext(r.PostForm.Get("next"))
	}
	user, err := h.auth.Login(r.Context(), email, password)
	if errors.Is(err, auth.ErrInvalidCredentials) {
		if wantsJSON(r) {
			h.jsonError(w, r, err)
			return
		}
		h.showLogin(w, r, http.StatusUnauthorized, loginData{Email: email, Next: next, Error: "login.invalid"})
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if err := auth.StartSession(r.Context(), h.sessions, user); err != nil {
		h.fail(w, r, err)
		return
	}
	if wantsJSON(r) {
		writeJSON(w, http.StatusOK, map[string]any{"id": user.ID, "email": user.Email, "name": user.Name, "role": strings.ToUpper(string(user.Role))})
		return
	}
	if next == "" {
		next = "/"
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

func (h *Handler) logout(w http.ResponseWriter, r *http.Request) {
	if err := h.auth.Logout(r.Context()); err != nil {
		h.fail(w, r, err)
		return
	}
	if err := auth.EndSession(r.Context(), h.sessions); err != nil {
		h.fail(w, r, err)
		return
	}
	if wantsJSON(r) {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

// safeNext keeps only local paths as redirect targets, so that a crafted link cannot send a
// user who just signed in to another site.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return ""
	}
	return next
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}
