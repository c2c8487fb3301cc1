package web

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/certificates"
	"github.com/digital-inclusion/refurb/inventory"
)

// certText holds the certificate pages' own phrases, by language: these pages came with the
// certificates package, and their texts stay beside their handlers.
var certText = map[string]map[string]string{
	"fr": {
		"verify.title": "Vérification d'un certificat", "verify.valid": "Certificat authentique et en vigueur",
		"verify.superseded": "Certificat authentique, remplacé par une réémission", "verify.unknown": "Certificat inconnu",
		"verify.unknown_help": "Aucun certificat ne porte ce numéro avec ce code de vérification. Vérifiez l'adresse complète du code QR, ou déposez le fichier PDF ci-dessous.",
		"verify.replaced_by":  "Remplacé par", "verify.number": "Numéro", "verify.kind": "Type", "verify.issued": "Émis le",
		"verify.issuer": "Émetteur", "verify.donor": "Donateur", "verify.private": "particulier ou dépôt anonyme (non publié)",
		"verify.devices": "Appareils", "verify.drives": "Supports de stockage", "verify.sha": "Empreinte SHA-256 du PDF",
		"verify.upload": "Vérifier un fichier PDF", "verify.upload_help": "Le fichier est comparé octet par octet, par son empreinte SHA-256, au PDF émis. Il n'est pas conservé.",
		"verify.file": "Fichier PDF", "verify.check": "Vérifier le fichier", "verify.match": "Ce fichier est exactement le certificat émis.",
		"verify.nomatch": "Ce fichier n'est pas le certificat émis : il a été modifié, ou c'est un autre document.",
		"verify.limited": "Trop de vérifications depuis votre adresse. Réessayez dans une minute.",
		"kind.donation":  "Certificat de don", "kind.erasure": "Certificat d'effacement des données",
		"mine.title": "Mes dons", "mine.staff_title": "Dons", "mine.none": "Aucun don pour l'instant.",
		"mine.received": "Reçu le", "mine.devices": "Appareils", "mine.certificates": "Certificats", "mine.no_certificates": "Aucun certificat émis.",
		"mine.superseded": "remplacé", "mine.next": "Dons plus anciens", "mine.more": "et %d autres appareils",
		"col.tag": "Étiquette", "col.kind": "Type", "col.model": "Marque / modèle", "col.serial": "N° de série", "col.outcome": "Devenir",
		"outcome.stock": "en stock", "outcome.handed_out": "remis (réemploi)", "outcome.recycled": "recyclé", "outcome.dismantled": "démantelé (pièces)", "outcome.lost": "perdu",
		"issue.done": "Certificat %s émis.", "issue.heading": "Certificats",
	},
	"de": {
		"verify.title": "Prüfung einer Bescheinigung", "verify.valid": "Bescheinigung echt und gültig",
		"verify.superseded": "Bescheinigung echt, durch eine Neuausstellung ersetzt", "verify.unknown": "Unbekannte Bescheinigung",
		"verify.unknown_help": "Keine Bescheinigung trägt diese Nummer mit diesem Prüfcode. Prüfen Sie die vollständige Adresse des QR-Codes oder laden Sie die PDF-Datei unten hoch.",
		"verify.replaced_by":  "Ersetzt durch", "verify.number": "Nummer", "verify.kind": "Art", "verify.issued": "Ausgestellt am",
		"verify.issuer": "Aussteller", "verify.donor": "Spender", "verify.private": "Privatperson oder anonyme Abgabe (nicht veröffentlicht)",
		"verify.devices": "Geräte", "verify.drives": "Datenträger", "verify.sha": "SHA-256-Hashwert der PDF-Datei",
		"verify.upload": "PDF-Datei prüfen", "verify.upload_help": "Die Datei wird über ihren SHA-256-Hashwert Byte für Byte mit der ausgestellten PDF-Datei verglichen. Sie wird nicht gespeichert.",
		"verify.file": "PDF-Datei", "verify.check": "Datei prüfen", "verify.match": "Diese Datei ist genau die ausgestellte Bescheinigung.",
		"verify.nomatch": "Diese Datei ist nicht die ausgestellte Bescheinigung: Sie wurde verändert oder ist ein anderes Dokument.",
		"verify.limited": "Zu viele Prüfungen von Ihrer Adresse. Bitte in einer Minute erneut versuchen.",
		"kind.donation":  "Spendenbescheinigung", "kind.erasure": "Bescheinigung über die Datenlöschung",
		"mine.title": "Meine Spenden", "mine.staff_title": "Spenden", "mine.none": "Noch keine Spenden.",
		"mine.received": "Eingegangen am", "mine.devices": "Geräte", "mine.certificates": "Bescheinigungen", "mine.no_certificates": "Noch keine Bescheinigung ausgestellt.",
		"mine.superseded": "ersetzt", "mine.next": "Ältere Spenden", "mine.more": "und %d weitere Geräte",
		"col.tag": "Etikett", "col.kind": "Art", "col.model": "Hersteller / Modell", "col.serial": "Seriennummer", "col.outcome": "Verbleib",
		"outcome.stock": "im Bestand", "outcome.handed_out": "übergeben (Wiederverwendung)", "outcome.recycled": "recycelt", "outcome.dismantled": "zerlegt (Ersatzteile)", "outcome.lost": "verloren",
		"issue.done": "Bescheinigung %s ausgestellt.", "issue.heading": "Bescheinigungen",
	},
	"en": {
		"verify.title": "Certificate verification", "verify.valid": "Genuine and current certificate",
		"verify.superseded": "Genuine certificate, replaced by a re-issue", "verify.unknown": "Unknown certificate",
		"verify.unknown_help": "No certificate has this number with this verification code. Check the full address of the QR code, or upload the PDF file below.",
		"verify.replaced_by":  "Replaced by", "verify.number": "Number", "verify.kind": "Kind", "verify.issued": "Issued on",
		"verify.issuer": "Issuer", "verify.donor": "Donor", "verify.private": "private person or anonymous drop-off (not published)",
		"verify.devices": "Devices", "verify.drives": "Storage media", "verify.sha": "SHA-256 fingerprint of the PDF",
		"verify.upload": "Check a PDF file", "verify.upload_help": "The file is compared byte for byte, by its SHA-256 fingerprint, with the PDF issued. It is not kept.",
		"verify.file": "PDF file", "verify.check": "Check the file", "verify.match": "This file is exactly the certificate issued.",
		"verify.nomatch": "This file is not the certificate issued: it was altered, or it is another document.",
		"verify.limited": "Too many verifications from your address. Try again in a minute.",
		"kind.donation":  "Donation certificate", "kind.erasure": "Data erasure certificate",
		"mine.title": "My donations", "mine.staff_title": "Donations", "mine.none": "No donations yet.",
		"mine.received": "Received on", "mine.devices": "Devices", "mine.certificates": "Certificates", "mine.no_certificates": "No certificate issued yet.",
		"mine.superseded": "superseded", "mine.next": "Older donations", "mine.more": "and %d more devices",
		"col.tag": "Tag", "col.kind": "Kind", "col.model": "Make / model", "col.serial": "Serial number", "col.outcome": "Outcome",
		"outcome.stock": "in stock", "outcome.handed_out": "handed out (reused)", "outcome.recycled": "recycled", "outcome.dismantled": "dismantled (parts)", "outcome.lost": "lost",
		"issue.done": "Certificate %s issued.", "issue.heading": "Certificates",
	},
}

