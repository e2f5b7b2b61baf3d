package tests

// revoke_token, the resource side (get_logged_user, openid_profile, introspect_token,
// test_resource) and the discovery documents.

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestFrappeRevoke(t *testing.T) {
	t.Parallel()
	s := frappeStart(t, frappeCompatAuth)
	b := s.frappeLogin(t)
	revoke := func(prefix string, form url.Values, hdr ...string) *Resp {
		return SendForm(t, nil, "POST", s.URL+prefix+"revoke_token", form, hdr...)
	}
	alive := func(token string) bool {
		return s.frappeBearer(t, "GET", frappeLoggedIn, "Authorization", token).Status == http.StatusOK
	}
	bad := map[string]any{"message": "bad request"}

	frappeExpect(t, "no token", revoke(frappeOAuth, url.Values{"token_type_hint": {"access_token"}}), http.StatusBadRequest, bad)
	frappeExpect(t, "GET", Send(t, nil, "GET", s.URL+frappeOAuth+"revoke_token?token=x", nil), http.StatusBadRequest, bad)
	frappeExpect(t, "token twice", Send(t, nil, "POST", s.URL+frappeOAuth+"revoke_token",
		strings.NewReader("token=a&token=b"), "Content-Type", "application/x-www-form-urlencoded"), http.StatusBadRequest, bad)
	for _, unknown := range []string{"nope", strings.Repeat("x", 40), strings.Repeat("é", 500)} {
		frappeExpect(t, "unknown token", revoke(frappeOAuth, url.Values{"token": {unknown}}), http.StatusOK,
			map[string]any{"message": "success"})
	}

	// Another client's credentials: "success", and nothing revoked.
	tok := s.frappeTokens(t, b)
	other := s.AddClient(t, "--name", "Other", "--redirect-uri", frappeRedirect, "--auth-method", "client_secret_post")
	frappeExpect(t, "another client's token", revoke(frappeOAuth, url.Values{"token": {tok.Str("access_token")},
		"client_id": {other.ID}, "client_secret": {other.Secret}}), http.StatusOK, map[string]any{"message": "success"})
	if !alive(tok.Str("access_token")) {
		t.Fatal("a client revoked another client's token")
	}
	wrong := revoke(frappeOAuth, url.Values{"token": {tok.Str("access_token")}, "client_id": {s.client.ID},
		"client_secret": {"wrong"}})
	frappeExpect(t, "wrong client secret", wrong, http.StatusUnauthorized, map[string]any{"message": "unauthorized"})
	if wrong.Header.Get("WWW-Authenticate") == "" || !alive(tok.Str("access_token")) {
		t.Fatal("a failed client authentication must be 401 with a challenge and revoke nothing")
	}

	// The refresh token, with the client's credentials and a wrong hint: both tokens end.
	frappeExpect(t, "refresh token", revoke(frappeLegacy, url.Values{"token": {tok.Str("refresh_token")},
		"token_type_hint": {"access_token"}, "client_id": {s.client.ID}, "client_secret": {s.client.Secret}}),
		http.StatusOK, map[string]any{"message": "success"})
	if alive(tok.Str("access_token")) {
		t.Fatal("revoking the refresh token left its access token alive")
	}
	var revoked int64
	row := serverSQL(t, s.Server).QueryRow("SELECT MIN(revoked_at) FROM tokens WHERE client_id = ?", s.client.ID)
	if err := row.Scan(&revoked); err != nil || revoked == 0 {
		t.Errorf("token rows: min(revoked_at) = %d, %v; want every token revoked", revoked, err)
	}

	// An HTTP Basic client revokes its own token.
	basic := s.AddClient(t, "--name", "Basic", "--redirect-uri", frappeRedirect, "--auth-method", "client_secret_basic",
		"--skip-authorization")
	code := Send(t, b, "GET", s.URL+frappeOAuth+"authorize?"+s.frappeQuery("client_id", basic.ID).Encode(), nil).
		Location(t).Query().Get("code")
	btok := s.frappeToken(t, frappeOAuth, url.Values{"grant_type": {"authorization_code"}, "code": {code},
		"redirect_uri": {frappeRedirect}}, "Authorization", frappeBasic(basic.ID, basic.Secret))
	frappeExpect(t, "Basic revoke", revoke(frappeOAuth, url.Values{"token": {btok.Str("access_token")}},
		"Authorization", frappeBasic(basic.ID, basic.Secret)), http.StatusOK, map[string]any{"message": "success"})
	if alive(btok.Str("access_token")) {
		t.Fatal("Basic client could not revoke its token")
	}
}

