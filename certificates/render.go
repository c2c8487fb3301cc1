package certificates

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/go-fonts/dejavu/dejavusans"
	"github.com/go-fonts/dejavu/dejavusansbold"

	"github.com/digital-inclusion/refurb/internal/calendar"
	"github.com/digital-inclusion/refurb/internal/pdf"
	"github.com/digital-inclusion/refurb/inventory"
)

// Page geometry, in millimetres on A4 portrait.
const (
	marginL    = 16.0
	marginR    = 16.0
	marginT    = 14.0
	contentW   = pdf.A4Width - marginL - marginR
	bodyBottom = pdf.A4Height - 18.0 // the footer lives below
	footerY    = pdf.A4Height - 10.0 // baseline of the footer
	qrSide     = 26.0
)

// Text sizes, in points.
const (
	sizeTitle = 15.0
	sizeOrg   = 11.0
	sizeHead  = 10.0
	sizeBody  = 8.5
	sizeSmall = 7.0
	sizeTable = 7.0
)

// Render writes the certificate doc as a PDF to w.
func Render(w io.Writer, doc *Document) error {
	l, ok := langOf(doc.Language)
	if !ok {
		return fmt.Errorf("certificates: unknown language %q", doc.Language)
	}
	if (doc.Kind != KindDonation && doc.Kind != KindErasure && doc.Kind != KindHandover && (doc.Kind != KindAttendance || doc.Attendance == nil) &&
		(doc.Kind != KindImpactReport || doc.Report == nil)) ||
		(doc.Kind == KindHandover) != (doc.Handover != nil) {
		return fmt.Errorf("certificates: cannot render a %s certificate", doc.Kind)
	}
	tz := doc.TimeZone
	if tz == nil {
		tz = calendar.Zone()
	}
	r := &renderer{doc: doc, l: l, tz: tz, d: pdf.New(pdf.A4Width, pdf.A4Height)}
	r.d.SetTitle(doc.Number+" "+r.title(), true)
	r.d.SetAuthor(doc.Org.Name, true)
	r.d.SetCreator("Refurb", true)
	r.d.SetCreationDate(doc.IssuedAt)
	r.d.SetModificationDate(doc.IssuedAt)
	if r.needsFallback() {
		r.d.AddUTF8FontFromBytes(fallbackFamily, "", dejavusans.TTF)
		// A receipt sets its Arabic in one weight: a second DejaVu font for a few headings costs
		// a fifth of the hand-out's rendering time and of the file's size.
		if doc.Kind != KindHandover {
			r.d.AddUTF8FontFromBytes(fallbackFamily, "B", dejavusansbold.TTF)
			r.fallbackBold = true
		}
		r.fallback = true
	}
	if doc.Org.Logo != nil && len(doc.Org.Logo.Data) > 0 {
		tp := strings.ToUpper(doc.Org.Logo.Type)
		if tp == "JPEG" {
			tp = "JPG"
		}
		info := r.d.RegisterImageReader("logo", tp, bytes.NewReader(doc.Org.Logo.Data))
		if r.d.Err() {
			return fmt.Errorf("certificates: logo: %w", r.d.Error())
		}
		r.logoW, r.logoH = info.Extent()
	}
	if h := doc.Handover; h != nil && len(h.Signature) > 0 {
		info := r.d.RegisterImageReader("signature", "PNG", bytes.NewReader(h.Signature))
		if r.d.Err() {
			return fmt.Errorf("certificates: signature: %w", r.d.Error())
		}
		r.sigW, r.sigH = info.Extent()
	}
	r.rtl = l == langAR
	var err error
	if r.qr, err = encodeQR(doc.VerifyURL); err != nil {
		return err
	}
	r.prepare()
	// Two passes over one layout: the first counts the pages, the second draws them knowing
	// the total for "page n / N".
	r.flow()
	r.pages = r.page
	r.draw = true
	r.flow()
	return r.d.Output(w)
}

