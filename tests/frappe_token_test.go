package tests

// get_token: client authentication, grants, and errors.

import (
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func frappeBasic(id, secret string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(url.QueryEscape(id)+":"+url.QueryEscape(secret)))
}

func TestFrappeTokenErrors(t *testing.T) {
	t.Parallel()
	s := frappeStart(t, nil)
	b := s.frappeLogin(t)
	code := s.frappeCode(t, b, frappeOAuth, s.frappeQuery())
	good := func(extra ...string) url.Values {
		f := url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {frappeRedirect},
			"client_id": {s.client.ID}, "client_secret": {s.client.Secret}}
		for i := 0; i+1 < len(extra); i += 2 {
			if extra[i+1] == "" {
				f.Del(extra[i])
			} else {
				f.Set(extra[i], extra[i+1])
			}
		}
		return f
	}
	endpoint := s.URL + frappeOAuth + "get_token"
	for _, tc := range []struct {
		name   string
		send   func() *Resp
		status int
		error  string
		desc   string
	}{
		{"GET", func() *Resp { return Send(t, nil, "GET", endpoint+"?"+good().Encode(), nil) },
			400, "invalid_request", "Unsupported request method GET."},
		{"parameters in the query only", func() *Resp {
			return SendForm(t, nil, "POST", endpoint+"?"+good().Encode(), url.Values{})
		}, 400, "invalid_request", "Missing grant_type parameter."},
		{"JSON body", func() *Resp {
			return Send(t, nil, "POST", endpoint, strings.NewReader(`{"grant_type":"authorization_code"}`),
				"Content-Type", "application/json")
		}, 400, "invalid_request", "Missing grant_type parameter."},
		{"missing grant_type", func() *Resp { return s.frappeToken(t, frappeOAuth, good("grant_type", "")) },
			400, "invalid_request", "Missing grant_type parameter."},
		{"password grant", func() *Resp {
			return s.frappeToken(t, frappeOAuth, good("grant_type", "password", "username", frappeEmail, "password", frappePassword))
		}, 400, "unsupported_grant_type", ""},
		{"missing code", func() *Resp { return s.frappeToken(t, frappeOAuth, good("code", "")) },
			400, "invalid_request", "Missing code parameter."},
		{"duplicate client_id", func() *Resp {
			return Send(t, nil, "POST", endpoint, strings.NewReader(good().Encode()+"&client_id="+s.client.ID),
				"Content-Type", "application/x-www-form-urlencoded")
		}, 400, "invalid_request", "Duplicate parameter."},
		{"Basic and client_secret", func() *Resp {
			return s.frappeToken(t, frappeOAuth, good(), "Authorization", frappeBasic(s.client.ID, s.client.Secret))
		}, 400, "invalid_request", ""},
		{"Basic for another client_id", func() *Resp {
			return s.frappeToken(t, frappeOAuth, good("client_secret", "", "client_id", "other"), "Authorization",
				frappeBasic(s.client.ID, s.client.Secret))
		}, 400, "invalid_request", ""},
		{"Basic for a client_secret_post client", func() *Resp {
			return s.frappeToken(t, frappeOAuth, good("client_secret", ""), "Authorization", frappeBasic(s.client.ID, s.client.Secret))
		}, 401, "invalid_client", ""},
		{"Basic not base64", func() *Resp {
			return s.frappeToken(t, frappeOAuth, good("client_secret", ""), "Authorization", "Basic !!!")
		}, 401, "invalid_client", ""},
		{"wrong client_secret", func() *Resp { return s.frappeToken(t, frappeOAuth, good("client_secret", "wrong")) },
			401, "invalid_client", ""},
		{"no client_secret", func() *Resp { return s.frappeToken(t, frappeOAuth, good("client_secret", "")) },
			401, "invalid_client", ""},
		{"unknown client", func() *Resp { return s.frappeToken(t, frappeOAuth, good("client_id", "nope")) },
			401, "invalid_client", ""},
		{"unknown code", func() *Resp { return s.frappeToken(t, frappeOAuth, good("code", strings.Repeat("A", 40))) },
			400, "invalid_grant", ""},
	} {
		r := tc.send()
		want := map[string]any{"error": tc.error}
		if tc.desc != "" {
			want["error_description"] = tc.desc
		}
		frappeExpect(t, tc.name, r, tc.status, want)
		if _, ok := r.JSON["error_description"].(string); !ok || len(r.JSON) != 2 {
			t.Errorf("%s: %s, want exactly error and error_description", tc.name, r.Raw)
		}
		if r.Header.Get("Cache-Control") != "no-store" {
			t.Errorf("%s: Cache-Control %q", tc.name, r.Header.Get("Cache-Control"))
		}
		if got := r.Header.Get("WWW-Authenticate"); (tc.status == 401) != (got == `Basic realm="oauthd"`) {
			t.Errorf("%s: WWW-Authenticate %q", tc.name, got)
		}
	}

	// None of these used the code up: it still works, once.
	s.frappeExchange(t, frappeOAuth, code)
}

