package web

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/digital-inclusion/refurb/inventory"
	"github.com/digital-inclusion/refurb/labels"
	"github.com/digital-inclusion/refurb/validation"
)

// Label routes are file routes: a browser with a session and a script with a bearer token get
// the same files. They answer 401 or 403 rather than redirecting, so scripts see what is wrong.

// labelItem is what a device's label shows: its tag and a line saying what it is, in the
// language of the person printing.
func (h *Handler) labelItem(r *http.Request, d *inventory.Device) labels.Item {
	l := h.tr.locale(pickLanguage(r), h.cfg.TimeZone)
	parts := []string{l.T("kind." + string(d.Kind))}
	var mm []string
	for _, p := range []*string{d.Make, d.Model} {
		if p != nil {
			mm = append(mm, *p)
		}
	}
	if len(mm) > 0 {
		parts = append(parts, strings.Join(mm, " "))
	}
	return labels.Item{Tag: d.Tag, Detail: strings.Join(parts, " · ")}
}

// labelOptions reads the printing options every label route takes: level (M or Q), start (the
// first free position on a partly used sheet), dx and dy (the printer's offset in mm).
func (h *Handler) labelOptions(r *http.Request) (labels.Options, error) {
	q := r.URL.Query()
	opts := labels.Options{BaseURL: h.cfg.PublicURL, OrgName: h.cfg.OrgName, Level: labels.LevelM}
	switch strings.ToUpper(q.Get("level")) {
	case "", "M":
	case "Q":
		opts.Level = labels.LevelQ
	default:
		return opts, validation.Field("level", "use M or Q")
	}
	if s := q.Get("start"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 {
			return opts, validation.Field("start", "is not a label position")
		}
		opts.Start = n
	}
	for _, o := range []struct {
		name string
		out  *float64
	}{{"dx", &opts.OffsetXMM}, {"dy", &opts.OffsetYMM}} {
		if s := q.Get(o.name); s != "" {
			f, err := strconv.ParseFloat(strings.Replace(s, ",", ".", 1), 64)
			if err != nil {
				return opts, validation.Field(o.name, "is not a number of millimetres")
			}
			*o.out = f
		}
	}
	return opts, nil
}

// labelPNG serves one device's label as a PNG for a 62x29 mm label printer: /labels/{TAG}.png.
func (h *Handler) labelPNG(w http.ResponseWriter, r *http.Request) {
	if _, err := inventory.RequireLabels(r.Context()); err != nil {
		h.plainError(w, r, err)
		return
	}
	file := r.PathValue("file")
	tag, ok := strings.CutSuffix(file, ".png")
	if !ok {
		http.Error(w, "ask for /labels/TAG.png, or /labels?donation=NUMBER for a sheet", http.StatusNotFound)
		return
	}
	d, err := h.inventory.DeviceByTag(r.Context(), tag)
	if err != nil {
		h.plainError(w, r, err)
		return
	}
	opts, err := h.labelOptions(r)
	if err != nil {
		h.plainError(w, r, err)
		return
	}
	var buf bytes.Buffer
	if err := labels.WritePNG(&buf, h.labelItem(r, d), opts); err != nil {
		h.plainError(w, r, err)
		return
	}
	// A label names a device of a donor: kept by no cache (docs/operations.md, "Headers").
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Security-Policy", ImageCSP)
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`inline; filename="%s.png"`, d.Tag))
	w.Write(buf.Bytes())
}

// ImageCSP is the Content-Security-Policy of an image served as a file (a label PNG), in place
// of the pages' one: nothing may load or run, but the browser may style the page it shows an
// image opened on its own in (Chromium's image viewer centres it with inline styles, which the
// pages' style-src 'self' would refuse). No HTML of ours is in that page, so inline styles there
// open nothing to an attacker.
const ImageCSP = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; base-uri 'none'; " +
	"form-action 'none'; frame-ancestors 'none'"

// maxSheetLabels bounds one PDF: a donation of a few thousand devices still fits.
const maxSheetLabels = 5000

