// Package calendar is the workshop's calendar: the time zone its days, weeks and months are
// counted in, and days as the database keeps them. Every domain that says "today" or groups by
// month asks it, so that they all agree.
package calendar

import (
	"time"
	_ "time/tzdata" // the zone below whatever the machine has installed: never UTC by accident
)

// Name is the workshop's time zone (Luxembourg).
const Name = "Europe/Luxembourg"

// Zone is the workshop's time zone. Go's copy of the time zone database is built into the
// binary, so a machine without one (a minimal container) still counts days in Luxembourg.
func Zone() *time.Location {
	tz, err := time.LoadLocation(Name)
	if err != nil {
		panic("calendar: " + err.Error()) // cannot happen: time/tzdata holds the zone
	}
	return tz
}

// Date is the calendar day of t (in t's own location) as a date: midnight UTC, how the
// database's date columns are read.
func Date(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// Today is the workshop's current day, as a date.
func Today() time.Time { return Date(time.Now().In(Zone())) }
