package web_test

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/inventory"
)

// axe-core (MPL-2.0, see testdata/axe/LICENSE), run in each page the browser tests visit.
//
//go:embed testdata/axe/axe.min.js
var axeSource string

// chromiumPath is Debian's Chromium; CHROMIUM overrides it.
func chromiumPath() string {
	if p := os.Getenv("CHROMIUM"); p != "" {
		return p
	}
	return "/usr/bin/chromium"
}

// browser starts a headless Chromium for t. The browser tests do not run with -short, and
// fail, not skip, when Chromium is missing: a CI without it must not pass silently.
func browser(t *testing.T) context.Context {
	t.Helper()
	if testing.Short() {
		t.Skip("browser tests do not run with -short")
	}
	path := chromiumPath()
	if _, err := exec.LookPath(path); err != nil {
		t.Fatalf("Chromium not found at %s: install it (apt-get install -y chromium; .ci/run does) or set CHROMIUM, or run with -short", path)
	}
	alloc, cancel := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("lang", "en-US"),
		chromedp.Flag("accept-lang", "en-US,en"),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1024, 900),
	)
	t.Cleanup(cancel)
	ctx, cancel2 := chromedp.NewContext(alloc)
	t.Cleanup(cancel2)
	if err := chromedp.Do(ctx); err != nil { // starts the browser, outside any timeout
		t.Fatalf("start Chromium: %v", err)
	}
	return ctx
}

// bt drives one browser tab through the application.
type bt struct {
	t     *testing.T
	e     *env
	ctx   context.Context
	sizes map[string]int
}

func (b *bt) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 20*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		b.t.Fatalf("%s: %v\npage:\n%s", what, err, b.html())
	}
}

// load runs steps that load a page and returns its HTTP status.
func (b *bt) load(what string, steps ...chromedp.Action[chromedp.Void]) int64 {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 20*time.Second)
	defer cancel()
	resp, err := chromedp.RunResponse(ctx, steps...)
	if err != nil {
		b.t.Fatalf("%s: %v\npage:\n%s", what, err, b.html())
	}
	return resp.Status
}

func (b *bt) open(path string) int64 {
	b.t.Helper()
	return b.load("open "+path, chromedp.Navigate(b.e.URL+path))
}

func (b *bt) text(sel string) string {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 10*time.Second)
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		b.t.Fatalf("text of %s: %v\npage:\n%s", sel, err, b.html())
	}
	return s
}

