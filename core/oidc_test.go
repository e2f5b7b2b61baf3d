package core

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"oauthd/models"
)

func TestSealerBindsLabelAndSecret(t *testing.T) {
	t.Parallel()
	if _, err := NewSealer("short"); err == nil {
		t.Fatal("a short secret was accepted")
	}
	a, _ := NewSealer(strings.Repeat("a", 32))
	b, _ := NewSealer(strings.Repeat("b", 32))
	sealed := a.Seal([]byte("private"), "signing-key:1")
	if got, err := a.Open(sealed, "signing-key:1"); err != nil || string(got) != "private" {
		t.Fatalf("Open = %q, %v", got, err)
	}
	if strings.Contains(sealed, "private") || a.Seal([]byte("private"), "signing-key:1") == sealed {
		t.Fatal("sealing must hide the value and use a fresh nonce")
	}
	for name, open := range map[string]func() ([]byte, error){
		"other label":  func() ([]byte, error) { return a.Open(sealed, "signing-key:2") },
		"other secret": func() ([]byte, error) { return b.Open(sealed, "signing-key:1") },
		"damaged":      func() ([]byte, error) { return a.Open(sealed[:len(sealed)-2]+"AA", "signing-key:1") },
		"garbage":      func() ([]byte, error) { return a.Open("%%%", "signing-key:1") },
	} {
		if _, err := open(); err == nil {
			t.Errorf("%s: opened", name)
		}
	}
}

func TestParsePrompt(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in   string
		want Prompt
		ok   bool
	}{
		{"", Prompt{}, true},
		{"none", Prompt{None: true}, true},
		{"login consent", Prompt{Login: true, Consent: true}, true},
		{"select_account", Prompt{}, true},
		{"none login", Prompt{}, false},
		{"bogus", Prompt{}, false},
	} {
		got, err := parsePrompt(tc.in)
		if (err == nil) != tc.ok || (tc.ok && got != tc.want) {
			t.Errorf("parsePrompt(%q) = %+v, %v", tc.in, got, err)
		}
		if err != nil && (err.Code != ErrInvalidRequest || !err.Redirectable) {
			t.Errorf("parsePrompt(%q) error %+v, want a redirectable invalid_request", tc.in, err)
		}
	}
}

func TestLoginNeeded(t *testing.T) {
	t.Parallel()
	now := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	e := newEngine(t, nil, Options{Clock: func() time.Time { return now }})
	u := &models.User{ID: 1}
	for _, tc := range []struct {
		name   string
		req    AuthorizeRequest
		user   *models.User
		login  time.Time
		needed bool
	}{
		{"no session", AuthorizeRequest{}, nil, time.Time{}, true},
		{"session", AuthorizeRequest{}, u, now.Add(-time.Hour), false},
		{"prompt=login", AuthorizeRequest{Prompt: "login"}, u, now, true},
		{"max_age=0 a second later", AuthorizeRequest{MaxAge: "0"}, u, now.Add(-time.Second), true},
		{"max_age=0 this second", AuthorizeRequest{MaxAge: "0"}, u, now, true},
		{"within max_age", AuthorizeRequest{MaxAge: "3600"}, u, now.Add(-time.Minute), false},
		{"older than max_age", AuthorizeRequest{MaxAge: "60"}, u, now.Add(-2 * time.Minute), true},
	} {
		if got := e.LoginNeeded(tc.req, tc.user, tc.login); got != tc.needed {
			t.Errorf("%s: LoginNeeded = %v", tc.name, got)
		}
	}
}

func TestAfterLoginDropsWhatTheLoginSatisfies(t *testing.T) {
	t.Parallel()
	q, _ := url.ParseQuery("client_id=c&prompt=login+consent&max_age=0&state=s")
	got := AfterLogin(q)
	if got.Get("prompt") != "consent" || got.Has("max_age") || got.Get("state") != "s" || q.Get("max_age") != "0" {
		t.Fatalf("AfterLogin = %v (input %v)", got, q)
	}
}

func TestCheckResource(t *testing.T) {
	t.Parallel()
	e := newEngine(t, nil, Options{OIDC: OIDCOptions{Resources: []string{"https://api.example/mcp"}}})
	open := newEngine(t, nil, Options{})
	proxied := newEngine(t, nil, Options{OIDC: OIDCOptions{Proxies: []ProtectedResource{
		{URL: "https://mcp.example/mcp", Prefix: "/mcp"}, {Prefix: "/api/resource"}}}})
	for _, tc := range []struct {
		eng      *Engine
		resource string
		want     string
		ok       bool
	}{
		{e, "", "", true},
		{e, "https://api.example/mcp", "https://api.example/mcp", true},
		{e, "https://api.example/mcp/", "https://api.example/mcp", true},
		{e, "https://api.example/other", "", false},
		{e, "https://api.example/mcp#frag", "", false},
		{e, "/relative", "", false},
		{open, "https://issuer.example", "https://issuer.example", true},
		{open, "https://api.example/mcp", "", false},
		{proxied, "https://mcp.example/mcp", "https://mcp.example/mcp", true},
		{proxied, "https://issuer.example/api/resource", "https://issuer.example/api/resource", true},
		{proxied, "https://issuer.example", "https://issuer.example", true}, // no oauth.resources: the issuer too
		{proxied, "https://issuer.example/mcp", "", false},                  // its identifier is the one it names
	} {
		got, err := tc.eng.checkResource(tc.resource, "https://issuer.example")
		if (err == nil) != tc.ok || got != tc.want || (err != nil && err.Code != ErrInvalidTarget) {
			t.Errorf("checkResource(%q) = %q, %v", tc.resource, got, err)
		}
	}
}

