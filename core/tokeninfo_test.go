package core

import (
	"strings"
	"testing"
	"time"

	"oauthd/models"
)

func TestAuthenticateBearer(t *testing.T) {
	t.Parallel()
	onBackends(t, Options{}, func(t *testing.T, f *fixture) {
		ctx := t.Context()
		ada := f.user(t, "ada@example.com")
		app, _ := f.client(t, NewClient{ID: "app", Scopes: []string{"read", "write"}})
		good := f.tokens(t, app, ada, "read")
		p, err := f.eng.AuthenticateBearer(ctx, good.AccessToken)
		if err != nil {
			t.Fatalf("AuthenticateBearer: %v", err)
		}
		if p.UserID != ada.ID || p.Email != ada.Email || p.FullName != "Ada Lovelace" || p.Subject != ada.Subject ||
			p.ClientID != "app" || !p.HasScope("read") || p.HasScope("write") ||
			!p.ExpiresAt.Equal(good.ExpiresAt) {
			t.Errorf("Principal = %+v", p)
		}

		cases := []struct {
			name    string
			token   func(t *testing.T) string
			advance time.Duration // clock moved forward for the check, then back
		}{
			{"empty", func(*testing.T) string { return "" }, 0},
			{"short", func(*testing.T) string { return good.AccessToken[:39] }, 0},
			{"long", func(*testing.T) string { return good.AccessToken + "x" }, 0},
			{"bad character", func(*testing.T) string { return good.AccessToken[:39] + "-" }, 0},
			{"with spaces", func(*testing.T) string { return " " + good.AccessToken[1:] }, 0},
			{"digest of a token", func(*testing.T) string { return Digest(good.AccessToken) }, 0},
			{"other case", func(*testing.T) string { return strings.ToLower(good.AccessToken) }, 0},
			{"unknown", func(*testing.T) string { return NewToken() }, 0},
			{"refresh token", func(*testing.T) string { return good.RefreshToken }, 0},
			{"expired", func(t *testing.T) string {
				tok := f.tokens(t, app, ada, "")
				f.clock.Advance(accessTTL)
				defer f.clock.Advance(-accessTTL)
				if _, err := f.eng.AuthenticateBearer(t.Context(), tok.AccessToken); err == nil {
					t.Error("token accepted at its expiry time")
				}
				f.clock.Advance(-time.Second)
				if _, err := f.eng.AuthenticateBearer(t.Context(), tok.AccessToken); err != nil {
					t.Errorf("token refused a second before expiry: %v", err)
				}
				f.clock.Advance(time.Second)
				return tok.AccessToken
			}, accessTTL},
			{"revoked", func(t *testing.T) string {
				tok := f.tokens(t, app, ada, "")
				if err := f.eng.revokeToken(t.Context(), tok.AccessToken, app.ID); err != nil {
					t.Fatal(err)
				}
				return tok.AccessToken
			}, 0},
			{"disabled user", func(t *testing.T) string {
				bob := f.user(t, "bob@example.com")
				tok := f.tokens(t, app, bob, "")
				f.disable(t, bob)
				return tok.AccessToken
			}, 0},
			{"client removed", func(t *testing.T) string {
				removed, _ := f.client(t, NewClient{ID: "removed"})
				tok := f.tokens(t, removed, ada, "")
				if err := f.eng.RemoveClient(t.Context(), "removed"); err != nil {
					t.Fatal(err)
				}
				return tok.AccessToken
			}, 0},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				tok := tc.token(t)
				f.clock.Advance(tc.advance)
				defer f.clock.Advance(-tc.advance)
				p, err := f.eng.AuthenticateBearer(t.Context(), tok)
				if p != nil {
					t.Errorf("refused token returned principal %+v", p)
				}
				reason := ReasonTokenInvalid
				if tok == "" {
					reason = ReasonTokenMissing // invalid_token, whose challenge names no error
				}
				wantErr(t, err, ErrInvalidToken, reason)
				if in, err := f.eng.Introspect(t.Context(), tok); err != nil || in.Active && tc.name != "refresh token" || in.Principal != nil && !in.Active {
					t.Errorf("Introspect = %+v, %v; want inactive and empty", in, err)
				}
			})
		}
		if !f.bearerOK(t, good.AccessToken) {
			t.Error("the good token stopped working")
		}
	})
}

