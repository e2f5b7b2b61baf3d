package tests

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

const verifyPath = "/oauth2/verify"

// verifyWant is what one verify call must answer: 200 with an identity, or a refusal with its
// challenge.
type verifyWant struct {
	status    int
	user      string // X-Auth-User of a 200
	client    string // X-Auth-Client of a 200
	challenge string // WWW-Authenticate of a refusal before its resource_metadata ("" for none)
}

// TestForwardAuthVerify asks /oauth2/verify about each kind of token, in each place proxies
// put it, under each kind of requirement, then with the database gone.
func TestForwardAuthVerify(t *testing.T) {
	t.Parallel()
	s := StartServer(t)
	tok := protectSetup(t, s)
	ada, app, odoo := tok.flow.Email, tok.flow.Client.ID, tok.odooCli.ID
	ok := func(user, client string) verifyWant { return verifyWant{http.StatusOK, user, client, ""} }
	invalid := verifyWant{status: http.StatusUnauthorized, challenge: `Bearer error="invalid_token"`}
	// No usable bearer token at all: the challenge names no error (RFC 6750 §3.1), and states
	// the scopes required.
	none := verifyWant{status: http.StatusUnauthorized, challenge: `Bearer`}
	noneAll := verifyWant{status: http.StatusUnauthorized, challenge: `Bearer scope="all"`}
	scope := func(s string) verifyWant {
		return verifyWant{status: http.StatusForbidden, challenge: `Bearer error="insufficient_scope", scope="` + s + `"`}
	}
	bearer := func(token string) []string { return []string{"Authorization", "Bearer " + token} }
	cases := []struct {
		name   string
		method string
		query  string   // the verify URL's own query: the requirements
		hdr    []string // header name/value pairs of the sub-request
		want   verifyWant
	}{
		{"frappe token", "GET", "", bearer(tok.all), ok(ada, app)},
		{"scheme in lower case", "GET", "", []string{"Authorization", "bearer " + tok.all}, ok(ada, app)},
		{"any method", "POST", "", bearer(tok.all), ok(ada, app)},
		{"HEAD", "HEAD", "", bearer(tok.all), verifyWant{status: http.StatusOK}},
		{"scope granted", "GET", "scope=all", bearer(tok.all), ok(ada, app)},
		{"scopes comma-separated", "GET", "scope=all,openid", bearer(tok.all), ok(ada, app)},
		{"scopes space-separated", "GET", "scope=openid+all", bearer(tok.all), ok(ada, app)},
		{"scope not granted", "GET", "scope=all,write", bearer(tok.all), scope("all write")},
		{"narrower token", "GET", "scope=all", bearer(tok.openid), scope("all")},
		{"narrower token, its scope", "GET", "scope=openid", bearer(tok.openid), ok(ada, app)},
		{"its client", "GET", "client=" + app + "&scope=all", bearer(tok.all), ok(ada, app)},
		{"another client", "GET", "client=" + odoo, bearer(tok.all), invalid},
		{"odoo client_credentials", "GET", "scope=all&client=" + odoo, bearer(tok.odoo), ok(ada, odoo)},
		{"nginx X-Original-URI query", "GET", "scope=all",
			[]string{"X-Original-URI", "/restapi/1.0/object/res.partner?ids=1&access_token=" + tok.odoo}, ok(ada, odoo)},
		{"traefik X-Forwarded-Uri query", "GET", "",
			[]string{"X-Forwarded-Uri", "/api/resource/User?access_token=" + tok.all}, ok(ada, app)},
		{"envoy path_prefix form", "GET", "", nil, ok(ada, odoo)},          // the path is set below
		{"envoy form, the client's scope=", "GET", "", nil, ok(ada, odoo)}, // no requirement from its query
		{"header wins over query", "GET", "",
			append(bearer(tok.all), "X-Original-URI", "/x?access_token="+tok.odoo), ok(ada, app)},
		{"token in the verify URL's own query", "GET", "access_token=" + tok.all, nil, none},
		{"no token", "GET", "", nil, none},
		{"no token, requirements", "GET", "scope=all", nil, noneAll},
		{"unknown token", "GET", "", bearer(strings.Repeat("A", 40)), invalid},
		{"unknown token, requirements", "GET", "scope=all", bearer(strings.Repeat("A", 40)),
			verifyWant{status: http.StatusUnauthorized, challenge: `Bearer error="invalid_token", scope="all"`}},
		{"malformed header", "GET", "", []string{"Authorization", "Bearer a b"}, none},
		{"basic credentials", "GET", "", []string{"Authorization", "Basic YWRhOnB3"}, none},
		{"refresh token", "GET", "", bearer(tok.refresh), invalid},
		{"revoked token", "GET", "", bearer(tok.revoked), invalid},
		{"expired token", "GET", "", bearer(tok.expired), invalid},
		{"disabled user", "GET", "", bearer(tok.bob), invalid},
		{"two query tokens", "GET", "",
			[]string{"X-Original-URI", "/x?access_token=" + tok.all + "&access_token=" + tok.odoo}, none},
	}
	for _, tc := range cases {
		target := s.URL + verifyPath + "?" + tc.query
		switch tc.name {
		case "envoy path_prefix form":
			target = s.URL + verifyPath + "/restapi/1.0/object/res.partner?access_token=" + tok.odoo
		case "envoy form, the client's scope=":
			target = s.URL + verifyPath + "/api/x?scope=write&client=other&access_token=" + tok.odoo
		}
		r := Send(t, nil, tc.method, target, nil, tc.hdr...)
		verifyExpect(t, tc.name, r, tc.want)
	}

	// Two Authorization headers are ambiguous: refused, whichever is the good one.
	req := Request(t, "GET", s.URL+verifyPath, nil)
	req.Header.Add("Authorization", "Bearer "+tok.all)
	req.Header.Add("Authorization", "Bearer "+tok.odoo)
	verifyExpect(t, "two Authorization headers", SendRequest(t, nil, req), none)

	// With the tokens table gone the database cannot answer: 503, no challenge (for a token the
	// bearer cache has not seen; one it holds keeps answering for the cache's TTL).
	unseen := protectOdooCC(t, s, tok.odooCli)
	protectExec(t, s, "ALTER TABLE tokens RENAME TO tokens_gone")
	r := Send(t, nil, "GET", s.URL+verifyPath, nil, bearer(unseen)...)
	verifyExpect(t, "database gone", r, verifyWant{status: http.StatusServiceUnavailable})
	if r.Str("error") != "temporarily_unavailable" {
		t.Errorf("database gone: %s, want temporarily_unavailable", r)
	}
	resAlive(t, s)
}