func (b *bt) html() string {
	ctx, cancel := context.WithTimeout(b.ctx, 5*time.Second)
	defer cancel()
	s, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.documentElement.outerHTML`))
	if len(s) > 6000 {
		s = s[:6000] + "…"
	}
	return s
}

func (b *bt) eval(js string) string {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 10*time.Second)
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Evaluate[string](js))
	if err != nil {
		b.t.Fatalf("evaluate %s: %v", js, err)
	}
	return s
}

type axeViolation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	Nodes  []struct {
		Target []any `json:"target"`
	} `json:"nodes"`
}

// check runs axe-core in the page and fails on serious or critical violations, and records
// the page's weight (HTML plus the stylesheet and script it loads).
func (b *bt) check(name string) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[chromedp.Void](axeSource)); err != nil {
		b.t.Fatalf("load axe-core: %v", err)
	}
	raw, err := chromedp.Run(ctx, chromedp.Evaluate[[]byte](
		`axe.run(document, {resultTypes: ["violations"]}).then(r => r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(n => ({target: n.target}))})))`,
		chromedp.EvalAwaitPromise))
	if err != nil {
		b.t.Fatalf("axe on %s: %v", name, err)
	}
	var vs []axeViolation
	if err := json.Unmarshal(raw, &vs); err != nil {
		b.t.Fatalf("axe result on %s: %v", name, err)
	}
	var minor []string
	for _, v := range vs {
		where := fmt.Sprint(v.Nodes)
		if v.Impact == "serious" || v.Impact == "critical" {
			b.t.Errorf("axe on %s: %s %s (%s) at %s", name, v.Impact, v.ID, v.Help, where)
		} else {
			minor = append(minor, v.Impact+" "+v.ID+" at "+where)
		}
	}
	b.t.Logf("axe on %s: %d violations (%d serious or critical) %v", name, len(vs), len(vs)-len(minor), minor)
	size, err := chromedp.Run(ctx, chromedp.Evaluate[int](`(() => {
		let n = performance.getEntriesByType("navigation")[0].decodedBodySize;
		for (const r of performance.getEntriesByType("resource"))
			if (r.initiatorType === "link" || r.initiatorType === "script") n += r.decodedBodySize;
		return n; })()`))
	if err != nil {
		b.t.Fatalf("page size of %s: %v", name, err)
	}
	b.sizes[name] = size
	if size > 100<<10 {
		b.t.Errorf("%s weighs %d bytes of HTML, CSS and JS, over 100 KB", name, size)
	}
}

// shot saves a screenshot of the whole page under testdata/artifacts/ at the repository's root
// (git-ignored), for people to look at.
func (b *bt) shot(name string) {
	b.t.Helper()
	png, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.t.Fatalf("screenshot %s: %v", name, err)
	}
	dir := filepath.Join("..", "testdata", "artifacts")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		b.t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name), png, 0o644); err != nil {
		b.t.Fatal(err)
	}
}

func (b *bt) wantText(sel, want string) {
	b.t.Helper()
	if got := b.text(sel); !strings.Contains(got, want) {
		b.t.Errorf("%s: got %q, want it to contain %q", sel, got, want)
	}
}

func TestBrowser(t *testing.T) {
	ctx := browser(t)
	e := newEnv(t)
	staff := e.user("sam@example.org", auth.RoleStaff, nil)
	_, ds := e.donation(nil, laptop("SCAN-1", "SCAN-D1"), laptop("BENCH-1", "BENCH-D1"), laptop("BENCH-2", "BENCH-D2"),
		laptop("BENCH-3", "BENCH-D3"), laptop("BENCH-4", "BENCH-D4"))
	for i := 1; i <= 3; i++ {
		e.wipe(staff, &ds[i])
	}
	b := &bt{t: t, e: e, ctx: ctx, sizes: map[string]int{}}
	defer func() {
		t.Logf("page weights (HTML+CSS+JS, bytes): %v", b.sizes)
	}()
	b.do("disable cache", chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, network.SetCacheDisabled, network.SetCacheDisabledParams{CacheDisabled: true})
		return err
	}))

	t.Run("anonymous label scan", func(t *testing.T) {
		b.t = t
		b.open("/D/" + ds[0].Tag)
		b.wantText("h1", "Digital Inclusion")
		if strings.Contains(b.html(), "SCAN-1") {
			t.Error("the anonymous page shows the device's serial")
		}
		b.check("public label page")
	})

	t.Run("sign in", func(t *testing.T) {
		b.t = t
		b.open("/login")
		b.check("sign-in page")
		b.do("type credentials",
			chromedp.SendKeys(chromedp.ID("email"), "sam@example.org"),
			chromedp.SendKeys(chromedp.ID("password"), password))
		if st := b.load("sign in", chromedp.Click(chromedp.CSS(`main button[type=submit]`))); st != 200 {
			t.Fatalf("after signing in: got %d", st)
		}
		b.wantText("header .who", "Sam")
		b.wantText("header .who", "staff")
		b.check("scan page")
		if focused := b.eval(`document.activeElement.id`); focused != "tag" {
			t.Errorf("focus on the scan page: got %q, want the scan box", focused)
		}
	})

	t.Run("mistyped tag", func(t *testing.T) {
		b.t = t
		tag := ds[0].Tag
		wrong := tag[:len(tag)-1] + map[bool]string{true: "A", false: "B"}[tag[len(tag)-1] != 'A']
		if st := b.load("scan a mistyped tag", chromedp.SendKeys(chromedp.ID("tag"), wrong+"\r")); st != 422 {
			t.Errorf("mistyped tag: got %d, want 422", st)
		}
		b.wantText("#tag-error", "mistyped or misread")
		b.check("scan page with an error")
		if focused := b.eval(`document.activeElement.id`); focused != "tag" {
			t.Errorf("focus after a failed scan: got %q, want the scan box", focused)
		}
	})

	t.Run("scan, wipe, move", func(t *testing.T) {
		b.t = t
		b.open("/scan")
		// A keyboard-wedge scanner types the label's URL, upper-cased, and Enter.
		b.load("scan", chromedp.SendKeys(chromedp.ID("tag"), strings.ToUpper(e.URL)+"/D/"+ds[0].Tag+"\r"))
		b.wantText("h1", ds[0].Tag)
		b.wantText("h1 .badge", "Received")
		b.check("device page")

		b.do("open the wipe form", chromedp.Click(chromedp.CSS(`details summary`)))
		b.do("fill the wipe form", chromedp.SendKeys(chromedp.CSS(`input[name=technique]`), "NVMe Format (crypto erase)"),
			chromedp.SendKeys(chromedp.CSS(`input[name=tool]`), "nvme-cli 2.4"))
		b.load("record the wipe", chromedp.Click(chromedp.CSS(`details form button[type=submit]`)))
		b.wantText("main .msg", "Wipe recorded")
		b.wantText("h1 .badge", "Wiped") // every medium passed: received → wiped by itself
		b.load("move to in repair", chromedp.Click(chromedp.CSS(`button[name=to][value=in_repair]`)))
		b.wantText("h1 .badge", "In repair")
		b.wantText("ol.timeline li:first-child", "In repair")
		b.wantText("ol.timeline", "Wipe")
		if got := e.device(ds[0].Tag).Status; got != inventory.StatusInRepair {
			t.Errorf("status in the database: got %s, want in_repair", got)
		}

		// Repair, check, and the device may become ready.
		b.do("open the repair form", chromedp.Click(chromedp.CSS(`details:has(form[action$="/repair"]) > summary`)))
		b.do("fill the repair form", chromedp.SendKeys(chromedp.ID("repair-description"), "Replaced the keyboard"),
			chromedp.SendKeys(chromedp.ID("repair-minutes"), "45"))
		b.load("record the repair", chromedp.Click(chromedp.CSS(`form[action$="/repair"] button[type=submit]`)))
		b.wantText("main .msg", "Repair recorded")
		b.do("open the QA form", chromedp.Click(chromedp.CSS(`details:has(form[action$="/qa"]) > summary`)))
		b.do("tick every item", chromedp.Evaluate[chromedp.Void](`document.querySelectorAll('form[action$="/qa"] input[type=checkbox]').forEach(c => c.click())`))
		b.check("device page with the work forms open")
		b.load("record the QA check", chromedp.Click(chromedp.CSS(`form[action$="/qa"] button[type=submit]`)))
		b.wantText("main .msg", "Quality check passed")
		b.load("move to ready", chromedp.Click(chromedp.CSS(`button[name=to][value=ready]`)))
		b.wantText("h1 .badge", "Ready")

		// The phone a trainee holds at the bench.
		b.do("phone viewport", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateScale(2)))
		b.open("/devices/" + ds[0].Tag)
		b.shot("device-page-390x844.png")
		b.check("device page on a phone")
		if w := b.eval(`String(document.documentElement.scrollWidth)`); w != "390" {
			t.Errorf("device page on a 390 px phone is %s px wide: it scrolls sideways", w)
		}
		b.do("desktop viewport", chromedp.EmulateReset())
	})

	t.Run("bench mode", func(t *testing.T) {
		b.t = t
		b.open("/bench")
		b.check("bench page")
		scan := func(code string, lines int) {
			t.Helper()
			b.do("scan "+code, chromedp.SendKeys(chromedp.ID("code"), code+"\r"),
				chromedp.WaitVisible(chromedp.CSS(fmt.Sprintf(`ol.log li:nth-child(%d)`, lines))))
		}
		scan("mode:in-repair", 1)
		b.wantText(".armed", "In repair")
		for i := 1; i <= 3; i++ {
			scan(ds[i].Tag, i+1)
			b.wantText(`ol.log li:first-child`, ds[i].Tag+": Wiped → In repair")
		}
		scan(ds[4].Tag, 5) // still received: received → in repair is not a move
		b.wantText(`ol.log li.bad:first-child`, ds[4].Tag)
		if focused := b.eval(`document.activeElement.id`); focused != "code" {
			t.Errorf("focus after a bench scan: got %q, want the scan box", focused)
		}
		for i := 1; i <= 4; i++ {
			want := inventory.StatusInRepair
			if i == 4 {
				want = inventory.StatusReceived
			}
			if got := e.device(ds[i].Tag).Status; got != want {
				t.Errorf("%s after bench mode: got %s, want %s", ds[i].Tag, got, want)
			}
		}
		b.check("bench page with results")
		b.do("phone viewport", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateScale(2)))
		b.shot("bench-page-390x844.png")
		b.do("desktop viewport", chromedp.EmulateReset())
		b.open("/bench/cards")
		b.check("mode cards")
	})

	t.Run("intake", func(t *testing.T) {
		b.t = t
		b.open("/intake")
		b.check("intake page")
		b.do("donation form", chromedp.SendKeys(chromedp.ID("reference"), "PO-77"))
		b.load("create the donation", chromedp.Click(chromedp.CSS(`form[action="/intake"] button[type=submit]`)))
		b.wantText("h1", "DON-")
		number := strings.TrimPrefix(b.text("h1"), "Donation ")
		b.check("donation page")
		b.do("first device",
			chromedp.SendKeys(chromedp.ID("make"), "Dell"),
			chromedp.SendKeys(chromedp.ID("model"), "Latitude 5490"),
			chromedp.SendKeys(chromedp.ID("serial"), "INTAKE-1"),
			chromedp.SetValue(chromedp.ID("storage"), "ssd"),
			chromedp.SendKeys(chromedp.ID("storage_serial"), "INTAKE-D1"))
		b.load("add the first device", chromedp.SendKeys(chromedp.ID("storage_serial"), "\r"))
		b.wantText("main .msg", "added")
		// Add another: kind, make and model are kept, the serial has the focus.
		if got := b.eval(`document.getElementById("model").value + "|" + document.activeElement.id`); got != "Latitude 5490|serial" {
			t.Errorf("after adding a device: got model|focus %q, want the model kept and the focus on the serial", got)
		}
		b.do("second device", chromedp.SendKeys(chromedp.ID("serial"), "INTAKE-2"), chromedp.SendKeys(chromedp.ID("storage_serial"), "INTAKE-D2"))
		b.load("add the second device", chromedp.SendKeys(chromedp.ID("storage_serial"), "\r"))
		rows := b.eval(`String(document.querySelectorAll("main table tbody tr").length)`)
		if rows != "2" {
			t.Errorf("devices in the donation: got %s, want 2", rows)
		}
		href := b.eval(`document.querySelector("a[href^='/labels']").getAttribute("href")`)
		if href != "/labels?donation="+number+"&stock=L7160" {
			t.Errorf("label link: got %q", href)
		}
		// The link prints the donation's labels: a PDF sheet, with the browser's session.
		ctx, cancel := context.WithTimeout(b.ctx, 20*time.Second)
		got, err := chromedp.Run(ctx, chromedp.Evaluate[string](`fetch(`+strconv.Quote(href)+`).then(async r =>
			r.status + " " + r.headers.get("Content-Type") + " " + (await r.text()).slice(0, 5))`, chromedp.EvalAwaitPromise))
		cancel()
		if err != nil || got != "200 application/pdf %PDF-" {
			t.Errorf("printing the donation's labels: got %q, %v; want a PDF", got, err)
		}
		b.check("donation page with devices")

		// The donor's own list: checked first, imported when confirmed.
		list := filepath.Join(t.TempDir(), "acme-assets.csv")
		if err := os.WriteFile(list, []byte("Type,Make,Model,Serial\nlaptop,HP,EliteBook 840 G5,IMPORT-1\nlaptop,HP,EliteBook 840 G5,IMPORT-2\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		b.do("choose the file", chromedp.SetUploadFiles(chromedp.ID("file"), []string{list}))
		b.load("check the file", chromedp.Click(chromedp.CSS(`form#import button[type=submit]`)))
		b.wantText("main", "Nothing is saved yet")
		b.check("import report")
		b.shot("import-report.png")
		if n := b.eval(`String(document.querySelectorAll("main table tbody tr").length)`); n != "2" {
			t.Errorf("rows in the import report: got %s, want 2", n)
		}
		b.load("confirm the import", chromedp.Click(chromedp.CSS(`form[action$="/import/confirm"] button`)))
		b.wantText("main .msg", "2 devices imported")
		if n := b.eval(`String(document.querySelectorAll("main table tbody tr").length)`); n != "4" {
			t.Errorf("devices in the donation after the import: got %s, want 4", n)
		}
		don, err := e.Store.DonationByNumber(e.System, number)
		if err != nil {
			t.Fatal(err)
		}
		if don.DonorReference == nil || *don.DonorReference != "PO-77" {
			t.Errorf("donation reference: got %v", don.DonorReference)
		}
		page, err := e.Store.Devices(e.System, inventory.DeviceFilter{DonationID: don.ID}, inventory.SortTagAsc, inventory.Page{First: 10})
		if err != nil || page.TotalCount != 4 || *page.Devices[1].Model != "Latitude 5490" {
			t.Errorf("devices recorded: got %+v, %v", page, err)
		}
	})

	t.Run("devices list", func(t *testing.T) {
		b.t = t
		b.open("/devices")
		b.wantText("ul.chips", "In repair (3)")
		b.wantText("ul.chips", "Ready (1)")
		b.check("devices list")
		b.open("/devices?status=in_repair")
		b.check("devices list filtered")
	})

	t.Run("language switch", func(t *testing.T) {
		b.t = t
		b.open("/devices/" + ds[0].Tag)
		b.load("switch to German", chromedp.Click(chromedp.CSS(`header button[value=de]`)))
		if lang := b.eval(`document.documentElement.lang`); lang != "de" {
			t.Errorf("lang after switching: got %q, want de", lang)
		}
		b.wantText("h1 .badge", "Bereit")
		b.wantText("main", "Verlauf")
		b.check("device page in German")
		b.open("/scan")
		b.wantText("h1", "Gerät scannen") // remembered
		b.open("/nowhere")
		b.check("not found page")
	})
}
