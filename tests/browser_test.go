package tests

// Browser tests: a real headless Chromium walks the login and consent pages of both dialects
// the way a person would, with the pages' own CSP and cookies in force, and the code that
// reaches the client's callback is exchanged for a token to prove it is real.

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

const (
	browserFrappeAuthorizePath = "/api/method/frappe.integrations.oauth2.authorize"
	browserFrappeTokenPath     = "/api/method/frappe.integrations.oauth2.get_token"
	browserOdooAuthorizePath   = "/restapi/1.0/common/oauth2/authorize"
	browserOdooTokenPath       = "/restapi/1.0/common/oauth2/access_token"

	browserUserEmail    = "ada@example.com"
	browserUserPassword = "correct-horse-battery"
	browserClientName   = "Acme Field Notes"
)

// browserSetup starts oauthd, a callback server, and registers a user and a confidential
// client (client_secret_post, consent required) whose redirect URI is the callback.
func browserSetup(t *testing.T, extra ...string) (*Server, *browserCallback, Client) {
	t.Helper()
	chromiumPath(t) // skip before starting anything when there is no browser
	s := StartServer(t)
	cb := startBrowserCallback(t)
	s.AddUser(t, browserUserEmail, browserUserPassword, "Ada Lovelace")
	args := append([]string{"--name", browserClientName, "--redirect-uri", cb.URL,
		"--auth-method", "client_secret_post"}, extra...)
	return s, cb, s.AddClient(t, args...)
}

func browserFrappeAuthorizeURL(base, clientID, redirectURI, state string) string {
	q := url.Values{"client_id": {clientID}, "response_type": {"code"}, "redirect_uri": {redirectURI},
		"scope": {"all openid"}, "state": {state}}
	return base + browserFrappeAuthorizePath + "?" + strings.ReplaceAll(q.Encode(), "+", "%20")
}

func browserOdooAuthorizeURL(base, clientID, redirectURI, state string) string {
	q := url.Values{"client_id": {clientID}, "redirect_uri": {redirectURI}, "response_type": {"code"},
		"state": {state}}
	return base + browserOdooAuthorizePath + "?" + q.Encode()
}

// browserDialect is what the browser tests need to know of a dialect.
type browserDialect struct {
	name                     string
	authorizePath, tokenPath string
	loginPath, returnParam   string // the login page, and its query parameter holding the way back
	authorizeURL             func(base, clientID, redirectURI, state string) string
}

var (
	browserFrappe = browserDialect{"frappe", browserFrappeAuthorizePath, browserFrappeTokenPath, "/login", "redirect-to",
		browserFrappeAuthorizeURL}
	browserOdoo = browserDialect{"odoo", browserOdooAuthorizePath, browserOdooTokenPath, "/web/login", "redirect",
		browserOdooAuthorizeURL}
)

// loginAllowExchange opens an authorization request logged out: the browser is sent to the
// login page, which keeps the way back; after signing in and Allow on the consent page, the
// code that reaches the callback is exchanged for a Bearer token. shots prefixes the
// screenshots' names.
func (d browserDialect) loginAllowExchange(t *testing.T, tab context.Context, s *Server, cb *browserCallback,
	client Client, shots string) {
	t.Helper()
	state := randomHex(16)
	runBrowser(t, tab, "open authorize", chromedp.Navigate(d.authorizeURL(s.URL, client.ID, cb.URL, state)),
		chromedp.WaitVisible(chromedp.CSS("#login-form")))
	loc := browserURL(t, tab)
	if loc.Path != d.loginPath {
		t.Fatalf("logged out authorize landed on %s, want %s", loc, d.loginPath)
	}
	browserAssertReturnsTo(t, d.returnParam, loc.Query().Get(d.returnParam), d.authorizePath, state)
	runBrowser(t, tab, "login page", browserScreenshot(shots+"login.png"), browserSignIn(browserUserEmail, browserUserPassword))

	browserAssertConsent(t, tab)
	runBrowser(t, tab, "allow", browserScreenshot(shots+"consent.png"), chromedp.Click(chromedp.CSS("#allow")))
	code := browserAssertCode(t, cb.wait(t, tab), state)
	runBrowser(t, tab, "callback page", chromedp.WaitVisible(chromedp.CSS("#callback-done")))

	body := browserExchangeCode(t, s.URL+d.tokenPath, url.Values{"grant_type": {"authorization_code"},
		"code": {code}, "redirect_uri": {cb.URL}, "client_id": {client.ID}, "client_secret": {client.Secret}})
	if body["token_type"] != "Bearer" {
		t.Fatalf("%s token_type: %v", d.tokenPath, body)
	}
}

// browserAssertConsent checks the page in the tab is the consent page for our client and user.
func browserAssertConsent(t *testing.T, tab context.Context) {
	t.Helper()
	runBrowser(t, tab, "consent page", chromedp.WaitVisible(chromedp.CSS("#consent-form")))
	title := readBrowser(t, tab, "consent title", chromedp.Title())
	text := readBrowser(t, tab, "consent text", chromedp.Text(chromedp.CSS("body")))
	if title != "Confirm Access" {
		t.Fatalf("consent page title %q, want Confirm Access", title)
	}
	if !browserContainsAll(text, browserClientName, browserUserEmail, "Allow", "Deny") {
		t.Fatalf("consent page must name the client %q and the user; it reads:\n%s", browserClientName, text)
	}
}