// renderer lays out one certificate.
type renderer struct {
	d        *pdf.Doc
	doc      *Document
	l        lang
	tz       *time.Location
	fallback bool
	// fallbackBold: DejaVu Sans Bold is registered too.
	fallbackBold bool
	logoW        float64
	logoH        float64
	sigW         float64 // the signature image's size, zero without one
	sigH         float64
	qr           *qrCode
	// rtl sets paragraphs flush right: the document is in Arabic.
	rtl bool

	// Tables, wrapped once and drawn by both passes.
	kindTable, deviceTable, driveTable *table
	reportTable                        *table // the tools' reports of the erasure certificate, nil without one
	weekTable, skillTable              *table
	missingTable, extraTable           *table // the donor's list reconciliation

	draw  bool // false on the counting pass
	page  int
	pages int
	y     float64
	// font is the font last set on the document, to skip redundant changes.
	font struct {
		family, style string
		size          float64
	}
}

func (r *renderer) title() string { return r.l.T("title." + string(r.doc.Kind)) }

// newPage starts a page and draws its running header and footer.
func (r *renderer) newPage() {
	r.page++
	r.font.family = "" // a new page starts without a font
	if r.draw {
		r.d.AddPage()
		r.d.SetDrawColor(120, 120, 120)
		r.d.SetLineWidth(0.2)
		r.d.Line(marginL, footerY-4, pdf.A4Width-marginR, footerY-4)
		left := r.doc.Number + " · " + r.title()
		r.text(marginL, footerY, left, false, sizeSmall)
		r.textRight(pdf.A4Width-marginR, footerY, r.l.T("page", r.page, r.pages), false, sizeSmall)
		if r.doc.Org.Name != "" {
			r.text(marginL, footerY+3.5, r.doc.Org.Name, false, sizeSmall)
		}
	}
	r.y = marginT
	if r.page > 1 {
		// A running header: who issued what, in case pages are separated.
		r.text(marginL, r.y+ascent(sizeSmall), r.doc.Org.Name, true, sizeSmall)
		r.textRight(pdf.A4Width-marginR, r.y+ascent(sizeSmall), r.title()+" · "+r.doc.Number, true, sizeSmall)
		r.y += lineHeight(sizeSmall) + 1
		if r.draw {
			r.d.Line(marginL, r.y, pdf.A4Width-marginR, r.y)
		}
		r.y += 3
	}
}

// need starts a new page unless h millimetres fit below the cursor.
func (r *renderer) need(h float64) {
	if r.y+h > bodyBottom {
		r.newPage()
	}
}

// paragraph flows wrapped text over as many pages as it takes.
func (r *renderer) paragraph(s string, bold bool, size float64, x, w float64) {
	lh := lineHeight(size)
	for _, line := range r.wrap(s, bold, size, w) {
		r.need(lh)
		if r.rtl {
			r.textRight(x+w, r.y+ascent(size), line, bold, size)
		} else {
			r.text(x, r.y+ascent(size), line, bold, size)
		}
		r.y += lh
	}
}

// heading prints a section title, keeping keep millimetres of what follows on the same page.
func (r *renderer) heading(s string, keep float64) {
	r.y += 3
	r.need(lineHeight(sizeHead) + keep)
	if r.rtl {
		r.textRight(marginL+contentW, r.y+ascent(sizeHead), s, true, sizeHead)
	} else {
		r.text(marginL, r.y+ascent(sizeHead), s, true, sizeHead)
	}
	r.y += lineHeight(sizeHead) + 0.5
}

// flow lays out (and on the drawing pass draws) the whole certificate.
func (r *renderer) flow() {
	r.page = 0
	r.newPage()
	r.top()
	switch r.doc.Kind {
	case KindHandover:
		r.handoverBody()
	case KindAttendance:
		r.attendanceBody()
	case KindImpactReport:
		r.reportBody()
	case KindDonation:
		r.parties()
		r.donationBody()
		r.reconcileBody()
	default:
		r.parties()
		r.erasureBody()
	}
}

