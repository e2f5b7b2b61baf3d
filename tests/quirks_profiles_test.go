package tests

// Profiles: each one's legacy behaviours work for its clients and are refused, as before, for
// a standard client.

import (
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// frappeV15 is a server with Frappe's test user, a frappe-v15 client and a standard one, both
// skipping consent and with the scopes Frappe's tests use.
func frappeV15(t *testing.T, extra ...string) (s *frappeSite, v15, std Client) {
	t.Helper()
	s = frappeStart(t, nil, "--skip-authorization", "--scope", "all openid")
	v15 = s.AddClient(t, append([]string{"--name", "Frappe v15 App", "--redirect-uri", frappeRedirect, "--profile",
		"frappe-v15", "--skip-authorization"}, extra...)...)
	return s, v15, s.client
}

// The password grant (Frappe's test_resource_owner_password_credentials_grant) and HS256
// id_tokens that verify with the client secret, as Frappe's tests decode them.
func TestProfileFrappeV15PasswordAndHS256(t *testing.T) {
	t.Parallel()
	s, v15, std := frappeV15(t)
	form := url.Values{"grant_type": {"password"}, "username": {frappeEmail}, "password": {frappePassword},
		"client_id": {v15.ID}, "scope": {"all openid"}}
	r := s.frappeToken(t, frappeOAuth, form)
	frappeExpect(t, "password grant", r, http.StatusOK, map[string]any{"token_type": "Bearer", "scope": "all openid"})
	if !frappeProfileOK(t, s, r.Str("access_token")) {
		t.Fatal("the password grant's token is refused by openid_profile")
	}
	form.Set("password", "wrong")
	frappeExpect(t, "password grant, wrong password", s.frappeToken(t, frappeOAuth, form), http.StatusBadRequest,
		map[string]any{"error": "invalid_grant"})
	form.Set("password", frappePassword)
	form.Set("client_id", std.ID)
	form.Set("client_secret", std.Secret)
	frappeExpect(t, "password grant, standard client", s.frappeToken(t, frappeOAuth, form), http.StatusBadRequest,
		map[string]any{"error": "unsupported_grant_type"})

	b := s.frappeLogin(t)
	code := frappeSkipCode(t, s, b, url.Values{"client_id": {v15.ID}, "scope": {"all openid"}, "response_type": {"code"},
		"redirect_uri": {frappeRedirect}})
	r = s.frappeToken(t, frappeOAuth, url.Values{"grant_type": {"authorization_code"}, "code": {code},
		"redirect_uri": {frappeRedirect}, "client_id": {v15.ID}})
	frappeExpect(t, "code exchange without the secret", r, http.StatusOK, nil)
	if claims := frappeIDToken(t, r.Str("id_token"), v15.Secret, v15.ID); claims["email"] != frappeEmail {
		t.Fatalf("id_token claims %v", claims)
	}
	code = frappeSkipCode(t, s, b, url.Values{"client_id": {std.ID}, "scope": {"all openid"}, "response_type": {"code"},
		"redirect_uri": {frappeRedirect}})
	r = s.frappeExchange(t, frappeOAuth, code)
	if _, claims := oidcVerify(t, s.Server, std.ID, r.Str("id_token")); claims.Email != frappeEmail {
		t.Fatalf("a standard client's id_token: %v", claims)
	}
}

// response_type=token for a frappe-v15 client given the implicit grant (Frappe's
// test_login_using_implicit_token); a standard client gets unsupported_response_type.
func TestProfileFrappeV15Implicit(t *testing.T) {
	t.Parallel()
	s, v15, std := frappeV15(t, "--grant-type", "implicit,password")
	b := s.frappeLogin(t)
	q := url.Values{"client_id": {v15.ID}, "scope": {"all openid"}, "response_type": {"token"},
		"redirect_uri": {frappeRedirect}, "state": {"imp"}}
	loc := Send(t, b, "GET", s.URL+frappeOAuth+"authorize?"+q.Encode(), nil).Location(t)
	frag, _ := url.ParseQuery(loc.Fragment)
	if loc.RawQuery != "" || frag.Get("access_token") == "" || frag.Get("token_type") != "Bearer" ||
		frag.Get("expires_in") != "3600" || frag.Get("scope") != "all openid" || frag.Get("state") != "imp" {
		t.Fatalf("implicit: redirected to %s", loc)
	}
	if !frappeProfileOK(t, s, frag.Get("access_token")) {
		t.Fatal("the implicit token is refused by openid_profile")
	}
	if frag.Get("iss") != s.URL {
		t.Fatalf("implicit: iss %q, want the issuer %q (RFC 9207)", frag.Get("iss"), s.URL)
	}
	// An implicit request's errors go in the fragment too (RFC 6749 §4.2.2.1), never the query.
	q.Set("scope", "all nosuchscope")
	loc = Send(t, b, "GET", s.URL+frappeOAuth+"authorize?"+q.Encode(), nil).Location(t)
	frag, _ = url.ParseQuery(loc.Fragment)
	if loc.RawQuery != "" || frag.Get("error") != "invalid_scope" || frag.Get("state") != "imp" || frag.Get("iss") != s.URL {
		t.Fatalf("implicit, unknown scope: redirected to %s", loc)
	}
	q.Set("scope", "all openid")
	q.Set("client_id", std.ID)
	loc = Send(t, b, "GET", s.URL+frappeOAuth+"authorize?"+q.Encode(), nil).Location(t)
	if loc.Query().Get("error") != "unsupported_response_type" {
		t.Fatalf("standard client, response_type=token: redirected to %s", loc)
	}
	if out, _, code := s.TryCLI("client", "add", "--name", "X", "--redirect-uri", frappeRedirect, "--grant-type", "implicit"); code != 1 {
		t.Fatalf("the implicit grant given to a standard client: exit %d, %s", code, out)
	}
}

// Plain PKCE: frappe-v15 (and --pkce-plain) accept it, a standard client does not.
func TestProfileFrappeV15PlainPKCE(t *testing.T) {
	t.Parallel()
	s, v15, std := frappeV15(t)
	b := s.frappeLogin(t)
	verifier := randomHex(24)
	q := url.Values{"client_id": {v15.ID}, "scope": {"all"}, "response_type": {"code"}, "redirect_uri": {frappeRedirect},
		"code_challenge": {verifier}, "code_challenge_method": {"plain"}}
	code := frappeSkipCode(t, s, b, q)
	r := s.frappeToken(t, frappeOAuth, url.Values{"grant_type": {"authorization_code"}, "code": {code},
		"redirect_uri": {frappeRedirect}, "client_id": {v15.ID}, "code_verifier": {verifier}})
	frappeExpect(t, "plain PKCE", r, http.StatusOK, nil)
	q.Set("client_id", std.ID)
	loc := Send(t, b, "GET", s.URL+frappeOAuth+"authorize?"+q.Encode(), nil).Location(t)
	if loc.Query().Get("error") != "invalid_request" || loc.Query().Get("error_description") !=
		"Transform algorithm not supported: use S256." {
		t.Fatalf("standard client, plain PKCE: redirected to %s", loc)
	}
}

// Frappe v16's profile: HS256 id_tokens, the registered auth method enforced, and a refresh
// that revokes the previous access token (Frappe's test_refresh_grant_revokes_the_rotated_token);
// a standard client's previous access token lives until it expires.
func TestProfileFrappeV16Refresh(t *testing.T) {
	t.Parallel()
	s := frappeStart(t, nil, "--skip-authorization")
	v16 := s.AddClient(t, "--name", "v16", "--redirect-uri", frappeRedirect, "--profile", "frappe", "--skip-authorization",
		"--auth-method", "client_secret_basic")
	b := s.frappeLogin(t)
	for _, tc := range []struct {
		c       Client
		revoked bool
		basic   bool
	}{{v16, true, true}, {s.client, false, false}} {
		code := frappeSkipCode(t, s, b, url.Values{"client_id": {tc.c.ID}, "scope": {"all openid"},
			"response_type": {"code"}, "redirect_uri": {frappeRedirect}})
		form := url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {frappeRedirect}}
		var hdr []string
		if tc.basic {
			hdr = []string{"Authorization", "Basic " + base64.StdEncoding.EncodeToString([]byte(tc.c.ID+":"+tc.c.Secret))}
		} else {
			form.Set("client_id", tc.c.ID)
			form.Set("client_secret", tc.c.Secret)
		}
		r := s.frappeToken(t, frappeOAuth, form, hdr...)
		frappeExpect(t, "code exchange", r, http.StatusOK, nil)
		if tc.basic {
			frappeIDToken(t, r.Str("id_token"), tc.c.Secret, tc.c.ID)
		}
		form = url.Values{"grant_type": {"refresh_token"}, "refresh_token": {r.Str("refresh_token")}}
		if !tc.basic {
			form.Set("client_id", tc.c.ID)
			form.Set("client_secret", tc.c.Secret)
		}
		next := s.frappeToken(t, frappeOAuth, form, hdr...)
		frappeExpect(t, "refresh", next, http.StatusOK, nil)
		if alive := frappeProfileOK(t, s, r.Str("access_token")); alive == tc.revoked {
			t.Errorf("client %s: previous access token alive %v after a refresh, want %v", tc.c.ID, alive, !tc.revoked)
		}
	}
	r := s.frappeToken(t, frappeOAuth, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {"x"},
		"client_id": {v16.ID}, "client_secret": {v16.Secret}})
	frappeExpect(t, "v16 client, secret in the body", r, http.StatusUnauthorized, map[string]any{"error": "invalid_client"})
}

