package tests

import (
	"net/http"
	"strings"
	"testing"
)

// corsPaths are every endpoint a browser app may call cross-origin, in both dialects.
var corsPaths = []string{
	frappeOAuth + "get_token", frappeOAuth + "revoke_token", frappeOAuth + "introspect_token",
	frappeOAuth + "openid_profile", frappeOAuth + "openid_configuration", frappeLegacy + "get_token",
	odooOAuth + "/access_token", odooOAuth + "/revoke", odooOAuth + "/userinfo",
	"/.well-known/openid-configuration", "/.well-known/oauth-authorization-server", "/.well-known/jwks.json",
	"/.well-known/oauth-protected-resource", "/.well-known/oauth-protected-resource/mcp",
}

func preflight(t *testing.T, s *Server, path, origin string) *Resp {
	t.Helper()
	return Send(t, nil, http.MethodOptions, s.URL+path, nil, "Origin", origin,
		"Access-Control-Request-Method", "POST", "Access-Control-Request-Headers", "authorization, content-type")
}

// noCORS fails when the answer carries any Access-Control-* header.
func noCORS(t *testing.T, what string, r *Resp) {
	t.Helper()
	for name := range r.Header {
		if strings.HasPrefix(strings.ToLower(name), "access-control-") {
			t.Errorf("%s: %s: %q, want no CORS headers", what, name, r.Header.Get(name))
		}
	}
}

func TestCORSUnconfiguredSendsNothing(t *testing.T) {
	t.Parallel()
	s := StartServer(t)
	for _, path := range corsPaths {
		noCORS(t, "preflight "+path, preflight(t, s, path, "https://app.example"))
	}
	noCORS(t, "metadata", Send(t, nil, "GET", s.URL+"/.well-known/openid-configuration", nil, "Origin", "https://app.example"))
}

func TestCORSAllowedOrigins(t *testing.T) {
	t.Parallel()
	s := StartServer(t, Env("OAUTHD_CORS_ALLOWED_ORIGINS=https://app.example, https://admin.example:8443"))
	for _, path := range corsPaths {
		r := preflight(t, s, path, "https://app.example")
		if r.Status != http.StatusNoContent || r.Header.Get("Access-Control-Allow-Origin") != "https://app.example" ||
			!strings.Contains(r.Header.Get("Access-Control-Allow-Methods"), "POST") ||
			!strings.Contains(strings.ToLower(r.Header.Get("Access-Control-Allow-Headers")), "authorization") ||
			r.Header.Get("Access-Control-Allow-Credentials") != "" {
			t.Errorf("preflight %s: %d %v", path, r.Status, r.Header)
		}
		noCORS(t, "other origin "+path, preflight(t, s, path, "https://evil.example"))
	}
	r := preflight(t, s, frappeOAuth+"get_token", "https://admin.example:8443")
	if r.Header.Get("Access-Control-Allow-Origin") != "https://admin.example:8443" {
		t.Errorf("second configured origin: %v", r.Header)
	}
	// Pages and the authorize endpoint are for top-level navigation, never CORS.
	for _, path := range []string{frappeOAuth + "authorize", "/login", "/api/method/login", "/web/login"} {
		noCORS(t, "preflight "+path, preflight(t, s, path, "https://app.example"))
	}
	// The actual request carries the header too, and an error answer is readable by the app.
	r = Send(t, nil, "POST", s.URL+frappeOAuth+"get_token", strings.NewReader("grant_type=client_credentials"),
		"Origin", "https://app.example", "Content-Type", "application/x-www-form-urlencoded")
	if r.Header.Get("Access-Control-Allow-Origin") != "https://app.example" || !strings.Contains(r.Header.Get("Vary"), "Origin") {
		t.Errorf("POST get_token from an allowed origin: %d %v", r.Status, r.Header)
	}
}

// An origin registered on any client is allowed at once, without a restart, and no longer
// once the client is removed.
func TestCORSClientOrigins(t *testing.T) {
	t.Parallel()
	s := StartServer(t)
	noCORS(t, "before registration", preflight(t, s, odooOAuth+"/access_token", "https://spa.example"))
	c := s.AddClient(t, "--name", "SPA", "--redirect-uri", "https://spa.example/cb", "--auth-method", "none",
		"--cors-origin", "https://SPA.example/")
	for _, path := range []string{odooOAuth + "/access_token", frappeOAuth + "get_token", "/.well-known/jwks.json"} {
		if r := preflight(t, s, path, "https://spa.example"); r.Header.Get("Access-Control-Allow-Origin") != "https://spa.example" {
			t.Errorf("preflight %s for a client's origin: %d %v", path, r.Status, r.Header)
		}
	}
	noCORS(t, "unregistered origin", preflight(t, s, frappeOAuth+"get_token", "https://spa.example.evil.example"))
	s.CLI(t, "client", "remove", c.ID)
	noCORS(t, "after removal", preflight(t, s, frappeOAuth+"get_token", "https://spa.example"))
}
