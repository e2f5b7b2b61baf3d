package tests

// Findings 4 and 5 of the security review: revocation and introspection without client
// authentication. Both now follow the ownership rule: a caller that names a client sees and
// revokes only that client's tokens; one that names none answers for the token it holds
// (revoke_without_client, introspect_without_client), unless the token's client refuses it.

import (
	"net/http"
	"net/url"
	"testing"
)

// Finding 4: revocation. A caller naming a client revokes only that client's tokens; one naming
// none revokes the token it holds, unless the token's client refuses revoke_without_client.
func TestSecurityRevocationNeedsClient(t *testing.T) {
	t.Parallel()
	s := frappeStart(t, nil)
	other := s.AddClient(t, "--name", "Other", "--redirect-uri", frappeRedirect, "--auth-method", "client_secret_post")
	access := s.frappeTokens(t, s.frappeLogin(t)).Str("access_token")
	alive := func() bool {
		return s.frappeBearer(t, "GET", frappeLoggedIn, "Authorization", access).Status == http.StatusOK
	}
	revoke := func(form url.Values) *Resp {
		return SendForm(t, nil, "POST", s.URL+frappeOAuth+"revoke_token", form)
	}
	s.CLI(t, "client", "update", s.client.ID, "--refuse-quirk", "revoke_without_client")
	if r := revoke(url.Values{"token": {access}}); r.Status != http.StatusUnauthorized || !alive() {
		t.Fatalf("bare token, its client refusing revoke_without_client: %s, alive %v; want 401 and the token alive", r, alive())
	}
	if r := Send(t, nil, "POST", s.URL+odooOAuth+"/revoke?token="+access, nil); r.Status != http.StatusUnauthorized || !alive() {
		t.Fatalf("Odoo, bare token, refused: %s, alive %v; want 401 and the token alive", r, alive())
	}
	r := revoke(url.Values{"token": {access}, "client_id": {other.ID}, "client_secret": {other.Secret}})
	if r.Status != http.StatusOK || !alive() {
		t.Fatalf("another client's credentials: %s, alive %v; want success and the token alive", r, alive())
	}
	r = revoke(url.Values{"token": {access}, "client_id": {s.client.ID}, "client_secret": {s.client.Secret}})
	if r.Status != http.StatusOK || alive() {
		t.Fatalf("its own client: %s, alive %v; want success and the token revoked", r, alive())
	}

	// A public client identifies itself with client_id alone.
	pub := frappeStart(t, nil, "--client-id", "spa", "--auth-method", "none", "--pkce", "optional")
	tok := pub.frappeTokens(t, pub.frappeLogin(t)).Str("access_token")
	r = SendForm(t, nil, "POST", pub.URL+frappeOAuth+"revoke_token", url.Values{"token": {tok}, "client_id": {"spa"}})
	if r.Status != http.StatusOK || pub.frappeBearer(t, "GET", frappeLoggedIn, "Authorization", tok).Status != http.StatusUnauthorized {
		t.Fatalf("public client by client_id: %s, want its token revoked", r)
	}

	// By default whoever holds a token may revoke it, as Frappe's document shows, in both dialects.
	for _, path := range []string{frappeOAuth + "revoke_token", odooOAuth + "/revoke"} {
		tok = pub.frappeTokens(t, pub.frappeLogin(t)).Str("access_token")
		if r := SendForm(t, nil, "POST", pub.URL+path, url.Values{"token": {tok}}); r.Status != http.StatusOK ||
			pub.frappeBearer(t, "GET", frappeLoggedIn, "Authorization", tok).Status != http.StatusUnauthorized {
			t.Fatalf("%s, bare token: %s, want it revoked", path, r)
		}
	}
	// The deprecated oauth.revocation_auth = "client" still refuses every bare token.
	strict := frappeStart(t, []Option{Env("OAUTHD_OAUTH_REVOCATION_AUTH=client")})
	tok = strict.frappeTokens(t, strict.frappeLogin(t)).Str("access_token")
	if r := SendForm(t, nil, "POST", strict.URL+frappeOAuth+"revoke_token", url.Values{"token": {tok}}); r.Status != http.StatusUnauthorized {
		t.Fatalf("revocation_auth client, bare token: %s, want 401", r)
	}
}

