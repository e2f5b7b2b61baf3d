package tests

import (
	"bytes"
	"encoding/json"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"golang.org/x/oauth2"
)

// adminAPI is a server with the admin listener on and an admin token.
type adminAPI struct {
	*Server
	base, token string
}

func startAdmin(t *testing.T, opts ...Option) *adminAPI {
	t.Helper()
	s := StartServer(t, append(opts, Env("OAUTHD_ADMIN_ADDR=127.0.0.1:0"))...)
	m := regexp.MustCompile(`oauthd admin on (http://\S+)/`).FindStringSubmatch(s.log.String())
	if m == nil {
		t.Fatalf("no admin address in the log:\n%s", s.log.String())
	}
	var tok struct{ Name, Token string }
	if err := json.Unmarshal(s.CLI(t, "admin", "token", "create", "--name", "ci"), &tok); err != nil || len(tok.Token) != 40 {
		t.Fatalf("admin token create: %+v %v", tok, err)
	}
	return &adminAPI{Server: s, base: m[1] + "/admin/v1", token: tok.Token}
}

// call sends a JSON request with the admin token and returns the response.
func (a *adminAPI) call(t *testing.T, method, path string, body any) *Resp {
	t.Helper()
	var r *bytes.Reader
	if body != nil {
		raw, _ := json.Marshal(body)
		r = bytes.NewReader(raw)
	} else {
		r = bytes.NewReader(nil)
	}
	return Send(t, nil, method, a.base+path, r, "Authorization", "Bearer "+a.token, "Content-Type", "application/json")
}

func expectStatus(t *testing.T, what string, r *Resp, status int) {
	t.Helper()
	if r.Status != status {
		t.Fatalf("%s: %d, want %d: %s", what, r.Status, status, r.Raw)
	}
}

