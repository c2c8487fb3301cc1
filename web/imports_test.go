package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/inventory"
	"github.com/digital-inclusion/refurb/inventory/assetlist/assetlisttest"
	"github.com/digital-inclusion/refurb/inventory/inventorytest"
	"github.com/digital-inclusion/refurb/server/servertest"
)

// Helpers here are prefixed with imp: other test files of the package define their own.

type impServer struct {
	*servertest.Server
	t *testing.T
}

// impStart serves the whole application on a fresh database, as `refurb serve` would.
func impStart(t *testing.T) *impServer {
	t.Helper()
	return &impServer{Server: servertest.New(t, servertest.Options{}), t: t}
}

// login returns a client with a session cookie for email.
func (s *impServer) login(email string) *http.Client {
	s.t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	resp, err := c.Post(s.URL+"/login", "application/json", strings.NewReader(`{"email":"`+email+`","password":"`+inventorytest.Password+`"}`))
	if err != nil {
		s.t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		s.t.Fatalf("login %s: got %d", email, resp.StatusCode)
	}
	return c
}

func (s *impServer) donation() *inventory.Donation {
	s.t.Helper()
	now := time.Now()
	don, _, err := s.Store.RecordDonation(s.System, inventory.NewDonation{ReceivedOn: time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)})
	if err != nil {
		s.t.Fatal(err)
	}
	return don
}

type impResponse struct {
	status int
	report inventory.ImportReport
	err    struct{ Error, Field string }
	raw    string
}

// post sends fields and, unless filename is empty, a file as multipart/form-data to /imports.
func (s *impServer) post(c *http.Client, header http.Header, filename string, data []byte, fields ...string) impResponse {
	s.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for i := 0; i+1 < len(fields); i += 2 {
		mw.WriteField(fields[i], fields[i+1])
	}
	if filename != "" {
		fw, _ := mw.CreateFormFile("file", filename)
		fw.Write(data)
	}
	mw.Close()
	req, _ := http.NewRequest("POST", s.URL+"/imports", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := c.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	out := impResponse{status: resp.StatusCode, raw: string(raw)}
	if !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		s.t.Fatalf("POST /imports answered %d %s: %s", resp.StatusCode, resp.Header.Get("Content-Type"), raw)
	}
	json.Unmarshal(raw, &out.report)
	json.Unmarshal(raw, &out.err)
	return out
}

func impList(n int) []byte {
	var b bytes.Buffer
	b.WriteString("Type,Make,Model,Serial Number,RAM,Storage\r\n")
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, "Laptop,HP,EliteBook 840 G5,5CG%06d,8 GB,256 GB SSD\r\n", i)
	}
	return b.Bytes()
}

func TestPostImportsWithSession(t *testing.T) {
	t.Parallel()
	s := impStart(t)
	s.Users() // staff@example.org
	c := s.login("staff@example.org")
	don := s.donation()
	list := impList(12)

	r := s.post(c, nil, "hp.csv", list, "donation", strings.ToLower(don.Number), "dryRun", "true")
	if r.status != http.StatusOK || !r.report.DryRun || r.report.Created != 12 || r.report.DonationNumber != don.Number || len(r.report.Lines) != 12 {
		t.Fatalf("dry run: got %d %s", r.status, r.raw)
	}
	if n, _ := s.DB.Owner.NewSelect().Table("devices").Count(context.Background()); n != 0 {
		t.Errorf("devices after a dry run: got %d, want 0", n)
	}
	r = s.post(c, nil, "hp.csv", list, "donation", don.Number)
	if r.status != http.StatusOK || r.report.Created != 12 || r.report.ImportID == 0 || r.report.Lines[0].Tag == "" {
		t.Fatalf("import: got %d %s", r.status, r.raw)
	}
	r = s.post(c, nil, "hp.csv", list, "donation", don.Number, "dryRun", "false")
	if r.status != http.StatusOK || !r.report.AlreadyImported || r.report.Created != 0 {
		t.Errorf("the same file again: got %d %s", r.status, r.raw)
	}
	bad := append(impList(3), "Server,HP,ProLiant,XYZ,lots,\r\n"...)
	r = s.post(c, nil, "bad.csv", bad, "donation", don.Number)
	want := []inventory.RowError{
		{Line: 5, Column: "Type", Message: `"Server" is not a kind of device: use laptop, desktop, all-in-one, tablet, smartphone, monitor, printer, peripheral or other`},
		{Line: 5, Column: "RAM", Message: `"lots" is not an amount of memory such as 8 GB`},
	}
	if r.status != http.StatusUnprocessableEntity || fmt.Sprint(r.report.Errors) != fmt.Sprint(want) || r.report.Created != 0 {
		t.Errorf("bad rows: got %d %s, want 422 listing line 5's type and RAM", r.status, r.raw)
	}
	if n, _ := s.DB.Owner.NewSelect().Table("devices").Count(context.Background()); n != 12 {
		t.Errorf("devices: got %d, want 12", n)
	}
}

