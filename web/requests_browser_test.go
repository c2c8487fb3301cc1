package web_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"image"
	"image/draw"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/certificates"
	"github.com/digital-inclusion/refurb/internal/pdf/pdftest"
)

// strict runs axe-core in the page and fails on any violation, whatever its impact: the request
// pages are new, and have none.
func (b *bt) strict(name string) {
	b.t.Helper()
	b.check(name)
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	raw, err := chromedp.Run(ctx, chromedp.Evaluate[[]byte](
		`axe.run(document, {resultTypes: ["violations"]}).then(r => r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(n => ({target: n.target}))})))`,
		chromedp.EvalAwaitPromise))
	if err != nil {
		b.t.Fatalf("axe on %s: %v", name, err)
	}
	var vs []axeViolation
	if err := json.Unmarshal(raw, &vs); err != nil {
		b.t.Fatal(err)
	}
	for _, v := range vs {
		b.t.Errorf("axe on %s: %s %s (%s) at %v", name, v.Impact, v.ID, v.Help, v.Nodes)
	}
}

func (b *bt) signIn(email string) {
	b.t.Helper()
	b.open("/login")
	b.do("type credentials", chromedp.SendKeys(chromedp.ID("email"), email), chromedp.SendKeys(chromedp.ID("password"), password))
	if st := b.load("sign in", chromedp.Click(chromedp.CSS(`main button[type=submit]`))); st != 200 {
		b.t.Fatalf("sign in as %s: %d", email, st)
	}
}

func (b *bt) signOut() {
	b.t.Helper()
	b.load("sign out", chromedp.Click(chromedp.CSS(`header form[action="/logout"] button`)))
}

// pressed is a mouse option: the left button held during a move.
func pressed(p *input.DispatchMouseEventParams) {
	p.Button = input.MouseButtonLeft
	p.Buttons = 1
}

// sign draws a wave across the signature pad with the mouse, as a finger would.
func (b *bt) sign() {
	b.t.Helper()
	var rect struct{ X, Y, W, H float64 }
	if err := json.Unmarshal([]byte(b.eval(`(() => { const r = document.querySelector("canvas.signature").getBoundingClientRect();
		return JSON.stringify({X: r.x, Y: r.y, W: r.width, H: r.height}); })()`)), &rect); err != nil {
		b.t.Fatal(err)
	}
	x0, y := rect.X+rect.W*0.1, rect.Y+rect.H/2
	steps := []chromedp.Action[chromedp.Void]{chromedp.MouseEvent(chromedp.MousePressed, x0, y, pressed, chromedp.ClickCount(1))}
	for i := 1; i <= 40; i++ {
		x := x0 + rect.W*0.8*float64(i)/40
		dy := rect.H * 0.3
		if i%2 == 0 {
			dy = -dy
		}
		steps = append(steps, chromedp.MouseEvent(chromedp.MouseMoved, x, y+dy, pressed))
	}
	steps = append(steps, chromedp.MouseEvent(chromedp.MouseReleased, x0+rect.W*0.8, y, pressed, chromedp.ClickCount(1)))
	b.do("sign on the pad", steps...)
}

// fetch downloads a file with the browser's session and returns its bytes.
func (b *bt) fetch(path string) []byte {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 20*time.Second)
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Evaluate[string](`fetch(`+fmt.Sprintf("%q", path)+`).then(r => r.arrayBuffer()).then(b => {
		let s = ""; const a = new Uint8Array(b); for (let i = 0; i < a.length; i++) s += String.fromCharCode(a[i]); return btoa(s); })`, chromedp.EvalAwaitPromise))
	if err != nil {
		b.t.Fatalf("fetch %s: %v", path, err)
	}
	raw, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		b.t.Fatal(err)
	}
	return raw
}

