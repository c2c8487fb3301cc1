package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/workshops"
)

// The staff's pages of programmes and sessions: the programmes, the sessions, and a session
// with its attendance to mark.

type programmesData struct {
	Programmes []workshops.Programme
	Today      string
}

func (h *Handler) programmesPage(w http.ResponseWriter, r *http.Request) {
	v, ok := h.staffView(w, r, "ws.programmes.title", "trainees")
	if !ok {
		return
	}
	ps, err := h.workshops.Programmes(r.Context())
	if err != nil {
		h.wsProblem(w, r, v, err)
		return
	}
	v.Data = programmesData{Programmes: ps, Today: h.today().Format(time.DateOnly)}
	h.render(w, r, http.StatusOK, "ws_programmes.html", v)
}

// hoursField reads hours typed in a form (7.5 or 7,5) as minutes, 0 when unreadable.
func hoursField(s string) int {
	hrs, err := strconv.ParseFloat(strings.ReplaceAll(strings.TrimSpace(s), ",", "."), 64)
	if err != nil || hrs <= 0 {
		return 0
	}
	return int(hrs*60 + 0.5)
}

// createProgramme creates a programme tutored by the staff member who creates it.
func (h *Handler) createProgramme(w http.ResponseWriter, r *http.Request) {
	v, ok := h.signedInForm(w, r, "ws.programmes.title", 8<<10)
	if !ok {
		return
	}
	f := r.PostForm
	a, _ := auth.ActorFrom(r.Context())
	n := workshops.NewProgramme{Name: f.Get("name"), Funder: f.Get("funder"), TargetMinutes: hoursField(f.Get("target_hours")),
		WeeklyCapMinutes: hoursField(f.Get("cap_hours")), TutorID: a.UserID}
	n.StartsOn, _ = time.Parse(time.DateOnly, f.Get("starts_on"))
	n.EndsOn, _ = time.Parse(time.DateOnly, f.Get("ends_on"))
	if _, err := h.workshops.CreateProgramme(r.Context(), n); err != nil {
		h.wsFail(w, r, v, err, "/programmes")
		return
	}
	h.flash(r, v.T("ws.programmes.created"), false)
	http.Redirect(w, r, "/programmes", http.StatusSeeOther)
}

type sessionsData struct {
	Sessions   []workshops.Session
	Programmes []workshops.Programme
	Today      string
}

func (h *Handler) sessionsPage(w http.ResponseWriter, r *http.Request) {
	v, ok := h.staffView(w, r, "ws.sessions.title", "sessions")
	if !ok {
		return
	}
	today := h.today()
	ctx := r.Context()
	ss, err := h.workshops.Sessions(ctx, today.AddDate(0, 0, -30), today.AddDate(0, 0, 60))
	if err != nil {
		h.wsProblem(w, r, v, err)
		return
	}
	ps, err := h.workshops.Programmes(ctx)
	if err != nil {
		h.wsProblem(w, r, v, err)
		return
	}
	v.Data = sessionsData{Sessions: ss, Programmes: ps, Today: today.Format(time.DateOnly)}
	h.render(w, r, http.StatusOK, "ws_sessions.html", v)
}

// createSession plans a session supervised by the staff member who plans it.
func (h *Handler) createSession(w http.ResponseWriter, r *http.Request) {
	v, ok := h.signedInForm(w, r, "ws.sessions.title", 8<<10)
	if !ok {
		return
	}
	f := r.PostForm
	a, _ := auth.ActorFrom(r.Context())
	n := workshops.NewSession{Topic: f.Get("topic"), Location: f.Get("location"), SupervisorID: a.UserID}
	n.Date, _ = time.Parse(time.DateOnly, f.Get("date"))
	n.StartMinute, _ = workshops.ParseClock(f.Get("start"))
	if end, ok := workshops.ParseClock(f.Get("end")); ok {
		n.EndMinute = end
	}
	n.Capacity, _ = strconv.Atoi(f.Get("capacity"))
	if p, err := strconv.ParseInt(f.Get("programme"), 10, 64); err == nil {
		n.ProgrammeID = &p
	}
	s, err := h.workshops.CreateSession(r.Context(), n)
	if err != nil {
		h.wsFail(w, r, v, err, "/sessions")
		return
	}
	http.Redirect(w, r, "/sessions/"+strconv.FormatInt(s.ID, 10), http.StatusSeeOther)
}

