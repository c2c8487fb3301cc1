package web_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/inventory"
	"github.com/digital-inclusion/refurb/inventory/wipereport/wipereporttest"
)

// A staff member uploads three reports at once: one matched, one whose serial two drives share
// (they pick the drive), one that is no report; then records.
func TestWipeReportsBrowser(t *testing.T) {
	ctx := browser(t)
	e := newEnv(t)
	e.user("sam@example.org", auth.RoleStaff, nil)
	_, ds := e.donation(nil, laptop("WRB-1", "WD-WX41A12B3456"), laptop("WRB-2", "AB 12"), laptop("WRB-3", "AB12"))
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	one := wipereporttest.Erased("wd-wx41a12b3456")
	two := wipereporttest.Erased("ab12")
	files := []string{write(one.Filename(), one.PDF(t)), write(two.Filename(), two.PDF(t)), write("notes.pdf", []byte("%PDF-1.4 not a report"))}

	b := &bt{t: t, e: e, ctx: ctx, sizes: map[string]int{}}
	b.open("/login")
	b.do("type credentials", chromedp.SendKeys(chromedp.ID("email"), "sam@example.org"), chromedp.SendKeys(chromedp.ID("password"), password))
	b.load("sign in", chromedp.Click(chromedp.CSS(`main button[type=submit]`)))

	b.open("/bench")
	b.load("follow the link", chromedp.Click(chromedp.CSS(`a[href="/wipe-reports"]`)))
	b.wantText("h1", "Import wipe reports")
	b.check("wipe reports upload page")

	b.do("choose the reports", chromedp.SetUploadFiles(chromedp.ID("files"), files))
	if st := b.load("check", chromedp.Click(chromedp.CSS(`form[action="/wipe-reports/check"] button[type=submit]`))); st != 200 {
		t.Fatalf("check: got %d", st)
	}
	b.wantText("main .msg", "1 erasure to record.")
	b.wantText("main .msg", "1 awaits your decision.")
	b.wantText("main .msg", "1 file could not be read.")
	b.wantText("main table", "Several drives with this serial")
	b.check("wipe reports checked")
	b.shot("wipe-reports-checked.png")

	// Pick the second candidate (WRB-3's drive, AB12) and record both.
	b.do("pick the drive", chromedp.SetValue(chromedp.CSS(`select[name^="medium:"]`), b.eval(`document.querySelector('select[name^="medium:"] option:nth-child(3)').value`)))
	b.load("check again", chromedp.Click(chromedp.CSS(`button[value=check]`)))
	b.wantText("main .msg", "2 erasures to record.")
	b.load("record", chromedp.Click(chromedp.CSS(`button[value=record]`)))
	b.wantText("main .msg", "2 erasures recorded.")
	b.check("wipe reports recorded")
	for i, want := range []inventory.Status{inventory.StatusWiped, inventory.StatusReceived, inventory.StatusWiped} {
		if got := e.device(ds[i].Tag).Status; got != want {
			t.Errorf("%s: %s, want %s", ds[i].Tag, got, want)
		}
	}
}
