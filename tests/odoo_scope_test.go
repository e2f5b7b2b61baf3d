package tests

import (
	"net/http"
	"net/url"
	"testing"
)

// The Odoo module ignored scope, and its clients ask for "openid profile email" (FastAPI,
// NextAuth) or six scopes (OpenInt). The Odoo dialect grants what the client was registered
// for out of what was asked, or the client's scopes when nothing is left, and says so in
// "scope" (RFC 6749 §3.3), at authorize and at the token endpoint; an OpenID request may
// always have profile and email. Frappe still refuses, but for OpenID requests.
func TestOdooScopeNarrowing(t *testing.T) {
	t.Parallel()
	e := odooSetup(t) // the client has the default scopes, "all openid"
	for _, tc := range []struct{ asked, granted string }{
		{"openid profile email", "openid profile email"},
		{"openid profile email odoo.base all", "openid profile email all"},
		{"profile email", "all openid"},
		{"", "all openid"},
	} {
		r := e.exchange(t, e.ownerCode(t, "scope", tc.asked))
		odooExpect(t, r, http.StatusOK, map[string]any{"scope": tc.granted})
		if tc.asked != "openid profile email" {
			continue
		}
		refreshed := odooPostForm(t, http.DefaultClient, e.s.URL+odooOAuth+"/access_token", url.Values{
			"client_id": {e.client.ID}, "client_secret": {e.client.Secret}, "grant_type": {"refresh_token"},
			"refresh_token": {r.Str("refresh_token")}, "scope": {"openid profile"}})
		odooExpect(t, refreshed, http.StatusOK, map[string]any{"scope": "openid profile"})
	}
	cc := odooPostForm(t, http.DefaultClient, e.s.URL+odooOAuth+"/access_token", url.Values{
		"client_id": {e.client.ID}, "client_secret": {e.client.Secret}, "scope": {"openid profile email"}})
	odooExpect(t, cc, http.StatusOK, map[string]any{"scope": "openid"})

	// The same client through the Frappe dialect: invalid_scope, as Frappe answers.
	frappeCC := SendForm(t, nil, "POST", e.s.URL+frappeOAuth+"get_token", url.Values{
		"grant_type": {"client_credentials"}, "client_id": {e.client.ID}, "client_secret": {e.client.Secret},
		"scope": {"openid profile email"}})
	frappeExpect(t, "frappe get_token", frappeCC, http.StatusBadRequest, map[string]any{"error": "invalid_scope"})
	hc := odooLogin(t, e.s, odooOwner, odooOwnerPass)
	q := url.Values{"client_id": {e.client.ID}, "redirect_uri": {odooRedirect}, "response_type": {"code"},
		"scope": {"all project"}, "state": {"fs"}}
	loc := Send(t, hc, "GET", e.s.URL+frappeOAuth+"authorize?"+q.Encode(), nil).Location(t)
	if loc.Query().Get("error") != "invalid_scope" || loc.Query().Get("state") != "fs" {
		t.Fatalf("frappe authorize with an unregistered scope: redirected to %s", loc)
	}
}

// A code issued to another client is the module's unknown code: 401 "Invalid Authentication
// Code.". Refusals the module never made carry its nearest message, and oauthd's reason in
// error_description.
func TestOdooModuleWording(t *testing.T) {
	t.Parallel()
	e := odooSetup(t)
	other := e.s.AddClient(t, "--name", "Other App", "--redirect-uri", odooRedirect, "--auth-method",
		"client_secret_post", "--owner", odooOwner, "--grant-type", "authorization_code")
	post := func(form url.Values) *Resp {
		return odooPostForm(t, http.DefaultClient, e.s.URL+odooOAuth+"/access_token", form)
	}

	code := e.ownerCode(t)
	odooExpect(t, post(url.Values{"client_id": {other.ID}, "client_secret": {other.Secret}, "code": {code},
		"grant_type": {"authorization_code"}, "redirect_uri": {odooRedirect}}), http.StatusUnauthorized,
		map[string]any{"code": float64(401), "message": "Invalid Authentication Code.", "error": "invalid_grant",
			"error_description": "Authorization code was issued to another client."})

	odooExpect(t, post(url.Values{"client_id": {e.client.ID}, "client_secret": {e.client.Secret},
		"code": {e.ownerCode(t)}, "grant_type": {"authorization_code"}, "redirect_uri": {"https://127.0.0.1/other"}}),
		http.StatusBadRequest, map[string]any{"code": float64(400), "message": "redirect uri mismatch.",
			"error": "invalid_grant", "error_description": "Mismatching redirect URI."})

	odooExpect(t, post(url.Values{"client_id": {other.ID}, "client_secret": {other.Secret}}), http.StatusBadRequest,
		map[string]any{"code": float64(400), "message": "Invalid Credentials.", "error": "unauthorized_client",
			"error_description": "This client may not use the client_credentials grant."})

	odooExpect(t, post(url.Values{"client_id": {e.client.ID}, "client_secret": {e.client.Secret},
		"grant_type": {"password"}}), http.StatusBadRequest, map[string]any{"code": float64(400),
		"message": "Invalid Credentials.", "error": "unsupported_grant_type",
		"error_description": "Unsupported grant type."})
}
