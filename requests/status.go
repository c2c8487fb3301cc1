package requests

import "slices"

// Status is where a request is in its lifecycle. Database values are snake_case; GraphQL shows
// them in upper case.
type Status string

// The statuses (docs/requests.md has the diagram).
const (
	StatusSubmitted  Status = "submitted"  // filed, waiting for a decision
	StatusApproved   Status = "approved"   // accepted, waiting for a device
	StatusWaitlisted Status = "waitlisted" // accepted later: no device now (with a reason)
	StatusRejected   Status = "rejected"   // refused, with a reason (closed)
	StatusAllocated  Status = "allocated"  // a ready device is reserved for it
	StatusHandedOut  Status = "handed_out" // the beneficiary signed for the device (closed)
	StatusCancelled  Status = "cancelled"  // withdrawn by the social worker or staff (closed)
)

// Statuses lists every status in lifecycle order.
var Statuses = []Status{StatusSubmitted, StatusApproved, StatusWaitlisted, StatusRejected, StatusAllocated, StatusHandedOut, StatusCancelled}

// Valid reports whether s is a known status.
func (s Status) Valid() bool { return slices.Contains(Statuses, s) }

// Open reports whether a request in status s counts against its social worker's limit of open
// requests.
func (s Status) Open() bool {
	return s == StatusSubmitted || s == StatusApproved || s == StatusWaitlisted || s == StatusAllocated
}

// Closed reports whether a request in status s is finished: the retention period runs from then.
func (s Status) Closed() bool {
	return s == StatusRejected || s == StatusHandedOut || s == StatusCancelled
}

// OpenStatuses are the statuses of open requests.
var OpenStatuses = []Status{StatusSubmitted, StatusApproved, StatusWaitlisted, StatusAllocated}

// Transitions are the allowed moves. The migration holds the same table (request_transitions)
// for the database trigger; a test keeps them equal.
var Transitions = map[Status][]Status{
	StatusSubmitted:  {StatusApproved, StatusWaitlisted, StatusRejected, StatusCancelled},
	StatusWaitlisted: {StatusApproved, StatusRejected, StatusCancelled},
	StatusApproved:   {StatusAllocated, StatusCancelled},
	StatusAllocated:  {StatusHandedOut, StatusApproved, StatusCancelled}, // approved: the device released
}

// CanTransition reports whether a request may move from one status to another.
func CanTransition(from, to Status) bool { return slices.Contains(Transitions[from], to) }

// Purpose is what the beneficiary needs the device for.
type Purpose string

// The purposes.
const (
	PurposeSchool           Purpose = "school"
	PurposeJobSearch        Purpose = "job_search"
	PurposeAdministration   Purpose = "administration"
	PurposeLanguageLearning Purpose = "language_learning"
	PurposeOther            Purpose = "other"
)

// Purposes lists every purpose.
var Purposes = []Purpose{PurposeSchool, PurposeJobSearch, PurposeAdministration, PurposeLanguageLearning, PurposeOther}

// Valid reports whether p is a known purpose.
func (p Purpose) Valid() bool { return slices.Contains(Purposes, p) }

// Urgency orders the triage queue: high first, then normal, then low, each oldest first.
type Urgency string

// The urgencies.
const (
	UrgencyHigh   Urgency = "high"
	UrgencyNormal Urgency = "normal"
	UrgencyLow    Urgency = "low"
)

// Urgencies lists every urgency, most urgent first.
var Urgencies = []Urgency{UrgencyHigh, UrgencyNormal, UrgencyLow}

// Valid reports whether u is a known urgency.
func (u Urgency) Valid() bool { return slices.Contains(Urgencies, u) }

// Household is the size bracket of the beneficiary's household: how many people will share the
// device, never who they are.
type Household string

// The household brackets.
const (
	HouseholdOne       Household = "one"
	HouseholdTwo       Household = "two"
	HouseholdThreeFour Household = "three_four"
	HouseholdFivePlus  Household = "five_plus"
)

// Households lists every bracket.
var Households = []Household{HouseholdOne, HouseholdTwo, HouseholdThreeFour, HouseholdFivePlus}

// Valid reports whether h is a known bracket.
func (h Household) Valid() bool { return slices.Contains(Households, h) }

// Decision is what triage decides about a submitted or waitlisted request.
type Decision string

// The decisions.
const (
	Approve  Decision = "approve"
	Waitlist Decision = "waitlist"
	Reject   Decision = "reject"
)

// Decisions lists every decision.
var Decisions = []Decision{Approve, Waitlist, Reject}

// to is the status a decision leads to.
func (d Decision) to() Status {
	switch d {
	case Approve:
		return StatusApproved
	case Waitlist:
		return StatusWaitlisted
	case Reject:
		return StatusRejected
	}
	return ""
}

// Languages are the beneficiary languages a request may name: those of the hand-out page and
// its receipt.
var Languages = []string{"fr", "de", "en", "pt", "ar"}
