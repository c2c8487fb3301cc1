package requests

import (
	"errors"
	"fmt"
)

var (
	// ErrNotFound means the request or partner organisation does not exist, or the actor may
	// not know it exists.
	ErrNotFound = errors.New("not found")
	// ErrConflict means the request or the device changed since the caller read it (two staff
	// allocating the same device at once: one wins), or a unique value is already taken.
	ErrConflict = errors.New("changed by someone else since you read it")
	// ErrAnonymised means the request was anonymised after the retention period: its
	// signature was deleted, so its hand-over receipt cannot be issued again (the receipts
	// issued before stay as they were).
	ErrAnonymised = errors.New("this request was anonymised after the retention period and the beneficiary's signature deleted: its receipt cannot be issued again; the receipts issued before remain")
)

// StateError says that a request cannot make a move in its state: deciding a request that is
// already allocated, allocating one that is not approved, handing out twice.
type StateError struct {
	From, To Status
	Reason   string
}

func (e *StateError) Error() string {
	return fmt.Sprintf("cannot move a device request from %s to %s: %s", e.From, e.To, e.Reason)
}

// LimitError says that a social worker already has as many open requests as the policy allows.
type LimitError struct {
	Limit int // the policy's maximum of open requests per social worker
}

func (e *LimitError) Error() string {
	return fmt.Sprintf("you already have %d open requests, the most a social worker may have open at once: wait for one to be handed out, or cancel one", e.Limit)
}

// AllocationError says why a device cannot be allocated to a request: not ready, or of another
// kind. Nothing changed.
type AllocationError struct {
	DeviceTag string
	Reason    string
}

func (e *AllocationError) Error() string {
	return fmt.Sprintf("device %s cannot be allocated: %s", e.DeviceTag, e.Reason)
}
