package core

import (
	"context"
	"strings"
	"testing"
	"time"

	"oauthd/models"
	"oauthd/store"
)

func TestExchangeCode(t *testing.T) {
	t.Parallel()
	onBackends(t, Options{}, func(t *testing.T, f *fixture) {
		ctx := t.Context()
		ada := f.user(t, "ada@example.com")
		app, _ := f.client(t, NewClient{ID: "app", Scopes: []string{"read", "write"}})
		v := newVerifier()
		code := f.approve(t, app, ada, AuthorizeRequest{RedirectURI: appCB, Scope: "write", CodeChallenge: s256(v),
			CodeChallengeMethod: PKCES256, Nonce: "n-0S6"})
		now := f.clock.Now()

		res, err := f.exchange(ctx, app, code, appCB, v)
		if err != nil {
			t.Fatalf("ExchangeCode: %v", err)
		}
		if !wellFormed(res.AccessToken) || !wellFormed(res.RefreshToken) || res.AccessToken == res.RefreshToken ||
			res.AccessToken == code || res.RefreshToken == code {
			t.Errorf("tokens %q / %q are not fresh 40-character tokens", res.AccessToken, res.RefreshToken)
		}
		if res.Scope != "write" || res.ClientID != "app" || res.UserID != ada.ID || res.Nonce != "n-0S6" ||
			res.ExpiresIn != 3600 || !res.ExpiresAt.Equal(now.Add(accessTTL)) {
			t.Errorf("TokenResult = %+v", res)
		}
		p, err := f.eng.AuthenticateBearer(ctx, res.AccessToken)
		if err != nil || p.UserID != ada.ID || p.Email != ada.Email || p.ClientID != "app" || !p.HasScope("write") || p.HasScope("read") {
			t.Errorf("AuthenticateBearer = %+v, %v", p, err)
		}
		row, err := f.store.CodeByID(ctx, Digest(code))
		if err != nil || row.UsedAt != now.Unix() {
			t.Errorf("code row after exchange: used_at = %d, %v; want %d", row.UsedAt, err, now.Unix())
		}
		access, refresh := f.tokenRow(t, res.AccessToken), f.tokenRow(t, res.RefreshToken)
		if access.GrantID != row.GrantID || refresh.GrantID != row.GrantID || access.Kind != models.KindAccess ||
			refresh.Kind != models.KindRefresh || access.ExpiresAt != now.Add(accessTTL).Unix() || refresh.ExpiresAt != 0 {
			t.Errorf("token rows: access %+v, refresh %+v", access, refresh)
		}
		var consent store.Consent
		if err := f.store.DB().Where("user_id = ? AND client_id = ?", ada.ID, "app").Take(&consent).Error; err != nil || consent.Scope != "write" {
			t.Errorf("consent row = %+v, %v; want scope write", consent, err)
		}
	})
}

