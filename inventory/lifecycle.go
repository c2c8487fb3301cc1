package inventory

import (
	"slices"
)

// Status is where a device is in its lifecycle (docs/inventory.md). Database values are
// snake_case; GraphQL shows them in upper case.
type Status string

// The statuses.
const (
	StatusReceived   Status = "received"   // logged at intake and labelled; storage not yet sanitized
	StatusWiped      Status = "wiped"      // every storage medium has a passing sanitization record
	StatusInRepair   Status = "in_repair"  // work in progress
	StatusReady      Status = "ready"      // passed QA, may be allocated
	StatusReserved   Status = "reserved"   // allocated to an approved request
	StatusHandedOut  Status = "handed_out" // given to the beneficiary
	StatusRecycled   Status = "recycled"   // sent to a recycling or dismantling partner (terminal)
	StatusDismantled Status = "dismantled" // harvested for parts (terminal)
	StatusLost       Status = "lost"       // cannot be found
)

// Statuses lists every status in lifecycle order.
var Statuses = []Status{StatusReceived, StatusWiped, StatusInRepair, StatusReady, StatusReserved,
	StatusHandedOut, StatusRecycled, StatusDismantled, StatusLost}

// Valid reports whether s is a known status.
func (s Status) Valid() bool { return slices.Contains(Statuses, s) }

// Transitions are the allowed moves, from domain.md section 2. The migration holds the same
// table (device_transitions) for the database trigger; a test keeps them equal.
var Transitions = map[Status][]Status{
	StatusReceived:  {StatusWiped, StatusRecycled, StatusDismantled, StatusLost},
	StatusWiped:     {StatusInRepair, StatusReady, StatusRecycled, StatusDismantled, StatusLost},
	StatusInRepair:  {StatusReady, StatusRecycled, StatusDismantled, StatusLost},
	StatusReady:     {StatusReserved, StatusInRepair, StatusRecycled, StatusDismantled, StatusLost},
	StatusReserved:  {StatusHandedOut, StatusReady, StatusLost},
	StatusHandedOut: {StatusReceived}, // returned: it must be wiped again
	StatusLost:      {StatusReceived}, // found again
}

// CanTransition reports whether a device may move from one status to another, guards aside.
func CanTransition(from, to Status) bool {
	return slices.Contains(Transitions[from], to)
}

// NeedsWipe reports whether moving to status requires every storage medium of the device to
// have a passing sanitization record: nothing leaves, and nothing is declared clean, before.
func NeedsWipe(to Status) bool {
	switch to {
	case StatusWiped, StatusReady, StatusReserved, StatusHandedOut, StatusRecycled, StatusDismantled:
		return true
	}
	return false
}