// Each resource's metadata is found by its identifier's path; the issuer's host wins when two
// resources share a path, and the root belongs to the issuer's own document.
func TestResourceAt(t *testing.T) {
	t.Parallel()
	e := newEngine(t, nil, Options{OIDC: OIDCOptions{Resources: []string{"https://other.example/mcp", "https://api.example/v1/"},
		Proxies: []ProtectedResource{{URL: "https://issuer.example/mcp", Prefix: "/mcp", Scopes: []string{"all"}},
			{Prefix: "/api/resource", Scopes: []string{"read"}}}}})
	for path, want := range map[string]string{
		"/mcp":           "https://issuer.example/mcp",
		"/mcp/":          "https://issuer.example/mcp",
		"/api/resource":  "https://issuer.example/api/resource",
		"/v1":            "https://api.example/v1/",
		"":               "",
		"/":              "",
		"/api":           "",
		"/api/resource2": "",
	} {
		r, ok := e.ResourceAt("https://issuer.example", path)
		if got := r.Identifier("https://issuer.example"); ok != (want != "") || (ok && got != want) {
			t.Errorf("ResourceAt(%q) = %q, %v; want %q", path, got, ok, want)
		}
	}
	if r, _ := e.ResourceAt("https://issuer.example", "/api/resource"); len(r.Scopes) != 1 || r.Scopes[0] != "read" {
		t.Errorf("a proxy's resource keeps its scopes: %+v", r)
	}
}

func TestProfileClaimsFollowScopes(t *testing.T) {
	t.Parallel()
	all := map[string]any{"sub": "s", "iss": "i", "name": "N", "given_name": "G", "family_name": "F",
		"email": "e@x", "picture": nil, "roles": []string{}}
	for _, tc := range []struct {
		scope string
		want  []string
	}{
		{"all openid", []string{"name", "given_name", "family_name", "email", "picture", "roles"}},
		{"openid email", []string{"email"}},
		{"openid profile", []string{"name", "given_name", "family_name", "picture", "roles"}},
	} {
		got := profileClaims(all, ParseScope(tc.scope))
		if len(got) != len(tc.want) {
			t.Errorf("%s: %v", tc.scope, got)
		}
		for _, k := range tc.want {
			if _, ok := got[k]; !ok {
				t.Errorf("%s: %s missing from %v", tc.scope, k, got)
			}
		}
	}
}

func TestAllowedRedirectHost(t *testing.T) {
	t.Parallel()
	hosts := []string{"localhost", "127.0.0.1", "[::1]", "claude.ai"}
	for uri, want := range map[string]bool{
		"http://localhost:33418/cb":          true,
		"http://127.0.0.1/cb":                true,
		"http://[::1]:8080/cb":               true,
		"https://claude.ai/api/mcp/callback": true,
		"http://claude.ai/cb":                false, // not loopback: https only
		"https://evil.example/cb":            false,
		"http://localhost.evil.example/cb":   false,
		"https://claude.ai.evil.example/cb":  false,
		"myapp://callback":                   false,
	} {
		if got := allowedRedirectHost(uri, hosts); got != want {
			t.Errorf("allowedRedirectHost(%q) = %v", uri, got)
		}
	}
}

// Rotations in the same second still leave the newest key signing and listed first, the
// retired ones published until KeyRetention has passed, and the signing key irremovable.
func TestSigningKeyRotation(t *testing.T) {
	t.Parallel()
	onBackends(t, Options{}, func(t *testing.T, f *fixture) {
		ctx := t.Context()
		first, _ := f.eng.SigningKeyList(ctx)
		k2, err := f.eng.RotateSigningKey(ctx)
		if err != nil {
			t.Fatal(err)
		}
		k3, _ := f.eng.RotateSigningKey(ctx)
		keys, _ := f.eng.SigningKeyList(ctx)
		if len(first) != 1 || len(keys) != 3 || keys[0].ID != k3.ID || !keys[0].RetiredAt.IsZero() ||
			keys[1].RetiredAt.IsZero() || keys[2].RetiredAt.IsZero() {
			t.Fatalf("after two rotations: %+v", keys)
		}
		set, _ := f.eng.JWKS(ctx)
		if len(set.Keys) != 3 || set.Keys[0].KeyID != k3.ID {
			t.Fatalf("JWKS %+v", set.Keys)
		}
		if err := f.eng.RemoveSigningKey(ctx, k3.ID); err == nil {
			t.Fatal("the signing key was removed")
		}
		if err := f.eng.RemoveSigningKey(ctx, k2.ID); err != nil {
			t.Fatal(err)
		}
		f.clock.Advance(f.eng.opt.OIDC.KeyRetention + time.Second)
		if set, _ := f.eng.JWKS(ctx); len(set.Keys) != 1 || set.Keys[0].KeyID != k3.ID {
			t.Fatalf("JWKS after retention: %+v", set.Keys)
		}
	})
}