// top draws the first page's head: logo, issuer, QR code, title, number and date.
func (r *renderer) top() {
	doc := r.doc
	x := marginL
	if r.logoW > 0 && r.logoH > 0 {
		h := 16.0
		w := r.logoW * h / r.logoH
		if w > 45 {
			w, h = 45, r.logoH*45/r.logoW
		}
		if r.draw {
			r.d.Image("logo", marginL, marginT, w, h, false, "", 0, "")
		}
		r.y = marginT + h + 2
	}
	textW := contentW - qrSide - 6
	r.paragraph(doc.Org.Name, true, sizeOrg, x, textW)
	for _, line := range strings.Split(doc.Org.Address, "\n") {
		r.paragraph(strings.TrimSpace(line), false, sizeSmall, x, textW)
	}
	if doc.Org.RegistrationNumber != "" {
		r.paragraph(r.l.T("regno")+r.l.T("colon")+doc.Org.RegistrationNumber, false, sizeSmall, x, textW)
	}
	if r.draw {
		pdf.FillCells(r.d, pdf.A4Width-marginR-qrSide, marginT, qrSide/float64(r.qr.size), r.qr.cells)
	}
	r.y = max(r.y, marginT+qrSide) + 5
	r.paragraph(r.title(), true, sizeTitle, marginL, contentW)
	r.y += 1
	line := r.l.T("number") + " " + doc.Number + "    " + r.l.T("issued") + " " + r.l.date(doc.IssuedAt.In(r.tz))
	r.paragraph(line, true, sizeHead, marginL, contentW)
	r.y += 1
	r.paragraph(r.l.T("verify")+" "+doc.VerifyURL, false, sizeSmall, marginL, contentW)
	r.paragraph(r.l.T("verify.hint"), false, sizeSmall, marginL, contentW)
	r.y += 2
	if r.draw {
		r.d.SetDrawColor(120, 120, 120)
		r.d.SetLineWidth(0.2)
		r.d.Line(marginL, r.y, pdf.A4Width-marginR, r.y)
	}
	r.y += 3
}

// parties prints the issuer, the donor and the donation side by side.
func (r *renderer) parties() {
	doc := r.doc
	colW := (contentW - 6) / 2
	type block struct {
		title string
		lines []string
	}
	donor := block{title: r.l.T("donor")}
	if doc.Donor.Name == "" {
		donor.lines = append(donor.lines, r.l.T("donor.anonymous"))
	} else {
		donor.lines = append(donor.lines, doc.Donor.Name)
		for _, a := range strings.Split(doc.Donor.Address, "\n") {
			if a = strings.TrimSpace(a); a != "" {
				donor.lines = append(donor.lines, a)
			}
		}
		if doc.Donor.RegistrationNumber != "" {
			donor.lines = append(donor.lines, r.l.T("regno")+r.l.T("colon")+doc.Donor.RegistrationNumber)
		}
	}
	don := block{title: r.l.T("donation")}
	don.lines = append(don.lines,
		r.l.T("donation.number")+r.l.T("colon")+doc.Donation.Number,
		r.l.T("donation.date")+r.l.T("colon")+r.l.date(doc.Donation.ReceivedOn))
	if doc.Donation.Place != "" {
		don.lines = append(don.lines, r.l.T("donation.place")+r.l.T("colon")+doc.Donation.Place)
	}
	if doc.Donation.DonorReference != "" {
		don.lines = append(don.lines, r.l.T("donation.ref")+r.l.T("colon")+doc.Donation.DonorReference)
	}
	top := r.y
	bottom := top
	for i, b := range []block{donor, don} {
		r.y = top
		x := marginL + float64(i)*(colW+6)
		r.text(x, r.y+ascent(sizeHead), b.title, true, sizeHead)
		r.y += lineHeight(sizeHead)
		for j, line := range b.lines {
			r.paragraph(line, j == 0 && i == 0, sizeBody, x, colW)
		}
		bottom = max(bottom, r.y)
	}
	r.y = bottom + 2
}

// fmtKG formats kilograms.
func (r *renderer) fmtKG(v float64) string { return r.l.T("kg", r.l.num(v, 2)) }

