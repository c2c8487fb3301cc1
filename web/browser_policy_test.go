package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/digital-inclusion/refurb/certificates"
	"github.com/digital-inclusion/refurb/graph"
	"github.com/digital-inclusion/refurb/inventory/inventorytest"
	"github.com/digital-inclusion/refurb/server"
)

// recordViolations is run in every document the tab opens, before its own scripts: it keeps
// each Content-Security-Policy violation the document reports.
const recordViolations = `window.__violations = [];
document.addEventListener("securitypolicyviolation", function (e) {
	window.__violations.push(e.violatedDirective + " blocked " + (e.blockedURI || "inline") + " at " + e.sourceFile + ":" + e.lineNumber);
});`

// console keeps what the tab writes to its console: the browser's own reports of refused
// resources ("Refused to load ... because it violates the Content Security Policy") and
// uncaught exceptions.
type console struct {
	mu   sync.Mutex
	msgs []chromedp.ConsoleMessage
	seen int // messages already checked
	sync int // markers written
}

func watchConsole(ctx context.Context) *console {
	c := &console{}
	messages := chromedp.Console(ctx)
	go func() {
		for m, err := range messages {
			if err != nil {
				return
			}
			c.mu.Lock()
			c.msgs = append(c.msgs, m)
			c.mu.Unlock()
		}
	}()
	return c
}

