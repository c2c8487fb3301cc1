package certificates

import (
	"time"

	"github.com/digital-inclusion/refurb/inventory"
	"github.com/digital-inclusion/refurb/workshops"
)

// Document is everything a certificate shows. Render turns it into a PDF without touching the
// database, so layouts are tested and benchmarked on their own.
type Document struct {
	Kind      Kind
	Number    string
	Language  string // fr, de or en; pt and ar too for a hand-over receipt
	IssuedAt  time.Time
	TimeZone  *time.Location // where dates are read; nil: Europe/Luxembourg
	Org       Organisation
	VerifyURL string // what the QR code encodes

	Donation DonationInfo
	Donor    DonorInfo
	Devices  []DeviceRow
	Drives   []DriveRow
	Impact   Impact
	// Handover is what a hand-over receipt shows beyond the device (Devices[0]).
	Handover *HandoverInfo

	// Attendance is what an attendance certificate shows about its trainee.
	Attendance *workshops.CertificateData

	// Report is what an annual impact report shows.
	Report *ImpactReport
	// Reconciliation compares a donation certificate's donor lists with what arrived
	// (render_reconcile.go); nil or without lists: not printed.
	Reconciliation *inventory.Reconciliation

	// donorIsPerson keeps a private donor's name off the public verification page.
	donorIsPerson bool
}

// DonationInfo describes the donation a certificate is about.
type DonationInfo struct {
	Number         string
	ReceivedOn     time.Time
	Place          string
	DonorReference string
}

// DonorInfo is the donor as printed; an empty Name is an anonymous drop-off.
type DonorInfo struct {
	Name               string
	RegistrationNumber string
	Address            string
}

// DeviceRow is one device of the donation.
type DeviceRow struct {
	Tag           string
	DonorAssetTag string
	Kind          inventory.Kind
	Make, Model   string
	Serial        string
	Status        inventory.Status
	WeightKG      float64
	ScreenInches  float64 // 0 when unknown; picks the laptop or screen size factor
}

// DriveRow is one storage medium with its latest sanitization record in the device's current
// cycle (nil when it has none).
type DriveRow struct {
	Serial       string
	Kind         inventory.StorageKind
	Make, Model  string
	CapacityGB   float64 // 0 when unknown
	DeviceTag    string
	DeviceSerial string
	Wipe         *WipeInfo
}

// WipeInfo is the sanitization record printed for a drive.
type WipeInfo struct {
	Method       inventory.Method
	Technique    string
	Standard     string
	Tool         string // tool and version
	Verification string // none, sample, full
	FinishedAt   time.Time
	Result       inventory.Result
	Operator     string
	Verifier     string
	// The erasure tool's report the record came from, when there is one: its file name and
	// SHA-256, printed in the erasure certificate's annex so that the kept file can be checked.
	ReportFilename string
	ReportSHA256   string
}

// Impact is the environmental summary of a donation certificate.
type Impact struct {
	SetName, SetVersion string // empty when no factor set exists
	Displacement        float64
	ReusedKG            float64 // handed out
	RecycledKG          float64 // recycled or dismantled
	InStockKG           float64
	LostKG              float64
	ReusedDevices       int
	AvoidedKGCO2e       float64 // for reused devices
}
