package web

import (
	"bytes"
	"html/template"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/certificates"
	"github.com/digital-inclusion/refurb/impact"
	"github.com/digital-inclusion/refurb/requests"
	"github.com/digital-inclusion/refurb/validation"
)

// The impact pages (docs/impact.md): the dashboard of a period for staff and administrators,
// its tables as CSV and XLSX, the annual report; a donor's impact; the follow-up of a hand-out
// (web/followup.go). Messages are in locales/impact.*.json.

func (h *Handler) impactRoutes() {
	m := h.mux
	m.HandleFunc("GET /impact", h.impactPage)
	m.HandleFunc("GET /impact/{file}", h.impactFile)
	m.HandleFunc("POST /impact/report", h.issueImpactReport)
	m.HandleFunc("GET /donors/{id}", h.donorPage)
	m.HandleFunc("GET /follow-ups", h.followUpsPage)
	m.HandleFunc("GET /requests/{id}/follow-up", h.followUpPage)
	m.HandleFunc("POST /requests/{id}/follow-up", h.answerFollowUp)
}

// ImpactNav returns the impact links for the signed-in user: the dashboard for the office, the
// follow-ups for social workers.
func (v *view) ImpactNav() []navItem {
	if v.User == nil {
		return nil
	}
	switch {
	case impact.MayRead(v.actor):
		return []navItem{{"/impact", "impact", v.T("impact.nav")}}
	case v.actor.In(auth.SocialWorkers):
		return []navItem{{"/follow-ups", "follow-ups", v.T("fu.nav")}}
	}
	return nil
}

// officeView is signedIn for the impact pages: staff and administrators.
func (h *Handler) officeView(w http.ResponseWriter, r *http.Request, titleID string) (*view, bool) {
	v, ok := h.signedIn(w, r, titleID)
	if !ok {
		return nil, false
	}
	if !impact.MayRead(v.actor) {
		h.problem(w, r, v, auth.ErrForbidden)
		return nil, false
	}
	v.Nav = "impact"
	return v, true
}

// impactPeriod reads the period of a dashboard (from, to: YYYY-MM-DD), by default the year so
// far.
func (h *Handler) impactPeriod(q url.Values) (from, to time.Time, err error) {
	today := h.impact.Today()
	from, to = impact.Jan1(today.Year()), today
	if s := q.Get("from"); s != "" {
		if from, err = time.Parse(time.DateOnly, s); err != nil {
			return from, to, validation.Field("from", "a date such as 2026-01-31")
		}
	}
	if s := q.Get("to"); s != "" {
		if to, err = time.Parse(time.DateOnly, s); err != nil {
			return from, to, validation.Field("to", "a date such as 2026-12-31")
		}
	}
	return from, to, nil
}

// figure is a headline figure of the dashboard.
type figure struct {
	ID, Value, Label string
	Note             string
}

// tableView is a ledger table as the page shows it, numbers formatted in the page's language.
type tableView struct {
	ID, Title string
	Head      []string
	Numeric   []bool
	Rows      [][]string
	Total     []string
	CSV, XLSX string
}

// chartView is a chart with the table of its data.
type chartView struct {
	ID, Title string
	SVG       template.HTML
	Table     tableView
}

type preset struct{ Label, Query string }

type impactData struct {
	From, To string
	Query    string
	Presets  []preset
	Error    string
	Ledger   *impact.Ledger
	Figures  []figure
	Charts   []chartView
	Tables   []tableView
	Years    []int
	Reports  []certificates.Certificate
	// Downloads are every table of the ledger as files.
	Downloads []tableView
}

// num formats v with decimals in the page's language.
func num(v *view, x float64, decimals int) string {
	p := math.Pow(10, float64(decimals))
	return v.L.Num(math.Round(x*p) / p)
}

// cellText formats a table's cell for the page.
func cellText(v *view, c impact.Cell) string {
	words := impact.Words{T: func(id string) string { return v.T(id) }, Lang: v.L.Code}
	switch {
	case c.Names != nil, c.Translate:
		return words.Text(c)
	case c.Number:
		if c.Null {
			return "—"
		}
		return num(v, c.Num, c.Decimals)
	case !c.Date.IsZero():
		if c.Month {
			return c.Date.Format("01/2006")
		}
		return v.L.Date(c.Date)
	}
	return c.Text
}

