package inventory

import (
	"fmt"
	"testing"
)

// TestScanOrder: whatever order the aggregates came in, a scan shows media by id and events
// newest first.
func TestScanOrder(t *testing.T) {
	sc := &Scan{
		Storage: []MediumState{{StorageMedium: StorageMedium{ID: 9}}, {StorageMedium: StorageMedium{ID: 3}}, {StorageMedium: StorageMedium{ID: 5}}},
		Events:  []Event{{ID: 40}, {ID: 42}, {ID: 7}, {ID: 41}},
	}
	sc.order()
	var media, events []int64
	for _, m := range sc.Storage {
		media = append(media, m.ID)
	}
	for _, e := range sc.Events {
		events = append(events, e.ID)
	}
	if got := fmt.Sprint(media, events); got != "[3 5 9] [42 41 40 7]" {
		t.Errorf("got media and events %s, want [3 5 9] [42 41 40 7]", got)
	}
}
