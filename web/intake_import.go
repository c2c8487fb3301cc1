package web

import (
	"crypto/rand"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"time"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/inventory"
)

// A donor's asset list goes through two steps on the intake page: the file is checked (a dry
// run whose report the user reads), then imported when the user confirms. The file waits in
// between in memory, for its uploader only, for pendingTTL: a server restart or a second
// server instance loses it and the user uploads it again. Scripts use POST /imports instead.

const (
	pendingTTL      = 30 * time.Minute
	pendingMax      = 50  // files waiting at once, across users
	importPreview   = 100 // rows of the report shown on the page
	importFormExtra = 64 << 10
)

type pendingImport struct {
	userID     int64
	donationID int64
	filename   string
	data       []byte
	expires    time.Time
}

// pendingImports holds checked files until they are confirmed or expire.
type pendingImports struct {
	mu sync.Mutex
	m  map[string]*pendingImport
}

func (p *pendingImports) put(pi *pendingImport) string {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.m == nil {
		p.m = map[string]*pendingImport{}
	}
	now := time.Now()
	var oldest string
	for k, v := range p.m {
		if now.After(v.expires) {
			delete(p.m, k)
		} else if oldest == "" || v.expires.Before(p.m[oldest].expires) {
			oldest = k
		}
	}
	if len(p.m) >= pendingMax {
		delete(p.m, oldest)
	}
	token := rand.Text()
	p.m[token] = pi
	return token
}

// take returns and forgets the file a user checked under token.
func (p *pendingImports) take(token string, userID int64) *pendingImport {
	p.mu.Lock()
	defer p.mu.Unlock()
	pi := p.m[token]
	if pi == nil || pi.userID != userID || time.Now().After(pi.expires) {
		return nil
	}
	delete(p.m, token)
	return pi
}

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
		d.Token = h.imports.put(&pendingImport{userID: v.User.ID, donationID: don.ID, filename: header.Filename, data: data, expires: time.Now().Add(pendingTTL)})
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
	a, _ := auth.ActorFrom(ctx)
	pi := h.imports.take(r.PostForm.Get("token"), a.UserID)
	don, err := h.inventory.DonationByNumber(ctx, r.PathValue("number"))
	if err != nil {
		h.problem(w, r, v, err)
		return
	}
	back := "/intake/" + url.PathEscape(don.Number)
	if pi == nil || pi.donationID != don.ID {
		h.flash(r, v.T("import.expired"), true)
		http.Redirect(w, r, back, http.StatusSeeOther)
		return
	}
	rep, err := h.inventory.ImportAssetList(ctx, don.ID, pi.filename, pi.data, false)
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
