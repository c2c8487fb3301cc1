// Package pgcode names the PostgreSQL error codes (SQLSTATE) Refurb's code acts on: the standard
// ones it expects, and its own, raised by the triggers in migrations/ with USING ERRCODE. A
// migration that raises one of Refurb's codes names its constant beside it (-- pgcode.Name), and
// a test keeps the two lists equal.
package pgcode

import (
	"errors"
	"slices"

	"github.com/jackc/pgx/v5/pgconn"
)

// Standard codes (PostgreSQL's Appendix A).
const (
	InvalidParameterValue = "22023" // e.g. SET ROLE to a role that does not exist
	ForeignKeyViolation   = "23503"
	UniqueViolation       = "23505"
	ExclusionViolation    = "23P01" // e.g. overlapping hour entries
	InvalidCatalogName    = "3D000" // the database does not exist
	UndefinedTable        = "42P01"
	DuplicateDatabase     = "42P04"
	ObjectInUse           = "55006" // e.g. a template database with a session on it
	LockNotAvailable      = "55P03" // lock_timeout passed, or NOWAIT
	DiskFull              = "53100" // a write refused: no space left on the data directory's disk
	TooManyConnections    = "53300"
	AdminShutdown         = "57P01" // the server is shutting down, or its postmaster died
	CrashShutdown         = "57P02" // another server process crashed: every session is ended
	CannotConnectNow      = "57P03" // the server is starting up or recovering after a crash
)

// Refurb's own codes, class RF.
const (
	// TransitionRefused: a device move the lifecycle does not allow, or a cycle changed
	// without the device coming back (migrations/20261123100000_create_inventory).
	TransitionRefused = "RF001"
	// WipeRequired: a move that needs every storage medium sanitized, with some not.
	WipeRequired = "RF002"
	// ReadyRefused: ready without a passed QA check, or with an open blocking flag.
	ReadyRefused = "RF003"
	// TagNeverIssued: a pre-printed tag number that was never reserved.
	TagNeverIssued = "RF004"
	// SupersedeRefused: a certificate superseded twice or by one of another kind or subject
	// (migrations/20261123200000_create_certificates).
	SupersedeRefused = "RF010"
	// RequestTransitionRefused: a device request move its lifecycle does not allow, or a
	// request created in another status than submitted (migrations/20261206100000_create_requests).
	RequestTransitionRefused = "RF020"
	// DeviceNeedsRequest: a device moved to reserved or handed_out without a device request
	// holding it, or out of reserved while a request still holds it.
	DeviceNeedsRequest = "RF021"
	// AllocationRefused: a device allocated to a request that is not a ready device of the
	// requested kind, or a request changing its device without releasing it.
	AllocationRefused = "RF022"

	// Workshops (migrations/20261206200000_create_workshops), RF030 to RF039.

	// DayCapExceeded: a trainee's hour entries of one day, rejected ones aside, over 12 hours.
	DayCapExceeded = "RF030"
	// HoursInFuture: an hour entry dated after today (Europe/Luxembourg).
	HoursInFuture = "RF031"
	// HoursTransitionRefused: a review the hour entries' state machine does not allow, or a new
	// entry that is not pending.
	HoursTransitionRefused = "RF032"
	// SessionFull: attendance beyond a session's capacity.
	SessionFull = "RF033"
	// HourEntryFrozen: a change to an hour entry other than its review.
	HourEntryFrozen = "RF034"
	// TraineeAnonymised: a change to an anonymised trainee's record, or something new recorded
	// about them (migrations/20261206810001_add_trainee_retention).
	TraineeAnonymised = "RF038"
	// AssessmentFrozen: a change to a skill assessment other than the anonymisation's.
	AssessmentFrozen = "RF039"

	// Impact (migrations/2026120660*), RF060 to RF069.

	// FollowUpRefused: a follow-up asked about a request that was not handed out, or created
	// answered (migrations/20261206600001_add_follow_ups).
	FollowUpRefused = "RF060"
	// FollowUpAnswered: a follow-up answered again, or its request or date changed.
	FollowUpAnswered = "RF061"

	// Wipe reports (migrations/20261206700001_create_wipe_reports), RF070 to RF079.

	// WipeReportMismatch: a sanitization record linked to a stored report with another file
	// name or SHA-256 than the report's.
	WipeReportMismatch = "RF070"
)

// Own lists Refurb's own codes, for the test that holds them against the migrations.
func Own() []string {
	return []string{TransitionRefused, WipeRequired, ReadyRefused, TagNeverIssued, SupersedeRefused,
		RequestTransitionRefused, DeviceNeedsRequest, AllocationRefused,
		DayCapExceeded, HoursInFuture, HoursTransitionRefused, SessionFull, HourEntryFrozen,
		TraineeAnonymised, AssessmentFrozen,
		FollowUpRefused, FollowUpAnswered,

		WipeReportMismatch}
}

// Of returns the SQLSTATE of err and the PostgreSQL error, or "" and nil when err is not one.
func Of(err error) (string, *pgconn.PgError) {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code, pgErr
	}
	return "", nil
}

// Is reports whether err is a PostgreSQL error with one of codes.
func Is(err error, codes ...string) bool {
	code, pgErr := Of(err)
	return pgErr != nil && slices.Contains(codes, code)
}
