package tests

// Frappe's own OAuth tests (research/frappe.md §4), ported with their request bodies as they
// are. Their client "test_client_id" skips authorization and, as in Frappe before 2026, sends
// no secret: here it is registered as a public client whose PKCE is optional.

import (
	"net/http"
	"net/url"
	"testing"
)

// frappeTestClient starts a server with test_oauth20.py's fixtures and a logged-in browser.
func frappeTestClient(t *testing.T, opts ...Option) (*frappeSite, *http.Client) {
	t.Helper()
	s := frappeStart(t, append(opts, frappeCompatAuth...), "--client-id", "test_client_id", "--auth-method", "none", "--pkce", "optional",
		"--skip-authorization", "--scope", "all openid")
	return s, s.frappeLogin(t)
}

// frappeSkipCode runs authorize for a client that skips consent and returns the code.
func frappeSkipCode(t *testing.T, s *frappeSite, b *http.Client, q url.Values) string {
	t.Helper()
	loc := Send(t, b, "GET", s.URL+frappeOAuth+"authorize?"+q.Encode(), nil).Location(t)
	code := loc.Query().Get("code")
	if loc.Scheme+"://"+loc.Host != frappeRedirect || loc.Path != "" || code == "" {
		t.Fatalf("authorize redirected to %s, want %s?code=...", loc, frappeRedirect)
	}
	return code
}

func frappeTestQuery(extra ...string) url.Values {
	q := url.Values{"client_id": {"test_client_id"}, "scope": {"all openid"}, "response_type": {"code"},
		"redirect_uri": {frappeRedirect}}
	for i := 0; i+1 < len(extra); i += 2 {
		q.Set(extra[i], extra[i+1])
	}
	return q
}

// frappeProfileOK is check_valid_openid_response: the token is valid iff openid_profile is 200.
func frappeProfileOK(t *testing.T, s *frappeSite, token string) bool {
	t.Helper()
	return s.frappeBearer(t, "GET", frappeOAuth+"openid_profile", "Authorization", token).Status == http.StatusOK
}

func TestFrappeOAuth20(t *testing.T) {
	t.Parallel()
	s, b := frappeTestClient(t)

	t.Run("test_invalid_login", func(t *testing.T) {
		if r := Send(t, nil, "GET", s.URL+frappeOAuth+"openid_profile", nil); r.Status == http.StatusOK {
			t.Fatalf("openid_profile without a token: %d %s", r.Status, r.Raw)
		}
	})

	t.Run("test_login_using_authorization_code", func(t *testing.T) {
		code := frappeSkipCode(t, s, b, frappeTestQuery())
		r := s.frappeToken(t, frappeOAuth, url.Values{"grant_type": {"authorization_code"}, "code": {code},
			"redirect_uri": {frappeRedirect}, "client_id": {"test_client_id"}, "scope": {"all openid"}})
		frappeExpect(t, "get_token", r, http.StatusOK, map[string]any{"token_type": "Bearer", "expires_in": 3600,
			"scope": "all openid"})
		frappeTokenShape(t, r, true)
		p := s.frappeBearer(t, "GET", frappeOAuth+"openid_profile", "Authorization", r.Str("access_token"))
		frappeExpect(t, "openid_profile", p, http.StatusOK, map[string]any{"email": frappeEmail})
	})

	t.Run("test_login_using_authorization_code_with_pkce refuses a 3-character verifier", func(t *testing.T) {
		code := frappeSkipCode(t, s, b, frappeTestQuery("code_challenge_method", "S256", "code_challenge", frappeChallenge))
		r := s.frappeToken(t, frappeOAuth, url.Values{"grant_type": {"authorization_code"}, "code": {code},
			"redirect_uri": {frappeRedirect}, "client_id": {"test_client_id"}, "code_verifier": {frappeVerifier}})
		frappeExpect(t, "get_token", r, http.StatusBadRequest, map[string]any{"error": "invalid_grant"})
	})

	t.Run("test_revoke_token", func(t *testing.T) {
		code := frappeSkipCode(t, s, b, frappeTestQuery())
		r := s.frappeToken(t, frappeOAuth, url.Values{"grant_type": {"authorization_code"}, "code": {code},
			"redirect_uri": {frappeRedirect}, "client_id": {"test_client_id"}})
		frappeExpect(t, "get_token", r, http.StatusOK, nil)
		access := r.Str("access_token")
		if !frappeProfileOK(t, s, access) {
			t.Fatal("fresh token refused by openid_profile")
		}
		rev := SendForm(t, nil, "POST", s.URL+frappeOAuth+"revoke_token", url.Values{"token": {access}})
		frappeExpect(t, "revoke_token", rev, http.StatusOK, nil)
		if frappeProfileOK(t, s, access) {
			t.Fatal("revoked token still accepted by openid_profile")
		}
	})

	t.Run("connected app: GET login, then get_logged_user", func(t *testing.T) {
		hc := Browser(t)
		login := Send(t, hc, "GET", s.URL+"/api/method/login?"+url.Values{"usr": {frappeEmail}, "pwd": {frappePassword}}.Encode(), nil)
		frappeExpect(t, "GET login", login, http.StatusOK, map[string]any{"message": "Logged In", "full_name": frappeName})
		code := frappeSkipCode(t, s, hc, frappeTestQuery("state", "connected"))
		r := s.frappeToken(t, frappeOAuth, url.Values{"grant_type": {"authorization_code"}, "code": {code},
			"redirect_uri": {frappeRedirect}, "client_id": {"test_client_id"}})
		user := s.frappeBearer(t, "GET", frappeLoggedIn, "Authorization", r.Str("access_token"))
		frappeExpect(t, "get_logged_user", user, http.StatusOK, map[string]any{"message": frappeEmail})
	})
}