// verifyExpect checks one verify answer: status, identity or challenge, no-store, and the
// small JSON body.
func verifyExpect(t *testing.T, name string, r *Resp, want verifyWant) {
	t.Helper()
	if r.Status != want.status {
		t.Errorf("%s: %s, want %d", name, r, want.status)
		return
	}
	if cc := r.Header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("%s: Cache-Control %q, want no-store", name, cc)
	}
	// A refusal's challenge also points at the protected resource metadata (RFC 9728).
	got, meta := r.Header.Get("WWW-Authenticate"), `/.well-known/oauth-protected-resource"`
	prefix := want.challenge + `, resource_metadata="http://127.0.0.1:`
	if want.challenge == "Bearer" {
		prefix = `Bearer resource_metadata="http://127.0.0.1:`
	}
	if (want.challenge == "" && got != "") || (want.challenge != "" && (!strings.HasPrefix(got, prefix) ||
		!strings.HasSuffix(got, meta))) {
		t.Errorf("%s: WWW-Authenticate %q, want %q with resource_metadata", name, got, want.challenge)
	}
	if want.status == http.StatusOK {
		verifyIdentity(t, name, r.Header, want.user, want.client)
		return
	}
	if r.JSON == nil || r.JSON["status_code"] != float64(want.status) || r.Str("error") == "" || r.Str("description") == "" ||
		len(r.JSON) != 3 {
		t.Errorf("%s: body %s, want {description, status_code, error}", name, r.Raw)
	}
	for _, h := range []string{"X-Auth-User", "X-Auth-Subject", "X-Auth-Client", "X-Auth-Scope", "X-Auth-Name"} {
		if v, ok := r.Header[h]; ok {
			t.Errorf("%s: refusal carries %s: %q", name, h, v)
		}
	}
}

