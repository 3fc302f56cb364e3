package sandbox_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/terraform-codat/terraform-provider-codat/internal/sandbox"
)

// findBrowser returns the path of an installed Chromium or Chrome, or "".
func findBrowser() string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if path, err := exec.LookPath(name); err == nil {
			return path
		}
	}
	if _, err := os.Stat("/usr/bin/chromium"); err == nil {
		return "/usr/bin/chromium"
	}
	return ""
}

// newBrowser starts a headless browser with a fresh profile. Its context ends after timeout.
func newBrowser(t *testing.T, timeout time.Duration) context.Context {
	t.Helper()
	path := findBrowser()
	if path == "" {
		const msg = "no Chromium or Chrome found on PATH or at /usr/bin/chromium: `apt-get install chromium` enables this browser test"
		if os.Getenv("CODAT_REQUIRE_BROWSER") != "" {
			t.Fatal(msg + " (CODAT_REQUIRE_BROWSER is set, as in CI)")
		}
		t.Skip(msg)
	}
	// Not t.TempDir: the browser's helper processes may still write to the profile as the test ends, which
	// makes t.TempDir's removal fail the test; the cleanup below retries instead.
	profile, err := os.MkdirTemp("", "codat-browser-profile-") //nolint:usetesting // see above
	if err != nil {
		t.Fatal(err)
	}
	// Registered first, so it runs after the browser is stopped; the browser's helper
	// processes can write to the profile for a moment after it exits.
	t.Cleanup(func() {
		for range 50 {
			if err := os.RemoveAll(profile); err == nil {
				return
			}
			time.Sleep(100 * time.Millisecond)
		}
		t.Errorf("could not remove the browser profile %s", profile)
	})
	ctx, cancelTimeout := context.WithTimeout(context.Background(), timeout)
	t.Cleanup(cancelTimeout)
	ctx, cancelAlloc := chromedp.NewExecAllocator(ctx,
		chromedp.ExecPath(path),
		chromedp.Flag("headless", true),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(profile),
		chromedp.WindowSize(1280, 900),
	)
	t.Cleanup(cancelAlloc)
	ctx, cancelTab := chromedp.NewContext(ctx)
	t.Cleanup(cancelTab)
	return ctx
}

// screenshotPath is where a screenshot outlives the test: $CODAT_SCREENSHOT_DIR or the
// system's temporary directory.
func screenshotPath(t *testing.T, name string) string {
	t.Helper()
	dir := os.Getenv("CODAT_SCREENSHOT_DIR")
	if dir == "" {
		dir = os.TempDir()
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return filepath.Join(dir, fmt.Sprintf("codat-%s-%s.png", name, time.Now().Format("20060102-150405")))
}

func saveScreenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	path := screenshotPath(t, name)
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot of the %s: %s", name, path)
}

// viewport is a browser window the mapping page must work in.
type viewport struct {
	name          string
	width, height int64
	// phone emulates a phone: a mobile viewport, so that the page's meta viewport applies, and touch
	// input; the test taps instead of clicking.
	phone bool
}

// viewports are a phone's width (390 CSS px: iPhone 12 to 15) and a desktop's.
var viewports = []viewport{
	{name: "phone", width: 390, height: 844, phone: true},
	{name: "desktop", width: 1280, height: 900},
}

// minTarget is the smallest width and height of a control, in CSS px: the size of a touch target in
// WCAG 2.2's success criterion 2.5.5 and Apple's Human Interface Guidelines.
const minTarget = 44

// control is where one control of the page is once scrolled into view, and what covers its centre.
type control struct {
	// Selector and Index find it: the Index-th element that matches Selector.
	Selector string `json:"-"`
	Index    int    `json:"-"`
	// Usable is whether it passed the checks of usableControls.
	Usable  bool   `json:"-"`
	Name    string `json:"name"`
	Account string `json:"account"`
	Shown   bool   `json:"shown"`
	// Left, Right, Top and Bottom are its box in the viewport, X and Y its centre.
	Left   float64 `json:"left"`
	Right  float64 `json:"right"`
	Top    float64 `json:"top"`
	Bottom float64 `json:"bottom"`
	X      float64 `json:"x"`
	Y      float64 `json:"y"`
	// OnTop is whether document.elementFromPoint at the centre is the control or inside it; Hit
	// is the start of that element's HTML.
	OnTop bool   `json:"onTop"`
	Hit   string `json:"hit"`
	// The window: how far it is scrolled sideways, its width and height, the width of the
	// document and the pinch zoom.
	ScrollX     float64 `json:"scrollX"`
	InnerWidth  float64 `json:"innerWidth"`
	InnerHeight float64 `json:"innerHeight"`
	ScrollWidth float64 `json:"scrollWidth"`
	Scale       float64 `json:"scale"`
}