// TestRequestJourneyInTheBrowser: a social worker files a request, staff approve it, reserve a
// ready device and hand it out at the counter, where the beneficiary signs on the pad (in
// Arabic); the receipt shows the tag, the serial and the signature, and its QR code verifies;
// the social worker sees the request handed out. axe-core finds no violation on any of the
// pages, the Arabic hand-out page included.
func TestRequestJourneyInTheBrowser(t *testing.T) {
	ctx := browser(t)
	pdftest.Need(t)
	e := newEnv(t)
	staff := e.user("sam@example.org", auth.RoleStaff, nil)
	e.user("root@example.org", auth.RoleAdmin, nil)
	_, worker := e.partner("Office social de Hesperange", "ana@office.lu", true)
	d := e.readyLaptop(staff, "BROWSER-SERIAL-1")
	b := &bt{t: t, e: e, ctx: ctx, sizes: map[string]int{}}

	var requestURL string
	t.Run("social worker files a request", func(t *testing.T) {
		b.t = t
		b.signIn(worker.Email)
		b.open("/requests/new")
		b.strict("new request")
		b.do("fill the form",
			chromedp.SendKeys(chromedp.ID("reference"), "HES-2026-041"),
			chromedp.SetValue(chromedp.ID("purpose"), "school"),
			chromedp.SetValue(chromedp.ID("language"), "ar"),
			chromedp.SendKeys(chromedp.ID("keyboard_layout"), "FR"),
			chromedp.SendKeys(chromedp.ID("note"), "video calls with the school"))
		b.load("send", chromedp.Click(chromedp.CSS(`main form button[type=submit]`)))
		b.wantText("main .msg", "Request sent")
		requestURL = strings.TrimPrefix(b.eval(`location.pathname`), "")
		b.strict("request page (social worker)")
		b.open("/requests")
		b.wantText("main table", "HES-2026-041")
		b.strict("my organisation's requests")
		b.signOut()
	})

	t.Run("staff approve and reserve", func(t *testing.T) {
		b.t = t
		b.signIn(staff.Email)
		b.open("/requests/queue")
		b.wantText("#decide + p, #decide ~ .table", "HES-2026-041")
		b.strict("triage queue")
		// On a phone the queue's rows are cards: no table wider than the screen.
		b.do("phone viewport", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateScale(2)))
		if wide := b.eval(`String([...document.querySelectorAll(".table")].filter(t => t.scrollWidth > t.clientWidth + 1).length + (document.documentElement.scrollWidth > 390 ? 100 : 0))`); wide != "0" {
			t.Errorf("triage queue on a 390 px phone: %s tables wider than the screen (100 more: the page itself)", wide)
		}
		b.wantText("#decide ~ .table tbody tr", "HES-2026-041")
		if label := b.eval(`getComputedStyle(document.querySelector("#decide ~ .table td"), "::before").content`); label == "none" || label == "" {
			t.Errorf("a queue cell on a phone shows no column name: %q", label)
		}
		b.strict("triage queue on a phone")
		b.shot("triage-queue-390x844.png")
		b.do("back to the desktop", chromedp.ResetViewport())
		b.open(requestURL)
		b.strict("request page (staff, to decide)")
		b.load("approve", chromedp.Click(chromedp.CSS(`button[name=decision][value=approve]`)))
		b.wantText("main .msg", "approved")
		b.wantText("#matches + form", d.Tag)
		b.strict("request page with the matching list")
		b.load("reserve", chromedp.Click(chromedp.CSS(`form[action$="/allocate"] button[type=submit]`)))
		b.wantText("main .msg", "Device reserved")
		if got := e.device(d.Tag).Status; got != "reserved" {
			t.Errorf("device: %s", got)
		}
	})

	t.Run("hand-out at the counter", func(t *testing.T) {
		b.t = t
		b.load("open the counter page", chromedp.Click(chromedp.CSS(`a[href$="/handout"]`)))
		if dir := b.eval(`document.documentElement.dir + " " + document.documentElement.lang`); dir != "rtl ar" {
			t.Errorf("the hand-out page: %q, want right to left Arabic", dir)
		}
		b.wantText("main", "شروط الاستخدام")
		b.wantText("main", d.Tag)
		b.strict("hand-out page in Arabic")
		if disabled := b.eval(`String(document.querySelector("form[data-signature] button[type=submit]").disabled)`); disabled != "true" {
			t.Errorf("confirm before signing: disabled %s, want true", disabled)
		}
		b.do("phone viewport", chromedp.EmulateViewport(800, 1280, chromedp.EmulateMobile, chromedp.EmulateScale(1)))
		b.sign()
		b.shot("handout-ar-800x1280.png")
		b.do("desktop viewport", chromedp.EmulateReset())
		if disabled := b.eval(`String(document.querySelector("form[data-signature] button[type=submit]").disabled)`); disabled != "false" {
			t.Fatalf("confirm after signing: disabled %s, want false", disabled)
		}
		// The Portuguese page, for the record: axe too.
		b.load("confirm", chromedp.Click(chromedp.CSS(`form[data-signature] button[type=submit]`)))
		b.wantText("main .msg", "Handed out")
		if got := e.device(d.Tag).Status; got != "handed_out" {
			t.Errorf("device after the hand-out: %s", got)
		}
		number := b.eval(`document.querySelector("a[href^='/certificates/HC-']").textContent`)
		pdf := b.fetch("/certificates/" + number + ".pdf")
		text := pdftest.Text(t, pdf)
		for _, want := range []string{d.Tag, "BROWSER-SERIAL-1", number} {
			if !strings.Contains(text, want) {
				t.Errorf("the receipt does not show %s:\n%s", want, text)
			}
		}
		signature := false
		for _, im := range pdftest.Images(t, pdf) {
			if im.Type == "image" && im.Width == 600 && im.Height == 200 {
				signature = true
			}
		}
		if !signature {
			t.Errorf("no signature image in the receipt: %+v", pdftest.Images(t, pdf))
		}
		// The pixels of the signature: the drawn wave is dark on white.
		page := pdftest.Rasterize(t, pdf, 100)[0]
		if dark := darkPixels(page); dark < 500 {
			t.Errorf("the receipt's page has %d dark pixels: no signature drawn?", dark)
		}
		verify := receiptQR(t, pdf)
		num, token, ok := strings.Cut(strings.TrimPrefix(verify, "https://refurb.example/verify/"), "?t=")
		if !ok || num != number {
			t.Fatalf("QR code %q", verify)
		}
		v, err := certificates.NewStore(e.DB.App, "https://refurb.example").Verify(context.Background(), num, token)
		if err != nil || !v.Valid() {
			t.Errorf("verification: %+v, %v", v, err)
		}
		b.open(requestURL)
		b.strict("request page after the hand-out")
		b.signOut()
	})

	t.Run("the social worker sees it handed out", func(t *testing.T) {
		b.t = t
		b.signIn(worker.Email)
		b.open("/requests")
		b.wantText("main table", "Handed out")
		b.load("switch to Portuguese", chromedp.Click(chromedp.CSS(`header button[value=pt]`)))
		b.strict("my requests in Portuguese")
		b.load("switch to Arabic", chromedp.Click(chromedp.CSS(`header button[value=ar]`)))
		b.strict("my requests in Arabic")
		b.load("back to English", chromedp.Click(chromedp.CSS(`header button[value=en]`)))
		b.signOut()
	})

	t.Run("administration pages", func(t *testing.T) {
		b.t = t
		b.signIn("root@example.org")
		for _, p := range []string{"/admin", "/admin/users", "/admin/partners", "/admin/requests"} {
			b.open(p)
			b.strict("administration " + p)
		}
	})
}

func darkPixels(img image.Image) int {
	n := 0
	bounds := img.Bounds()
	for y := bounds.Min.Y; y < bounds.Max.Y; y++ {
		for x := bounds.Min.X; x < bounds.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			if (r+g+bl)/3 < 0x4000 {
				n++
			}
		}
	}
	return n
}

// receiptQR reads the QR code in the top right corner of a receipt's first page.
func receiptQR(t *testing.T, doc []byte) string {
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
		res, err = qrcode.NewQRCodeReader().Decode(bmp, map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_PURE_BARCODE: true})
	}
	if err != nil {
		t.Fatalf("decode the receipt's QR code: %v", err)
	}
	return res.GetText()
}
