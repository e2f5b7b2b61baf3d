package proxy

import (
	"testing"

	"oauthd/config"
)

func TestMatchLongestPrefixOnSegments(t *testing.T) {
	t.Parallel()
	p := New(nil, []config.Proxy{
		{Prefix: "/api/resource", Upstream: "http://a"},
		{Prefix: "/api/resource/Item", Upstream: "http://b"},
		{Prefix: "/restapi/1.0/object", Upstream: "http://c"},
	}, nil, nil, "")
	cases := map[string]string{
		"/api/resource":            "http://a",
		"/api/resource/":           "http://a",
		"/api/resource/User/1":     "http://a",
		"/api/resource/Item":       "http://b",
		"/api/resource/Item/X-1":   "http://b",
		"/api/resource/Items":      "http://a",
		"/api/resources":           "",
		"/API/resource/User":       "",
		"/restapi/1.0/object/res":  "http://c",
		"/restapi/1.0/common/x":    "",
		"/api/method/x":            "",
		"/oauth2/verify":           "",
		"/restapi/1.0/objectless/": "",
	}
	for path, want := range cases {
		got := ""
		if r := p.match(path); r != nil {
			got = r.upstream
		}
		if got != want {
			t.Errorf("match(%q) = %q, want %q", path, got, want)
		}
	}
	if New(nil, nil, nil, nil, "") != nil {
		t.Error("New without tables is not nil")
	}
}

func TestTarget(t *testing.T) {
	t.Parallel()
	keep := &route{prefix: "/api/resource", upstream: "http://up:8000"}
	strip := &route{prefix: "/api/resource", upstream: "http://up:8000/base", strip: true}
	cases := []struct {
		r           *route
		path, query string
		want        string
	}{
		{keep, "/api/resource/Item/A%2FB", "fields=%5B%22name%22%5D&access_token=abc&x=1",
			"http://up:8000/api/resource/Item/A%2FB?fields=%5B%22name%22%5D&x=1"},
		{keep, "/api/resource", "access_token=abc", "http://up:8000/api/resource"},
		{strip, "/api/resource/Item", "", "http://up:8000/base/Item"},
		{strip, "/api/resource", "a=1", "http://up:8000/base/?a=1"},
		{keep, "/api/resource", "access%5Ftoken=abc&a", "http://up:8000/api/resource?a"},
	}
	for _, tc := range cases {
		if got := tc.r.target(tc.path, tc.query); got != tc.want {
			t.Errorf("target(%q, %q) = %q, want %q", tc.path, tc.query, got, tc.want)
		}
	}
}

func TestSafePath(t *testing.T) {
	t.Parallel()
	cases := map[string]bool{
		"/api/resource/Item":                 true,
		"/api/resource/Item/A%2FB":           true,
		"/api/resource/..x/y.":               true,
		"/api/resource/../method/login":      false,
		"/api/resource/./x":                  false,
		"/api/resource/%2e%2e/method":        false,
		"/api/resource/x%2F..%2F..%2Fmethod": false,
		`/api/resource/..\method`:            false,
		"/api/resource/%zz":                  false,
		"/api/resource/..":                   false,
		"/api/resource/..;/method":           false,
		"/api/resource/..;jsessionid=x/m":    false,
		"/api/resource/.;x/m":                false,
		"/api/resource/%2e%2e;/m":            false,
		"/api/resource/%252e%252e/method":    false,
		"/api/resource/%252E%252e%252fm":     false,
		"/api/resource/.%2e/method":          false,
		"/api/resource/..%00/method":         false,
		"/api/resource/x%00.json":            false,
		"/api/resource/x\x00":                false,
		"/api/resource/x%2500":               false,
		"/api/resource/a;b=c/d":              true,
		"/api/resource/..a;/d":               true,
		"/api/resource/100%25":               true,
		"/api/resource/100%2525zz":           true,
		"/api/resource/%25252e%25252e":       true, // three decodings deep: no upstream decodes that often
	}
	for path, want := range cases {
		if got := safePath(path); got != want {
			t.Errorf("safePath(%q) = %v, want %v", path, got, want)
		}
	}
}

func TestDroppedHeaders(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name             string
		untrusted, trust bool // dropped from an untrusted peer; from a trusted one
	}{
		{"X-Auth-User", true, true},
		{"X_Auth_User", true, true},
		{"x_auth-subject", true, true},
		{"Authorization", true, true},
		{"Authorizaton", true, true},
		{"Proxy_Authorization", true, true},
		{"X-Forwarded-For", true, false},
		{"X_Forwarded_For", true, true},
		{"X-Forwarded-Prefix", true, false},
		{"Forwarded", true, false},
		{"X-Real-IP", true, false},
		{"X_Real_Ip", true, true},
		{"X-Original-URL", true, false},
		{"X-Rewrite-Url", true, false},
		{"Api_Key", false, false},
		{"X-Request-Id", false, false},
		{"Cookie", false, false},
		{"Authentication", false, false},
	}
	for _, tc := range cases {
		if got := dropped([]byte(tc.name), false); got != tc.untrusted {
			t.Errorf("dropped(%q) from an untrusted peer = %v, want %v", tc.name, got, tc.untrusted)
		}
		if got := dropped([]byte(tc.name), true); got != tc.trust {
			t.Errorf("dropped(%q) from a trusted proxy = %v, want %v", tc.name, got, tc.trust)
		}
	}
}
