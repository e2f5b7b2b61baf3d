package tests

// The built-in proxy's third review: what reaches an upstream, written with raw sockets (a Go
// client would normalise the requests) against an upstream that records its requests as they
// arrived on the wire.

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
)

// proxyRawSetup starts oauthd in front of a raw upstream answering with the reply header lines
// (one prefix under oauthd's CORS rule, /api/raw under the upstream's), and returns it with a
// valid bearer token.
func proxyRawSetup(t *testing.T, reply string, opts ...Option) (*Server, *rawUpstream, string) {
	t.Helper()
	up := startRawUpstream(t, reply)
	s := startWithConfig(t, proxyCORSConfig(up.URL), opts...)
	s.AddUser(t, frappeEmail, frappePassword, frappeName)
	app := s.AddClient(t, "--name", "API", "--redirect-uri", "https://app.example/cb", "--owner", frappeEmail,
		"--auth-method", "client_secret_post", "--grant-type", "client_credentials")
	return s, up, protectOdooCC(t, s, app)
}

// rawGet is a GET of path through the proxy with the token and extra header lines.
func rawGet(path, token string, lines ...string) string {
	return "GET " + path + " HTTP/1.1\r\nHost: api.example\r\nAuthorization: Bearer " + token + "\r\n" +
		strings.Join(append(lines, ""), "\r\n") + "\r\n"
}

// Finding 1: a proxied API shares oauthd's origin, so browsers send it oauthd's cookies: the
// live session (sid, session_id), which obtains codes for any client when replayed, and the
// admin page's cookie. Before the fix the upstream received all of them, and its Set-Cookie for
// sid reached the browser (an upstream could plant a session). Now oauthd's cookies go neither
// way (a Set-Cookie however spelt), and the upstream's own cookies pass both ways.
func TestSecurityProxyKeepsOAuthdCookies(t *testing.T) {
	t.Parallel()
	s, up, token := proxyRawSetup(t, "Set-Cookie: sid=planted; Path=/\r\nSet-Cookie: session_id=planted\r\n"+
		"Set-Cookie: oauthd_admin=planted\r\nSet-Cookie: SID=planted\r\nSet-Cookie: app=1; Path=/\r\n"+
		"Set-Cookie:  full_name =planted\r\nSet-Cookie: user_id\t=planted\r\n")
	b := frappeLoginAs(t, s, frappeEmail, frappePassword)
	u, _ := url.Parse(s.URL)
	var sid string
	for _, c := range b.Jar.Cookies(u) {
		if c.Name == "sid" {
			sid = c.Value
		}
	}
	if sid == "" {
		t.Fatal("the login set no sid")
	}

	r := rawSend(t, s, rawGet("/api/resource/Item/1", token,
		"Cookie: theme=dark; sid="+sid+"; session_id="+sid,
		"Cookie: oauthd_admin=0123456789abcdef; user_id="+url.QueryEscape(frappeEmail)+"; full_name=Ann; Lang=en",
		"Cookie:  sid ="+sid+"; oauthd_admin_notice=x"))
	if r.Status != http.StatusOK || r.Str("upstream") != "raw" {
		t.Fatalf("through the proxy: %s", r)
	}
	got := up.last(t)
	cookies := strings.Join(got.values("Cookie"), "; ")
	if strings.Contains(cookies, sid) || strings.Contains(strings.ToLower(cookies), "oauthd_admin") ||
		strings.Contains(cookies, "user_id") || strings.Contains(cookies, "full_name") {
		t.Errorf("the upstream received oauthd's cookies: %q", cookies)
	}
	if !strings.Contains(cookies, "theme=dark") || !strings.Contains(cookies, "Lang=en") {
		t.Errorf("the upstream's own cookies were lost: %q", cookies)
	}
	set := r.Header.Values("Set-Cookie")
	if len(set) != 1 || !strings.HasPrefix(set[0], "app=1") {
		t.Errorf("cookies set through the proxy: %q, want only the upstream's app=1", set)
	}
}

