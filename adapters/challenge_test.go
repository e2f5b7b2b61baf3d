package adapters

import (
	"testing"

	"oauthd/core"
)

func TestChallengeFor(t *testing.T) {
	t.Parallel()
	const meta = "https://api.example/.well-known/oauth-protected-resource/mcp"
	for _, tc := range []struct {
		name string
		err  *core.Error
		want string // "" for no challenge
	}{
		{"no token", &core.Error{Code: core.ErrInvalidToken, Reason: core.ReasonTokenMissing},
			`Bearer scope="all openid", resource_metadata="` + meta + `"`},
		{"bad token", &core.Error{Code: core.ErrInvalidToken, Reason: core.ReasonTokenInvalid},
			`Bearer error="invalid_token", scope="all openid", resource_metadata="` + meta + `"`},
		{"scope", &core.Error{Code: core.ErrInsufficientScope, Reason: core.ReasonInsufficientScope},
			`Bearer error="insufficient_scope", scope="all openid", resource_metadata="` + meta + `"`},
		{"outage", &core.Error{Code: core.ErrTemporarilyUnavailable, Reason: core.ReasonUnavailable}, ""},
	} {
		b, ok := ChallengeFor(tc.err, []string{"all", "openid"}, meta)
		if got := b.String(); ok != (tc.want != "") || (ok && got != tc.want) {
			t.Errorf("%s: %q %v, want %q", tc.name, got, ok, tc.want)
		}
	}
	if got := (BearerChallenge{Scopes: []string{`a"b`, "c\x00\r\nd\\"}}).String(); got != `Bearer scope="ab cd"` {
		t.Errorf("a quote or a control character in a scope: %q", got)
	}
	if got := (BearerChallenge{Realm: "oauthd admin", Error: core.ErrInvalidToken}).String(); got !=
		`Bearer realm="oauthd admin", error="invalid_token"` {
		t.Errorf("the admin API's challenge: %q", got)
	}
}

func TestResourceMetadataURL(t *testing.T) {
	t.Parallel()
	for resource, want := range map[string]string{
		"https://api.example/mcp":          "https://api.example/.well-known/oauth-protected-resource/mcp",
		"https://api.example:8443/a/b/":    "https://api.example:8443/.well-known/oauth-protected-resource/a/b/",
		"http://127.0.0.1:9/restapi/1.0/x": "http://127.0.0.1:9/.well-known/oauth-protected-resource/restapi/1.0/x",
		"https://api.example":              "https://api.example/.well-known/oauth-protected-resource",
		"not a url":                        "",
	} {
		if got := ResourceMetadataURL(resource); got != want {
			t.Errorf("ResourceMetadataURL(%q) = %q, want %q", resource, got, want)
		}
	}
}
