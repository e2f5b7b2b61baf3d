package tests

// What OpenID and plain OAuth clients send, on a client added without --scope (its default
// scope holds openid): an id_token only for those that ask for openid, and OpenID requests
// narrowed rather than refused.

import (
	"encoding/base64"
	"net/http"
	"net/url"
	"testing"
)

// oidcSite is a server with a user and a client added without --scope or --auth-method, which
// skips consent; dialects lists both dialects' authorize and token endpoints.
func oidcSite(t *testing.T) (*Server, Client, *http.Client) {
	t.Helper()
	s := StartServer(t)
	s.AddUser(t, frappeEmail, frappePassword, frappeName)
	c := s.AddClient(t, "--name", "Relying Party", "--redirect-uri", frappeRedirect, "--skip-authorization")
	return s, c, frappeLoginAs(t, s, frappeEmail, frappePassword)
}

var oidcDialects = []struct{ name, authorize, token string }{
	{"frappe", frappeOAuth + "authorize", frappeOAuth + "get_token"},
	{"odoo", odooOAuth + "/authorize", odooOAuth + "/access_token"},
}

// oidcCode runs a browser authorization with scope (none when empty) and returns the code.
func oidcCode(t *testing.T, s *Server, b *http.Client, path string, c Client, scope string) string {
	t.Helper()
	q := url.Values{"client_id": {c.ID}, "response_type": {"code"}, "redirect_uri": {frappeRedirect}, "state": {"st"}}
	if scope != "" {
		q.Set("scope", scope)
	}
	req := Request(t, "GET", s.URL+path+"?"+q.Encode(), nil, "Accept", "text/html")
	loc := SendRequest(t, b, req).Location(t)
	if loc.Query().Get("code") == "" {
		t.Fatalf("%s, scope %q: redirected to %s", path, scope, loc)
	}
	return loc.Query().Get("code")
}

// NextAuth with a provider of type "oauth" (openid-client's oauthCallback) asks for no scope,
// authenticates with HTTP Basic and refuses a token response carrying an id_token; the same
// client asking for openid gets one.
func TestNextAuthOAuthProviderGetsNoIDToken(t *testing.T) {
	t.Parallel()
	s, c, b := oidcSite(t)
	basic := "Basic " + base64.StdEncoding.EncodeToString([]byte(c.ID+":"+c.Secret))
	for _, d := range oidcDialects {
		for _, tc := range []struct {
			scope   string
			idToken bool
		}{{"", false}, {"openid", true}} {
			code := oidcCode(t, s, b, d.authorize, c, tc.scope)
			r := SendForm(t, nil, "POST", s.URL+d.token, url.Values{"grant_type": {"authorization_code"},
				"code": {code}, "redirect_uri": {frappeRedirect}}, "Authorization", basic)
			if r.Status != http.StatusOK || r.Str("access_token") == "" {
				t.Fatalf("%s, scope %q: %s", d.name, tc.scope, r)
			}
			if _, has := r.JSON["id_token"]; has != tc.idToken {
				t.Fatalf("%s, scope %q: id_token present %v, want %v: %s", d.name, tc.scope, has, tc.idToken, r.Raw)
			}
			if tc.idToken {
				oidcVerify(t, s, c.ID, r.Str("id_token"))
			} else if r.Str("scope") != "all openid" {
				t.Fatalf("%s without scope: granted %q, want the client's scope (what the token may do is unchanged)",
					d.name, r.Str("scope"))
			}
		}
	}
}

// oauth2-proxy (v7) as an OIDC client asks for "openid email profile groups": both dialects
// grant what the client may have, with profile and email, and the id_token carries the email.
func TestOAuth2ProxyDefaultScopes(t *testing.T) {
	t.Parallel()
	s, c, b := oidcSite(t)
	for _, d := range oidcDialects {
		code := oidcCode(t, s, b, d.authorize, c, "openid email profile groups")
		r := SendForm(t, nil, "POST", s.URL+d.token, url.Values{"grant_type": {"authorization_code"}, "code": {code},
			"redirect_uri": {frappeRedirect}, "client_id": {c.ID}, "client_secret": {c.Secret}})
		if r.Status != http.StatusOK || r.Str("scope") != "openid email profile" {
			t.Fatalf("%s: %s, want scope \"openid email profile\"", d.name, r)
		}
		if _, claims := oidcVerify(t, s, c.ID, r.Str("id_token")); claims.Email != frappeEmail || claims.Name != frappeName {
			t.Fatalf("%s: id_token claims %+v", d.name, claims)
		}
	}
}