// tableOf presents columns cols of t (all when none), with the links to its files.
func tableOf(v *view, t *impact.Table, id, query string, cols ...int) tableView {
	if cols == nil {
		for i := range t.Columns {
			cols = append(cols, i)
		}
	}
	tv := tableView{ID: id, Title: v.T(t.Title), CSV: "/impact/" + t.Name + ".csv?" + query, XLSX: "/impact/" + t.Name + ".xlsx?" + query}
	for _, i := range cols {
		tv.Head = append(tv.Head, v.T(t.Columns[i]))
		numeric := false
		if len(t.Rows) > 0 {
			numeric = t.Rows[0][i].Number
		} else if t.Total != nil {
			numeric = t.Total[i].Number
		}
		tv.Numeric = append(tv.Numeric, numeric)
	}
	row := func(r []impact.Cell) []string {
		out := make([]string, len(cols))
		for j, i := range cols {
			out[j] = cellText(v, r[i])
		}
		return out
	}
	for _, r := range t.Rows {
		tv.Rows = append(tv.Rows, row(r))
	}
	if t.Total != nil {
		tv.Total = row(t.Total)
	}
	return tv
}

func (h *Handler) impactPage(w http.ResponseWriter, r *http.Request) {
	v, ok := h.officeView(w, r, "impact.title")
	if !ok {
		return
	}
	ctx := r.Context()
	from, to, err := h.impactPeriod(r.URL.Query())
	d := &impactData{From: from.Format(time.DateOnly), To: to.Format(time.DateOnly)}
	if err == nil {
		d.Ledger, err = h.impact.Ledger(ctx, from, to)
	}
	if err != nil {
		status, msg := h.ruleMessage(v, err)
		if status == http.StatusInternalServerError || status == http.StatusForbidden {
			h.problem(w, r, v, err)
			return
		}
		d.Error = msg
	}
	today := h.impact.Today()
	q := func(f, t time.Time) string {
		return url.Values{"from": {f.Format(time.DateOnly)}, "to": {t.Format(time.DateOnly)}}.Encode()
	}
	d.Query = q(from, to)
	d.Presets = []preset{
		{v.T("impact.preset.this_year"), q(impact.Jan1(today.Year()), today)},
		{v.T("impact.preset.last_year"), q(impact.Jan1(today.Year()-1), impact.Jan1(today.Year()).AddDate(0, 0, -1))},
		{v.T("impact.preset.twelve_months"), q(today.AddDate(-1, 0, 1), today)},
		{v.T("impact.preset.this_month"), q(time.Date(today.Year(), today.Month(), 1, 0, 0, 0, 0, time.UTC), today)},
	}
	for y := today.Year(); y > today.Year()-6 && y >= certificates.FirstReportYear; y-- {
		d.Years = append(d.Years, y)
	}
	if d.Reports, err = h.certificates.ImpactReports(ctx); err != nil {
		h.problem(w, r, v, err)
		return
	}
	if l := d.Ledger; l != nil {
		d.Figures = figures(v, l)
		d.Charts, d.Tables = dashboard(v, l, d.Query)
		for _, t := range l.Tables() {
			d.Downloads = append(d.Downloads, tableView{Title: v.T(t.Title), CSV: "/impact/" + t.Name + ".csv?" + d.Query, XLSX: "/impact/" + t.Name + ".xlsx?" + d.Query})
		}
	}
	v.Data = d
	h.render(w, r, http.StatusOK, "impact.html", v)
}

