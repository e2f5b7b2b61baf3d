package tests

// Finding 6 of the security review: the issuer in the metadata came from X-Forwarded-Host,
// which Fiber believed from anyone.

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

func metadataFrom(t *testing.T, s *Server, hdr ...string) *Resp {
	t.Helper()
	r := Send(t, nil, "GET", s.URL+"/.well-known/openid-configuration", nil, hdr...)
	if r.Status != http.StatusOK {
		t.Fatalf("metadata: %s", r)
	}
	return r
}

func TestSecurityIssuerIgnoresUntrustedForwardedHeaders(t *testing.T) {
	t.Parallel()
	s := StartServer(t)
	r := metadataFrom(t, s, "X-Forwarded-Host", "evil.example", "X-Forwarded-Proto", "https")
	if r.Str("issuer") != s.URL || !strings.HasPrefix(r.Str("token_endpoint"), s.URL+"/") {
		t.Errorf("issuer %q, token endpoint %q: want %s, the forwarded headers came from no trusted proxy",
			r.Str("issuer"), r.Str("token_endpoint"), s.URL)
	}
	if cc := r.Header.Get("Cache-Control"); !strings.Contains(cc, "public") || !strings.Contains(cc, "max-age=") {
		t.Errorf("Cache-Control %q, want public with a max-age", cc)
	}
}

func TestSecurityIssuerTrustedProxy(t *testing.T) {
	t.Parallel()
	s := StartServer(t, Env("OAUTHD_SERVER_TRUSTED_PROXIES=10.9.9.9, 127.0.0.0/8"))
	r := metadataFrom(t, s, "X-Forwarded-Host", "auth.example", "X-Forwarded-Proto", "https")
	if r.Str("issuer") != "https://auth.example" {
		t.Errorf("issuer behind a trusted proxy = %q, want https://auth.example", r.Str("issuer"))
	}

	// A configured issuer always wins.
	fixed := StartServer(t, Env("OAUTHD_SERVER_TRUSTED_PROXIES=127.0.0.1", "OAUTHD_SERVER_ISSUER=https://id.example"))
	r = metadataFrom(t, fixed, "X-Forwarded-Host", "evil.example")
	if r.Str("issuer") != "https://id.example" {
		t.Errorf("configured issuer = %q, want https://id.example", r.Str("issuer"))
	}
}

func TestSecurityIssuerStartupWarning(t *testing.T) {
	t.Parallel()
	open := StartServer(t, Env("OAUTHD_SERVER_ADDR=0.0.0.0:0"))
	local := StartServer(t)
	named := StartServer(t, Env("OAUTHD_SERVER_ADDR=0.0.0.0:0", "OAUTHD_SERVER_ISSUER=https://id.example"))
	time.Sleep(100 * time.Millisecond)
	if !strings.Contains(open.log.String(), "server.issuer is not set") {
		t.Errorf("no warning for 0.0.0.0 without an issuer:\n%s", open.log.String())
	}
	for name, s := range map[string]*Server{"loopback": local, "issuer set": named} {
		if strings.Contains(s.log.String(), "warning") {
			t.Errorf("%s: unexpected warning:\n%s", name, s.log.String())
		}
	}
}

// The per-address login budget counts the address a trusted proxy reports, and only then: from
// anyone else X-Forwarded-For is the client's own claim and changes nothing.
func TestSecurityLoginAddressBehindProxy(t *testing.T) {
	t.Parallel()
	login := func(s *Server, xff string) int {
		return SendForm(t, nil, "POST", s.URL+"/api/method/login", url.Values{"usr": {frappeEmail}, "pwd": {frappePassword}},
			"X-Forwarded-For", xff).Status
	}
	behind := StartServer(t, Env("OAUTHD_LOGIN_MAX_ATTEMPTS=1", "OAUTHD_SERVER_TRUSTED_PROXIES=127.0.0.1"))
	behind.AddUser(t, frappeEmail, frappePassword, frappeName)
	for i, tc := range []struct {
		xff  string
		want int
	}{{"198.51.100.1", 200}, {"203.0.113.9, 198.51.100.1", 429}, {"198.51.100.2", 200}} {
		if got := login(behind, tc.xff); got != tc.want {
			t.Errorf("behind a trusted proxy, attempt %d from %q: %d, want %d", i+1, tc.xff, got, tc.want)
		}
	}
	direct := StartServer(t, Env("OAUTHD_LOGIN_MAX_ATTEMPTS=1"))
	direct.AddUser(t, frappeEmail, frappePassword, frappeName)
	if first, second := login(direct, "198.51.100.1"), login(direct, "198.51.100.2"); first != 200 || second != 429 {
		t.Errorf("no trusted proxy: %d then %d with a new X-Forwarded-For, want 200 then 429", first, second)
	}
}
