//go:build e2e

package e2e

import (
	"context"
	"errors"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	cdppage "github.com/chromedp/cdproto/page"
	cdpruntime "github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/alb-cognito/alb-cognito-cdk/internal/preview"
)

// The signed-in user of the screenshot.
const (
	email    = "ada@example.com"
	username = "ada"
	name     = "Ada Lovelace"
)

// xss is a claim value that would run if the page did not escape it.
const xss = `<script>window.__xss=1</script><img src=x onerror="window.__xss=2">`

func TestBrowser(t *testing.T) {
	chromium := findChromium(t)

	table, err := preview.ExampleRoutes()
	if err != nil {
		t.Fatal(err)
	}
	adaClaims := map[string]any{
		"sub":            "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9",
		"username":       username,
		"email":          email,
		"email_verified": "true",
		"name":           name,
	}
	ada := startPreview(t, preview.Options{Claims: adaClaims, Groups: []string{"admins", "engineering"}, Routes: table})
	// bob is signed in but in no group; eve edits.
	bob := startPreview(t, preview.Options{Routes: table})
	eve := startPreview(t, preview.Options{Routes: table, Groups: []string{"editors"}})
	// ada again, with an access token that expires after each session's
	// first request.
	adaExpiring := startPreview(t, preview.Options{Claims: adaClaims, Groups: []string{"admins"}, Routes: table, AccessTokenExpired: true})
	hostile := startPreview(t, preview.Options{Claims: map[string]any{
		"sub": "6c7d8e9f-1a2b-4c3d-8e4f-5a6b7c8d9e0f", "username": "mallory", "email": "mallory@example.com", "nickname": xss,
	}})
	signedOut := startPreview(t, preview.Options{SignedOut: true})

	browser := startBrowser(t, chromium)

	t.Run("signed in", func(t *testing.T) {
		tab := newTab(t, browser)
		resp := navigate(t, tab, ada.URL)
		if resp.Status != 200 {
			t.Errorf("status %d, want 200", resp.Status)
		}
		// Visible: WaitVisible needs a rendered box, innerText skips hidden text.
		if err := chromedp.Run(tab,
			chromedp.WaitVisible(`//h1[normalize-space()="Signed in as `+username+`"]`, chromedp.BySearch),
			chromedp.WaitVisible(`//dd[normalize-space()="`+email+` (verified)"]`, chromedp.BySearch),
			chromedp.WaitVisible(`//td[normalize-space()="`+name+`"]`, chromedp.BySearch),
		); err != nil {
			t.Fatalf("user not visible: %v\npage text:\n%s", err, visibleText(t, tab))
		}
		text := visibleText(t, tab)
		for _, want := range []string{"Signed in as " + username, email, name, "admins, engineering", "Where you may go", "Sign out"} {
			if !strings.Contains(text, want) {
				t.Errorf("visible text lacks %q:\n%s", want, text)
			}
		}
		screenshot(t, tab)
	})

	t.Run("sign out stays on the machine", func(t *testing.T) {
		tab := newTab(t, browser)
		navigate(t, tab, ada.URL)
		var loc string
		if err := chromedp.Run(tab,
			chromedp.Click(`a[href="/logout"]`, chromedp.ByQuery),
			chromedp.WaitVisible(`#location`, chromedp.ByQuery),
			chromedp.Location(&loc),
		); err != nil {
			t.Fatalf("sign out: %v", err)
		}
		if loc != ada.URL+"logout" {
			t.Errorf("after sign out the browser is at %s, want %slogout", loc, ada.URL)
		}
		text := visibleText(t, tab)
		for _, want := range []string{"Signed out", "https://" + preview.UserPoolDomain + "/logout?client_id=", "logout_uri=https%3A%2F%2Fapp.example.com", "AWSELBAuthSessionCookie-0"} {
			if !strings.Contains(text, want) {
				t.Errorf("logout page lacks %q:\n%s", want, text)
			}
		}
		if err := chromedp.Run(tab,
			chromedp.Click(`//a[normalize-space()="Back to the app"]`, chromedp.BySearch),
			chromedp.WaitVisible(`//h1[normalize-space()="Signed in as `+username+`"]`, chromedp.BySearch),
			chromedp.Location(&loc),
		); err != nil {
			t.Fatalf("back to the app: %v", err)
		}
		if loc != ada.URL {
			t.Errorf("back at %s, want %s", loc, ada.URL)
		}
	})

	t.Run("claims are text, not markup", func(t *testing.T) {
		tab := newTab(t, browser)
		navigate(t, tab, hostile.URL)
		var xssType string
		var scripts, images int
		if err := chromedp.Run(tab,
			chromedp.WaitVisible(`//td[normalize-space()='`+xss+`']`, chromedp.BySearch),
			chromedp.Evaluate(`typeof window.__xss`, &xssType),
			chromedp.Evaluate(`document.scripts.length`, &scripts),
			chromedp.Evaluate(`document.images.length`, &images),
		); err != nil {
			t.Fatalf("the claim is not shown as text: %v\npage text:\n%s", err, visibleText(t, tab))
		}
		// The CSP would block an injected script too; no script or img
		// element at all shows the escaping, not the CSP, kept it out.
		if xssType != "undefined" || scripts != 0 || images != 0 {
			t.Errorf("window.__xss is %s, %d script and %d img elements: the claim was parsed as HTML", xssType, scripts, images)
		}
		if text := visibleText(t, tab); !strings.Contains(text, xss) {
			t.Errorf("visible text lacks the literal claim %q:\n%s", xss, text)
		}
	})

	t.Run("admin page allowed for group admins", func(t *testing.T) {
		tab := newTab(t, browser)
		resp := navigate(t, tab, ada.URL+"admin/settings")
		if resp.Status != 200 {
			t.Errorf("status %d, want 200", resp.Status)
		}
		if err := chromedp.Run(tab,
			chromedp.WaitVisible(`//h1[normalize-space()="Signed in as `+username+`"]`, chromedp.BySearch),
			chromedp.WaitVisible(`//table[@id="routes"]//tr[th[normalize-space()="admin"]]//span[normalize-space()="may enter"]`, chromedp.BySearch),
		); err != nil {
			t.Fatalf("admin page: %v\npage text:\n%s", err, visibleText(t, tab))
		}
	})

	t.Run("admin page forbidden without the group", func(t *testing.T) {
		tab := newTab(t, browser)
		resp := navigate(t, tab, bob.URL+"admin")
		if resp.Status != 403 {
			t.Errorf("status %d, want 403", resp.Status)
		}
		if err := chromedp.Run(tab,
			chromedp.WaitVisible(`//h1[normalize-space()="Access denied"]`, chromedp.BySearch),
			chromedp.WaitVisible(`//ul[@id="need"]/li[normalize-space()="admins"]`, chromedp.BySearch),
		); err != nil {
			t.Fatalf("403 page: %v\npage text:\n%s", err, visibleText(t, tab))
		}
		if text := visibleText(t, tab); !strings.Contains(text, "is for members of the group admins") || strings.Contains(text, "eyJ") {
			t.Errorf("403 page text:\n%s", text)
		}
	})

	t.Run("API answers fetch() without a session with 401 JSON", func(t *testing.T) {
		tab := newTab(t, browser)
		// The app's pages allow no script and no connection (CSP
		// default-src 'none'); the test's own fetch() runs with the CSP
		// bypassed, as a script of a page that allows it would.
		if err := chromedp.Run(tab, cdppage.SetBypassCSP(true)); err != nil {
			t.Fatal(err)
		}
		navigate(t, tab, ada.URL)
		var got struct {
			Status     int    `json:"status"`
			Redirected bool   `json:"redirected"`
			Type       string `json:"type"`
			Body       string `json:"body"`
		}
		// credentials: "omit" sends no session cookie, as from a page
		// whose session has ended.
		js := `fetch("/api/items", {credentials: "omit", redirect: "manual", headers: {Accept: "application/json"}})
			.then(async r => ({status: r.status, redirected: r.redirected, type: r.headers.get("content-type"), body: await r.text()}))`
		if err := chromedp.Run(tab, chromedp.Evaluate(js, &got, func(p *cdpruntime.EvaluateParams) *cdpruntime.EvaluateParams {
			return p.WithAwaitPromise(true)
		})); err != nil {
			t.Fatalf("fetch: %v", err)
		}
		if got.Status != 401 || got.Redirected || !strings.HasPrefix(got.Type, "application/json") || got.Body != `{"error":"unauthorized"}` {
			t.Errorf("fetch without a session: %+v", got)
		}
	})

	t.Run("the API recipe: anyone signed in reads, only editors change", func(t *testing.T) {
		type result struct {
			Status int    `json:"status"`
			Body   string `json:"body"`
		}
		call := func(t *testing.T, base, method string) result {
			t.Helper()
			tab := newTab(t, browser)
			if err := chromedp.Run(tab, cdppage.SetBypassCSP(true)); err != nil {
				t.Fatal(err)
			}
			navigate(t, tab, base) // signs in: the API's deny rules need a session
			var got result
			js := `fetch("/api/items", {method: "` + method + `", headers: {Accept: "application/json"}})
				.then(async r => ({status: r.status, body: await r.text()}))`
			if err := chromedp.Run(tab, chromedp.Evaluate(js, &got, func(p *cdpruntime.EvaluateParams) *cdpruntime.EvaluateParams {
				return p.WithAwaitPromise(true)
			})); err != nil {
				t.Fatalf("fetch %s: %v", method, err)
			}
			return got
		}
		if got := call(t, bob.URL, "GET"); got.Status != 200 || !strings.Contains(got.Body, `"route":"api-read"`) {
			t.Errorf("bob reads: %+v", got)
		}
		if got := call(t, bob.URL, "POST"); got.Status != 403 || !strings.Contains(got.Body, `"route":"api-write","required_any_group":["editors"]`) {
			t.Errorf("bob writes: %+v", got)
		}
		if got := call(t, eve.URL, "POST"); got.Status != 200 || !strings.Contains(got.Body, `"route":"api-write"`) {
			t.Errorf("eve writes: %+v", got)
		}
	})

	t.Run("expired access token lands back on the page asked for", func(t *testing.T) {
		tab := newTab(t, browser)
		page := adaExpiring.URL + "admin/users?tab=2"
		if resp := navigate(t, tab, page); resp.Status != 200 {
			t.Fatalf("first visit: status %d", resp.Status)
		}
		// The session's second request carries an expired access token:
		// the function expires the session and redirects to the same URL,
		// where the (simulated) load balancer signs the user in again.
		resp := navigate(t, tab, page)
		var loc string
		var redirects int
		if err := chromedp.Run(tab,
			chromedp.WaitVisible(`//h1[normalize-space()="Signed in as `+username+`"]`, chromedp.BySearch),
			chromedp.Location(&loc),
			chromedp.Evaluate(`performance.getEntriesByType("navigation")[0].redirectCount`, &redirects),
		); err != nil {
			t.Fatalf("after the access token expired: %v\npage text:\n%s", err, visibleText(t, tab))
		}
		if resp.Status != 200 || loc != page || redirects != 1 {
			t.Errorf("status %d at %s after %d redirects, want 200 at %s after 1", resp.Status, loc, redirects, page)
		}
	})

	t.Run("signed out", func(t *testing.T) {
		tab := newTab(t, browser)
		resp := navigate(t, tab, signedOut.URL)
		if resp.Status != 401 {
			t.Errorf("status %d, want 401", resp.Status)
		}
		if err := chromedp.Run(tab, chromedp.WaitVisible(`//h1[normalize-space()="Not signed in"]`, chromedp.BySearch)); err != nil {
			t.Fatalf("401 page: %v\npage text:\n%s", err, visibleText(t, tab))
		}
		if text := visibleText(t, tab); strings.Contains(text, "Signed in as") || !strings.Contains(text, "could not be verified") {
			t.Errorf("401 page text:\n%s", text)
		}
	})
}

