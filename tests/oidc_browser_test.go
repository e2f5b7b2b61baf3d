package tests

// OpenID Connect's authorize parameters and RP-initiated logout in a real browser: prompt=none
// without a session, login_hint, max_age=0 forcing a new login, and end_session with and
// without a registered post_logout_redirect_uri, confirmed on the server's page when no
// id_token_hint names the client.

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
)

// oidcAuthorizeURL is a Frappe-dialect authorization request with extra parameters.
func oidcAuthorizeURL(base, clientID, redirect, state string, extra ...string) string {
	q := url.Values{"client_id": {clientID}, "response_type": {"code"}, "redirect_uri": {redirect},
		"scope": {"openid all"}, "state": {state}}
	for i := 0; i+1 < len(extra); i += 2 {
		q.Set(extra[i], extra[i+1])
	}
	return base + frappeOAuth + "authorize?" + q.Encode()
}

// oidcAuthTime exchanges a code and returns the id_token and its auth_time (signature not
// checked here: TestOIDCGoOIDCBothDialects does that).
func oidcAuthTime(t *testing.T, s *Server, c Client, redirect, code string) (string, int64) {
	t.Helper()
	r := browserExchangeCode(t, s.URL+frappeOAuth+"get_token", url.Values{"grant_type": {"authorization_code"},
		"code": {code}, "redirect_uri": {redirect}, "client_id": {c.ID}, "client_secret": {c.Secret}})
	raw, _ := r["id_token"].(string)
	tok, err := jwt.ParseSigned(raw, []jose.SignatureAlgorithm{jose.RS256})
	if err != nil {
		t.Fatalf("id_token: %v", err)
	}
	var claims struct {
		AuthTime int64 `json:"auth_time"`
	}
	if err := tok.UnsafeClaimsWithoutVerification(&claims); err != nil || claims.AuthTime == 0 {
		t.Fatalf("auth_time missing: %v", err)
	}
	return raw, claims.AuthTime
}

