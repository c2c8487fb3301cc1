package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/certificates"
	"github.com/digital-inclusion/refurb/validation"
	"github.com/digital-inclusion/refurb/workshops"
)

// The workshops' pages (docs/workshops.md): the trainee's bench page to log hours and see the
// work they did, "My progress", the supervisor's review queue, trainees' files, programmes,
// sessions with attendance, the funder report, and signing in with a PIN on a bench device.
// The trainees' pages (ws_hours, ws_progress, ws_pin, ws_badge) are translated whole into
// Portuguese and Arabic; the staff's are in French, German and English.

func init() {
	funcs["hm"] = workshops.Duration
	funcs["clock"] = func(m *int) string {
		if m == nil {
			return ""
		}
		return workshops.ClockTime(*m)
	}
	funcs["clockOf"] = workshops.ClockTime
	funcs["iso"] = func(t time.Time) string { return t.Format(time.DateOnly) }
	funcs["hours"] = func(m int) string { return strconv.FormatFloat(float64(m)/60, 'f', -1, 64) }
	funcs["pct"] = func(part, whole int) int {
		if whole <= 0 {
			return 0
		}
		return min(100, part*100/whole)
	}
}

// workshopRoutes adds the workshops' pages.
func (h *Handler) workshopRoutes() {
	m := h.mux
	m.HandleFunc("GET /hours", h.hoursPage)
	m.HandleFunc("POST /hours", h.logHours)
	m.HandleFunc("GET /progress", h.progressPage)
	m.HandleFunc("POST /progress/pin", h.setOwnPIN)
	m.HandleFunc("GET /pin", h.pinNames)
	m.HandleFunc("GET /pin/{id}", h.pinPad)
	m.HandleFunc("POST /pin/{id}", h.pinSignIn)
	m.HandleFunc("POST /pin-done", h.pinDone)
	m.HandleFunc("POST /benches", h.openBench)
	m.HandleFunc("POST /benches/{id}/close", h.closeBench)
	m.HandleFunc("GET /T/{token}", h.badge)
	m.HandleFunc("GET /t/{token}", h.badge)
	m.HandleFunc("GET /review", h.reviewPage)
	m.HandleFunc("POST /review", h.review)
	m.HandleFunc("GET /trainees", h.traineesPage)
	m.HandleFunc("POST /trainees", h.createTrainee)
	m.HandleFunc("GET /trainees/{id}", h.traineePage)
	m.HandleFunc("POST /trainees/{id}", h.traineeAction)
	m.HandleFunc("GET /trainees/{id}/badge.pdf", h.badgePDF)
	m.HandleFunc("GET /programmes", h.programmesPage)
	m.HandleFunc("POST /programmes", h.createProgramme)
	m.HandleFunc("GET /sessions", h.sessionsPage)
	m.HandleFunc("POST /sessions", h.createSession)
	m.HandleFunc("GET /sessions/{id}", h.sessionPage)
	m.HandleFunc("POST /sessions/{id}", h.markAttendance)
	m.HandleFunc("GET /reports/hours", h.reportPage)
	m.HandleFunc("GET /reports/{file}", h.reportFile)
}

// navItem is a link of the header's navigation.
type navItem struct {
	Href, Key, Label string
}

// WorkshopNav returns the workshops' links for the signed-in user: their hours and progress to
// a trainee with a record, the review queue, trainees and sessions to staff and administrators.
func (v *view) WorkshopNav() []navItem {
	if v.User == nil {
		return nil
	}
	a := v.actor
	switch {
	case workshops.IsTrainee(a):
		return []navItem{{"/hours", "hours", v.T("ws.nav.hours")}, {"/progress", "progress", v.T("ws.nav.progress")}}
	case workshops.MayManage(a):
		return []navItem{{"/review", "review", v.T("ws.nav.review")}, {"/trainees", "trainees", v.T("ws.nav.trainees")},
			{"/sessions", "sessions", v.T("ws.nav.sessions")}}
	}
	return nil
}

// ruleMessage says an error in the page's language (web/errors.go's table, where the
// workshops' rules have their rows).
func (h *Handler) ruleMessage(v *view, err error) (int, string) {
	e := explain(v.L, err)
	return e.status, e.message
}

