package tests

// Finding 14 of the security review: the consent form's CSRF token was one per session, so a
// token that leaked approved any request; and session cookies were not Secure on an https
// issuer unless configured.

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestSecurityConsentTokenBoundToRequest(t *testing.T) {
	t.Parallel()
	s := frappeStart(t, nil, "--scope", "all openid")
	b := s.frappeLogin(t)
	seen := frappeConsent(t, b, s.URL, frappeOAuth, s.frappeQuery("scope", "openid"))

	// The attacker's own request (wider scope, their state), approved with the leaked token.
	forged := frappeConsent(t, b, s.URL, frappeOAuth, s.frappeQuery("scope", "all openid", "state", "attacker"))
	forged.Set("csrf_token", seen.Get("csrf_token"))
	forged.Set("decision", "allow")
	r := SendForm(t, b, "POST", s.URL+frappeOAuth+"approve", forged)
	if strings.Contains(r.Header.Get("Location"), "code=") {
		t.Fatalf("a CSRF token made for one request approved another: %d %s", r.Status, r.Header.Get("Location"))
	}
	if r.Status < 400 {
		t.Errorf("forged approval: %s, want refused", r)
	}
	// The token still approves the request it was made for.
	if loc := frappeDecide(t, b, s.URL, frappeOAuth, seen, "allow"); loc.Query().Get("code") == "" {
		t.Errorf("the genuine approval got %s, want a code", loc)
	}
}

func TestSecuritySecureCookiesOnHTTPSIssuer(t *testing.T) {
	t.Parallel()
	for issuer, want := range map[string]bool{"https://id.example": true, "": false} {
		s := StartServer(t, Env("OAUTHD_SERVER_ISSUER="+issuer))
		s.AddUser(t, frappeEmail, frappePassword, frappeName)
		r := SendForm(t, nil, "POST", s.URL+"/api/method/login", url.Values{"usr": {frappeEmail}, "pwd": {frappePassword}})
		if r.Status != http.StatusOK {
			t.Fatalf("login: %s", r)
		}
		for _, c := range r.Header.Values("Set-Cookie") {
			if secure := strings.Contains(strings.ToLower(c), "; secure"); secure != want {
				t.Errorf("issuer %q: cookie %q Secure = %v, want %v", issuer, c, secure, want)
			}
		}
	}
}
