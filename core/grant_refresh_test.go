package core

import (
	"context"
	"testing"
	"time"

	"oauthd/models"
	"oauthd/store"
)

func TestRefreshRotation(t *testing.T) {
	t.Parallel()
	onBackends(t, Options{}, func(t *testing.T, f *fixture) {
		ctx := t.Context()
		ada := f.user(t, "ada@example.com")
		app, _ := f.client(t, NewClient{ID: "app", RefreshRotation: new(true)})
		first := f.tokens(t, app, ada, "")
		f.clock.Advance(time.Minute)

		second, err := f.refresh(ctx, app, first.RefreshToken, "")
		if err != nil {
			t.Fatalf("Refresh: %v", err)
		}
		if !wellFormed(second.RefreshToken) || second.RefreshToken == first.RefreshToken || second.AccessToken == first.AccessToken {
			t.Fatalf("rotation returned %+v, want a new access and refresh token", second)
		}
		if second.Scope != first.Scope || second.ClientID != "app" || second.UserID != ada.ID {
			t.Errorf("refreshed TokenResult = %+v", second)
		}
		old := f.tokenRow(t, first.RefreshToken)
		if old.RotatedAt == 0 || old.RevokedAt == 0 {
			t.Errorf("old refresh token row = %+v, want rotated and revoked", old)
		}
		// Rotation replaces the refresh token only: other workers keep their live access token.
		if !f.bearerOK(t, first.AccessToken) {
			t.Error("the earlier access token was revoked by the rotation")
		}
		if !f.bearerOK(t, second.AccessToken) {
			t.Error("the new access token is refused")
		}
		if f.tokenRow(t, second.RefreshToken).GrantID != old.GrantID {
			t.Error("the new refresh token left the grant")
		}

		// The new refresh token keeps working, and rotates in turn.
		third, err := f.refresh(ctx, app, second.RefreshToken, "")
		if err != nil {
			t.Fatalf("second Refresh: %v", err)
		}

		// Reusing a rotated refresh token revokes the whole grant, the newest tokens too.
		_, err = f.refresh(ctx, app, first.RefreshToken, "")
		wantErr(t, err, ErrInvalidGrant, ReasonRefreshReused)
		if f.bearerOK(t, third.AccessToken) || f.bearerOK(t, first.AccessToken) {
			t.Error("after refresh-token reuse an access token of the grant is still accepted")
		}
		_, err = f.refresh(ctx, app, third.RefreshToken, "")
		wantErr(t, err, ErrInvalidGrant, ReasonRefreshInvalid)
		if in, err := f.eng.Introspect(ctx, third.RefreshToken); err != nil || in.Active {
			t.Errorf("Introspect(newest refresh) = %+v, %v; want inactive", in, err)
		}
	})
}

// With RevokeAccessOnRefresh, a rotation also ends the grant's earlier access tokens.
func TestRefreshRotationRevokingAccess(t *testing.T) {
	t.Parallel()
	onBackends(t, Options{RevokeAccessOnRefresh: true, BearerCacheTTL: time.Minute}, func(t *testing.T, f *fixture) {
		ada := f.user(t, "ada@example.com")
		app, _ := f.client(t, NewClient{ID: "app", RefreshRotation: new(true)})
		first := f.tokens(t, app, ada, "")
		if !f.bearerOK(t, first.AccessToken) { // now in the bearer cache, which must forget it
			t.Fatal("fresh access token refused")
		}
		second, err := f.refresh(t.Context(), app, first.RefreshToken, "")
		if err != nil {
			t.Fatalf("Refresh: %v", err)
		}
		if f.bearerOK(t, first.AccessToken) {
			t.Error("the earlier access token is still accepted")
		}
		if !f.bearerOK(t, second.AccessToken) {
			t.Error("the new access token is refused")
		}
	})
}

