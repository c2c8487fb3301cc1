package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/digital-inclusion/refurb/certificates"
	"github.com/digital-inclusion/refurb/inventory"
)

// certKeys are the certificate pages' phrases: messages "cert.KEY" in the locale files, handed
// to the templates as a map by KEY.
var certKeys = []string{
	"col.kind",
	"col.model",
	"col.outcome",
	"col.serial",
	"col.tag",
	"issue.done",
	"issue.heading",
	"kind.attendance",
	"kind.donation",
	"kind.erasure",
	"kind.impact_report",
	"mine.certificates",
	"mine.devices",
	"mine.more",
	"mine.next",
	"mine.no_certificates",
	"mine.none",
	"mine.received",
	"mine.staff_title",
	"mine.superseded",
	"mine.title",
	"outcome.dismantled",
	"outcome.handed_out",
	"outcome.lost",
	"outcome.recycled",
	"outcome.stock",
	"verify.check",
	"verify.devices",
	"verify.donor",
	"verify.drives",
	"verify.file",
	"verify.issued",
	"verify.issuer",
	"verify.kind",
	"verify.match",
	"verify.nomatch",
	"verify.number",
	"verify.private",
	"verify.replaced_by",
	"verify.sha",
	"verify.superseded",
	"verify.title",
	"verify.unknown",
	"verify.unknown_help",
	"verify.upload",
	"verify.upload_help",
	"verify.valid",
}

// ct returns the certificate pages' phrases in the page's language.
func ct(v *view) map[string]string {
	m := make(map[string]string, len(certKeys))
	for _, k := range certKeys {
		m[k] = v.T("cert." + k)
	}
	return m
}