func TestExchangeCodeRules(t *testing.T) {
	t.Parallel()
	onBackends(t, Options{CodeTTL: 5 * time.Minute}, func(t *testing.T, f *fixture) {
		ada := f.user(t, "ada@example.com")
		a, _ := f.client(t, NewClient{ID: "app-a"})
		b, _ := f.client(t, NewClient{ID: "app-b"})
		noRefresh, _ := f.client(t, NewClient{ID: "no-refresh", GrantTypes: []string{GrantAuthorizationCode}})
		ccOnly, _ := f.client(t, NewClient{ID: "cc", GrantTypes: []string{GrantClientCredentials}})

		cases := []struct {
			name     string
			issuedTo *models.Client
			given    string // redirect_uri at authorize
			before   func()
			client   *models.Client
			redirect string // redirect_uri at the token endpoint
			ttl      time.Duration
			code     func(string) string
			code2    string
			reason   Reason
			ok       bool
		}{
			{name: "same redirect", issuedTo: a, given: appCB2, client: a, redirect: appCB2, ok: true},
			{name: "default redirect, none at token endpoint", issuedTo: a, client: a, ok: true},
			{name: "default redirect, repeated at token endpoint", issuedTo: a, client: a, redirect: appCB, ok: true},
			{name: "another client", issuedTo: a, given: appCB, client: b, redirect: appCB, code2: ErrInvalidGrant, reason: ReasonCodeWrongClient},
			{name: "other registered redirect", issuedTo: a, given: appCB, client: a, redirect: appCB2, code2: ErrInvalidGrant, reason: ReasonCodeMismatch},
			{name: "redirect omitted at token endpoint", issuedTo: a, given: appCB, client: a, code2: ErrInvalidGrant, reason: ReasonCodeMismatch},
			{name: "redirect added at token endpoint", issuedTo: a, client: a, redirect: appCB2, code2: ErrInvalidGrant, reason: ReasonCodeMismatch},
			{name: "redirect with trailing slash", issuedTo: a, given: appCB, client: a, redirect: appCB + "/", code2: ErrInvalidGrant, reason: ReasonCodeMismatch},
			{name: "just before expiry", issuedTo: a, given: appCB, client: a, redirect: appCB, before: func() { f.clock.Advance(5*time.Minute - time.Second) }, ok: true},
			{name: "expired", issuedTo: a, given: appCB, client: a, redirect: appCB, before: func() { f.clock.Advance(5 * time.Minute) }, code2: ErrInvalidGrant, reason: ReasonCodeExpired},
			{name: "unknown code", issuedTo: a, client: a, code: func(string) string { return NewToken() }, code2: ErrInvalidGrant, reason: ReasonCodeUnknown},
			{name: "malformed code", issuedTo: a, client: a, code: func(c string) string { return c + "=" }, code2: ErrInvalidGrant, reason: ReasonCodeUnknown},
			{name: "code in other case", issuedTo: a, client: a, code: func(c string) string { return strings.ToUpper(c) }, code2: ErrInvalidGrant, reason: ReasonCodeUnknown},
			{name: "empty code", issuedTo: a, client: a, code: func(string) string { return "" }, code2: ErrInvalidGrant, reason: ReasonCodeUnknown},
			{name: "client may not use the grant", issuedTo: a, client: ccOnly, code2: ErrUnauthorizedClient, reason: ReasonGrantNotAllowed},
			{name: "access lifetime under a second", issuedTo: a, client: a, ttl: time.Millisecond, code2: ErrInvalidRequest, reason: ReasonBadParameter},
			{name: "no refresh grant, no refresh token", issuedTo: noRefresh, client: noRefresh, ok: true},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				code := f.approve(t, tc.issuedTo, ada, AuthorizeRequest{RedirectURI: tc.given})
				if tc.before != nil {
					tc.before()
				}
				presented := code
				if tc.code != nil {
					presented = tc.code(code)
				}
				ttl := accessTTL
				if tc.ttl != 0 {
					ttl = tc.ttl
				}
				res, err := f.eng.ExchangeCode(t.Context(), CodeExchange{Client: tc.client, Code: presented,
					RedirectURI: tc.redirect, AccessTTL: ttl})
				if tc.ok {
					if err != nil {
						t.Fatalf("ExchangeCode: %v", err)
					}
					if wantRefresh := allows(tc.client, GrantRefreshToken); (res.RefreshToken != "") != wantRefresh {
						t.Errorf("refresh token issued = %v, want %v", res.RefreshToken != "", wantRefresh)
					}
					return
				}
				wantErr(t, err, tc.code2, tc.reason)
				if tc.reason == ReasonCodeMismatch || tc.reason == ReasonCodeWrongClient || tc.reason == ReasonCodeExpired {
					// A code that failed a check is burnt: the rightful client cannot use it either.
					_, err := f.exchange(t.Context(), tc.issuedTo, code, tc.given, "")
					wantErr(t, err, ErrInvalidGrant, ReasonCodeUsed)
				}
			})
		}
	})
}