// labelSheet serves labels as a PDF on a sheet or roll stock:
//
//	/labels?donation=DON-2026-00042&stock=L7160   every device of a donation, by tag
//	/labels?tags=DI-000123-N,DI-000124-L          those tags (devices or reserved tags)
func (h *Handler) labelSheet(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	if _, err := inventory.RequireLabels(ctx); err != nil {
		h.plainError(w, r, err)
		return
	}
	q := r.URL.Query()
	stock, err := stockOf(q.Get("stock"))
	if err != nil {
		h.plainError(w, r, err)
		return
	}
	opts, err := h.labelOptions(r)
	if err != nil {
		h.plainError(w, r, err)
		return
	}
	var items []labels.Item
	name := "labels"
	switch {
	case q.Get("donation") != "":
		don, err := h.inventory.DonationByNumber(ctx, q.Get("donation"))
		if err != nil {
			h.plainError(w, r, err)
			return
		}
		name = don.Number
		if items, err = h.donationLabels(ctx, r, don.ID); err != nil {
			h.plainError(w, r, err)
			return
		}
	case q.Get("tags") != "":
		for _, t := range strings.FieldsFunc(q.Get("tags"), func(c rune) bool { return c == ',' || c == ' ' || c == '\n' }) {
			tag, _, err := inventory.ParseTag(t)
			if err != nil {
				h.plainError(w, r, validation.Field("tags", "%s", err.Error()))
				return
			}
			d, err := h.inventory.DeviceByTag(ctx, tag)
			switch {
			case err == nil:
				items = append(items, h.labelItem(r, d))
			case errors.Is(err, inventory.ErrNotFound):
				items = append(items, labels.Item{Tag: tag}) // a reserved tag, not yet on a device
			default:
				h.plainError(w, r, err)
				return
			}
		}
	default:
		h.plainError(w, r, validation.Field("donation", "say which labels: donation=NUMBER or tags=TAG,TAG"))
		return
	}
	h.writeSheet(w, r, name, items, stock, opts)
}

// reserveLabels reserves new tags and prints them, for labels stuck on devices before intake:
// POST /labels/reserve with count and stock. It changes the database (tags are taken), hence POST.
func (h *Handler) reserveLabels(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 4<<10)
	if err := r.ParseForm(); err != nil {
		http.Error(w, "the form could not be read", http.StatusBadRequest)
		return
	}
	n, err := strconv.Atoi(r.PostForm.Get("count"))
	if err != nil {
		h.plainError(w, r, validation.Field("count", "is not a number of labels"))
		return
	}
	stock, err := stockOf(r.PostForm.Get("stock"))
	if err != nil {
		h.plainError(w, r, err)
		return
	}
	opts, err := h.labelOptions(r)
	if err != nil {
		h.plainError(w, r, err)
		return
	}
	tags, err := h.inventory.ReserveTags(r.Context(), n)
	if err != nil {
		h.plainError(w, r, err)
		return
	}
	items := make([]labels.Item, len(tags))
	for i, t := range tags {
		items[i] = labels.Item{Tag: t}
	}
	h.writeSheet(w, r, tags[0]+"_"+strconv.Itoa(len(tags)), items, stock, opts)
}

func (h *Handler) donationLabels(ctx context.Context, r *http.Request, donationID int64) ([]labels.Item, error) {
	var items []labels.Item
	page := inventory.Page{First: inventory.MaxPageSize}
	for {
		p, err := h.inventory.Devices(ctx, inventory.DeviceFilter{DonationID: donationID}, inventory.SortTagAsc, page)
		if err != nil {
			return nil, err
		}
		for i := range p.Devices {
			items = append(items, h.labelItem(r, &p.Devices[i]))
		}
		if !p.HasNextPage || len(items) >= maxSheetLabels {
			return items, nil
		}
		page.After = p.EndCursor
	}
}

func stockOf(name string) (labels.Stock, error) {
	if name == "" {
		name = "L7160"
	}
	s, ok := labels.Stocks[strings.ToUpper(name)]
	if !ok {
		var names []string
		for n := range labels.Stocks {
			names = append(names, n)
		}
		return s, validation.Field("stock", "unknown label stock %q; use one of %s", name, strings.Join(names, ", "))
	}
	return s, nil
}

func (h *Handler) writeSheet(w http.ResponseWriter, r *http.Request, name string, items []labels.Item, stock labels.Stock, opts labels.Options) {
	if len(items) == 0 {
		http.Error(w, "no labels to print", http.StatusNotFound)
		return
	}
	if len(items) > maxSheetLabels {
		h.plainError(w, r, validation.Field("tags", "at most %d labels at once", maxSheetLabels))
		return
	}
	var buf bytes.Buffer
	if err := labels.WritePDF(&buf, items, stock, opts); err != nil {
		// The layout refuses what the options ask of the stock (a start on a roll, a label too
		// small, an offset too large): the printing person's input.
		h.plainError(w, r, validation.Field("stock", "%s", err.Error()))
		return
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`inline; filename="%s-%s.pdf"`, name, stock.Name))
	w.Write(buf.Bytes())
}