// Finding 2: only names beginning X-Auth- were removed, so X_Auth_User reached the upstream,
// where CGI and WSGI stacks (PHP-FPM, wsgiref, gunicorn before 22) read it as the same
// HTTP_X_AUTH_USER as oauthd's header, the attacker's value first. Now every spelling of an
// identity header is dropped, and other names with "_" pass.
func TestSecurityProxyDropsUnderscoreIdentityHeaders(t *testing.T) {
	t.Parallel()
	s, up, token := proxyRawSetup(t, "")
	r := rawSend(t, s, rawGet("/api/resource/Item/1", token, "X_Auth_User: admin@example.com",
		"x_auth_subject: admin", "X-Auth_Client: admin-app", "X-Auth-User: spoofed@example.com",
		"Proxy_Authorization: Basic eDp5", "Api_Key: kept"))
	if r.Status != http.StatusOK {
		t.Fatalf("through the proxy: %s", r)
	}
	got := up.last(t)
	for _, line := range got.Header {
		k, _, _ := strings.Cut(line, ":")
		if canon := strings.ToLower(strings.ReplaceAll(k, "_", "-")); strings.Contains(k, "_") &&
			(strings.HasPrefix(canon, "x-auth-") || canon == "proxy-authorization") {
			t.Errorf("the upstream received %q", line)
		}
	}
	if v := got.values("X-Auth-User"); len(v) != 1 || v[0] != frappeEmail {
		t.Errorf("X-Auth-User at the upstream: %q, want only oauthd's %q", v, frappeEmail)
	}
	if v := got.values("Api_Key"); len(v) != 1 || v[0] != "kept" {
		t.Errorf("Api_Key at the upstream: %q, want it kept", v)
	}
}

// Info finding: the proxy passed a client's own X-Real-IP, Forwarded and X-Original-URL, and
// appended to its X-Forwarded-For, so an upstream trusting its proxy believed a client's claim
// about its address or path. From a peer that is no trusted proxy they are dropped and
// X-Forwarded-* written afresh; a trusted proxy's pass as it wrote them, never a "_" spelling.
func TestSecurityProxyForwardingHeaders(t *testing.T) {
	t.Parallel()
	claims := []string{"X-Real-IP: 10.9.9.9", "Forwarded: for=10.9.9.9;host=evil.example", "X-Original-URL: /admin",
		"X-Forwarded-For: 10.9.9.9", "X-Forwarded-Host: evil.example", "X-Forwarded-Proto: https",
		"X-Forwarded-Prefix: /evil", "X_Forwarded_For: 10.8.8.8", "X-Rewrite-URL: /admin"}
	t.Run("untrusted peer", func(t *testing.T) {
		t.Parallel()
		s, up, token := proxyRawSetup(t, "")
		if r := rawSend(t, s, rawGet("/api/resource/Item/1", token, claims...)); r.Status != http.StatusOK {
			t.Fatalf("through the proxy: %s", r)
		}
		got := up.last(t)
		for _, name := range []string{"X-Real-IP", "Forwarded", "X-Original-URL", "X-Forwarded-Prefix",
			"X_Forwarded_For", "X-Rewrite-URL"} {
			if v := got.values(name); len(v) > 0 {
				t.Errorf("the upstream received %s: %q", name, v)
			}
		}
		want := map[string]string{"X-Forwarded-For": "127.0.0.1", "X-Forwarded-Host": "api.example", "X-Forwarded-Proto": "http"}
		for name, value := range want {
			if v := got.values(name); len(v) != 1 || v[0] != value {
				t.Errorf("%s at the upstream: %q, want %q", name, v, value)
			}
		}
	})
	t.Run("trusted proxy", func(t *testing.T) {
		t.Parallel()
		s, up, token := proxyRawSetup(t, "", Env("OAUTHD_SERVER_TRUSTED_PROXIES=127.0.0.1"))
		if r := rawSend(t, s, rawGet("/api/resource/Item/1", token, claims...)); r.Status != http.StatusOK {
			t.Fatalf("through the proxy: %s", r)
		}
		got := up.last(t)
		want := map[string]string{"X-Forwarded-For": "10.9.9.9, 127.0.0.1", "X-Forwarded-Host": "evil.example",
			"X-Forwarded-Proto": "https", "X-Real-Ip": "10.9.9.9", "Forwarded": "for=10.9.9.9;host=evil.example",
			"X-Forwarded-Prefix": "/evil"}
		for name, value := range want {
			if v := got.values(name); len(v) != 1 || v[0] != value {
				t.Errorf("%s at the upstream: %q, want %q", name, v, value)
			}
		}
		if len(got.values("X_Forwarded_For")) > 0 {
			t.Errorf("a client's X_Forwarded_For passed a trusted proxy: %q", got.Header)
		}
	})
}

