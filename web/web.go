package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"path"
	"reflect"
	"strings"
	"time"
	_ "time/tzdata" // the workshop's time zone, whatever the server's system has

	"github.com/alexedwards/scs/v2"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/certificates"
	"github.com/digital-inclusion/refurb/impact"
	"github.com/digital-inclusion/refurb/internal/calendar"
	"github.com/digital-inclusion/refurb/internal/reqinfo"
	"github.com/digital-inclusion/refurb/inventory"
	"github.com/digital-inclusion/refurb/requests"
	"github.com/digital-inclusion/refurb/workshops"
)

//go:embed templates static locales
var files embed.FS

// Config is what the pages show about the organisation that runs Refurb.
type Config struct {
	PublicURL  string // e.g. https://refurb.example, no trailing slash
	OrgName    string // shown to anyone who scans a label without signing in
	OrgContact string // an e-mail address, phone number or address, shown with OrgName
	// TimeZone is where dates and times are shown; default Europe/Luxembourg.
	TimeZone *time.Location
}

// Deps are the services the pages use.
type Deps struct {
	Auth      *auth.Service
	Inventory *inventory.Store
	Sessions  *scs.SessionManager
	Logger    *slog.Logger
	Config    Config
	// Certificates serves certificates' PDFs, their public verification and their issue.
	Certificates *certificates.Store
	// Requests serves device requests, triage, the hand-out counter and their administration.
	Requests *requests.Store
	// Workshops runs the school: trainees, hours, sessions, skills (web/workshops.go).
	Workshops *workshops.Store
	// Impact reads the impact ledger and donors' impact (web/impact.go).
	Impact *impact.Store
}

// Handler serves the pages.
type Handler struct {
	auth         *auth.Service
	inventory    *inventory.Store
	certificates *certificates.Store
	requests     *requests.Store
	workshops    *workshops.Store
	impact       *impact.Store
	sessions     *scs.SessionManager
	log          *slog.Logger
	cfg          Config
	tr           *translations
	pages        map[string]*template.Template
	asset        string // version of the static files, for cache busting
	static       fs.FS
	mux          *http.ServeMux
}

// NewHandler returns the pages' handler.
func NewHandler(deps Deps) (*Handler, error) {
	cfg := deps.Config
	if cfg.TimeZone == nil {
		cfg.TimeZone = calendar.Zone()
	}
	tr, err := loadTranslations(files)
	if err != nil {
		return nil, err
	}
	static, err := fs.Sub(files, "static")
	if err != nil {
		return nil, err
	}
	h := &Handler{auth: deps.Auth, inventory: deps.Inventory, sessions: deps.Sessions, log: deps.Logger, cfg: cfg,
		tr: tr, static: static, mux: http.NewServeMux(), certificates: deps.Certificates, requests: deps.Requests, workshops: deps.Workshops, impact: deps.Impact}
	if h.asset, err = assetVersion(static); err != nil {
		return nil, err
	}
	if h.pages, err = parsePages(); err != nil {
		return nil, err
	}
	h.routes()
	return h, nil
}

