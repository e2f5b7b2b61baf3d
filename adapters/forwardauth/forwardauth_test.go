package forwardauth

import (
	"reflect"
	"testing"

	"oauthd/core"
)

func TestToken(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, authorization, uri, want string
		used                           core.Quirks
	}{
		{"bearer", "Bearer abc", "", "abc", 0},
		{"bearer in another case", "bEARER abc", "/x?access_token=zzz", "abc", 0},
		{"query of the original URI", "", "/restapi/1.0/object/res.partner?access_token=abc&ids=1", "abc", core.QuirkTokenInQuery},
		{"query when the header is Basic", "Basic dXNlcjpwdw==", "/x?access_token=abc", "abc", core.QuirkTokenInQuery},
		{"escaped query value", "", "/x?access_token=a%2Bb", "a+b", core.QuirkTokenInQuery},
		{"two query tokens", "", "/x?access_token=a&access_token=b", "", 0},
		{"empty bearer", "Bearer ", "", "", 0},
		{"no query", "", "/x", "", 0},
		{"other parameters only", "", "/x?token=abc", "", 0},
		{"nothing", "", "", "", 0},
	}
	for _, tc := range cases {
		if got, used := Token(tc.authorization, tc.uri); got != tc.want || used != tc.used {
			t.Errorf("%s: Token(%q, %q) = %q, %v; want %q, %v", tc.name, tc.authorization, tc.uri, got, used, tc.want, tc.used)
		}
	}
}

func TestParseRequirements(t *testing.T) {
	t.Parallel()
	cases := []struct {
		scope, client, resource string
		want                    core.Requirements
	}{
		{"", "", "", core.Requirements{Scopes: []string{}}},
		{"all", "", "", core.Requirements{Scopes: []string{"all"}}},
		{"all openid", " app ", "", core.Requirements{Scopes: []string{"all", "openid"}, ClientID: "app"}},
		{"all,openid, all", "", "", core.Requirements{Scopes: []string{"all", "openid"}}},
		{"all", "", " https://api.example/mcp", core.Requirements{Scopes: []string{"all"}, Resource: "https://api.example/mcp"}},
	}
	for _, tc := range cases {
		if got := ParseRequirements(tc.scope, tc.client, tc.resource); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("ParseRequirements(%q, %q, %q) = %+v, want %+v", tc.scope, tc.client, tc.resource, got, tc.want)
		}
	}
}

func TestSetIdentityKeepsHeadersIntact(t *testing.T) {
	t.Parallel()
	p := &core.Principal{Email: "ada@example.com", Subject: "s-1", ClientID: "app", Scopes: []string{"all", "openid"},
		FullName: "Ada\r\nX-Auth-User: mallory Lovelace", Resource: "https://api.example/mcp"}
	got := map[string]string{}
	SetIdentity(p, func(k, v string) { got[k] = v })
	want := map[string]string{HeaderUser: "ada@example.com", HeaderSubject: "s-1", HeaderClient: "app",
		HeaderScope: "all openid", HeaderName: "Ada  X-Auth-User: mallory Lovelace", HeaderAudience: "https://api.example/mcp"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("SetIdentity = %v, want %v", got, want)
	}
}