func TestIntrospect(t *testing.T) {
	t.Parallel()
	onBackends(t, Options{}, func(t *testing.T, f *fixture) {
		ctx := t.Context()
		ada := f.user(t, "ada@example.com")
		app, _ := f.client(t, NewClient{ID: "app", SkipAuthorization: true})
		tok := f.tokens(t, app, ada, "")
		for kind, plain := range map[string]string{models.KindAccess: tok.AccessToken, models.KindRefresh: tok.RefreshToken} {
			in, err := f.eng.Introspect(ctx, plain)
			if err != nil || !in.Active || in.Kind != kind || !in.TrustedClient || in.Principal == nil ||
				in.Principal.UserID != ada.ID || !in.IssuedAt.Equal(f.clock.Now()) {
				t.Errorf("Introspect(%s) = %+v, %v", kind, in, err)
			}
		}
		for name, plain := range map[string]string{"unknown": NewToken(), "malformed": "abc", "empty": ""} {
			in, err := f.eng.Introspect(ctx, plain)
			if err != nil || in.Active || in.Principal != nil || in.Kind != "" {
				t.Errorf("Introspect(%s) = %+v, %v; want inactive and nothing else", name, in, err)
			}
		}
	})
}

func TestRevoke(t *testing.T) {
	t.Parallel()
	onBackends(t, Options{}, func(t *testing.T, f *fixture) {
		ctx := t.Context()
		ada := f.user(t, "ada@example.com")
		app, _ := f.client(t, NewClient{ID: "app"})
		other, _ := f.client(t, NewClient{ID: "other"})

		cases := []struct {
			name     string
			pick     func(*TokenResult) string
			by       *models.Client
			revoked  bool
			otherRun bool
		}{
			{name: "access token kills refresh token", pick: func(r *TokenResult) string { return r.AccessToken }, by: app, revoked: true},
			{name: "refresh token kills access token", pick: func(r *TokenResult) string { return r.RefreshToken }, by: app, revoked: true},
			{name: "no client given", pick: func(r *TokenResult) string { return r.RefreshToken }, revoked: true},
			{name: "another client's access token", pick: func(r *TokenResult) string { return r.AccessToken }, by: other},
			{name: "another client's refresh token", pick: func(r *TokenResult) string { return r.RefreshToken }, by: other},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				tok := f.tokens(t, app, ada, "")
				bystander := f.tokens(t, app, ada, "")
				revoke := func() error { return f.eng.revokeHeld(t.Context(), tc.pick(tok)) }
				if tc.by != nil {
					revoke = func() error { return f.eng.revokeToken(t.Context(), tc.pick(tok), tc.by.ID) }
				}
				if err := revoke(); err != nil {
					t.Fatalf("Revoke: %v", err)
				}
				if got := !f.bearerOK(t, tok.AccessToken); got != tc.revoked {
					t.Errorf("access token revoked = %v, want %v", got, tc.revoked)
				}
				_, err := f.refresh(t.Context(), app, tok.RefreshToken, "")
				if got := err != nil; got != tc.revoked {
					t.Errorf("refresh token refused = %v (%v), want %v", got, err, tc.revoked)
				}
				if !f.bearerOK(t, bystander.AccessToken) {
					t.Error("a token of another grant was revoked")
				}
			})
		}
		for name, plain := range map[string]string{"unknown": NewToken(), "malformed": "not a token", "empty": ""} {
			if err := f.eng.revokeToken(ctx, plain, app.ID); err != nil {
				t.Errorf("Revoke(%s) = %v, want nil", name, err)
			}
		}
	})
}
