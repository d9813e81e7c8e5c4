//go:build e2e

package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/alb-cognito/alb-cognito-cdk/internal/preview"
)

// TestBrowserNotes drives the example app of your own (lambda/notes) under
// the preview, built and run as Lambda runs it (preview.Options.Function):
// a note saved through the HTML form shows as text, the admin page opens
// for a member of admins, and anyone else gets the middleware's 403.
func TestBrowserNotes(t *testing.T) {
	chromium := findChromium(t)
	table, err := preview.ExampleRoutes()
	if err != nil {
		t.Fatal(err)
	}
	ada := startPreview(t, preview.Options{Function: "lambda/notes", Routes: table, Groups: []string{"admins"},
		Claims: map[string]any{"sub": "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9", "username": username, "email": email}})
	// bob is in no group; his client is granted the example API's scope.
	bob := startPreview(t, preview.Options{Function: "lambda/notes", Routes: table, Scopes: []string{"openid", "https://api.example.com/read"},
		Claims: map[string]any{"sub": "7d4f2a10-0000-4000-8000-000000000b0b", "username": "bob", "email": "bob@example.com"}})

	browser := startBrowser(t, chromium)

	const note = `<b>bold?</b> from the browser`
	t.Run("save a note through the form", func(t *testing.T) {
		tab := newTab(t, browser)
		navigate(t, tab, ada.URL)
		var loc string
		if err := chromedp.Run(tab,
			chromedp.WaitVisible(`//h1[normalize-space()="Notes for `+username+`"]`, chromedp.BySearch),
			chromedp.SendKeys(`#text`, note, chromedp.ByID),
			chromedp.Click(`button[type="submit"]`, chromedp.ByQuery),
			chromedp.WaitVisible(`//td[normalize-space()="`+note+`"]`, chromedp.BySearch),
			chromedp.Location(&loc),
		); err != nil {
			t.Fatalf("save: %v\npage text:\n%s", err, visibleText(t, tab))
		}
		if loc != ada.URL {
			t.Errorf("after saving the browser is at %s, want %s (Post/Redirect/Get)", loc, ada.URL)
		}
		var bolds int
		if err := chromedp.Run(tab, chromedp.Evaluate(`document.querySelectorAll("td b").length`, &bolds)); err != nil || bolds != 0 {
			t.Errorf("the note was rendered as markup (%d <b> elements, %v)", bolds, err)
		}
	})

	t.Run("admin page for a member of admins", func(t *testing.T) {
		tab := newTab(t, browser)
		if resp := navigate(t, tab, ada.URL+"admin"); resp.Status != 200 {
			t.Errorf("status %d", resp.Status)
		}
		if err := chromedp.Run(tab, chromedp.WaitVisible(`//h1[normalize-space()="Admin"]`, chromedp.BySearch)); err != nil {
			t.Fatalf("admin page: %v\n%s", err, visibleText(t, tab))
		}
		if text := visibleText(t, tab); !strings.Contains(text, username+"\t1") {
			t.Errorf("admin page lacks %s's count:\n%s", username, text)
		}
	})

	t.Run("admin page refused to others", func(t *testing.T) {
		tab := newTab(t, browser)
		if resp := navigate(t, tab, bob.URL+"admin"); resp.Status != 403 {
			t.Errorf("status %d, want 403", resp.Status)
		}
		if text := visibleText(t, tab); !strings.Contains(text, "admins") || strings.Contains(text, "Notes per user") {
			t.Errorf("403 page:\n%s", text)
		}
	})

	t.Run("JSON API", func(t *testing.T) {
		tab := newTab(t, browser)
		// The API route is deny: only a browser that already has a session
		// gets through (the page first, as a user would).
		navigate(t, tab, bob.URL)
		navigate(t, tab, bob.URL+"api/notes")
		if text := visibleText(t, tab); !strings.Contains(text, `"user":"bob"`) || !strings.Contains(text, `"notes":[]`) {
			t.Errorf("bob's API answer: %s", text)
		}
	})
}