func TestFrappeLoggedUser(t *testing.T) {
	t.Parallel()
	s := frappeStart(t, nil)
	b := s.frappeLogin(t)
	tok := s.frappeTokens(t, b)
	access := tok.Str("access_token")
	get := func(hc *http.Client, hdr ...string) *Resp {
		return Send(t, hc, "GET", s.URL+frappeLoggedIn, nil, hdr...)
	}
	frappeExpect(t, "session cookie", get(b), http.StatusOK, map[string]any{"message": frappeEmail})
	frappeExpect(t, "POST", SendForm(t, nil, "POST", s.URL+frappeLoggedIn, url.Values{}, "Authorization", "Bearer "+access),
		http.StatusOK, map[string]any{"message": frappeEmail})
	for _, scheme := range []string{"Bearer", "bearer", "BEARER"} {
		frappeExpect(t, scheme, get(nil, "Authorization", scheme+" "+access), http.StatusOK, map[string]any{"message": frappeEmail})
	}
	frappeExpect(t, "misspelt header", get(nil, "Authorizaton", "Bearer "+access), http.StatusOK,
		map[string]any{"message": frappeEmail})

	// The challenge names the error of a token that was refused, and none when no bearer token
	// was sent at all (RFC 6750 §3.1: Basic is a method this resource does not take).
	refused := map[string][]string{
		"no credentials":        nil,
		"unknown token":         {"Authorization", "Bearer " + strings.Repeat("A", 40)},
		"refresh token":         {"Authorization", "Bearer " + tok.Str("refresh_token")},
		"Basic":                 {"Authorization", frappeBasic(s.client.ID, s.client.Secret)},
		"empty misspelt bearer": {"Authorizaton", "Bearer "},
	}
	for name, hdr := range refused {
		r := get(nil, hdr...)
		frappeExpect(t, name, r, http.StatusUnauthorized, map[string]any{"error": "invalid_token"})
		want := `Bearer error="invalid_token", resource_metadata="` + s.URL + `/.well-known/oauth-protected-resource"`
		if name == "no credentials" || name == "Basic" || name == "empty misspelt bearer" {
			want = `Bearer resource_metadata="` + s.URL + `/.well-known/oauth-protected-resource"`
		}
		if r.Header.Get("WWW-Authenticate") != want {
			t.Errorf("%s: WWW-Authenticate %q, want %q", name, r.Header.Get("WWW-Authenticate"), want)
		}
	}
	// A bad token is refused even with a live session: the header is what the caller chose.
	frappeExpect(t, "bad token and a session", get(b, "Authorization", "Bearer nope"), http.StatusUnauthorized, nil)

	// Expired, then disabled user.
	db := serverSQL(t, s.Server)
	second := s.frappeTokens(t, b).Str("access_token")
	if _, err := db.Exec("UPDATE tokens SET expires_at = 1 WHERE kind = 'access' AND revoked_at = 0"); err != nil {
		t.Fatal(err)
	}
	frappeExpect(t, "expired token", get(nil, "Authorization", "Bearer "+second), http.StatusUnauthorized, nil)
	third := s.frappeTokens(t, b).Str("access_token")
	if _, err := db.Exec("UPDATE users SET enabled = ? WHERE email = ?", false, frappeEmail); err != nil {
		t.Fatal(err)
	}
	frappeExpect(t, "disabled user's token", get(nil, "Authorization", "Bearer "+third), http.StatusUnauthorized, nil)
	frappeExpect(t, "disabled user's session", get(b), http.StatusUnauthorized, nil)
}

