package tests

// RFC 9728 per resource and audience-bound tokens (RFC 8707) where oauthd guards an API: each
// [[proxy]] table and each oauth.resources entry has its metadata document, every 401 under a
// prefix points at it with the scopes required, and a prefix that names its resource lets
// only tokens issued for it pass (/oauth2/verify?resource= too).

import (
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"
)

// audienceSite is a server whose /mcp prefix names its resource and whose /api/resource does not.
type audienceSite struct {
	*Server
	mcp  string // the /mcp resource's identifier
	flow *resFlow
	api  *echoUpstream
}

func startAudienceSite(t *testing.T) *audienceSite {
	t.Helper()
	api := startEcho(t)
	addr := fmt.Sprintf("127.0.0.1:%d", freePort(t))
	mcp := "http://" + addr + "/mcp"
	s := startWithConfig(t, fmt.Sprintf(`
[oauth]
resources = ["https://other.example/api", %[2]q]

[[proxy]]
prefix = "/mcp"
upstream = %[1]q
scope = "all"
resource = %[2]q

[[proxy]]
prefix = "/api/resource"
upstream = %[1]q
scope = "all"
`, api.URL, mcp), Env("OAUTHD_SERVER_ADDR="+addr))
	return &audienceSite{Server: s, mcp: mcp, flow: resSetupFlow(t, s), api: api}
}

// token runs the Frappe code flow asking for resource ("" for none) and scope.
func (a *audienceSite) token(t *testing.T, resource, scope string) string {
	t.Helper()
	q := url.Values{"client_id": {a.flow.Client.ID}, "response_type": {"code"}, "redirect_uri": {a.flow.Redirect},
		"scope": {scope}, "state": {"st"}}
	if resource != "" {
		q.Set("resource", resource)
	}
	code := Send(t, a.flow.Browser, "GET", a.URL+resFrappeAuthorize+"?"+q.Encode(), nil).Location(t).Query().Get("code")
	r, err := a.flow.Exchange(a.URL, code)
	if err != nil || r.Status != http.StatusOK {
		t.Fatalf("token for %q: %v %v", resource, r, err)
	}
	return r.Str("access_token")
}

func TestProtectedResourceMetadataPerResource(t *testing.T) {
	t.Parallel()
	a := startAudienceSite(t)
	docs := map[string]map[string]any{
		"/mcp":          {"resource": a.mcp, "scopes_supported": []any{"all"}},
		"/api/resource": {"resource": a.URL + "/api/resource", "scopes_supported": []any{"all"}},
		"/api":          {"resource": "https://other.example/api"}, // an oauth.resources entry: no scopes known
	}
	for path, want := range docs {
		r := Send(t, nil, "GET", a.URL+"/.well-known/oauth-protected-resource"+path, nil)
		servers, _ := r.JSON["authorization_servers"].([]any)
		if r.Status != http.StatusOK || r.Str("resource") != want["resource"] || len(servers) != 1 || servers[0] != a.URL ||
			!reflect.DeepEqual(r.JSON["scopes_supported"], want["scopes_supported"]) ||
			!reflect.DeepEqual(r.JSON["bearer_methods_supported"], []any{"header", "query"}) {
			t.Errorf("metadata of %s: %s", path, r)
		}
	}
	for _, path := range []string{"/mcp/tools", "/other", "/api/resource/x"} {
		if r := Send(t, nil, "GET", a.URL+"/.well-known/oauth-protected-resource"+path, nil); r.Status != http.StatusNotFound {
			t.Errorf("metadata of %s: %s, want 404", path, r)
		}
	}
	root := Send(t, nil, "GET", a.URL+"/.well-known/oauth-protected-resource", nil)
	if root.Str("resource") != a.URL {
		t.Errorf("the issuer's own document changed: %s", root.Raw)
	}

	// One 401 leads to everything: the challenge names the document, the document the
	// resource and the authorization server, whose metadata names the endpoints.
	for prefix, resource := range map[string]string{"/mcp": a.mcp, "/api/resource": a.URL + "/api/resource"} {
		r := Send(t, nil, "POST", a.URL+prefix+"/x", strings.NewReader(`{}`))
		meta := strings.Replace(resource, prefix, "/.well-known/oauth-protected-resource"+prefix, 1)
		if want := `Bearer scope="all", resource_metadata="` + meta + `"`; r.Status != http.StatusUnauthorized ||
			r.Header.Get("WWW-Authenticate") != want {
			t.Errorf("%s without a token: %s %q, want %q", prefix, r, r.Header.Get("WWW-Authenticate"), want)
		}
		doc := Send(t, nil, "GET", meta, nil)
		if doc.Str("resource") != resource {
			t.Errorf("%s: the challenge's document names %q", prefix, doc.Str("resource"))
		}
	}
}

