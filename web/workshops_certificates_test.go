package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/certificates"
	"github.com/digital-inclusion/refurb/internal/pdf/pdftest"
	"github.com/digital-inclusion/refurb/inventory"
)

// TestTraineeDownloadsOwnCertificate: Alice's "My progress", in Arabic and right to left, lists
// her attendance certificates (the superseded one marked) with their period and issue date,
// and she downloads hers; Bruno's page lists none of hers, and her file is refused to him as to
// a donor's user; staff keep theirs.
func TestTraineeDownloadsOwnCertificate(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	s := newSchool(e)
	staff := e.As(s.staff)
	old, err := e.Certificates.Issue(staff, s.alice.ID, certificates.KindAttendance, "fr")
	if err != nil {
		t.Fatal(err)
	}
	c, err := e.Certificates.Issue(staff, s.alice.ID, certificates.KindAttendance, "en")
	if err != nil {
		t.Fatal(err)
	}

	alice := e.client("ar")
	alice.login("alice@example.org")
	alice.post("/lang", url.Values{"lang": {"ar"}, "next": {"/progress"}}) // as the language buttons do
	r := alice.get("/progress")
	if r.status != http.StatusOK || !strings.Contains(r.body, `lang="ar" dir="rtl"`) || !strings.Contains(r.body, "شهاداتي") {
		t.Fatalf("Alice's progress in Arabic: %d\n%.1500s", r.status, r.body)
	}
	list := regexp.MustCompile(`(?s)<ul class="ws-certs">.*?</ul>`).FindString(r.body)
	items := strings.Split(list, "<li")[1:]
	if len(items) != 2 {
		t.Fatalf("Alice's certificates: %d items, want 2:\n%s", len(items), list)
	}
	// The newest first, current; the French one marked as replaced.
	for i, want := range []struct {
		number, lang string
		current      bool
	}{{c.Number, `<span lang="en">(English)</span>`, true}, {old.Number, `<span lang="fr">(Français)</span>`, false}} {
		it := items[i]
		if !strings.Contains(it, `href="/certificates/`+want.number+`.pdf"`) || !strings.Contains(it, want.lang) ||
			!strings.Contains(it, "تنزيل") || !strings.Contains(it, "الفترة:") || !strings.Contains(it, "تاريخ الإصدار") {
			t.Errorf("item %d, want %s:\n%s", i, want.number, it)
		}
		if superseded := strings.Contains(it, "حلّت محلّها شهادة أحدث"); superseded == want.current {
			t.Errorf("item %d (%s): marked superseded %v, want %v", i, want.number, superseded, !want.current)
		}
	}
	if p := c.PeriodFrom.Format("02/01/2006") + " – " + c.PeriodTo.Format("02/01/2006"); !strings.Contains(items[0], p) {
		t.Errorf("the period %s is not shown:\n%s", p, items[0])
	}
	pdf := alice.get("/certificates/" + c.Number + ".pdf")
	if pdf.status != http.StatusOK || !strings.HasPrefix(pdf.body, "%PDF") {
		t.Fatalf("Alice downloads her certificate: %d %.100q", pdf.status, pdf.body)
	}
	if text := pdftest.Text(t, []byte(pdf.body)); !strings.Contains(text, "Alice Example") {
		t.Errorf("Alice's certificate does not name her:\n%s", text)
	}

	bruno := e.client("pt")
	bruno.login("bruno@example.org")
	bruno.post("/lang", url.Values{"lang": {"pt"}, "next": {"/progress"}})
	r = bruno.get("/progress")
	if r.status != http.StatusOK || strings.Contains(r.body, c.Number) || strings.Contains(r.body, old.Number) ||
		!strings.Contains(r.body, "Os meus certificados") || !strings.Contains(r.body, "Ainda não há certificado") {
		t.Errorf("Bruno's progress: %d\n%.2000s", r.status, r.body)
	}
	dn, err := e.Store.CreateDonor(e.System, inventory.NewDonor{Name: "ACME SA", Kind: inventory.DonorCompany})
	if err != nil {
		t.Fatal(err)
	}
	e.user("dora@example.org", auth.RoleDonor, &dn.ID)
	donor := e.client("en")
	donor.login("dora@example.org")
	for who, cl := range map[string]*client{"Bruno": bruno, "a donor's user": donor} {
		for _, n := range []string{c.Number, "AC-2026-99999"} {
			if r := cl.get("/certificates/" + n + ".pdf"); r.status != http.StatusForbidden || strings.HasPrefix(r.body, "%PDF") {
				t.Errorf("%s downloads %s: %d, want 403", who, n, r.status)
			}
		}
	}
	sam := e.client("en")
	sam.login("sam@example.org")
	if r := sam.get("/certificates/" + old.Number + ".pdf"); r.status != http.StatusOK || !strings.HasPrefix(r.body, "%PDF") {
		t.Errorf("staff download Alice's certificate: %d", r.status)
	}
}