func TestAdminAPIClients(t *testing.T) {
	a := startAdmin(t)
	a.AddUser(t, "owner@example.com", "owner-password", "Owner")
	for _, tc := range []struct {
		hdr       []string
		challenge string
	}{
		{nil, `Bearer realm="oauthd admin"`},
		{[]string{"Authorization", "Bearer " + strings.Repeat("a", 40)}, `Bearer realm="oauthd admin", error="invalid_token"`},
		{[]string{"Authorization", "Basic eDp5"}, `Bearer realm="oauthd admin"`},
	} {
		r := Send(t, nil, "GET", a.base+"/clients", nil, tc.hdr...)
		if r.Status != http.StatusUnauthorized || r.Header.Get("WWW-Authenticate") != tc.challenge {
			t.Fatalf("without a valid admin token (%v): %d %q", tc.hdr, r.Status, r.Header.Get("WWW-Authenticate"))
		}
	}
	if r := Send(t, nil, "GET", a.URL+"/admin/v1/clients", nil, "Authorization", "Bearer "+a.token); r.Status != http.StatusNotFound {
		t.Fatalf("the public listener serves the admin API: %d", r.Status)
	}

	created := a.call(t, "POST", "/clients", map[string]any{"name": "CI App", "redirect_uris": []string{"https://ci.example/cb"},
		"owner": "owner@example.com", "grant_types": []string{"client_credentials"}, "auth_methods": []string{"client_secret_post"}})
	expectStatus(t, "create", created, http.StatusCreated)
	id, secret := created.Str("client_id"), created.Str("client_secret")
	if len(secret) != 40 {
		t.Fatalf("create must return the secret once: %s", created.Raw)
	}
	tok := SendForm(t, nil, "POST", a.URL+frappeOAuth+"get_token", map[string][]string{"grant_type": {"client_credentials"},
		"client_id": {id}, "client_secret": {secret}})
	expectStatus(t, "client_credentials with the returned secret", tok, http.StatusOK)

	got := a.call(t, "GET", "/clients/"+id, nil)
	expectStatus(t, "get", got, http.StatusOK)
	if strings.Contains(string(got.Raw), secret) || strings.Contains(string(got.Raw), `"client_secret"`) {
		t.Fatalf("get shows the secret: %s", got.Raw)
	}
	upd := a.call(t, "PATCH", "/clients/"+id, map[string]any{"name": "CI App 2", "redirect_uris": []string{"https://ci.example/cb2"}})
	expectStatus(t, "update", upd, http.StatusOK)
	if upd.Str("name") != "CI App 2" || upd.Str("default_redirect_uri") != "https://ci.example/cb2" {
		t.Fatalf("update: %s", upd.Raw)
	}
	bad := a.call(t, "PATCH", "/clients/"+id, map[string]any{"name": "X", "redirect_uris": []string{"not a url"}})
	expectStatus(t, "invalid update", bad, http.StatusBadRequest)
	if !strings.Contains(bad.Str("message"), "invalid redirect URI") {
		t.Fatalf("the CLI's message: %s", bad.Raw)
	}
	if n := frappeCount(t, a.Server, "SELECT COUNT(*) FROM clients WHERE name = 'CI App 2'"); n != 1 {
		t.Fatal("a refused update wrote something")
	}
	expectStatus(t, "unknown field", a.call(t, "PATCH", "/clients/"+id, map[string]any{"colour": "red"}), http.StatusBadRequest)
	expectStatus(t, "unknown client", a.call(t, "GET", "/clients/nope", nil), http.StatusNotFound)

	list := a.call(t, "GET", "/clients/"+id+"/tokens", nil)
	expectStatus(t, "tokens", list, http.StatusOK)
	if toks, _ := list.JSON["tokens"].([]any); len(toks) != 1 || strings.Contains(string(list.Raw), tok.Str("access_token")) {
		t.Fatalf("tokens of the client: %s", list.Raw)
	}
	rev := a.call(t, "DELETE", "/clients/"+id+"/tokens", nil)
	if rev.Status != http.StatusOK || rev.JSON["revoked"] != 1.0 {
		t.Fatalf("revoke client tokens: %d %s", rev.Status, rev.Raw)
	}
	if r := Send(t, nil, "GET", a.URL+frappeLoggedIn, nil, "Authorization", "Bearer "+tok.Str("access_token")); r.Status != http.StatusUnauthorized {
		t.Fatalf("a revoked client's token still works: %d", r.Status)
	}
	rot := a.call(t, "POST", "/clients/"+id+"/rotate-secret", nil)
	if rot.Status != http.StatusOK || rot.Str("client_secret") == secret || len(rot.Str("client_secret")) != 40 {
		t.Fatalf("rotate: %s", rot.Raw)
	}
	expectStatus(t, "remove", a.call(t, "DELETE", "/clients/"+id, nil), http.StatusNoContent)
	expectStatus(t, "removed", a.call(t, "GET", "/clients/"+id, nil), http.StatusNotFound)
	a.CLI(t, "admin", "token", "revoke", "ci")
	expectStatus(t, "after revoke", a.call(t, "GET", "/clients", nil), http.StatusUnauthorized)
}