type sessionData struct {
	S         *workshops.Session
	Attendees []workshops.Attendance
	// Others are the trainees enrolled on the session's day (in its programme, when it has
	// one) who are not marked yet.
	Others []workshops.Trainee
	Full   bool
}

func (h *Handler) sessionPage(w http.ResponseWriter, r *http.Request) {
	v, ok := h.staffView(w, r, "ws.session.title", "sessions")
	if !ok {
		return
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		h.notFound(w, r)
		return
	}
	ctx := r.Context()
	s, err := h.workshops.Session(ctx, id)
	if err != nil {
		h.wsProblem(w, r, v, err)
		return
	}
	d := sessionData{S: s, Full: s.Attending >= s.Capacity}
	if d.Attendees, err = h.workshops.Attendees(ctx, id); err != nil {
		h.wsProblem(w, r, v, err)
		return
	}
	page, err := h.workshops.Trainees(ctx, "", workshops.Page{First: workshops.MaxPageSize})
	if err != nil {
		h.wsProblem(w, r, v, err)
		return
	}
	ids := make([]int64, len(page.Trainees))
	for i, t := range page.Trainees {
		ids[i] = t.ID
	}
	enrolments, err := h.workshops.Enrolments(ctx, ids)
	if err != nil {
		h.wsProblem(w, r, v, err)
		return
	}
	marked := map[int64]bool{}
	for _, a := range d.Attendees {
		marked[a.TraineeID] = true
	}
	for _, t := range page.Trainees {
		e := workshops.ProgrammeOn(enrolments[t.ID], s.Date)
		if marked[t.ID] || e == nil || (s.ProgrammeID != nil && e.ProgrammeID != *s.ProgrammeID) {
			continue
		}
		d.Others = append(d.Others, t)
	}
	v.Title = s.Topic
	v.Data = d
	h.render(w, r, http.StatusOK, "ws_session.html", v)
}

// markAttendance ticks trainees on the list or takes a scanned badge.
func (h *Handler) markAttendance(w http.ResponseWriter, r *http.Request) {
	v, ok := h.signedInForm(w, r, "ws.session.title", 16<<10)
	if !ok {
		return
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		h.notFound(w, r)
		return
	}
	ctx := r.Context()
	back := "/sessions/" + strconv.FormatInt(id, 10)
	n := 0
	if code := strings.TrimSpace(r.PostForm.Get("badge")); code != "" {
		t, err := h.workshops.TraineeByBadge(ctx, code)
		if err != nil {
			h.flash(r, v.T("ws.session.unknown_badge"), true)
			http.Redirect(w, r, back, http.StatusSeeOther)
			return
		}
		a, err := h.workshops.MarkAttendance(ctx, id, t.ID, workshops.ViaBadge)
		if err != nil {
			h.wsFail(w, r, v, err, back)
			return
		}
		if a.Already {
			h.flash(r, v.T("ws.session.already", "Name", t.Name), false)
		} else {
			h.flash(r, v.T("ws.session.marked_one", "Name", t.Name), false)
		}
		http.Redirect(w, r, back, http.StatusSeeOther)
		return
	}
	for _, s := range r.PostForm["trainee"] {
		tid, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			continue
		}
		if _, err := h.workshops.MarkAttendance(ctx, id, tid, workshops.ViaTick); err != nil {
			h.wsFail(w, r, v, err, back)
			return
		}
		n++
	}
	h.flash(r, v.T("ws.session.marked", "Count", n), false)
	http.Redirect(w, r, back, http.StatusSeeOther)
}
