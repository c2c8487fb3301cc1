package inventory

import (
	"time"

	"github.com/uptrace/bun"
)

// DonorKind says who gave.
type DonorKind string

// The donor kinds.
const (
	DonorCompany     DonorKind = "company"
	DonorPublicBody  DonorKind = "public_body"
	DonorAssociation DonorKind = "association"
	DonorIndividual  DonorKind = "individual"
)

// DonorKinds lists every donor kind.
var DonorKinds = []DonorKind{DonorCompany, DonorPublicBody, DonorAssociation, DonorIndividual}

// Donor is a company, public body, association or person who gives devices.
type Donor struct {
	bun.BaseModel `bun:"table:donors"`

	ID                 int64     `bun:"id,pk,autoincrement"`
	Name               string    `bun:"name"`
	Kind               DonorKind `bun:"kind"`
	RegistrationNumber *string   `bun:"registration_number"`
	ContactName        *string   `bun:"contact_name"`
	Email              *string   `bun:"email"`
	Phone              *string   `bun:"phone"`
	Address            *string   `bun:"address"`
	PostalCode         *string   `bun:"postal_code"`
	City               *string   `bun:"city"`
	Country            string    `bun:"country"`
	Notes              *string   `bun:"notes"`
	CreatedAt          time.Time `bun:"created_at,nullzero,notnull,default:current_timestamp"`
	UpdatedAt          time.Time `bun:"updated_at,nullzero,notnull,default:current_timestamp"`
}

// CollectionPoint is where donations are received: the workshop, a municipal recycling centre,
// a partner.
type CollectionPoint struct {
	bun.BaseModel `bun:"table:collection_points"`

	ID      int64   `bun:"id,pk,autoincrement"`
	Name    string  `bun:"name"`
	Kind    string  `bun:"kind"`
	Address *string `bun:"address"`
	Active  bool    `bun:"active"`
}

// Donation is one intake batch: what one donor (or an anonymous drop-off) gave at one place on
// one day.
type Donation struct {
	bun.BaseModel `bun:"table:donations,alias:dn"`

	ID                int64      `bun:"id,pk,autoincrement"`
	Number            string     `bun:"number"` // DON-2026-00042, printed on documents
	DonorID           *int64     `bun:"donor_id"`
	CollectionPointID int64      `bun:"collection_point_id"`
	ReceivedOn        time.Time  `bun:"received_on,type:date"`
	ReceivedBy        *int64     `bun:"received_by"`
	DonorReference    *string    `bun:"donor_reference"`
	Note              *string    `bun:"note"`
	ClosedAt          *time.Time `bun:"closed_at"`
	CreatedAt         time.Time  `bun:"created_at,nullzero,notnull,default:current_timestamp"`

	// Donor is loaded with the donation by DonationsByID (nil for an anonymous drop-off), so a
	// page of devices gets its donations and donors in one statement.
	Donor *Donor `bun:"rel:belongs-to,join:donor_id=id"`
}

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

// StorageKind is the kind of a storage medium.
type StorageKind string

// The storage kinds.
const (
	StorageHDD   StorageKind = "hdd"
	StorageSSD   StorageKind = "ssd"
	StorageNVMe  StorageKind = "nvme"
	StorageEMMC  StorageKind = "emmc"
	StorageFlash StorageKind = "flash"
	StorageOther StorageKind = "other"
)

// StorageKinds lists every storage kind.
var StorageKinds = []StorageKind{StorageHDD, StorageSSD, StorageNVMe, StorageEMMC, StorageFlash, StorageOther}

// StorageMedium is a drive of a device; each is sanitized and recorded on its own.
type StorageMedium struct {
	bun.BaseModel `bun:"table:storage_media"`

	ID           int64       `bun:"id,pk,autoincrement" json:"id"`
	DeviceID     int64       `bun:"device_id" json:"device_id"`
	Kind         StorageKind `bun:"kind" json:"kind"`
	Make         *string     `bun:"make" json:"make"`
	Model        *string     `bun:"model" json:"model"`
	SerialNumber *string     `bun:"serial_number" json:"serial_number"`
	CapacityGB   *float64    `bun:"capacity_gb" json:"capacity_gb"`
	CreatedAt    time.Time   `bun:"created_at,nullzero,notnull,default:current_timestamp" json:"created_at"`
}

// Method is a NIST SP 800-88 sanitization category.
type Method string

// The sanitization categories.
const (
	MethodClear   Method = "clear"   // overwrite all user-addressable locations
	MethodPurge   Method = "purge"   // recovery infeasible even in a lab
	MethodDestroy Method = "destroy" // the medium can no longer store data
)

// Result is a sanitization's outcome.
type Result string

// The results.
const (
	ResultPassed Result = "passed"
	ResultFailed Result = "failed"
)