// verifyIdentity checks the identity headers of a 200 (user and client "" skip those).
func verifyIdentity(t *testing.T, name string, h http.Header, user, client string) {
	t.Helper()
	if user != "" && h.Get("X-Auth-User") != user {
		t.Errorf("%s: X-Auth-User %q, want %q", name, h.Get("X-Auth-User"), user)
	}
	if client != "" && h.Get("X-Auth-Client") != client {
		t.Errorf("%s: X-Auth-Client %q, want %q", name, h.Get("X-Auth-Client"), client)
	}
	if user == "ada@example.com" && (h.Get("X-Auth-Name") != "Ada Lovelace" || len(h.Get("X-Auth-Subject")) < 8 ||
		h.Get("X-Auth-Scope") == "") {
		t.Errorf("%s: identity %v, want Ada's name, subject and scope", name, h)
	}
}

// TestForwardAuthDatabaseOutage cuts MariaDB away under a running server: verify answers
// 503 (never 500, never a 401 that would make clients drop a good token) and serves again
// once the database is back.
func TestForwardAuthDatabaseOutage(t *testing.T) {
	direct, name := resMySQLDatabase(t)
	proxy := resStartProxy(t, "127.0.0.1:3306")
	db := &Database{Driver: "mysql", SQL: direct.SQL, DSN: fmt.Sprintf(
		"root@tcp(127.0.0.1:%d)/%s?timeout=2s&readTimeout=5s&writeTimeout=5s", proxy.Port(), name)}
	s := StartServerOn(t, db)
	f := resSetupFlow(t, s)
	good, _ := f.Tokens(t, s.URL)
	fresh, _ := f.Tokens(t, s.URL) // never checked before the cut, so no cache can hold it
	verifyExpect(t, "before the cut", Send(t, nil, "GET", s.URL+verifyPath+"?scope=all", nil,
		"Authorization", "Bearer "+good), verifyWant{http.StatusOK, f.Email, f.Client.ID, ""})

	proxy.Cut()
	for attempt := range 2 {
		r := Send(t, nil, "GET", s.URL+verifyPath+"?scope=all", nil, "Authorization", "Bearer "+fresh)
		verifyExpect(t, fmt.Sprintf("database away, attempt %d", attempt+1), r,
			verifyWant{status: http.StatusServiceUnavailable})
	}
	proxy.Restore()
	err := resWaitFor(t.Context(), 15*time.Second, func() error {
		r, err := resGet(NoRedirect, s.URL+verifyPath+"?"+url.Values{"scope": {"all"}}.Encode(), fresh)
		if err == nil && r.Status != http.StatusOK {
			err = fmt.Errorf("%s", r)
		}
		return err
	})
	if err != nil {
		t.Errorf("after the database came back: %v", err)
	}
	resAlive(t, s)
}

// TestForwardAuthBadInput sends malformed sub-requests raw: each gets a 4xx in the
// resource-error shape, never a 5xx, and the server stays up.
func TestForwardAuthBadInput(t *testing.T) {
	t.Parallel()
	s := StartServer(t)
	f := resSetupFlow(t, s)
	access, _ := f.Tokens(t, s.URL)
	cases := []badCase{
		{name: "unreadable original URI", target: verifyPath, header: []string{"X-Original-URI: /%zz?access_token=%zz&%"}},
		{name: "original URI without a path", target: verifyPath, header: []string{"X-Forwarded-Uri: ?access_token="}},
		{name: "control character in the bearer", target: verifyPath, header: []string{"Authorization: Bearer a\x01b"}},
		{name: "bearer of 8 KiB", target: verifyPath, header: []string{"Authorization: Bearer " + strings.Repeat("t", 8<<10)}},
		{name: "null byte in the requirements", target: verifyPath + "?scope=%00&client=%00", header: []string{
			"Authorization: Bearer " + access}},
		{name: "quote in the requirements", target: verifyPath + "?scope=a%22b%5C", header: []string{
			"Authorization: Bearer " + access}},
		{name: "envoy form, dot segments", target: verifyPath + "/../../api/method/login?access_token=x"},
		{name: "body on the sub-request", method: "POST", target: verifyPath, header: []string{badForm},
			body: "access_token=" + access},
	}
	for _, c := range cases {
		r, err := resRaw(s.URL, c.raw())
		switch {
		case err != nil:
			t.Errorf("%s: no answer: %v", c.name, err)
		case r.Status < 400 || r.Status > 499:
			t.Errorf("%s: %s, want a 4xx", c.name, r)
		case r.JSON["status_code"] == nil && r.JSON["error"] == nil:
			t.Errorf("%s: %s, want a JSON error", c.name, r)
		}
	}
	resAlive(t, s)
}
