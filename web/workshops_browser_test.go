package web_test

import (
	"context"
	"fmt"
	"image"
	"image/draw"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"

	"github.com/digital-inclusion/refurb/internal/pdf/pdftest"
	"github.com/digital-inclusion/refurb/workshops"
)

// TestBrowserWorkshopsJourney is the workshops' journey in Chromium: a staff member opens bench
// mode; Alice picks her name, types her PIN and logs hours on the bench page in Arabic (a day
// over 12 hours refused); the supervisor rejects one entry with a reason and approves the
// weeks; Alice sees the reason and her progress; the attendance certificate lists the total and
// the weeks, and its QR code verifies; Alice, back at the bench, finds it on "My progress" in
// Arabic and downloads it. axe-core finds no serious violation on any new page.
func TestBrowserWorkshopsJourney(t *testing.T) {
	ctx := browser(t)
	e := newEnv(t)
	s := newSchool(e)
	b := &bt{t: t, e: e, ctx: ctx, sizes: map[string]int{}}
	defer func() { t.Logf("page weights (HTML+CSS+JS, bytes): %v", b.sizes) }()
	b.do("disable cache", chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, network.SetCacheDisabled, network.SetCacheDisabledParams{CacheDisabled: true})
		return err
	}))
	alice := strconv.FormatInt(s.alice.ID, 10)
	signIn := func(email string) {
		t.Helper()
		b.open("/login")
		b.do("credentials", chromedp.SendKeys(chromedp.ID("email"), email), chromedp.SendKeys(chromedp.ID("password"), password))
		b.load("sign in", chromedp.Click(chromedp.CSS(`main button[type=submit]`)))
	}
	signOut := func() {
		t.Helper()
		b.load("sign out", chromedp.Click(chromedp.CSS(`header form[action="/logout"] button`)))
	}
	pinIn := func() {
		t.Helper()
		b.open("/pin")
		b.load("pick Alice", chromedp.Click(chromedp.CSS(`a[href="/pin/`+alice+`"]`)))
		b.do("type the PIN", chromedp.SendKeys(chromedp.ID("pin"), "2580"))
		if st := b.load("sign in with the PIN", chromedp.Click(chromedp.CSS(`form.ws-pinpad button`))); st != 200 {
			t.Fatalf("PIN sign-in: %d", st)
		}
	}

	t.Run("bench mode", func(t *testing.T) {
		b.t = t
		signIn("sam@example.org")
		b.open("/pin")
		b.wantText("ul.ws-names", "Alice Example")
		b.check("bench names to staff")
		b.load("open bench mode", chromedp.Click(chromedp.CSS(`form[action="/benches"] button`)))
		b.wantText("ul.ws-names", "Alice Example")
		if strings.Contains(b.text("header"), "Sam") {
			t.Error("the staff member is still signed in on the bench")
		}
		b.check("bench names")
		b.load("pick Alice", chromedp.Click(chromedp.CSS(`a[href="/pin/`+alice+`"]`)))
		if dir := b.eval(`document.documentElement.dir`); dir != "rtl" {
			t.Errorf("Alice's PIN pad: dir %q, want rtl", dir)
		}
		b.check("PIN pad in Arabic")
		b.do("type the PIN", chromedp.SendKeys(chromedp.ID("pin"), "2580"))
		b.load("sign in with the PIN", chromedp.Click(chromedp.CSS(`form.ws-pinpad button`)))
		b.wantText("h1", "Alice Example")
		if lang := b.eval(`document.documentElement.lang + " " + document.documentElement.dir`); lang != "ar rtl" {
			t.Errorf("Alice's bench page: %q, want ar rtl", lang)
		}
		b.check("bench page in Arabic")
		b.do("phone viewport", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateScale(2)))
		b.shot("workshops-bench-ar-390x844.png")
		if w := b.eval(`String(document.documentElement.scrollWidth)`); w != "390" {
			t.Errorf("the bench page on a 390 px phone is %s px wide: %s", w, b.eval(`Array.from(document.querySelectorAll("body *")).filter(e => { const r = e.getBoundingClientRect(); return r.right > 391 || r.left < -1; }).slice(0, 8).map(e => e.tagName + "." + e.className + " " + Math.round(e.getBoundingClientRect().left) + ".." + Math.round(e.getBoundingClientRect().right)).join(" | ")`))
		}
		b.do("desktop viewport", chromedp.EmulateReset())
	})

	today := e.sysToday()
	logged := []struct {
		day      time.Time
		minutes  int
		activity string
	}{{today, 480, "repair"}, {today.AddDate(0, 0, -1), 180, "wipe"}, {today.AddDate(0, 0, -2), 120, "qa"}}
	t.Run("log hours", func(t *testing.T) {
		b.t = t
		for _, l := range logged {
			b.do("choose", chromedp.Click(chromedp.CSS(`input[name=date][value="`+day(l.day)+`"]`)),
				chromedp.Click(chromedp.CSS(`input[name=minutes][value="`+strconv.Itoa(l.minutes)+`"]`)),
				chromedp.Click(chromedp.CSS(`input[name=activity][value="`+l.activity+`"]`)))
			b.load("save", chromedp.Click(chromedp.ID("save")))
			b.wantText("main .msg", "تم الحفظ")
		}
		// Five more hours today would make 13: refused, in Arabic.
		b.do("choose", chromedp.Click(chromedp.CSS(`input[name=date][value="`+day(today)+`"]`)),
			chromedp.Click(chromedp.CSS(`input[name=minutes][value="360"]`)))
		b.load("save", chromedp.Click(chromedp.ID("save")))
		b.wantText("main .msg.bad", "اليوم فيه 12 ساعة على الأكثر")
		if n := b.eval(`String(document.querySelectorAll("ol.ws-entries li").length)`); n != "3" {
			t.Errorf("entries on the bench page: %s, want 3", n)
		}
		b.check("bench page with entries")
		b.load("done", chromedp.Click(chromedp.CSS(`form[action="/pin-done"] button`)))
		b.wantText("h1", "من أنت؟")
	})

	var rejectedID int64
	t.Run("review", func(t *testing.T) {
		b.t = t
		signIn("sam@example.org")
		b.open("/review")
		b.check("review queue")
		page, err := s.st.HourEntries(e.As(s.staff), workshops.HourFilter{TraineeID: &s.alice.ID}, workshops.Page{})
		if err != nil || page.TotalCount != 3 {
			t.Fatalf("Alice's entries: %v, %v", page, err)
		}
		for _, h := range page.Entries {
			if h.Minutes == 180 {
				rejectedID = h.ID
			}
		}
		id := strconv.FormatInt(rejectedID, 10)
		b.do("reason", chromedp.SendKeys(chromedp.ID("reason-"+id), "You were at the language course"))
		b.load("reject", chromedp.Click(chromedp.CSS(`#entry-`+id+` form.ws-reject button`)))
		b.wantText("main .msg", "1 entry rejected")
		for range 3 {
			if b.eval(`String(document.querySelectorAll("input[name=action][value=week]").length)`) == "0" {
				break
			}
			b.load("approve a week", chromedp.Click(chromedp.CSS(`section.ws-week form:has(input[value=week]) button`)))
		}
		b.wantText("main", "Nothing to review")
		signOut()
	})

	approved := logged[0].minutes + logged[2].minutes
	t.Run("progress", func(t *testing.T) {
		b.t = t
		pinIn()
		b.wantText("ol.ws-entries", "You were at the language course")
		b.open("/progress")
		if v := b.eval(`String(document.getElementById("ws-bar").value)`); v != strconv.Itoa(approved*100/(100*60)) {
			t.Errorf("progress bar: %s, want %d", v, approved*100/6000)
		}
		b.wantText("main", workshops.Duration(approved))
		b.check("progress in Arabic")
		b.load("done", chromedp.Click(chromedp.CSS(`form[action="/pin-done"] button`)))
	})

	t.Run("certificate", func(t *testing.T) {
		b.t = t
		signIn("sam@example.org")
		b.open("/trainees")
		b.check("trainees")
		b.open("/trainees/" + alice)
		b.check("trainee file")
		b.do("English", chromedp.SetValue(chromedp.ID("c-language"), "en"))
		b.load("issue", chromedp.Click(chromedp.CSS(`form:has(input[value=certificate]) button`)))
		b.wantText("main .msg", "Certificate AC-")
		href := b.eval(`document.querySelector("a[href^='/certificates/AC-']").getAttribute("href")`)
		pdfBytes := b.fetch(href)
		text := strings.Join(strings.Fields(pdftest.Text(t, pdfBytes)), " ")
		weeks := map[time.Time]int{}
		for _, l := range []int{0, 2} {
			weeks[workshops.WeekStart(logged[l].day)] += logged[l].minutes
		}
		want := []string{"Alice Example", "OTI ADEM", fmt.Sprintf("Total approved hours: %d h %02d min, over %d week(s)", approved/60, approved%60, len(weeks))}
		for w, m := range weeks {
			want = append(want, fmt.Sprintf("%s – %s", w.Format("2006-01-02"), w.AddDate(0, 0, 6).Format("2006-01-02")), fmt.Sprintf("%d h %02d min", m/60, m%60))
		}
		for _, w := range want {
			if !strings.Contains(text, w) {
				t.Errorf("the certificate lacks %q:\n%s", w, text)
			}
		}
		verify, err := url.Parse(decodeBadgeQR(t, pdfBytes))
		if err != nil || !strings.HasPrefix(verify.Path, "/verify/AC-") {
			t.Fatalf("QR code: %v, %v", verify, err)
		}
		b.open(verify.RequestURI())
		if st := b.eval(`document.getElementById("verdict").dataset.status`); st != "valid" {
			t.Errorf("verification of the QR code: %q, want valid", st)
		}
		b.check("verification of an attendance certificate")
	})

	t.Run("trainee downloads", func(t *testing.T) {
		b.t = t
		signOut()
		pinIn()
		b.open("/progress")
		if lang := b.eval(`document.documentElement.lang + " " + document.documentElement.dir`); lang != "ar rtl" {
			t.Errorf("Alice's progress: %q, want ar rtl", lang)
		}
		b.wantText("#ws-certs", "شهاداتي")
		if n := b.eval(`String(document.querySelectorAll("ul.ws-certs li").length)`); n != "1" {
			t.Errorf("Alice's certificates: %s, want 1", n)
		}
		b.wantText("ul.ws-certs", "تنزيل")
		b.check("progress with a certificate in Arabic")
		b.shot("workshops-progress-certificates-ar.png")
		href := b.eval(`document.querySelector("ul.ws-certs a[href^='/certificates/AC-']").getAttribute("href")`)
		pdfBytes := b.fetch(href)
		if !strings.HasPrefix(string(pdfBytes), "%PDF") {
			t.Fatalf("Alice downloads %s: %.40q", href, pdfBytes)
		}
		if text := pdftest.Text(t, pdfBytes); !strings.Contains(text, "Alice Example") {
			t.Errorf("Alice's certificate does not name her:\n%s", text)
		}
		b.load("done", chromedp.Click(chromedp.CSS(`form[action="/pin-done"] button`)))
		signIn("sam@example.org")
	})

	t.Run("staff pages", func(t *testing.T) {
		b.t = t
		for _, p := range []string{"/programmes", "/sessions", "/reports/hours?from=" + today.AddDate(0, -1, 0).Format("2006-01") + "&to=" + today.Format("2006-01")} {
			b.open(p)
			b.check(strings.SplitN(p, "?", 2)[0])
		}
		b.open("/sessions")
		b.do("session form", chromedp.SendKeys(chromedp.ID("s-topic"), "Replacing a screen"))
		b.load("plan", chromedp.Click(chromedp.CSS(`form[action="/sessions"] button`)))
		b.wantText("h1", "Replacing a screen")
		b.check("session attendance")
		// Close the bench, so that this browser is anonymous again without it.
		b.open("/trainees")
		b.load("close the bench", chromedp.Click(chromedp.CSS(`form[action^="/benches/"] button`)))
		signOut()
		b.open("/T/" + *s.alice.BadgeToken)
		if strings.Contains(b.html(), "Alice") {
			t.Error("the badge page shows the trainee's name to anyone")
		}
		b.check("badge page")
	})
}

// sysToday is the workshop's calendar day.
func (e *env) sysToday() time.Time {
	tz, _ := time.LoadLocation("Europe/Luxembourg")
	now := time.Now().In(tz)
	return time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
}

// decodeBadgeQR reads the QR code in the top right corner of a certificate's first page.
func decodeBadgeQR(t *testing.T, doc []byte) string {
	t.Helper()
	const dpi = 200
	page := pdftest.Rasterize(t, doc, dpi)[0]
	px := func(mm float64) int { return int(mm / 25.4 * dpi) }
	crop := image.Rect(px(210-16-26-5), px(14-5), px(210-16+5), px(14+26+5))
	img := image.NewRGBA(image.Rect(0, 0, crop.Dx(), crop.Dy()))
	draw.Draw(img, img.Bounds(), page, crop.Min, draw.Src)
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatal(err)
	}
	res, err := qrcode.NewQRCodeReader().Decode(bmp, nil)
	if err != nil {
		t.Fatalf("decode the certificate's QR code: %v", err)
	}
	return res.GetText()
}