// findChromium returns the browser to drive, or skips the test where there
// is none.
func findChromium(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("E2E_CHROMIUM"); p != "" {
		if _, err := exec.LookPath(p); err != nil {
			t.Fatalf("E2E_CHROMIUM=%s: %v", p, err)
		}
		return p
	}
	if _, err := os.Stat("/usr/bin/chromium"); err == nil {
		return "/usr/bin/chromium"
	}
	for _, n := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(n); err == nil {
			return p
		}
	}
	t.Skip("no Chromium found (/usr/bin/chromium, chromium on PATH or E2E_CHROMIUM). " +
		"`make e2e` installs Debian's chromium with apt-get when it can; otherwise install it and run again.")
	return ""
}

// startBrowser starts headless Chromium with a fresh profile for the
// test, within 90 seconds, and returns its context; the test's cleanup
// stops it.
func startBrowser(t *testing.T, chromium string) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	t.Cleanup(cancel)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx,
		chromedp.ExecPath(chromium),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.UserDataDir(profileDir(t)),
		chromedp.WindowSize(1024, 768),
	)
	t.Cleanup(cancelAlloc)
	browser, cancelBrowser := chromedp.NewContext(allocCtx)
	t.Cleanup(cancelBrowser)
	if err := chromedp.Run(browser); err != nil {
		t.Fatalf("start %s: %v", chromium, err)
	}
	return browser
}