// figures are the dashboard's headline figures.
func figures(v *view, l *impact.Ledger) []figure {
	opt := func(p *float64, dec int) string {
		if p == nil {
			return "—"
		}
		return num(v, *p, dec)
	}
	fs := []figure{
		{ID: "received", Value: num(v, float64(l.Devices.Received), 0), Label: v.T("impact.fig.received")},
		{ID: "handed-out", Value: num(v, float64(l.Devices.HandedOut), 0), Label: v.T("impact.fig.handed_out")},
		{ID: "recycled", Value: num(v, float64(l.Devices.Recycled), 0), Label: v.T("impact.fig.recycled"),
			Note: v.T("impact.fig.dismantled", "Count", l.Devices.Dismantled)},
		{ID: "kg-reused", Value: num(v, l.Devices.KGReused, 0), Label: v.T("impact.fig.kg_reused")},
		{ID: "kg-recycled", Value: num(v, l.Devices.KGRecycled, 0), Label: v.T("impact.fig.kg_recycled")},
		{ID: "co2e", Value: num(v, l.Devices.CO2eAvoidedKG, 0), Label: v.T("impact.fig.co2e")},
		{ID: "people", Value: num(v, float64(l.RequestsHandedOut), 0), Label: v.T("impact.fig.people")},
		{ID: "wait", Value: opt(l.MedianWaitDays, 1), Label: v.T("impact.fig.wait"), Note: v.T("impact.fig.p90", "Days", opt(l.P90WaitDays, 1))},
		{ID: "lifetime", Value: opt(l.Age.LifetimeFactor, 2), Label: v.T("impact.fig.lifetime"),
			Note: v.T("impact.fig.ages", "Intake", opt(l.Age.AtIntakeYears, 1), "HandOut", opt(l.Age.AtHandOutYears, 1), "Extra", opt(l.Age.ExtraYearsPerDevice, 1))},
		{ID: "hours", Value: num(v, float64(l.TraineeMinutes)/60, 0), Label: v.T("impact.fig.hours")},
		{ID: "skills", Value: num(v, float64(l.SkillsCertified), 0), Label: v.T("impact.fig.skills")},
		{ID: "certificates", Value: num(v, float64(l.CertificatesIssued), 0), Label: v.T("impact.fig.certificates")},
	}
	if n := len(l.Queue); n > 0 {
		fs = append(fs, figure{ID: "waiting", Value: num(v, float64(l.Queue[n-1].Waiting), 0), Label: v.T("impact.fig.waiting"),
			Note: v.T("impact.fig.waitlisted", "Count", l.Queue[n-1].Waitlisted)})
	}
	if l.FollowUps.Asked > 0 {
		fs = append(fs, figure{ID: "follow-ups", Value: num(v, float64(l.FollowUps.InUse[requests.InUseYes]), 0), Label: v.T("impact.fig.in_use"),
			Note: v.T("impact.fig.answered", "Answered", l.FollowUps.Answered, "Asked", l.FollowUps.Asked)})
	}
	return fs
}