func TestOIDCBrowserPromptMaxAgeEndSession(t *testing.T) {
	t.Parallel()
	tab, console := startChromium(t)
	s := StartServer(t)
	s.AddUser(t, frappeEmail, frappePassword, frappeName)
	cb := startBrowserCallback(t)
	afterLogout := cb.URL + "?after=logout"
	client := s.AddClient(t, "--name", "OIDC browser RP", "--redirect-uri", cb.URL, "--skip-authorization",
		"--auth-method", "client_secret_post", "--post-logout-redirect-uri", afterLogout)
	expectAt := func(step string, want url.Values) url.Values {
		t.Helper()
		got := cb.wait(t, tab)
		// Let the client's page finish loading: navigating away mid-load aborts the next page.
		runBrowser(t, tab, step+": callback page", chromedp.WaitVisible(chromedp.CSS("#callback-done")))
		for k := range want {
			if got.Get(k) != want.Get(k) {
				t.Fatalf("%s: the client received %v, want %v", step, got, want)
			}
		}
		return got
	}

	// prompt=none without a session: straight back with login_required and the state.
	runBrowser(t, tab, "prompt=none", chromedp.Navigate(oidcAuthorizeURL(s.URL, client.ID, cb.URL, "s1", "prompt", "none")))
	expectAt("prompt=none without a session", url.Values{"error": {"login_required"}, "state": {"s1"}})

	// login_hint prefills the login form.
	runBrowser(t, tab, "login_hint", chromedp.Navigate(oidcAuthorizeURL(s.URL, client.ID, cb.URL, "s2",
		"login_hint", frappeEmail, "nonce", "n2")), chromedp.WaitVisible(chromedp.CSS("#login-form")))
	if v := readBrowser(t, tab, "prefilled email", chromedp.Value(chromedp.CSS("#login_email"))); v != frappeEmail {
		t.Fatalf("login_hint: the email field holds %q", v)
	}
	runBrowser(t, tab, "sign in", chromedp.SendKeys(chromedp.CSS("#login_password"), frappePassword),
		chromedp.Click(chromedp.CSS("#login-submit")))
	code := expectAt("first login", url.Values{"state": {"s2"}}).Get("code")
	_, firstLogin := oidcAuthTime(t, s, client, cb.URL, code)

	// With a session prompt=none succeeds silently.
	runBrowser(t, tab, "silent", chromedp.Navigate(oidcAuthorizeURL(s.URL, client.ID, cb.URL, "s3", "prompt", "none")))
	code = expectAt("prompt=none with a session", url.Values{"state": {"s3"}}).Get("code")
	if code == "" {
		t.Fatal("prompt=none with a session returned no code")
	}

	// max_age=0: the session is too old, so the user signs in again, and auth_time moves.
	time.Sleep(1100 * time.Millisecond)
	runBrowser(t, tab, "max_age=0", chromedp.Navigate(oidcAuthorizeURL(s.URL, client.ID, cb.URL, "s4", "max_age", "0")),
		chromedp.WaitVisible(chromedp.CSS("#login-form")))
	runBrowser(t, tab, "sign in again", browserSignIn(frappeEmail, frappePassword))
	code = expectAt("after max_age=0", url.Values{"state": {"s4"}}).Get("code")
	hint, secondLogin := oidcAuthTime(t, s, client, cb.URL, code)
	if secondLogin <= firstLogin {
		t.Fatalf("max_age=0: auth_time %d did not move past %d", secondLogin, firstLogin)
	}

	// end_session with an unregistered post_logout_redirect_uri: refused on the server's own
	// page, and the session survives.
	bad := s.URL + "/oauth2/end_session?" + url.Values{"id_token_hint": {hint},
		"post_logout_redirect_uri": {"https://evil.example/"}}.Encode()
	runBrowser(t, tab, "bad logout", chromedp.Navigate(bad), chromedp.WaitVisible(chromedp.CSS("body")))
	if u := browserURL(t, tab); u.Host != strings.TrimPrefix(s.URL, "http://") {
		t.Fatalf("an unregistered post_logout_redirect_uri was followed to %s", u)
	}
	runBrowser(t, tab, "still signed in", chromedp.Navigate(oidcAuthorizeURL(s.URL, client.ID, cb.URL, "s5", "prompt", "none")))
	expectAt("session after a refused logout", url.Values{"state": {"s5"}, "error": {""}})

	// end_session with id_token_hint and the registered URI: back to the client with state,
	// and the session is over.
	good := s.URL + "/oauth2/end_session?" + url.Values{"id_token_hint": {hint},
		"post_logout_redirect_uri": {afterLogout}, "state": {"bye"}}.Encode()
	runBrowser(t, tab, "logout", chromedp.Navigate(good))
	expectAt("end_session", url.Values{"after": {"logout"}, "state": {"bye"}})
	runBrowser(t, tab, "signed out", chromedp.Navigate(oidcAuthorizeURL(s.URL, client.ID, cb.URL, "s6", "prompt", "none")))
	expectAt("prompt=none after logout", url.Values{"error": {"login_required"}, "state": {"s6"}})

	// end_session without id_token_hint: the user confirms on the server's page first, then
	// sees the server's signed-out page (nothing registered to return to).
	runBrowser(t, tab, "sign in for the last logout", chromedp.Navigate(oidcAuthorizeURL(s.URL, client.ID, cb.URL, "s7")),
		browserSignIn(frappeEmail, frappePassword))
	expectAt("signed in again", url.Values{"state": {"s7"}})
	runBrowser(t, tab, "plain logout asks", chromedp.Navigate(s.URL+"/oauth2/end_session"),
		chromedp.WaitVisible(chromedp.CSS("#logout-form")))
	runBrowser(t, tab, "confirm the logout", chromedp.Click(chromedp.CSS("#logout")),
		chromedp.WaitNotPresent(chromedp.CSS("#logout-form")), chromedp.WaitVisible(chromedp.CSS("body")))
	if title := readBrowser(t, tab, "title", chromedp.Title()); title != "Signed out" {
		t.Fatalf("end_session without a redirect shows %q", title)
	}
	runBrowser(t, tab, "signed out again", chromedp.Navigate(oidcAuthorizeURL(s.URL, client.ID, cb.URL, "s8", "prompt", "none")))
	expectAt("prompt=none after the plain logout", url.Values{"error": {"login_required"}, "state": {"s8"}})
	browserAssertNoCSPViolations(t, console)
	if n := frappeCount(t, s, "SELECT COUNT(*) FROM sessions"); n != 1 {
		t.Fatalf("%d sessions left; want only the one max_age=0 replaced", n)
	}
}