func TestAudienceBoundTokens(t *testing.T) {
	t.Parallel()
	a := startAudienceSite(t)
	forMCP := a.token(t, a.mcp, "all openid")
	forNone := a.token(t, "", "all openid")
	forOther := a.token(t, "https://other.example/api", "all openid")
	narrow := a.token(t, a.mcp, "openid")
	meta := `resource_metadata="` + strings.Replace(a.mcp, "/mcp", "/.well-known/oauth-protected-resource/mcp", 1) + `"`
	hits := a.api.hits.Load()

	cases := []struct {
		name, path, token string
		status            int
		challenge         string
	}{
		{"its resource", "/mcp/tools/list", forMCP, http.StatusCreated, ""},
		{"no resource", "/mcp/tools/list", forNone, http.StatusUnauthorized, `Bearer error="invalid_token", scope="all", ` + meta},
		{"another resource", "/mcp/tools/list", forOther, http.StatusUnauthorized, `Bearer error="invalid_token", scope="all", ` + meta},
		{"its resource, scope missing", "/mcp/tools/list", narrow, http.StatusForbidden,
			`Bearer error="insufficient_scope", scope="all", ` + meta},
		// Where no resource is named, tokens for any resource pass as before.
		{"no resource named, token for mcp", "/api/resource/User", forMCP, http.StatusCreated, ""},
		{"no resource named, token for none", "/api/resource/User", forNone, http.StatusCreated, ""},
		{"no resource named, token for another", "/api/resource/User", forOther, http.StatusCreated, ""},
	}
	for _, tc := range cases {
		r := Send(t, nil, "GET", a.URL+tc.path, nil, "Authorization", "Bearer "+tc.token)
		if r.Status != tc.status || r.Header.Get("WWW-Authenticate") != tc.challenge {
			t.Errorf("%s: %s, WWW-Authenticate %q; want %d %q", tc.name, r, r.Header.Get("WWW-Authenticate"),
				tc.status, tc.challenge)
			continue
		}
		if tc.status != http.StatusCreated {
			continue
		}
		hits++
		wantAud := map[string]string{forMCP: a.mcp, forNone: "", forOther: "https://other.example/api"}[tc.token]
		if got := http.Header(echo(t, tc.name, r).Header).Values("X-Auth-Audience"); len(got) != 1 || got[0] != wantAud {
			t.Errorf("%s: the upstream saw X-Auth-Audience %q, want %q", tc.name, got, wantAud)
		}
	}
	// A client cannot claim an audience: its own X-Auth-Audience is replaced.
	r := Send(t, nil, "GET", a.URL+"/api/resource/User", nil, "Authorization", "Bearer "+forNone,
		"X-Auth-Audience", a.mcp)
	if got := http.Header(echo(t, "spoofed audience", r).Header).Values("X-Auth-Audience"); len(got) != 1 || got[0] != "" {
		t.Errorf("spoofed X-Auth-Audience reached the upstream: %q", got)
	}
	hits++
	if got := a.api.hits.Load(); got != hits {
		t.Errorf("the upstream received %d requests, want %d", got, hits)
	}

	// /oauth2/verify?resource= is the same check for proxies in front.
	verifyMeta := `resource_metadata="` + strings.Replace(a.mcp, "/mcp", "/.well-known/oauth-protected-resource/mcp", 1) + `"`
	target := a.URL + verifyPath + "?" + url.Values{"resource": {a.mcp}, "scope": {"all"}}.Encode()
	for _, tc := range []struct {
		name, token string
		status      int
		challenge   string
	}{
		{"verify, its resource", forMCP, http.StatusOK, ""},
		{"verify, no resource", forNone, http.StatusUnauthorized, `Bearer error="invalid_token", scope="all", ` + verifyMeta},
		{"verify, another resource", forOther, http.StatusUnauthorized, `Bearer error="invalid_token", scope="all", ` + verifyMeta},
		{"verify, no token", "", http.StatusUnauthorized, `Bearer scope="all", ` + verifyMeta},
	} {
		var hdr []string
		if tc.token != "" {
			hdr = []string{"Authorization", "Bearer " + tc.token}
		}
		r := Send(t, nil, "GET", target, nil, hdr...)
		if r.Status != tc.status || r.Header.Get("WWW-Authenticate") != tc.challenge {
			t.Errorf("%s: %s %q, want %d %q", tc.name, r, r.Header.Get("WWW-Authenticate"), tc.status, tc.challenge)
		}
		if tc.status == http.StatusOK && r.Header.Get("X-Auth-Audience") != a.mcp {
			t.Errorf("%s: X-Auth-Audience %q", tc.name, r.Header.Get("X-Auth-Audience"))
		}
	}
	// Without resource=, verify accepts a token for any resource, as before.
	r = Send(t, nil, "GET", a.URL+verifyPath+"?scope=all", nil, "Authorization", "Bearer "+forOther)
	if r.Status != http.StatusOK || r.Header.Get("X-Auth-Audience") != "https://other.example/api" {
		t.Errorf("verify without resource=: %s", r)
	}
}