// dashboard builds the charts, each with the table of its data, and the tables without a chart.
func dashboard(v *view, l *impact.Ledger, query string) ([]chartView, []tableView) {
	tables := l.Tables()
	byName := func(name string) *impact.Table { return &tables[slices.Index(impact.TableNames, name)] }
	numFn := func(x float64) string { return num(v, x, 0) }
	var months []string
	var received, handed, recycled, kgReused, kgRecycled []float64
	for _, m := range l.Months {
		months = append(months, m.Month.Format("01/06"))
		received = append(received, float64(m.Received))
		handed = append(handed, float64(m.HandedOut))
		recycled = append(recycled, float64(m.Recycled))
		kgReused = append(kgReused, m.KGReused)
		kgRecycled = append(kgRecycled, m.KGRecycled)
	}
	chart := func(id, titleID string, spec chartSpec, draw func(*chartSpec) template.HTML, t tableView) chartView {
		spec.ID, spec.Title, spec.Num = id, v.T(titleID), numFn
		if spec.Desc == "" {
			spec.Desc = v.T("impact.chart.desc")
		}
		t.Title = spec.Title
		return chartView{ID: id, Title: spec.Title, SVG: draw(&spec), Table: t}
	}
	var charts []chartView
	charts = append(charts, chart("chart-devices", "impact.chart.devices", chartSpec{Categories: months, Series: []series{
		{v.T("impact.col.received"), "c1", received}, {v.T("impact.col.handed_out"), "c2", handed}, {v.T("impact.col.recycled"), "c3", recycled}}},
		(*chartSpec).Bars, tableOf(v, byName("months"), "data-devices", query, 0, 1, 2, 3, 4, 5)))
	charts = append(charts, chart("chart-weight", "impact.chart.weight", chartSpec{Categories: months, Series: []series{
		{v.T("impact.col.kg_reused"), "c2", kgReused}, {v.T("impact.col.kg_recycled"), "c3", kgRecycled}}},
		(*chartSpec).Bars, tableOf(v, byName("months"), "data-weight", query, 0, 6, 7, 8, 9)))

	var kinds []string
	var kindReceived, kindHanded []float64
	for _, k := range l.Kinds {
		kinds = append(kinds, v.T("kind."+string(k.Kind)))
		kindReceived = append(kindReceived, float64(k.Received))
		kindHanded = append(kindHanded, float64(k.HandedOut))
	}
	charts = append(charts, chart("chart-kinds", "impact.chart.kinds", chartSpec{Categories: kinds, Series: []series{
		{v.T("impact.col.received"), "c1", kindReceived}, {v.T("impact.col.handed_out"), "c2", kindHanded}}},
		(*chartSpec).HBars, tableOf(v, byName("kinds"), "data-kinds", query)))

	// Hand-outs by partner kind and by purpose: the totals of the detailed table.
	partners, purposes := map[requests.PartnerKind]int{}, map[requests.Purpose]int{}
	for _, g := range l.ByPartner {
		partners[g.PartnerKind] += g.HandedOut
		purposes[g.Purpose] += g.HandedOut
	}
	sumTable := func(id, titleID, colID string, keys []string, counts []int) (chartView, tableView) {
		var cats []string
		var vals []float64
		tv := tableView{ID: "data-" + id, Title: v.T(titleID), Head: []string{v.T(colID), v.T("impact.col.requests")}, Numeric: []bool{false, true},
			CSV: "/impact/hand_outs.csv?" + query, XLSX: "/impact/hand_outs.xlsx?" + query}
		for i, k := range keys {
			cats = append(cats, v.T(k))
			vals = append(vals, float64(counts[i]))
			tv.Rows = append(tv.Rows, []string{v.T(k), num(v, float64(counts[i]), 0)})
		}
		tv.Total = []string{v.T("impact.total"), num(v, float64(l.RequestsHandedOut), 0)}
		return chart("chart-"+id, titleID, chartSpec{Categories: cats, Series: []series{{v.T("impact.col.requests"), "c2", vals}}}, (*chartSpec).HBars, tv), tv
	}
	var pk []string
	var pc []int
	for _, k := range requests.PartnerKinds {
		if n := partners[k]; n > 0 {
			pk, pc = append(pk, "req.partner."+string(k)), append(pc, n)
		}
	}
	c, _ := sumTable("partners", "impact.chart.partners", "impact.col.partner_kind", pk, pc)
	charts = append(charts, c)
	pk, pc = nil, nil
	for _, p := range requests.Purposes {
		if n := purposes[p]; n > 0 {
			pk, pc = append(pk, "req.purpose."+string(p)), append(pc, n)
		}
	}
	c, _ = sumTable("purposes", "impact.chart.purposes", "impact.col.purpose", pk, pc)
	charts = append(charts, c)

	var qDates []string
	var waiting, waitlisted []float64
	for _, p := range l.Queue {
		qDates = append(qDates, p.Date.Format("02/01"))
		waiting = append(waiting, float64(p.Waiting))
		waitlisted = append(waitlisted, float64(p.Waitlisted))
	}
	charts = append(charts, chart("chart-queue", "impact.chart.queue", chartSpec{Categories: qDates, Series: []series{
		{v.T("impact.col.waiting"), "c1", waiting}, {v.T("impact.col.waitlisted"), "c3", waitlisted}}},
		(*chartSpec).Lines, tableOf(v, byName("queue"), "data-queue", query)))

	hours := make([]float64, len(l.Months))
	for _, h := range l.Hours {
		for i, m := range l.Months {
			if m.Month.Equal(h.Month) {
				hours[i] += float64(h.Minutes) / 60
			}
		}
	}
	charts = append(charts, chart("chart-hours", "impact.chart.hours", chartSpec{Categories: months, Series: []series{
		{v.T("impact.col.hours"), "c2", hours}}}, (*chartSpec).Bars, tableOf(v, byName("hours"), "data-hours", query)))

	var rest []tableView
	for _, name := range []string{"hand_outs", "factor_sets", "follow_ups", "skills", "certificates"} {
		rest = append(rest, tableOf(v, byName(name), "table-"+strings.ReplaceAll(name, "_", "-"), query))
	}
	return charts, rest
}