// The odoo profile: the owner's token without grant_type and one refresh token kept for good,
// from the profile alone; a standard client has neither.
func TestProfileOdoo(t *testing.T) {
	t.Parallel()
	e := odooSetup(t)
	mod := e.s.AddClient(t, "--name", "Module App", "--redirect-uri", odooRedirect, "--owner", odooOwner, "--profile", "odoo")
	std := e.s.AddClient(t, "--name", "Standard App", "--redirect-uri", odooRedirect, "--owner", odooOwner)
	post := func(form url.Values) *Resp {
		return odooPostForm(t, http.DefaultClient, e.s.URL+odooOAuth+"/access_token", form)
	}
	odooExpect(t, post(url.Values{"client_id": {mod.ID}, "client_secret": {mod.Secret}}), http.StatusOK, nil)
	odooExpect(t, post(url.Values{"client_id": {std.ID}, "client_secret": {std.Secret}}), http.StatusBadRequest,
		map[string]any{"message": "Invalid Credentials.", "error": "unauthorized_client"})
	e.client = mod
	tok := e.ownerTokens(t)
	next := post(url.Values{"client_id": {mod.ID}, "client_secret": {mod.Secret}, "grant_type": {"refresh_token"},
		"refresh_token": {tok.Str("refresh_token")}})
	odooExpect(t, next, http.StatusOK, map[string]any{"refresh_token": tok.Str("refresh_token")})
}

