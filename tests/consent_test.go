package tests

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// With oauth.skip_authorization = "auto" the consent a user gave is remembered: the next
// authorization for scopes it covers gets its code without a page, even after the tokens
// expired or before any was issued. Revoking the grant forgets it, and the page is back.
func TestRememberedConsent(t *testing.T) {
	t.Parallel()
	s := frappeStart(t, append(frappeCompatAuth, Env("OAUTHD_OAUTH_SKIP_AUTHORIZATION=auto")), "--scope", "all openid email")
	b := s.frappeLogin(t)
	consented := func() int {
		return frappeCount(t, s.Server, "SELECT COUNT(*) FROM consents WHERE client_id = ?", s.client.ID)
	}
	if n := consented(); n != 0 {
		t.Fatalf("consents before any approval: %d", n)
	}
	code := s.frappeCode(t, b, frappeOAuth, s.frappeQuery("scope", "all openid")) // the page, once
	if n := consented(); n != 1 {
		t.Fatalf("consents after approval: %d, want 1", n)
	}

	// No token was issued yet: the consent alone lets a narrower request through.
	direct := func(scope string) *url.URL {
		t.Helper()
		q := s.frappeQuery("scope", scope)
		r := Send(t, b, "GET", s.URL+frappeOAuth+"authorize?"+q.Encode(), nil)
		if r.Status != http.StatusFound {
			t.Fatalf("authorize %q: %d, want the code without a page: %.200s", scope, r.Status, r.Raw)
		}
		loc := r.Location(t)
		if !strings.HasPrefix(loc.String(), frappeRedirect+"?code=") || loc.Query().Get("state") != q.Get("state") {
			t.Fatalf("authorize %q: redirected to %s", scope, loc)
		}
		return loc
	}
	direct("openid")
	tok := s.frappeExchange(t, frappeOAuth, code)
	direct("all openid")
	frappeConsent(t, b, s.URL, frappeOAuth, s.frappeQuery("scope", "all openid email")) // beyond it: ask

	r := SendForm(t, nil, "POST", s.URL+frappeOAuth+"revoke_token", url.Values{"token": {tok.Str("refresh_token")}})
	frappeExpect(t, "revoke_token", r, http.StatusOK, map[string]any{"message": "success"})
	if n := consented(); n != 0 {
		t.Fatalf("consents after revoking the grant: %d, want 0", n)
	}
	frappeConsent(t, b, s.URL, frappeOAuth, s.frappeQuery("scope", "openid")) // forgotten: ask again
}