func TestPostImportsWithToken(t *testing.T) {
	t.Parallel()
	s := impStart(t)
	token := s.Token(s.User("script@example.org", auth.RoleAdmin, nil))
	don := s.donation()
	r := s.post(http.DefaultClient, http.Header{"Authorization": {"Bearer " + token}}, "list.csv", impList(2), "donation", don.Number)
	if r.status != http.StatusOK || r.report.Created != 2 {
		t.Errorf("with a bearer token: got %d %s", r.status, r.raw)
	}
}

func TestPostImportsBadInput(t *testing.T) {
	t.Parallel()
	s := impStart(t)
	s.Users() // staff@ and trainee@example.org
	c := s.login("staff@example.org")
	don := s.donation()
	png, err := os.ReadFile("../inventory/assetlist/testdata/photo.csv")
	if err != nil {
		t.Fatal(err)
	}
	big := append(impList(1), bytes.Repeat([]byte(" "), inventory.MaxImportBytes)...)
	for _, tc := range []struct {
		name     string
		client   *http.Client
		filename string
		data     []byte
		fields   []string
		status   int
		field    string
		message  string
	}{
		{"no file", c, "", nil, []string{"donation", don.Number}, 422, "file", "no file"},
		{"no donation", c, "l.csv", impList(1), nil, 422, "donation", "no donation"},
		{"unknown donation", c, "l.csv", impList(1), []string{"donation", "DON-2020-99999"}, 422, "donation", "there is no donation DON-2020-99999"},
		{"bad dry run", c, "l.csv", impList(1), []string{"donation", don.Number, "dryRun", "perhaps"}, 422, "dryRun", `"perhaps"`},
		{"a PNG renamed .csv", c, "photo.csv", png, []string{"donation", don.Number}, 422, "file", "not a CSV or XLSX file (it looks like a PNG image)"},
		{"empty", c, "empty.csv", []byte{}, []string{"donation", don.Number}, 422, "file", "the file is empty"},
		{"over 10 MB", c, "big.csv", big, []string{"donation", don.Number}, 413, "file", "larger than the 10 MB limit"},
		{"a million rows", c, "million.csv", []byte("Type,Serial\n" + strings.Repeat("laptop,\n", 1_000_000)), []string{"donation", don.Number},
			413, "file", "the file has more rows than the limit of 100,000"},
		{"anonymous", http.DefaultClient, "l.csv", impList(1), []string{"donation", don.Number}, 401, "", "sign in"},
		{"a trainee", s.login("trainee@example.org"), "l.csv", impList(1), []string{"donation", don.Number}, 403, "", "may not do this"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := s.post(tc.client, nil, tc.filename, tc.data, tc.fields...)
			if r.status != tc.status || r.err.Field != tc.field || !strings.Contains(r.err.Error, tc.message) {
				t.Errorf("got %d %s, want %d with field %q and a message saying %q", r.status, r.raw, tc.status, tc.field, tc.message)
			}
		})
	}
	if n, _ := s.DB.Owner.NewSelect().Table("devices").Count(context.Background()); n != 0 {
		t.Errorf("devices: got %d, want 0", n)
	}
}

func TestPostImportsZipBomb(t *testing.T) {
	t.Parallel()
	s := impStart(t)
	s.Users() // staff@example.org
	c := s.login("staff@example.org")
	don := s.donation()
	for _, tc := range []struct {
		name     string
		declared int64
		message  string
	}{
		{"honest headers", 0, "the workbook expands to 401 MB; the limit is 100 MB"},
		{"lying headers", 1 << 20, "the workbook expands to more than 100 MB; the limit is 100 MB"},
	} {
		bomb := assetlisttest.Bomb(t, 400<<20, tc.declared)
		r := s.post(c, nil, "bomb.xlsx", bomb, "donation", don.Number)
		if r.status != http.StatusRequestEntityTooLarge || r.err.Field != "file" || r.err.Error != tc.message {
			t.Errorf("POST /imports, %s: got %d %s, want 413 with field file and %q", tc.name, r.status, r.raw, tc.message)
		}
		// The intake page says the same.
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		fw, _ := mw.CreateFormFile("file", "bomb.xlsx")
		fw.Write(bomb)
		mw.Close()
		resp, err := c.Post(s.URL+"/intake/"+don.Number+"/import", mw.FormDataContentType(), &body)
		if err != nil {
			t.Fatal(err)
		}
		page, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(string(page), tc.message) {
			t.Errorf("intake page, %s: got %d, want 413 saying %q:\n%.3000s", tc.name, resp.StatusCode, tc.message, page)
		}
	}
	for _, table := range []string{"devices", "imports"} {
		if n, _ := s.DB.Owner.NewSelect().Table(table).Count(context.Background()); n != 0 {
			t.Errorf("%s: got %d, want 0", table, n)
		}
	}
}
