package web

import (
	"bytes"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/certificates"
	"github.com/digital-inclusion/refurb/labels"
	"github.com/digital-inclusion/refurb/validation"
	"github.com/digital-inclusion/refurb/workshops"
)

// The staff's pages of the workshops: the review queue, trainees and their files, programmes,
// sessions with attendance, the funder report. The domain checks who may do what; these pages
// show its answers.

// staffView returns the page's view for a staff member or administrator, or answers: a
// trainee goes to their own page, anyone else gets "forbidden".
func (h *Handler) staffView(w http.ResponseWriter, r *http.Request, titleID, nav string) (*view, bool) {
	v, ok := h.signedIn(w, r, titleID)
	if !ok {
		return nil, false
	}
	a, _ := auth.ActorFrom(r.Context())
	if !workshops.MayManage(a) {
		if workshops.IsTrainee(a) {
			http.Redirect(w, r, "/progress", http.StatusSeeOther)
		} else {
			h.problem(w, r, v, auth.ErrForbidden)
		}
		return nil, false
	}
	v.Nav = nav
	return v, true
}

// weekView is a week of the review queue.
type weekView struct {
	workshops.QueueWeek
	Entries []entryView
	End     time.Time
}

func (h *Handler) reviewPage(w http.ResponseWriter, r *http.Request) {
	v, ok := h.staffView(w, r, "ws.review.title", "review")
	if !ok {
		return
	}
	q, err := h.workshops.ReviewQueue(r.Context())
	if err != nil {
		h.wsProblem(w, r, v, err)
		return
	}
	weeks := make([]weekView, len(q))
	for i, wk := range q {
		weeks[i] = weekView{QueueWeek: wk, Entries: entryViews(wk.Pending), End: wk.WeekStart.AddDate(0, 0, 6)}
	}
	v.Data = weeks
	h.render(w, r, http.StatusOK, "ws_review.html", v)
}

// review approves an entry, rejects one with a reason, or approves a trainee's week.
func (h *Handler) review(w http.ResponseWriter, r *http.Request) {
	v, ok := h.signedInForm(w, r, "ws.review.title", 8<<10)
	if !ok {
		return
	}
	f := r.PostForm
	ctx := r.Context()
	var n int
	var err error
	switch f.Get("action") {
	case "week":
		var trainee int64
		var day time.Time
		if trainee, err = strconv.ParseInt(f.Get("trainee"), 10, 64); err == nil {
			day, err = time.Parse(time.DateOnly, f.Get("week"))
		}
		if err != nil {
			http.Error(w, "bad week", http.StatusBadRequest)
			return
		}
		var hs []workshops.HourEntry
		hs, err = h.workshops.ApproveWeek(ctx, trainee, day)
		n = len(hs)
	case "approve", "reject":
		var ids []int64
		for _, s := range f["id"] {
			id, perr := strconv.ParseInt(s, 10, 64)
			if perr != nil {
				http.Error(w, "bad entry", http.StatusBadRequest)
				return
			}
			ids = append(ids, id)
		}
		var hs []workshops.HourEntry
		hs, err = h.workshops.ReviewHours(ctx, ids, f.Get("action") == "approve", f.Get("reason"))
		n = len(hs)
	default:
		http.Error(w, "unknown action", http.StatusBadRequest)
		return
	}
	if err != nil {
		h.wsFail(w, r, v, err, "/review")
		return
	}
	key := "ws.review.approved"
	if f.Get("action") == "reject" {
		key = "ws.review.rejected"
	}
	h.flash(r, v.T(key, "Count", n), false)
	http.Redirect(w, r, "/review", http.StatusSeeOther)
}

// traineeRow is a line of the trainees' list.
type traineeRow struct {
	workshops.Trainee
	Totals workshops.Totals
}

type traineesData struct {
	Search     string
	Rows       []traineeRow
	Total      int
	Programmes []workshops.Programme
	Benches    []workshops.Bench
	ThisBench  int64 // the bench this device is, 0 for none
}