// profileDir returns a fresh, empty Chromium profile directory. It is
// removed after the browser has exited; Chromium's helper processes can
// still be writing to it for a moment, so removal is retried (t.TempDir's
// single attempt fails the test now and then).
func profileDir(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "e2e-chromium-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		for range 50 {
			if err = os.RemoveAll(dir); err == nil {
				return
			}
			time.Sleep(100 * time.Millisecond)
		}
		t.Logf("left the Chromium profile %s behind: %v", dir, err)
	})
	return dir
}

func startPreview(t *testing.T, opts preview.Options) *preview.Server {
	t.Helper()
	s, err := preview.Start("127.0.0.1:0", opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := s.Shutdown(ctx); err != nil {
			t.Errorf("preview shutdown: %v", err)
		}
	})
	return s
}

func newTab(t *testing.T, browser context.Context) context.Context {
	t.Helper()
	tab, cancel := chromedp.NewContext(browser)
	t.Cleanup(cancel)
	tab, cancelTimeout := context.WithTimeout(tab, 20*time.Second)
	t.Cleanup(cancelTimeout)
	return tab
}

func navigate(t *testing.T, tab context.Context, u string) *network.Response {
	t.Helper()
	resp, err := chromedp.RunResponse(tab, chromedp.Navigate(u))
	if err != nil {
		t.Fatalf("navigate %s: %v", u, err)
	}
	if pu, err := url.Parse(resp.URL); err != nil || pu.Hostname() != "127.0.0.1" {
		t.Fatalf("the browser left the machine: %s", resp.URL)
	}
	return resp
}