// ct returns the certificate pages' phrases in the page's language.
func ct(v *view) map[string]string {
	if t, ok := certText[v.L.Code]; ok {
		return t
	}
	return certText["fr"]
}

// certificateProblem shows a certificate error, or hands the others to problem.
func (h *Handler) certificateProblem(w http.ResponseWriter, r *http.Request, v *view, err error) {
	var we *certificates.WipeRequiredError
	switch {
	case errors.Is(err, certificates.ErrNotFound):
		err = inventory.ErrNotFound
	case errors.Is(err, certificates.ErrConflict):
		err = inventory.ErrConflict
	case errors.As(err, &we):
		iw := &inventory.WipeRequiredError{}
		for _, m := range we.Missing {
			iw.MediumIDs = append(iw.MediumIDs, m.MediumID)
			iw.Serials = append(iw.Serials, m.Serial)
		}
		err = iw
	}
	h.problem(w, r, v, err)
}

// certificatePDF serves an issued certificate's PDF, byte for byte as stored, to the donor's
// users, staff and administrators; another donor's user gets 403 whether or not it exists.
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
		h.certificateProblem(w, r, v, err)
		return
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `inline; filename="`+c.Number+`.pdf"`)
	w.Header().Set("Cache-Control", "private, no-cache")
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
		status = h.checkUpload(w, r, d)
	} else {
		d.V, err = h.certificates.Verify(r.Context(), d.Number, d.Token)
		status = h.verifyStatus(w, d, err)
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

// verifyStatus turns a verification's error into the page's status and message.
func (h *Handler) verifyStatus(w http.ResponseWriter, d *verifyData, err error) int {
	var rl *auth.RateLimitError
	switch {
	case err == nil:
		return http.StatusOK
	case errors.As(err, &rl):
		w.Header().Set("Retry-After", strings.TrimSuffix(rl.RetryAfter.Round(1e9).String(), "s"))
		d.Error = d.T["verify.limited"]
		d.V = &certificates.Verification{Status: certificates.StatusUnknown, Number: d.Number}
		return http.StatusTooManyRequests
	}
	return http.StatusInternalServerError
}

// checkUpload compares an uploaded PDF with the stored certificate.
func (h *Handler) checkUpload(w http.ResponseWriter, r *http.Request, d *verifyData) int {
	r.Body = http.MaxBytesReader(w, r.Body, certificates.MaxPDFSize+1<<20)
	if err := r.ParseMultipartForm(8 << 20); err != nil {
		http.Error(w, "the form could not be read", http.StatusBadRequest)
		return 0
	}
	if t := strings.TrimSpace(r.PostForm.Get("t")); t != "" {
		d.Token = t
	}
	f, _, err := r.FormFile("file")
	if err != nil {
		d.V = &certificates.Verification{Status: certificates.StatusUnknown, Number: d.Number}
		d.Error = d.T["verify.file"] + " ?"
		return http.StatusUnprocessableEntity
	}
	defer f.Close()
	d.V, err = h.certificates.CheckPDF(r.Context(), d.Number, d.Token, f)
	if d.V != nil {
		d.Match = d.V.PDFMatches
	}
	return h.verifyStatus(w, d, err)
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
	Staff     bool
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
	d := &donationsData{T: ct(v), Staff: v.Can("admin", "staff")}
	v.Title = d.T["mine.title"]
	if d.Staff {
		v.Title = d.T["mine.staff_title"]
	}
	v.Nav = "donations"
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
			h.certificateProblem(w, r, v, err)
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
	v, ok := h.signedIn(w, r, "problem.title")
	if !ok {
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 4<<10)
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
	issued, err := h.certificates.Issue(ctx, don.ID, certificates.Kind(r.PostForm.Get("kind")), r.PostForm.Get("language"))
	if err != nil {
		h.certificateProblem(w, r, v, err)
		return
	}
	h.flash(r, strings.Replace(ct(v)["issue.done"], "%s", issued.Number, 1), false)
	next := safeNext(r.PostForm.Get("next"))
	if next == "" {
		next = "/intake/" + url.PathEscape(don.Number)
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}