// A code presented twice is refused, and the tokens it gave are revoked (RFC 6749 §4.1.2).
func TestFrappeCodeReplay(t *testing.T) {
	t.Parallel()
	s := frappeStart(t, nil)
	b := s.frappeLogin(t)
	code := s.frappeCode(t, b, frappeOAuth, s.frappeQuery())
	first := s.frappeExchange(t, frappeOAuth, code)
	again := s.frappeToken(t, frappeOAuth, url.Values{"grant_type": {"authorization_code"}, "code": {code},
		"redirect_uri": {frappeRedirect}, "client_id": {s.client.ID}, "client_secret": {s.client.Secret}})
	frappeExpect(t, "code again", again, http.StatusBadRequest, map[string]any{"error": "invalid_grant"})
	frappeExpect(t, "first token after the replay", s.frappeBearer(t, "GET", frappeLoggedIn, "Authorization",
		first.Str("access_token")), http.StatusUnauthorized, nil)
}

func TestFrappeTokenBasicAuth(t *testing.T) {
	t.Parallel()
	s := frappeStart(t, nil, "--auth-method", "client_secret_basic")
	b := s.frappeLogin(t)
	basic := frappeBasic(s.client.ID, s.client.Secret)
	for _, form := range []url.Values{{}, {"client_id": {s.client.ID}}} {
		form.Set("grant_type", "authorization_code")
		form.Set("code", s.frappeCode(t, b, frappeOAuth, s.frappeQuery()))
		form.Set("redirect_uri", frappeRedirect)
		r := s.frappeToken(t, frappeOAuth, form, "Authorization", basic)
		frappeExpect(t, "Basic", r, http.StatusOK, nil)
		frappeTokenShape(t, r, true)
	}
	form := url.Values{"grant_type": {"authorization_code"}, "code": {s.frappeCode(t, b, frappeOAuth, s.frappeQuery())},
		"client_id": {s.client.ID}, "client_secret": {s.client.Secret}}
	frappeExpect(t, "secret in the body for a client_secret_basic client", s.frappeToken(t, frappeOAuth, form),
		http.StatusUnauthorized, map[string]any{"error": "invalid_client"})
}

// Public clients send client_id alone, and must use PKCE unless added with --pkce optional.
func TestFrappePublicClient(t *testing.T) {
	t.Parallel()
	s := frappeStart(t, nil, "--auth-method", "none")
	b := s.frappeLogin(t)
	loc := Send(t, b, "GET", s.URL+frappeOAuth+"authorize?"+s.frappeQuery().Encode(), nil).Location(t)
	if loc.Query().Get("error") != "invalid_request" {
		t.Fatalf("public client without PKCE: redirected to %s, want error=invalid_request", loc)
	}
	verifier := randomHex(32)
	challenge := frappeS256(verifier)
	code := s.frappeCode(t, b, frappeOAuth, s.frappeQuery("code_challenge", challenge, "code_challenge_method", "S256"))
	form := url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {frappeRedirect},
		"client_id": {s.client.ID}, "code_verifier": {verifier}}
	r := s.frappeToken(t, frappeOAuth, form)
	frappeExpect(t, "public client with PKCE", r, http.StatusOK, nil)
	ref := s.frappeToken(t, frappeOAuth, url.Values{"grant_type": {"refresh_token"}, "client_id": {s.client.ID},
		"refresh_token": {r.Str("refresh_token")}})
	frappeExpect(t, "public client refresh", ref, http.StatusOK, nil)

	code = s.frappeCode(t, b, frappeOAuth, s.frappeQuery("code_challenge", challenge, "code_challenge_method", "S256"))
	form.Set("code", code)
	form.Del("code_verifier")
	frappeExpect(t, "missing code_verifier", s.frappeToken(t, frappeOAuth, form), http.StatusBadRequest,
		map[string]any{"error": "invalid_grant"})

	lax := s.AddClient(t, "--name", "Lax", "--redirect-uri", frappeRedirect, "--auth-method", "none", "--pkce", "optional")
	code = s.frappeCode(t, b, frappeOAuth, s.frappeQuery("client_id", lax.ID))
	frappeExpect(t, "--pkce optional without PKCE", s.frappeToken(t, frappeOAuth, url.Values{"grant_type": {"authorization_code"},
		"code": {code}, "redirect_uri": {frappeRedirect}, "client_id": {lax.ID}}), http.StatusOK, nil)
}

