package demo

import (
	"time"

	"github.com/digital-inclusion/refurb/inventory"
)

// The rows Generate copies, one struct per table, with the columns in COPY order in columns.
// Zero values of optional fields are written as NULL.

type donorRow struct {
	id                                           int64
	name                                         string
	kind                                         inventory.DonorKind
	registration, contact, email, phone, address string
	postal, city, country, notes                 string
	createdAt                                    time.Time
}

type donationRow struct {
	id             int64
	number         string
	donorID        int64
	pointID        int64
	receivedOn     time.Time // a date
	receivedAt     time.Time // when the first device was logged
	receivedBy     int64
	donorReference string
	note           string
	closedAt       time.Time
	// not copied
	size      int
	donorKind inventory.DonorKind // "" for an anonymous drop-off
	donorCode string              // the donor's initials, for its own asset tags
}

type deviceRow struct {
	id, tagNumber             int64
	tag                       string
	donationID                int64
	kind                      inventory.Kind
	make, model, serial       string
	year                      int
	cpu                       string
	ram, screen               float64
	battery                   int // -1: none
	os, layout, grade         string
	weight                    float64
	location, assetTag, notes string
	status                    inventory.Status
	cycle, version            int
	receivedAt, updatedAt     time.Time
}

type mediumRow struct {
	id, deviceID        int64
	kind                inventory.StorageKind
	make, model, serial string
	capacity            float64
	createdAt           time.Time
}

type wipeRow struct {
	id, mediumID                      int64
	cycle                             int
	method                            inventory.Method
	technique, standard, tool         string
	verification                      string
	startedAt, finishedAt             time.Time
	result                            inventory.Result
	warnings                          string
	operator, verifier                int64
	destination                       string
	contractor, certificate, dinLevel string
	reportFilename, reportSHA256      string
}

type repairRow struct {
	id, deviceID int64
	cycle        int
	description  string
	parts        string
	minutes      int
	outcome      string
	recordedBy   int64
	createdAt    time.Time
	workers      []int64 // repair_workers rows
}

type qaRow struct {
	id, deviceID          int64
	cycle                 int
	items                 []byte // JSON
	passed                bool
	performedBy, verifier int64
	note                  string
	createdAt             time.Time
}

type flagRow struct {
	id, deviceID int64
	flag         inventory.Flag
	note         string
	setBy        int64
	setAt        time.Time
	clearedBy    int64
	clearedAt    time.Time
}

type eventRow struct {
	id, deviceID int64
	at           time.Time
	kind         string
	from, to     inventory.Status
	actor        int64
	note         string
	detail       []byte // JSON
}

var emptyJSON = []byte("{}")

// Optional values: the zero value is NULL.

func str[T ~string](s T) any {
	if s == "" {
		return nil
	}
	return string(s)
}

func id(v int64) any {
	if v == 0 {
		return nil
	}
	return v
}

func num(v float64) any {
	if v == 0 {
		return nil
	}
	return v
}

func ts(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t
}

var (
	donorColumns = []string{"id", "name", "kind", "registration_number", "contact_name", "email", "phone",
		"address", "postal_code", "city", "country", "notes", "created_at", "updated_at"}
	donationColumns = []string{"id", "number", "donor_id", "collection_point_id", "received_on", "received_by",
		"donor_reference", "note", "closed_at", "created_at"}
	deviceColumns = []string{"id", "tag_number", "tag", "donation_id", "kind", "make", "model", "serial_number",
		"manufacture_year", "cpu", "ram_gb", "screen_inches", "battery_health_pct", "os_installed", "keyboard_layout",
		"condition_grade", "weight_kg", "location", "donor_asset_tag", "notes", "status", "cycle", "version",
		"received_at", "updated_at"}
	mediumColumns = []string{"id", "device_id", "kind", "make", "model", "serial_number", "capacity_gb", "created_at"}
	wipeColumns   = []string{"id", "medium_id", "cycle", "method", "technique", "standard", "tool", "verification",
		"started_at", "finished_at", "result", "warnings", "operator_id", "verifier_id", "destination", "contractor",
		"contractor_certificate", "din_level", "report_filename", "report_sha256", "created_at"}
	repairColumns = []string{"id", "device_id", "cycle", "description", "parts_used", "minutes", "outcome",
		"recorded_by", "created_at"}
	workerColumns = []string{"repair_id", "user_id"}
	qaColumns     = []string{"id", "device_id", "cycle", "items", "passed", "performed_by", "verified_by", "note", "created_at"}
	flagColumns   = []string{"id", "device_id", "flag", "note", "set_by", "set_at", "cleared_by", "cleared_at"}
	eventColumns  = []string{"id", "device_id", "at", "kind", "from_status", "to_status", "actor_id", "note", "detail"}
)