// A code presented twice revokes every token issued from it (RFC 6749 §4.1.2).
func TestExchangeCodeReuseRevokesGrant(t *testing.T) {
	t.Parallel()
	onBackends(t, Options{}, func(t *testing.T, f *fixture) {
		ctx := t.Context()
		ada := f.user(t, "ada@example.com")
		app, _ := f.client(t, NewClient{ID: "app"})
		other := f.tokens(t, app, ada, "") // another grant of the same user and client
		code := f.approve(t, app, ada, AuthorizeRequest{RedirectURI: appCB})
		first, err := f.exchange(ctx, app, code, appCB, "")
		if err != nil {
			t.Fatalf("first exchange: %v", err)
		}
		refreshed, err := f.refresh(ctx, app, first.RefreshToken, "")
		if err != nil {
			t.Fatalf("refresh: %v", err)
		}

		_, err = f.exchange(ctx, app, code, appCB, "")
		wantErr(t, err, ErrInvalidGrant, ReasonCodeUsed)

		for name, tok := range map[string]string{"first access": first.AccessToken, "refreshed access": refreshed.AccessToken} {
			if f.bearerOK(t, tok) {
				t.Errorf("%s token still accepted after code reuse", name)
			}
		}
		for name, tok := range map[string]string{"first refresh": first.RefreshToken, "rotated refresh": refreshed.RefreshToken} {
			if _, err := f.refresh(ctx, app, tok, ""); err == nil || AsError(err).Code != ErrInvalidGrant {
				t.Errorf("%s token: Refresh err = %v, want invalid_grant", name, err)
			}
		}
		grant := f.tokenRow(t, first.AccessToken).GrantID
		var live int64
		f.store.DB().Model(&store.Token{}).Where("grant_id = ? AND revoked_at = 0", grant).Count(&live)
		if live != 0 {
			t.Errorf("%d tokens of the reused code's grant are still active", live)
		}
		if !f.bearerOK(t, other.AccessToken) {
			t.Error("a token of another grant was revoked by the code reuse")
		}
	})
}

// N concurrent exchanges of one code: exactly one gets tokens, on every backend.
func TestExchangeCodeConcurrent(t *testing.T) {
	t.Parallel()
	onBackends(t, Options{}, func(t *testing.T, f *fixture) {
		ada := f.user(t, "ada@example.com")
		app, _ := f.client(t, NewClient{ID: "app"})
		for round := range 3 {
			v := newVerifier()
			code := f.approve(t, app, ada, AuthorizeRequest{RedirectURI: appCB, CodeChallenge: s256(v), CodeChallengeMethod: PKCES256})
			errs := concurrently(24, func(ctx context.Context) error {
				_, err := f.exchange(ctx, app, code, appCB, v)
				return err
			})
			wins := 0
			for _, err := range errs {
				switch {
				case err == nil:
					wins++
				case AsError(err).Code != ErrInvalidGrant || AsError(err).Reason != ReasonCodeUsed:
					t.Errorf("round %d: concurrent exchange failed with %v, want invalid_grant (code used)", round, err)
				}
			}
			if wins != 1 {
				t.Fatalf("round %d: %d of 24 concurrent exchanges succeeded, want exactly 1", round, wins)
			}
			row, err := f.store.CodeByID(t.Context(), Digest(code))
			if err != nil {
				t.Fatal(err)
			}
			var n int64
			f.store.DB().Model(&store.Token{}).Where("grant_id = ?", row.GrantID).Count(&n)
			if n != 2 {
				t.Errorf("round %d: %d token rows for the code's grant, want 2 (one access, one refresh)", round, n)
			}
		}
	})
}

// frappeVerifier and frappeChallenge are the PKCE vector of Frappe's test suite: a 3-character
// verifier that RFC 7636's 43-character minimum would refuse.
const (
	frappeVerifier  = "420"
	frappeChallenge = "21XaP8MJjpxCMRxgEzBP82sZ73PRLqkyBUta1R309J0"
)