// With oauth.pkce_min_verifier_length = 1 the server accepts Frappe's vector, and still checks it.
func TestFrappeOAuth20PKCEShortVerifierOptIn(t *testing.T) {
	t.Parallel()
	s, b := frappeTestClient(t, Env("OAUTHD_OAUTH_PKCE_MIN_VERIFIER_LENGTH=1"))
	for _, tc := range []struct {
		verifier string
		status   int
	}{{"421", http.StatusBadRequest}, {frappeVerifier, http.StatusOK}} {
		code := frappeSkipCode(t, s, b, frappeTestQuery("code_challenge_method", "S256", "code_challenge", frappeChallenge))
		r := s.frappeToken(t, frappeOAuth, url.Values{"grant_type": {"authorization_code"}, "code": {code},
			"redirect_uri": {frappeRedirect}, "client_id": {"test_client_id"}, "code_verifier": {tc.verifier}})
		frappeExpect(t, "verifier "+tc.verifier, r, tc.status, nil)
		if tc.status == http.StatusOK && !frappeProfileOK(t, s, r.Str("access_token")) {
			t.Fatal("PKCE token refused by openid_profile")
		}
	}
}

// test_oauth20_refresh_token.py, with a confidential client that must send its secret.
func TestFrappeOAuth20RefreshToken(t *testing.T) {
	t.Parallel()
	s := frappeStart(t, nil, "--client-id", "test_client_id_refresh", "--skip-authorization")
	b := s.frappeLogin(t)
	tok := s.frappeExchange(t, frappeOAuth, frappeSkipCode(t, s, b, s.frappeQuery()))
	refresh := func(form url.Values) *Resp {
		form.Set("grant_type", "refresh_token")
		form.Set("client_id", s.client.ID)
		form.Set("scope", "all openid")
		return s.frappeToken(t, frappeOAuth, form)
	}

	t.Run("test_refresh_token_grant", func(t *testing.T) {
		r := refresh(url.Values{"refresh_token": {tok.Str("refresh_token")}, "client_secret": {s.client.Secret}})
		frappeExpect(t, "refresh", r, http.StatusOK, map[string]any{"token_type": "Bearer", "expires_in": 3600})
		if r.Str("access_token") == tok.Str("access_token") || !frappeProfileOK(t, s, r.Str("access_token")) {
			t.Fatalf("refresh gave %s, want a new working access token", r.Raw)
		}
	})

	t.Run("test_refresh_token_without_client_secret is refused for a confidential client", func(t *testing.T) {
		r := refresh(url.Values{"refresh_token": {tok.Str("refresh_token")}})
		frappeExpect(t, "refresh", r, http.StatusUnauthorized, map[string]any{"error": "invalid_client"})
	})

	t.Run("test_refresh_token_with_invalid_token", func(t *testing.T) {
		r := refresh(url.Values{"refresh_token": {"invalid_refresh_token_12345"}, "client_secret": {s.client.Secret}})
		frappeExpect(t, "refresh", r, http.StatusBadRequest, map[string]any{"error": "invalid_grant"})
	})
}
