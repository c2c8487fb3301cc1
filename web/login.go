package web

import (
	"embed"
	"encoding/json"
	"errors"
	"html/template"
	"log/slog"
	"mime"
	"net/http"
	"strings"

	"github.com/alexedwards/scs/v2"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/internal/reqinfo"
	"github.com/digital-inclusion/refurb/inventory"
)

//go:embed templates
var templateFS embed.FS

// Deps are the services the pages use.
type Deps struct {
	Auth      *auth.Service
	Inventory *inventory.Store
	Sessions  *scs.SessionManager
	Logger    *slog.Logger
}

// Handler serves the pages.
type Handler struct {
	auth      *auth.Service
	inventory *inventory.Store
	sessions  *scs.SessionManager
	log       *slog.Logger
	tmpl      *template.Template
	mux       *http.ServeMux
}

// NewHandler returns the pages' handler.
func NewHandler(deps Deps) (*Handler, error) {
	tmpl, err := template.ParseFS(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	h := &Handler{auth: deps.Auth, inventory: deps.Inventory, sessions: deps.Sessions, log: deps.Logger, tmpl: tmpl, mux: http.NewServeMux()}
	h.mux.HandleFunc("GET /login", h.loginPage)
	h.mux.HandleFunc("POST /login", h.login)
	h.mux.HandleFunc("POST /logout", h.logout)
	h.mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/login", http.StatusSeeOther)
	})
	return h, nil
}

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) { h.mux.ServeHTTP(w, r) }

type loginData struct {
	User  *auth.User
	Email string
	Next  string
	Error string
}

func (h *Handler) loginPage(w http.ResponseWriter, r *http.Request) {
	me, err := h.auth.Me(r.Context())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "login.html", loginData{User: me, Next: safeNext(r.URL.Query().Get("next"))})
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
			writeJSON(w, http.StatusUnauthorized, map[string]string{"error": err.Error()})
			return
		}
		h.render(w, r, http.StatusUnauthorized, "login.html", loginData{Email: email, Next: next, Error: "Invalid email or password."})
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
		next = "/login"
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

func (h *Handler) render(w http.ResponseWriter, r *http.Request, status int, name string, data any) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	if err := h.tmpl.ExecuteTemplate(w, name, data); err != nil {
		h.log.ErrorContext(r.Context(), "render page", "template", name, "request_id", reqinfo.From(r.Context()).ID, "err", err)
	}
}

// fail answers an unexpected error without its detail, which goes to the log with the request id.
func (h *Handler) fail(w http.ResponseWriter, r *http.Request, err error) {
	id := reqinfo.From(r.Context()).ID
	h.log.ErrorContext(r.Context(), "request failed", "request_id", id, "path", r.URL.Path, "err", err)
	http.Error(w, "internal error (request "+id+")", http.StatusInternalServerError)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}