func (h *Handler) traineesPage(w http.ResponseWriter, r *http.Request) {
	v, ok := h.staffView(w, r, "ws.trainees.title", "trainees")
	if !ok {
		return
	}
	ctx := r.Context()
	d := traineesData{Search: strings.TrimSpace(r.URL.Query().Get("q"))}
	page, err := h.workshops.Trainees(ctx, d.Search, workshops.Page{First: workshops.MaxPageSize})
	if err != nil {
		h.wsProblem(w, r, v, err)
		return
	}
	d.Total = page.TotalCount
	ids := make([]int64, len(page.Trainees))
	for i, t := range page.Trainees {
		ids[i] = t.ID
	}
	totals, err := h.workshops.Totals(ctx, ids)
	if err != nil {
		h.wsProblem(w, r, v, err)
		return
	}
	for _, t := range page.Trainees {
		d.Rows = append(d.Rows, traineeRow{Trainee: t, Totals: totals[t.ID]})
	}
	if d.Programmes, err = h.workshops.Programmes(ctx); err != nil {
		h.wsProblem(w, r, v, err)
		return
	}
	if d.Benches, err = h.workshops.OpenBenches(ctx); err != nil {
		h.wsProblem(w, r, v, err)
		return
	}
	if t := benchToken(r); t != "" {
		if b, err := h.workshops.BenchByToken(ctx, t); err == nil {
			d.ThisBench = b.ID
		}
	}
	v.Data = d
	h.render(w, r, http.StatusOK, "ws_trainees.html", v)
}

// traineeForm reads a trainee's details: name, contact, languages (separated by commas or
// spaces), target in hours, and the consent when answered.
func (h *Handler) traineeForm(f url.Values) workshops.NewTrainee {
	n := workshops.NewTrainee{Name: f.Get("name"), Contact: f.Get("contact"),
		Languages: strings.FieldsFunc(f.Get("languages"), func(r rune) bool { return r == ',' || r == ' ' || r == ';' })}
	if hrs, err := strconv.ParseFloat(strings.ReplaceAll(strings.TrimSpace(f.Get("target_hours")), ",", "."), 64); err == nil && hrs > 0 {
		m := int(hrs * 60)
		n.TargetMinutes = &m
	}
	switch f.Get("consent") {
	case "yes", "no":
		c := f.Get("consent") == "yes"
		n.Consent = &c
		if d, err := time.Parse(time.DateOnly, f.Get("consent_on")); err == nil {
			n.ConsentOn = d
		}
	}
	return n
}

func (h *Handler) createTrainee(w http.ResponseWriter, r *http.Request) {
	v, ok := h.signedInForm(w, r, "ws.trainees.title", 8<<10)
	if !ok {
		return
	}
	ctx := r.Context()
	t, err := h.workshops.CreateTrainee(ctx, h.traineeForm(r.PostForm))
	if err != nil {
		h.wsFail(w, r, v, err, "/trainees")
		return
	}
	back := "/trainees/" + strconv.FormatInt(t.ID, 10)
	if p, err := strconv.ParseInt(r.PostForm.Get("programme"), 10, 64); err == nil {
		if _, err := h.workshops.Enrol(ctx, workshops.NewEnrolment{TraineeID: t.ID, ProgrammeID: p}); err != nil {
			h.wsFail(w, r, v, err, back)
			return
		}
	}
	h.flash(r, v.T("ws.trainee.created"), false)
	http.Redirect(w, r, back, http.StatusSeeOther)
}

// enrolmentView is an enrolment with its programme.
type enrolmentView struct {
	workshops.Enrolment
	Programme *workshops.Programme
	Tutor     string
}

type traineeData struct {
	T            *workshops.Trainee
	Progress     *progressData
	Enrolments   []enrolmentView
	Programmes   []workshops.Programme
	Entries      []entryView
	Catalogue    []workshops.Skill
	Levels       []workshops.Level
	Certificates []certificates.Certificate
	BadgeURL     string
	Days         []choice
	Activities   []choice
	Today        string
	Lang         string
}

func (h *Handler) traineeID(r *http.Request) (int64, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	return id, err == nil && id > 0
}

