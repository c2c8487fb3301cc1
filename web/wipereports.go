package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/inventory"
	"github.com/digital-inclusion/refurb/validation"
)

// Wipe reports go through two steps on /wipe-reports, as asset lists do: the files are checked
// (a dry run whose outcome the user reads, with a choice for each erasure that was not matched
// for sure), then recorded when the user confirms. The files wait in between in the database
// (inventory.HoldWipeReports), so the confirmation may reach another instance. Scripts use
// POST /wipe-reports instead, with the same files and a JSON answer.

// reportFormSlack is what an upload holds besides the files: boundaries, part headers, fields.
const reportFormSlack = 256 << 10

type wipeReportsData struct {
	Import *inventory.WipeImport
	Token  string // the held files, while something is left to decide or record
	Error  string // why the upload was refused
	// Choices are the values last chosen, by form field, so that checking again keeps them.
	Choices map[string]string
	// Max* are the limits, for the form's help.
	MaxFiles, MaxMB int
}

// Choice returns the value last chosen for an erasure's field (medium or tag).
func (d *wipeReportsData) Choice(field, key string) string { return d.Choices[field+":"+key] }

// Actionable reports whether the import leaves something to record or to decide.
func (d *wipeReportsData) Actionable() bool {
	return d.Import != nil && (d.Import.Recorded > 0 && d.Import.DryRun || d.Import.Undecided > 0 || d.Import.Refused > 0)
}

func (h *Handler) newWipeReportsData() *wipeReportsData {
	return &wipeReportsData{MaxFiles: inventory.MaxWipeReportFiles, MaxMB: inventory.MaxWipeReportBytes >> 20, Choices: map[string]string{}}
}

// wipeReportsPage shows the upload form.
func (h *Handler) wipeReportsPage(w http.ResponseWriter, r *http.Request) {
	v, ok := h.signedIn(w, r, "wr.title")
	if !ok {
		return
	}
	if !inventory.MayWork(v.actor) {
		h.problem(w, r, v, auth.ErrForbidden)
		return
	}
	v.Nav = "bench"
	v.Data = h.newWipeReportsData()
	h.render(w, r, http.StatusOK, "wipereports.html", v)
}

// checkWipeReports runs a dry run of uploaded reports, holds the files and shows the outcome.
func (h *Handler) checkWipeReports(w http.ResponseWriter, r *http.Request) {
	v, ok := h.signedIn(w, r, "wr.title")
	if !ok {
		return
	}
	v.Nav = "bench"
	d := h.newWipeReportsData()
	v.Data = d
	files, _, err := readReportUpload(w, r)
	if err != nil {
		d.Error = h.uploadMessage(v, err)
		h.render(w, r, explain(v.L, err).status, "wipereports.html", v)
		return
	}
	h.runWipeImport(w, r, v, d, files, nil, true, "")
}

// confirmWipeReports checks the held files again with the choices made, or records them.
func (h *Handler) confirmWipeReports(w http.ResponseWriter, r *http.Request) {
	v, ok := h.signedInForm(w, r, "wr.title", 256<<10)
	if !ok {
		return
	}
	v.Nav = "bench"
	d := h.newWipeReportsData()
	v.Data = d
	token := r.PostForm.Get("token")
	files, err := h.inventory.HeldWipeReports(r.Context(), token)
	if errors.Is(err, inventory.ErrNotFound) {
		d.Error = v.T("wr.expired")
		h.render(w, r, http.StatusConflict, "wipereports.html", v)
		return
	}
	if err != nil {
		h.problem(w, r, v, err)
		return
	}
	decisions := map[string]inventory.WipeDecision{}
	for field, vals := range r.PostForm {
		kind, key, ok := strings.Cut(field, ":")
		if !ok || len(vals) == 0 || strings.TrimSpace(vals[0]) == "" {
			continue
		}
		val := strings.TrimSpace(vals[0])
		dec := decisions[key]
		switch kind {
		case "medium":
			var id int64
			if _, err := fmt.Sscan(val, &id); err != nil || id <= 0 {
				continue
			}
			dec.MediumID = id
		case "tag":
			dec.DeviceTag = val
		default:
			continue
		}
		d.Choices[field] = val
		decisions[key] = dec
	}
	dryRun := r.PostForm.Get("action") != "record"
	h.runWipeImport(w, r, v, d, files, decisions, dryRun, token)
}

// runWipeImport imports (or checks) files and shows the outcome, holding the files while
// something is left to record or decide.
func (h *Handler) runWipeImport(w http.ResponseWriter, r *http.Request, v *view, d *wipeReportsData, files []inventory.WipeReportFile,
	decisions map[string]inventory.WipeDecision, dryRun bool, token string) {
	ctx := r.Context()
	imp, err := h.inventory.ImportWipeReports(ctx, files, decisions, dryRun)
	if err != nil {
		if e := explain(v.L, err); e.inForm() {
			d.Error = e.message
			h.render(w, r, e.status, "wipereports.html", v)
			return
		}
		h.problem(w, r, v, err)
		return
	}
	d.Import = imp
	switch {
	case d.Actionable() && token == "":
		if d.Token, err = h.inventory.HoldWipeReports(ctx, files); err != nil {
			h.problem(w, r, v, err)
			return
		}
	case d.Actionable():
		d.Token = token
	case token != "":
		if err := h.inventory.ForgetWipeReports(ctx, token); err != nil {
			h.problem(w, r, v, err)
			return
		}
	}
	h.render(w, r, http.StatusOK, "wipereports.html", v)
}