// Finding 5: anyone could read a token's email, name and roles, also by GET.
func TestSecurityIntrospectionNeedsAuthentication(t *testing.T) {
	t.Parallel()
	s := frappeStart(t, nil)
	other := s.AddClient(t, "--name", "Other", "--redirect-uri", frappeRedirect, "--auth-method", "client_secret_post")
	rs := s.AddClient(t, "--name", "Resource server", "--redirect-uri", frappeRedirect, "--auth-method", "client_secret_post",
		"--grant-type", "client_credentials", "--owner", frappeEmail, "--scope", "introspect")
	access := s.frappeTokens(t, s.frappeLogin(t)).Str("access_token")
	introspect := func(form url.Values, hdr ...string) *Resp {
		return SendForm(t, nil, "POST", s.URL+frappeOAuth+"introspect_token", form, hdr...)
	}

	// Whoever holds the token may read what it is, unless its client refuses that.
	if r := introspect(url.Values{"token": {access}}); r.Status != http.StatusOK || r.Str("email") != frappeEmail {
		t.Fatalf("no authentication, the token held: %s, want the token described", r)
	}
	s.CLI(t, "client", "update", s.client.ID, "--refuse-quirk", "introspect_without_client")
	if r := introspect(url.Values{"token": {access}}); r.Status != http.StatusUnauthorized || r.Str("email") != "" {
		t.Fatalf("no authentication, its client refusing introspect_without_client: %s, want 401 and nothing", r)
	}
	if r := Send(t, nil, "GET", s.URL+frappeOAuth+"introspect_token?"+url.Values{"token": {access}, "client_id": {s.client.ID},
		"client_secret": {s.client.Secret}}.Encode(), nil); r.Status != http.StatusBadRequest {
		t.Fatalf("GET with the token in the URL: %s, want 400", r)
	}
	r := introspect(url.Values{"token": {access}, "client_id": {s.client.ID}, "client_secret": {s.client.Secret}})
	if r.Status != http.StatusOK || r.JSON["active"] != true || r.Str("email") != frappeEmail {
		t.Fatalf("its own client: %s, want the token described", r)
	}
	if r := introspect(url.Values{"token": {access}, "client_id": {other.ID}, "client_secret": {other.Secret}}); r.Status != http.StatusOK ||
		string(r.Raw) != `{"active":false}` {
		t.Fatalf("another client: %s, want {\"active\":false}", r)
	}

	// A resource server: a client granted introspection, by its credentials or its own bearer token.
	if r := introspect(url.Values{"token": {access}, "client_id": {rs.ID}, "client_secret": {rs.Secret}}); r.JSON["active"] != true {
		t.Fatalf("client granted introspection: %s", r)
	}
	rsToken := SendForm(t, nil, "POST", s.URL+frappeOAuth+"get_token", url.Values{"grant_type": {"client_credentials"},
		"client_id": {rs.ID}, "client_secret": {rs.Secret}, "scope": {"introspect"}}).Str("access_token")
	if r := introspect(url.Values{"token": {access}}, "Authorization", "Bearer "+rsToken); r.JSON["active"] != true {
		t.Fatalf("bearer token granted introspection: %s", r)
	}
	if r := introspect(url.Values{"token": {rsToken}}, "Authorization", "Bearer "+access); r.Status != http.StatusForbidden {
		t.Fatalf("bearer token without the introspect scope: %s, want 403", r)
	}

	// The deprecated oauth.introspection_auth = "none" keeps Frappe's behaviour, GET included.
	open := frappeStart(t, frappeCompatAuth)
	tok := open.frappeTokens(t, open.frappeLogin(t)).Str("access_token")
	if r := Send(t, nil, "GET", open.URL+frappeOAuth+"introspect_token?token="+tok, nil); r.JSON["active"] != true {
		t.Fatalf("introspection_auth none, GET: %s", r)
	}
}
