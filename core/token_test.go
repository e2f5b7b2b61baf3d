package core

import (
	"testing"
)

// The grant type and the grant's required parameters are checked, in oauthlib's order and
// words, before the client is looked at.
func TestCheckTokenRequest(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		req               TokenRequest
		code, description string
		reason            Reason
	}{
		{TokenRequest{}, ErrInvalidRequest, "Missing grant_type parameter.", ReasonBadParameter},
		{TokenRequest{GrantType: "urn:ietf:params:oauth:grant-type:device_code"}, ErrUnsupportedGrantType,
			"Unsupported grant type.", ReasonBadParameter},
		{TokenRequest{GrantType: GrantPassword}, "", "", 0}, // its parameters wait until the client may use it
		{TokenRequest{Quirks: QuirkNoGrantType}, "", "", 0}, // the Odoo module's owner token
		{TokenRequest{GrantType: "Authorization_Code", Code: "c"}, ErrUnsupportedGrantType, "Unsupported grant type.", ReasonBadParameter},
		{TokenRequest{GrantType: GrantAuthorizationCode}, ErrInvalidRequest, "Missing code parameter.", ReasonCodeMissing},
		{TokenRequest{GrantType: GrantAuthorizationCode, Code: "c"}, "", "", 0},
		{TokenRequest{GrantType: GrantRefreshToken}, ErrInvalidRequest, "Missing refresh_token parameter.", ReasonRefreshMissing},
		{TokenRequest{GrantType: GrantRefreshToken, RefreshToken: "r"}, "", "", 0},
		{TokenRequest{GrantType: GrantClientCredentials}, "", "", 0},
	} {
		_, err := checkTokenRequest(&tc.req)
		switch {
		case tc.code == "" && err != nil:
			t.Errorf("%+v: %+v", tc.req, err)
		case tc.code != "" && (err == nil || err.Code != tc.code || err.Description != tc.description || err.Reason != tc.reason):
			t.Errorf("%+v: %+v, want %s %q", tc.req, err, tc.code, tc.description)
		}
	}
}

// Token dispatches: a bad parameter is reported before a bad client, a bad client before the
// grant runs, and each grant type reaches its grant.
func TestTokenDispatch(t *testing.T) {
	t.Parallel()
	onBackends(t, Options{}, func(t *testing.T, f *fixture) {
		ctx := t.Context()
		owner := f.user(t, "owner@example.com")
		app, secret := f.client(t, NewClient{ID: "app", OwnerEmail: owner.Email,
			GrantTypes: []string{GrantAuthorizationCode, GrantRefreshToken, GrantClientCredentials}})
		good := ClientCredentials{ID: "app", Secret: secret, Method: AuthBasic}
		bad := ClientCredentials{ID: "app", Secret: "wrong", Method: AuthBasic}

		_, err := f.eng.Token(ctx, TokenRequest{GrantType: GrantAuthorizationCode, Credentials: bad, AccessTTL: accessTTL})
		wantErr(t, err, ErrInvalidRequest, ReasonCodeMissing)
		_, err = f.eng.Token(ctx, TokenRequest{GrantType: GrantClientCredentials, Credentials: bad, AccessTTL: accessTTL})
		wantErr(t, err, ErrInvalidClient, ReasonClientAuthFailed)
		problem := fail(ErrInvalidRequest, ReasonBadParameter, "two ways")
		_, err = f.eng.Token(ctx, TokenRequest{GrantType: GrantClientCredentials,
			Credentials: ClientCredentials{Method: AuthBasic, Problem: problem}, AccessTTL: accessTTL})
		if AsError(err) != problem {
			t.Errorf("credentials problem: %v, want %v", err, problem)
		}

		cc, err := f.eng.Token(ctx, TokenRequest{GrantType: GrantClientCredentials, Credentials: good, AccessTTL: accessTTL})
		if err != nil || cc.RefreshToken != "" || cc.UserID != owner.ID {
			t.Fatalf("client_credentials: %+v, %v", cc, err)
		}
		v := newVerifier()
		code := f.approve(t, app, owner, AuthorizeRequest{RedirectURI: appCB, CodeChallenge: s256(v), CodeChallengeMethod: PKCES256})
		pair, err := f.eng.Token(ctx, TokenRequest{GrantType: GrantAuthorizationCode, Credentials: good, Code: code,
			RedirectURI: appCB, CodeVerifier: v, AccessTTL: accessTTL})
		if err != nil || pair.RefreshToken == "" {
			t.Fatalf("authorization_code: %+v, %v", pair, err)
		}
		again, err := f.eng.Token(ctx, TokenRequest{GrantType: GrantRefreshToken, Credentials: good,
			RefreshToken: pair.RefreshToken, AccessTTL: accessTTL})
		if err != nil || again.RefreshToken == pair.RefreshToken {
			t.Fatalf("refresh_token (rotation is on by default): %+v, %v", again, err)
		}
	})
}

// Under ScopeNarrow a scope beyond the client's is cut to what the client has, or to all of
// it when nothing is left; under ScopeStrict it is invalid_scope.
func TestScopePolicy(t *testing.T) {
	t.Parallel()
	allowed := []string{"read", "write"}
	for _, tc := range []struct {
		requested string
		policy    ScopePolicy
		want      string
		fails     bool
	}{
		{"", ScopeStrict, "read write", false},
		{"read", ScopeStrict, "read", false},
		{"read admin", ScopeStrict, "", true},
		{"", ScopeNarrow, "read write", false},
		{"write", ScopeNarrow, "write", false},
		{"openid write profile email", ScopeNarrow, "write", false},
		{"openid profile email", ScopeNarrow, "read write", false},
	} {
		got, err := narrowScope(allowed, tc.requested, tc.policy, false)
		if (err != nil) != tc.fails || JoinScope(got) != tc.want {
			t.Errorf("%q under %d: %q, %v; want %q (fails %v)", tc.requested, tc.policy, JoinScope(got), err, tc.want, tc.fails)
		}
	}
}