// WipeRecord is one sanitization attempt on one medium. Its json tags are the column names, so
// a row turned into JSON by PostgreSQL (to_jsonb) decodes into it.
type WipeRecord struct {
	bun.BaseModel `bun:"table:wipe_records,alias:w"`

	ID                    int64      `bun:"id,pk,autoincrement" json:"id"`
	MediumID              int64      `bun:"medium_id" json:"medium_id"`
	Cycle                 int        `bun:"cycle" json:"cycle"`
	Method                Method     `bun:"method" json:"method"`
	Technique             string     `bun:"technique" json:"technique"`
	Standard              *string    `bun:"standard" json:"standard"`
	Tool                  *string    `bun:"tool" json:"tool"`
	Verification          string     `bun:"verification" json:"verification"`
	StartedAt             *time.Time `bun:"started_at" json:"started_at"`
	FinishedAt            time.Time  `bun:"finished_at" json:"finished_at"`
	Result                Result     `bun:"result" json:"result"`
	Warnings              *string    `bun:"warnings" json:"warnings"`
	OperatorID            int64      `bun:"operator_id" json:"operator_id"`
	VerifierID            *int64     `bun:"verifier_id" json:"verifier_id"`
	Destination           *string    `bun:"destination" json:"destination"`
	Contractor            *string    `bun:"contractor" json:"contractor"`
	ContractorCertificate *string    `bun:"contractor_certificate" json:"contractor_certificate"`
	DINLevel              *string    `bun:"din_level" json:"din_level"`
	ReportFilename        *string    `bun:"report_filename" json:"report_filename"`
	ReportSHA256          *string    `bun:"report_sha256" json:"report_sha256"`
	CreatedAt             time.Time  `bun:"created_at,nullzero,notnull,default:current_timestamp" json:"created_at"`
}

// Event is one entry of a device's history. Events are never changed or deleted.
type Event struct {
	bun.BaseModel `bun:"table:device_events"`

	ID         int64          `bun:"id,pk,autoincrement" json:"id"`
	DeviceID   int64          `bun:"device_id" json:"device_id"`
	At         time.Time      `bun:"at,nullzero,notnull,default:current_timestamp" json:"at"`
	Kind       string         `bun:"kind" json:"kind"` // intake, wipe, repair, qa, status, note, flag, edit, storage
	FromStatus *Status        `bun:"from_status" json:"from_status"`
	ToStatus   *Status        `bun:"to_status" json:"to_status"`
	ActorID    *int64         `bun:"actor_id" json:"actor_id"`
	Note       *string        `bun:"note" json:"note"`
	Detail     map[string]any `bun:"detail,type:jsonb,notnull" json:"detail"`
}

// RepairLog records work done on a device.
type RepairLog struct {
	bun.BaseModel `bun:"table:repair_logs"`

	ID          int64     `bun:"id,pk,autoincrement"`
	DeviceID    int64     `bun:"device_id"`
	Cycle       int       `bun:"cycle"`
	Description string    `bun:"description"`
	PartsUsed   *string   `bun:"parts_used"`
	Minutes     int       `bun:"minutes"`
	Outcome     string    `bun:"outcome"` // fixed, repairable, end_of_life
	RecordedBy  int64     `bun:"recorded_by"`
	WorkerIDs   []int64   `bun:"-"`
	CreatedAt   time.Time `bun:"created_at,nullzero,notnull,default:current_timestamp"`
}

// QAItem is one line of a QA checklist, and its result in a check.
type QAItem struct {
	Key    string `json:"key"`
	Label  string `json:"label,omitempty"`
	Passed bool   `json:"passed"`
	Note   string `json:"note,omitempty"`
}

// QACheck is a device checked against its kind's checklist.
type QACheck struct {
	bun.BaseModel `bun:"table:qa_checks"`

	ID          int64     `bun:"id,pk,autoincrement"`
	DeviceID    int64     `bun:"device_id"`
	Cycle       int       `bun:"cycle"`
	Items       []QAItem  `bun:"items,type:jsonb"`
	Passed      bool      `bun:"passed"`
	PerformedBy int64     `bun:"performed_by"`
	VerifiedBy  *int64    `bun:"verified_by"`
	Note        *string   `bun:"note"`
	CreatedAt   time.Time `bun:"created_at,nullzero,notnull,default:current_timestamp"`
}

// DeviceFlag is a flag set on a device, open until cleared.
type DeviceFlag struct {
	bun.BaseModel `bun:"table:device_flags"`

	ID        int64      `bun:"id,pk,autoincrement"`
	DeviceID  int64      `bun:"device_id"`
	Flag      Flag       `bun:"flag"`
	Note      *string    `bun:"note"`
	SetBy     *int64     `bun:"set_by"`
	SetAt     time.Time  `bun:"set_at,nullzero,notnull,default:current_timestamp"`
	ClearedBy *int64     `bun:"cleared_by"`
	ClearedAt *time.Time `bun:"cleared_at"`
}
