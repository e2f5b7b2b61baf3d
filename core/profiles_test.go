package core

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"oauthd/store"

	"github.com/go-jose/go-jose/v4"
)

// token runs Token for a client with the given credentials (secret "" sends none).
func (f *fixture) token(ctx context.Context, req TokenRequest, id, secret string) (*TokenResult, error) {
	req.Credentials = ClientCredentials{ID: id, Secret: secret, Method: AuthPost}
	if secret == "" {
		req.Credentials.Method = AuthNone
	}
	req.AccessTTL = accessTTL
	return f.eng.Token(ctx, req)
}

// ledger reads one client's uses and refusals of one quirk, flushed or not.
func (f *fixture) ledger(t *testing.T, clientID, quirk string) (uses, refused int64) {
	t.Helper()
	lines, err := f.eng.QuirkLedger(t.Context(), clientID)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range lines {
		if l.Quirk == quirk {
			return l.Uses, l.Refused
		}
	}
	return 0, 0
}

// A frappe-v15 client exchanges codes and refresh tokens and uses the password grant without
// its secret, as Frappe up to v15 let it; a standard client is refused as before. Both are
// counted.
func TestProfileNoClientAuth(t *testing.T) {
	t.Parallel()
	onBackends(t, Options{}, func(t *testing.T, f *fixture) {
		ctx := t.Context()
		ada := f.user(t, "ada@example.com")
		v15, _ := f.client(t, NewClient{ID: "v15", Profile: ProfileFrappeV15})
		std, _ := f.client(t, NewClient{ID: "std"})
		code := f.approve(t, v15, ada, AuthorizeRequest{RedirectURI: appCB, Scope: "all"})
		res, err := f.token(ctx, TokenRequest{GrantType: GrantAuthorizationCode, Code: code, RedirectURI: appCB}, "v15", "")
		if err != nil {
			t.Fatalf("frappe-v15 code exchange without a secret: %v", err)
		}
		if _, err := f.token(ctx, TokenRequest{GrantType: GrantRefreshToken, RefreshToken: res.RefreshToken}, "v15", ""); err != nil {
			t.Fatalf("frappe-v15 refresh without a secret: %v", err)
		}
		if _, err := f.token(ctx, TokenRequest{GrantType: GrantRefreshToken, RefreshToken: res.RefreshToken}, "v15", "wrong"); err == nil {
			t.Fatal("a wrong secret was taken for no_client_auth")
		}
		if uses, refused := f.ledger(t, "v15", "no_client_auth"); uses != 2 || refused != 0 {
			t.Errorf("frappe-v15 no_client_auth: %d uses, %d refused; want 2, 0", uses, refused)
		}
		code = f.approve(t, std, ada, AuthorizeRequest{RedirectURI: appCB})
		_, err = f.token(ctx, TokenRequest{GrantType: GrantAuthorizationCode, Code: code, RedirectURI: appCB}, "std", "")
		wantErr(t, err, ErrInvalidClient, ReasonClientAuthFailed)
		if uses, refused := f.ledger(t, "std", "no_client_auth"); uses != 1 || refused != 1 {
			t.Errorf("standard no_client_auth: %d uses, %d refused; want 1, 1", uses, refused)
		}
		if _, err := f.eng.UpdateClient(ctx, "v15", ClientChange{RefusedQuirks: &[]string{"no_client_auth"}}); err != nil {
			t.Fatal(err)
		}
		code = f.approve(t, v15, ada, AuthorizeRequest{RedirectURI: appCB, Scope: "all"})
		_, err = f.token(ctx, TokenRequest{GrantType: GrantAuthorizationCode, Code: code, RedirectURI: appCB}, "v15", "")
		wantErr(t, err, ErrInvalidClient, ReasonClientAuthFailed)
	})
}

