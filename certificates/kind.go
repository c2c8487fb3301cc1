package certificates

import (
	"context"
	"slices"
	"strings"

	"github.com/uptrace/bun"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/validation"
)

// Kind is what a certificate attests.
type Kind string

// The certificate kinds. Donation and erasure certificates are issued for a donation, hand-over
// receipts for a device request handed out (handover.go); attendance certificates are listed by
// the public contract and come with workshops.
const (
	KindDonation   Kind = "donation"
	KindErasure    Kind = "erasure"
	KindHandover   Kind = "handover"
	KindAttendance Kind = "attendance"
	// KindImpactReport is the annual impact report (report.go), about a year.
	KindImpactReport Kind = "impact_report"
)

// Kinds lists every kind.
var Kinds = []Kind{KindDonation, KindErasure, KindHandover, KindAttendance, KindImpactReport}

// Valid reports whether k is a known kind.
func (k Kind) Valid() bool { return slices.Contains(Kinds, k) }

// Subject is what a certificate is about. Its value is the name of the GraphQL type whose id
// the client passes as subjectID, so that graph resolves the id by what the kind says.
type Subject string

// The subjects of certificates.
const (
	SubjectDonation      Subject = "Donation"
	SubjectDeviceRequest Subject = "DeviceRequest"
	SubjectTrainee       Subject = "Trainee"
	// SubjectReportYear is a calendar year: issueCertificate takes it as the global id of an
	// ImpactReportYear, issueImpactReport as a number.
	SubjectReportYear Subject = "ImpactReportYear"
)

// spec is what issuing one kind of certificate takes. Issue does the same for every kind
// (checks the issuer, locks the subject, gathers, numbers, renders, stores, supersedes); what
// differs is here.
type spec struct {
	// prefix starts the kind's numbers: DC-2026-00042. Prefixes differ from donation numbers
	// (DON-2026-00042) so that nobody takes one for the other; the migration's CHECK on
	// certificates.number lists them too.
	prefix  string
	subject Subject
	// issuers may issue the kind.
	issuers auth.Group
	// gather reads what the certificate shows about the subject with this id, on the issuing
	// transaction; nil while the kind cannot be issued yet.
	gather gatherer
	// languages the kind is written in; nil: Languages.
	languages []string
	// byStore: the Store gathers the kind with what the composition root gave it (the annual
	// report's ImpactReporter); gather only marks it available.
	byStore bool
}

// langs returns the languages a certificate of the kind can be written in.
func (sp spec) langs() []string {
	if sp.languages != nil {
		return sp.languages
	}
	return Languages
}

// gatherer reads a certificate's contents. It returns the Document without what Issue adds
// (kind, language, number, dates and verification URL), and ErrNotFound when the subject
// does not exist or the actor may not see it.
type gatherer func(ctx context.Context, tx bun.IDB, subjectID int64) (*gathered, error)

// gathered is what a gatherer read.
type gathered struct {
	doc *Document
	// factorSetID and factors are the impact factor set and the factors a donation
	// certificate's figures used, frozen with the certificate; nil for other kinds.
	factorSetID *int64
	factors     []usedFactor
}

// kinds is the table of certificate kinds. A new kind is a row here and a file with its
// gatherer (donation.go is the model); docs/certificates.md says what else it takes.
var kinds = map[Kind]spec{
	KindDonation:   {prefix: "DC", subject: SubjectDonation, issuers: auth.Office, gather: gatherDonation},
	KindErasure:    {prefix: "EC", subject: SubjectDonation, issuers: auth.Office, gather: gatherErasure},
	KindHandover:   {prefix: "HC", subject: SubjectDeviceRequest, issuers: auth.Office, gather: gatherHandover, languages: HandoverLanguages},
	KindAttendance: {prefix: "AC", subject: SubjectTrainee, issuers: auth.Office, gather: gatherAttendance},
	KindImpactReport: {prefix: "IR", subject: SubjectReportYear, issuers: auth.Office, byStore: true,
		gather: func(context.Context, bun.IDB, int64) (*gathered, error) { return nil, errNoReporter }},
}

// SubjectOf returns what a certificate of kind is about, or a field error on "kind" when no
// certificate of kind can be issued: an unknown kind, or one that is not available yet. It is
// the one answer to which kinds can be issued: Issue asks it, and GraphQL asks it before it
// reads the subject's id, to know which type the id must name.
func SubjectOf(kind Kind) (Subject, error) {
	sp, err := specOf(kind)
	if err != nil {
		return "", err
	}
	return sp.subject, nil
}

func specOf(kind Kind) (spec, error) {
	sp, ok := kinds[kind]
	if !ok {
		return spec{}, validation.Field("kind", "unknown kind %q", kind)
	}
	if sp.gather == nil {
		return spec{}, validation.Field("kind", "%s certificates are not available yet", strings.ToUpper(string(kind)))
	}
	return sp, nil
}

// issuers returns who may issue a certificate of kind. An unknown kind has the office as its
// issuers, so that whether a kind exists is told only to those who may issue certificates.
func (k Kind) issuers() auth.Group {
	if sp, ok := kinds[k]; ok {
		return sp.issuers
	}
	return auth.Office
}

// subjectSpec is how certificates are tied to one type of subject.
type subjectSpec struct {
	// column of certificates that links a certificate to its subject: a re-issue supersedes
	// the current certificate of the same kind and subject.
	column string
	// lock takes the subject's row for the issuing transaction, so that one issue per subject
	// runs at a time and exactly one certificate of a kind stays current; ErrNotFound when
	// there is no such subject.
	lock func(ctx context.Context, tx bun.IDB, id int64) error
	// link sets the certificate's link to the subject.
	link func(c *Certificate, id int64)
}

// subjects holds every subject an issuable kind has (a test holds the two tables together).
var subjects = map[Subject]subjectSpec{
	SubjectDonation:      {column: "donation_id", lock: lockDonation, link: func(c *Certificate, id int64) { c.DonationID = &id }},
	SubjectDeviceRequest: {column: "device_request_id", lock: lockRequest, link: func(c *Certificate, id int64) { c.DeviceRequestID = &id }},
	SubjectTrainee:       {column: "trainee_id", lock: lockTrainee, link: func(c *Certificate, id int64) { c.TraineeID = &id }},
	SubjectReportYear: {column: "report_year", lock: lockYear, link: func(c *Certificate, id int64) {
		y := int(id)
		c.ReportYear = &y
	}},
}
