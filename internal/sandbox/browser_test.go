package sandbox_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

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

// apiClient calls the sandbox's API as the provider does: plain HTTP with the API key.
type apiClient struct {
	t    *testing.T
	url  string
	key  string
	http *http.Client
}

func (c *apiClient) do(method, path string, body, out any) {
	c.t.Helper()
	var r io.Reader
	if body != nil {
		data, err := json.Marshal(body)
		if err != nil {
			c.t.Fatal(err)
		}
		r = bytes.NewReader(data)
	}
	req, err := http.NewRequest(method, c.url+path, r)
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(c.key)))
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.http.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		c.t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		c.t.Fatalf("%s %s: %d %s", method, path, resp.StatusCode, data)
	}
	if err := json.Unmarshal(data, out); err != nil {
		c.t.Fatalf("%s %s: %v in %s", method, path, err, data)
	}
}

func (c *apiClient) mappings(companyID, connectionID string) map[string]mappingOut {
	c.t.Helper()
	var list []mappingOut
	c.do(http.MethodGet, mappingPath(companyID, connectionID), nil, &list)
	out := map[string]mappingOut{}
	for _, m := range list {
		out[m.SourceAccountID] = m
	}
	return out
}

// TestMappingPageInBrowser plays the SMB user through the link page in a real browser:
// authorise Xero, map one account to an existing Xero account and one to a new account,
// Connect, then reopen the link and disconnect one. The API must reflect each step.
func TestMappingPageInBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("drives a browser: not with -short")
	}
	ctx := newBrowser(t, 45*time.Second)

	srv, err := sandbox.Start(sandbox.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	api := &apiClient{t: t, url: srv.URL, key: srv.APIKey(), http: &http.Client{Timeout: 10 * time.Second}}

	var company companyOut
	api.do(http.MethodPost, "/companies", map[string]any{"name": "Bakery Ltd"}, &company)
	var conn connectionOut
	api.do(http.MethodPost, "/companies/"+company.ID+"/connections", map[string]any{"platformKey": sandbox.XeroPlatformKey}, &conn)
	for _, a := range []map[string]any{
		{"id": "acc-1", "accountName": "Main Current Account", "accountType": "checking", "accountNumber": "12345678", "sortCode": "601613", "currency": "GBP", "balance": 1520.5},
		{"id": "acc-2", "accountName": "Card Settlements", "accountType": "checking", "accountNumber": "87654321", "sortCode": "601613", "currency": "GBP", "balance": 310},
	} {
		var out map[string]any
		api.do(http.MethodPost, accountsPath(company.ID, conn.ID), a, &out)
	}
	feedStart := time.Now().UTC().AddDate(0, 0, -14).Format("2006-01-02")

	// Authorise with Xero.
	if err := chromedp.Do(ctx,
		chromedp.Navigate(conn.LinkURL),
		chromedp.WaitVisible(chromedp.ID("authorise-button")),
		chromedp.Click(chromedp.ID("authorise-button")),
		chromedp.WaitVisible(chromedp.ID("connect-form")),
	); err != nil {
		t.Fatalf("authorise: %v", err)
	}
	var linked connectionOut
	api.do(http.MethodGet, "/companies/"+company.ID+"/connections/"+conn.ID, nil, &linked)
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

	if err := chromedp.Do(ctx,
		chromedp.SetValue(chromedp.CSS(`select[name="target.acc-1"]`), targets[0].ID),
		chromedp.SetValue(chromedp.CSS(`select[name="target.acc-2"]`), "new"),
		chromedp.SetValue(chromedp.CSS(`input[name="start.acc-1"]`), feedStart),
		chromedp.SetValue(chromedp.CSS(`input[name="start.acc-2"]`), feedStart),
	); err != nil {
		t.Fatalf("fill in the mapping form: %v", err)
	}
	saveScreenshot(t, ctx, "mapping-page")
	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.ID("connect-button")),
		chromedp.WaitVisible(chromedp.ID("manage")),
	); err != nil {
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

	// Reopen the link: manage the connected accounts and disconnect one.
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
	saveScreenshot(t, ctx, "manage-page")
	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`#manage tr[data-account="acc-1"] button`)),
		chromedp.WaitVisible(chromedp.CSS(`#mapping tr[data-account="acc-1"] select`)),
	); err != nil {
		t.Fatalf("disconnect: %v", err)
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
}