// wsFail reports a workshops error on the next page (flash) or, for an unexpected one, fails.
func (h *Handler) wsFail(w http.ResponseWriter, r *http.Request, v *view, err error, back string) {
	status, msg := h.ruleMessage(v, err)
	switch status {
	case http.StatusInternalServerError:
		h.fail(w, r, err)
	case http.StatusUnauthorized:
		http.Redirect(w, r, "/login?next="+url.QueryEscape(safeNext(back)), http.StatusSeeOther)
	default:
		h.flash(r, msg, true)
		http.Redirect(w, r, back, http.StatusSeeOther)
	}
}

// wsProblem shows a workshops error on a page of its own.
func (h *Handler) wsProblem(w http.ResponseWriter, r *http.Request, v *view, err error) {
	status, msg := h.ruleMessage(v, err)
	if status == http.StatusInternalServerError || status == http.StatusUnauthorized {
		h.problem(w, r, v, err)
		return
	}
	v.Title = v.T("problem.title")
	v.Data = msg
	h.render(w, r, status, "problem.html", v)
}

// choice is one of a form's big buttons.
type choice struct {
	Value, Label, Icon string
	Checked            bool
}

// activityIcons are the bench page's pictures of the activities.
var activityIcons = map[workshops.Activity]string{
	workshops.ActivityTraining: "🎓", workshops.ActivityDiagnosis: "🔍", workshops.ActivityRepair: "🔧",
	workshops.ActivityWipe: "💾", workshops.ActivityQA: "✅", workshops.ActivityIntake: "📦",
	workshops.ActivityHandout: "🤝", workshops.ActivityOther: "✳️",
}

// statusIcons show an entry's status without words.
var statusIcons = map[workshops.Status]string{workshops.StatusPending: "⏳", workshops.StatusApproved: "✔", workshops.StatusRejected: "✖"}

// durations are the bench page's buttons for how long, in minutes.
var durations = []int{30, 60, 120, 180, 240, 360, 480}

// entryView is an hour entry as the pages show it.
type entryView struct {
	workshops.HourEntry
	Icon, StatusIcon string
}

func entryViews(es []workshops.HourEntry) []entryView {
	out := make([]entryView, len(es))
	for i, e := range es {
		out[i] = entryView{HourEntry: e, Icon: activityIcons[e.Activity], StatusIcon: statusIcons[e.Status]}
	}
	return out
}

// hoursData is the trainee's bench page's.
type hoursData struct {
	Trainee    *workshops.Trainee
	Days       []choice
	Durations  []choice
	Activities []choice
	Entries    []entryView
	Work       *workshops.WorkSummary
	Lang       string
	// PIN is set when the trainee signed in with their PIN on a bench: the page offers "Done".
	PIN bool
}

// traineeOf returns the signed-in trainee's record, or answers: staff go to the review queue,
// others get "forbidden".
func (h *Handler) traineeOf(w http.ResponseWriter, r *http.Request, v *view) (*workshops.Trainee, bool) {
	a, _ := auth.ActorFrom(r.Context())
	if !workshops.IsTrainee(a) {
		if workshops.MayManage(a) {
			http.Redirect(w, r, "/review", http.StatusSeeOther)
			return nil, false
		}
		h.problem(w, r, v, auth.ErrForbidden)
		return nil, false
	}
	t, err := h.workshops.Trainee(r.Context(), a.TraineeID)
	if err != nil {
		h.wsProblem(w, r, v, err)
		return nil, false
	}
	return t, true
}

// hoursPage is the trainee's bench page: log hours with big buttons, see the latest entries
// (a rejected one with its reason) and the work they did on devices.
func (h *Handler) hoursPage(w http.ResponseWriter, r *http.Request) {
	v, ok := h.signedIn(w, r, "ws.hours.title")
	if !ok {
		return
	}
	v.Nav = "hours"
	t, ok := h.traineeOf(w, r, v)
	if !ok {
		return
	}
	ctx := r.Context()
	page, err := h.workshops.HourEntries(ctx, workshops.HourFilter{TraineeID: &t.ID}, workshops.Page{First: 20})
	if err != nil {
		h.wsProblem(w, r, v, err)
		return
	}
	work, err := h.workshops.Work(ctx, t.ID)
	if err != nil {
		h.wsProblem(w, r, v, err)
		return
	}
	d := hoursData{Trainee: t, Entries: entryViews(page.Entries), Work: work, Lang: v.L.Code, PIN: h.pinSession(r)}
	today := h.today()
	for i, key := range []string{"ws.day.today", "ws.day.yesterday", "ws.day.before"} {
		day := today.AddDate(0, 0, -i)
		d.Days = append(d.Days, choice{Value: day.Format(time.DateOnly), Label: v.T(key), Icon: v.L.Date(day), Checked: i == 0})
	}
	for _, m := range durations {
		d.Durations = append(d.Durations, choice{Value: strconv.Itoa(m), Label: workshops.Duration(m), Checked: m == 240})
	}
	for _, a := range workshops.Activities {
		d.Activities = append(d.Activities, choice{Value: string(a), Label: v.T("ws.activity." + string(a)), Icon: activityIcons[a],
			Checked: a == workshops.ActivityRepair})
	}
	v.Data = d
	h.render(w, r, http.StatusOK, "ws_hours.html", v)
}

