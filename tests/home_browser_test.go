package tests

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/chromedp/chromedp"
)

// In Chromium, under the page's own CSP: / offers to sign in and comes back after the login;
// an app the user allowed is listed, its Revoke button ends its token, and Sign out signs out.
func TestBrowserHomePage(t *testing.T) {
	t.Parallel()
	s, cb, client := browserSetup(t)
	tab, console := startChromium(t)

	runBrowser(t, tab, "signed-out home", chromedp.Navigate(s.URL+"/"), chromedp.WaitVisible(chromedp.CSS("#signin")),
		chromedp.Click(chromedp.CSS("#signin")), browserSignIn(browserUserEmail, browserUserPassword),
		chromedp.WaitVisible(chromedp.CSS("#no-apps")))
	if loc := browserURL(t, tab); loc.Path != "/" {
		t.Fatalf("the login from / led to %s", loc)
	}
	who := readBrowser(t, tab, "who", chromedp.Text(chromedp.CSS("#who")))
	if !browserContainsAll(who, "Ada Lovelace", browserUserEmail) {
		t.Fatalf("signed in as %q", who)
	}

	state := randomHex(16)
	runBrowser(t, tab, "authorize", chromedp.Navigate(browserFrappeAuthorizeURL(s.URL, client.ID, cb.URL, state)))
	browserAssertConsent(t, tab)
	runBrowser(t, tab, "allow", chromedp.Click(chromedp.CSS("#allow")))
	code := browserAssertCode(t, cb.wait(t, tab), state)
	token := browserExchangeCode(t, s.URL+browserFrappeTokenPath, url.Values{"grant_type": {"authorization_code"},
		"code": {code}, "redirect_uri": {cb.URL}, "client_id": {client.ID}, "client_secret": {client.Secret}})["access_token"].(string)

	runBrowser(t, tab, "home with the app", chromedp.Navigate(s.URL+"/"), chromedp.WaitVisible(chromedp.CSS("#apps")),
		browserScreenshot("home.png"))
	if name := readBrowser(t, tab, "app name", chromedp.Text(chromedp.CSS(".app-name"))); name != browserClientName {
		t.Fatalf("listed app %q, want %q", name, browserClientName)
	}
	if r := Send(t, nil, "GET", s.URL+frappeLoggedIn, nil, "Authorization", "Bearer "+token); r.Status != http.StatusOK {
		t.Fatalf("the app's token before the revocation: %s", r)
	}
	runBrowser(t, tab, "revoke", chromedp.Click(chromedp.CSS(".revoke-form button")),
		chromedp.WaitVisible(chromedp.CSS("#no-apps")))
	if r := Send(t, nil, "GET", s.URL+frappeLoggedIn, nil, "Authorization", "Bearer "+token); r.Status != http.StatusUnauthorized {
		t.Fatalf("the app's token after Revoke: %s", r)
	}

	runBrowser(t, tab, "sign out", chromedp.Click(chromedp.CSS("#signout")), chromedp.WaitVisible(chromedp.CSS("#signin")))
	browserAssertNoCSPViolations(t, console)
}
