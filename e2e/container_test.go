//go:build e2e

package e2e

import (
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/alb-cognito/alb-cognito-cdk/internal/preview"
	"github.com/alb-cognito/alb-cognito-cdk/internal/syncbuf"
	"github.com/alb-cognito/alb-cognito-cdk/lambda/identity"
)

// lockedBuffer is the log output tests read while it is written.
type lockedBuffer = syncbuf.Buffer

// TestBrowserContainer drives the container example (examples/container,
// built and run as its own process, as in its image) behind the preview
// acting as the load balancer in front of an HTTP target
// (preview.Options.Upstream): the signed-in page loads through it, and a
// route the user's groups do not open is refused by the container's
// middleware.
func TestBrowserContainer(t *testing.T) {
	chromium := findChromium(t)
	table, err := preview.ExampleRoutes()
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(t.TempDir(), "container")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Dir = filepath.Join("..", "examples", "container")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build examples/container: %v\n%s", err, out)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	upstream := ln.Addr().String()
	_, port, _ := net.SplitHostPort(upstream)
	ln.Close()

	// The user is in engineering, not in admins.
	srv := startPreview(t, preview.Options{Routes: table, Groups: []string{"engineering"}, Upstream: "http://" + upstream,
		Claims: map[string]any{"sub": "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9", "username": username, "email": email}})

	// Two commands, as a user runs them: the preview above, then the
	// server with the document the preview made.
	cmd := exec.Command(bin)
	cmd.Env = append(os.Environ(), identity.EnvConfig+"="+string(srv.UpstreamConfig), "PORT="+port)
	out := &lockedBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		_ = cmd.Wait()
		t.Logf("container output:\n%s", out.String())
	})
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		resp, err := http.Get("http://" + upstream + "/healthz")
		if err == nil {
			resp.Body.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the container did not start: %v\n%s", err, out.String())
		}
	}

	browser := startBrowser(t, chromium)

	t.Run("signed in through the preview", func(t *testing.T) {
		tab := newTab(t, browser)
		if resp := navigate(t, tab, srv.URL); resp.Status != 200 {
			t.Errorf("status %d, want 200", resp.Status)
		}
		if err := chromedp.Run(tab, chromedp.WaitVisible(`//h1[normalize-space()="Hello, `+email+`"]`, chromedp.BySearch)); err != nil {
			t.Fatalf("page: %v\n%s", err, visibleText(t, tab))
		}
		if text := visibleText(t, tab); !strings.Contains(text, "Groups: engineering") {
			t.Errorf("page text:\n%s", text)
		}
	})

	t.Run("admin refused by the container's middleware", func(t *testing.T) {
		tab := newTab(t, browser)
		if resp := navigate(t, tab, srv.URL+"admin/settings"); resp.Status != 403 {
			t.Errorf("status %d, want 403", resp.Status)
		}
		if err := chromedp.Run(tab,
			chromedp.WaitVisible(`//h1[normalize-space()="Access denied"]`, chromedp.BySearch),
			chromedp.WaitVisible(`//ul[@id="need"]/li[normalize-space()="admins"]`, chromedp.BySearch),
		); err != nil {
			t.Fatalf("403 page: %v\n%s", err, visibleText(t, tab))
		}
		if !strings.Contains(out.String(), `"reason":"group_missing"`) {
			t.Errorf("the container did not log the refusal:\n%s", out.String())
		}
	})
}