// A client_secret in an authorize URL is ignored and the flow completes, in both dialects and
// on both Frappe paths; the ledger counts it as secret_in_url.
func TestSecretInAuthorizeURLIgnored(t *testing.T) {
	t.Parallel()
	s, c := seedSite(t)
	for _, path := range []string{frappeOAuth, frappeLegacy} {
		code := seedCode(t, s, path, url.Values{"client_id": {c.ID}, "client_secret": {c.Secret}, "scope": {"project"},
			"response_type": {"code"}, "redirect_uri": {seedCallback}, "state": {"s"}})
		r := SendForm(t, nil, "POST", s.URL+path+"get_token", url.Values{"grant_type": {"authorization_code"},
			"code": {code}, "redirect_uri": {seedCallback}, "client_id": {c.ID}, "client_secret": {c.Secret}})
		frappeExpect(t, path+"get_token", r, http.StatusOK, nil)
	}
	b := odooLogin(t, s, seedEmail, seedPassword)
	q := url.Values{"client_id": {c.ID}, "client_secret": {c.Secret}, "response_type": {"code"},
		"redirect_uri": {seedCallback}, "state": {"o"}}
	if loc := Send(t, b, "GET", s.URL+odooOAuth+"/authorize?"+q.Encode(), nil).Location(t); loc.Query().Get("code") == "" {
		t.Fatalf("odoo authorize with the secret in the URL: %s", loc)
	}
	s.Stop(t)
	wantQuirks(t, "secret in three authorize URLs", quirkCounts(t, s, c.ID), map[string][2]int64{"secret_in_url": {3, 0}})
	if log := s.log.String(); log == "" || strings.Contains(log, c.Secret) {
		t.Fatal("the client secret reached the server's output")
	}
}
