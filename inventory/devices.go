package inventory

import (
	"context"
	"encoding/base64"
	"strconv"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/digital-inclusion/refurb/internal/database"
	"github.com/digital-inclusion/refurb/validation"
)

// Device is one donated device. Its json tags are the column names, so a row turned into JSON
// by PostgreSQL (to_jsonb) decodes into it (Store.Scan).
type Device struct {
	bun.BaseModel `bun:"table:devices,alias:d"`

	ID               int64     `bun:"id,pk,autoincrement" json:"id"`
	TagNumber        int64     `bun:"tag_number,nullzero" json:"tag_number"`
	Tag              string    `bun:"tag,nullzero" json:"tag"`
	DonationID       int64     `bun:"donation_id" json:"donation_id"`
	Kind             Kind      `bun:"kind" json:"kind"`
	Make             *string   `bun:"make" json:"make"`
	Model            *string   `bun:"model" json:"model"`
	SerialNumber     *string   `bun:"serial_number" json:"serial_number"`
	ManufactureYear  *int      `bun:"manufacture_year" json:"manufacture_year"`
	CPU              *string   `bun:"cpu" json:"cpu"`
	RAMGB            *float64  `bun:"ram_gb" json:"ram_gb"`
	ScreenInches     *float64  `bun:"screen_inches" json:"screen_inches"`
	BatteryHealthPct *int      `bun:"battery_health_pct" json:"battery_health_pct"`
	OSInstalled      *string   `bun:"os_installed" json:"os_installed"`
	KeyboardLayout   *string   `bun:"keyboard_layout" json:"keyboard_layout"`
	ConditionGrade   *string   `bun:"condition_grade" json:"condition_grade"`
	WeightKG         float64   `bun:"weight_kg" json:"weight_kg"`
	Location         *string   `bun:"location" json:"location"`
	DonorAssetTag    *string   `bun:"donor_asset_tag" json:"donor_asset_tag"`
	Notes            *string   `bun:"notes" json:"notes"`
	Status           Status    `bun:"status,nullzero" json:"status"`
	Cycle            int       `bun:"cycle,nullzero" json:"cycle"`
	Version          int       `bun:"version,nullzero" json:"version"`
	ReceivedAt       time.Time `bun:"received_at,nullzero,notnull,default:current_timestamp" json:"received_at"`
	UpdatedAt        time.Time `bun:"updated_at,nullzero,notnull,default:current_timestamp" json:"updated_at"`
}

// DeviceByTag returns the device with an asset tag, given as typed (any case, with or without
// hyphens) or as the full URL its label's QR code encodes. A malformed tag or a wrong check
// character is a field error, so a mistyped tag never opens another device.
func (s *Store) DeviceByTag(ctx context.Context, tagOrURL string) (*Device, error) {
	tag, _, err := ParseTag(tagOrURL)
	if err != nil {
		return nil, tagField("tag", err)
	}
	d := new(Device)
	q, err := scopeDevices(ctx, s.db.NewSelect().Model(d).Where("d.tag = ?", tag), "d")
	if err != nil {
		return nil, err
	}
	if err := q.ModelTableExpr("devices AS d").Scan(ctx); err != nil {
		return nil, dbError("select device", err)
	}
	return d, nil
}

// Device returns a device by id.
func (s *Store) Device(ctx context.Context, id int64) (*Device, error) {
	ds, err := s.DevicesByID(ctx, []int64{id})
	if err != nil {
		return nil, err
	}
	if ds[id] == nil {
		return nil, ErrNotFound
	}
	return ds[id], nil
}

// DevicesByID returns the devices with the given ids that the actor may see, by id.
func (s *Store) DevicesByID(ctx context.Context, ids []int64) (map[int64]*Device, error) {
	var ds []Device
	q, err := scopeDevices(ctx, s.db.NewSelect().Model(&ds).ModelTableExpr("devices AS d").Where("d.id IN (?)", bun.List(ids)), "d")
	if err != nil {
		return nil, err
	}
	if err := q.Scan(ctx); err != nil {
		return nil, dbError("select devices", err)
	}
	out := make(map[int64]*Device, len(ds))
	for i := range ds {
		out[ds[i].ID] = &ds[i]
	}
	return out, nil
}

// DeviceFilter narrows a device list. Empty fields do not filter.
type DeviceFilter struct {
	Statuses   []Status
	Kinds      []Kind
	DonationID int64
	Search     string // part of the tag, serial, make or model
}

// DeviceSort orders a device list.
type DeviceSort string

// The device orders.
const (
	SortIntakeDesc DeviceSort = "intake_desc" // newest intake first (default)
	SortTagAsc     DeviceSort = "tag_asc"     // by tag number
)

