package core

import (
	"testing"

	"oauthd/models"
	"oauthd/store"
)

func TestClientCredentials(t *testing.T) {
	t.Parallel()
	onBackends(t, Options{}, func(t *testing.T, f *fixture) {
		owner := f.user(t, "owner@example.com")
		gone := f.user(t, "gone@example.com")
		cc := []string{GrantClientCredentials}
		svc, _ := f.client(t, NewClient{ID: "svc", OwnerEmail: owner.Email, GrantTypes: cc, Scopes: []string{"read", "write"}})
		noOwner, _ := f.client(t, NewClient{ID: "no-owner", GrantTypes: cc})
		notAllowed, _ := f.client(t, NewClient{ID: "code-only", OwnerEmail: owner.Email})
		public, _ := f.client(t, NewClient{ID: "public", AuthMethods: []string{AuthNone}, OwnerEmail: owner.Email, GrantTypes: cc})
		disabledOwner, _ := f.client(t, NewClient{ID: "disabled-owner", OwnerEmail: gone.Email, GrantTypes: cc})
		f.disable(t, gone)
		disabledOwner, _ = f.store.ClientByID(t.Context(), disabledOwner.ID) // as client authentication reads it

		cases := []struct {
			name   string
			client *models.Client
			scope  string
			code   string
			reason Reason
			scopes string
		}{
			{name: "all scopes", client: svc, scopes: "read write"},
			{name: "narrower scope", client: svc, scope: "write", scopes: "write"},
			{name: "wider scope", client: svc, scope: "write admin", code: ErrInvalidScope, reason: ReasonScope},
			{name: "no owner", client: noOwner, code: ErrUnauthorizedClient, reason: ReasonNoOwner},
			{name: "grant not allowed", client: notAllowed, code: ErrUnauthorizedClient, reason: ReasonGrantNotAllowed},
			{name: "public client", client: public, code: ErrUnauthorizedClient, reason: ReasonGrantNotAllowed},
			{name: "disabled owner", client: disabledOwner, code: ErrUnauthorizedClient, reason: ReasonNoOwner},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				res, err := f.eng.ClientCredentials(t.Context(), ClientCredentialsRequest{Client: tc.client, Scope: tc.scope, AccessTTL: accessTTL})
				if tc.code != "" {
					wantErr(t, err, tc.code, tc.reason)
					return
				}
				if err != nil {
					t.Fatalf("ClientCredentials: %v", err)
				}
				if res.RefreshToken != "" {
					t.Errorf("client_credentials issued a refresh token")
				}
				if res.Scope != tc.scopes || res.UserID != owner.ID || res.ClientID != tc.client.ID || res.ExpiresIn != 3600 {
					t.Errorf("TokenResult = %+v", res)
				}
				p, err := f.eng.AuthenticateBearer(t.Context(), res.AccessToken)
				if err != nil || p.UserID != owner.ID || p.Email != owner.Email || JoinScope(p.Scopes) != tc.scopes {
					t.Errorf("AuthenticateBearer = %+v, %v; want the owner with scopes %q", p, err, tc.scopes)
				}
			})
		}
		var rows []store.Token
		f.store.DB().Where("client_id = ?", "svc").Find(&rows)
		for _, r := range rows {
			if r.Kind != models.KindAccess {
				t.Errorf("client_credentials stored a %s token", r.Kind)
			}
		}
		if len(rows) != 2 {
			t.Errorf("%d token rows for svc, want 2", len(rows))
		}
	})
}

// A request authenticated just before its client was removed gets no token: the insert checks
// the client in the same statement, so no token outlives its client.
func TestNoTokenForRemovedClient(t *testing.T) {
	t.Parallel()
	onBackends(t, Options{}, func(t *testing.T, f *fixture) {
		owner := f.user(t, "owner@example.com")
		svc, _ := f.client(t, NewClient{ID: "svc", OwnerEmail: owner.Email, RefreshRotation: new(false),
			GrantTypes: []string{GrantAuthorizationCode, GrantRefreshToken, GrantClientCredentials}})
		tok := f.tokens(t, svc, owner, "")
		if err := f.eng.RemoveClient(t.Context(), "svc"); err != nil {
			t.Fatal(err)
		}
		_, err := f.eng.ClientCredentials(t.Context(), ClientCredentialsRequest{Client: svc, AccessTTL: accessTTL})
		wantErr(t, err, ErrInvalidClient, ReasonClientUnknown)
		_, err = f.refresh(t.Context(), svc, tok.RefreshToken, "")
		wantErr(t, err, ErrInvalidGrant, ReasonRefreshInvalid) // DeleteClient took the refresh token along
		var n int64
		f.store.DB().Model(&store.Token{}).Where("client_id = ?", "svc").Count(&n)
		if n != 0 {
			t.Errorf("%d token rows left for the removed client, want 0", n)
		}
	})
}
