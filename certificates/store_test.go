package certificates_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"image"
	"image/draw"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/certificates"
	"github.com/digital-inclusion/refurb/internal/pdf/pdftest"
	"github.com/digital-inclusion/refurb/internal/pgtest"
	"github.com/digital-inclusion/refurb/inventory"
	"github.com/digital-inclusion/refurb/inventory/inventorytest"
	"github.com/digital-inclusion/refurb/server"
)

const password = "correct horse battery"

// env is the whole application served on a test database, with a certificates store on the
// same database and public URL for calls that skip HTTP.
type env struct {
	t      *testing.T
	db     *pgtest.DB
	srv    *httptest.Server
	inv    *inventory.Store
	certs  *certificates.Store
	actors *inventorytest.Actors
}

func newEnv(t *testing.T) *env {
	t.Helper()
	db := pgtest.New(t)
	svc, err := auth.NewService(db.App, auth.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	var h http.Handler
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { h.ServeHTTP(w, r) }))
	t.Cleanup(srv.Close)
	inv := inventory.NewStore(db.App)
	h, err = server.Handler(server.Config{PublicURL: srv.URL}, server.Deps{DB: db.App, Auth: svc, Inventory: inv,
		Sessions: auth.NewSessions(db.App.DB, false), Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	return &env{t: t, db: db, srv: srv, inv: inv, certs: certificates.NewStore(db.App, srv.URL), actors: inventorytest.Users(t, db)}
}

// client signs in as email and returns a client that keeps the session.
func (e *env) client(email string) *http.Client {
	e.t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	if email == "" {
		return c
	}
	body, _ := json.Marshal(map[string]string{"email": email, "password": password})
	resp, err := c.Post(e.srv.URL+"/login", "application/json", bytes.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		e.t.Fatalf("login %s: got %d, want 200", email, resp.StatusCode)
	}
	return c
}

func (e *env) get(c *http.Client, path string) (int, http.Header, []byte) {
	e.t.Helper()
	resp, err := c.Get(e.srv.URL + path)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, b
}

// upload posts a file to a certificate's verification page and returns the page.
func (e *env) upload(number, token string, file []byte) string {
	e.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("t", token)
	fw, _ := mw.CreateFormFile("file", "certificate.pdf")
	fw.Write(file)
	mw.Close()
	resp, err := http.Post(e.srv.URL+"/verify/"+number, mw.FormDataContentType(), &body)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

func (e *env) graphql(c *http.Client, query string, vars map[string]any) (map[string]any, []map[string]any) {
	e.t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	resp, err := c.Post(e.srv.URL+"/graphql", "application/json", bytes.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct {
		Data   map[string]any   `json:"data"`
		Errors []map[string]any `json:"errors"`
	}
	raw, _ := io.ReadAll(resp.Body)
	if err := json.Unmarshal(raw, &out); err != nil {
		e.t.Fatalf("not GraphQL JSON (%d): %s", resp.StatusCode, raw)
	}
	return out.Data, out.Errors
}

// donation records a donation from the test donor with a laptop of two drives, a desktop of
// one and a monitor without storage, and hands the laptop out once its drives are wiped.
func (e *env) donation() (*inventory.Donation, []inventory.Device) {
	e.t.Helper()
	a := e.actors
	gb := 512.0
	devs := []inventory.NewDevice{
		{Kind: inventory.KindLaptop, Make: "Lenovo", Model: "ThinkPad T480", SerialNumber: "PF-LAPTOP-0001", DonorAssetTag: "BQE-0001",
			Storage: []inventory.NewStorage{inventorytest.SSD("S3Z-SSD-0001"), {Kind: inventory.StorageHDD, Make: "WD", Model: "Blue", SerialNumber: "WD-HDD-0002", CapacityGB: &gb}}},
		{Kind: inventory.KindDesktop, Make: "Dell", Model: "OptiPlex 7050", SerialNumber: "DELL-DESK-0003", Storage: []inventory.NewStorage{inventorytest.HDD("ST-HDD-0003")}},
		{Kind: inventory.KindMonitor, Make: "Eizo", Model: "FlexScan", SerialNumber: "EIZO-MON-0004"},
	}
	don, ds := inventorytest.DonationFrom(e.t, e.inv, a.Staff, &a.Donated.ID, devs...)
	return don, ds
}

// wipeAll records a passing wipe of every drive of the devices, by the trainee.
func (e *env) wipeAll(ds []inventory.Device) {
	for _, d := range ds {
		inventorytest.Wipe(e.t, e.inv, e.actors.Trainee, d.ID)
	}
}

var numberRe = regexp.MustCompile(`^(DC|EC)-\d{4}-\d{5}$`)

func TestIssueVerifyAndSupersede(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	a := e.actors
	ctx := a.Staff
	don, ds := e.donation()

	// ERASURE is refused while a drive lacks a passing record, naming what is missing.
	_, err := e.certs.Issue(ctx, don.ID, certificates.KindErasure, "en")
	var we *certificates.WipeRequiredError
	if !errors.As(err, &we) || len(we.Missing) != 3 {
		t.Fatalf("erasure before wipes: got %v, want WipeRequiredError listing 3 drives", err)
	}
	inventorytest.Wipe(t, e.inv, a.Trainee, ds[0].ID)
	_, err = e.certs.Issue(ctx, don.ID, certificates.KindErasure, "en")
	if !errors.As(err, &we) || len(we.Missing) != 1 || we.Missing[0].Serial != "ST-HDD-0003" || we.Missing[0].DeviceTag != ds[1].Tag {
		t.Fatalf("erasure with the desktop's drive unwiped: got %v, want WipeRequiredError naming ST-HDD-0003 of %s", err, ds[1].Tag)
	}
	// A failed attempt is not a passing record either.
	media := inventorytest.Media(t, e.inv, a.Trainee, ds[1].ID)
	failed := inventorytest.PassingWipe(media[0].ID)
	failed.Result = inventory.ResultFailed
	if _, _, err := e.inv.RecordWipe(a.Trainee, failed); err != nil {
		t.Fatal(err)
	}
	if _, err = e.certs.Issue(ctx, don.ID, certificates.KindErasure, "en"); !errors.As(err, &we) {
		t.Fatalf("erasure after a failed wipe: got %v, want WipeRequiredError", err)
	}
	e.wipeAll(ds)
	// The laptop goes to a beneficiary: reused.
	lap := inventorytest.Reload(t, e.inv, a.Staff, ds[0].ID)
	for _, to := range []inventory.Status{inventory.StatusInRepair} {
		if lap, err = e.inv.Transition(a.Staff, lap.ID, lap.Version, to, ""); err != nil {
			t.Fatal(err)
		}
	}
	// Trainees and donors may not issue.
	if _, err := e.certs.Issue(a.Trainee, don.ID, certificates.KindDonation, "fr"); !errors.Is(err, auth.ErrForbidden) {
		t.Errorf("trainee issues: got %v, want ErrForbidden", err)
	}
	if _, err := e.certs.Issue(a.Donor, don.ID, certificates.KindDonation, "fr"); !errors.Is(err, auth.ErrForbidden) {
		t.Errorf("donor issues: got %v, want ErrForbidden", err)
	}

	era, err := e.certs.Issue(ctx, don.ID, certificates.KindErasure, "en")
	if err != nil {
		t.Fatal(err)
	}
	text := pdftest.Text(t, era.PDF)
	for _, want := range []string{era.Number, "S3Z-SSD-0001", "WD-HDD-0002", "ST-HDD-0003", ds[0].Tag, ds[1].Tag, "PF-LAPTOP-0001",
		"Drives: 3 — erased and passed (Clear/Purge): 3 — physically destroyed (Destroy): 0", "Test trainee", "Page 1 / 1", "Certificate of data erasure"} {
		if !strings.Contains(text, want) {
			t.Errorf("erasure certificate lacks %q:\n%s", want, text)
		}
	}

	c1, err := e.certs.Issue(ctx, don.ID, certificates.KindDonation, "")
	if err != nil {
		t.Fatal(err)
	}
	if !numberRe.MatchString(c1.Number) || !strings.HasPrefix(c1.Number, "DC-") || c1.Language != "fr" || len(c1.Token) != 26 {
		t.Errorf("issued %q in %q with token %q, want a DC number, fr and a 26-character token", c1.Number, c1.Language, c1.Token)
	}
	text = pdftest.Text(t, c1.PDF)
	for _, want := range []string{c1.Number, don.Number, "Banque Exemple S.A.", "PF-LAPTOP-0001", "DELL-DESK-0003", "EIZO-MON-0004",
		"BQE-0001", ds[2].Tag, "Total", "Restart Project, version 2021", "aucune valeur monétaire", "Page 1 / 1"} {
		if !strings.Contains(text, want) {
			t.Errorf("donation certificate lacks %q:\n%s", want, text)
		}
	}
	// Totals: 3 devices; 1.83 + 6.69 + 3.66 kg = 12,18 kg, all in stock.
	if !regexp.MustCompile(`Total\s+3\s+12,18`).MatchString(text) {
		t.Errorf("donation certificate lacks the total row (3 devices, 12,18 kg):\n%s", text)
	}

	// The QR code on the first page opens the verification page, which says valid.
	verifyURL := decodeQR(t, c1.PDF)
	if want := e.certs.VerifyURL(c1.Number, c1.Token); verifyURL != want {
		t.Fatalf("QR code: got %q, want %q", verifyURL, want)
	}
	u, _ := url.Parse(verifyURL)
	status, _, page := e.get(e.client(""), u.RequestURI())
	if status != 200 || !strings.Contains(string(page), `data-status="valid"`) || !strings.Contains(string(page), c1.SHA256) {
		t.Fatalf("verification page: got %d, want 200 with valid and the SHA-256:\n%s", status, page)
	}
	if strings.Contains(string(page), "PF-LAPTOP-0001") || strings.Contains(string(page), "S3Z-SSD-0001") {
		t.Errorf("verification page shows a serial number")
	}

	// A forged token verifies as unknown, like an unknown number.
	forged := []byte(c1.Token)
	forged[0] ^= 1
	for _, tc := range [][2]string{{c1.Number, string(forged)}, {c1.Number, ""}, {"DC-2999-99999", c1.Token}, {c1.Number, "not a token"}} {
		v, err := e.certs.Verify(context.Background(), tc[0], tc[1])
		if err != nil || v.Status != certificates.StatusUnknown || v.SHA256 != "" || v.Kind != "" {
			t.Errorf("Verify(%q, %q): got %+v, %v; want unknown and nothing else", tc[0], tc[1], v, err)
		}
	}
	// The uploaded file is checked against the stored hash; an altered one does not match.
	if p := e.upload(c1.Number, c1.Token, c1.PDF); !strings.Contains(p, `data-match="true"`) {
		t.Errorf("uploading the issued PDF: want a match:\n%s", p)
	}
	altered := bytes.Replace(c1.PDF, []byte("Refurb"), []byte("Refurc"), 1)
	if p := e.upload(c1.Number, c1.Token, altered); !strings.Contains(p, `data-match="false"`) {
		t.Errorf("uploading an altered PDF: want no match:\n%s", p)
	}
	if p := e.upload(c1.Number, "", c1.PDF); !strings.Contains(p, `data-status="valid"`) || !strings.Contains(p, `data-match="true"`) {
		t.Errorf("uploading the issued PDF without the token: want valid and a match:\n%s", p)
	}
	if p := e.upload(c1.Number, "", altered); !strings.Contains(p, `data-status="unknown"`) || strings.Contains(p, c1.SHA256) {
		t.Errorf("uploading an altered PDF without the token: want unknown, no hash shown:\n%s", p)
	}

	// Re-issuing gives a new number; the old one verifies as superseded by it.
	c2, err := e.certs.Issue(ctx, don.ID, certificates.KindDonation, "de")
	if err != nil {
		t.Fatal(err)
	}
	if c2.Number == c1.Number {
		t.Fatalf("re-issue kept the number %s", c1.Number)
	}
	v, err := e.certs.Verify(context.Background(), c1.Number, c1.Token)
	if err != nil || v.Status != certificates.StatusSuperseded || v.SupersededBy != c2.Number || v.Valid() {
		t.Errorf("old certificate: got %+v, %v; want superseded by %s", v, err, c2.Number)
	}
	v, err = e.certs.Verify(context.Background(), strings.ToLower(c2.Number), strings.ToLower(c2.Token))
	if err != nil || !v.Valid() || v.DonorName != "Banque Exemple S.A." || v.DeviceCount != 3 || v.DriveCount != 3 || v.IssuerName != "Digital Inclusion asbl" {
		t.Errorf("new certificate: got %+v, %v; want valid, with donor, issuer and counts", v, err)
	}
	// Bytes stored once: what is served is what was issued.
	got, err := e.certs.PDF(a.Staff, c1.Number)
	if err != nil || !bytes.Equal(got.PDF, c1.PDF) {
		t.Errorf("stored PDF differs from the issued one (%v)", err)
	}
	// The application cannot change an issued certificate, only supersede it once.
	if _, err := e.db.App.NewRaw("UPDATE certificates SET pdf = 'x' WHERE number = ?", c2.Number).Exec(context.Background()); err == nil {
		t.Errorf("refurb_app changed a certificate's bytes")
	}
	if _, err := e.db.App.NewRaw("DELETE FROM certificates WHERE number = ?", c2.Number).Exec(context.Background()); err == nil {
		t.Errorf("refurb_app deleted a certificate")
	}
	if _, err := e.db.App.NewRaw("UPDATE certificates SET superseded_by = NULL WHERE number = ?", c1.Number).Exec(context.Background()); err == nil {
		t.Errorf("refurb_app un-superseded a certificate")
	}
	list, err := e.certs.ForDonations(a.Donor, []int64{don.ID})
	if err != nil || len(list[don.ID]) != 3 || list[don.ID][0].Number != c2.Number || list[don.ID][0].PDF != nil {
		t.Errorf("donor's list: got %+v, %v; want 3 certificates, newest first, without bytes", list, err)
	}
}

func TestPDFAccess(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	a := e.actors
	don, ds := e.donation()
	e.wipeAll(ds)
	c, err := e.certs.Issue(a.Admin, don.ID, certificates.KindErasure, "fr")
	if err != nil {
		t.Fatal(err)
	}
	other := inventorytest.Donor(t, e.inv, a.Staff, "Autre Société S.A.")
	svc, _ := auth.NewService(e.db.App, auth.DefaultLimits)
	if _, err := svc.CreateUser(a.System, auth.NewUser{Email: "other@example.org", Name: "Other donor", Role: auth.RoleDonor, Password: password, DonorID: &other.ID}); err != nil {
		t.Fatal(err)
	}
	path := "/certificates/" + c.Number + ".pdf"
	for _, tc := range []struct {
		email string
		path  string
		want  int
	}{
		{"donor@example.org", path, 200},
		{"staff@example.org", path, 200},
		{"admin@example.org", path, 200},
		{"other@example.org", path, 403},
		{"other@example.org", "/certificates/EC-2026-99999.pdf", 403}, // unknown: the same answer
		{"staff@example.org", "/certificates/EC-2026-99999.pdf", 404},
		{"trainee@example.org", path, 403},
		{"social@example.org", path, 403},
		{"", path, 303}, // to the sign-in page
	} {
		status, h, body := e.get(e.client(tc.email), tc.path)
		if status != tc.want {
			t.Errorf("%s GET %s: got %d, want %d", tc.email, tc.path, status, tc.want)
		}
		if status == 200 && (h.Get("Content-Type") != "application/pdf" || !bytes.Equal(body, c.PDF)) {
			t.Errorf("%s: got %s, %d bytes; want the issued PDF", tc.email, h.Get("Content-Type"), len(body))
		}
	}
	// The donations page lists the donor's devices, outcomes and certificates, and nobody else's.
	_, _, page := e.get(e.client("donor@example.org"), "/donations")
	for _, want := range []string{don.Number, c.Number, "PF-LAPTOP-0001", ds[2].Tag} {
		if !strings.Contains(string(page), want) {
			t.Errorf("donor's donations page lacks %q", want)
		}
	}
	_, _, page = e.get(e.client("other@example.org"), "/donations")
	if strings.Contains(string(page), don.Number) || strings.Contains(string(page), c.Number) {
		t.Errorf("another donor's donations page shows this donation")
	}
}

func TestGraphQL(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	don, ds := e.donation()
	staff := e.client("staff@example.org")
	donationID := globalID("Donation", don.ID)
	const issue = `mutation($id: ID!, $kind: CertificateKind!) { issueCertificate(subjectID: $id, kind: $kind) { id number kind issuedAt pdfURL sha256 verifyURL } }`
	_, errs := e.graphql(staff, issue, map[string]any{"id": donationID, "kind": "ERASURE"})
	if len(errs) != 1 || code(errs[0]) != "WIPE_REQUIRED" {
		t.Fatalf("erasure before wipes: got %v, want WIPE_REQUIRED", errs)
	}
	ext := errs[0]["extensions"].(map[string]any)
	if serials, _ := ext["serials"].([]any); len(serials) != 3 {
		t.Errorf("WIPE_REQUIRED serials: got %v, want the 3 drives", ext["serials"])
	}
	e.wipeAll(ds)
	data, errs := e.graphql(staff, issue, map[string]any{"id": donationID, "kind": "DONATION"})
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	c := data["issueCertificate"].(map[string]any)
	verifyURL := c["verifyURL"].(string)
	u, _ := url.Parse(verifyURL)
	number, token := strings.TrimPrefix(u.Path, "/verify/"), u.Query().Get("t")
	if c["kind"] != "DONATION" || number != c["number"] || token == "" || c["pdfURL"] != e.srv.URL+"/certificates/"+number+".pdf" {
		t.Errorf("issued: got %v", c)
	}
	anon := e.client("")
	const verify = `query($n: String!, $t: String!) { verifyCertificate(number: $n, token: $t) { valid status number kind issuedAt sha256 donorName deviceCount driveCount } }`
	data, errs = e.graphql(anon, verify, map[string]any{"n": number, "t": token})
	v, _ := data["verifyCertificate"].(map[string]any)
	if len(errs) > 0 || v["valid"] != true || v["status"] != "VALID" || v["sha256"] != c["sha256"] || v["deviceCount"] != 3.0 || v["kind"] != "DONATION" {
		t.Errorf("verifyCertificate: got %v, %v", v, errs)
	}
	data, errs = e.graphql(anon, verify, map[string]any{"n": number, "t": "AAAAAAAAAAAAAAAAAAAAAAAAAA"})
	v, _ = data["verifyCertificate"].(map[string]any)
	if len(errs) > 0 || v["valid"] != false || v["status"] != "UNKNOWN" || v["kind"] != nil || v["sha256"] != nil {
		t.Errorf("verifyCertificate with a forged token: got %v, %v", v, errs)
	}
	const list = `query($id: ID!) { donation(id: $id) { certificates { number kind sha256 verifyURL } } }`
	data, errs = e.graphql(e.client("donor@example.org"), list, map[string]any{"id": donationID})
	d, _ := data["donation"].(map[string]any)
	cs, _ := d["certificates"].([]any)
	if len(errs) > 0 || len(cs) != 1 || cs[0].(map[string]any)["number"] != number {
		t.Errorf("donation.certificates for the donor: got %v, %v", data, errs)
	}
	_, errs = e.graphql(e.client("trainee@example.org"), issue, map[string]any{"id": donationID, "kind": "DONATION"})
	if len(errs) != 1 || code(errs[0]) != "FORBIDDEN" {
		t.Errorf("trainee issues: got %v, want FORBIDDEN", errs)
	}
	_, errs = e.graphql(staff, issue, map[string]any{"id": donationID, "kind": "HANDOVER"})
	if len(errs) != 1 || code(errs[0]) != "BAD_USER_INPUT" {
		t.Errorf("HANDOVER: got %v, want BAD_USER_INPUT", errs)
	}
	// The kind is checked before the subject's id, which must name the kind's subject.
	for _, tt := range []struct{ id, kind, field, message string }{
		{globalID("Donation", 1), "HANDOVER", "subjectID", ""},
		{globalID("Donation", 1), "ATTENDANCE", "subjectID", ""},
		{globalID("Device", 1), "ERASURE", "subjectID", ""},
	} {
		_, errs = e.graphql(staff, issue, map[string]any{"id": tt.id, "kind": tt.kind})
		var ext map[string]any
		if len(errs) == 1 {
			ext, _ = errs[0]["extensions"].(map[string]any)
		}
		if ext["code"] != "BAD_USER_INPUT" || ext["field"] != tt.field || (tt.message != "" && errs[0]["message"] != tt.message) {
			t.Errorf("%s of a %s id: got %v, want BAD_USER_INPUT on %s", tt.kind, tt.id, errs, tt.field)
		}
	}
}

func code(e map[string]any) any {
	ext, _ := e["extensions"].(map[string]any)
	return ext["code"]
}

// decodeQR reads the QR code in the top right corner of a certificate's first page.
func decodeQR(t *testing.T, doc []byte) string {
	t.Helper()
	const dpi = 200
	page := pdftest.Rasterize(t, doc, dpi)[0]
	px := func(mm float64) int { return int(mm / 25.4 * dpi) }
	// The code is 26 mm square, 16 mm from the right edge and 14 mm from the top.
	crop := image.Rect(px(210-16-26-5), px(14-5), px(210-16+5), px(14+26+5))
	img := image.NewRGBA(image.Rect(0, 0, crop.Dx(), crop.Dy()))
	draw.Draw(img, img.Bounds(), page, crop.Min, draw.Src)
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatal(err)
	}
	res, err := qrcode.NewQRCodeReader().Decode(bmp, nil)
	if err != nil {
		res, err = qrcode.NewQRCodeReader().Decode(bmp, map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_PURE_BARCODE: true})
	}
	if err != nil {
		t.Fatalf("decode the certificate's QR code: %v", err)
	}
	return res.GetText()
}
