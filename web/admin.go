package web

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/inventory"
	"github.com/digital-inclusion/refurb/requests"
	"github.com/digital-inclusion/refurb/validation"
)

// The administration pages: users (create them with any role, link them to a donor, a partner
// organisation or a trainee's record, reset a password, disable and enable them; auth audits
// every change), partner organisations, and the request policy with the retention of trainees'
// records (workshops). Administrators only: the domain
// methods refuse everyone else, and the pages say so.

func (h *Handler) adminRoutes(m *http.ServeMux) {
	m.HandleFunc("GET /admin", h.adminIndex)
	m.HandleFunc("GET /admin/users", h.adminUsers)
	m.HandleFunc("POST /admin/users", h.adminCreateUser)
	m.HandleFunc("POST /admin/users/{id}/password", h.adminResetPassword)
	m.HandleFunc("POST /admin/users/{id}/disabled", h.adminSetDisabled)
	m.HandleFunc("POST /admin/users/{id}/links", h.adminSetLinks)
	m.HandleFunc("GET /admin/partners", h.adminPartners)
	m.HandleFunc("POST /admin/partners", h.adminCreatePartner)
	m.HandleFunc("GET /admin/requests", h.adminPolicy)
	m.HandleFunc("POST /admin/requests", h.adminSetPolicy)
	m.HandleFunc("POST /admin/requests/anonymise", h.adminAnonymise)
	m.HandleFunc("POST /admin/trainees/retention", h.adminSetTraineeRetention)
	m.HandleFunc("POST /admin/trainees/anonymise", h.adminAnonymiseTrainees)
}

// admin returns the page's view for an administrator, or answers the others.
func (h *Handler) admin(w http.ResponseWriter, r *http.Request, titleID string, form bool) (*view, bool) {
	var v *view
	var ok bool
	if form {
		v, ok = h.signedInForm(w, r, titleID, 16<<10)
	} else {
		v, ok = h.signedIn(w, r, titleID)
	}
	if !ok {
		return nil, false
	}
	if !requests.MayAdminister(v.actorOf()) {
		h.problem(w, r, v, auth.ErrForbidden)
		return nil, false
	}
	v.Nav = "admin"
	return v, true
}

func (h *Handler) adminIndex(w http.ResponseWriter, r *http.Request) {
	v, ok := h.admin(w, r, "admin.title", false)
	if !ok {
		return
	}
	h.render(w, r, http.StatusOK, "admin.html", v)
}

// usersData is the users page.
type usersData struct {
	Users []auth.User
	// Query is the search, role and page shown; NextAfter where the next page starts (empty on
	// the last page).
	Query     auth.UserQuery
	NextAfter string
	Roles     []auth.Role
	// DefaultRole is the role the creation form offers first.
	DefaultRole string
	Partners    []requests.Partner
	// partnerNames names each partner organisation by id.
	partnerNames map[int64]string
	Form         url.Values
	Error        string
	// Password is a password just set, shown once, with whose it is.
	Password, PasswordFor string
}

// V returns a submitted value of the creation form, or def.
func (d *usersData) V(name, def string) string {
	if d.Form != nil && d.Form.Has(name) {
		return d.Form.Get(name)
	}
	return def
}

// PartnerName names a partner organisation.
func (d *usersData) PartnerName(id *int64) string {
	if id == nil {
		return ""
	}
	return d.partnerNames[*id]
}

func (h *Handler) showUsers(w http.ResponseWriter, r *http.Request, v *view, status int, d *usersData) {
	q := r.URL.Query()
	d.Query = auth.UserQuery{Search: strings.TrimSpace(q.Get("q")), Role: auth.Role(q.Get("role")), After: q.Get("after")}
	if !d.Query.Role.Valid() {
		d.Query.Role = ""
	}
	page, err := h.auth.FindUsers(r.Context(), d.Query)
	if err != nil {
		h.problem(w, r, v, err)
		return
	}
	us := page.Users
	d.NextAfter = page.Next
	ps, err := h.requests.Partners(r.Context())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	d.Users, d.Roles, d.Partners, d.partnerNames = us, auth.Roles, ps, map[int64]string{}
	d.DefaultRole = string(auth.RoleStaff)
	for _, p := range ps {
		d.partnerNames[p.ID] = p.Name
	}
	v.Data = d
	h.render(w, r, status, "admin_users.html", v)
}

func (h *Handler) adminUsers(w http.ResponseWriter, r *http.Request) {
	v, ok := h.admin(w, r, "admin.users.title", false)
	if !ok {
		return
	}
	h.showUsers(w, r, v, http.StatusOK, &usersData{})
}

// links reads the link fields of a form: donor, partner organisation and coordinator, trainee
// (numbers, empty for none).
func links(f url.Values) (auth.Links, error) {
	var l auth.Links
	for _, x := range []struct {
		field string
		to    **int64
	}{{"donor_id", &l.DonorID}, {"partner_id", &l.PartnerID}, {"trainee_id", &l.TraineeID}} {
		s := strings.TrimSpace(f.Get(x.field))
		if s == "" {
			continue
		}
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil || id <= 0 {
			return l, validation.Field(x.field, "%q is not a number", s)
		}
		*x.to = &id
	}
	l.Coordinator = f.Get("coordinator") == "true"
	return l, nil
}