// The password grant goes through the core's login; only frappe-v15 clients have it.
func TestProfilePasswordGrant(t *testing.T) {
	t.Parallel()
	onBackends(t, Options{}, func(t *testing.T, f *fixture) {
		ctx := t.Context()
		ada := f.user(t, "ada@example.com")
		f.client(t, NewClient{ID: "v15", Profile: ProfileFrappeV15})
		f.client(t, NewClient{ID: "std"})
		req := TokenRequest{GrantType: GrantPassword, Username: ada.Email, Password: password, Scope: "all"}
		res, err := f.token(ctx, req, "v15", "")
		if err != nil || res.Scope != "all" || res.RefreshToken == "" || res.IDToken != "" || !f.bearerOK(t, res.AccessToken) {
			t.Fatalf("password grant: %+v, %v", res, err)
		}
		req.Password = "wrong"
		_, err = f.token(ctx, req, "v15", "")
		wantErr(t, err, ErrInvalidGrant, ReasonLoginFailed)
		req.Password = ""
		_, err = f.token(ctx, req, "v15", "")
		wantErr(t, err, ErrInvalidRequest, ReasonBadParameter)
		req.Password = password
		_, err = f.token(ctx, req, "std", "")
		wantErr(t, err, ErrInvalidClient, ReasonClientAuthFailed) // no secret: refused before the grant
		if uses, refused := f.ledger(t, "v15", "password_grant"); uses != 3 || refused != 0 {
			t.Errorf("password_grant: %d uses, %d refused; want 3, 0", uses, refused)
		}
	})
}

// response_type=token answers with an access token in the fragment for a frappe-v15 client
// given the implicit grant, and is unsupported for the others.
func TestProfileImplicitGrant(t *testing.T) {
	t.Parallel()
	onBackends(t, Options{}, func(t *testing.T, f *fixture) {
		ctx := t.Context()
		ada := f.user(t, "ada@example.com")
		f.client(t, NewClient{ID: "implicit", Profile: ProfileFrappeV15, GrantTypes: []string{GrantImplicit},
			SkipAuthorization: true})
		f.client(t, NewClient{ID: "std", SkipAuthorization: true})
		s := Session{User: ada}
		o := f.eng.AuthorizeFlow(ctx, AuthorizeRequest{ClientID: "implicit", ResponseType: "token", Scope: "all",
			State: "st", RedirectURI: appCB, AccessTTL: accessTTL}, s)
		if o.Kind != OutcomeToken {
			t.Fatalf("implicit: outcome %+v", o)
		}
		u, _ := url.Parse(o.Redirect)
		frag, _ := url.ParseQuery(u.Fragment)
		if u.RawQuery != "" || frag.Get("access_token") != o.Token.AccessToken || frag.Get("token_type") != "Bearer" ||
			frag.Get("expires_in") != "3600" || frag.Get("scope") != "all" || frag.Get("state") != "st" ||
			!f.bearerOK(t, o.Token.AccessToken) {
			t.Fatalf("implicit redirect %s", o.Redirect)
		}
		o = f.eng.AuthorizeFlow(ctx, AuthorizeRequest{ClientID: "std", ResponseType: "token", RedirectURI: appCB,
			AccessTTL: accessTTL}, s)
		if o.Kind != OutcomeFail || o.Err.Code != ErrUnsupportedResponseType || !strings.Contains(o.Redirect, "error=") {
			t.Fatalf("standard client, response_type=token: %+v", o)
		}
	})
}

// Frappe's profiles sign id_tokens HS256 with the client secret; refused, the server's key
// signs. Both Frappe profiles revoke the previous access token on refresh.
func TestProfileFrappeIDTokenAndRefresh(t *testing.T) {
	t.Parallel()
	onBackends(t, Options{}, func(t *testing.T, f *fixture) {
		ctx := t.Context()
		ada := f.user(t, "ada@example.com")
		c, secret := f.client(t, NewClient{ID: "v16", Profile: ProfileFrappe})
		if c.IDTokenAlg != AlgHS256 || c.AllowPlainPKCE {
			t.Fatalf("profile frappe client: alg %q, plain %v", c.IDTokenAlg, c.AllowPlainPKCE)
		}
		tok := f.tokens(t, c, ada, "openid")
		jws, err := jose.ParseSigned(tok.IDToken, []jose.SignatureAlgorithm{jose.HS256})
		if err != nil {
			t.Fatalf("id_token: %v", err)
		}
		if _, err := jws.Verify([]byte(secret)); err != nil {
			t.Fatalf("the id_token does not verify with the client secret: %v", err)
		}
		next, err := f.refresh(ctx, c, tok.RefreshToken, "")
		if err != nil || f.bearerOK(t, tok.AccessToken) || !f.bearerOK(t, next.AccessToken) {
			t.Fatalf("refresh: %v; the previous access token must be revoked, the new one live", err)
		}
		if _, err := f.eng.UpdateClient(ctx, "v16", ClientChange{RefusedQuirks: &[]string{"hs256_id_token"}}); err != nil {
			t.Fatal(err)
		}
		c, _ = f.eng.Client(ctx, "v16")
		tok = f.tokens(t, c, ada, "openid")
		if _, err := jose.ParseSigned(tok.IDToken, []jose.SignatureAlgorithm{AlgES256}); err != nil {
			t.Errorf("hs256_id_token refused: the id_token is not the server's: %v", err)
		}
		if uses, refused := f.ledger(t, "v16", "hs256_id_token"); uses != 3 || refused != 1 {
			t.Errorf("hs256_id_token: %d uses, %d refused; want 3, 1", uses, refused)
		}
	})
}