func TestAdminAPIUsers(t *testing.T) {
	a := startAdmin(t)
	c := a.call(t, "POST", "/users", map[string]any{"email": "Ann@Example.com", "password": "ann-password",
		"full_name": "Ann", "roles": []string{"Sales User"}})
	expectStatus(t, "create", c, http.StatusCreated)
	if strings.Contains(string(c.Raw), "password") {
		t.Fatalf("a user view holds the password: %s", c.Raw)
	}
	expectStatus(t, "duplicate", a.call(t, "POST", "/users", map[string]any{"email": "ann@example.com", "password": "ann-password"}), http.StatusBadRequest)
	expectStatus(t, "short password", a.call(t, "POST", "/users", map[string]any{"email": "b@example.com", "password": "short"}), http.StatusBadRequest)
	a.AddUser(t, "bob@example.com", "bob-password", "Bob")
	page := a.call(t, "GET", "/users?search=ann&limit=10", nil)
	if users, _ := page.JSON["users"].([]any); page.Status != 200 || len(users) != 1 || page.JSON["total"] != 1.0 {
		t.Fatalf("search: %s", page.Raw)
	}
	expectStatus(t, "bad limit", a.call(t, "GET", "/users?limit=9999", nil), http.StatusBadRequest)
	expectStatus(t, "bad offset", a.call(t, "GET", "/users?offset=x", nil), http.StatusBadRequest)

	upd := a.call(t, "PATCH", "/users/ann%40example.com", map[string]any{"full_name": "Ann Lee", "add_roles": []string{"Stock User"}})
	if upd.Status != 200 || upd.Str("full_name") != "Ann Lee" || len(upd.JSON["roles"].([]any)) != 2 {
		t.Fatalf("update: %s", upd.Raw)
	}
	b := frappeLoginAs(t, a.Server, "ann@example.com", "ann-password")
	dis := a.call(t, "POST", "/users/ann@example.com/disable", nil)
	if dis.Status != 200 || dis.JSON["enabled"] != false {
		t.Fatalf("disable: %s", dis.Raw)
	}
	if r := Send(t, b, "GET", a.URL+frappeLoggedIn, nil); r.Status == http.StatusOK {
		t.Fatal("a disabled user's session still works")
	}
	expectStatus(t, "enable", a.call(t, "POST", "/users/ann@example.com/enable", nil), http.StatusOK)
	expectStatus(t, "password", a.call(t, "POST", "/users/ann@example.com/password", map[string]any{"password": "new-password"}), http.StatusOK)
	frappeLoginAs(t, a.Server, "ann@example.com", "new-password")
	expectStatus(t, "user tokens", a.call(t, "GET", "/users/ann@example.com/tokens", nil), http.StatusOK)
	expectStatus(t, "revoke user tokens", a.call(t, "DELETE", "/users/ann@example.com/tokens", nil), http.StatusOK)
	expectStatus(t, "remove", a.call(t, "DELETE", "/users/ann@example.com", nil), http.StatusNoContent)
	expectStatus(t, "removed", a.call(t, "GET", "/users/ann@example.com", nil), http.StatusNotFound)
	expectStatus(t, "disable unknown", a.call(t, "POST", "/users/nobody@example.com/disable", nil), http.StatusNotFound)

	doc := Send(t, nil, "GET", a.base+"/openapi.json", nil)
	if doc.Status != 200 || doc.Str("openapi") != "3.0.3" {
		t.Fatalf("openapi.json: %d %.200s", doc.Status, doc.Raw)
	}
}

func TestAdminTokenCLI(t *testing.T) {
	s := StartServer(t)
	s.CLI(t, "admin", "token", "create", "--name", "alice")
	cliRefuses(t, s, 1, "admin", "token", "create", "--name", "alice") // a duplicate name
	out := string(s.CLI(t, "admin", "token", "list"))
	if !strings.Contains(out, `"name":"alice"`) || strings.Contains(out, "token\"") {
		t.Fatalf("list: %s", out)
	}
	var digest string
	serverSQL(t, s).QueryRow("SELECT id FROM admin_tokens").Scan(&digest)
	if len(digest) != 64 {
		t.Fatalf("admin tokens are stored as a SHA-256 digest, got %q", digest)
	}
	for _, args := range [][]string{{"admin"}, {"admin", "token", "create"}, {"admin", "token", "zap"}} {
		cliRefuses(t, s, 2, args...)
	}
	cliRefuses(t, s, 1, "admin", "token", "revoke", "bob")
}

// keys is GET /keys; every key carries exactly the fields `oauthd keys list` prints, so no
// private material can slip in.
func (a *adminAPI) keys(t *testing.T) []map[string]any {
	t.Helper()
	r := a.call(t, "GET", "/keys", nil)
	expectStatus(t, "list keys", r, http.StatusOK)
	var body struct{ Keys []map[string]any }
	if err := json.Unmarshal(r.Raw, &body); err != nil {
		t.Fatalf("list keys: %v: %s", err, r.Raw)
	}
	for _, k := range body.Keys {
		expectKeyFields(t, k)
	}
	return body.Keys
}

func expectKeyFields(t *testing.T, k map[string]any) {
	t.Helper()
	want := map[string]bool{"kid": true, "alg": true, "created_at": true, "signing": true, "published": true,
		"retired_at": k["signing"] == false}
	for f := range k {
		if !want[f] {
			t.Fatalf("key field %q: %v", f, k)
		}
		delete(want, f)
	}
	for f, needed := range want {
		if needed {
			t.Fatalf("key without %q: %v", f, k)
		}
	}
}