// Finding 5: segments that an upstream resolves as ".." after removing ";" parameters (Tomcat,
// Spring), after one more percent-decoding, or up to a NUL were forwarded as sent, so the
// upstream served a path outside the prefix the token was checked for. Now each is 400 and
// never reaches the upstream.
func TestSecurityProxyPathConfusion(t *testing.T) {
	t.Parallel()
	s, up, token := proxyRawSetup(t, "")
	for _, path := range []string{"/api/resource/..;/admin", "/api/resource/..;jsessionid=x/admin",
		"/api/resource/%252e%252e/admin", "/api/resource/.%2e/admin", "/api/resource/..%00/admin",
		"/api/resource/%2e%2e;x/admin", "/api/resource/x%00.json", "/api/resource/%252e%252e%252fadmin"} {
		hits := up.hits()
		r := rawSend(t, s, rawGet(path, token))
		if r.Status != http.StatusBadRequest || r.Str("error") != "invalid_request" {
			t.Errorf("%s: %s, want 400 invalid_request", path, r)
		}
		if up.hits() != hits {
			t.Errorf("%s reached the upstream", path)
		}
	}
	for _, path := range []string{"/api/resource/Item;v=2/1", "/api/resource/100%25", "/api/resource/..a/b"} {
		if r := rawSend(t, s, rawGet(path, token)); r.Status != http.StatusOK {
			t.Errorf("%s: %s, want it forwarded", path, r)
		} else if line := up.last(t).Line; line != "GET "+path+" HTTP/1.1" {
			t.Errorf("%s arrived as %q", path, line)
		}
	}
}

// Finding 6: with cors = "upstream" an unauthenticated preflight went to the upstream with its
// body and every header (cookies included). Now it carries the CORS request headers only and no
// body.
func TestSecurityProxyPreflightCarriesOnlyCORS(t *testing.T) {
	t.Parallel()
	s, up, _ := proxyRawSetup(t, "")
	body := "grant_type=password&username=admin"
	r := rawSend(t, s, "OPTIONS /api/raw/Item?x=1 HTTP/1.1\r\nHost: api.example\r\nOrigin: https://spa.example\r\n"+
		"Access-Control-Request-Method: DELETE\r\nAccess-Control-Request-Headers: authorization\r\n"+
		"Cookie: sid=0123456789abcdef0123456789abcdef01234567; theme=dark\r\nX-Custom: secret\r\n"+
		"User-Agent: browser/1.0\r\nContent-Type: application/x-www-form-urlencoded\r\n"+
		fmt.Sprintf("Content-Length: %d\r\n\r\n%s", len(body), body))
	if r.Status != http.StatusOK || r.Str("upstream") != "raw" {
		t.Fatalf("preflight: %s", r)
	}
	got := up.last(t)
	if got.Line != "OPTIONS /api/raw/Item?x=1 HTTP/1.1" || len(got.Body) != 0 {
		t.Errorf("the upstream received %q with a %d-byte body", got.Line, len(got.Body))
	}
	allowed := []string{"host", "origin", "access-control-request-method", "access-control-request-headers",
		"content-length"}
	for _, line := range got.Header {
		k, v, _ := strings.Cut(line, ":")
		if !slices.Contains(allowed, strings.ToLower(k)) || strings.EqualFold(k, "Content-Length") && strings.TrimSpace(v) != "0" {
			t.Errorf("the preflight carried %q", line)
		}
	}
	if v := got.values("Access-Control-Request-Method"); len(v) != 1 || v[0] != "DELETE" {
		t.Errorf("Access-Control-Request-Method at the upstream: %q", v)
	}
}