// An id_token goes only to a request that asked for openid (and, on refresh, to a grant whose
// request did), never because the client's default scope holds it; the granted scope is the
// same either way.
func TestIDTokenOnlyWhenAsked(t *testing.T) {
	t.Parallel()
	onBackends(t, Options{}, func(t *testing.T, f *fixture) {
		ctx := t.Context()
		ada := f.user(t, "ada@example.com")
		c, _ := f.client(t, NewClient{ID: "app"}) // default scopes: all openid
		for _, tc := range []struct {
			asked, granted string
			idToken        bool
		}{{"", "all openid", false}, {"all", "all", false}, {"openid", "openid", true}, {"all openid", "all openid", true}} {
			tok := f.tokens(t, c, ada, tc.asked)
			if tok.Scope != tc.granted || (tok.IDToken != "") != tc.idToken {
				t.Errorf("asked %q: scope %q, id_token %v; want %q, %v", tc.asked, tok.Scope, tok.IDToken != "",
					tc.granted, tc.idToken)
			}
			next, err := f.refresh(ctx, c, tok.RefreshToken, "")
			if err != nil || (next.IDToken != "") != tc.idToken {
				t.Errorf("asked %q, refresh: id_token %v, %v; want %v", tc.asked, next != nil && next.IDToken != "", err, tc.idToken)
			}
		}
	})
}

// A refused secret_in_url is answered at the authorization endpoint, never redirected; a user
// without one of the client's allowed roles gets Frappe's answer, never redirected either.
func TestAuthorizeRefusalsAndRoles(t *testing.T) {
	t.Parallel()
	onBackends(t, Options{}, func(t *testing.T, f *fixture) {
		ctx := t.Context()
		ada := f.user(t, "ada@example.com") // roles admin, dev
		f.client(t, NewClient{ID: "app", SkipAuthorization: true, RefusedQuirks: []string{"secret_in_url"}})
		f.client(t, NewClient{ID: "ops", SkipAuthorization: true, AllowedRoles: []string{"Accounts User", "dev"}})
		f.client(t, NewClient{ID: "acc", SkipAuthorization: true, AllowedRoles: []string{"Accounts User"}})
		req := AuthorizeRequest{ClientID: "app", ResponseType: "code", RedirectURI: appCB, Quirks: QuirkSecretInURL}
		o := f.eng.AuthorizeFlow(ctx, req, Session{User: ada})
		if o.Kind != OutcomeFail || o.Redirect != "" || o.Err.Reason != ReasonQuirkRefused {
			t.Fatalf("refused secret_in_url: %+v", o)
		}
		if uses, refused := f.ledger(t, "app", "secret_in_url"); uses != 1 || refused != 1 {
			t.Errorf("secret_in_url: %d uses, %d refused; want 1, 1", uses, refused)
		}
		req.ClientID, req.Quirks = "ops", 0
		if o := f.eng.AuthorizeFlow(ctx, req, Session{User: ada}); o.Kind != OutcomeCode {
			t.Fatalf("a user with an allowed role: %+v", o)
		}
		req.ClientID = "acc"
		o = f.eng.AuthorizeFlow(ctx, req, Session{User: ada})
		if o.Kind != OutcomeFail || o.Redirect != "" || o.Err.Description != "Invalid client_id parameter value." {
			t.Fatalf("a user without an allowed role: %+v", o)
		}
		var acc store.Client
		if err := f.store.DB().Where("id = ?", "acc").Take(&acc).Error; err != nil || acc.AllowedRoles != "Accounts User" {
			t.Errorf("allowed roles stored as %q, %v", acc.AllowedRoles, err)
		}
	})
}