func (h *Handler) traineePage(w http.ResponseWriter, r *http.Request) {
	v, ok := h.staffView(w, r, "ws.trainee.title", "trainees")
	if !ok {
		return
	}
	id, ok := h.traineeID(r)
	if !ok {
		h.notFound(w, r)
		return
	}
	ctx := r.Context()
	t, err := h.workshops.Trainee(ctx, id)
	if err != nil {
		h.wsProblem(w, r, v, err)
		return
	}
	v.Title = t.Name
	d := traineeData{T: t, Levels: workshops.Levels, Today: h.today().Format(time.DateOnly), Lang: v.L.Code}
	if d.Progress, err = h.progress(r, id, v.L.Code); err != nil {
		h.wsProblem(w, r, v, err)
		return
	}
	if d.Programmes, err = h.workshops.Programmes(ctx); err != nil {
		h.wsProblem(w, r, v, err)
		return
	}
	var tutors []int64
	for _, e := range d.Progress.P.Enrolments {
		tutors = append(tutors, e.TutorID)
	}
	users, err := h.auth.UsersByID(ctx, tutors)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	for _, e := range d.Progress.P.Enrolments {
		ev := enrolmentView{Enrolment: e, Programme: d.Progress.P.Programmes[e.ProgrammeID]}
		if u := users[e.TutorID]; u != nil {
			ev.Tutor = u.Name
		}
		d.Enrolments = append(d.Enrolments, ev)
	}
	page, err := h.workshops.HourEntries(ctx, workshops.HourFilter{TraineeID: &id}, workshops.Page{First: 30})
	if err != nil {
		h.wsProblem(w, r, v, err)
		return
	}
	d.Entries = entryViews(page.Entries)
	d.Catalogue = d.Progress.P.Catalogue
	if h.certificates != nil {
		cs, err := h.certificates.ForTrainees(ctx, []int64{id})
		if err != nil {
			h.fail(w, r, err)
			return
		}
		d.Certificates = cs[id]
	}
	if t.BadgeToken != nil {
		d.BadgeURL = h.cfg.PublicURL + "/T/" + *t.BadgeToken
	}
	today := h.today()
	for i, key := range []string{"ws.day.today", "ws.day.yesterday", "ws.day.before"} {
		day := today.AddDate(0, 0, -i)
		d.Days = append(d.Days, choice{Value: day.Format(time.DateOnly), Label: v.T(key), Checked: i == 0})
	}
	for _, a := range workshops.Activities {
		d.Activities = append(d.Activities, choice{Value: string(a), Label: v.T("ws.activity." + string(a)), Icon: activityIcons[a]})
	}
	v.Data = d
	h.render(w, r, http.StatusOK, "ws_trainee.html", v)
}