// uploadMessage is why an upload was refused, in the reader's language.
func (h *Handler) uploadMessage(v *view, err error) string {
	if errors.Is(err, errNotMultipart) {
		return v.T("wr.no_file")
	}
	e := explain(v.L, err)
	if e.detail != "" {
		return e.detail
	}
	return e.message
}

var errNotMultipart = errors.New("send the reports as multipart/form-data with the field files")

// readReportUpload reads an upload of reports: every part named files (or file) is a report;
// other fields are returned by name. Sizes are checked as the body is read.
func readReportUpload(w http.ResponseWriter, r *http.Request) ([]inventory.WipeReportFile, map[string]string, error) {
	tooLarge := func(msg string, args ...any) error {
		return fmt.Errorf("%w (%w)", validation.Field("files", msg, args...), inventory.ErrTooLarge)
	}
	r.Body = http.MaxBytesReader(w, r.Body, inventory.MaxWipeUploadBytes+reportFormSlack)
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, nil, errNotMultipart
	}
	var files []inventory.WipeReportFile
	fields := map[string]string{}
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			if isMaxBytes(err) {
				return nil, nil, tooLarge("the files are larger than the %d MB limit of an upload", inventory.MaxWipeUploadBytes>>20)
			}
			return nil, nil, errNotMultipart
		}
		switch name := part.FormName(); {
		case name == "files" || name == "file":
			if part.FileName() == "" {
				part.Close()
				continue // an empty file input
			}
			if len(files) == inventory.MaxWipeReportFiles {
				return nil, nil, tooLarge("send at most %d files at once", inventory.MaxWipeReportFiles)
			}
			data, err := io.ReadAll(io.LimitReader(part, inventory.MaxWipeReportBytes+1))
			if err != nil {
				if isMaxBytes(err) {
					return nil, nil, tooLarge("the files are larger than the %d MB limit of an upload", inventory.MaxWipeUploadBytes>>20)
				}
				return nil, nil, errNotMultipart
			}
			if len(data) > inventory.MaxWipeReportBytes {
				return nil, nil, tooLarge("%s is larger than the %d MB limit of a report", part.FileName(), inventory.MaxWipeReportBytes>>20)
			}
			files = append(files, inventory.WipeReportFile{Filename: part.FileName(), Data: data})
		case name != "":
			b, err := io.ReadAll(io.LimitReader(part, 64<<10))
			if err != nil {
				return nil, nil, errNotMultipart
			}
			fields[name] = strings.TrimSpace(string(b))
		}
		part.Close()
	}
	if len(files) == 0 {
		return nil, nil, validation.Field("files", "no file: choose nwipe PDF or Blancco XML reports")
	}
	return files, fields, nil
}

// importWipeReports answers POST /wipe-reports: reports sent as multipart/form-data in the
// field files (one part a file), with dryRun (true or false, default false) and decisions (JSON:
// {"<sha256>:<erasure>": {"mediumId": 12} or {"deviceTag": "DI-000123-K"}}), from a signed-in
// browser or with an API token. The answer is the inventory.WipeImport as JSON, 200 whatever
// the outcomes; errors are {"error": ..., "field": ...} with the status of errors.go's table
// (413 over a limit, 422 without a file, 401, 403).
func (h *Handler) importWipeReports(w http.ResponseWriter, r *http.Request) {
	if _, ok := auth.ActorFrom(r.Context()); !ok {
		h.jsonError(w, r, auth.ErrUnauthenticated)
		return
	}
	files, fields, err := readReportUpload(w, r)
	if errors.Is(err, errNotMultipart) {
		badRequestJSON(w, err.Error()+", dryRun and decisions")
		return
	}
	if err != nil {
		h.jsonError(w, r, err)
		return
	}
	dryRun := false
	switch strings.ToLower(fields["dryRun"]) {
	case "", "false", "0", "no", "off":
	case "true", "1", "yes", "on":
		dryRun = true
	default:
		h.jsonError(w, r, validation.Field("dryRun", "dryRun is %q: use true or false", fields["dryRun"]))
		return
	}
	var raw map[string]struct {
		MediumID  int64  `json:"mediumId"`
		DeviceTag string `json:"deviceTag"`
	}
	if s := fields["decisions"]; s != "" {
		if err := json.Unmarshal([]byte(s), &raw); err != nil {
			h.jsonError(w, r, validation.Field("decisions", "not a JSON object of decisions: %v", err))
			return
		}
	}
	decisions := map[string]inventory.WipeDecision{}
	for k, d := range raw {
		decisions[k] = inventory.WipeDecision{MediumID: d.MediumID, DeviceTag: d.DeviceTag}
	}
	imp, err := h.inventory.ImportWipeReports(r.Context(), files, decisions, dryRun)
	if err != nil {
		h.jsonError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, imp)
}

// wipeReportFile serves a stored report, by its SHA-256, to who may see it
// (inventory.Store.WipeReportFile): the workshop, and the donor of a device it is about.
func (h *Handler) wipeReportFile(w http.ResponseWriter, r *http.Request) {
	v, ok := h.signedIn(w, r, "problem.title")
	if !ok {
		return
	}
	rep, err := h.inventory.WipeReportFile(r.Context(), r.PathValue("sha256"))
	if err != nil {
		h.problem(w, r, v, err)
		return
	}
	ctype := "application/pdf"
	if rep.Format == "blancco_xml" {
		ctype = "application/xml"
	}
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": rep.Filename}))
	w.Header().Set("Cache-Control", "no-store") // drive serials and a donor's name: kept by no cache
	w.Header().Set("ETag", `"`+rep.SHA256+`"`)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Content-Security-Policy", "sandbox")
	w.Write(rep.Data)
}