// since returns the messages written since the last call, after writing a marker to the console
// and waiting for it, so that everything the page wrote before has arrived.
func (c *console) since(t *testing.T, b *bt) []chromedp.ConsoleMessage {
	t.Helper()
	c.mu.Lock()
	c.sync++
	marker := fmt.Sprintf("refurb-test-marker-%d", c.sync)
	c.mu.Unlock()
	b.eval(`console.debug("` + marker + `"), ""`)
	deadline := time.Now().Add(10 * time.Second)
	for {
		c.mu.Lock()
		for i := c.seen; i < len(c.msgs); i++ {
			if c.msgs[i].Text == marker {
				out := append([]chromedp.ConsoleMessage(nil), c.msgs[c.seen:i]...)
				c.seen = i + 1
				c.mu.Unlock()
				return out
			}
		}
		c.mu.Unlock()
		if time.Now().After(deadline) {
			t.Fatalf("the console marker %s never arrived", marker)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// isPolicyReport tells a browser report of a refused resource from other console messages.
func isPolicyReport(m chromedp.ConsoleMessage) bool {
	for _, s := range []string{"Content Security Policy", "Content-Security-Policy", "Permissions policy", "Permissions-Policy", "Refused to"} {
		if strings.Contains(m.Text, s) {
			return true
		}
	}
	return false
}

// clean fails the test for any policy violation or uncaught exception of the page since the
// last check.
func (c *console) clean(t *testing.T, b *bt, name string) {
	t.Helper()
	if v := b.eval(`JSON.stringify(window.__violations || ["the violation listener is missing"])`); v != "[]" {
		t.Errorf("%s: Content-Security-Policy violations %s", name, v)
	}
	for _, m := range c.since(t, b) {
		if isPolicyReport(m) || m.IsException() {
			t.Errorf("%s: %s (%s:%d)", name, m, m.URL, m.Line)
		}
	}
}

// TestBrowserSecurityPolicy opens each page people use under the real headers and fails on any
// Content-Security-Policy violation the browser reports, while checking that each page still
// does its work: scripts from the site run, forms post, the scan page may use the camera,
// GraphiQL loads and runs a query. Then a page of another origin tries to frame the device
// page, which the browser must refuse.
func TestBrowserSecurityPolicy(t *testing.T) {
	ctx := browser(t)
	e := newEnvWith(t, server.Config{PublicURL: "https://refurb.example", OrgName: "Digital Inclusion",
		GraphQL: graph.Config{GraphiQL: true, IntrospectionSignedIn: true}})
	users := e.Users()
	don, ds := inventorytest.Donation(t, e.Store, users.Staff, inventorytest.Laptop("CSP-1", inventorytest.SSD("CSP-D1")))
	tag := ds[0].Tag
	issued, err := e.Certificates.Issue(users.Staff, don.ID, certificates.KindDonation, "en")
	if err != nil {
		t.Fatal(err)
	}
	b := &bt{t: t, e: e, ctx: ctx, sizes: map[string]int{}}
	if _, err := chromedp.CallBrowser(ctx, cdpbrowser.SetPermission, cdpbrowser.SetPermissionParams{
		Permission: &cdpbrowser.PermissionDescriptor{Name: "camera"}, Setting: cdpbrowser.PermissionSettingGranted, Origin: e.URL}); err != nil {
		t.Fatalf("grant the camera: %v", err)
	}
	if _, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: recordViolations}); err != nil {
		t.Fatalf("install the violation listener: %v", err)
	}
	con := watchConsole(ctx)

	step := func(name string, f func(t *testing.T)) {
		t.Run(name, func(t *testing.T) {
			b.t = t
			f(t)
			con.clean(t, b, name)
		})
	}
	step("sign-in page", func(t *testing.T) {
		b.open("/login")
		b.do("type credentials", chromedp.SendKeys(chromedp.ID("email"), users.StaffUser.Email),
			chromedp.SendKeys(chromedp.ID("password"), inventorytest.Password))
		if st := b.load("sign in", chromedp.Click(chromedp.CSS(`main button[type=submit]`))); st != 200 {
			t.Fatalf("after signing in: got %d", st)
		}
	})
	step("scan page, with the camera allowed", func(t *testing.T) {
		b.open("/scan")
		if focused := b.eval(`document.activeElement.id`); focused != "tag" {
			t.Errorf("focus: got %q, want the scan box (app.js refocuses it)", focused)
		}
		// The Permissions-Policy lets the site itself use the camera it was granted.
		ctx, cancel := context.WithTimeout(b.ctx, 10*time.Second)
		state, err := chromedp.Run(ctx, chromedp.Evaluate[string](`navigator.permissions.query({name: "camera"}).then(p => p.state)`, chromedp.EvalAwaitPromise))
		cancel()
		if err != nil || state != "granted" {
			t.Errorf("camera permission on the scan page: got %q, %v; want granted", state, err)
		}
		b.load("scan a tag", chromedp.SendKeys(chromedp.ID("tag"), tag+"\r"))
		b.wantText("h1", tag)
	})
	step("device page", func(t *testing.T) {
		b.open("/devices/" + tag)
		b.wantText("h1 .badge", "Received")
		b.load("add a note", chromedp.Click(chromedp.CSS(`details:has(form[action$="/note"]) > summary`)),
			chromedp.SendKeys(chromedp.ID("note-text"), "Checked under CSP"),
			chromedp.Click(chromedp.CSS(`form[action$="/note"] button[type=submit]`)))
		b.wantText("main .msg", "Note added")
	})
	step("bench mode", func(t *testing.T) {
		b.open("/bench")
		// app.js posts the scan in the background (connect-src 'self') and shows the result.
		b.do("scan a mode card", chromedp.SendKeys(chromedp.ID("code"), "MODE:READY\r"),
			chromedp.WaitVisible(chromedp.CSS(`ol.log li:nth-child(1)`)))
		b.wantText(".armed", "Ready")
	})
	step("intake", func(t *testing.T) {
		b.open("/intake")
		b.do("donation form", chromedp.SendKeys(chromedp.ID("reference"), "CSP-77"))
		b.load("create the donation", chromedp.Click(chromedp.CSS(`form[action="/intake"] button[type=submit]`)))
		b.wantText("h1", "DON-")
	})
	step("label", func(t *testing.T) {
		b.open("/labels/" + tag + ".png")
		if w := b.eval(`String(document.images.length && document.images[0].naturalWidth)`); w == "0" || w == "" {
			t.Errorf("the label PNG does not show: width %q", w)
		}
	})
	// Chromium shows a PDF in its own viewer, under the response's policy.
	for name, path := range map[string]string{
		"certificate PDF": "/certificates/" + issued.Number + ".pdf",
		"label sheet":     "/labels?donation=" + don.Number + "&stock=L7160",
	} {
		step(name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(b.ctx, 20*time.Second)
			defer cancel()
			resp, err := chromedp.RunResponse(ctx, chromedp.Navigate(e.URL+path))
			if err != nil || resp.Status != 200 || resp.MimeType != "application/pdf" {
				t.Fatalf("open %s: got %+v, %v; want a PDF", path, resp, err)
			}
		})
	}
	step("donations and certificates", func(t *testing.T) {
		b.open("/donations")
		b.wantText("main", issued.Number)
	})
	step("verification page", func(t *testing.T) {
		b.open("/verify/" + issued.Number + "?t=" + issued.Token)
		b.wantText("main", issued.Number)
		file := filepath.Join(t.TempDir(), issued.Number+".pdf")
		if err := os.WriteFile(file, issued.PDF, 0o644); err != nil {
			t.Fatal(err)
		}
		b.do("choose the certificate", chromedp.SetUploadFiles(chromedp.CSS(`form[action^="/verify/"] input[type=file]`), []string{file}))
		b.load("check it", chromedp.Click(chromedp.CSS(`form[action^="/verify/"] button[type=submit]`)))
		b.wantText("#file-check", "exactly the certificate issued")
	})
	step("GraphiQL", func(t *testing.T) {
		b.open("/graphql")
		b.do("GraphiQL starts", chromedp.WaitVisible(chromedp.CSS(`.graphiql-execute-button`)))
		b.do("type a query", chromedp.Evaluate[chromedp.Void](`document.querySelector(".graphiql-query-editor .CodeMirror").CodeMirror.setValue("{ me { email } }")`))
		b.do("run it", chromedp.Click(chromedp.CSS(`.graphiql-execute-button`)),
			chromedp.Poll[chromedp.Void](`document.querySelector(".result-window") && document.querySelector(".result-window").textContent.includes("staff@example.org")`))
	})

	t.Run("framed by another origin", func(t *testing.T) {
		b.t = t
		other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			if r.URL.Path == "/inner" {
				fmt.Fprint(w, `<!doctype html><title>inner</title><p id="inner">a frame of this site</p>`)
				return
			}
			fmt.Fprintf(w, `<!doctype html><title>elsewhere</title>
<iframe name="device" src="%s/devices/%s"></iframe>
<iframe name="control" src="/inner"></iframe>`, e.URL, tag)
		}))
		defer other.Close()
		b.load("open the framing page", chromedp.Navigate(other.URL+"/"))
		var device, control *cdp.Frame
		deadline := time.Now().Add(10 * time.Second)
		for {
			tree, err := chromedp.Call(b.ctx, page.GetFrameTree, cdp.Empty{})
			if err != nil {
				t.Fatal(err)
			}
			device, control = nil, nil
			for _, f := range tree.FrameTree.ChildFrames {
				switch {
				case f.Frame.Name == "device" && f.Frame.URL != "about:blank":
					device = f.Frame
				case f.Frame.Name == "control" && strings.HasSuffix(f.Frame.URL, "/inner"):
					control = f.Frame
				}
			}
			if device != nil && control != nil || time.Now().After(deadline) {
				break
			}
			time.Sleep(50 * time.Millisecond)
		}
		if control == nil {
			t.Fatal("the framing page's own frame did not load: the test proves nothing")
		}
		if device == nil {
			t.Fatal("no frame for the device page")
		}
		if strings.HasPrefix(device.URL, e.URL) && device.UnreachableURL == "" {
			t.Errorf("the device page loaded in another origin's frame (%s)", device.URL)
		}
		t.Logf("device frame: url %q, unreachable %q", device.URL, device.UnreachableURL)
	})
}