func (h *Handler) adminCreateUser(w http.ResponseWriter, r *http.Request) {
	v, ok := h.admin(w, r, "admin.users.title", true)
	if !ok {
		return
	}
	f := r.PostForm
	l, err := links(f)
	var u *auth.User
	password := auth.GeneratePassword()
	if err == nil {
		u, err = h.auth.CreateUser(r.Context(), auth.NewUser{Email: f.Get("email"), Name: f.Get("name"), Role: auth.Role(f.Get("role")),
			Password: password, DonorID: l.DonorID, PartnerID: l.PartnerID, Coordinator: l.Coordinator, TraineeID: l.TraineeID})
	}
	if msg, status, ok := refusal(v, err); ok {
		if errors.Is(err, auth.ErrConflict) {
			msg = v.T("admin.users.taken")
		}
		h.showUsers(w, r, v, status, &usersData{Form: f, Error: msg})
		return
	}
	if err != nil {
		h.problem(w, r, v, err)
		return
	}
	// Shown once, on this answer only: never kept in the session or a log.
	h.showUsers(w, r, v, http.StatusOK, &usersData{Password: password, PasswordFor: u.Email})
}

// refusal is what the administration pages show beside a form about an error that refuses what
// was sent (a field error, a taken value), with its status; ok is false for other errors.
func refusal(v *view, err error) (string, int, bool) {
	if err == nil {
		return "", 0, false
	}
	e := explain(v.L, err)
	if !e.inForm() && e.status != http.StatusConflict {
		return "", 0, false
	}
	return e.message, e.status, true
}

// userID reads the user id of the path.
func userID(r *http.Request) int64 {
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	return id
}

func (h *Handler) adminResetPassword(w http.ResponseWriter, r *http.Request) {
	v, ok := h.admin(w, r, "admin.users.title", true)
	if !ok {
		return
	}
	id := userID(r)
	password, err := h.auth.ResetPassword(r.Context(), id)
	if err != nil {
		h.problem(w, r, v, err)
		return
	}
	u, err := h.auth.User(r.Context(), id)
	if err != nil {
		h.problem(w, r, v, err)
		return
	}
	h.showUsers(w, r, v, http.StatusOK, &usersData{Password: password, PasswordFor: u.Email})
}

func (h *Handler) adminSetDisabled(w http.ResponseWriter, r *http.Request) {
	v, ok := h.admin(w, r, "admin.users.title", true)
	if !ok {
		return
	}
	disabled := r.PostForm.Get("disabled") == "true"
	if err := h.auth.SetDisabled(r.Context(), userID(r), disabled); err != nil {
		if msg, status, ok := refusal(v, err); ok {
			h.showUsers(w, r, v, status, &usersData{Error: msg})
			return
		}
		h.problem(w, r, v, err)
		return
	}
	msg := v.T("admin.users.enabled")
	if disabled {
		msg = v.T("admin.users.disabled")
	}
	h.flash(r, msg, false)
	http.Redirect(w, r, "/admin/users", http.StatusSeeOther)
}

func (h *Handler) adminSetLinks(w http.ResponseWriter, r *http.Request) {
	v, ok := h.admin(w, r, "admin.users.title", true)
	if !ok {
		return
	}
	l, err := links(r.PostForm)
	if err == nil {
		_, err = h.auth.SetLinks(r.Context(), userID(r), l)
	}
	if msg, status, ok := refusal(v, err); ok {
		h.showUsers(w, r, v, status, &usersData{Error: msg})
		return
	}
	if err != nil {
		h.problem(w, r, v, err)
		return
	}
	h.flash(r, v.T("admin.users.linked"), false)
	http.Redirect(w, r, "/admin/users", http.StatusSeeOther)
}

// partnersData is the partner organisations page.
type partnersData struct {
	Partners []requests.Partner
	Kinds    []requests.PartnerKind
	Form     url.Values
	Error    string
}

// V returns a submitted value of the form, or def.
func (d *partnersData) V(name, def string) string {
	if d.Form != nil && d.Form.Has(name) {
		return d.Form.Get(name)
	}
	return def
}

func (h *Handler) showPartners(w http.ResponseWriter, r *http.Request, v *view, status int, d *partnersData) {
	ps, err := h.requests.Partners(r.Context())
	if err != nil {
		h.problem(w, r, v, err)
		return
	}
	d.Partners, d.Kinds = ps, requests.PartnerKinds
	v.Data = d
	h.render(w, r, status, "admin_partners.html", v)
}

func (h *Handler) adminPartners(w http.ResponseWriter, r *http.Request) {
	v, ok := h.admin(w, r, "admin.partners.title", false)
	if !ok {
		return
	}
	h.showPartners(w, r, v, http.StatusOK, &partnersData{})
}