// Page asks for at most First items after the opaque cursor After.
type Page struct {
	First int
	After string
	// SkipTotal leaves DevicePage.TotalCount at 0, for callers that do not show it (a GraphQL
	// query that does not select totalCount): counting is most of a list's cost on a large
	// inventory. Devices only.
	SkipTotal bool
}

// MaxPageSize bounds a page.
const MaxPageSize = 500

// DevicePage is one page of a device list.
type DevicePage struct {
	Devices     []Device
	TotalCount  int
	HasNextPage bool
	EndCursor   string
}

// cursor encodes a device's position in an order.
func cursor(sort DeviceSort, d *Device) string {
	var raw string
	if sort == SortTagAsc {
		raw = "t:" + strconv.FormatInt(d.TagNumber, 10)
	} else {
		raw = "i:" + d.ReceivedAt.UTC().Format(time.RFC3339Nano) + "|" + strconv.FormatInt(d.ID, 10)
	}
	return base64.RawURLEncoding.EncodeToString([]byte(raw))
}

// Devices lists devices matching a filter, one page at a time, with the total count.
func (s *Store) Devices(ctx context.Context, f DeviceFilter, sort DeviceSort, p Page) (*DevicePage, error) {
	if p.First < 0 || p.First > MaxPageSize {
		return nil, validation.Field("first", "must be between 0 and %d", MaxPageSize)
	}
	if sort == "" {
		sort = SortIntakeDesc
	}
	if sort != SortIntakeDesc && sort != SortTagAsc {
		return nil, validation.Field("sort", "unknown order %q", sort)
	}
	filter := func(q *bun.SelectQuery) (*bun.SelectQuery, error) {
		q, err := scopeDevices(ctx, q, "d")
		if err != nil {
			return nil, err
		}
		for _, st := range f.Statuses {
			if !st.Valid() {
				return nil, validation.Field("filter.status", "unknown status %q", st)
			}
		}
		for _, k := range f.Kinds {
			if !k.Valid() {
				return nil, validation.Field("filter.kind", "unknown kind %q", k)
			}
		}
		if len(f.Statuses) > 0 {
			q = q.Where("d.status IN (?)", bun.List(f.Statuses))
		}
		if len(f.Kinds) > 0 {
			q = q.Where("d.kind IN (?)", bun.List(f.Kinds))
		}
		if f.DonationID != 0 {
			q = q.Where("d.donation_id = ?", f.DonationID)
		}
		if term := strings.TrimSpace(f.Search); term != "" {
			if len(term) > 100 {
				return nil, validation.Field("filter.search", "is longer than 100 characters")
			}
			// The same expression as devices_search_trgm_idx, so the trigram index answers.
			like := database.Contains(strings.ToLower(term))
			q = q.Where(`lower(d.tag || ' ' || coalesce(d.serial_number, '') || ' ' || coalesce(d.make, '') || ' ' || coalesce(d.model, '')) LIKE ?`, like)
		}
		return q, nil
	}

	page := &DevicePage{}
	q, err := filter(s.db.NewSelect().Model(&page.Devices).ModelTableExpr("devices AS d"))
	if err != nil {
		return nil, err
	}
	if p.After != "" {
		raw, err := base64.RawURLEncoding.DecodeString(p.After)
		kind, val, _ := strings.Cut(string(raw), ":")
		switch {
		case err != nil:
			return nil, validation.Field("after", "is not a cursor from this list")
		case sort == SortTagAsc && kind == "t":
			n, err := strconv.ParseInt(val, 10, 64)
			if err != nil {
				return nil, validation.Field("after", "is not a cursor from this list")
			}
			q = q.Where("d.tag_number > ?", n)
		case sort == SortIntakeDesc && kind == "i":
			ts, idStr, _ := strings.Cut(val, "|")
			at, err1 := time.Parse(time.RFC3339Nano, ts)
			id, err2 := strconv.ParseInt(idStr, 10, 64)
			if err1 != nil || err2 != nil {
				return nil, validation.Field("after", "is not a cursor from this list")
			}
			q = q.Where("(d.received_at, d.id) < (?, ?)", at, id)
		default:
			return nil, validation.Field("after", "is not a cursor from this list")
		}
	}
	if sort == SortTagAsc {
		q = q.Order("d.tag_number ASC")
	} else {
		q = q.OrderExpr("d.received_at DESC, d.id DESC")
	}
	if err := q.Limit(int64(p.First + 1)).Scan(ctx); err != nil {
		return nil, dbError("select devices", err)
	}
	if len(page.Devices) > p.First {
		page.HasNextPage = true
		page.Devices = page.Devices[:p.First]
	}
	if n := len(page.Devices); n > 0 {
		page.EndCursor = cursor(sort, &page.Devices[n-1])
	}
	if p.SkipTotal {
		return page, nil
	}
	if page.TotalCount, err = s.countDevices(ctx, f, filter); err != nil {
		return nil, err
	}
	return page, nil
}