// impactFile downloads one table of the ledger as CSV or XLSX, its texts in the reader's
// language.
func (h *Handler) impactFile(w http.ResponseWriter, r *http.Request) {
	v, ok := h.officeView(w, r, "impact.title")
	if !ok {
		return
	}
	name, ext, _ := strings.Cut(r.PathValue("file"), ".")
	if (ext != "csv" && ext != "xlsx") || !slices.Contains(impact.TableNames, name) {
		h.notFound(w, r)
		return
	}
	from, to, err := h.impactPeriod(r.URL.Query())
	var l *impact.Ledger
	if err == nil {
		l, err = h.impact.Ledger(r.Context(), from, to)
	}
	if err != nil {
		h.problem(w, r, v, err)
		return
	}
	words := impact.Words{T: func(id string) string { return v.T(id) }, Lang: v.L.Code}
	var buf bytes.Buffer
	file := "impact-" + name + "-" + from.Format(time.DateOnly) + "-" + to.Format(time.DateOnly) + "." + ext
	if ext == "csv" {
		err = impact.WriteCSV(&buf, l.Table(name), words)
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	} else {
		err = impact.WriteXLSX(&buf, l.Table(name), words)
		w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Disposition", `attachment; filename="`+file+`"`)
	w.Header().Set("Cache-Control", "no-store")
	w.Write(buf.Bytes())
}

// issueImpactReport issues the annual report of the year the form names.
func (h *Handler) issueImpactReport(w http.ResponseWriter, r *http.Request) {
	v, ok := h.signedInForm(w, r, "impact.title", 4<<10)
	if !ok {
		return
	}
	year, err := strconv.Atoi(r.PostForm.Get("year"))
	if err != nil {
		http.Error(w, "the form could not be read", http.StatusBadRequest)
		return
	}
	issued, err := h.certificates.IssueImpactReport(r.Context(), year, r.PostForm.Get("language"))
	if err != nil {
		status, msg := h.ruleMessage(v, err)
		if status == http.StatusInternalServerError || status == http.StatusForbidden {
			h.problem(w, r, v, err)
			return
		}
		h.flash(r, msg, true)
	} else {
		h.flash(r, v.T("impact.report.issued", "Number", issued.Number), false)
	}
	http.Redirect(w, r, "/impact#reports", http.StatusSeeOther)
}

// donorFigures are a donor's impact as headline figures.
func donorFigures(v *view, d *impact.DonorImpact) []figure {
	return []figure{
		{ID: "d-devices", Value: num(v, float64(d.Devices), 0), Label: v.T("impact.donor.devices"),
			Note: v.T("impact.donor.outcomes", "HandedOut", d.HandedOut, "Recycled", d.Recycled, "InStock", d.InStock, "Lost", d.Lost)},
		{ID: "d-people", Value: num(v, float64(d.PeopleEquipped), 0), Label: v.T("impact.donor.people")},
		{ID: "d-kg-reused", Value: num(v, d.KGReused, 0), Label: v.T("impact.fig.kg_reused")},
		{ID: "d-kg-recycled", Value: num(v, d.KGRecycled, 0), Label: v.T("impact.fig.kg_recycled")},
		{ID: "d-co2e", Value: num(v, d.CO2eAvoidedKG, 0), Label: v.T("impact.fig.co2e")},
	}
}

func (h *Handler) donorPage(w http.ResponseWriter, r *http.Request) {
	v, ok := h.signedIn(w, r, "impact.donor.title")
	if !ok {
		return
	}
	ctx := r.Context()
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		h.notFound(w, r)
		return
	}
	im, err := h.impact.Donor(ctx, id)
	if err != nil {
		h.problem(w, r, v, err)
		return
	}
	donors, err := h.inventory.DonorsByID(ctx, []int64{id})
	if err != nil || donors[id] == nil {
		h.problem(w, r, v, impact.ErrNotFound)
		return
	}
	v.Title = donors[id].Name
	v.Nav = "donations"
	v.Data = map[string]any{"Name": donors[id].Name, "Figures": donorFigures(v, im), "Impact": im}
	h.render(w, r, http.StatusOK, "impact_donor.html", v)
}