func TestRefreshRules(t *testing.T) {
	t.Parallel()
	onBackends(t, Options{RefreshTTL: 24 * time.Hour}, func(t *testing.T, f *fixture) {
		ada := f.user(t, "ada@example.com")
		bob := f.user(t, "bob@example.com")
		rot, _ := f.client(t, NewClient{ID: "rot", Scopes: []string{"read", "write", "admin"}, RefreshRotation: new(true)})
		keep, _ := f.client(t, NewClient{ID: "keep", Scopes: []string{"read", "write", "admin"}})
		other, _ := f.client(t, NewClient{ID: "other", RefreshRotation: new(true)})
		noRefresh, _ := f.client(t, NewClient{ID: "no-refresh", GrantTypes: []string{GrantAuthorizationCode}})

		cases := []struct {
			name   string
			issued *models.Client // client the tokens belong to
			user   *models.User
			scope  string // scope granted
			setup  func(t *testing.T, tok *TokenResult) string
			client *models.Client // client presenting the refresh token
			ask    string         // scope requested at refresh
			code   string         // "": accepted
			reason Reason
			scopes string // accepted: scope of the new access token
		}{
			{name: "same scope", issued: rot, user: ada, scope: "read write", client: rot, scopes: "read write"},
			{name: "narrower scope", issued: rot, user: ada, scope: "read write", client: rot, ask: "read", scopes: "read"},
			{name: "wider scope", issued: rot, user: ada, scope: "read", client: rot, ask: "read write", code: ErrInvalidScope, reason: ReasonScope},
			{name: "other scope", issued: rot, user: ada, scope: "read", client: rot, ask: "admin", code: ErrInvalidScope, reason: ReasonScope},
			{name: "non-rotating narrower scope", issued: keep, user: ada, scope: "read write", client: keep, ask: "write", scopes: "write"},
			{name: "non-rotating wider scope", issued: keep, user: ada, scope: "read", client: keep, ask: "read admin", code: ErrInvalidScope, reason: ReasonScope},
			{name: "another client", issued: rot, user: ada, client: other, code: ErrInvalidGrant, reason: ReasonRefreshInvalid},
			{name: "client without the grant", issued: noRefresh, user: ada, setup: func(t *testing.T, _ *TokenResult) string {
				return f.tokens(t, rot, ada, "").RefreshToken
			}, client: noRefresh, code: ErrUnauthorizedClient, reason: ReasonGrantNotAllowed},
			{name: "access token as refresh token", issued: rot, user: ada, setup: func(_ *testing.T, tok *TokenResult) string { return tok.AccessToken },
				client: rot, code: ErrInvalidGrant, reason: ReasonRefreshInvalid},
			{name: "unknown", issued: rot, user: ada, setup: func(*testing.T, *TokenResult) string { return NewToken() },
				client: rot, code: ErrInvalidGrant, reason: ReasonRefreshInvalid},
			{name: "malformed", issued: rot, user: ada, setup: func(_ *testing.T, tok *TokenResult) string { return tok.RefreshToken + " " },
				client: rot, code: ErrInvalidGrant, reason: ReasonRefreshInvalid},
			{name: "disabled user", issued: rot, user: bob, setup: func(t *testing.T, tok *TokenResult) string {
				f.disable(t, bob)
				t.Cleanup(func() { f.enable(t, bob) }) // the next case issues bob tokens again
				return tok.RefreshToken
			}, client: rot, code: ErrInvalidGrant, reason: ReasonRefreshInvalid},
			{name: "disabled user, non-rotating", issued: keep, user: bob, setup: func(t *testing.T, tok *TokenResult) string {
				f.disable(t, bob)
				return tok.RefreshToken
			}, client: keep, code: ErrInvalidGrant, reason: ReasonRefreshInvalid},
			{name: "revoked", issued: rot, user: ada, setup: func(t *testing.T, tok *TokenResult) string {
				if err := f.eng.revokeHeld(t.Context(), tok.RefreshToken); err != nil {
					t.Fatal(err)
				}
				return tok.RefreshToken
			}, client: rot, code: ErrInvalidGrant, reason: ReasonRefreshInvalid},
			{name: "expired", issued: rot, user: ada, setup: func(_ *testing.T, tok *TokenResult) string {
				f.clock.Advance(24 * time.Hour)
				return tok.RefreshToken
			}, client: rot, code: ErrInvalidGrant, reason: ReasonRefreshInvalid},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				tok := f.tokens(t, tc.issued, tc.user, tc.scope)
				presented := tok.RefreshToken
				if tc.setup != nil {
					presented = tc.setup(t, tok)
				}
				res, err := f.refresh(t.Context(), tc.client, presented, tc.ask)
				if tc.code != "" {
					wantErr(t, err, tc.code, tc.reason)
					if tc.reason == ReasonScope || tc.reason == ReasonRefreshInvalid && tc.client != tc.issued {
						// A refused request must not have spent the token.
						if _, err := f.refresh(t.Context(), tc.issued, tok.RefreshToken, ""); err != nil {
							t.Errorf("refresh token unusable after a refused request: %v", err)
						}
					}
					return
				}
				if err != nil {
					t.Fatalf("Refresh: %v", err)
				}
				if res.Scope != tc.scopes {
					t.Errorf("Scope = %q, want %q", res.Scope, tc.scopes)
				}
				p, err := f.eng.AuthenticateBearer(t.Context(), res.AccessToken)
				if err != nil || JoinScope(p.Scopes) != tc.scopes {
					t.Errorf("new access token = %+v, %v; want scopes %q", p, err, tc.scopes)
				}
				// Narrowing applies to the access token only: the grant keeps its scope.
				again, err := f.refresh(t.Context(), tc.client, res.RefreshToken, tc.scope)
				if err != nil || again.Scope != JoinScope(ParseScope(tc.scope)) {
					t.Errorf("refresh back to the granted scope = %+v, %v", again, err)
				}
			})
		}
	})
}

