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

// The staff's pages of a trainee: the list of trainees, a new trainee, a trainee's file
// (enrolments, hours, skills, certificates) with its actions, and the badge.

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
	Retention    workshops.Retention
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
	retention, err := h.workshops.Retention(ctx, []int64{id})
	if err != nil {
		h.wsProblem(w, r, v, err)
		return
	}
	d.Retention = retention[id]
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
