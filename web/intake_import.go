package web

import (
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"

	"github.com/digital-inclusion/refurb/inventory"
)

// A donor's asset list goes through two steps on the intake page: the file is checked (a dry
// run whose report the user reads), then imported when the user confirms. The file waits in
// between in the database (inventory.HoldImport), so the confirmation may reach another server
// instance. Scripts use POST /imports instead.

const (
	importPreview   = 100 // rows of the report shown on the page
	importFormExtra = 64 << 10
)

type importData struct {
	Donation *inventory.Donation
	Report   *inventory.ImportReport
	Lines    []inventory.ImportLine // the first importPreview lines
	More     int                    // lines not shown
	Token    string                 // set when the file may be imported
}

// checkImport runs a dry run of an uploaded asset list and shows its report.
func (h *Handler) checkImport(w http.ResponseWriter, r *http.Request) {
	v, ok := h.signedIn(w, r, "import.title")
	if !ok {
		return
	}
	v.Nav = "intake"
	ctx := r.Context()
	don, err := h.inventory.DonationByNumber(ctx, r.PathValue("number"))
	if err != nil {
		h.problem(w, r, v, err)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, inventory.MaxImportBytes+importFormExtra)
	file, header, err := r.FormFile("file")
	if err != nil {
		var mb *http.MaxBytesError
		if errors.As(err, &mb) {
			h.refuseImport(w, r, v, http.StatusRequestEntityTooLarge, v.T("import.too_large", "MB", inventory.MaxImportBytes>>20))
			return
		}
		h.refuseImport(w, r, v, http.StatusBadRequest, v.T("import.no_file"))
		return
	}
	defer file.Close()
	data, err := io.ReadAll(io.LimitReader(file, inventory.MaxImportBytes+1))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if len(data) > inventory.MaxImportBytes {
		h.refuseImport(w, r, v, http.StatusRequestEntityTooLarge, v.T("import.too_large", "MB", inventory.MaxImportBytes>>20))
		return
	}
	rep, err := h.inventory.ImportAssetList(ctx, don.ID, header.Filename, data, true)
	if err != nil {
		if e := explain(v.L, err); e.inForm() {
			h.refuseImport(w, r, v, e.status, e.message)
			return
		}
		h.problem(w, r, v, err)
		return
	}
	d := &importData{Donation: don, Report: rep, Lines: rep.Lines}
	if len(d.Lines) > importPreview {
		d.Lines, d.More = d.Lines[:importPreview], len(d.Lines)-importPreview
	}
	if len(rep.Errors) == 0 && !rep.AlreadyImported && rep.Created > 0 {
		if d.Token, err = h.inventory.HoldImport(ctx, don.ID, header.Filename, data); err != nil {
			h.problem(w, r, v, err)
			return
		}
	}
	v.Data = d
	status := http.StatusOK
	if len(rep.Errors) > 0 {
		status = http.StatusUnprocessableEntity
	}
	h.render(w, r, status, "import.html", v)
}

// refuseImport shows the donation page with why its file was not checked.
func (h *Handler) refuseImport(w http.ResponseWriter, r *http.Request, v *view, status int, msg string) {
	h.showDonation(w, r, v, status, &donationData{ImportError: msg})
}

// confirmImport imports a file checked before.
func (h *Handler) confirmImport(w http.ResponseWriter, r *http.Request) {
	v, ok := h.signedIn(w, r, "import.title")
	if !ok {
		return
	}
	if err := r.ParseForm(); err != nil {
		http.Error(w, "the form could not be read", http.StatusBadRequest)
		return
	}
	ctx := r.Context()
	don, err := h.inventory.DonationByNumber(ctx, r.PathValue("number"))
	if err != nil {
		h.problem(w, r, v, err)
		return
	}
	back := "/intake/" + url.PathEscape(don.Number)
	held, err := h.inventory.TakeImport(ctx, r.PostForm.Get("token"), don.ID)
	if errors.Is(err, inventory.ErrNotFound) {
		h.flash(r, v.T("import.expired"), true)
		http.Redirect(w, r, back, http.StatusSeeOther)
		return
	}
	if err != nil {
		h.problem(w, r, v, err)
		return
	}
	rep, err := h.inventory.ImportAssetList(ctx, don.ID, held.Filename, held.Data, false)
	if err != nil {
		if e := explain(v.L, err); e.inForm() {
			h.refuseImport(w, r, v, e.status, e.message)
			return
		}
		h.problem(w, r, v, err)
		return
	}
	if len(rep.Errors) > 0 { // the donation changed since the check
		v.Data = &importData{Donation: don, Report: rep, Lines: rep.Lines[:min(len(rep.Lines), importPreview)]}
		h.render(w, r, http.StatusUnprocessableEntity, "import.html", v)
		return
	}
	h.flash(r, v.T("import.done", "Count", rep.Created, "N", strconv.Itoa(rep.Created), "Skipped", rep.Skipped), false)
	http.Redirect(w, r, back, http.StatusSeeOther)
}
