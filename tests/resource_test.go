package tests

// RFC 9728 protected resource metadata and RFC 8707 resource indicators, as MCP clients use
// them: a 401 points at the metadata, the metadata at the authorization server, and the
// resource the client asks for is recorded on the grant.

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestResourceMetadataOn401(t *testing.T) {
	t.Parallel()
	s := StartServer(t)
	metaURL := s.URL + "/.well-known/oauth-protected-resource"
	for _, path := range []string{frappeLoggedIn, frappeOAuth + "openid_profile", "/restapi/1.0/common/oauth2/userinfo"} {
		r := Send(t, nil, http.MethodGet, s.URL+path, nil, "Authorization", "Bearer "+strings.Repeat("x", 40))
		challenge := r.Header.Get("WWW-Authenticate")
		if r.Status != http.StatusUnauthorized || !strings.HasPrefix(challenge, "Bearer ") ||
			!strings.Contains(challenge, `resource_metadata="`+metaURL+`"`) {
			t.Errorf("%s: %d WWW-Authenticate %q", path, r.Status, challenge)
		}
	}
	// A Basic challenge (client authentication) is not a resource's and is left alone.
	r := SendForm(t, nil, http.MethodPost, s.URL+frappeOAuth+"get_token", url.Values{"grant_type": {"client_credentials"}},
		"Authorization", frappeBasic("nobody", "nothing"))
	if r.Header.Get("WWW-Authenticate") != `Basic realm="oauthd"` {
		t.Errorf("token endpoint challenge %q", r.Header.Get("WWW-Authenticate"))
	}

	m := Send(t, nil, http.MethodGet, metaURL, nil)
	servers, _ := m.JSON["authorization_servers"].([]any)
	if m.Status != http.StatusOK || m.Str("resource") != s.URL || len(servers) != 1 || servers[0] != s.URL ||
		m.JSON["scopes_supported"] == nil || m.JSON["bearer_methods_supported"] == nil {
		t.Fatalf("resource metadata: %d %s", m.Status, m.Raw)
	}
	// The authorization server it names is this one.
	as := Send(t, nil, http.MethodGet, s.URL+"/.well-known/oauth-authorization-server", nil)
	if as.Str("issuer") != s.URL {
		t.Fatalf("authorization server metadata: %s", as.Raw)
	}
}

func TestResourceIndicators(t *testing.T) {
	t.Parallel()
	const api = "https://api.example/mcp"
	site := frappeStart(t, []Option{Env("OAUTHD_OAUTH_RESOURCES=" + api + ",https://other.example")})
	b := site.frappeLogin(t)

	// Accepted at authorize, recorded on the grant, reported as aud by introspection.
	code := site.frappeCode(t, b, frappeOAuth, site.frappeQuery("resource", api+"/"))
	tok := site.frappeToken(t, frappeOAuth, url.Values{"grant_type": {"authorization_code"}, "code": {code},
		"redirect_uri": {frappeRedirect}, "client_id": {site.client.ID}, "client_secret": {site.client.Secret},
		"resource": {api}})
	frappeExpect(t, "exchange with resource", tok, http.StatusOK, nil)
	in := SendForm(t, nil, http.MethodPost, site.URL+frappeOAuth+"introspect_token",
		url.Values{"token": {tok.Str("access_token")}, "client_id": {site.client.ID}, "client_secret": {site.client.Secret}})
	if in.Str("aud") != api {
		t.Fatalf("introspection aud %q: %s", in.Str("aud"), in.Raw)
	}
	if n := frappeCount(t, site.Server, "SELECT COUNT(*) FROM tokens WHERE resource = ?", api); n != 2 {
		t.Fatalf("%d tokens record the resource, want access and refresh", n)
	}

	// A resource not served is refused at authorize (redirected, with state) and at the token
	// endpoint, and so is one other than the grant's.
	q := site.frappeQuery("resource", "https://evil.example/")
	loc := Send(t, b, http.MethodGet, site.URL+frappeOAuth+"authorize?"+q.Encode(), nil).Location(t)
	if loc.Query().Get("error") != "invalid_target" || loc.Query().Get("state") != q.Get("state") {
		t.Fatalf("unserved resource at authorize: %s", loc)
	}
	code = site.frappeCode(t, b, frappeOAuth, site.frappeQuery("resource", api))
	for _, res := range []string{"https://other.example", "not a uri", "https://evil.example"} {
		r := site.frappeToken(t, frappeOAuth, url.Values{"grant_type": {"authorization_code"}, "code": {code},
			"redirect_uri": {frappeRedirect}, "client_id": {site.client.ID}, "client_secret": {site.client.Secret},
			"resource": {res}})
		if r.Status != http.StatusBadRequest || r.Str("error") != "invalid_target" {
			t.Errorf("resource %q at the token endpoint: %d %s", res, r.Status, r.Raw)
		}
	}
	r := site.frappeToken(t, frappeOAuth, url.Values{"grant_type": {"refresh_token"},
		"refresh_token": {tok.Str("refresh_token")}, "client_id": {site.client.ID},
		"client_secret": {site.client.Secret}, "resource": {"https://other.example"}})
	if r.Str("error") != "invalid_target" {
		t.Errorf("another resource on refresh: %d %s", r.Status, r.Raw)
	}
}

// TestResourceDefaultIsIssuer: with oauth.resources empty, the issuer itself is the one resource.
func TestResourceDefaultIsIssuer(t *testing.T) {
	t.Parallel()
	site := frappeStart(t, nil)
	b := site.frappeLogin(t)
	code := site.frappeCode(t, b, frappeOAuth, site.frappeQuery("resource", site.URL))
	site.frappeExchange(t, frappeOAuth, code)
	q := site.frappeQuery("resource", "https://api.example/mcp")
	loc := Send(t, b, http.MethodGet, site.URL+frappeOAuth+"authorize?"+q.Encode(), nil).Location(t)
	if loc.Query().Get("error") != "invalid_target" {
		t.Fatalf("a resource other than the issuer: %s", loc)
	}
}
