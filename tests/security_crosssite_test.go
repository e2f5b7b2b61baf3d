package tests

// Findings 1 and 8 of the security review: login and logout CSRF. Another site could sign the
// victim into the attacker's account with a top-level GET navigation, or sign them out.

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// crossSiteHeaders are what a browser sends when another site starts the request, and what
// it sends for the server's own pages.
var (
	crossSiteHeaders = map[string][]string{
		"Sec-Fetch-Site cross-site":  {"Sec-Fetch-Site", "cross-site"},
		"Sec-Fetch-Site same-site":   {"Sec-Fetch-Site", "same-site"},
		"foreign Origin":             {"Origin", "https://evil.example"},
		"Origin null":                {"Origin", "null"},
		"foreign Referer, no Origin": {"Referer", "https://evil.example/page"},
	}
	sameSiteHeaders = map[string][]string{
		"Sec-Fetch-Site same-origin": {"Sec-Fetch-Site", "same-origin"},
		"Sec-Fetch-Site none":        {"Sec-Fetch-Site", "none"},
		"no browser headers":         nil,
	}
)

// loginRequests are every way to log in, each as a function of extra headers.
func loginRequests(t *testing.T, s *Server) map[string]func(hdr ...string) *http.Request {
	form := func(target string, v url.Values) func(hdr ...string) *http.Request {
		return func(hdr ...string) *http.Request {
			return Request(t, "POST", s.URL+target, strings.NewReader(v.Encode()),
				append([]string{"Content-Type", "application/x-www-form-urlencoded"}, hdr...)...)
		}
	}
	rpc, _ := json.Marshal(map[string]any{"jsonrpc": "2.0", "id": 1,
		"params": map[string]any{"login": frappeEmail, "password": frappePassword}})
	return map[string]func(hdr ...string) *http.Request{
		"GET /api/method/login": func(hdr ...string) *http.Request {
			q := url.Values{"usr": {frappeEmail}, "pwd": {frappePassword}}
			return Request(t, "GET", s.URL+"/api/method/login?"+q.Encode(), nil, hdr...)
		},
		"POST /api/method/login": form("/api/method/login", url.Values{"usr": {frappeEmail}, "pwd": {frappePassword}}),
		"POST /login":            form("/login", url.Values{"usr": {frappeEmail}, "pwd": {frappePassword}}),
		"POST /web/login":        form("/web/login", url.Values{"login": {frappeEmail}, "password": {frappePassword}}),
		"POST /web/session/authenticate": func(hdr ...string) *http.Request {
			return Request(t, "POST", s.URL+"/web/session/authenticate", bytes.NewReader(rpc),
				append([]string{"Content-Type", "application/json"}, hdr...)...)
		},
	}
}

func setsSession(r *Resp) bool {
	for _, c := range r.Header.Values("Set-Cookie") {
		if strings.HasPrefix(c, "sid=") && !strings.HasPrefix(c, "sid=;") {
			return true
		}
	}
	return false
}

func TestSecurityCrossSiteLoginRefused(t *testing.T) {
	t.Parallel()
	s := frappeStart(t, nil)
	for path, build := range loginRequests(t, s.Server) {
		for name, hdr := range crossSiteHeaders {
			r := SendRequest(t, nil, build(hdr...))
			if r.Status != http.StatusForbidden || setsSession(r) {
				t.Errorf("%s with %s: %d (session cookie %v), want 403 and no session", path, name, r.Status, setsSession(r))
			}
		}
		for name, hdr := range sameSiteHeaders {
			r := SendRequest(t, nil, build(hdr...))
			if !setsSession(r) {
				t.Errorf("%s with %s: %s, want a session", path, name, r)
			}
		}
	}
}

