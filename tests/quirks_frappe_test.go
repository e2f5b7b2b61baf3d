package tests

// The Frappe document's own flow (seeds 000 and 002) on the registration the README's Quick
// start makes, and the quirk ledger that records what it relies on.

import (
	"net/http"
	"net/url"
	"testing"
)

// The Frappe document's flow, verbatim, on both paths: get_token without a secret, a refresh
// without one, the misspelt Authorizaton header, and revoke_token with the token alone. The
// ledger then holds exactly what the script used, and still does after a restart.
func TestQuickStartFrappeDocumentFlow(t *testing.T) {
	t.Parallel()
	s, c := seedSite(t)
	for _, path := range []string{frappeOAuth, frappeLegacy} {
		code := seedCode(t, s, path, url.Values{"client_id": {c.ID}, "scope": {"project"}, "response_type": {"code"},
			"redirect_uri": {seedCallback}, "state": {"xyz123"}})
		r := SendForm(t, nil, "POST", s.URL+path+"get_token", url.Values{"grant_type": {"authorization_code"},
			"code": {code}, "redirect_uri": {seedCallback}, "client_id": {c.ID}})
		frappeExpect(t, path+"get_token", r, http.StatusOK, map[string]any{"token_type": "Bearer", "expires_in": 3600,
			"scope": "project"})
		if _, ok := r.JSON["id_token"]; ok || r.Str("refresh_token") == "" {
			t.Fatalf("%sget_token: %s, want a refresh token and no id_token (openid was not asked for)", path, r.Raw)
		}
		if st := bearerStatus(t, s, "Authorizaton", r.Str("access_token")); st != http.StatusOK {
			t.Fatalf("the document's Authorizaton header: %d", st)
		}
		r = SendForm(t, nil, "POST", s.URL+path+"get_token", url.Values{"grant_type": {"refresh_token"},
			"refresh_token": {r.Str("refresh_token")}, "redirect_uri": {seedCallback}, "client_id": {c.ID}})
		frappeExpect(t, path+"get_token (refresh_token)", r, http.StatusOK, map[string]any{"scope": "project"})
		at := r.Str("access_token")
		rev := SendForm(t, nil, "POST", s.URL+path+"revoke_token", url.Values{"token": {at}})
		if rev.Status != http.StatusOK || string(rev.Raw) != `{"message":"success"}` {
			t.Fatalf("%srevoke_token with the token alone: %s", path, rev)
		}
		if st := bearerStatus(t, s, "Authorization", at); st != http.StatusUnauthorized {
			t.Fatalf("revoked token answered %d", st)
		}
		if bad := Send(t, nil, "POST", s.URL+path+"revoke_token", nil); bad.Status != http.StatusBadRequest ||
			string(bad.Raw) != `{"message":"bad request"}` {
			t.Fatalf("%srevoke_token without a token: %s", path, bad)
		}
	}
	restart(t, s) // SIGTERM flushes the counts not yet written
	want := map[string][2]int64{"no_client_auth": {4, 0}, "authorizaton_header": {2, 0}, "revoke_without_client": {2, 0}}
	wantQuirks(t, "after the document's flow on both paths", quirkCounts(t, s, c.ID), want)
	restart(t, s)
	wantQuirks(t, "after another restart", quirkCounts(t, s, c.ID), want)
}

// The same document on a standard client: the secret-less exchange is refused (and counted as
// a refused no_client_auth), the harmless habits are served.
func TestFrappeDocumentOnStandardClient(t *testing.T) {
	t.Parallel()
	s := StartServer(t)
	s.AddUser(t, seedEmail, seedPassword, "Alice Seed")
	c := s.AddClient(t, "--name", "Seed App", "--redirect-uri", seedCallback, "--scope", "all openid project",
		"--skip-authorization")
	code := seedCode(t, s, frappeOAuth, url.Values{"client_id": {c.ID}, "scope": {"project"}, "response_type": {"code"},
		"redirect_uri": {seedCallback}, "state": {"s"}})
	r := SendForm(t, nil, "POST", s.URL+frappeOAuth+"get_token", url.Values{"grant_type": {"authorization_code"},
		"code": {code}, "redirect_uri": {seedCallback}, "client_id": {c.ID}})
	frappeExpect(t, "get_token without the secret", r, http.StatusUnauthorized, map[string]any{"error": "invalid_client"})
	s.Stop(t)
	wantQuirks(t, "standard client", quirkCounts(t, s, c.ID), map[string][2]int64{"no_client_auth": {1, 1}})
}