func TestFrappeOpenIDProfile(t *testing.T) {
	t.Parallel()
	s := frappeStart(t, []Option{Env("OAUTHD_SERVER_ISSUER=https://erp.example.com/")})
	b := s.frappeLogin(t)
	access := s.frappeTokens(t, b).Str("access_token")
	var sub string
	if err := serverSQL(t, s.Server).QueryRow("SELECT subject FROM users WHERE email = ?", frappeEmail).Scan(&sub); err != nil {
		t.Fatal(err)
	}
	claims := map[string]any{"sub": sub, "name": frappeName, "given_name": "Test", "family_name": "User",
		"email": frappeEmail, "picture": nil, "roles": []string{"All", "Guest"}, "iss": "https://erp.example.com"}
	for _, prefix := range []string{frappeOAuth, frappeLegacy} {
		for _, method := range []string{"GET", "POST"} {
			r := s.frappeBearer(t, method, prefix+"openid_profile", "Authorization", access)
			frappeExpect(t, method+" openid_profile", r, http.StatusOK, claims)
			if len(r.JSON) != len(claims) || r.Header.Get("Cache-Control") != "no-store" {
				t.Errorf("openid_profile: %s (Cache-Control %q), want exactly the claims, not stored", r.Raw,
					r.Header.Get("Cache-Control"))
			}
		}
	}
	profile := s.URL + frappeOAuth + "openid_profile"
	frappeExpect(t, "access_token in a POST body", SendForm(t, nil, "POST", profile, url.Values{"access_token": {access}}),
		http.StatusOK, claims)
	frappeExpect(t, "token in the header and the body", SendForm(t, nil, "POST", profile,
		url.Values{"access_token": {access}}, "Authorization", "Bearer "+access), http.StatusBadRequest,
		map[string]any{"error": "invalid_request"})
	frappeExpect(t, "no token", Send(t, b, "GET", profile, nil), http.StatusUnauthorized, map[string]any{"error": "invalid_token"})
	frappeExpect(t, "DELETE", Send(t, nil, "DELETE", profile, nil), http.StatusMethodNotAllowed, nil)

	narrow := s.frappeExchange(t, frappeOAuth, s.frappeCode(t, b, frappeOAuth, s.frappeQuery("scope", "all")))
	r := s.frappeBearer(t, "GET", frappeOAuth+"openid_profile", "Authorization", narrow.Str("access_token"))
	frappeExpect(t, "token without openid", r, http.StatusForbidden, map[string]any{
		"description": "The request requires higher privileges than provided by the access token.",
		"status_code": 403, "error": "insufficient_scope"})
	if len(r.JSON) != 3 || !strings.HasPrefix(r.Header.Get("WWW-Authenticate"), `Bearer error="insufficient_scope", resource_metadata="`) {
		t.Errorf("insufficient_scope: body %s, WWW-Authenticate %q; want Frappe's three keys and the challenge",
			r.Raw, r.Header.Get("WWW-Authenticate"))
	}
}

func TestFrappeIntrospect(t *testing.T) {
	t.Parallel()
	s := frappeStart(t, frappeCompatAuth)
	b := s.frappeLogin(t)
	tok := s.frappeTokens(t, b)
	introspect := func(form url.Values) *Resp {
		return SendForm(t, nil, "POST", s.URL+frappeOAuth+"introspect_token", form)
	}
	r := introspect(url.Values{"token": {tok.Str("access_token")}, "token_type_hint": {"refresh_token"}})
	frappeExpect(t, "access token", r, http.StatusOK, map[string]any{"active": true, "client_id": s.client.ID,
		"trusted_client": 0, "scope": "all openid", "token_type": "Bearer", "email": frappeEmail, "name": frappeName,
		"iss": s.URL})
	for _, key := range []string{"exp", "iat", "sub", "roles", "given_name"} {
		if _, ok := r.JSON[key]; !ok {
			t.Errorf("introspection lacks %q: %s", key, r.Raw)
		}
	}
	if exp, iat := r.JSON["exp"].(float64), r.JSON["iat"].(float64); exp-iat != 3600 {
		t.Errorf("exp - iat = %v, want 3600", exp-iat)
	}
	get := Send(t, nil, "GET", s.URL+frappeLegacy+"introspect_token?token="+tok.Str("refresh_token"), nil)
	frappeExpect(t, "refresh token by GET", get, http.StatusOK, map[string]any{"active": true, "token_type": "refresh_token"})

	narrow := s.frappeExchange(t, frappeOAuth, s.frappeCode(t, b, frappeOAuth, s.frappeQuery("scope", "all")))
	n := introspect(url.Values{"token": {narrow.Str("access_token")}})
	if _, ok := n.JSON["email"]; ok || n.JSON["active"] != true {
		t.Errorf("token without openid: %s, want active without userinfo claims", n.Raw)
	}

	frappeExpect(t, "missing token", introspect(url.Values{}), http.StatusBadRequest, map[string]any{"error": "invalid_request"})
	revoked := s.frappeTokens(t, b)
	SendForm(t, nil, "POST", s.URL+frappeOAuth+"revoke_token", url.Values{"token": {revoked.Str("access_token")}})
	expired := s.frappeTokens(t, b)
	if _, err := serverSQL(t, s.Server).Exec("UPDATE tokens SET expires_at = 1 WHERE kind = 'access' AND revoked_at = 0"); err != nil {
		t.Fatal(err)
	}
	for name, token := range map[string]string{"unknown": "nope", "revoked": revoked.Str("access_token"),
		"expired": expired.Str("access_token")} {
		r := introspect(url.Values{"token": {token}})
		if r.Status != http.StatusOK || string(r.Raw) != `{"active":false}` {
			t.Errorf("%s token: %d %s, want exactly {\"active\":false}", name, r.Status, r.Raw)
		}
	}

	trusted := frappeStart(t, frappeCompatAuth, "--skip-authorization")
	access := trusted.frappeExchange(t, frappeOAuth, Send(t, trusted.frappeLogin(t), "GET",
		trusted.URL+frappeOAuth+"authorize?"+trusted.frappeQuery().Encode(), nil).Location(t).Query().Get("code"))
	frappeExpect(t, "trusted client", SendForm(t, nil, "POST", trusted.URL+frappeOAuth+"introspect_token",
		url.Values{"token": {access.Str("access_token")}}), http.StatusOK, map[string]any{"trusted_client": 1})
}