// measureJS is a function that scrolls an element to the middle of the window and measures it.
const measureJS = `el => {
	el.scrollIntoView({block: "center", inline: "nearest"});
	const r = el.getBoundingClientRect();
	const x = r.left + r.width / 2, y = r.top + r.height / 2;
	const hit = document.elementFromPoint(x, y);
	const row = el.closest("[data-account]");
	return {
		name: el.getAttribute("aria-label") || el.textContent.trim() || el.name,
		account: row ? row.dataset.account : "",
		shown: el.checkVisibility({opacityProperty: true, visibilityProperty: true}) && r.width > 0 && r.height > 0,
		left: r.left, right: r.right, top: r.top, bottom: r.bottom, x: x, y: y,
		onTop: hit !== null && (hit === el || el.contains(hit)),
		hit: hit === null ? "nothing" : hit.outerHTML.slice(0, 100),
		scrollX: window.scrollX,
		innerWidth: window.innerWidth,
		innerHeight: window.innerHeight,
		scrollWidth: Math.max(document.documentElement.scrollWidth, document.body.scrollWidth),
		scale: window.visualViewport.scale,
	};
}`

// jsString writes s as a JavaScript string literal.
func jsString(s string) string {
	b, _ := json.Marshal(s) // a string always marshals
	return string(b)
}

// controlsJS measures every element that matches the selector %s; controlJS the %d-th of them.
const (
	controlsJS = `[...document.querySelectorAll(%s)].map(` + measureJS + `)`
	controlJS  = `(` + measureJS + `)(document.querySelectorAll(%s)[%d])`
)

// usableControls finds the want controls matching sel and checks that a person can use each at
// vp: shown, at least minTarget wide and high, wholly inside the window without scrolling
// sideways, on a page no wider than the window, and not covered by another element.
func usableControls(t *testing.T, ctx context.Context, vp viewport, sel string, want int) []control {
	t.Helper()
	controls, err := chromedp.Run(ctx, chromedp.Evaluate[[]control](fmt.Sprintf(controlsJS, jsString(sel))))
	if err != nil {
		t.Fatalf("measure %s: %v", sel, err)
	}
	if len(controls) != want {
		t.Fatalf("%d controls match %s, want %d", len(controls), sel, want)
	}
	width := float64(vp.width)
	for i := range controls {
		c := &controls[i]
		c.Selector, c.Index = sel, i
		var problems []string
		if !c.Shown {
			problems = append(problems, "it is not shown")
		}
		if w, h := c.Right-c.Left, c.Bottom-c.Top; w < minTarget || h < minTarget {
			problems = append(problems, fmt.Sprintf("it is %.0f×%.0f px, smaller than %d×%d", w, h, minTarget, minTarget))
		}
		if c.Left < 0 || c.Right > width || c.Top < 0 || c.Bottom > c.InnerHeight {
			problems = append(problems, fmt.Sprintf("its box x %.0f–%.0f, y %.0f–%.0f is not inside the %.0f×%.0f window", c.Left, c.Right, c.Top, c.Bottom, width, c.InnerHeight))
		}
		if c.ScrollX != 0 {
			problems = append(problems, fmt.Sprintf("the window had to scroll %.0f px sideways to show it", c.ScrollX))
		}
		if c.ScrollWidth > width || c.InnerWidth != width || c.Scale != 1 {
			problems = append(problems, fmt.Sprintf("the page is %.0f px wide in a %.0f px window (layout viewport %.0f px, zoom %.2f)", c.ScrollWidth, width, c.InnerWidth, c.Scale))
		}
		if !c.OnTop {
			problems = append(problems, "its centre is covered by "+c.Hit)
		}
		c.Usable = len(problems) == 0
		if !c.Usable {
			t.Errorf("%s: %q (%s) is not usable: %s", vp.name, c.Name, sel, strings.Join(problems, "; "))
		}
	}
	return controls
}

