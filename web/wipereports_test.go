package web_test

import (
	"bytes"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/inventory"
	"github.com/digital-inclusion/refurb/inventory/wipereport/wipereporttest"
)

// upload posts files (name, data pairs) and fields as multipart/form-data.
func (c *client) upload(path string, fields map[string]string, files ...[2]string) response {
	c.e.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	for _, f := range files {
		w, _ := mw.CreateFormFile("files", f[0])
		w.Write([]byte(f[1]))
	}
	mw.Close()
	req, _ := http.NewRequest("POST", c.e.URL+path, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	if c.lang != "" {
		req.Header.Set("Accept-Language", c.lang)
	}
	resp, err := c.c.Do(req)
	if err != nil {
		c.e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return response{status: resp.StatusCode, location: resp.Header.Get("Location"), body: string(b)}
}

func TestWipeReportsRoutes(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.user("staff@example.org", auth.RoleStaff, nil)
	e.user("trainee@example.org", auth.RoleTrainee, nil)
	e.user("social@example.org", auth.RoleSocialWorker, nil)
	_, ds := e.donation(nil, laptop("WR-1", "WD-WX41A12B3456"))
	n := wipereporttest.Erased("WD-WX41A12B3456")
	n.Method, n.PRNG = "Fill With Zeros", "N/A to method"
	pdf := string(n.PDF(t))

	anon := e.client("")
	if r := anon.upload("/wipe-reports", nil, [2]string{n.Filename(), pdf}); r.status != http.StatusUnauthorized {
		t.Errorf("anonymous upload: got %d, want 401", r.status)
	}
	social := e.client("")
	social.login("social@example.org")
	if r := social.upload("/wipe-reports", map[string]string{"dryRun": "true"}, [2]string{n.Filename(), pdf}); r.status != http.StatusForbidden {
		t.Errorf("social worker's upload: got %d, want 403", r.status)
	}

	c := e.client("")
	c.login("trainee@example.org")
	if r := c.upload("/wipe-reports", map[string]string{"dryRun": "maybe"}, [2]string{n.Filename(), pdf}); r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "dryRun") {
		t.Errorf("dryRun=maybe: got %d %s, want 422 naming dryRun", r.status, r.body)
	}
	if r := c.upload("/wipe-reports", nil); r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, `"field":"files"`) {
		t.Errorf("no file: got %d %s, want 422 on files", r.status, r.body)
	}
	r := c.upload("/wipe-reports", nil, [2]string{n.Filename(), pdf})
	if r.status != http.StatusOK {
		t.Fatalf("import: got %d %s", r.status, r.body)
	}
	var imp inventory.WipeImport
	if err := json.Unmarshal([]byte(r.body), &imp); err != nil || imp.Recorded != 1 || imp.Files[0].Erasures[0].Outcome != "recorded" {
		t.Fatalf("import answer %s (%v)", r.body, err)
	}
	if got := e.device(ds[0].Tag).Status; got != inventory.StatusWiped {
		t.Errorf("device %s after its report, want wiped", got)
	}
	r = c.upload("/wipe-reports", nil, [2]string{n.Filename(), pdf})
	if !strings.Contains(r.body, `"outcome":"skipped"`) {
		t.Errorf("the same report again: %s, want skipped", r.body)
	}

	// The stored file, for the workshop; the device page links it.
	sha := imp.Files[0].SHA256
	if got := c.get("/wipe-reports/" + sha); got.status != http.StatusOK || got.body != pdf {
		t.Errorf("download: got %d and %d bytes, want the %d bytes uploaded", got.status, len(got.body), len(pdf))
	}
	if got := social.get("/wipe-reports/" + sha); got.status != http.StatusNotFound {
		t.Errorf("a social worker's download: got %d, want 404", got.status)
	}
	if got := c.get("/devices/" + ds[0].Tag); !strings.Contains(got.body, "/wipe-reports/"+sha) {
		t.Error("the device page does not link the report")
	}

	// The page: check, then record.
	page := e.client("en")
	page.login("staff@example.org")
	if got := page.get("/wipe-reports"); got.status != http.StatusOK || !strings.Contains(got.body, `type="file"`) {
		t.Fatalf("upload page: %d", got.status)
	}
	if got := social.get("/wipe-reports"); got.status != http.StatusForbidden {
		t.Errorf("a social worker's upload page: got %d, want 403", got.status)
	}
	got := page.upload("/wipe-reports/check", nil, [2]string{n.Filename(), pdf}, [2]string{"notes.pdf", "%PDF-1.4 nothing"})
	if got.status != http.StatusOK || !strings.Contains(got.body, "Already recorded") || !strings.Contains(got.body, "1 file could not be read") {
		t.Errorf("check page: %d\n%s", got.status, got.body)
	}
}