func (h *Handler) routes() {
	m := h.mux
	m.HandleFunc("GET /login", h.loginPage)
	m.HandleFunc("POST /login", h.login)
	m.HandleFunc("POST /logout", h.logout)
	m.HandleFunc("POST /lang", h.setLanguage)
	m.HandleFunc("GET /static/{file}", h.serveStatic)
	m.HandleFunc("GET /{$}", h.home)
	m.HandleFunc("GET /scan", h.scan)
	m.HandleFunc("GET /D/{tag}", h.label)
	m.HandleFunc("GET /d/{tag}", h.label)
	m.HandleFunc("GET /devices", h.deviceList)
	m.HandleFunc("GET /devices/{tag}", h.devicePage)
	m.HandleFunc("POST /devices/{tag}/transition", h.transition)
	m.HandleFunc("POST /devices/{tag}/wipe", h.recordWipe)
	m.HandleFunc("POST /devices/{tag}/repair", h.recordRepair)
	m.HandleFunc("POST /devices/{tag}/qa", h.recordQA)
	m.HandleFunc("POST /devices/{tag}/note", h.addNote)
	m.HandleFunc("POST /devices/{tag}/flag", h.setFlag)
	m.HandleFunc("GET /bench", h.benchPage)
	m.HandleFunc("POST /bench", h.benchScan)
	m.HandleFunc("GET /bench/cards", h.benchCards)
	m.HandleFunc("GET /intake", h.intakePage)
	m.HandleFunc("POST /intake", h.createDonation)
	m.HandleFunc("GET /intake/{number}", h.donationPage)
	m.HandleFunc("POST /intake/{number}/devices", h.addDevice)
	m.HandleFunc("POST /intake/{number}/import", h.checkImport)
	m.HandleFunc("POST /intake/{number}/import/confirm", h.confirmImport)
	m.HandleFunc("POST /imports", h.importAssetList)
	m.HandleFunc("GET /wipe-reports", h.wipeReportsPage)
	m.HandleFunc("POST /wipe-reports", h.importWipeReports)
	m.HandleFunc("POST /wipe-reports/check", h.checkWipeReports)
	m.HandleFunc("POST /wipe-reports/confirm", h.confirmWipeReports)
	m.HandleFunc("GET /wipe-reports/{sha256}", h.wipeReportFile)
	m.HandleFunc("GET /labels", h.labelSheet)
	m.HandleFunc("GET /labels/{file}", h.labelPNG)
	m.HandleFunc("POST /labels/reserve", h.reserveLabels)
	m.HandleFunc("GET /certificates/{file}", h.certificatePDF)
	m.HandleFunc("GET /verify/{number}", h.verifyPage)
	m.HandleFunc("POST /verify/{number}", h.verifyPage)
	m.HandleFunc("GET /donations", h.myDonations)
	m.HandleFunc("POST /donations/{number}/certificates", h.issueCertificate)
	h.requestRoutes(m)
	m.HandleFunc("/", h.notFound)
	if h.workshops != nil {
		h.workshopRoutes()
	}
	if h.impact != nil {
		h.impactRoutes()
	}
}

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if h.workshops != nil && h.pinGuard(w, r) {
		return
	}
	h.mux.ServeHTTP(w, r)
}

// parsePages parses each page with the layout it fills.
func parsePages() (map[string]*template.Template, error) {
	names, err := fs.Glob(files, "templates/*.html")
	if err != nil {
		return nil, err
	}
	pages := map[string]*template.Template{}
	for _, name := range names {
		base := path.Base(name)
		if base == "layout.html" {
			continue
		}
		t, err := template.New(base).Funcs(funcs).ParseFS(files, "templates/layout.html", name)
		if err != nil {
			return nil, err
		}
		pages[base] = t
	}
	return pages, nil
}

func assetVersion(static fs.FS) (string, error) {
	hash := sha256.New()
	err := fs.WalkDir(static, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(static, p)
		hash.Write(b)
		return err
	})
	return hex.EncodeToString(hash.Sum(nil))[:10], err
}

func (h *Handler) serveStatic(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("file")
	b, err := fs.ReadFile(h.static, name)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	if r.URL.Query().Get("v") == h.asset {
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		w.Header().Set("Cache-Control", "no-cache")
	}
	http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(b))
}

// view is what every page's template gets: the layout's data and the page's own.
type view struct {
	L      *locale
	User   *auth.User
	Title  string
	Nav    string // the current section of the header's navigation
	Path   string // the request's path and query, to come back to after a language switch
	Flash  string
	Failed bool // the flash reports a failure
	Asset  string
	Org    Config
	Langs  any // the language switch's choices
	Data   any
	actor  auth.Actor // the zero Actor, in no group, for an anonymous visitor
}

// T translates a message for the page's language.
func (v *view) T(id string, pairs ...any) string { return v.L.T(id, pairs...) }