func (r *renderer) donationBody() {
	doc := r.doc
	r.heading(r.l.T("summary"), r.kindTable.headerH+r.kindTable.rows[0].h)
	r.table(r.kindTable)

	im := doc.Impact
	r.heading(r.l.T("impact"), 5*lineHeight(sizeBody))
	lines := [][2]string{
		{r.l.T("impact.reused"), r.fmtKG(im.ReusedKG)},
		{r.l.T("impact.recycled"), r.fmtKG(im.RecycledKG)},
		{r.l.T("impact.stock"), r.fmtKG(im.InStockKG)},
	}
	if im.LostKG > 0 {
		lines = append(lines, [2]string{r.l.T("impact.lost"), r.fmtKG(im.LostKG)})
	}
	if im.SetName != "" {
		lines = append(lines, [2]string{r.l.T("impact.co2"), r.l.T("kgco2", r.l.num(im.AvoidedKGCO2e, 1))})
	}
	for i, ln := range lines {
		r.need(lineHeight(sizeBody))
		bold := i == len(lines)-1 && im.SetName != ""
		r.text(marginL, r.y+ascent(sizeBody), ln[0], bold, sizeBody)
		r.textRight(marginL+120, r.y+ascent(sizeBody), ln[1], bold, sizeBody)
		r.y += lineHeight(sizeBody)
	}
	if im.SetName != "" {
		r.paragraph(r.l.T("impact.method", im.SetName, im.SetVersion, r.l.num(im.Displacement, 1)), false, sizeSmall, marginL, contentW)
	} else {
		r.paragraph(r.l.T("impact.none"), false, sizeSmall, marginL, contentW)
	}

	// The statement that no monetary value is attested, framed.
	r.y += 3
	lh := lineHeight(sizeBody)
	stmt := r.wrap(r.l.T("no.value"), true, sizeBody, contentW-6)
	h := float64(len(stmt))*lh + 4
	r.need(h)
	if r.draw {
		r.d.SetDrawColor(60, 60, 60)
		r.d.SetLineWidth(0.3)
		r.d.Rect(marginL, r.y, contentW, h, "D")
	}
	for i, line := range stmt {
		r.text(marginL+3, r.y+2+float64(i)*lh+ascent(sizeBody), line, true, sizeBody)
	}
	r.y += h

	r.heading(fmt.Sprintf("%s (%d)", r.l.T("devices"), len(doc.Devices)), r.deviceTable.headerH+r.deviceTable.firstRowH())
	r.table(r.deviceTable)
	if len(doc.Drives) > 0 {
		r.heading(fmt.Sprintf("%s (%d)", r.l.T("drives"), len(doc.Drives)), r.driveTable.headerH+r.driveTable.firstRowH())
		r.table(r.driveTable)
		r.paragraph(r.l.T("drives.annex"), false, sizeSmall, marginL, contentW)
	}
}

func (r *renderer) erasureBody() {
	doc := r.doc
	passed, destroyed := 0, 0
	for _, d := range doc.Drives {
		if d.Wipe == nil || d.Wipe.Result != inventory.ResultPassed {
			continue
		}
		if d.Wipe.Method == inventory.MethodDestroy {
			destroyed++
		} else {
			passed++
		}
	}
	r.heading(r.l.T("summary"), 2*lineHeight(sizeBody))
	r.paragraph(r.l.T("erasure.summary", len(doc.Drives), passed, destroyed), true, sizeBody, marginL, contentW)
	r.paragraph(r.l.T("erasure.devices", len(doc.Devices)), false, sizeBody, marginL, contentW)

	org := doc.Org.Name
	r.heading(r.l.T("declaration"), 4*lineHeight(sizeBody))
	r.paragraph(r.l.T("declaration.text", org, org), false, sizeBody, marginL, contentW)
	r.y += 2
	r.need(22)
	r.paragraph(r.l.T("signature", org), false, sizeBody, marginL, contentW)
	r.y += 14
	if r.draw {
		r.d.SetDrawColor(60, 60, 60)
		r.d.SetLineWidth(0.2)
		r.d.Line(marginL, r.y, marginL+80, r.y)
	}
	r.y += 3

	r.heading(fmt.Sprintf("%s (%d)", r.l.T("drives"), len(doc.Drives)), r.driveTable.headerH+r.driveTable.firstRowH())
	r.table(r.driveTable)
	if r.reportTable != nil {
		r.heading(r.l.T("reports"), r.reportTable.headerH+r.reportTable.firstRowH())
		r.table(r.reportTable)
		r.paragraph(r.l.T("reports.note"), false, sizeSmall, marginL, contentW)
	}
}