// press clicks, or on a phone taps, the centre of a control, scrolled to the middle of the window
// again as measuring the other controls may have scrolled it away. A control that is not usable
// (the test has already failed) is clicked by script instead, so that the test goes on to check
// the page's other views.
func press(t *testing.T, ctx context.Context, vp viewport, c control) {
	t.Helper()
	action := chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`document.querySelectorAll(%s)[%d].click()`, jsString(c.Selector), c.Index))
	if c.Usable {
		now, err := chromedp.Run(ctx, chromedp.Evaluate[control](fmt.Sprintf(controlJS, jsString(c.Selector), c.Index)))
		if err != nil {
			t.Fatalf("measure %q: %v", c.Name, err)
		}
		if !now.OnTop {
			t.Fatalf("%s: the centre of %q is covered by %s", vp.name, c.Name, now.Hit)
		}
		if vp.phone {
			action = chromedp.TapXY(now.X, now.Y)
		} else {
			action = chromedp.MouseClickXY(now.X, now.Y)
		}
	}
	if err := chromedp.Do(ctx, action); err != nil {
		t.Fatalf("press %q: %v", c.Name, err)
	}
}

// focusByPress presses each usable control, checks that the press reached it (it has the focus)
// and closes what the press opened: a select's list or a date input's calendar.
func focusByPress(t *testing.T, ctx context.Context, vp viewport, controls []control) {
	t.Helper()
	for _, c := range controls {
		if !c.Usable {
			continue
		}
		// Wait for the click event the press causes rather than assume that the page has handled
		// it when the call that sends it returns.
		if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](
			`void (window.pressed = new Promise(resolve => document.addEventListener("click", e => resolve(e.target), {capture: true, once: true})))`)); err != nil {
			t.Fatal(err)
		}
		press(t, ctx, vp, c)
		reached, err := chromedp.Run(ctx, chromedp.Evaluate[bool](fmt.Sprintf(
			`window.pressed.then(target => { const el = document.querySelectorAll(%s)[%d]; return el.contains(target) && document.activeElement === el; })`,
			jsString(c.Selector), c.Index), chromedp.EvalAwaitPromise))
		if err != nil {
			t.Fatal(err)
		}
		if !reached {
			t.Errorf("%s: pressing %q did not reach it", vp.name, c.Name)
		}
		if err := chromedp.Do(ctx, chromedp.KeyEvent(kb.Escape)); err != nil {
			t.Fatal(err)
		}
	}
}

// emulate sets the browser's window to vp, width wide.
func emulate(vp viewport, width int64) chromedp.Action[chromedp.Void] {
	opts := []chromedp.EmulateViewportOption{chromedp.EmulatePortrait}
	if vp.phone {
		opts = append(opts, chromedp.EmulateMobile, chromedp.EmulateTouch)
	}
	return chromedp.EmulateViewport(width, vp.height, opts...)
}

// widthJS measures how wide the page is and how far left and right its controls reach.
const widthJS = `(() => {
	const boxes = [...document.querySelectorAll("button, select, input:not([type=hidden])")].map(el => el.getBoundingClientRect());
	return {
		page: Math.max(document.documentElement.scrollWidth, document.body.scrollWidth),
		left: Math.min(...boxes.map(r => r.left)),
		right: Math.max(...boxes.map(r => r.right)),
	};
})()`