// browserAssertCode checks a callback query carries a 40-character code and the original state.
func browserAssertCode(t *testing.T, q url.Values, state string) string {
	t.Helper()
	code := q.Get("code")
	if len(code) != 40 || q.Get("state") != state || q.Has("error") {
		t.Fatalf("callback got %v, want a 40-character code and state %q", q, state)
	}
	return code
}

func TestBrowserFrappeLoginConsentAllowAndDeny(t *testing.T) {
	t.Parallel()
	s, cb, client := browserSetup(t)
	tab, console := startChromium(t)

	// Logged out: the authorization request sends the browser to the login page, which keeps
	// the way back.
	browserFrappe.loginAllowExchange(t, tab, s, cb, client, "")

	// Still logged in: a new request goes straight to consent; Deny returns access_denied with
	// the new state and no code.
	state := randomHex(16)
	runBrowser(t, tab, "authorize again", chromedp.Navigate(browserFrappeAuthorizeURL(s.URL, client.ID, cb.URL, state)))
	browserAssertConsent(t, tab)
	if loc := browserURL(t, tab); loc.Path != browserFrappeAuthorizePath {
		t.Fatalf("a logged-in authorize must show consent in place, got %s", loc)
	}
	runBrowser(t, tab, "deny", chromedp.Click(chromedp.CSS("#deny")))
	q := cb.wait(t, tab)
	if q.Get("error") != "access_denied" || q.Get("state") != state || q.Has("code") {
		t.Fatalf("deny: callback got %v, want error=access_denied and state %q", q, state)
	}
	runBrowser(t, tab, "callback page after deny", chromedp.WaitVisible(chromedp.CSS("#callback-done")))
	browserAssertNoCSPViolations(t, console)
}

func TestBrowserOdooLoginConsentAllow(t *testing.T) {
	t.Parallel()
	s, cb, client := browserSetup(t)
	tab, console := startChromium(t)

	browserOdoo.loginAllowExchange(t, tab, s, cb, client, "odoo_")
	browserAssertNoCSPViolations(t, console)
}

// A client marked skip_authorization gets its code straight after the login form is posted.
// The login page's CSP form-action also governs the redirects that follow the post, so this
// proves a real browser lets the chain login -> authorize -> client callback through, in
// both dialects.
func TestBrowserSkipAuthorizationAfterLogin(t *testing.T) {
	t.Parallel()
	for _, dialect := range []browserDialect{browserFrappe, browserOdoo} {
		t.Run(dialect.name, func(t *testing.T) {
			t.Parallel()
			s, cb, client := browserSetup(t, "--skip-authorization")
			tab, console := startChromium(t)

			state := randomHex(16)
			runBrowser(t, tab, "open authorize", chromedp.Navigate(dialect.authorizeURL(s.URL, client.ID, cb.URL, state)),
				browserSignIn(browserUserEmail, browserUserPassword))
			q := cb.wait(t, tab)
			if q.Get("code") == "" || q.Get("state") != state || q.Has("error") {
				t.Fatalf("callback got %v, want a code and state %q", q, state)
			}
			browserAssertNoCSPViolations(t, console)
		})
	}
}

// The consent page must not be frameable: X-Frame-Options DENY and CSP frame-ancestors 'none'.
// This needs no browser: log in through the Frappe API and fetch the consent page.
func TestBrowserConsentPageRefusesFraming(t *testing.T) {
	t.Parallel()
	s := StartServer(t)
	s.AddUser(t, browserUserEmail, browserUserPassword, "Ada Lovelace")
	redirect := "http://127.0.0.1:9/cb"
	client := s.AddClient(t, "--name", browserClientName, "--redirect-uri", redirect, "--auth-method", "client_secret_post")
	hc := Browser(t)

	login := SendForm(t, hc, http.MethodPost, s.URL+"/api/method/login",
		url.Values{"usr": {browserUserEmail}, "pwd": {browserUserPassword}})
	if login.Status != http.StatusOK {
		t.Fatalf("POST /api/method/login: status %d", login.Status)
	}

	for _, page := range []struct{ name, url, marker string }{
		{"consent", browserFrappeAuthorizeURL(s.URL, client.ID, redirect, "xyz"), `id="consent-form"`},
		{"login", s.URL + "/login", `id="login-form"`},
	} {
		resp := Send(t, hc, http.MethodGet, page.url, nil, "Accept", "text/html")
		if resp.Status != http.StatusOK || !strings.Contains(string(resp.Raw), page.marker) {
			t.Fatalf("%s page: status %d, body %.300s", page.name, resp.Status, resp.Raw)
		}
		if got := resp.Header.Get("X-Frame-Options"); got != "DENY" {
			t.Errorf("%s page: X-Frame-Options %q, want DENY", page.name, got)
		}
		if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "frame-ancestors 'none'") {
			t.Errorf("%s page: CSP %q lacks frame-ancestors 'none'", page.name, csp)
		}
	}
}
