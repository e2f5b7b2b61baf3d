package tests

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/go-jose/go-jose/v4"
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

// Finding 3 of the third review: any id_token oauthd ever signed ended the browser's current
// session without asking, whoever it named, and an HS256 client signs id_tokens with its own
// secret, so it could write one for anybody. Now id_tokens carry the session's sid, and a hint
// ends the session at once only when it names that session; otherwise the user is asked, and
// the answer must come from oauthd's own page.
func TestSecurityEndSessionForeignHintAsks(t *testing.T) {
	t.Parallel()
	s := frappeStart(t, nil, "--post-logout-redirect-uri", logoutReturn, "--id-token-alg", "HS256")
	ada := s.frappeLogin(t)
	adaHint := s.frappeTokens(t, ada).Str("id_token")
	s.AddUser(t, "bob@example.com", "bob-password", "Bob")
	bob := frappeLoginAs(t, s.Server, "bob@example.com", "bob-password")
	var bobSub string
	if err := serverSQL(t, s.Server).QueryRow("SELECT subject FROM users WHERE email = 'bob@example.com'").Scan(&bobSub); err != nil {
		t.Fatal(err)
	}
	endSession := s.URL + "/oauth2/end_session"
	ask := func(what, hint string) url.Values {
		t.Helper()
		q := url.Values{"id_token_hint": {hint}, "post_logout_redirect_uri": {logoutReturn}, "state": {"bye"}}
		r := Send(t, bob, "GET", endSession+"?"+q.Encode(), nil)
		if r.Status != http.StatusOK || !strings.Contains(string(r.Raw), "<title>Sign out?</title>") || !signedIn(t, s, bob) {
			t.Fatalf("%s: %s; bob signed in %v, want the Sign out? page", what, r, signedIn(t, s, bob))
		}
		return hiddenFields(r.Raw)
	}

	form := ask("Ada's id_token in Bob's browser", adaHint)
	if form.Get("client_id") != s.client.ID || form.Get("csrf_token") == "" {
		t.Fatalf("the confirmation form: %v", form)
	}
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.HS256, Key: []byte(s.client.Secret)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	payload, _ := json.Marshal(map[string]any{"iss": s.URL, "aud": s.client.ID, "sub": bobSub, "exp": 4102444800})
	jws, err := signer.Sign(payload)
	if err != nil {
		t.Fatal(err)
	}
	forged, _ := jws.CompactSerialize()
	ask("an id_token the HS256 client signed for Bob", forged)

	form.Set("decision", "logout")
	if r := SendForm(t, bob, "POST", endSession, form, "Sec-Fetch-Site", "cross-site"); r.Status != http.StatusForbidden ||
		!signedIn(t, s, bob) {
		t.Fatalf("a cross-site answer: %s; bob signed in %v", r, signedIn(t, s, bob))
	}
	if r := SendForm(t, bob, "POST", endSession, form, "Sec-Fetch-Site", "same-origin"); r.Status != http.StatusFound ||
		r.Header.Get("Location") != logoutReturn+"?state=bye" || signedIn(t, s, bob) {
		t.Fatalf("Bob's confirmation: %s", r)
	}

	// Ada's own id_token ends Ada's session at once.
	q := url.Values{"id_token_hint": {adaHint}, "post_logout_redirect_uri": {logoutReturn}}
	if r := Send(t, ada, "GET", endSession+"?"+q.Encode(), nil, "Sec-Fetch-Site", "cross-site"); r.Status != http.StatusFound ||
		signedIn(t, s, ada) {
		t.Fatalf("Ada's own hint: %s; ada signed in %v", r, signedIn(t, s, ada))
	}
}
