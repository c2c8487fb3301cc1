package web_test

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/digital-inclusion/refurb/internal/fuzztest"
	"github.com/digital-inclusion/refurb/inventory"
	"github.com/digital-inclusion/refurb/inventory/inventorytest"
	"github.com/digital-inclusion/refurb/server"
	"github.com/digital-inclusion/refurb/server/servertest"
)

// FuzzScan feeds the scan box (GET /scan?tag=), the device page's URL (/devices/{tag}) and a
// label's public URL (/D/{tag}) what people and scanners type: the tag of the one device on the
// database in every spelling, label URLs, mode cards, keyboard-wedge input and garbage. The scan
// box opens the device only for its tag, in any spelling, and otherwise answers 404 (a tag of no
// device) or 422 (no tag, a wrong check character, a mode card) on the scan page; never a 500.
// The public label page never shows the device. `make fuzz` runs it for a while (on a
// throwaway PostgreSQL); the seeds and testdata/fuzz run in `make test`.
func FuzzScan(f *testing.F) {
	s := servertest.New(f, servertest.Options{Config: server.Config{PublicURL: "https://refurb.example"}})
	a := s.Users()
	d := inventorytest.Device(f, s.Store, a.Staff, inventory.NewDevice{Kind: inventory.KindLaptop, Make: "Fujitsu",
		Model: "LIFEBOOK-SECRET-MODEL", SerialNumber: "SERIAL-SECRET-4711"})
	staff := s.SignIn("staff@example.org")
	anonymous := s.Client()
	compact := strings.ReplaceAll(d.Tag, "-", "")
	for _, seed := range []string{
		d.Tag, strings.ToLower(d.Tag), compact, " " + d.Tag + "\r\n", "https://refurb.example/D/" + d.Tag, "https://refurb.example/D/" + compact + "?src=label",
		d.Tag[:len(d.Tag)-1] + "0", inventory.FormatTag("DI", 999999), "MODE:READY", "mode:in-repair", "MODE:OFF", "",
		"DI-000123-N\x00", "<script>alert(1)</script>", "%2e%2e/%2e%2e/admin", strings.Repeat("A", 5000),
	} {
		f.Add(seed)
	}
	get := func(t *testing.T, c *http.Client, path string) (int, string, string) {
		t.Helper()
		resp, err := c.Get(s.URL + path)
		if err != nil {
			t.Fatalf("GET %s: %v", path, err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, resp.Header.Get("Location"), string(body)
	}
	f.Fuzz(func(t *testing.T, code string) {
		defer fuzztest.Watch(fuzztest.Hang, "scanning %q", code)()
		tag, _, perr := inventory.ParseTag(code)
		opens := perr == nil && tag == d.Tag

		status, location, _ := get(t, staff, "/scan?tag="+url.QueryEscape(code))
		switch {
		case opens && (status != http.StatusSeeOther || location != "/devices/"+url.PathEscape(d.Tag)):
			t.Fatalf("scan %q: got %d to %q, want 303 to the device", code, status, location)
		case !opens && strings.TrimSpace(code) == "" && status != http.StatusOK:
			t.Fatalf("scan %q: got %d, want the empty scan page", code, status)
		case !opens && strings.TrimSpace(code) != "" && status != http.StatusNotFound && status != http.StatusUnprocessableEntity:
			t.Fatalf("scan %q: got %d to %q, want 404 or 422", code, status, location)
		}

		if code == "" || code == "." || code == ".." || strings.ContainsAny(code, "/?#") {
			return // not one path segment (the router cleans . and ..)
		}
		status, _, body := get(t, staff, "/devices/"+url.PathEscape(code))
		switch {
		case opens && status != http.StatusOK:
			t.Fatalf("/devices/%s: got %d, want the device page", code, status)
		case !opens && status != http.StatusNotFound && status != http.StatusUnprocessableEntity:
			t.Fatalf("/devices/%s: got %d, want 404 or 422", code, status)
		case !opens && strings.Contains(body, "SERIAL-SECRET-4711"):
			t.Fatalf("/devices/%s shows the device", code)
		}
		status, _, body = get(t, anonymous, "/D/"+url.PathEscape(code))
		if status != http.StatusOK || strings.Contains(body, "SERIAL-SECRET-4711") || strings.Contains(body, "LIFEBOOK-SECRET-MODEL") {
			t.Fatalf("/D/%s anonymously: got %d, want the neutral page without the device", code, status)
		}
	})
}