func TestPKCE(t *testing.T) {
	t.Parallel()
	if s256(frappeVerifier) != frappeChallenge {
		t.Fatalf("S256(%q) = %s, want Frappe's %s", frappeVerifier, s256(frappeVerifier), frappeChallenge)
	}
	onBackends(t, Options{}, func(t *testing.T, f *fixture) {
		ada := f.user(t, "ada@example.com")
		conf, _ := f.client(t, NewClient{ID: "conf"})
		pub, _ := f.client(t, NewClient{ID: "pub", AuthMethods: []string{AuthNone}})
		plain, _ := f.client(t, NewClient{ID: "plain", AllowPlainPKCE: true})
		lenient := f.engine(Options{PKCEMinVerifierLength: 1})
		v := newVerifier()
		v43 := v[:43]
		v42 := v[:42]
		v129 := (v + v)[:129]
		bad := v[:42] + "+"

		cases := []struct {
			name      string
			client    *models.Client
			challenge string // empty: no PKCE at authorize
			method    string
			verifier  string
			eng       *Engine
			ok        bool
		}{
			{name: "S256", client: conf, challenge: s256(v), method: PKCES256, verifier: v, ok: true},
			{name: "S256 public client", client: pub, challenge: s256(v), method: PKCES256, verifier: v, ok: true},
			{name: "S256 43 characters", client: conf, challenge: s256(v43), method: PKCES256, verifier: v43, ok: true},
			{name: "S256 128 characters", client: conf, challenge: s256(v129[:128]), method: PKCES256, verifier: v129[:128], ok: true},
			{name: "wrong verifier", client: conf, challenge: s256(v), method: PKCES256, verifier: NewToken() + NewToken()},
			{name: "wrong verifier public client", client: pub, challenge: s256(v), method: PKCES256, verifier: v43},
			{name: "challenge sent as verifier", client: conf, challenge: s256(v), method: PKCES256, verifier: s256(v)},
			{name: "downgrade: verifier without challenge", client: conf, verifier: v},
			{name: "challenge without verifier", client: conf, challenge: s256(v), method: PKCES256},
			{name: "challenge without verifier, public client", client: pub, challenge: s256(v), method: PKCES256},
			{name: "verifier too short", client: conf, challenge: s256(v42), method: PKCES256, verifier: v42},
			{name: "verifier too long", client: conf, challenge: s256(v129), method: PKCES256, verifier: v129},
			{name: "verifier bad charset", client: conf, challenge: s256(bad), method: PKCES256, verifier: bad},
			{name: "Frappe vector at default minimum", client: conf, challenge: frappeChallenge, method: PKCES256, verifier: frappeVerifier},
			{name: "Frappe vector with minimum 1", client: conf, challenge: frappeChallenge, method: PKCES256, verifier: frappeVerifier, eng: lenient, ok: true},
			{name: "Frappe vector with minimum 1, wrong verifier", client: conf, challenge: frappeChallenge, method: PKCES256, verifier: "421", eng: lenient},
			{name: "plain allowed", client: plain, challenge: v, method: PKCEPlain, verifier: v, ok: true},
			{name: "plain wrong verifier", client: plain, challenge: v, method: PKCEPlain, verifier: v43},
			{name: "no PKCE at all, confidential", client: conf, ok: true},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				code := f.approve(t, tc.client, ada, AuthorizeRequest{RedirectURI: appCB, CodeChallenge: tc.challenge,
					CodeChallengeMethod: tc.method})
				eng := f.eng
				if tc.eng != nil {
					eng = tc.eng
				}
				req := CodeExchange{Client: tc.client, Code: code, RedirectURI: appCB, CodeVerifier: tc.verifier, AccessTTL: accessTTL}
				_, err := eng.ExchangeCode(t.Context(), req)
				if tc.ok {
					if err != nil {
						t.Fatalf("ExchangeCode: %v", err)
					}
					return
				}
				wantErr(t, err, ErrInvalidGrant, ReasonPKCE)
				// A failed verifier burns the code: no second guess, even the right one.
				if tc.challenge != "" {
					req.CodeVerifier = v
					_, err = eng.ExchangeCode(t.Context(), req)
					wantErr(t, err, ErrInvalidGrant, ReasonCodeUsed)
				}
			})
		}
	})
}