// today is the workshop's calendar day.
func (h *Handler) today() time.Time {
	now := time.Now().In(h.cfg.TimeZone)
	return time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
}

// logHours logs the trainee's own hours from the bench page, or staff's for a trainee from the
// trainee's file (traineeID in the form).
func (h *Handler) logHours(w http.ResponseWriter, r *http.Request) {
	v, ok := h.signedInForm(w, r, "ws.hours.title", 8<<10)
	if !ok {
		return
	}
	a, _ := auth.ActorFrom(r.Context())
	back := "/hours"
	traineeID := a.TraineeID
	if f := r.PostForm.Get("trainee"); f != "" {
		id, err := strconv.ParseInt(f, 10, 64)
		if err != nil {
			http.Error(w, "bad trainee", http.StatusBadRequest)
			return
		}
		traineeID, back = id, "/trainees/"+f
	}
	n, err := hoursForm(r.PostForm, traineeID)
	if err == nil {
		_, err = h.workshops.LogHours(r.Context(), n)
	}
	if err != nil {
		h.wsFail(w, r, v, err, back)
		return
	}
	h.flash(r, v.T("ws.hours.saved", "Duration", workshops.Duration(n.Minutes), "Date", v.L.Date(n.Date)), false)
	http.Redirect(w, r, back, http.StatusSeeOther)
}

// hoursForm reads the hours form: date (YYYY-MM-DD), minutes (or hours and minutes typed),
// activity, optional start (HH:MM) and note.
func hoursForm(f url.Values, traineeID int64) (workshops.NewHours, error) {
	n := workshops.NewHours{TraineeID: traineeID, Activity: workshops.Activity(f.Get("activity")), Note: f.Get("note")}
	d, err := time.Parse(time.DateOnly, strings.TrimSpace(f.Get("date")))
	if err != nil {
		return n, &workshops.RuleError{Rule: "date", Field: "date", Message: "a date is required"}
	}
	n.Date = d
	minutes := strings.TrimSpace(f.Get("minutes"))
	if other := strings.TrimSpace(f.Get("other_minutes")); other != "" {
		minutes = other
	}
	if n.Minutes, err = strconv.Atoi(minutes); err != nil {
		return n, &workshops.RuleError{Rule: workshops.RuleMinutes, Field: "minutes", Message: "minutes must be more than 0"}
	}
	if s := strings.TrimSpace(f.Get("start")); s != "" {
		m, ok := workshops.ParseClock(s)
		if !ok {
			return n, &workshops.RuleError{Rule: "start", Field: "startTime", Message: "not a time of day"}
		}
		n.StartMinute = &m
	}
	for _, s := range f["device"] {
		if id, err := strconv.ParseInt(s, 10, 64); err == nil {
			n.DeviceIDs = append(n.DeviceIDs, id)
		}
	}
	return n, nil
}

// skillView is a skill of the catalogue with the trainee's latest level in it.
type skillView struct {
	Name       string
	Level      workshops.Level
	Rank       int // 0 (not yet) to 3 (independent)
	AssessedOn time.Time
	Assessor   string
	Work       int // pieces of work that evidence it
}

// progressData is "My progress" (and the progress part of a trainee's file).
type progressData struct {
	P       *workshops.Progress
	Skills  []skillView
	Weeks   []workshops.WeekMinutes // the latest first, at most 12
	Work    *workshops.WorkSummary
	Names   map[int64]string
	Percent int
	PIN     bool
	// Certificates are the trainee's own attendance certificates on "My progress", newest
	// first (the trainee's file lists them itself).
	Certificates []ownCertificate
}

// ownCertificate is an attendance certificate listed to its trainee, with the name of the
// language it is written in (in that language), which may not be the page's.
type ownCertificate struct {
	certificates.Certificate
	LanguageName string
}

