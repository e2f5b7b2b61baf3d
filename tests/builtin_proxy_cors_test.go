package tests

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// proxyCORSConfig puts one prefix under oauthd's CORS rule (the default) and one under the
// upstream's (cors = "upstream").
func proxyCORSConfig(api string) string {
	return fmt.Sprintf(`
[cors]
allowed_origins = ["https://spa.example"]

[[proxy]]
prefix = "/api/resource"
upstream = "%[1]s"
scope = "all"

[[proxy]]
prefix = "/api/raw"
upstream = "%[1]s"
cors = "upstream"
`, api)
}

// corsPreflight is what a browser sends before a cross-origin DELETE with a bearer token.
func corsPreflight(t *testing.T, url, origin string, hdr ...string) *Resp {
	t.Helper()
	return Send(t, nil, "OPTIONS", url, nil, append([]string{"Origin", origin, "Access-Control-Request-Method", "DELETE",
		"Access-Control-Request-Headers", "authorization,x-requested-with"}, hdr...)...)
}

// A browser app calls a proxied API cross-site: its preflight, which carries no token, is
// answered by oauthd under its CORS rule (cors.allowed_origins and client origins) without
// reaching the upstream; the answers that follow carry that rule, refusals included.
func TestBuiltinProxyCORSByOAuthd(t *testing.T) {
	t.Parallel()
	api := startEcho(t)
	s := startWithConfig(t, proxyCORSConfig(api.URL))
	s.AddUser(t, frappeEmail, frappePassword, frappeName)
	app := s.AddClient(t, "--name", "SPA", "--redirect-uri", "https://registered.example/cb", "--owner", frappeEmail,
		"--auth-method", "client_secret_post", "--grant-type", "client_credentials", "--cors-origin", "https://registered.example")
	token := protectOdooCC(t, s, app)
	item := s.URL + "/api/resource/Item/1"

	hits := api.hits.Load()
	for _, origin := range []string{"https://spa.example", "https://registered.example"} {
		r := corsPreflight(t, item, origin)
		if r.Status != http.StatusNoContent || r.Header.Get("Access-Control-Allow-Origin") != origin ||
			!strings.Contains(r.Header.Get("Access-Control-Allow-Methods"), "DELETE") ||
			r.Header.Get("Access-Control-Allow-Headers") != "authorization,x-requested-with" ||
			r.Header.Get("Access-Control-Allow-Credentials") != "" || r.Header.Get("Access-Control-Max-Age") != "600" {
			t.Errorf("preflight from %s: %s %v", origin, r, r.Header)
		}
	}
	if r := corsPreflight(t, item, "https://evil.example"); r.Status != http.StatusNoContent ||
		r.Header.Get("Access-Control-Allow-Origin") != "" || r.Header.Get("Access-Control-Allow-Methods") != "" {
		t.Errorf("preflight from an origin nobody allowed: %s %v", r, r.Header)
	}
	if got := api.hits.Load(); got != hits {
		t.Errorf("%d preflights reached the upstream", got-hits)
	}

	// The request itself: the upstream's own grant (here "*") gives way to oauthd's.
	r := Send(t, nil, "DELETE", item+"?acao=*", nil, "Authorization", "Bearer "+token, "Origin", "https://registered.example")
	echo(t, "cross-origin DELETE", r)
	if r.Header.Get("Access-Control-Allow-Origin") != "https://registered.example" ||
		!strings.Contains(r.Header.Get("Access-Control-Expose-Headers"), "WWW-Authenticate") ||
		!strings.Contains(r.Header.Get("Vary"), "Origin") {
		t.Errorf("cross-origin answer: %v", r.Header)
	}
	r = Send(t, nil, "GET", item+"?acao=https://evil.example", nil, "Authorization", "Bearer "+token,
		"Origin", "https://evil.example")
	if echo(t, "GET from another origin", r); r.Header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("an origin oauthd does not allow was granted: %v", r.Header)
	}
	// A refused token is readable by the page, so that it can get a new one.
	r = Send(t, nil, "GET", item, nil, "Authorization", "Bearer "+strings.Repeat("x", 40), "Origin", "https://spa.example")
	if r.Status != http.StatusUnauthorized || r.Header.Get("Access-Control-Allow-Origin") != "https://spa.example" ||
		!strings.Contains(r.Header.Get("Access-Control-Expose-Headers"), "WWW-Authenticate") ||
		!strings.HasPrefix(r.Header.Get("WWW-Authenticate"), "Bearer") {
		t.Errorf("refusal of a cross-origin request: %s %v", r, r.Header)
	}
	// An OPTIONS that is no preflight is an ordinary request: it needs a token.
	if r := Send(t, nil, "OPTIONS", item, nil); r.Status != http.StatusUnauthorized {
		t.Errorf("OPTIONS without Origin: %s, want 401", r)
	}
}

// With cors = "upstream" the preflight goes to the upstream without a token and without any
// identity (X-Auth-* a client sent included), and the upstream's CORS answers come back as
// they are.
func TestBuiltinProxyCORSByUpstream(t *testing.T) {
	t.Parallel()
	api := startEcho(t)
	s := startWithConfig(t, proxyCORSConfig(api.URL))
	s.AddUser(t, frappeEmail, frappePassword, frappeName)
	app := s.AddClient(t, "--name", "SPA", "--redirect-uri", "https://registered.example/cb", "--owner", frappeEmail,
		"--auth-method", "client_secret_post", "--grant-type", "client_credentials")
	token := protectOdooCC(t, s, app)

	r := corsPreflight(t, s.URL+"/api/raw/x?acao=https://other.example", "https://other.example",
		"X-Auth-User", "spoofed@example.com", "Authorization", "Bearer "+strings.Repeat("x", 40))
	e := echo(t, "preflight passed upstream", r)
	h := http.Header(e.Header)
	if e.Method != "OPTIONS" || h.Get("Origin") != "https://other.example" || h.Get("Access-Control-Request-Method") != "DELETE" ||
		h.Get("Authorization") != "" || h.Get("X-Auth-User") != "" || h.Get("X-Auth-Client") != "" {
		t.Errorf("the upstream saw %s with %v", e.Method, h)
	}
	if r.Header.Get("Access-Control-Allow-Origin") != "https://other.example" {
		t.Errorf("the upstream's preflight answer changed: %v", r.Header)
	}
	r = Send(t, nil, "GET", s.URL+"/api/raw/x?acao=https://other.example", nil, "Authorization", "Bearer "+token,
		"Origin", "https://other.example")
	if e := echo(t, "cross-origin GET", r); http.Header(e.Header).Get("X-Auth-Client") != app.ID ||
		r.Header.Get("Access-Control-Allow-Origin") != "https://other.example" {
		t.Errorf("cross-origin GET: upstream saw %v; answer %v", e.Header, r.Header)
	}
	if r := Send(t, nil, "GET", s.URL+"/api/raw/x", nil, "Origin", "https://other.example"); r.Status != http.StatusUnauthorized {
		t.Errorf("a cross-origin GET without a token: %s, want 401", r)
	}
}
