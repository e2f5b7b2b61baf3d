package tests

// The flows of the Frappe docs (seeds 000-002) step by step, under today's paths and the
// 2016 integration_broker paths of seed 002.

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
)

func TestFrappeSeedFlow(t *testing.T) {
	t.Parallel()
	for _, prefix := range []string{frappeOAuth, frappeLegacy} {
		t.Run(strings.Split(prefix, ".")[1], func(t *testing.T) {
			t.Parallel()
			frappeSeedFlow(t, prefix)
		})
	}
}

func frappeSeedFlow(t *testing.T, prefix string) {
	s := frappeStart(t, frappeCompatAuth)
	b := s.frappeLogin(t)

	// Authorization request and confirmation dialog: Allow gives a code in the redirect URI.
	q := s.frappeQuery()
	form := frappeConsent(t, b, s.URL, prefix, q)
	loc := frappeDecide(t, b, s.URL, prefix, form, "allow")
	code := loc.Query().Get("code")
	if loc.Scheme+"://"+loc.Host != frappeRedirect || len(code) != 40 || loc.Query().Get("state") != q.Get("state") {
		t.Fatalf("Allow redirected to %s, want %s?code=<40 chars>&state=%s", loc, frappeRedirect, q.Get("state"))
	}
	if n := frappeCount(t, s.Server, "SELECT COUNT(*) FROM consents WHERE client_id = ?", s.client.ID); n != 1 {
		t.Errorf("consents for the client: %d rows, want 1", n)
	}

	// Get Access Token, with the seed's parameters (and the secret of a confidential client).
	tok := s.frappeToken(t, prefix, url.Values{"grant_type": {"authorization_code"}, "code": {code},
		"redirect_uri": {frappeRedirect}, "client_id": {s.client.ID}, "client_secret": {s.client.Secret}})
	frappeExpect(t, "get_token", tok, http.StatusOK, map[string]any{"token_type": "Bearer", "expires_in": 3600,
		"scope": "all openid"})
	frappeTokenShape(t, tok, true)

	// Accessing Resource with both spellings of the header.
	access := tok.Str("access_token")
	for _, header := range []string{"Authorization", "Authorizaton"} {
		r := s.frappeBearer(t, "GET", frappeLoggedIn, header, access)
		frappeExpect(t, header, r, http.StatusOK, map[string]any{"message": frappeEmail})
	}

	// Refresh Access Token, with the seed's parameters: a new pair; the old access token lives on
	// until it expires (issue 9: workers sharing a grant keep working).
	ref := s.frappeToken(t, prefix, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {tok.Str("refresh_token")},
		"redirect_uri": {frappeRedirect}, "client_id": {s.client.ID}, "client_secret": {s.client.Secret}})
	frappeExpect(t, "refresh", ref, http.StatusOK, map[string]any{"token_type": "Bearer", "expires_in": 3600,
		"scope": "all openid"})
	frappeTokenShape(t, ref, true)
	if ref.Str("access_token") == access || ref.Str("refresh_token") == tok.Str("refresh_token") {
		t.Fatalf("refresh returned the old tokens: %s", ref.Raw)
	}
	frappeExpect(t, "old access token", s.frappeBearer(t, "GET", frappeLoggedIn, "Authorization", access),
		http.StatusOK, map[string]any{"message": frappeEmail})
	frappeExpect(t, "new access token", s.frappeBearer(t, "GET", frappeLoggedIn, "Authorization", ref.Str("access_token")),
		http.StatusOK, map[string]any{"message": frappeEmail})

	// Revoke Token Endpoint: the access token, and with it its refresh token.
	r := SendForm(t, nil, "POST", s.URL+prefix+"revoke_token", url.Values{"token": {ref.Str("access_token")}})
	frappeExpect(t, "revoke_token", r, http.StatusOK, map[string]any{"message": "success"})
	frappeExpect(t, "revoked token", s.frappeBearer(t, "GET", frappeLoggedIn, "Authorizaton", ref.Str("access_token")),
		http.StatusUnauthorized, nil)
	again := s.frappeToken(t, prefix, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {ref.Str("refresh_token")},
		"client_id": {s.client.ID}, "client_secret": {s.client.Secret}})
	frappeExpect(t, "refresh after revoke", again, http.StatusBadRequest, map[string]any{"error": "invalid_grant"})
	if n := frappeCount(t, s.Server, "SELECT COUNT(*) FROM tokens WHERE revoked_at = 0"); n != 0 {
		t.Errorf("%d tokens still active after the revocation", n)
	}

	// Deny: error=access_denied, and (unlike Frappe) the state and the issuer (RFC 9207).
	q = s.frappeQuery()
	loc = frappeDecide(t, b, s.URL, prefix, frappeConsent(t, b, s.URL, prefix, q), "deny")
	want := frappeRedirect + "?" + url.Values{"error": {"access_denied"}, "error_description": {"The user denied the request."},
		"state": {q.Get("state")}, "iss": {s.URL}}.Encode()
	if loc.String() != want {
		t.Fatalf("Deny redirected to %s, want %s", loc, want)
	}
}

// frappeTokenShape checks a get_token answer: exactly the seed's keys, 40-character tokens,
// and the no-store headers.
func frappeTokenShape(t *testing.T, r *Resp, withRefresh bool) {
	t.Helper()
	keys := []string{"access_token", "token_type", "expires_in", "scope"}
	if withRefresh {
		keys = append(keys, "refresh_token")
	}
	if slices.Contains(strings.Fields(r.Str("scope")), "openid") { // OpenID Connect: an id_token beside
		keys = append(keys, "id_token")
		if strings.Count(r.Str("id_token"), ".") != 2 {
			t.Errorf("token response %s: want a compact JWS id_token", r.Raw)
		}
	}
	if len(r.JSON) != len(keys) {
		t.Errorf("token response %s, want exactly the keys %v", r.Raw, keys)
	}
	if len(r.Str("access_token")) != 40 || (withRefresh && len(r.Str("refresh_token")) != 40) {
		t.Errorf("token response %s: want 40-character tokens", r.Raw)
	}
	if r.Header.Get("Cache-Control") != "no-store" || r.Header.Get("Pragma") != "no-cache" {
		t.Errorf("token response headers Cache-Control %q, Pragma %q, want no-store, no-cache",
			r.Header.Get("Cache-Control"), r.Header.Get("Pragma"))
	}
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		t.Errorf("token response Content-Type %q", r.Header.Get("Content-Type"))
	}
}
