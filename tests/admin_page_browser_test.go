package tests

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// The admin page in Chromium: sign in with an admin token, create a client (its secret shown
// once), search, revoke the client's tokens and disable a user (back at the same search), under
// the page's own CSP.
func TestAdminPageInChromium(t *testing.T) {
	a := startAdmin(t)
	a.AddUser(t, "ann@example.com", "ann-password", "Ann Lee")
	a.AddUser(t, "bob@example.com", "bob-password", "Bob Stone")
	page := strings.TrimSuffix(a.base, "/admin/v1")
	tab, console := startChromium(t)
	const shots = "admin-page-"

	runBrowser(t, tab, "sign-in page", chromedp.Navigate(page+"/"), chromedp.WaitVisible(chromedp.CSS("#token")),
		chromedp.SendKeys(chromedp.CSS("#token"), "not-a-valid-admin-token-0123456789abcdef"),
		chromedp.Click(chromedp.CSS("#signin")), chromedp.WaitVisible(chromedp.CSS("#error")))
	runBrowser(t, tab, "sign in", chromedp.SendKeys(chromedp.CSS("#token"), a.token),
		chromedp.Click(chromedp.CSS("#signin")), chromedp.WaitVisible(chromedp.CSS("#create-client")),
		browserScreenshot(shots+"signed-in.png"))

	runBrowser(t, tab, "create a client", chromedp.SendKeys(chromedp.CSS("#client-name"), "Browser Made"),
		chromedp.SendKeys(chromedp.CSS("#client-redirect"), "https://made.example/cb"),
		chromedp.Click(chromedp.CSS("#create")), chromedp.WaitVisible(chromedp.CSS("#secret")),
		browserScreenshot(shots+"client-created.png"))
	secret := readBrowser(t, tab, "secret", chromedp.Text(chromedp.CSS("#secret")))
	var id string
	serverSQL(t, a.Server).QueryRow("SELECT id FROM clients WHERE name = 'Browser Made'").Scan(&id)
	a.CLI(t, "client", "remove", id) // recreate it with an owner, to get a token to revoke
	owned := a.AddClient(t, "--name", "Owned App", "--redirect-uri", "https://owned.example/cb",
		"--owner", "bob@example.com", "--grant-type", "client_credentials", "--auth-method", "client_secret_post")
	tok := SendForm(t, nil, "POST", a.URL+frappeOAuth+"get_token", url.Values{"grant_type": {"client_credentials"},
		"client_id": {owned.ID}, "client_secret": {owned.Secret}})
	if len(secret) != 40 || tok.Status != http.StatusOK {
		t.Fatalf("secret shown %q; token %d %s", secret, tok.Status, tok.Raw)
	}

	runBrowser(t, tab, "search", chromedp.Navigate(page+"/?q=owned"), chromedp.WaitVisible(chromedp.CSS("#clients")))
	text := readBrowser(t, tab, "search result", chromedp.Text(chromedp.CSS("body")))
	if !strings.Contains(text, "Owned App") || strings.Contains(text, "Ann Lee") || strings.Contains(text, secret) {
		t.Fatalf("search for 'owned' shows:\n%s", text)
	}
	runBrowser(t, tab, "revoke the client's tokens", chromedp.Click(chromedp.CSS("#clients button")),
		chromedp.WaitVisible(chromedp.CSS("#notice")), browserScreenshot(shots+"revoked.png"))
	if r := Send(t, nil, "GET", a.URL+frappeLoggedIn, nil, "Authorization", "Bearer "+tok.Str("access_token")); r.Status != http.StatusUnauthorized {
		t.Fatalf("after Revoke tokens the token still works: %d", r.Status)
	}

	runBrowser(t, tab, "find ann", chromedp.Navigate(page+"/?q=ann"), chromedp.WaitVisible(chromedp.CSS("#users")),
		chromedp.Click(chromedp.CSS("#users button")), chromedp.WaitVisible(chromedp.CSS("#notice")),
		browserScreenshot(shots+"user-disabled.png"))
	if n := frappeCount(t, a.Server, "SELECT COUNT(*) FROM users WHERE email = 'ann@example.com' AND NOT enabled"); n != 1 {
		t.Fatal("Disable did not disable ann")
	}
	if u := browserURL(t, tab); u.Path != "/" || u.Query().Get("q") != "ann" {
		t.Fatalf("after Disable the browser is at %s, want back at the search for ann", u)
	}
	if q := readBrowser(t, tab, "search box", chromedp.Value(chromedp.CSS("#q"))); q != "ann" {
		t.Fatalf("after Disable the search box holds %q, want ann", q)
	}
	if text := readBrowser(t, tab, "list after disable", chromedp.Text(chromedp.CSS("#users"))); strings.Contains(text, "Bob Stone") {
		t.Fatalf("after Disable under the search 'ann' the users list shows everyone:\n%s", text)
	}
	browserAssertNoCSPViolations(t, console)

	// the same form posted from another site, or without the CSRF token, changes nothing
	jar := adminPageSignIn(t, a, page)
	for _, hdr := range [][]string{{"Origin", "https://evil.example"}, nil} {
		r := SendForm(t, jar, "POST", page+"/users/disable", url.Values{"email": {"bob@example.com"}}, hdr...)
		if r.Status != http.StatusForbidden {
			t.Fatalf("a forged disable (%v): %d", hdr, r.Status)
		}
	}
	if n := frappeCount(t, a.Server, "SELECT COUNT(*) FROM users WHERE email = 'bob@example.com' AND enabled"); n != 1 {
		t.Fatal("a forged post disabled bob")
	}
	r := Send(t, nil, "GET", page+"/", nil)
	if csp := r.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "frame-ancestors 'none'") ||
		strings.Contains(csp, "script-src") {
		t.Fatalf("admin page CSP: %q", csp)
	}
}
