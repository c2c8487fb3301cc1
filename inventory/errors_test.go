package inventory_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/digital-inclusion/refurb/inventory"
)

func TestWipeRequiredErrorText(t *testing.T) {
	one := &inventory.WipeRequiredError{DeviceTag: "DI-000123-N", MediumIDs: []int64{4, 5}, Serials: []string{"", "S5"}}
	if got, want := one.Error(), "DI-000123-N: 2 storage medium(s) lack a passing sanitization record (serials S5)"; got != want {
		t.Errorf("one device: got %q, want %q", got, want)
	}
	several := &inventory.WipeRequiredError{MediumIDs: []int64{4, 9}, Serials: []string{"S4", ""}, DeviceTags: []string{"DI-000123-N", "DI-000124-L"}}
	if got, want := several.Error(), "2 storage medium(s) lack a passing sanitization record: DI-000123-N S4, DI-000124-L"; got != want {
		t.Errorf("several devices: got %q, want %q", got, want)
	}
	many := &inventory.WipeRequiredError{}
	for i := range 25 {
		many.MediumIDs = append(many.MediumIDs, int64(i))
		many.Serials = append(many.Serials, "")
		many.DeviceTags = append(many.DeviceTags, fmt.Sprintf("T%d", i))
	}
	got := many.Error()
	if !strings.HasPrefix(got, "25 storage medium(s)") || !strings.HasSuffix(got, "T19, ...") || strings.Contains(got, "T20") {
		t.Errorf("25 media: got %q, want the count and the first 20", got)
	}
}
