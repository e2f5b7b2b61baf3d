package tests

// Issue 9's client-visible gaps: the openid_configuration method, first and last names,
// Frappe's standard roles, the absolute redirect-to, and client authentication by either
// method on a default confidential client.

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestFrappeOpenIDConfigurationMethod(t *testing.T) {
	t.Parallel()
	s := StartServer(t)
	want := Send(t, nil, "GET", s.URL+"/.well-known/openid-configuration", nil)
	for _, prefix := range []string{frappeOAuth, frappeLegacy} {
		for _, method := range []string{"GET", "POST"} {
			r := Send(t, nil, method, s.URL+prefix+"openid_configuration", nil)
			if r.Status != http.StatusOK || string(r.Raw) != string(want.Raw) {
				t.Errorf("%s %sopenid_configuration: %d %s, want the metadata %s", method, prefix, r.Status, r.Raw, want.Raw)
			}
		}
	}
	frappeExpect(t, "metadata", want, http.StatusOK, map[string]any{
		"token_endpoint_auth_methods_supported": []string{"client_secret_basic", "client_secret_post", "none"}})
}

// namesEnv has a user with first and last names, a one-word user, and a default confidential
// client (no --auth-method) for each, granted client_credentials so that tokens speak for them.
type namesEnv struct {
	s           *Server
	ada, plato  Client
	adaSub      string
	frappeToken string
}

func namesSetup(t *testing.T) *namesEnv {
	t.Helper()
	s := StartServer(t)
	// Stored names that a split of the full name would not give back: claims must report them.
	s.CLI(t, "user", "add", "--email", "ada@example.com", "--password", "ada-password", "--first-name", "Ada King",
		"--last-name", "Lovelace", "--role", "Sales User")
	s.CLI(t, "user", "add", "--email", "plato@example.com", "--password", "plato-password", "--full-name", "Plato")
	client := func(owner string) Client {
		return s.AddClient(t, "--name", "Reports "+owner, "--redirect-uri", "https://app.example/cb", "--owner", owner,
			"--grant-type", "client_credentials", "--scope", "all openid")
	}
	e := &namesEnv{s: s, ada: client("ada@example.com"), plato: client("plato@example.com")}
	if err := serverSQL(t, s).QueryRow("SELECT subject FROM users WHERE email = ?", "ada@example.com").Scan(&e.adaSub); err != nil {
		t.Fatal(err)
	}
	return e
}

// A default confidential client authenticates by HTTP Basic (openid-client, NextAuth) and in
// the body (the modules' own clients), through both dialects.
func TestDefaultClientTakesBasicAndPost(t *testing.T) {
	t.Parallel()
	e := namesSetup(t)
	cc := url.Values{"grant_type": {"client_credentials"}}
	frappeExpect(t, "Frappe, Basic", parityPostForm(t, e.s.URL+frappeOAuth+"get_token", cc, &e.ada), http.StatusOK,
		map[string]any{"token_type": "Bearer"})
	frappeExpect(t, "Frappe, post", SendForm(t, nil, "POST", e.s.URL+frappeOAuth+"get_token", url.Values{
		"grant_type": {"client_credentials"}, "client_id": {e.ada.ID}, "client_secret": {e.ada.Secret}}),
		http.StatusOK, map[string]any{"token_type": "Bearer"})
	odooExpect(t, odooDo(t, nil, func() *http.Request {
		req := Request(t, "POST", e.s.URL+odooOAuth+"/access_token", strings.NewReader(cc.Encode()),
			"Content-Type", "application/x-www-form-urlencoded")
		req.SetBasicAuth(e.ada.ID, e.ada.Secret)
		return req
	}()), http.StatusOK, map[string]any{"token_type": "Bearer"})
	odooExpect(t, odooPostForm(t, nil, e.s.URL+odooOAuth+"/access_token", url.Values{"grant_type": {"client_credentials"},
		"client_id": {e.ada.ID}, "client_secret": {e.ada.Secret}}), http.StatusOK, map[string]any{"token_type": "Bearer"})
	// Either way the secret is checked.
	frappeExpect(t, "Frappe, wrong secret", parityPostForm(t, e.s.URL+frappeOAuth+"get_token", cc,
		&Client{ID: e.ada.ID, Secret: e.plato.Secret}), http.StatusUnauthorized, map[string]any{"error": "invalid_client"})
}