// questions are what templates ask with .May, each answered by the policy of the domain that
// owns the rule (inventory/policy.go, certificates/policy.go), so that no template or handler
// names a role. Pages use them only to hide what the domain would refuse anyway.
var questions = map[string]func(auth.Actor) bool{
	"work":         inventory.MayWork,        // scan, bench mode, the device page's work forms
	"intake":       inventory.MayManage,      // intake, asset lists, reserved tags
	"labels":       inventory.MayPrintLabels, // label PNGs and sheets
	"certificates": certificates.MayRead,     // the donations page and its certificates
	"issue": func(a auth.Actor) bool { // the donation page's certificate form
		return certificates.MayIssue(a, certificates.KindDonation) || certificates.MayIssue(a, certificates.KindErasure)
	},
	"requests":   requests.MayRead,       // the request lists
	"triage":     requests.MayTriage,     // the triage queue, decisions, matching, the hand-out
	"administer": requests.MayAdminister, // users, partner organisations, the request policy
}

// May answers one of questions for the page's user; a question not in the list fails the page,
// so a misspelt one is caught by the first test that renders it.
func (v *view) May(question string) (bool, error) {
	q, ok := questions[question]
	if !ok {
		return false, fmt.Errorf("May %q: no such question", question)
	}
	return q(v.actor), nil
}

// newView builds a page's common data: the language, the signed-in user and the flash left by
// the previous request.
func (h *Handler) newView(r *http.Request, titleID string) (*view, error) {
	me, err := h.auth.Me(r.Context())
	if err != nil {
		return nil, err
	}
	lang := pickLanguage(r)
	if _, err := r.Cookie(langCookie); err != nil && me != nil && me.Language != nil && knownLanguage(*me.Language) {
		lang = *me.Language // the language the user picked before, on another device
	}
	v := &view{L: h.tr.locale(lang, h.cfg.TimeZone), User: me, Path: r.URL.RequestURI(), Asset: h.asset, Org: h.cfg, Langs: languages}
	if me != nil {
		v.actor, _ = auth.ActorFrom(r.Context())
	}
	v.Title = v.T(titleID)
	if me != nil && hasSession(r) {
		v.Flash = h.sessions.PopString(r.Context(), "flash")
		v.Failed = h.sessions.PopBool(r.Context(), "flash_failed")
	}
	return v, nil
}

// signedIn returns the page's view for a signed-in user, or sends an anonymous visitor to the
// sign-in page and coming back here afterwards.
func (h *Handler) signedIn(w http.ResponseWriter, r *http.Request, titleID string) (*view, bool) {
	v, err := h.newView(r, titleID)
	if err != nil {
		h.fail(w, r, err)
		return nil, false
	}
	if v.User == nil {
		next := r.URL.RequestURI()
		if r.Method != http.MethodGet {
			next = r.Referer()
			if u, err := url.Parse(next); err == nil {
				next = u.RequestURI()
			}
		}
		http.Redirect(w, r, "/login?next="+url.QueryEscape(safeNext(next)), http.StatusSeeOther)
		return nil, false
	}
	return v, true
}

// signedInForm is signedIn for a posted form: it also reads the form, of at most limit bytes,
// and answers 400 when it cannot.
func (h *Handler) signedInForm(w http.ResponseWriter, r *http.Request, titleID string, limit int64) (*view, bool) {
	v, ok := h.signedIn(w, r, titleID)
	if !ok {
		return nil, false
	}
	r.Body = http.MaxBytesReader(w, r.Body, limit)
	if err := r.ParseForm(); err != nil {
		http.Error(w, "the form could not be read", http.StatusBadRequest)
		return nil, false
	}
	return v, true
}

// hasSession reports whether the request carries a browser session. A request with an API token
// has none (auth's middleware loads sessions for cookies only), so what lives in a session
// (flash messages, bench mode) is left out for it rather than panicking in scs.
func hasSession(r *http.Request) bool {
	a, ok := auth.ActorFrom(r.Context())
	return !ok || a.TokenID == 0
}

// flash leaves a message for the next page the user sees.
func (h *Handler) flash(r *http.Request, msg string, failed bool) {
	if !hasSession(r) {
		return
	}
	h.sessions.Put(r.Context(), "flash", msg)
	if failed {
		h.sessions.Put(r.Context(), "flash_failed", true)
	}
}