// traineeAction runs one form of a trainee's file: update, enrol, assess, pin, badge,
// certificate, propose.
func (h *Handler) traineeAction(w http.ResponseWriter, r *http.Request) {
	v, ok := h.signedInForm(w, r, "ws.trainee.title", 16<<10)
	if !ok {
		return
	}
	id, ok := h.traineeID(r)
	if !ok {
		h.notFound(w, r)
		return
	}
	ctx := r.Context()
	f := r.PostForm
	back := "/trainees/" + strconv.FormatInt(id, 10)
	var msg string
	var err error
	switch f.Get("action") {
	case "update":
		_, err = h.workshops.UpdateTrainee(ctx, id, h.traineeForm(f))
		msg = v.T("ws.trainee.saved")
	case "enrol":
		var p int64
		if p, err = strconv.ParseInt(f.Get("programme"), 10, 64); err != nil {
			err = validation.Field("programmeID", "choose a programme")
			break
		}
		n := workshops.NewEnrolment{TraineeID: id, ProgrammeID: p}
		n.StartsOn, _ = time.Parse(time.DateOnly, f.Get("starts_on"))
		n.EndsOn, _ = time.Parse(time.DateOnly, f.Get("ends_on"))
		_, err = h.workshops.Enrol(ctx, n)
		msg = v.T("ws.trainee.enrolled")
	case "assess":
		var skill int64
		if skill, err = strconv.ParseInt(f.Get("skill"), 10, 64); err != nil {
			err = validation.Field("skillID", "choose a skill")
			break
		}
		n := workshops.NewAssessment{TraineeID: id, SkillID: skill, Level: workshops.Level(f.Get("level")), Note: f.Get("note")}
		n.AssessedOn, _ = time.Parse(time.DateOnly, f.Get("assessed_on"))
		for _, ev := range f["evidence"] {
			if eid, perr := strconv.ParseInt(ev, 10, 64); perr == nil {
				n.Evidence = append(n.Evidence, workshops.Evidence{Kind: workshops.EvidenceDeviceEvent, RefID: eid})
			}
		}
		_, err = h.workshops.AssessSkill(ctx, n)
		msg = v.T("ws.trainee.assessed")
	case "pin":
		err = h.auth.SetTraineePIN(ctx, id, f.Get("pin"))
		if fe, ok := validation.As(err); ok && fe.Field == "pin" {
			h.flash(r, v.T("ws.pin.weak"), true)
			http.Redirect(w, r, back, http.StatusSeeOther)
			return
		}
		if err == auth.ErrNotFound {
			h.flash(r, v.T("ws.pin.no_account"), true)
			http.Redirect(w, r, back, http.StatusSeeOther)
			return
		}
		msg = v.T("ws.pin.saved")
	case "badge":
		_, err = h.workshops.RenewBadge(ctx, id)
		msg = v.T("ws.trainee.badge_renewed")
	case "propose":
		var hs []workshops.HourEntry
		hs, err = h.workshops.ProposeFromWork(ctx, id)
		msg = v.T("ws.trainee.proposed", "Count", len(hs))
	case "certificate":
		if h.certificates == nil {
			h.notFound(w, r)
			return
		}
		var c *certificates.Issued
		c, err = h.certificates.Issue(ctx, id, certificates.KindAttendance, f.Get("language"))
		if err == nil {
			msg = v.T("ws.trainee.certificate_issued", "Number", c.Number)
		} else if err == certificates.ErrNotFound {
			err = workshops.ErrNotFound
		}
	default:
		http.Error(w, "unknown action", http.StatusBadRequest)
		return
	}
	if err != nil {
		h.wsFail(w, r, v, err, back)
		return
	}
	h.flash(r, msg, false)
	http.Redirect(w, r, back, http.StatusSeeOther)
}

// badgePDF prints a trainee's badge: a QR code of PUBLIC_URL/T/TOKEN with the token and the
// trainee's name, on a label (stock, default the 62 x 29 mm DK-11209) or an A4 sheet.
func (h *Handler) badgePDF(w http.ResponseWriter, r *http.Request) {
	v, ok := h.staffView(w, r, "ws.trainee.title", "trainees")
	if !ok {
		return
	}
	id, ok := h.traineeID(r)
	if !ok {
		h.notFound(w, r)
		return
	}
	t, err := h.workshops.Trainee(r.Context(), id)
	if err != nil {
		h.wsProblem(w, r, v, err)
		return
	}
	if t.BadgeToken == nil {
		h.notFound(w, r)
		return
	}
	name := r.URL.Query().Get("stock")
	if name == "" {
		name = "DK-11209"
	}
	stock, ok := labels.Stocks[name]
	if !ok {
		h.problem(w, r, v, validation.Field("stock", "unknown label stock %q", name))
		return
	}
	base := h.cfg.PublicURL
	if base == "" {
		base = "http://localhost"
	}
	item := labels.Item{Tag: *t.BadgeToken, Detail: t.Name, URL: strings.ToUpper(strings.TrimRight(base, "/")) + "/T/" + *t.BadgeToken}
	var buf bytes.Buffer
	if err := labels.WritePDF(&buf, []labels.Item{item}, stock, labels.Options{BaseURL: base, OrgName: h.cfg.OrgName}); err != nil {
		h.problem(w, r, v, validation.Field("stock", "%s", err.Error()))
		return
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `inline; filename="badge-`+strconv.FormatInt(id, 10)+`.pdf"`)
	w.Header().Set("Cache-Control", "no-store")
	w.Write(buf.Bytes())
}

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

