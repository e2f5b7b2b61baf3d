package web

import (
	"slices"
	"testing"

	"github.com/gofiber/fiber/v2"

	"oauthd/adapters/adaptertest"
)

func TestLocalPath(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want string }{
		{"/x", "/x"},
		{"/", "/"},
		{"/app?a=1&b=%2F", "/app?a=1&b=%2F"},
		{"/api/method/frappe.integrations.oauth2.authorize?client_id=c", "/api/method/frappe.integrations.oauth2.authorize?client_id=c"},
		{"", "/"},
		{"x", "/"},
		{"//evil.example", "/"},
		{"///evil.example", "/"},
		{`/\evil.example`, "/"},
		{"https://evil.example/", "/"},
		{"javascript:alert(1)", "/"},
		{" /x", "/"},
		{"/x\r\nSet-Cookie: a=b", "/"},
		{"/x\nLocation: //evil", "/"},
		{"/\t/evil.example", "/"},
	} {
		if got := LocalPath(tc.in); got != tc.want {
			t.Errorf("LocalPath(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestOrigin(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want string }{
		{"https://app.example.com/cb?x=1#f", "https://app.example.com"},
		{"http://127.0.0.1:9000/callback", "http://127.0.0.1:9000"},
		{"http://[::1]:9000/cb", "http://[::1]:9000"},
		{"", ""},
		{"/relative/path", ""},
		{"//host.example/cb", ""},
		{"javascript:alert(1)", ""},
		{"com.example.app:/callback", ""},
		{"https://a.example;script-src *", ""},
		{"https://a.example'/", ""},
		{"https://a b.example/", ""},
		{"%zz", ""},
	} {
		if got := origin(tc.in); got != tc.want {
			t.Errorf("origin(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestScopeWords(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in, want []string
	}{
		{nil, nil},
		{[]string{"all"}, []string{"All your data and actions"}},
		{[]string{"openid"}, []string{"Full Name", "Email", "User Image", "Roles"}},
		{[]string{"all", "openid", "profile"},
			[]string{"All your data and actions", "Full Name", "Email", "User Image", "Roles", "Profile"}},
		{[]string{"read:orders", "x"}, []string{"Read:orders", "X"}},
		{[]string{"élan"}, []string{"Élan"}},
		{[]string{""}, nil},
	} {
		if got := ScopeWords(tc.in); !slices.Equal(got, tc.want) {
			t.Errorf("ScopeWords(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestWantsHTML(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		accept string
		want   bool
	}{
		{"text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", true},
		{"text/html", true},
		{"application/json", false},
		{"*/*", false},
		{"", false},
	} {
		c := adaptertest.Ctx(t, fiber.MethodGet, "/", "", fiber.HeaderAccept, tc.accept)
		if got := WantsHTML(c); got != tc.want {
			t.Errorf("WantsHTML(Accept %q) = %v, want %v", tc.accept, got, tc.want)
		}
	}
}

func TestLoginTarget(t *testing.T) {
	t.Parallel()
	const authorize = "/api/method/frappe.integrations.oauth2.authorize?client_id=c&state=s"
	for _, tc := range []struct{ in, want string }{
		{authorize, authorize},
		{"http://auth.example" + authorize, authorize},
		{"https://AUTH.example" + authorize, authorize},
		{"https://auth.example", "/"},
		{"https://auth.example/app#frag", "/app"},
		{"https://auth.example:8443/app", "/"}, // another port is another origin
		{"https://evil.example" + authorize, "/"},
		{"https://auth.example.evil.example/x", "/"},
		{"https://user@auth.example/x", "/"},
		{"https://auth.example//evil.example/x", "/"},
		{"https://auth.example/\\evil.example", "/"},
		{"ftp://auth.example/x", "/"},
		{"javascript://auth.example/%0aalert(1)", "/"},
		{"https://auth.example/x\r\nSet-Cookie: a=b", "/"},
		{"//auth.example/x", "/"},
		{"", "/"},
	} {
		c := adaptertest.Ctx(t, fiber.MethodGet, "/login", "")
		c.Request().SetHost("auth.example")
		if got := LoginTarget(c, tc.in); got != tc.want {
			t.Errorf("LoginTarget(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