func (h *Handler) render(w http.ResponseWriter, r *http.Request, status int, name string, v *view) {
	t := h.pages[name]
	if t == nil {
		h.fail(w, r, fmt.Errorf("no template %s", name))
		return
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", v); err != nil {
		h.fail(w, r, fmt.Errorf("render %s: %w", name, err))
		return
	}
	page := buf.Bytes()
	if v.User != nil {
		page = withFormKeys(page)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Language", v.L.Code)
	w.Header().Set("Vary", "Cookie, Accept-Language")
	w.WriteHeader(status)
	w.Write(page)
}

func (h *Handler) notFound(w http.ResponseWriter, r *http.Request) {
	v, err := h.newView(r, "problem.title")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v.Data = v.T("problem.page_notfound")
	h.render(w, r, http.StatusNotFound, "problem.html", v)
}

// fail answers an unexpected error without its detail, which goes to the log with the request id.
// The database's absence is no bug: it is answered 503 with a sentence and when to try again.
func (h *Handler) fail(w http.ResponseWriter, r *http.Request, err error) {
	id := reqinfo.From(r.Context()).ID
	if e := explain(h.requestLocale(r), err); e.status == http.StatusServiceUnavailable {
		h.log.WarnContext(r.Context(), "database unavailable", "request_id", id, "path", r.URL.Path, "err", err)
		e.setHeaders(w)
		http.Error(w, e.message, e.status)
		return
	}
	h.log.ErrorContext(r.Context(), "request failed", "request_id", id, "path", r.URL.Path, "err", err)
	http.Error(w, "internal error (request "+id+")", http.StatusInternalServerError)
}

// setLanguage remembers the language picked with the header's switch and goes back to the page.
func (h *Handler) setLanguage(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 4<<10)
	if err := r.ParseForm(); err != nil {
		http.Error(w, "the form could not be read", http.StatusBadRequest)
		return
	}
	lang := r.PostForm.Get("lang")
	if !knownLanguage(lang) {
		http.Error(w, "unknown language", http.StatusBadRequest)
		return
	}
	// A signed-in user's choice follows them to other devices and into their e-mails.
	if err := h.auth.SetLanguage(r.Context(), lang); err != nil {
		h.fail(w, r, err)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: langCookie, Value: lang, Path: "/", MaxAge: 365 * 24 * 3600,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: strings.HasPrefix(h.cfg.PublicURL, "https://")})
	next := safeNext(r.PostForm.Get("next"))
	if next == "" {
		next = "/"
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// home is the scan page for the workshop, the donations page for a donor's users.
func (h *Handler) home(w http.ResponseWriter, r *http.Request) {
	a, ok := auth.ActorFrom(r.Context())
	switch {
	case !ok:
		http.Redirect(w, r, "/login", http.StatusSeeOther)
	case !inventory.MayWork(a) && certificates.MayRead(a):
		http.Redirect(w, r, "/donations", http.StatusSeeOther)
	default:
		h.scan(w, r)
	}
}

var funcs = template.FuncMap{
	// deref shows what an optional field holds, or nothing.
	"deref": func(v any) any {
		rv := reflect.ValueOf(v)
		if rv.Kind() != reflect.Pointer {
			return v
		}
		if rv.IsNil() {
			return ""
		}
		return rv.Elem().Interface()
	},
	"upper":              strings.ToUpper,
	"list":               func(xs ...string) []string { return xs },
	"pair":               func(a, b any) []any { return []any{a, b} },
	"methods":            methodsFor,
	"statusClass":        func(s inventory.Status) string { return "s-" + string(s) },
	"requestStatusClass": requestStatusClass,
	"str":                func(v any) string { return fmt.Sprint(v) },
	"eq2":                func(a, b any) bool { return fmt.Sprint(a) == fmt.Sprint(b) },
	"query": func(pairs ...string) template.URL {
		q := url.Values{}
		for i := 0; i+1 < len(pairs); i += 2 {
			if pairs[i+1] != "" {
				q.Set(pairs[i], pairs[i+1])
			}
		}
		return template.URL(q.Encode())
	},
}
