package inventory

import (
	"errors"
	"fmt"
	"strings"
)

var (
	// ErrNotFound means the donor, donation, device or medium does not exist, or the actor may
	// not know it exists.
	ErrNotFound = errors.New("not found")
	// ErrConflict means the device changed since the caller read it (a stale version), or a
	// unique value (a serial) is already taken.
	ErrConflict = errors.New("changed by someone else since you read it")
)

// TransitionError says that a move is not allowed: not in the lifecycle, not for the actor's
// role, or held back by a guard other than the wipe (QA, flags).
type TransitionError struct {
	From, To Status
	Reason   string
}

func (e *TransitionError) Error() string {
	return fmt.Sprintf("cannot move a device from %s to %s: %s", e.From, e.To, e.Reason)
}

// WipeRequiredError says that storage media lack a passing sanitization record in their
// device's current cycle, so the device may not move on (or be certified).
type WipeRequiredError struct {
	DeviceTag string // the device, when the error is about one
	MediumIDs []int64
	Serials   []string // the media's serial numbers, "" when unknown, in MediumIDs order
	// DeviceTags names each medium's device, in MediumIDs order, when the error is about the
	// media of several devices (RequireWiped: a donation's erasure certificate); DeviceTag is
	// then "".
	DeviceTags []string
}

func (e *WipeRequiredError) Error() string {
	if len(e.DeviceTags) > 0 {
		return e.acrossDevices()
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %d storage medium(s) lack a passing sanitization record", e.DeviceTag, len(e.MediumIDs))
	var named []string
	for _, s := range e.Serials {
		if s != "" {
			named = append(named, s)
		}
	}
	if len(named) > 0 {
		fmt.Fprintf(&b, " (serials %s)", strings.Join(named, ", "))
	}
	return b.String()
}

// maxNamedMedia bounds the media an error about several devices names in its text: a donation
// of hundreds of unsanitized drives says how many, and names the first ones.
const maxNamedMedia = 20

// acrossDevices is the text of an error about several devices: the count, then each medium by
// its device's tag and its serial.
func (e *WipeRequiredError) acrossDevices() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d storage medium(s) lack a passing sanitization record", len(e.MediumIDs))
	var named []string
	for i, tag := range e.DeviceTags {
		if i == maxNamedMedia {
			named = append(named, "...")
			break
		}
		if i < len(e.Serials) && e.Serials[i] != "" {
			tag += " " + e.Serials[i]
		}
		named = append(named, tag)
	}
	fmt.Fprintf(&b, ": %s", strings.Join(named, ", "))
	return b.String()
}
