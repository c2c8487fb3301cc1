package certificates

import (
	"errors"
	"fmt"
	"strings"

	"github.com/digital-inclusion/refurb/inventory"
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
// passing sanitization record. It is the twin of inventory.WipeRequiredError (which refuses a
// device's move) with each medium's device tag, since a certificate covers many devices; both
// stay for now, and graph/errors.go presents both as WIPE_REQUIRED. Everything about it is in
// this file.
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

// wipeRequired lists, in device order, the media of devices that lack a passing sanitization
// record (missing, by device id, as inventory.Store.WipeMissing returns them), with their
// serial numbers from media.
func wipeRequired(devices []inventory.Device, media map[int64][]inventory.StorageMedium, missing map[int64][]int64) *WipeRequiredError {
	e := &WipeRequiredError{}
	for _, d := range devices {
		for _, id := range missing[d.ID] {
			mw := MissingWipe{DeviceTag: d.Tag, MediumID: id}
			for _, m := range media[d.ID] {
				if m.ID == id {
					mw.Serial = deref(m.SerialNumber)
				}
			}
			e.Missing = append(e.Missing, mw)
		}
	}
	return e
}