func TestFrappeTestResource(t *testing.T) {
	t.Parallel()
	s := frappeStart(t, nil)
	access := s.frappeTokens(t, s.frappeLogin(t)).Str("access_token")
	for _, prefix := range []string{frappeOAuth, frappeLegacy} {
		r := s.frappeBearer(t, "GET", prefix+"test_resource", "Authorizaton", access)
		frappeExpect(t, "test_resource", r, http.StatusOK, map[string]any{"message": map[string]any{"user": frappeEmail,
			"client_id": s.client.ID, "scope": "all openid"}})
		r = Send(t, nil, "GET", s.URL+prefix+"test_resource", nil)
		frappeExpect(t, "test_resource without a token", r, http.StatusUnauthorized, map[string]any{"error": "invalid_token"})
	}
}

func TestFrappeMetadata(t *testing.T) {
	t.Parallel()
	s := StartServer(t)
	for _, path := range []string{"/.well-known/openid-configuration", "/.well-known/oauth-authorization-server"} {
		r := Send(t, nil, "GET", s.URL+path, nil)
		frappeExpect(t, path, r, http.StatusOK, map[string]any{
			"issuer":                                s.URL,
			"authorization_endpoint":                s.URL + frappeOAuth + "authorize",
			"token_endpoint":                        s.URL + frappeOAuth + "get_token",
			"userinfo_endpoint":                     s.URL + frappeOAuth + "openid_profile",
			"revocation_endpoint":                   s.URL + frappeOAuth + "revoke_token",
			"introspection_endpoint":                s.URL + frappeOAuth + "introspect_token",
			"response_types_supported":              []string{"code"},
			"grant_types_supported":                 []string{"authorization_code", "refresh_token", "client_credentials"},
			"token_endpoint_auth_methods_supported": []string{"client_secret_basic", "client_secret_post", "none"},
			"code_challenge_methods_supported":      []string{"S256"},
			"scopes_supported":                      []string{"all", "openid", "profile", "email"},
			"subject_types_supported":               []string{"public"},
			"jwks_uri":                              s.URL + "/.well-known/jwks.json",
			"end_session_endpoint":                  s.URL + "/oauth2/end_session",
			"id_token_signing_alg_values_supported": []string{"RS256", "HS256"},
		})
	}
	configured := StartServer(t, Env("OAUTHD_SERVER_ISSUER=https://erp.example.com"))
	r := Send(t, nil, "GET", configured.URL+"/.well-known/oauth-authorization-server", nil)
	frappeExpect(t, "configured issuer", r, http.StatusOK, map[string]any{"issuer": "https://erp.example.com",
		"token_endpoint": "https://erp.example.com" + frappeOAuth + "get_token"})
}