func (r *donorRow) values(v []any) {
	v[0], v[1], v[2], v[3], v[4] = r.id, r.name, string(r.kind), str(r.registration), str(r.contact)
	v[5], v[6], v[7], v[8], v[9] = str(r.email), str(r.phone), str(r.address), str(r.postal), str(r.city)
	v[10], v[11], v[12], v[13] = r.country, str(r.notes), r.createdAt, r.createdAt
}

func (r *donationRow) values(v []any) {
	v[0], v[1], v[2], v[3], v[4] = r.id, r.number, id(r.donorID), r.pointID, r.receivedOn
	v[5], v[6], v[7], v[8], v[9] = id(r.receivedBy), str(r.donorReference), str(r.note), ts(r.closedAt), r.receivedAt
}

func (r *deviceRow) values(v []any) {
	v[0], v[1], v[2], v[3], v[4] = r.id, r.tagNumber, r.tag, r.donationID, string(r.kind)
	v[5], v[6], v[7] = str(r.make), str(r.model), str(r.serial)
	if r.year != 0 {
		v[8] = int32(r.year)
	} else {
		v[8] = nil
	}
	v[9], v[10], v[11] = str(r.cpu), num(r.ram), num(r.screen)
	if r.battery >= 0 {
		v[12] = int32(r.battery)
	} else {
		v[12] = nil
	}
	v[13], v[14], v[15], v[16] = str(r.os), str(r.layout), str(r.grade), r.weight
	v[17], v[18], v[19], v[20] = str(r.location), str(r.assetTag), str(r.notes), string(r.status)
	v[21], v[22], v[23], v[24] = int32(r.cycle), int32(r.version), r.receivedAt, r.updatedAt
}

func (r *mediumRow) values(v []any) {
	v[0], v[1], v[2], v[3] = r.id, r.deviceID, string(r.kind), str(r.make)
	v[4], v[5], v[6], v[7] = str(r.model), str(r.serial), num(r.capacity), r.createdAt
}

func (r *wipeRow) values(v []any) {
	v[0], v[1], v[2], v[3], v[4] = r.id, r.mediumID, int32(r.cycle), string(r.method), r.technique
	v[5], v[6], v[7], v[8], v[9] = str(r.standard), str(r.tool), r.verification, ts(r.startedAt), r.finishedAt
	v[10], v[11], v[12], v[13], v[14] = string(r.result), str(r.warnings), r.operator, id(r.verifier), str(r.destination)
	v[15], v[16], v[17], v[18], v[19] = str(r.contractor), str(r.certificate), str(r.dinLevel), str(r.reportFilename), str(r.reportSHA256)
	v[20] = r.finishedAt
}

func (r *repairRow) values(v []any) {
	v[0], v[1], v[2], v[3], v[4] = r.id, r.deviceID, int32(r.cycle), r.description, str(r.parts)
	v[5], v[6], v[7], v[8] = int32(r.minutes), string(r.outcome), r.recordedBy, r.createdAt
}

func (r *qaRow) values(v []any) {
	v[0], v[1], v[2], v[3], v[4] = r.id, r.deviceID, int32(r.cycle), r.items, r.passed
	v[5], v[6], v[7], v[8] = r.performedBy, id(r.verifier), str(r.note), r.createdAt
}

func (r *flagRow) values(v []any) {
	v[0], v[1], v[2], v[3] = r.id, r.deviceID, string(r.flag), str(r.note)
	v[4], v[5], v[6], v[7] = id(r.setBy), r.setAt, id(r.clearedBy), ts(r.clearedAt)
}

func (r *eventRow) values(v []any) {
	v[0], v[1], v[2], v[3], v[4] = r.id, r.deviceID, r.at, r.kind, str(r.from)
	v[5], v[6], v[7], v[8] = str(r.to), id(r.actor), str(r.note), r.detail
}

// source feeds a slice of rows to pgx's CopyFrom, reusing one value slice.
type source[T any] struct {
	rows   []T
	i      int
	vals   []any
	values func(*T, []any)
}

func newSource[T any](rows []T, columns []string, values func(*T, []any)) *source[T] {
	return &source[T]{rows: rows, vals: make([]any, len(columns)), values: values}
}

func (s *source[T]) Next() bool {
	s.i++
	return s.i <= len(s.rows)
}

func (s *source[T]) Values() ([]any, error) {
	s.values(&s.rows[s.i-1], s.vals)
	return s.vals, nil
}

func (s *source[T]) Err() error { return nil }