// ownCertificates returns the attendance certificates the domain gives the signed-in trainee
// about their record.
func (h *Handler) ownCertificates(r *http.Request, traineeID int64) ([]ownCertificate, error) {
	if h.certificates == nil {
		return nil, nil
	}
	cs, err := h.certificates.ForTrainees(r.Context(), []int64{traineeID})
	if err != nil {
		return nil, err
	}
	out := make([]ownCertificate, 0, len(cs[traineeID]))
	for _, c := range cs[traineeID] {
		oc := ownCertificate{Certificate: c, LanguageName: c.Language}
		for _, l := range languages {
			if l.Code == c.Language {
				oc.LanguageName = l.Name
			}
		}
		out = append(out, oc)
	}
	return out, nil
}

// progress gathers a trainee's progress for the pages, skills named in lang.
func (h *Handler) progress(r *http.Request, traineeID int64, lang string) (*progressData, error) {
	ctx := r.Context()
	p, err := h.workshops.Progress(ctx, traineeID)
	if err != nil {
		return nil, err
	}
	work, err := h.workshops.Work(ctx, traineeID)
	if err != nil {
		return nil, err
	}
	d := &progressData{P: p, Work: work, Percent: p.Percent()}
	var ids []int64
	for _, a := range p.Skills {
		ids = append(ids, a.AssessedBy)
	}
	for _, it := range p.Timeline {
		if it.Entry != nil && it.Entry.ReviewedBy != nil {
			ids = append(ids, *it.Entry.ReviewedBy)
		}
	}
	users, err := h.auth.UsersByID(ctx, ids)
	if err != nil {
		return nil, err
	}
	d.Names = map[int64]string{}
	for id, u := range users {
		d.Names[id] = u.Name
	}
	evidence := map[int64]int{}
	for _, sc := range work.BySkill {
		evidence[sc.Skill.ID] = sc.Count
	}
	for _, sk := range p.Catalogue {
		sv := skillView{Name: sk.Name(lang), Work: evidence[sk.ID]}
		for _, a := range p.Skills {
			if a.SkillID == sk.ID {
				sv.Level, sv.Rank, sv.AssessedOn, sv.Assessor = a.Level, a.Level.Rank(), a.AssessedOn, d.Names[a.AssessedBy]
			}
		}
		d.Skills = append(d.Skills, sv)
	}
	for i := len(p.Weeks) - 1; i >= 0 && len(d.Weeks) < 12; i-- {
		d.Weeks = append(d.Weeks, p.Weeks[i])
	}
	return d, nil
}

// progressPage is "My progress": a progress bar against the target, the latest weeks, skills
// by level, the work they did and what happened lately.
func (h *Handler) progressPage(w http.ResponseWriter, r *http.Request) {
	v, ok := h.signedIn(w, r, "ws.progress.title")
	if !ok {
		return
	}
	v.Nav = "progress"
	t, ok := h.traineeOf(w, r, v)
	if !ok {
		return
	}
	d, err := h.progress(r, t.ID, v.L.Code)
	if err != nil {
		h.wsProblem(w, r, v, err)
		return
	}
	if d.Certificates, err = h.ownCertificates(r, t.ID); err != nil {
		h.wsProblem(w, r, v, err)
		return
	}
	d.PIN = h.pinSession(r)
	v.Data = d
	h.render(w, r, http.StatusOK, "ws_progress.html", v)
}

// setOwnPIN lets a signed-in trainee choose their PIN.
func (h *Handler) setOwnPIN(w http.ResponseWriter, r *http.Request) {
	v, ok := h.signedInForm(w, r, "ws.progress.title", 4<<10)
	if !ok {
		return
	}
	a, _ := auth.ActorFrom(r.Context())
	pin := r.PostForm.Get("pin")
	if pin != r.PostForm.Get("pin2") {
		h.flash(r, v.T("ws.pin.mismatch"), true)
		http.Redirect(w, r, "/progress", http.StatusSeeOther)
		return
	}
	if err := h.auth.SetTraineePIN(r.Context(), a.TraineeID, pin); err != nil {
		if fe, ok := validation.As(err); ok && fe.Field == "pin" {
			h.flash(r, v.T("ws.pin.weak"), true)
			http.Redirect(w, r, "/progress", http.StatusSeeOther)
			return
		}
		h.wsFail(w, r, v, err, "/progress")
		return
	}
	h.flash(r, v.T("ws.pin.saved"), false)
	http.Redirect(w, r, "/progress", http.StatusSeeOther)
}