func TestFrappeRefresh(t *testing.T) {
	t.Parallel()
	// No reuse interval: the replay below is theft at once (refresh_reuse_test.go covers the interval).
	s := frappeStart(t, []Option{Env("OAUTHD_OAUTH_REFRESH_REUSE_INTERVAL=0s")})
	b := s.frappeLogin(t)
	tok := s.frappeTokens(t, b)
	refresh := func(token, scope string, id, secret string) *Resp {
		return s.frappeToken(t, frappeOAuth, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {token},
			"scope": {scope}, "client_id": {id}, "client_secret": {secret}})
	}
	other := s.AddClient(t, "--name", "Other", "--redirect-uri", frappeRedirect, "--auth-method", "client_secret_post")
	frappeExpect(t, "another client's refresh", refresh(tok.Str("refresh_token"), "", other.ID, other.Secret),
		http.StatusBadRequest, map[string]any{"error": "invalid_grant"})
	frappeExpect(t, "wider scope", refresh(tok.Str("refresh_token"), "all openid admin", s.client.ID, s.client.Secret),
		http.StatusBadRequest, map[string]any{"error": "invalid_scope"})

	narrow := refresh(tok.Str("refresh_token"), "all", s.client.ID, s.client.Secret)
	frappeExpect(t, "narrower scope", narrow, http.StatusOK, map[string]any{"scope": "all"})
	frappeExpect(t, "narrowed token on openid_profile", s.frappeBearer(t, "GET", frappeOAuth+"openid_profile",
		"Authorization", narrow.Str("access_token")), http.StatusForbidden, map[string]any{"error": "insufficient_scope"})

	// The rotated refresh token presented again: refused, and the whole grant ends.
	frappeExpect(t, "rotated refresh token", refresh(tok.Str("refresh_token"), "", s.client.ID, s.client.Secret),
		http.StatusBadRequest, map[string]any{"error": "invalid_grant"})
	frappeExpect(t, "token after the reuse", s.frappeBearer(t, "GET", frappeLoggedIn, "Authorization",
		narrow.Str("access_token")), http.StatusUnauthorized, nil)
}

// client_credentials is an oauthd extension: the token acts as the client's owner.
func TestFrappeClientCredentials(t *testing.T) {
	t.Parallel()
	s := frappeStart(t, nil, "--grant-type", "client_credentials", "--owner", frappeEmail)
	grant := url.Values{"grant_type": {"client_credentials"}, "client_id": {s.client.ID}, "client_secret": {s.client.Secret},
		"scope": {"all"}}
	r := s.frappeToken(t, frappeOAuth, grant)
	frappeExpect(t, "client_credentials", r, http.StatusOK, map[string]any{"token_type": "Bearer", "scope": "all",
		"expires_in": 3600})
	frappeTokenShape(t, r, false)
	frappeExpect(t, "client_credentials token", s.frappeBearer(t, "GET", frappeLoggedIn, "Authorization", r.Str("access_token")),
		http.StatusOK, map[string]any{"message": frappeEmail})

	ownerless := s.AddClient(t, "--name", "No owner", "--redirect-uri", frappeRedirect, "--auth-method", "client_secret_post",
		"--grant-type", "client_credentials")
	codeOnly := s.AddClient(t, "--name", "Code only", "--redirect-uri", frappeRedirect, "--auth-method", "client_secret_post",
		"--owner", frappeEmail)
	for _, c := range []Client{ownerless, codeOnly} {
		grant.Set("client_id", c.ID)
		grant.Set("client_secret", c.Secret)
		frappeExpect(t, "client_credentials for "+c.ID, s.frappeToken(t, frappeOAuth, grant), http.StatusBadRequest,
			map[string]any{"error": "unauthorized_client"})
	}
}

// expires_in follows frappe.access_ttl.
func TestFrappeAccessTTL(t *testing.T) {
	t.Parallel()
	s := frappeStart(t, []Option{Env("OAUTHD_FRAPPE_ACCESS_TTL=15m")})
	r := s.frappeTokens(t, s.frappeLogin(t))
	frappeExpect(t, "get_token", r, http.StatusOK, map[string]any{"expires_in": 900})
}
