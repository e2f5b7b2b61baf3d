package tests

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

const logoutReturn = "https://rp.example/after-logout"

// signedIn reports whether the browser's session is alive.
func signedIn(t *testing.T, s *frappeSite, b *http.Client) bool {
	t.Helper()
	return Send(t, b, "GET", s.URL+frappeLoggedIn, nil).Status == http.StatusOK
}

// RP-initiated logout without id_token_hint: anyone can send a browser there, so a signed-in
// user is asked first, on a page as protected as the consent page; only that page's form (its
// CSRF token bound to the session and to this request) ends the session.
func TestEndSessionWithoutHintAsksFirst(t *testing.T) {
	t.Parallel()
	s := frappeStart(t, nil, "--post-logout-redirect-uri", logoutReturn)
	b := s.frappeLogin(t)
	req := url.Values{"client_id": {s.client.ID}, "post_logout_redirect_uri": {logoutReturn}, "state": {"bye"}}
	endSession := s.URL + "/oauth2/end_session"

	page := Send(t, b, "GET", endSession+"?"+req.Encode(), nil)
	csp := page.Header.Get("Content-Security-Policy")
	if page.Status != http.StatusOK || !strings.Contains(string(page.Raw), "<title>Sign out?</title>") ||
		!strings.Contains(string(page.Raw), frappeEmail) || !strings.Contains(csp, "frame-ancestors 'none'") ||
		!strings.Contains(csp, "form-action 'self' https://rp.example;") || strings.Contains(csp, "script-src") ||
		page.Header.Get("X-Frame-Options") != "DENY" || page.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("confirmation page: %s\n%v", page, page.Header)
	}
	if !signedIn(t, s, b) {
		t.Fatal("showing the confirmation ended the session")
	}
	form := hiddenFields(page.Raw)
	if form.Get("csrf_token") == "" || form.Get("state") != "bye" || form.Get("client_id") != s.client.ID {
		t.Fatalf("confirmation form: %v", form)
	}

	// A forged confirmation (no token, a wrong one, or the token of another request) only asks.
	forged := []url.Values{{"decision": {"logout"}}, {"decision": {"logout"}, "csrf_token": {"x" + form.Get("csrf_token")}},
		{"decision": {"logout"}, "csrf_token": {form.Get("csrf_token")}, "state": {"other"}}}
	for i, f := range forged {
		for k, v := range req {
			if f.Get(k) == "" {
				f[k] = v
			}
		}
		if r := SendForm(t, b, "POST", endSession, f); r.Status != http.StatusOK ||
			!strings.Contains(string(r.Raw), `id="logout-form"`) || !signedIn(t, s, b) {
			t.Fatalf("forged confirmation %d: %s; signed in %v", i, r, signedIn(t, s, b))
		}
	}
	// The token is bound to the session: another user's browser cannot use it.
	s.AddUser(t, "eve@example.com", "eve-password", "Eve")
	eve := frappeLoginAs(t, s.Server, "eve@example.com", "eve-password")
	stolen := url.Values{"decision": {"logout"}, "csrf_token": {form.Get("csrf_token")}}
	for k, v := range req {
		stolen[k] = v
	}
	if r := SendForm(t, eve, "POST", endSession, stolen); r.Status != http.StatusOK || !strings.Contains(string(r.Raw), `id="logout-form"`) {
		t.Fatalf("a token used in another session: %s", r)
	}

	// Stay signed in keeps the session; Sign out ends it and returns to the client with state.
	form.Set("decision", "stay")
	if r := SendForm(t, b, "POST", endSession, form); r.Status != http.StatusOK ||
		!strings.Contains(string(r.Raw), "Still signed in") || !signedIn(t, s, b) {
		t.Fatalf("stay: %s", r)
	}
	form.Set("decision", "logout")
	r := SendForm(t, b, "POST", endSession, form)
	if r.Status != http.StatusFound || r.Header.Get("Location") != logoutReturn+"?state=bye" || signedIn(t, s, b) {
		t.Fatalf("confirmed logout: %s to %q", r, r.Header.Get("Location"))
	}
	if !signedIn(t, s, eve) {
		t.Fatal("another user's session ended")
	}

	// Without a session there is nothing to protect: straight back to the client.
	if r := Send(t, b, "GET", endSession+"?"+req.Encode(), nil); r.Status != http.StatusFound ||
		r.Header.Get("Location") != logoutReturn+"?state=bye" {
		t.Fatalf("logout without a session: %s", r)
	}
	// A request that is wrong is refused before anyone is asked.
	bad := url.Values{"client_id": {s.client.ID}, "post_logout_redirect_uri": {"https://evil.example/"}}
	if r := Send(t, eve, "GET", endSession+"?"+bad.Encode(), nil); r.Status != http.StatusBadRequest || !signedIn(t, s, eve) {
		t.Fatalf("an unregistered post_logout_redirect_uri: %s", r)
	}
}

// With a valid id_token_hint the client is known, so the logout happens at once.
func TestEndSessionWithHintNeedsNoConfirmation(t *testing.T) {
	t.Parallel()
	s := frappeStart(t, nil, "--post-logout-redirect-uri", logoutReturn)
	b := s.frappeLogin(t)
	hint := s.frappeTokens(t, b).Str("id_token")
	q := url.Values{"id_token_hint": {hint}, "post_logout_redirect_uri": {logoutReturn}, "state": {"s"}}
	r := Send(t, b, "GET", s.URL+"/oauth2/end_session?"+q.Encode(), nil)
	if hint == "" || r.Status != http.StatusFound || r.Header.Get("Location") != logoutReturn+"?state=s" || signedIn(t, s, b) {
		t.Fatalf("logout with id_token_hint: %s", r)
	}
}
