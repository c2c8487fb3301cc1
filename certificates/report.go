package certificates

import (
	"context"
	"errors"
	"time"

	"github.com/uptrace/bun"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/inventory"
	"github.com/digital-inclusion/refurb/validation"
)

// The annual impact report (kind impact_report, IR-2026-00042): the figures of a calendar year
// for funders, the ministry and the board, numbered and verifiable like every certificate.
// Package impact computes the figures; this package does not import it: the composition root
// gives the Store an ImpactReporter (WithImpactReports), as it gives requests a receipt issuer.

// ImpactReport is what an annual report shows (docs/impact.md says what each figure means).
type ImpactReport struct {
	Year     int
	From, To time.Time // the year's first day, and its last or today's for the current year
	// YearToDate: the year is not over, the report covers it up to To.
	YearToDate bool

	DevicesReceived, DevicesHandedOut, DevicesRecycled, DevicesDismantled int
	KGReceived, KGReused, KGRecycled                                      float64
	CO2eAvoidedKG                                                         float64
	FactorSets                                                            []ReportFactorSet

	AgeAtIntakeYears, AgeAtHandOutYears, ExtraYearsPerDevice, LifetimeFactor *float64

	RequestsHandedOut           int
	MedianWaitDays, P90WaitDays *float64
	WaitingAtEnd                int // requests waiting for a device on the last day
	FollowUpsAsked              int
	FollowUpsAnswered           int
	FollowUpsInUse              int // answered "still in use"

	TraineeMinutes     int
	SkillsCertified    int
	CertificatesIssued int

	Months     []ReportMonth
	Kinds      []ReportKind
	Partners   []ReportCount // hand-outs by partner kind (its enum value)
	Purposes   []ReportCount // hand-outs by purpose
	Programmes []ReportProgramme
}

// ReportFactorSet is an impact factor set and what the year's hand-outs counted with it.
type ReportFactorSet struct {
	Name, Version string
	InForceFrom   time.Time
	Devices       int
	CO2eAvoidedKG float64
}

// ReportMonth is one month's device flows.
type ReportMonth struct {
	Month                         time.Time
	Received, HandedOut, Recycled int // recycled or dismantled
}

// ReportKind is one kind of device's flows.
type ReportKind struct {
	Kind                          inventory.Kind
	Received, HandedOut, Recycled int
	KGReused, CO2eAvoidedKG       float64
}

// ReportCount is a count by a key (a partner kind, a purpose).
type ReportCount struct {
	Key   string
	Count int
}

// ReportProgramme is one programme's approved hours.
type ReportProgramme struct {
	Name, Funder string // both empty for hours outside any programme
	Minutes      int
	Trainees     int
}

// ImpactReporter gathers the annual report of year on the issuing transaction tx, as the
// context's actor.
type ImpactReporter func(ctx context.Context, tx bun.IDB, year int) (*ImpactReport, error)

// WithImpactReports returns a copy of the Store that issues annual impact reports with the
// figures r gathers (package server passes impact.AnnualReport). Without it, issuing one is a
// field error on "kind".
func (s *Store) WithImpactReports(r ImpactReporter) *Store {
	c := *s
	c.reporter = r
	return &c
}

// IssueImpactReport issues the annual impact report of year in language (fr, de or en): the
// year so far when it is the current year. It supersedes the year's current report. Staff and
// administrators.
func (s *Store) IssueImpactReport(ctx context.Context, year int, language string) (*Issued, error) {
	return s.Issue(ctx, int64(year), KindImpactReport, language)
}

// FirstReportYear is the first year an annual report may cover.
const FirstReportYear = 2000

// lockYear takes the year's lock for the issuing transaction: one annual report of a year at a
// time. A year outside 2000 and the current one is not a subject.
func lockYear(ctx context.Context, tx bun.IDB, year int64) error {
	var thisYear int64
	if err := tx.NewRaw("SELECT extract(year FROM now() AT TIME ZONE 'Europe/Luxembourg')::bigint").Scan(ctx, &thisYear); err != nil {
		return dbError("read the year", err)
	}
	if year < FirstReportYear || year > thisYear {
		return validation.Field("year", "an annual report covers a year from %d to %d", FirstReportYear, thisYear)
	}
	_, err := tx.NewRaw("SELECT pg_advisory_xact_lock(hashtextextended('refurb.impact_report', ?))", year).Exec(ctx)
	return dbError("lock the year", err)
}

// errNoReporter is the answer of a Store without an ImpactReporter.
var errNoReporter = validation.Field("kind", "IMPACT_REPORT certificates are not available on this server")

// gatherImpactReport reads an annual report through the Store's ImpactReporter.
func (s *Store) gatherImpactReport(ctx context.Context, tx bun.IDB, year int64) (*gathered, error) {
	if s.reporter == nil {
		return nil, errNoReporter
	}
	rep, err := s.reporter(ctx, tx, int(year))
	if err != nil {
		return nil, err
	}
	if rep == nil {
		return nil, errors.New("certificates: the impact reporter returned no report")
	}
	org, err := organisation(ctx, tx)
	if err != nil {
		return nil, err
	}
	return &gathered{doc: &Document{Org: *org, Report: rep}}, nil
}

// ImpactReports lists the annual impact reports issued, newest first, at most 50. Staff and
// administrators.
func (s *Store) ImpactReports(ctx context.Context) ([]Certificate, error) {
	if _, err := auth.Require(ctx, auth.Office); err != nil {
		return nil, err
	}
	var cs []Certificate
	if err := s.db.NewSelect().Model(&cs).Column(listColumns...).Where("c.kind = ?", KindImpactReport).
		OrderExpr("c.id DESC").Limit(50).Scan(ctx); err != nil {
		return nil, dbError("select impact reports", err)
	}
	return cs, nil
}
