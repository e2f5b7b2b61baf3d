package core

import (
	"net/url"
	"strings"
	"testing"
)

func TestMatchRedirect(t *testing.T) {
	t.Parallel()
	registered := []string{
		"https://app.example/cb",
		"https://app.example/cb2?tenant=7",
		"http://127.0.0.1:8080/cb",
		"http://localhost:3000/cb",
	}
	const def = "https://app.example/cb"
	accepted := []string{
		"https://app.example/cb",
		"https://app.example/cb2?tenant=7",
		"http://127.0.0.1:8080/cb",
		"http://localhost:3000/cb",
	}
	refused := map[string][]string{
		"case":           {"https://APP.example/cb", "HTTPS://app.example/cb", "https://app.example/CB", "https://app.example/cb2?TENANT=7"},
		"trailing slash": {"https://app.example/cb/", "https://app.example/cb2/?tenant=7", "http://127.0.0.1:8080/cb/"},
		"path traversal": {"https://app.example/cb/../evil", "https://app.example/x/../cb", "https://app.example/./cb", "https://app.example//cb"},
		"extra query":    {"https://app.example/cb?x=1", "https://app.example/cb?", "https://app.example/cb2?tenant=7&next=https://evil.example", "https://app.example/cb2?tenant=8", "https://app.example/cb2"},
		"fragment":       {"https://app.example/cb#", "https://app.example/cb#frag", "https://app.example/cb2?tenant=7#x"},
		"userinfo":       {"https://app.example@evil.example/cb", "https://evil.example@app.example/cb", "https://user:pw@app.example/cb", "https://app.example%40evil.example/cb"},
		"suffix host":    {"https://app.example.evil.example/cb", "https://evilapp.example/cb", "https://evil.example/app.example/cb"},
		"prefix path":    {"https://app.example/cbx", "https://app.example/cb/more", "https://app.example/c"},
		"loopback port":  {"http://127.0.0.1:8081/cb", "http://127.0.0.1/cb", "http://127.0.0.1:80/cb", "http://localhost:3001/cb"},
		"loopback host":  {"http://localhost:8080/cb", "http://127.0.0.1:3000/cb", "http://[::1]:8080/cb", "http://127.0.0.2:8080/cb", "http://0x7f.1:8080/cb"},
		"encoded":        {"https://app.example/%63b", "https://app.example%2Fcb", "https://app.example/cb%2F..%2Fevil", "https%3A%2F%2Fapp.example%2Fcb", "https://app.example/cb%23frag", "https://app.example/%2563b", "https://app.example/cb2?tenant%3D7", "https://app.example/cb%00"},
		"scheme or port": {"http://app.example/cb", "https://app.example:443/cb", "//app.example/cb", "app.example/cb"},
		"look-alike":     {"https://аpp.example/cb", "https://xn--pp-8cd.example/cb"},
		"whitespace":     {" https://app.example/cb", "https://app.example/cb ", "https://app.example/cb\n", "https://app.example/cb\t"},
	}

	for _, req := range accepted {
		if got, ok := matchRedirect(registered, def, req); !ok || got != req {
			t.Errorf("matchRedirect(%q) = %q, %v; want the exact registered URI", req, got, ok)
		}
	}
	for class, reqs := range refused {
		for _, req := range reqs {
			if got, ok := matchRedirect(registered, def, req); ok || got != "" {
				t.Errorf("%s: matchRedirect(%q) = %q, %v; want refused", class, req, got, ok)
			}
		}
	}
	if got, ok := matchRedirect(registered, def, ""); !ok || got != def {
		t.Errorf("empty redirect_uri = %q, %v; want the default %q", got, ok, def)
	}
	if got, ok := matchRedirect(registered, "", ""); ok {
		t.Errorf("empty redirect_uri without a default = %q, %v; want refused", got, ok)
	}
	if got, ok := matchRedirect(nil, "", "https://app.example/cb"); ok {
		t.Errorf("no registered URIs = %q, %v; want refused", got, ok)
	}
}

func TestValidRedirectURI(t *testing.T) {
	t.Parallel()
	for _, s := range []string{
		"https://app.example/cb",
		"https://app.example/cb?tenant=7",
		"http://127.0.0.1:8080/cb",
		"http://localhost/cb",
		"com.example.app://callback",
		"com.example.app:/callback",
	} {
		if !ValidRedirectURI(s) {
			t.Errorf("ValidRedirectURI(%q) = false, want true", s)
		}
	}
	for _, s := range []string{
		"",
		"/cb",
		"cb",
		"app.example/cb",
		"//app.example/cb",
		"https:///cb",
		"https://good@evil.example/cb",
		"https://user:pw@app.example/cb",
		"https://app.example/cb#frag",
		"https://app.example/cb#",
		"https://app.example/c b",
		"https://app.example/cb\n",
		"https://app.example/cb\r\nLocation: https://evil.example",
		"https://app.example/cb%",
		"javascript:alert(1)",
		"data:text/html,hi",
		"https://[::1/cb",
		"com.example.app:/cb#x",
		"app:/callback",
	} {
		if ValidRedirectURI(s) {
			t.Errorf("ValidRedirectURI(%q) = true, want false", s)
		}
	}
}

func TestAppendQuery(t *testing.T) {
	t.Parallel()
	v := url.Values{"code": {"abc"}, "state": {"s t&x"}}
	cases := map[string]string{
		"https://app.example/cb":          "https://app.example/cb?code=abc&state=s+t%26x",
		"https://app.example/cb?tenant=7": "https://app.example/cb?tenant=7&code=abc&state=s+t%26x",
	}
	for uri, want := range cases {
		if got := AppendQuery(uri, v); got != want {
			t.Errorf("AppendQuery(%q) = %q, want %q", uri, got, want)
		}
		if strings.Count(AppendQuery(uri, v), "?") != 1 {
			t.Errorf("AppendQuery(%q) has more than one '?'", uri)
		}
	}
}

// Every authorization response names the issuer (RFC 9207), success and error alike, beside
// the state and after the redirect URI's own query.
func TestAuthorizationResponseIssuer(t *testing.T) {
	t.Parallel()
	a := &Authorization{RedirectURI: "https://app.example/cb?tenant=7", State: "st",
		Request: AuthorizeRequest{Issuer: "https://id.example"}}
	for name, got := range map[string]string{
		"code":  a.CodeRedirect("c0de"),
		"error": a.ErrorRedirect(&Error{Code: ErrAccessDenied, Description: "no"}),
	} {
		u, err := url.Parse(got)
		if err != nil || !strings.HasPrefix(got, "https://app.example/cb?") || u.Query().Get("tenant") != "7" ||
			u.Query()["iss"][0] != "https://id.example" || len(u.Query()["iss"]) != 1 || u.Query().Get("state") != "st" {
			t.Errorf("%s response %q: want tenant, state and iss", name, got)
		}
	}
	a.Request.Issuer, a.State = "", ""
	if got := a.CodeRedirect("c0de"); got != "https://app.example/cb?tenant=7&code=c0de" {
		t.Errorf("without issuer or state: %q", got)
	}
}