func (h *Handler) adminCreatePartner(w http.ResponseWriter, r *http.Request) {
	v, ok := h.admin(w, r, "admin.partners.title", true)
	if !ok {
		return
	}
	f := r.PostForm
	p, err := h.requests.CreatePartner(r.Context(), requests.NewPartner{Name: f.Get("name"), Kind: requests.PartnerKind(f.Get("kind")),
		Address: f.Get("address"), Contact: f.Get("contact")})
	if msg, status, ok := refusal(v, err); ok {
		h.showPartners(w, r, v, status, &partnersData{Form: f, Error: msg})
		return
	}
	if err != nil {
		h.problem(w, r, v, err)
		return
	}
	h.flash(r, v.T("admin.partners.created", "Name", p.Name), false)
	http.Redirect(w, r, "/admin/partners", http.StatusSeeOther)
}

// policyData is the request policy page.
type policyData struct {
	Policy *requests.Policy
	Kinds  []inventory.Kind
	Error  string
	// TraineeDays is the retention of trainees' records without consent (workshops).
	TraineeDays int
}

func (h *Handler) showPolicy(w http.ResponseWriter, r *http.Request, v *view, status int, msg string) {
	p, err := h.requests.Policy(r.Context())
	if err != nil {
		h.problem(w, r, v, err)
		return
	}
	d := &policyData{Policy: p, Kinds: inventory.Kinds, Error: msg}
	if h.workshops != nil {
		if d.TraineeDays, err = h.workshops.RetentionDays(r.Context()); err != nil {
			h.problem(w, r, v, err)
			return
		}
	}
	v.Data = d
	h.render(w, r, status, "admin_policy.html", v)
}

func (h *Handler) adminPolicy(w http.ResponseWriter, r *http.Request) {
	v, ok := h.admin(w, r, "admin.policy.title", false)
	if !ok {
		return
	}
	h.showPolicy(w, r, v, http.StatusOK, "")
}

// policySaved ends a form that changes the policy page's settings: a refusal shows the page
// again with why, another error the problem page, a change saved says saved (a message key).
func (h *Handler) policySaved(w http.ResponseWriter, r *http.Request, v *view, err error, saved string) {
	if msg, status, ok := refusal(v, err); ok {
		h.showPolicy(w, r, v, status, msg)
		return
	}
	if err != nil {
		h.problem(w, r, v, err)
		return
	}
	h.backToPolicy(w, r, v.T(saved))
}

// backToPolicy says done and goes back to the policy page.
func (h *Handler) backToPolicy(w http.ResponseWriter, r *http.Request, done string) {
	h.flash(r, done, false)
	http.Redirect(w, r, "/admin/requests", http.StatusSeeOther)
}

func (h *Handler) adminSetPolicy(w http.ResponseWriter, r *http.Request) {
	v, ok := h.admin(w, r, "admin.policy.title", true)
	if !ok {
		return
	}
	f := r.PostForm
	p := requests.Policy{}
	p.MaxOpen, _ = strconv.Atoi(f.Get("max_open"))
	p.RetentionDays, _ = strconv.Atoi(f.Get("retention_days"))
	for _, k := range f["kinds"] {
		p.OpenKinds = append(p.OpenKinds, inventory.Kind(k))
	}
	_, err := h.requests.SetPolicy(r.Context(), p)
	h.policySaved(w, r, v, err, "admin.policy.saved")
}

func (h *Handler) adminAnonymise(w http.ResponseWriter, r *http.Request) {
	v, ok := h.admin(w, r, "admin.policy.title", true)
	if !ok {
		return
	}
	ids, err := h.requests.Anonymise(r.Context())
	if err != nil {
		h.problem(w, r, v, err)
		return
	}
	h.backToPolicy(w, r, v.T("admin.policy.anonymised", "Count", len(ids)))
}

func (h *Handler) adminSetTraineeRetention(w http.ResponseWriter, r *http.Request) {
	v, ok := h.admin(w, r, "admin.policy.title", true)
	if !ok {
		return
	}
	if h.workshops == nil {
		h.notFound(w, r)
		return
	}
	days, _ := strconv.Atoi(r.PostForm.Get("trainee_days"))
	_, err := h.workshops.SetRetentionDays(r.Context(), days)
	h.policySaved(w, r, v, err, "retention.admin.saved")
}

func (h *Handler) adminAnonymiseTrainees(w http.ResponseWriter, r *http.Request) {
	v, ok := h.admin(w, r, "admin.policy.title", true)
	if !ok {
		return
	}
	if h.workshops == nil {
		h.notFound(w, r)
		return
	}
	ids, err := h.workshops.Anonymise(r.Context())
	if err != nil {
		h.problem(w, r, v, err)
		return
	}
	h.backToPolicy(w, r, v.T("retention.admin.anonymised", "Count", len(ids)))
}