// jwksKIDs are the kids the main listener publishes.
func jwksKIDs(t *testing.T, s *Server) []string {
	t.Helper()
	var set struct{ Keys []struct{ Kid string } }
	r := Send(t, nil, "GET", s.URL+"/.well-known/jwks.json", nil)
	if err := json.Unmarshal(r.Raw, &set); r.Status != http.StatusOK || err != nil {
		t.Fatalf("jwks: %d %v", r.Status, err)
	}
	var kids []string
	for _, k := range set.Keys {
		kids = append(kids, k.Kid)
	}
	slices.Sort(kids)
	return kids
}

func TestAdminAPIKeys(t *testing.T) {
	a := startAdmin(t)
	for _, req := range [][2]string{{"GET", "/keys"}, {"POST", "/keys/rotate"}, {"DELETE", "/keys/x"}} {
		if r := Send(t, nil, req[0], a.base+req[1], nil); r.Status != http.StatusUnauthorized {
			t.Fatalf("%s %s without an admin token: %d", req[0], req[1], r.Status)
		}
	}
	if n := frappeCount(t, a.Server, "SELECT COUNT(*) FROM signing_keys"); n != 1 {
		t.Fatalf("an unauthenticated rotation wrote a key: %d keys", n)
	}
	a.AddUser(t, parityEmail, parityPassword, parityName)
	client := a.AddClient(t, "--name", "OIDC RP", "--redirect-uri", parityRedirect, "--skip-authorization")
	cfg := libConfig(a.Server, parityDialects[0], client, oauth2.AuthStyleInHeader)
	idToken := func() string {
		tok, err := cfg.Exchange(t.Context(), libCode(t, a.Server, parityDialects[0], cfg))
		if err != nil {
			t.Fatal(err)
		}
		return tok.Extra("id_token").(string)
	}

	keys := a.keys(t)
	if len(keys) != 1 || keys[0]["signing"] != true || keys[0]["published"] != true {
		t.Fatalf("one signing key at start: %v", keys)
	}
	first := keys[0]["kid"].(string)
	if got := oidcKeyID(t, idToken()); got != first {
		t.Fatalf("id_token kid %q, listed %q", got, first)
	}

	rot := a.call(t, "POST", "/keys/rotate", nil)
	expectStatus(t, "rotate", rot, http.StatusCreated)
	expectKeyFields(t, rot.JSON)
	second := rot.Str("kid")
	if second == "" || second == first || rot.JSON["signing"] != true {
		t.Fatalf("rotate: %s", rot.Raw)
	}
	want := []string{first, second}
	slices.Sort(want)
	if kids := jwksKIDs(t, a.Server); !slices.Equal(kids, want) {
		t.Fatalf("JWKS after rotation: %v, want both %v", kids, want)
	}
	if got := oidcKeyID(t, idToken()); got != second {
		t.Fatalf("after rotation the id_token is signed by %q, want %q", got, second)
	}
	keys = a.keys(t)
	if len(keys) != 2 || keys[0]["kid"] != second || keys[1]["kid"] != first || keys[1]["signing"] != false ||
		keys[1]["published"] != true {
		t.Fatalf("list after rotation: %v", keys)
	}

	// The CLI's validation and words: the signing key is refused, an unknown kid is not found.
	for _, c := range []struct {
		kid    string
		status int
	}{{second, http.StatusBadRequest}, {"no-such-kid", http.StatusNotFound}} {
		r := a.call(t, "DELETE", "/keys/"+c.kid, nil)
		expectStatus(t, "remove "+c.kid, r, c.status)
		stderr := cliRefuses(t, a.Server, 1, "keys", "remove", "--", c.kid) // a key id may begin with "-"
		if msg := r.Str("message"); msg == "" || !strings.Contains(stderr, msg) {
			t.Fatalf("remove %s: API says %q, the CLI %q", c.kid, msg, stderr)
		}
	}
	expectStatus(t, "remove the retired key", a.call(t, "DELETE", "/keys/"+first, nil), http.StatusNoContent)
	if kids := jwksKIDs(t, a.Server); !slices.Equal(kids, []string{second}) {
		t.Fatalf("JWKS after removal: %v", kids)
	}
	if keys := a.keys(t); len(keys) != 1 || keys[0]["kid"] != second {
		t.Fatalf("list after removal: %v", keys)
	}
	expectStatus(t, "remove it again", a.call(t, "DELETE", "/keys/"+first, nil), http.StatusNotFound)
}