// fitsEveryWidth checks the page as it is now at every width from 320 px (the narrowest phones)
// to 1280 px in steps of 10, so that no width between the breakpoints needs scrolling sideways,
// then sets the window back to vp.
func fitsEveryWidth(t *testing.T, ctx context.Context, vp viewport, view string) {
	t.Helper()
	type widths struct {
		Page  float64 `json:"page"`
		Left  float64 `json:"left"`
		Right float64 `json:"right"`
	}
	var overflows []string
	for width := int64(320); width <= 1280; width += 10 {
		if err := chromedp.Do(ctx, emulate(vp, width)); err != nil {
			t.Fatal(err)
		}
		got, err := chromedp.Run(ctx, chromedp.Evaluate[widths](widthJS))
		if err != nil {
			t.Fatal(err)
		}
		if w := float64(width); got.Page > w || got.Left < 0 || got.Right > w {
			overflows = append(overflows, fmt.Sprintf("at %d px it is %.0f px wide, its controls reach from %.0f to %.0f px", width, got.Page, got.Left, got.Right))
		}
	}
	if len(overflows) > 0 {
		t.Errorf("%s: the %s is wider than the window at %d of the widths from 320 to 1280 px: %s … %s",
			vp.name, view, len(overflows), overflows[0], overflows[len(overflows)-1])
	}
	if err := chromedp.Do(ctx, emulate(vp, vp.width)); err != nil {
		t.Fatal(err)
	}
}

// find returns the control of the source account id.
func find(t *testing.T, controls []control, id string) control {
	t.Helper()
	for _, c := range controls {
		if c.Account == id {
			return c
		}
	}
	t.Fatalf("no control for account %s in %+v", id, controls)
	return control{}
}

// TestMappingPageInBrowser plays the SMB user through the link page in a real browser, at a
// phone's width and at a desktop's: authorise Xero, map one account to an existing Xero account
// and one to a new account, Connect, then reopen the link and disconnect both, one at a time.
// Every control must be usable at both widths, each step is taken by clicking (or tapping) the
// control, and the API must reflect each step. Both views must also fit every width in between.
func TestMappingPageInBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("drives a browser: not with -short")
	}
	ctx := newBrowser(t, 2*time.Minute)
	for _, vp := range viewports {
		t.Run(vp.name, func(t *testing.T) { playMappingFlow(t, ctx, vp) })
	}
}