// countDevices counts the devices a list's filter matches, exactly. The whole inventory, or a
// filter on status and kind only, is summed from device_counts, which triggers keep in the
// same transaction as every change (migration 20261206300001); other filters (a donation, a
// search, a donor's scope) are counted with their own index, as the list itself reads them.
func (s *Store) countDevices(ctx context.Context, f DeviceFilter, filter func(*bun.SelectQuery) (*bun.SelectQuery, error)) (int, error) {
	scope, err := DonorScope(ctx)
	if err != nil {
		return 0, err
	}
	if scope.All() && f.DonationID == 0 && strings.TrimSpace(f.Search) == "" {
		q := s.db.NewSelect().TableExpr("device_counts").ColumnExpr("coalesce(sum(n), 0)")
		if len(f.Statuses) > 0 {
			q = q.Where("status IN (?)", bun.List(f.Statuses))
		}
		if len(f.Kinds) > 0 {
			q = q.Where("kind IN (?)", bun.List(f.Kinds))
		}
		var n int64
		if err := q.Scan(ctx, &n); err != nil {
			return 0, dbError("count devices", err)
		}
		return int(n), nil
	}
	cq, err := filter(s.db.NewSelect().TableExpr("devices AS d"))
	if err != nil {
		return 0, err
	}
	n, err := cq.Count(ctx)
	if err != nil {
		return 0, dbError("count devices", err)
	}
	return int(n), nil
}

// StatusCounts returns how many devices the actor may see are in each status.
func (s *Store) StatusCounts(ctx context.Context) (map[Status]int, error) {
	var rows []struct {
		Status Status `bun:"status"`
		N      int    `bun:"n"`
	}
	scope, err := DonorScope(ctx)
	if err != nil {
		return nil, err
	}
	// The whole inventory's counts are kept in device_counts (see countDevices).
	q := s.db.NewSelect().TableExpr("device_counts").ColumnExpr("status, sum(n) AS n").Group("status").Having("sum(n) <> 0")
	if !scope.All() {
		q = scope.WhereDonation(s.db.NewSelect().TableExpr("devices AS d").ColumnExpr("d.status, count(*) AS n").Group("d.status"), "d.donation_id")
	}
	if err := q.Scan(ctx, &rows); err != nil {
		return nil, dbError("count devices by status", err)
	}
	out := map[Status]int{}
	for _, r := range rows {
		out[r.Status] = r.N
	}
	return out, nil
}

// FirstPages returns the first page of devices of each donation, by donation id, in one
// statement: lists of donations show their devices without a statement per donation. Later
// pages come from Devices with the page's EndCursor, which uses the same cursors.
func (s *Store) FirstPages(ctx context.Context, donationIDs []int64, sort DeviceSort, first int) (map[int64]*DevicePage, error) {
	if first < 0 || first > MaxPageSize {
		return nil, validation.Field("first", "must be between 0 and %d", MaxPageSize)
	}
	order := "d.received_at DESC, d.id DESC"
	switch sort {
	case SortTagAsc:
		order = "d.tag_number ASC"
	case SortIntakeDesc, "":
		sort = SortIntakeDesc
	default:
		return nil, validation.Field("sort", "unknown order %q", sort)
	}
	inner, err := scopeDevices(ctx, s.db.NewSelect().TableExpr("devices AS d").ColumnExpr("d.*").
		ColumnExpr("row_number() OVER (PARTITION BY d.donation_id ORDER BY "+order+") AS rn").
		ColumnExpr("count(*) OVER (PARTITION BY d.donation_id) AS total").
		Where("d.donation_id IN (?)", bun.List(donationIDs)), "d")
	if err != nil {
		return nil, err
	}
	var rows []struct {
		Device
		RN    int `bun:"rn"`
		Total int `bun:"total"`
	}
	if err := s.db.NewSelect().TableExpr("(?) AS x", inner).ColumnExpr("x.*").Where("x.rn <= ?", first+1).
		OrderExpr("x.donation_id, x.rn").Scan(ctx, &rows); err != nil {
		return nil, dbError("select devices of donations", err)
	}
	out := make(map[int64]*DevicePage, len(donationIDs))
	for _, id := range donationIDs {
		out[id] = &DevicePage{}
	}
	for _, r := range rows {
		p := out[r.DonationID]
		p.TotalCount = r.Total
		if r.RN > first {
			p.HasNextPage = true
			continue
		}
		p.Devices = append(p.Devices, r.Device)
	}
	for _, p := range out {
		if n := len(p.Devices); n > 0 {
			p.EndCursor = cursor(sort, &p.Devices[n-1])
		}
	}
	return out, nil
}
