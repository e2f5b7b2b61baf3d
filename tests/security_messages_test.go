package tests

// Findings 11, 12 and 13 of the security review: what error answers reveal or echo, and a
// disabled user's code.

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// Finding 12: error answers do not echo parameter names, which are the caller's words.
func TestSecurityErrorsDoNotEchoParameterNames(t *testing.T) {
	t.Parallel()
	s := frappeStart(t, nil)
	const planted = "Your-account-is-locked-call-555-0100"
	q := s.frappeQuery().Encode() + "&" + planted + "=1&" + planted + "=2"
	targets := map[string]*Resp{
		"Frappe authorize (browser)": Send(t, s.frappeLogin(t), "GET", s.URL+frappeOAuth+"authorize?"+q, nil, "Accept", "text/html"),
		"Frappe get_token": Send(t, nil, "POST", s.URL+frappeOAuth+"get_token",
			strings.NewReader("grant_type=client_credentials&"+planted+"=1&"+planted+"=2"),
			"Content-Type", "application/x-www-form-urlencoded"),
		"Odoo authorize": Send(t, nil, "GET", s.URL+odooOAuth+"/authorize?"+planted+"=1&"+planted+"=2", nil),
		"Odoo token": SendForm(t, nil, "POST", s.URL+odooOAuth+"/access_token?"+planted+"=1",
			url.Values{planted: {"2"}}),
		"Odoo OAuth header": Send(t, nil, "POST", s.URL+odooOAuth+"/access_token", nil,
			"Authorization", "OAuth "+planted+"='1', "+planted+"='2'"),
	}
	for name, r := range targets {
		if r.Status != http.StatusBadRequest && r.Status != http.StatusFound {
			t.Errorf("%s: %s, want the duplicate refused", name, r)
		}
		if strings.Contains(string(r.Raw), planted) || strings.Contains(r.Header.Get("Location"), planted) {
			t.Errorf("%s echoes the parameter name: %s", name, r)
		}
	}
}

// Finding 13: every client-authentication failure reads the same, so answers do not tell
// which client ids exist or how they authenticate.
func TestSecurityClientAuthFailuresLookAlike(t *testing.T) {
	t.Parallel()
	s := frappeStart(t, nil) // client_secret_post
	basic := s.AddClient(t, "--name", "Basic", "--redirect-uri", frappeRedirect, "--auth-method", "client_secret_basic",
		"--grant-type", "client_credentials", "--owner", frappeEmail)
	cc := func(v url.Values, hdr ...string) *Resp {
		v.Set("grant_type", "client_credentials")
		return SendForm(t, nil, "POST", s.URL+frappeOAuth+"get_token", v, hdr...)
	}
	odoo := func(v url.Values) *Resp {
		return SendForm(t, nil, "POST", s.URL+odooOAuth+"/access_token", v)
	}
	frappe := map[string]*Resp{
		"unknown client":   cc(url.Values{"client_id": {"no-such-client"}, "client_secret": {"x"}}),
		"wrong secret":     cc(url.Values{"client_id": {basic.ID}}, "Authorization", frappeBasic(basic.ID, "wrong")),
		"wrong method":     cc(url.Values{"client_id": {basic.ID}, "client_secret": {basic.Secret}}),
		"no secret":        cc(url.Values{"client_id": {basic.ID}}),
		"unknown in Basic": cc(url.Values{}, "Authorization", frappeBasic("no-such-client", "x")),
	}
	odooResps := map[string]*Resp{
		"unknown client": odoo(url.Values{"client_id": {"no-such-client"}, "client_secret": {"x"}}),
		"wrong method":   odoo(url.Values{"client_id": {basic.ID}, "client_secret": {basic.Secret}}),
		"no secret":      odoo(url.Values{"client_id": {basic.ID}}),
	}
	for dialect, resps := range map[string]map[string]*Resp{"Frappe": frappe, "Odoo": odooResps} {
		var first string
		for name, r := range resps {
			if r.Status != http.StatusUnauthorized {
				t.Errorf("%s %s: %s, want 401", dialect, name, r)
			}
			body := r.Str("error_description") + "|" + r.Str("message")
			if first == "" {
				first = body
			} else if body != first {
				t.Errorf("%s %s: %q differs from %q: the message tells the failures apart", dialect, name, body, first)
			}
		}
	}
}

// Finding 11: a code issued before the user was disabled does not exchange for tokens.
func TestSecurityDisabledUserCodeRefused(t *testing.T) {
	t.Parallel()
	s := frappeStart(t, nil)
	code := s.frappeCode(t, s.frappeLogin(t), frappeOAuth, s.frappeQuery())
	if _, err := serverSQL(t, s.Server).Exec("UPDATE users SET enabled = ? WHERE email = ?", false, frappeEmail); err != nil {
		t.Fatal(err)
	}
	r := s.frappeToken(t, frappeOAuth, url.Values{"grant_type": {"authorization_code"}, "code": {code},
		"redirect_uri": {frappeRedirect}, "client_id": {s.client.ID}, "client_secret": {s.client.Secret}})
	if r.Status != http.StatusBadRequest || r.Str("error") != "invalid_grant" {
		t.Fatalf("exchange for a disabled user: %s, want 400 invalid_grant", r)
	}
	if n := frappeCount(t, s.Server, "SELECT COUNT(*) FROM tokens"); n != 0 {
		t.Errorf("%d tokens written for a disabled user", n)
	}
}

// frappeCompatAuth runs a server with Frappe's unauthenticated revocation and introspection,
// for the tests that replay Frappe's own requests.
var frappeCompatAuth = []Option{Env("OAUTHD_OAUTH_REVOCATION_AUTH=none", "OAUTHD_OAUTH_INTROSPECTION_AUTH=none")}

// Finding 10: a client secret in a GET URL authenticates nothing on Odoo's endpoints: in an
// authorize URL (OpenInt's connector puts it there) it is ignored and the flow completes
// (secret_in_url); the module's POST with the secret in the query still works; a token request
// by GET is refused; and the secret never reaches the server's output.
func TestSecurityOdooSecretInURL(t *testing.T) {
	t.Parallel()
	e := odooSetup(t)
	secret := e.client.Secret
	q := url.Values{"client_id": {e.client.ID}, "client_secret": {secret}, "response_type": {"code"},
		"redirect_uri": {odooRedirect}}.Encode()
	hc := odooLogin(t, e.s, odooOwner, odooOwnerPass)
	if loc := Send(t, hc, "GET", e.s.URL+odooOAuth+"/authorize?"+q, nil).Location(t); loc.Query().Get("code") == "" {
		t.Errorf("GET authorize with client_secret in the URL: redirected to %s, want a code", loc)
	}
	if r := Send(t, hc, "GET", e.s.URL+odooOAuth+"/userinfo?"+q, nil); r.Status != http.StatusUnauthorized {
		t.Errorf("GET userinfo with client_secret and no token: %s, want 401", r)
	}
	if r := Send(t, nil, "GET", e.s.URL+odooOAuth+"/access_token?"+q, nil); r.Status < 400 {
		t.Errorf("GET access_token with the secret: %s, want refused", r)
	}
	r := Send(t, nil, "POST", e.s.URL+odooOAuth+"/access_token?"+url.Values{"client_id": {e.client.ID},
		"client_secret": {secret}}.Encode(), nil)
	if r.Status != http.StatusOK || r.Str("access_token") == "" {
		t.Errorf("the module's POST with the secret in the query: %s, want a token", r)
	}
	if strings.Contains(e.s.log.String(), secret) {
		t.Errorf("the client secret appears in the server's output:\n%s", e.s.log.String())
	}
}
