package workshops

import "slices"

// Status is where an hour entry is in its review.
type Status string

// The statuses of an hour entry.
const (
	StatusPending  Status = "pending"
	StatusApproved Status = "approved"
	StatusRejected Status = "rejected"
)

// Statuses lists every status.
var Statuses = []Status{StatusPending, StatusApproved, StatusRejected}

// Valid reports whether s is a known status.
func (s Status) Valid() bool { return slices.Contains(Statuses, s) }

// Transitions is the hour entries' state machine: every entry starts pending, and a review
// approves or rejects it, once. The migration's table hour_transitions holds the same (a test
// keeps them equal) and its trigger enforces it.
var Transitions = map[Status][]Status{
	StatusPending: {StatusApproved, StatusRejected},
}

// CanTransition reports whether an entry may go from one status to another.
func CanTransition(from, to Status) bool { return slices.Contains(Transitions[from], to) }