// A client without rotation gets its refresh token back, and it keeps working.
func TestRefreshWithoutRotation(t *testing.T) {
	t.Parallel()
	onBackends(t, Options{}, func(t *testing.T, f *fixture) {
		ctx := t.Context()
		ada := f.user(t, "ada@example.com")
		app, _ := f.client(t, NewClient{ID: "app", RefreshRotation: new(false)})
		first := f.tokens(t, app, ada, "")
		access := []string{first.AccessToken}
		for i := range 3 {
			f.clock.Advance(time.Minute)
			res, err := f.refresh(ctx, app, first.RefreshToken, "")
			if err != nil {
				t.Fatalf("refresh #%d: %v", i+1, err)
			}
			if res.RefreshToken != first.RefreshToken {
				t.Fatalf("refresh #%d returned refresh token %q, want the same one back", i+1, res.RefreshToken)
			}
			access = append(access, res.AccessToken)
		}
		for i, tok := range access {
			if !f.bearerOK(t, tok) {
				t.Errorf("access token #%d refused; a non-rotating refresh revokes nothing", i)
			}
		}
		if row := f.tokenRow(t, first.RefreshToken); row.RotatedAt != 0 || row.RevokedAt != 0 {
			t.Errorf("refresh token row = %+v, want untouched", row)
		}
		var n int64
		f.store.DB().Model(&store.Token{}).Where("kind = ? AND client_id = ?", models.KindRefresh, "app").Count(&n)
		if n != 1 {
			t.Errorf("%d refresh token rows, want 1", n)
		}
		// Revoking any access token of the grant ends the refresh token too.
		if err := f.eng.revokeToken(ctx, access[2], app.ID); err != nil {
			t.Fatal(err)
		}
		_, err := f.refresh(ctx, app, first.RefreshToken, "")
		wantErr(t, err, ErrInvalidGrant, ReasonRefreshInvalid)
	})
}

// N concurrent refreshes of one rotating refresh token: exactly one succeeds, the others are
// treated as reuse; no request fails with a storage error.
func TestRefreshConcurrent(t *testing.T) {
	t.Parallel()
	onBackends(t, Options{}, func(t *testing.T, f *fixture) {
		ada := f.user(t, "ada@example.com")
		app, _ := f.client(t, NewClient{ID: "app", RefreshRotation: new(true)})
		for round := range 3 {
			tok := f.tokens(t, app, ada, "")
			errs := concurrently(20, func(ctx context.Context) error {
				_, err := f.refresh(ctx, app, tok.RefreshToken, "")
				return err
			})
			wins := 0
			for _, err := range errs {
				switch {
				case err == nil:
					wins++
				case AsError(err).Code != ErrInvalidGrant:
					t.Errorf("round %d: concurrent refresh failed with %v, want invalid_grant", round, err)
				}
			}
			if wins != 1 {
				t.Fatalf("round %d: %d of 20 concurrent refreshes succeeded, want exactly 1", round, wins)
			}
			var refreshRows int64
			grant := f.tokenRow(t, tok.RefreshToken).GrantID
			f.store.DB().Model(&store.Token{}).Where("grant_id = ? AND kind = ?", grant, models.KindRefresh).Count(&refreshRows)
			if refreshRows != 2 {
				t.Errorf("round %d: %d refresh tokens in the grant, want 2 (the old and the one winner's)", round, refreshRows)
			}
		}
	})
}