// logoutRequests are every way to log out.
func logoutRequests(t *testing.T, s *Server) map[string]func(hdr ...string) *http.Request {
	return map[string]func(hdr ...string) *http.Request{
		"GET /api/method/logout": func(hdr ...string) *http.Request {
			return Request(t, "GET", s.URL+"/api/method/logout", nil, hdr...)
		},
		"POST /api/method/logout": func(hdr ...string) *http.Request {
			return Request(t, "POST", s.URL+"/api/method/logout", nil, hdr...)
		},
		"GET /web/session/logout": func(hdr ...string) *http.Request {
			return Request(t, "GET", s.URL+"/web/session/logout", nil, hdr...)
		},
		"POST /web/session/destroy": func(hdr ...string) *http.Request {
			return Request(t, "POST", s.URL+"/web/session/destroy", strings.NewReader(`{"jsonrpc":"2.0","id":3,"params":{}}`),
				append([]string{"Content-Type", "application/json"}, hdr...)...)
		},
	}
}

func loggedIn(t *testing.T, s *Server, b *http.Client) bool {
	t.Helper()
	r := Send(t, b, "GET", s.URL+frappeLoggedIn, nil)
	return r.Status == http.StatusOK && r.Str("message") == frappeEmail
}

func TestSecurityCrossSiteLogoutRefused(t *testing.T) {
	t.Parallel()
	s := frappeStart(t, nil)
	for path, build := range logoutRequests(t, s.Server) {
		b := s.frappeLogin(t)
		for name, hdr := range crossSiteHeaders {
			r := SendRequest(t, b, build(hdr...))
			if r.Status != http.StatusForbidden || !loggedIn(t, s.Server, b) {
				t.Errorf("%s with %s: %d, logged in %v; want 403 and the session kept", path, name, r.Status,
					loggedIn(t, s.Server, b))
			}
		}
		r := SendRequest(t, b, build("Sec-Fetch-Site", "same-origin"))
		if r.Status >= 400 || loggedIn(t, s.Server, b) {
			t.Errorf("%s same-origin: %s, logged in %v; want the session ended", path, r, loggedIn(t, s.Server, b))
		}
	}
}

// Finding 15: Odoo clients can log out, by JSON-RPC and by the browser route, in Odoo's shapes.
func TestSecurityOdooLogout(t *testing.T) {
	t.Parallel()
	e := odooSetup(t)
	hc := odooLogin(t, e.s, odooUser, odooUserPass)
	r := odooDo(t, hc, Request(t, "POST", e.s.URL+"/web/session/destroy",
		strings.NewReader(`{"jsonrpc":"2.0","method":"call","id":9,"params":{}}`), "Content-Type", "application/json"))
	if r.Status != http.StatusOK || string(r.Raw) != `{"jsonrpc":"2.0","id":9,"result":null}` {
		t.Fatalf("destroy: %s, want Odoo's {\"result\": null}", r)
	}
	if got := Send(t, hc, "GET", e.s.URL+frappeLoggedIn, nil); got.Status == http.StatusOK {
		t.Errorf("session alive after destroy: %s", got)
	}

	hc = odooLogin(t, e.s, odooUser, odooUserPass)
	r = Send(t, hc, "GET", e.s.URL+"/web/session/logout?redirect=/web/login%3Fdone%3D1", nil)
	if r.Status != http.StatusSeeOther || r.Header.Get("Location") != "/web/login?done=1" {
		t.Fatalf("logout: %d %q, want 303 to the redirect", r.Status, r.Header.Get("Location"))
	}
	if got := Send(t, hc, "GET", e.s.URL+frappeLoggedIn, nil); got.Status == http.StatusOK {
		t.Errorf("session alive after logout: %s", got)
	}
	r = Send(t, nil, "GET", e.s.URL+"/web/session/logout?redirect=https://evil.example/", nil)
	if r.Header.Get("Location") != "/" {
		t.Errorf("logout to a foreign redirect: Location %q, want /", r.Header.Get("Location"))
	}
	r = Send(t, nil, "POST", e.s.URL+"/web/session/destroy", strings.NewReader("x"), "Content-Type", "text/plain")
	if r.Status != http.StatusBadRequest || !strings.Contains(string(r.Raw), `"jsonrpc":"2.0"`) {
		t.Errorf("destroy without JSON: %s, want a JSON-RPC 400", r)
	}
}