// certificatePDF serves an issued certificate's PDF, byte for byte as stored, to whom the
// certificates store gives it (staff and administrators, the donor's users, the trainee an
// attendance certificate is about); anyone else signed in gets 403 whether or not it exists.
func (h *Handler) certificatePDF(w http.ResponseWriter, r *http.Request) {
	v, ok := h.signedIn(w, r, "problem.title")
	if !ok {
		return
	}
	number, isPDF := strings.CutSuffix(r.PathValue("file"), ".pdf")
	if !isPDF {
		h.notFound(w, r)
		return
	}
	c, err := h.certificates.PDF(r.Context(), number)
	if err != nil {
		h.problem(w, r, v, err)
		return
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `inline; filename="`+c.Number+`.pdf"`)
	w.Header().Set("Cache-Control", "no-store") // a donor's or a trainee's data: kept by no cache
	w.Header().Set("ETag", `"`+c.SHA256+`"`)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	if r.Header.Get("If-None-Match") == `"`+c.SHA256+`"` {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Write(c.PDF)
}

// verifyData is what the public verification page shows.
type verifyData struct {
	T      map[string]string
	Number string
	Token  string
	V      *certificates.Verification
	Match  *bool  // the uploaded file's comparison, when one was uploaded
	Error  string // a rate limit, a missing file
}

// verifyPage is what a certificate's QR code opens: public, rate-limited per client address.
func (h *Handler) verifyPage(w http.ResponseWriter, r *http.Request) {
	v, err := h.newView(r, "problem.title")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	d := &verifyData{T: ct(v), Number: certificates.NormalizeNumber(r.PathValue("number")), Token: strings.TrimSpace(r.URL.Query().Get("t"))}
	status := http.StatusOK
	if r.Method == http.MethodPost {
		status, err = h.checkUpload(w, r, v, d)
	} else {
		d.V, err = h.certificates.Verify(r.Context(), d.Number, d.Token)
		status = h.verifyStatus(w, v, d, err)
	}
	if status == 0 {
		return // answered already
	}
	if status == http.StatusInternalServerError {
		h.fail(w, r, err)
		return
	}
	v.Title = d.T["verify.title"]
	v.Data = d
	// Nothing on this page is for search engines, and the token stays out of referrers.
	w.Header().Set("X-Robots-Tag", "noindex")
	w.Header().Set("Referrer-Policy", "no-referrer")
	h.render(w, r, status, "certificates_verify.html", v)
}

// verifyStatus turns a verification's error into the page's status and message (a rate
// limit, a file over the size limit), from errors.go's table.
func (h *Handler) verifyStatus(w http.ResponseWriter, v *view, d *verifyData, err error) int {
	if err == nil {
		return http.StatusOK
	}
	e := explain(v.L, err)
	if e.status == http.StatusInternalServerError {
		return e.status
	}
	e.setHeaders(w)
	d.Error = e.message
	if d.V == nil {
		d.V = &certificates.Verification{Status: certificates.StatusUnknown, Number: d.Number}
	}
	return e.status
}

// checkUpload compares an uploaded PDF with the stored certificate. It returns 0 when it
// answered the request itself.
func (h *Handler) checkUpload(w http.ResponseWriter, r *http.Request, v *view, d *verifyData) (int, error) {
	r.Body = http.MaxBytesReader(w, r.Body, certificates.MaxPDFSize+1<<20)
	if err := r.ParseMultipartForm(8 << 20); err != nil {
		http.Error(w, "the form could not be read", http.StatusBadRequest)
		return 0, nil
	}
	if t := strings.TrimSpace(r.PostForm.Get("t")); t != "" {
		d.Token = t
	}
	f, _, err := r.FormFile("file")
	if err != nil {
		d.V = &certificates.Verification{Status: certificates.StatusUnknown, Number: d.Number}
		d.Error = d.T["verify.file"] + " ?"
		return http.StatusUnprocessableEntity, nil
	}
	defer f.Close()
	d.V, err = h.certificates.CheckPDF(r.Context(), d.Number, d.Token, f)
	if d.V != nil {
		d.Match = d.V.PDFMatches
	}
	return h.verifyStatus(w, v, d, err), err
}

// myDonation is one donation on the donations page.
type myDonation struct {
	Donation     *inventory.Donation
	Devices      []inventory.Device
	More         int
	Certificates []certificates.Certificate
}

// donationsData is the donations page.
type donationsData struct {
	T         map[string]string
	Donations []myDonation
	Next      string
	Issue     bool // the user may issue certificates from this page
	// Impact is a donor's own impact (web/impact.go), for a donor's users.
	Impact []figure
}

// Outcome names what became of a device.
func (d *donationsData) Outcome(s inventory.Status) string {
	switch s {
	case inventory.StatusHandedOut, inventory.StatusRecycled, inventory.StatusDismantled, inventory.StatusLost:
		return d.T["outcome."+string(s)]
	}
	return d.T["outcome.stock"]
}

// More says how many devices are not listed.
func (d *donationsData) More(n int) string {
	return strings.Replace(d.T["mine.more"], "%d", strconv.Itoa(n), 1)
}

// devicesShown bounds the devices listed per donation on the donations page.
const devicesShown = 200

// myDonations lists a donor's donations with what became of each device and their
// certificates; staff and administrators see every donation.
func (h *Handler) myDonations(w http.ResponseWriter, r *http.Request) {
	v, ok := h.signedIn(w, r, "problem.title")
	if !ok {
		return
	}
	ctx := r.Context()
	scope, err := inventory.DonorScope(ctx)
	if err != nil {
		h.problem(w, r, v, err)
		return
	}
	d := &donationsData{T: ct(v), Issue: certificates.MayIssue(v.actor, certificates.KindDonation)}
	v.Title = d.T["mine.title"] // a donor's own
	if scope.All() {
		v.Title = d.T["mine.staff_title"]
	}
	v.Nav = "donations"
	if id := scope.DonorID(); id != 0 && h.impact != nil {
		im, err := h.impact.Donor(ctx, id)
		if err != nil {
			h.problem(w, r, v, err)
			return
		}
		d.Impact = donorFigures(v, im)
	}
	page, err := h.inventory.Donations(ctx, 0, inventory.Page{First: 10, After: r.URL.Query().Get("after")})
	if err != nil {
		h.problem(w, r, v, err)
		return
	}
	ids := make([]int64, len(page.Donations))
	for i := range page.Donations {
		ids[i] = page.Donations[i].ID
	}
	certs := map[int64][]certificates.Certificate{}
	if len(ids) > 0 {
		if certs, err = h.certificates.ForDonations(ctx, ids); err != nil {
			h.problem(w, r, v, err)
			return
		}
	}
	for i := range page.Donations {
		don := &page.Donations[i]
		devs, err := h.inventory.Devices(ctx, inventory.DeviceFilter{DonationID: don.ID}, inventory.SortTagAsc, inventory.Page{First: devicesShown})
		if err != nil {
			h.problem(w, r, v, err)
			return
		}
		d.Donations = append(d.Donations, myDonation{Donation: don, Devices: devs.Devices,
			More: devs.TotalCount - len(devs.Devices), Certificates: certs[don.ID]})
	}
	if page.HasNextPage {
		d.Next = page.EndCursor
	}
	v.Data = d
	h.render(w, r, http.StatusOK, "certificates_donations.html", v)
}

// issueCertificate issues a certificate for a donation from its page (staff and
// administrators), then goes back to the page with the outcome.
func (h *Handler) issueCertificate(w http.ResponseWriter, r *http.Request) {
	v, ok := h.signedInForm(w, r, "problem.title", 4<<10)
	if !ok {
		return
	}
	ctx := r.Context()
	don, err := h.inventory.DonationByNumber(ctx, r.PathValue("number"))
	if err != nil {
		h.problem(w, r, v, err)
		return
	}
	issued, err := h.certificates.Issue(ctx, don.ID, certificates.Kind(r.PostForm.Get("kind")), r.PostForm.Get("language"))
	if err != nil {
		h.problem(w, r, v, err)
		return
	}
	h.flash(r, strings.Replace(ct(v)["issue.done"], "%s", issued.Number, 1), false)
	next := safeNext(r.PostForm.Get("next"))
	if next == "" {
		next = "/intake/" + url.PathEscape(don.Number)
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}
