package web_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// TestBrowserImpact is the impact pages in Chromium on demo data: the dashboard renders its
// figures and charts, every chart is an image with a name and a data table, and axe-core finds
// no serious violation, tables closed or open, in French, German and English, on a phone too;
// the annual report is issued from the page; a donor sees their impact; a social worker answers
// a follow-up.
func TestBrowserImpact(t *testing.T) {
	ctx := browser(t)
	e := newImpactEnv(t, 2000)
	b := &bt{t: t, e: e.env, ctx: ctx, sizes: map[string]int{}}
	defer func() { t.Logf("page weights (HTML+CSS+JS, bytes): %v", b.sizes) }()
	b.do("disable cache", chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, network.SetCacheDisabled, network.SetCacheDisabledParams{CacheDisabled: true})
		return err
	}))
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
	// Every impact page: no axe-core violation at all, minor ones included.
	check := func(name string) {
		t.Helper()
		b.check(name)
		ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
		defer cancel()
		n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`axe.run(document).then(r => r.violations.length)`, chromedp.EvalAwaitPromise))
		if err != nil || n != 0 {
			b.t.Errorf("axe on %s: %d violations (%v), want none", name, n, err)
		}
	}
	openTables := func() {
		b.do("open the data tables", chromedp.Evaluate[chromedp.Void](`document.querySelectorAll("details").forEach(d => d.open = true)`))
	}

	t.Run("dashboard", func(t *testing.T) {
		b.t = t
		signIn("sam@example.org")
		if st := b.open("/impact"); st != 200 {
			t.Fatalf("the dashboard: %d", st)
		}
		b.wantText("h1", "impact")
		if n := b.eval(`String(document.querySelectorAll("ul.figures li").length)`); n == "0" {
			t.Fatal("no headline figure")
		}
		if got := b.text("#fig-received strong"); got == "" || got == "0" {
			t.Errorf("devices received this year: %q", got)
		}
		// Every chart: an SVG image named by its title, described, with a table of its data
		// holding as many rows as the chart has categories at least.
		bad := b.eval(`Array.from(document.querySelectorAll("figure.chart-box")).filter(f => {
			const svg = f.querySelector("svg[role=img]"), t = f.querySelector("details table");
			if (!svg || !t) return true;
			const ids = (svg.getAttribute("aria-labelledby") || "").split(" ");
			return ids.length !== 2 || !document.getElementById(ids[0]) || document.getElementById(ids[0]).textContent === "" ||
				t.querySelectorAll("tbody tr").length === 0 || !t.querySelector("caption");
		}).map(f => f.id).join(" ")`)
		if bad != "" {
			t.Errorf("charts without a name or a data table: %s", bad)
		}
		if n := b.eval(`String(document.querySelectorAll("figure.chart-box").length)`); n != "7" {
			t.Errorf("charts: %s, want 7", n)
		}
		if n := b.eval(`String(document.querySelectorAll("svg.chart rect.c1, svg.chart rect.c2, svg.chart rect.c3").length)`); n == "0" {
			t.Error("the charts draw no bar")
		}
		check("impact dashboard")
		openTables()
		check("impact dashboard with its tables open")
		b.shot("impact-dashboard-1024.png")

		// Last year, in German: the same structure.
		b.load("last year", chromedp.Click(chromedp.CSS(`ul.chips li:nth-child(2) a`)))
		b.load("German", chromedp.Click(chromedp.CSS(`header form[action="/lang"] button[value=de]`)))
		b.wantText("h1", "Wirkung")
		openTables()
		check("impact dashboard in German, last year")
		b.load("French", chromedp.Click(chromedp.CSS(`header form[action="/lang"] button[value=fr]`)))
		check("impact dashboard in French")
		b.load("English", chromedp.Click(chromedp.CSS(`header form[action="/lang"] button[value=en]`)))

		b.do("phone viewport", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateScale(2)))
		b.open("/impact")
		check("impact dashboard on a phone")
		b.shot("impact-dashboard-390x844.png")
		if w := b.eval(`String(document.documentElement.scrollWidth)`); w != "390" {
			t.Errorf("the dashboard on a 390 px phone is %s px wide: it scrolls sideways", w)
		}
		b.do("desktop viewport", chromedp.EmulateReset())
	})

	t.Run("annual report", func(t *testing.T) {
		b.t = t
		b.open("/impact")
		b.do("English report", chromedp.SetValue(chromedp.ID("r-lang"), "en"))
		b.load("issue", chromedp.Click(chromedp.CSS(`form[action="/impact/report"] button`)))
		b.wantText("main .msg", "Report IR-")
		b.wantText("#report-list", "IR-")
		check("impact dashboard after issuing the report")
		signOut()
	})

	t.Run("donor", func(t *testing.T) {
		b.t = t
		signIn("donor@example.org")
		b.open("/donations")
		b.wantText("#h-impact", "impact")
		check("donations with the donor's impact")
		if st := b.open("/donors/" + strconv.FormatInt(e.donorID, 10)); st != 200 {
			t.Errorf("the donor's page: %d", st)
		}
		check("donor page")
		signOut()
	})

	t.Run("follow-up", func(t *testing.T) {
		b.t = t
		signIn("sw@example.org")
		b.open("/follow-ups")
		check("follow-ups")
		id := strconv.FormatInt(e.requestID, 10)
		b.load("open the follow-up", chromedp.Click(chromedp.CSS(`a[href="/requests/`+id+`/follow-up"]`)))
		check("follow-up form")
		b.do("answer", chromedp.Click(chromedp.CSS(`input[name=in_use][value=yes]`)), chromedp.Click(chromedp.CSS(`input[name=use][value=school]`)),
			chromedp.Click(chromedp.CSS(`input[name=use][value=job_search]`)), chromedp.Click(chromedp.CSS(`input[name=problem][value=connectivity]`)))
		b.load("send", chromedp.Click(chromedp.CSS(`form[action$="/follow-up"] button`)))
		b.wantText("main .msg", "Thank you")
		b.open("/requests/" + id + "/follow-up")
		if got := b.text("dl.facts"); !strings.Contains(got, "Job search") || !strings.Contains(got, "No internet access") {
			t.Errorf("the answered follow-up: %q", got)
		}
		check("answered follow-up")
	})
}