func playMappingFlow(t *testing.T, ctx context.Context, vp viewport) {
	srv, err := sandbox.Start(sandbox.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	// The API as the provider calls it: plain HTTP with the API key.
	api := &env{t: t, sb: srv.Sandbox, url: srv.URL, client: &http.Client{Timeout: 10 * time.Second}}

	company := api.createCompany("Bakery Ltd")
	conn := api.createConnection(company.ID, sandbox.XeroPlatformKey)
	for _, a := range []map[string]any{
		{"id": "acc-1", "accountName": "Main Current Account", "accountType": "checking", "accountNumber": "12345678", "sortCode": "601613", "currency": "GBP", "balance": 1520.5},
		{"id": "acc-2", "accountName": "Card Settlements", "accountType": "checking", "accountNumber": "87654321", "sortCode": "601613", "currency": "GBP", "balance": 310},
	} {
		api.createAccount(company.ID, conn.ID, a)
	}
	feedStart := time.Now().UTC().AddDate(0, 0, -14).Format("2006-01-02")

	if err := chromedp.Do(ctx,
		emulate(vp, vp.width),
		chromedp.Navigate(conn.LinkURL),
		chromedp.WaitVisible(chromedp.ID("authorise-button")),
	); err != nil {
		t.Fatalf("open the link: %v", err)
	}

	// Authorise with Xero.
	saveScreenshot(t, ctx, "authorise-page-"+vp.name)
	authorise := usableControls(t, ctx, vp, "#authorise-button", 1)
	press(t, ctx, vp, authorise[0])
	if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.ID("connect-form"))); err != nil {
		t.Fatalf("authorise: %v", err)
	}
	var linked connectionOut
	api.call(http.MethodGet, "/companies/"+company.ID+"/connections/"+conn.ID, nil).expect(t, http.StatusOK).decode(t, &linked)
	if linked.Status != sandbox.ConnectionLinked {
		t.Fatalf("connection %s after authorising in the browser", linked.Status)
	}

	// The mapping screen offers the GBP Xero accounts and Create New Account.
	targets := srv.TargetAccounts(company.ID, conn.ID)
	options, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](
		`[...document.querySelectorAll('select[name="target.acc-1"] option')].map(o => o.value)`))
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"", targets[0].ID, targets[1].ID, "new"}; !slices.Equal(options, want) {
		t.Errorf("options %v, want %v", options, want)
	}

	const selects, dates = "#mapping select", `#mapping input[type="date"]`
	focusByPress(t, ctx, vp, usableControls(t, ctx, vp, selects, 2))
	focusByPress(t, ctx, vp, usableControls(t, ctx, vp, dates, 2))
	if err := chromedp.Do(ctx,
		chromedp.SetValue(chromedp.CSS(`select[name="target.acc-1"]`), targets[0].ID),
		chromedp.SetValue(chromedp.CSS(`select[name="target.acc-2"]`), "new"),
		chromedp.SetValue(chromedp.CSS(`input[name="start.acc-1"]`), feedStart),
		chromedp.SetValue(chromedp.CSS(`input[name="start.acc-2"]`), feedStart),
	); err != nil {
		t.Fatalf("fill in the mapping form: %v", err)
	}
	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`document.activeElement.blur()`)); err != nil {
		t.Fatal(err)
	}
	saveScreenshot(t, ctx, "mapping-page-"+vp.name)
	fitsEveryWidth(t, ctx, vp, "mapping view")
	connect := usableControls(t, ctx, vp, "#connect-button", 1)
	press(t, ctx, vp, connect[0])
	if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.ID("manage"))); err != nil {
		t.Fatalf("connect: %v", err)
	}

	m := api.mappings(company.ID, conn.ID)
	if a := m["acc-1"]; a.Status != "connected" || a.TargetAccountID != targets[0].ID || a.FeedStartDate != feedStart+"T00:00:00Z" {
		t.Errorf("acc-1 after Connect: %+v", a)
	}
	a2 := m["acc-2"]
	if a2.Status != "connected" || a2.TargetAccountName != "Card Settlements" || a2.FeedStartDate != feedStart+"T00:00:00Z" {
		t.Errorf("acc-2 after Connect: %+v", a2)
	}
	after := srv.TargetAccounts(company.ID, conn.ID)
	if len(after) != len(targets)+1 || after[len(targets)].ID != a2.TargetAccountID || after[len(targets)].Name != "Card Settlements" {
		t.Errorf("Create New Account: targets %+v, acc-2 %+v", after, a2)
	}

	// Reopen the link: manage the connected accounts and disconnect them one at a time.
	if err := chromedp.Do(ctx,
		chromedp.Navigate(conn.LinkURL),
		chromedp.WaitVisible(chromedp.ID("manage")),
	); err != nil {
		t.Fatalf("reopen: %v", err)
	}
	heading, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#manage h2")))
	if err != nil {
		t.Fatal(err)
	}
	if heading != "Manage your connected accounts" {
		t.Errorf("reopened link shows %q", heading)
	}
	saveScreenshot(t, ctx, "manage-page-"+vp.name)
	fitsEveryWidth(t, ctx, vp, "manage view")
	const disconnects = "#manage button"
	press(t, ctx, vp, find(t, usableControls(t, ctx, vp, disconnects, 2), "acc-1"))
	if err := chromedp.Do(ctx,
		chromedp.WaitVisible(chromedp.CSS(`#mapping [data-account="acc-1"] select`)),
	); err != nil {
		t.Fatalf("disconnect acc-1: %v", err)
	}
	if notice, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("notice"))); err != nil || !strings.HasPrefix(notice, "Disconnected") {
		t.Errorf("notice after Disconnect: %q, %v", notice, err)
	}
	m = api.mappings(company.ID, conn.ID)
	if a := m["acc-1"]; a.Status != "disconnected" || a.TargetAccountID != "" {
		t.Errorf("acc-1 after Disconnect: %+v", a)
	}
	if a := m["acc-2"]; a.Status != "connected" {
		t.Errorf("acc-2 after disconnecting acc-1: %+v", a)
	}
	press(t, ctx, vp, find(t, usableControls(t, ctx, vp, disconnects, 1), "acc-2"))
	if err := chromedp.Do(ctx,
		chromedp.WaitVisible(chromedp.CSS(`#mapping [data-account="acc-2"] select`)),
		chromedp.WaitNotPresent(chromedp.ID("manage")),
	); err != nil {
		t.Fatalf("disconnect acc-2: %v", err)
	}
	if a := api.mappings(company.ID, conn.ID)["acc-2"]; a.Status != "disconnected" || a.TargetAccountID != "" {
		t.Errorf("acc-2 after Disconnect: %+v", a)
	}
}
