package web

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/digital-inclusion/refurb/inventory"
)

// intakeData is the intake page's: a new donation's form and the latest donations.
type intakeData struct {
	Donors    []inventory.Donor
	Recent    []inventory.Donation
	DonorID   string
	Received  string
	Reference string
	Note      string
	Error     string
}

func (h *Handler) intakePage(w http.ResponseWriter, r *http.Request) {
	v, ok := h.signedIn(w, r, "intake.title")
	if !ok {
		return
	}
	h.showIntake(w, r, v, http.StatusOK, &intakeData{Received: time.Now().In(h.cfg.TimeZone).Format(time.DateOnly)})
}

func (h *Handler) showIntake(w http.ResponseWriter, r *http.Request, v *view, status int, d *intakeData) {
	v.Nav = "intake"
	ctx := r.Context()
	donors, err := h.inventory.Donors(ctx, "", inventory.Page{First: inventory.MaxPageSize})
	if err != nil {
		h.problem(w, r, v, err)
		return
	}
	d.Donors = donors.Donors
	recent, err := h.inventory.Donations(ctx, 0, inventory.Page{First: 10})
	if err != nil {
		h.problem(w, r, v, err)
		return
	}
	d.Recent = recent.Donations
	v.Data = d
	h.render(w, r, status, "intake.html", v)
}

// createDonation records a new donation and opens it to add its devices.
func (h *Handler) createDonation(w http.ResponseWriter, r *http.Request) {
	v, ok := h.signedInForm(w, r, "intake.title", 16<<10)
	if !ok {
		return
	}
	f := r.PostForm
	d := &intakeData{DonorID: f.Get("donor"), Received: f.Get("received"), Reference: f.Get("reference"), Note: f.Get("note")}
	n := inventory.NewDonation{DonorReference: d.Reference, Note: d.Note}
	if d.DonorID != "" {
		id, err := strconv.ParseInt(d.DonorID, 10, 64)
		if err != nil {
			http.Error(w, "bad donor", http.StatusBadRequest)
			return
		}
		n.DonorID = &id
	}
	received, err := time.Parse(time.DateOnly, d.Received)
	if err != nil {
		d.Error = v.T("intake.bad_date")
		h.showIntake(w, r, v, http.StatusUnprocessableEntity, d)
		return
	}
	n.ReceivedOn = received
	don, _, err := h.inventory.RecordDonation(r.Context(), n)
	if err != nil {
		e := explain(v.L, err)
		if !e.inForm() {
			h.problem(w, r, v, err)
			return
		}
		d.Error = e.message
		h.showIntake(w, r, v, e.status, d)
		return
	}
	h.flash(r, v.T("intake.created", "Number", don.Number), false)
	http.Redirect(w, r, "/intake/"+url.PathEscape(don.Number), http.StatusSeeOther)
}

// donationData is a donation's intake page: its devices and the form to add one more.
type donationData struct {
	Donation *inventory.Donation
	Donor    *inventory.Donor
	Devices  []inventory.Device
	Kinds    []inventory.Kind
	Storage  []inventory.StorageKind
	Values   url.Values // the add form's fields: kept kind, make and model, or what was refused
	Error    string
	// ImportError says why an uploaded asset list was not checked.
	ImportError string
}

// V returns the add form's value of a field, or def.
func (d *donationData) V(field, def string) string {
	if d.Values != nil && d.Values.Has(field) {
		return d.Values.Get(field)
	}
	return def
}

func (h *Handler) donationPage(w http.ResponseWriter, r *http.Request) {
	v, ok := h.signedIn(w, r, "intake.donation_title")
	if !ok {
		return
	}
	h.showDonation(w, r, v, http.StatusOK, &donationData{Values: r.URL.Query()})
}

func (h *Handler) showDonation(w http.ResponseWriter, r *http.Request, v *view, status int, d *donationData) {
	v.Nav = "intake"
	ctx := r.Context()
	don, err := h.inventory.DonationByNumber(ctx, r.PathValue("number"))
	if err != nil {
		h.problem(w, r, v, err)
		return
	}
	d.Donation = don
	if don.DonorID != nil {
		donors, err := h.inventory.DonorsByID(ctx, []int64{*don.DonorID})
		if err != nil {
			h.problem(w, r, v, err)
			return
		}
		d.Donor = donors[*don.DonorID]
	}
	page, err := h.inventory.Devices(ctx, inventory.DeviceFilter{DonationID: don.ID}, inventory.SortTagAsc, inventory.Page{First: inventory.MaxPageSize})
	if err != nil {
		h.problem(w, r, v, err)
		return
	}
	d.Devices, d.Kinds, d.Storage = page.Devices, inventory.Kinds, inventory.StorageKinds
	v.Title = don.Number
	v.Data = d
	h.render(w, r, status, "donation.html", v)
}

// addDevice adds one device to a donation, then comes back to the form with its kind, make and
// model kept, so that a batch of the same model is typed serial after serial. (No #add in the
// URL: browsers skip autofocus on a page opened at a fragment.)
func (h *Handler) addDevice(w http.ResponseWriter, r *http.Request) {
	v, ok := h.signedInForm(w, r, "intake.donation_title", 16<<10)
	if !ok {
		return
	}
	ctx := r.Context()
	don, err := h.inventory.DonationByNumber(ctx, r.PathValue("number"))
	if err != nil {
		h.problem(w, r, v, err)
		return
	}
	f := r.PostForm
	refuse := func(msg string) {
		h.showDonation(w, r, v, http.StatusUnprocessableEntity, &donationData{Values: f, Error: msg})
	}
	n := inventory.NewDevice{Kind: inventory.Kind(f.Get("kind")), Make: f.Get("make"), Model: f.Get("model"),
		SerialNumber: f.Get("serial"), DonorAssetTag: f.Get("asset_tag")}
	// A pre-printed label scanned at intake: the device takes its number.
	n.Tag = f.Get("tag")
	if y := strings.TrimSpace(f.Get("year")); y != "" {
		year, err := strconv.Atoi(y)
		if err != nil {
			refuse(v.T("intake.bad_year"))
			return
		}
		n.ManufactureYear = &year
	}
	if sk := f.Get("storage"); sk != "" {
		st := inventory.NewStorage{Kind: inventory.StorageKind(sk), SerialNumber: f.Get("storage_serial")}
		if c := strings.TrimSpace(f.Get("capacity")); c != "" {
			gb, err := strconv.ParseFloat(strings.ReplaceAll(c, ",", "."), 64)
			if err != nil {
				refuse(v.T("intake.bad_capacity"))
				return
			}
			st.CapacityGB = &gb
		}
		n.Storage = []inventory.NewStorage{st}
	}
	devices, err := h.inventory.AddDevices(ctx, don.ID, []inventory.NewDevice{n})
	if err != nil {
		if e := explain(v.L, err); e.inForm() {
			refuse(e.message)
			return
		}
		h.problem(w, r, v, err)
		return
	}
	if len(devices) != 1 {
		h.fail(w, r, errors.New("add device: no device returned"))
		return
	}
	h.flash(r, v.T("intake.added", "Tag", devices[0].Tag), false)
	keep := url.Values{}
	for _, k := range []string{"kind", "make", "model", "storage"} {
		if f.Get(k) != "" {
			keep.Set(k, f.Get(k))
		}
	}
	http.Redirect(w, r, "/intake/"+url.PathEscape(don.Number)+"?"+keep.Encode(), http.StatusSeeOther)
}
