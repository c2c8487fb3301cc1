package certificates

import (
	"errors"
	"fmt"
	"strings"
)

var (
	// ErrNotFound means no certificate (or subject) has this number or id, or the actor may not
	// know it exists.
	ErrNotFound = errors.New("certificate not found")
	// ErrConflict means another issue of the same certificate ran at the same time.
	ErrConflict = errors.New("certificate changed by someone else at the same time")
)

// MissingWipe is a storage medium without a passing sanitization record in its device's
// current cycle.
type MissingWipe struct {
	DeviceTag string
	MediumID  int64
	Serial    string // "" when unknown
}

// WipeRequiredError says that an erasure certificate cannot be issued: these media lack a
// passing sanitization record.
type WipeRequiredError struct {
	Missing []MissingWipe
}

func (e *WipeRequiredError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d storage medium(s) lack a passing sanitization record", len(e.Missing))
	var named []string
	for i, m := range e.Missing {
		if i == 20 {
			named = append(named, "...")
			break
		}
		if m.Serial != "" {
			named = append(named, m.DeviceTag+" "+m.Serial)
		} else {
			named = append(named, m.DeviceTag)
		}
	}
	if len(named) > 0 {
		fmt.Fprintf(&b, ": %s", strings.Join(named, ", "))
	}
	return b.String()
}