func TestNamesAndStandardRoles(t *testing.T) {
	t.Parallel()
	e := namesSetup(t)
	token := func(c Client) string {
		r := SendForm(t, nil, "POST", e.s.URL+frappeOAuth+"get_token", url.Values{"grant_type": {"client_credentials"},
			"client_id": {c.ID}, "client_secret": {c.Secret}})
		frappeExpect(t, "get_token", r, http.StatusOK, map[string]any{"scope": "all openid"})
		return r.Str("access_token")
	}
	ada, plato := token(e.ada), token(e.plato)
	claims := map[string]any{"sub": e.adaSub, "name": "Ada King Lovelace", "given_name": "Ada King",
		"family_name": "Lovelace", "roles": []string{"Sales User", "All", "Guest"}}
	frappeExpect(t, "openid_profile", Send(t, nil, "GET", e.s.URL+frappeOAuth+"openid_profile", nil,
		"Authorization", "Bearer "+ada), http.StatusOK, claims)
	frappeExpect(t, "introspect_token", SendForm(t, nil, "POST", e.s.URL+frappeOAuth+"introspect_token",
		url.Values{"token": {ada}, "client_id": {e.ada.ID}, "client_secret": {e.ada.Secret}}), http.StatusOK, claims)
	odooExpect(t, odooGet(t, nil, e.s.URL+odooOAuth+"/userinfo", "Authorization", "Bearer "+ada), http.StatusOK,
		map[string]any{"given_name": "Ada King", "family_name": "Lovelace",
			"roles": []any{"Sales User", "All", "Guest"}})

	// A one-word name: family_name is null, as Frappe reports a user without last_name.
	oneWord := map[string]any{"name": "Plato", "given_name": "Plato", "family_name": nil, "roles": []string{"All", "Guest"}}
	frappeExpect(t, "one-word openid_profile", Send(t, nil, "GET", e.s.URL+frappeOAuth+"openid_profile", nil,
		"Authorization", "Bearer "+plato), http.StatusOK, oneWord)
	r := odooGet(t, nil, e.s.URL+odooOAuth+"/userinfo", "Authorization", "Bearer "+plato)
	if v, ok := r.JSON["family_name"]; r.Status != http.StatusOK || !ok || v != nil || r.Str("given_name") != "Plato" {
		t.Errorf("Odoo userinfo of a one-word name: %d %s", r.Status, r.Raw)
	}
	var first, last string
	if err := serverSQL(t, e.s).QueryRow("SELECT first_name, last_name FROM users WHERE email = ?",
		"plato@example.com").Scan(&first, &last); err != nil || first != "Plato" || last != "" {
		t.Errorf("stored names %q %q, %v", first, last, err)
	}
}

// Frappe sends the absolute authorize URL in redirect-to; the login page accepts it on its
// own host (reduced to the path) and still sends any other host to "/". Odoo's login too.
func TestLoginAbsoluteRedirect(t *testing.T) {
	t.Parallel()
	s := StartServer(t)
	s.AddUser(t, frappeEmail, frappePassword, frappeName)
	authorize := frappeOAuth + "authorize?client_id=abc&response_type=code&scope=all%20openid&state=xyz"
	page := Send(t, Browser(t), "GET", s.URL+"/login?redirect-to="+url.QueryEscape(s.URL+authorize), nil)
	if got := hiddenFields(page.Raw).Get("redirect-to"); page.Status != http.StatusOK || got != authorize {
		t.Errorf("login page keeps redirect-to %q, want %q", got, authorize)
	}
	for _, tc := range []struct{ target, want string }{
		{s.URL + authorize, authorize},
		{"https://evil.example" + authorize, "/"},
		{strings.Replace(s.URL, "http://", "http://user@", 1) + "/app", "/"},
	} {
		r := SendForm(t, Browser(t), "POST", s.URL+"/login", url.Values{"usr": {frappeEmail}, "pwd": {frappePassword},
			"redirect-to": {tc.target}})
		if r.Status != http.StatusFound || r.Header.Get("Location") != tc.want {
			t.Errorf("Frappe login to %q: %d Location %q, want %q", tc.target, r.Status, r.Header.Get("Location"), tc.want)
		}
	}
	odooAuthorize := odooOAuth + "/authorize?client_id=abc&response_type=code"
	for _, tc := range []struct{ target, want string }{
		{s.URL + odooAuthorize, odooAuthorize},
		{"https://evil.example/web", "/"},
	} {
		r := SendForm(t, Browser(t), "POST", s.URL+"/web/login", url.Values{"login": {frappeEmail},
			"password": {frappePassword}, "redirect": {tc.target}})
		if r.Status != http.StatusFound || r.Header.Get("Location") != tc.want {
			t.Errorf("Odoo login to %q: %d Location %q, want %q", tc.target, r.Status, r.Header.Get("Location"), tc.want)
		}
	}
}