type reportData struct {
	From, To   string // YYYY-MM
	Programme  string
	Programmes []workshops.Programme
	Rows       []workshops.ReportRow
	Total      int
	Query      string
	Error      string
}

// reportPeriod reads the report's months (YYYY-MM, default this month) and programme.
func (h *Handler) reportPeriod(q url.Values) (from, to time.Time, programme *int64, err error) {
	month := func(s string) (time.Time, error) {
		if s == "" {
			return workshops.MonthStart(h.today()), nil
		}
		return time.Parse("2006-01", s)
	}
	if from, err = month(q.Get("from")); err != nil {
		return from, to, nil, validation.Field("from", "a month such as 2026-03")
	}
	if to, err = month(q.Get("to")); err != nil {
		return from, to, nil, validation.Field("to", "a month such as 2026-03")
	}
	if p := q.Get("programme"); p != "" {
		id, perr := strconv.ParseInt(p, 10, 64)
		if perr != nil {
			return from, to, nil, validation.Field("programme", "not a programme")
		}
		programme = &id
	}
	return from, to, programme, nil
}

func (h *Handler) reportPage(w http.ResponseWriter, r *http.Request) {
	v, ok := h.staffView(w, r, "ws.report.title", "trainees")
	if !ok {
		return
	}
	ctx := r.Context()
	q := r.URL.Query()
	from, to, programme, err := h.reportPeriod(q)
	d := reportData{From: from.Format("2006-01"), To: to.Format("2006-01"), Programme: q.Get("programme")}
	if err == nil {
		d.Rows, err = h.workshops.HoursReport(ctx, from, to, programme)
	}
	if err != nil {
		_, d.Error = h.ruleMessage(v, err)
	}
	for _, row := range d.Rows {
		d.Total += row.ApprovedMinutes
	}
	if d.Programmes, err = h.workshops.Programmes(ctx); err != nil {
		h.wsProblem(w, r, v, err)
		return
	}
	d.Query = url.Values{"from": {d.From}, "to": {d.To}, "programme": {d.Programme}}.Encode()
	v.Data = d
	h.render(w, r, http.StatusOK, "ws_report.html", v)
}

// reportFile downloads the funder report as hours.csv or hours.xlsx, its columns in the
// page's language.
func (h *Handler) reportFile(w http.ResponseWriter, r *http.Request) {
	v, ok := h.staffView(w, r, "ws.report.title", "trainees")
	if !ok {
		return
	}
	file := r.PathValue("file")
	if file != "hours.csv" && file != "hours.xlsx" {
		h.notFound(w, r)
		return
	}
	from, to, programme, err := h.reportPeriod(r.URL.Query())
	var rows []workshops.ReportRow
	if err == nil {
		rows, err = h.workshops.HoursReport(r.Context(), from, to, programme)
	}
	if err != nil {
		h.wsProblem(w, r, v, err)
		return
	}
	l := workshops.ReportLabels{Programme: v.T("ws.report.programme"), Funder: v.T("ws.report.funder"), Month: v.T("ws.report.month"),
		Trainee: v.T("ws.report.trainee"), Hours: v.T("ws.report.hours"), Minutes: v.T("ws.report.minutes"),
		Entries: v.T("ws.report.entries"), Sessions: v.T("ws.report.sessions"), Total: v.T("ws.report.total")}
	var buf bytes.Buffer
	name := "hours-" + from.Format("2006-01") + "-" + to.Format("2006-01")
	if file == "hours.csv" {
		err = workshops.WriteReportCSV(&buf, rows, l)
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		name += ".csv"
	} else {
		err = workshops.WriteReportXLSX(&buf, rows, l)
		w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
		name += ".xlsx"
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	w.Header().Set("Cache-Control", "no-store")
	w.Write(buf.Bytes())
}
