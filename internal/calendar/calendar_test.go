package calendar

import (
	"testing"
	"time"
)

func TestDateIsTheDayInTheWorkshopsZone(t *testing.T) {
	// 23:30 UTC on 31 March 2026 is already 1 April in Luxembourg (summer time, UTC+2).
	at := time.Date(2026, 3, 31, 23, 30, 0, 0, time.UTC)
	if got, want := Date(at.In(Zone())), time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("Date: %s, want %s", got, want)
	}
	if name, offset := at.In(Zone()).Zone(); name != "CEST" || offset != 2*3600 {
		t.Errorf("zone: %s %d, want CEST +2h", name, offset)
	}
}
