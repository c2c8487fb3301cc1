package web

import (
	"errors"
	"net/http"
	"strings"

	"github.com/digital-inclusion/refurb/inventory"
)

// devicesPageSize is how many devices a page of the list shows.
const devicesPageSize = 50

type listData struct {
	Status, Kind, Donation, Search, After string
	Statuses                              []inventory.Status
	Kinds                                 []inventory.Kind
	Counts                                map[inventory.Status]int
	Total                                 int
	Page                                  *inventory.DevicePage
	Error                                 string
}

// deviceList lists devices with filters, a page at a time, and how many are in each status.
func (h *Handler) deviceList(w http.ResponseWriter, r *http.Request) {
	v, ok := h.signedIn(w, r, "devices.title")
	if !ok {
		return
	}
	v.Nav = "devices"
	q := r.URL.Query()
	d := &listData{Status: q.Get("status"), Kind: q.Get("kind"), Donation: strings.TrimSpace(q.Get("donation")),
		Search: strings.TrimSpace(q.Get("q")), After: q.Get("after"), Statuses: inventory.Statuses, Kinds: inventory.Kinds}
	ctx := r.Context()
	var err error
	if d.Counts, err = h.inventory.StatusCounts(ctx); err != nil {
		h.problem(w, r, v, err)
		return
	}
	for _, n := range d.Counts {
		d.Total += n
	}
	var f inventory.DeviceFilter
	if s := inventory.Status(d.Status); s.Valid() {
		f.Statuses = []inventory.Status{s}
	}
	if k := inventory.Kind(d.Kind); k.Valid() {
		f.Kinds = []inventory.Kind{k}
	}
	f.Search = d.Search
	v.Data = d
	if d.Donation != "" {
		don, err := h.inventory.DonationByNumber(ctx, d.Donation)
		if errors.Is(err, inventory.ErrNotFound) {
			d.Error = v.T("devices.no_donation", "Number", d.Donation)
			h.render(w, r, http.StatusNotFound, "devices.html", v)
			return
		}
		if err != nil {
			h.problem(w, r, v, err)
			return
		}
		f.DonationID = don.ID
	}
	d.Page, err = h.inventory.Devices(ctx, f, inventory.SortIntakeDesc, inventory.Page{First: devicesPageSize, After: d.After})
	if err != nil {
		e := explain(v.L, err)
		if e.status == http.StatusInternalServerError || e.status == http.StatusForbidden || e.status == http.StatusUnauthorized {
			h.problem(w, r, v, err)
			return
		}
		d.Error = e.message
		h.render(w, r, e.status, "devices.html", v)
		return
	}
	h.render(w, r, http.StatusOK, "devices.html", v)
}