// visibleText is the page's rendered text, as a user reads it.
func visibleText(t *testing.T, tab context.Context) string {
	t.Helper()
	var text string
	if err := chromedp.Run(tab, chromedp.Evaluate(`document.body.innerText`, &text)); err != nil {
		t.Fatalf("read page text: %v", err)
	}
	return text
}

// screenshot saves the whole page as e2e/artifacts/signed-in.png and, with
// E2E_UPDATE_SCREENSHOT=1, as docs/preview.png.
func screenshot(t *testing.T, tab context.Context) {
	t.Helper()
	var png []byte
	if err := chromedp.Run(tab,
		chromedp.EmulateViewport(900, 700),
		chromedp.FullScreenshot(&png, 100),
	); err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	paths := []string{filepath.Join("artifacts", "signed-in.png")}
	if os.Getenv("E2E_UPDATE_SCREENSHOT") == "1" {
		paths = append(paths, filepath.Join("..", "docs", "preview.png"))
	}
	for _, p := range paths {
		if err := errors.Join(os.MkdirAll(filepath.Dir(p), 0o755), os.WriteFile(p, png, 0o644)); err != nil {
			t.Fatalf("save screenshot: %v", err)
		}
		abs, _ := filepath.Abs(p)
		t.Logf("screenshot: %s (%d bytes)", abs, len(png))
	}
}
