package web

import (
	"bytes"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/digital-inclusion/refurb/validation"
	"github.com/digital-inclusion/refurb/workshops"
)

// The funder report of the workshops, over a range of months and for one programme or all: as a
// page, and as hours.csv or hours.xlsx.

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
