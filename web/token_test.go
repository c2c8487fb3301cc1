package web_test

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/digital-inclusion/refurb/certificates"
	"github.com/digital-inclusion/refurb/inventory"
	"github.com/digital-inclusion/refurb/inventory/inventorytest"
	"github.com/digital-inclusion/refurb/server/servertest"
)

// TestRoutesWithAToken: a script with an API token gets files and pages like a browser (no
// session, so no flash and no bench mode), never a dropped connection.
func TestRoutesWithAToken(t *testing.T) {
	t.Parallel()
	e := servertest.New(t, servertest.Options{})
	users := e.Users()
	don, _ := inventorytest.Donation(t, e.Store, users.Staff, inventory.NewDevice{Kind: inventory.KindLaptop})
	issued, err := e.Certificates.Issue(users.Staff, don.ID, certificates.KindDonation, "en")
	if err != nil {
		t.Fatal(err)
	}
	token := e.Token(users.StaffUser)
	do := func(method, path string, form url.Values) (*http.Response, string) {
		t.Helper()
		var body io.Reader
		if form != nil {
			body = strings.NewReader(form.Encode())
		}
		req, _ := http.NewRequest(method, e.URL+path, body)
		req.Header.Set("Authorization", "Bearer "+token)
		if form != nil {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		resp, err := e.Client().Do(req)
		if err != nil {
			t.Fatalf("%s %s: %v", method, path, err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, string(b)
	}
	if resp, body := do("GET", "/certificates/"+issued.Number+".pdf", nil); resp.StatusCode != 200 || !strings.HasPrefix(body, "%PDF") {
		t.Errorf("certificate PDF with a token: %d %.40q, want 200 and a PDF", resp.StatusCode, body)
	}
	for _, path := range []string{"/devices", "/bench", "/scan"} {
		if resp, _ := do("GET", path, nil); resp.StatusCode != 200 {
			t.Errorf("GET %s with a token: %d, want 200", path, resp.StatusCode)
		}
	}
	if resp, body := do("POST", "/bench", url.Values{"code": {"MODE-WIPED"}}); resp.StatusCode != 400 || !strings.Contains(body, "browser session") {
		t.Errorf("bench scan with a token: %d %q, want 400 saying it needs a browser session", resp.StatusCode, body)
	}
}
