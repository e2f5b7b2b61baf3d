package routes

import (
	"strings"
	"testing"

	"oauthd/config"
)

// A [[proxy]] prefix may sit below oauthd's roots, never at or above one: the roots come from
// every dialect's descriptor and the dialect-neutral endpoints.
func TestCheckProxiesKeepsOwnRoots(t *testing.T) {
	t.Parallel()
	for prefix, want := range map[string]string{
		"/api":                 "would hide oauthd's own /api/method endpoints",
		"/oauth2":              "would hide oauthd's own /oauth2 endpoints",
		"/restapi/1.0":         "would hide oauthd's own /restapi/1.0/common endpoints",
		"/web":                 "would hide oauthd's own /web endpoints",
		"/healthz":             "would hide oauthd's own /healthz endpoints",
		"/api/resource":        "",
		"/api/method/myapp.x":  "",
		"/restapi/1.0/object":  "",
		"/webhooks":            "",
		"/.well-known-not-yet": "",
	} {
		cfg := &config.Config{Proxies: []config.Proxy{{Prefix: "/mcp"}, {Prefix: prefix}}}
		err := CheckProxies(cfg)
		switch {
		case want == "" && err != nil:
			t.Errorf("%s: %v", prefix, err)
		case want != "" && (err == nil || !strings.Contains(err.Error(), want) ||
			!strings.HasPrefix(err.Error(), "config: proxy[1]: prefix:")):
			t.Errorf("%s: %v, want %q", prefix, err, want)
		}
	}
}

// Requests are labelled with the dialect whose roots or API they are under.
func TestDialectOfPath(t *testing.T) {
	t.Parallel()
	dialects := Dialects()
	for path, want := range map[string]string{
		"/api/method/frappe.integrations.oauth2.get_token": "frappe",
		"/api/resource/User":                      "frappe",
		"/login":                                  "frappe",
		"/.well-known/openid-configuration":       "frappe",
		"/restapi/1.0/common/oauth2/access_token": "odoo",
		"/restapi/1.0/object/res.partner":         "odoo",
		"/web/login":                              "odoo",
		"/oauth2/verify":                          "none",
		"/apis":                                   "none",
		"/":                                       "none",
	} {
		if got := dialectOf(dialects, path); got != want {
			t.Errorf("dialectOf(%q) = %q, want %q", path, got, want)
		}
	}
}
