package certificates

import (
	"time"

	"github.com/uptrace/bun"
)

// Languages are the languages a donation or erasure certificate can be written in; the first is
// the default.
var Languages = []string{"fr", "de", "en"}

// HandoverLanguages are the languages a hand-over receipt can be written in: the beneficiary's.
var HandoverLanguages = []string{"fr", "de", "en", "pt", "ar"}

// Certificate is an issued document. Its PDF bytes are stored once and never regenerated; the
// row never changes except for SupersededBy, set when a re-issue replaces it.
type Certificate struct {
	bun.BaseModel `bun:"table:certificates,alias:c"`

	ID         int64  `bun:"id,pk,autoincrement"`
	Number     string `bun:"number"` // DC-2026-00042
	Kind       Kind   `bun:"kind"`
	Year       int    `bun:"year"`
	Seq        int    `bun:"seq"`
	DonationID *int64 `bun:"donation_id"`
	TraineeID  *int64 `bun:"trainee_id"` // attendance certificates
	// DeviceRequestID is the request a hand-over receipt is about.
	DeviceRequestID *int64 `bun:"device_request_id"`
	// ReportYear is the year an annual impact report covers.
	ReportYear *int `bun:"report_year"`
	// PeriodFrom and PeriodTo are the period an attendance certificate covers, as printed;
	// nil for other kinds and for attendance certificates issued before it was kept.
	PeriodFrom   *time.Time `bun:"period_from,type:date"`
	PeriodTo     *time.Time `bun:"period_to,type:date"`
	Language     string     `bun:"language"`
	IssuedAt     time.Time  `bun:"issued_at,nullzero,notnull,default:current_timestamp"`
	IssuedBy     *int64     `bun:"issued_by"`
	IssuerName   string     `bun:"issuer_name"`
	DonorName    *string    `bun:"donor_name"` // nil for a private person or an anonymous drop-off
	DeviceCount  int        `bun:"device_count"`
	DriveCount   int        `bun:"drive_count"`
	FactorSetID  *int64     `bun:"factor_set_id"`
	PDF          []byte     `bun:"pdf"`
	SHA256       string     `bun:"pdf_sha256"`
	TokenHash    []byte     `bun:"token_hash"`
	SupersededBy *int64     `bun:"superseded_by"`
}

// Current reports whether no later certificate replaces c.
func (c *Certificate) Current() bool { return c.SupersededBy == nil }

// listColumns are the columns read for lists: everything but the PDF bytes.
var listColumns = []string{"id", "number", "kind", "year", "seq", "donation_id", "device_request_id", "trainee_id", "report_year", "period_from", "period_to", "language", "issued_at", "issued_by",
	"issuer_name", "donor_name", "device_count", "drive_count", "factor_set_id", "pdf_sha256", "superseded_by"}

// Issued is a certificate just issued, with the verification token that only its QR code
// carries (the database keeps the token's hash).
type Issued struct {
	*Certificate
	Token string
}

// FactorSet is a versioned set of impact factors.
type FactorSet struct {
	bun.BaseModel `bun:"table:impact_factor_sets"`

	ID           int64     `bun:"id,pk,autoincrement"`
	Name         string    `bun:"name"`
	Version      string    `bun:"version"`
	Source       *string   `bun:"source"`
	Displacement float64   `bun:"displacement"`
	CreatedAt    time.Time `bun:"created_at,nullzero,notnull,default:current_timestamp"`
	Factors      []Factor  `bun:"-"`
}

// Factor is the impact of reusing one device of a category.
type Factor struct {
	bun.BaseModel `bun:"table:impact_factors"`

	ID              int64   `bun:"id,pk,autoincrement"`
	SetID           int64   `bun:"set_id"`
	Category        string  `bun:"category"`
	Label           string  `bun:"label"`
	WeightKG        float64 `bun:"weight_kg"`
	FootprintKGCO2e float64 `bun:"footprint_kg_co2e"`
	AvoidedKGCO2e   float64 `bun:"avoided_kg_co2e"`
}

// usedFactor freezes a factor's value on a certificate.
type usedFactor struct {
	bun.BaseModel `bun:"table:certificate_factors"`

	CertificateID int64   `bun:"certificate_id,pk"`
	FactorID      int64   `bun:"factor_id,pk"`
	Category      string  `bun:"category"`
	AvoidedKGCO2e float64 `bun:"avoided_kg_co2e"`
	Devices       int     `bun:"devices"`
}

// Organisation is the issuer printed on certificates (settings org.*).
type Organisation struct {
	Name               string
	Address            string
	RegistrationNumber string
	Logo               *Logo
}

// Logo is an image printed at the top of certificates.
type Logo struct {
	Type string // "png" or "jpg"
	Data []byte
}

// Status is what a verification found.
type Status string

// The verification statuses.
const (
	StatusValid      Status = "valid"      // genuine and current
	StatusSuperseded Status = "superseded" // genuine, replaced by a later certificate
	StatusUnknown    Status = "unknown"    // no certificate has this number and token
)

// Verification is what anyone holding a certificate's number and token may learn about it:
// never serial numbers or personal data.
type Verification struct {
	Status      Status
	Number      string
	Kind        Kind      // empty when unknown
	IssuedAt    time.Time // zero when unknown
	IssuerName  string
	DonorName   string // empty for a private person or an anonymous drop-off
	DeviceCount int
	DriveCount  int
	SHA256      string
	// SupersededBy is the number of the certificate that replaces this one.
	SupersededBy string
	// PDFMatches is set by CheckPDF: whether an uploaded file is byte for byte the one issued.
	PDFMatches *bool
}

// Valid reports whether the certificate is genuine and current.
func (v *Verification) Valid() bool { return v.Status == StatusValid }
