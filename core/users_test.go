package core

import (
	"errors"
	"slices"
	"testing"
	"time"

	"oauthd/models"
)

func TestDisableUserRevokesCachedTokensSessionsAndCodes(t *testing.T) {
	onBackends(t, Options{BearerCacheTTL: time.Hour}, func(t *testing.T, f *fixture) {
		ctx := t.Context()
		u := f.user(t, "ada@example.com")
		other := f.user(t, "bob@example.com")
		c, _ := f.client(t, NewClient{})
		res := f.tokens(t, c, u, "all")
		kept := f.tokens(t, c, other, "all")
		if !f.bearerOK(t, res.AccessToken) { // now in the bearer cache
			t.Fatal("fresh token refused")
		}
		_, sid, err := f.eng.Login(ctx, LoginAttempt{Email: u.Email, Password: password})
		if err != nil {
			t.Fatal(err)
		}
		v := newVerifier()
		code := f.approve(t, c, u, AuthorizeRequest{RedirectURI: appCB, CodeChallenge: s256(v), CodeChallengeMethod: PKCES256})

		if _, err := f.eng.DisableUser(ctx, "ADA@example.com "); err != nil {
			t.Fatal(err)
		}
		if f.bearerOK(t, res.AccessToken) {
			t.Error("a cached token of a disabled user is still accepted")
		}
		if row := f.tokenRow(t, res.RefreshToken); row.RevokedAt == 0 {
			t.Error("the refresh token was not revoked")
		}
		if _, err := f.eng.SessionUser(ctx, sid); err == nil {
			t.Error("the session survived")
		}
		if _, err := f.exchange(ctx, c, code, appCB, v); err == nil {
			t.Error("an outstanding code still exchanges")
		}
		if !f.bearerOK(t, kept.AccessToken) {
			t.Error("another user's token was revoked")
		}
		if _, _, err := f.eng.Login(ctx, LoginAttempt{Email: u.Email, Password: password}); err == nil {
			t.Error("a disabled user logged in")
		}
		if _, err := f.eng.EnableUser(ctx, u.Email); err != nil {
			t.Fatal(err)
		}
		if _, _, err := f.eng.Login(ctx, LoginAttempt{Email: u.Email, Password: password}); err != nil {
			t.Errorf("login after enable: %v", err)
		}
	})
}

func TestUpdateUserValidatesBeforeWriting(t *testing.T) {
	onBackends(t, Options{}, func(t *testing.T, f *fixture) {
		ctx := t.Context()
		f.user(t, "ada@example.com") // roles admin, dev
		name := "Ada King"
		bad := []UserChange{
			{FullName: &name, AddRoles: []string{"a,b"}},
			{FullName: new(string(make([]byte, 256)))},
			{LastName: new(string(make([]byte, 141)))},
			{RemoveRoles: []string{" dev"}},
			{FullName: new("Ada\x00King")}, // PostgreSQL cannot hold a NUL in text: refused on every engine
			{AddRoles: []string{"ops\x00"}},
		}
		for _, ch := range bad {
			if _, err := f.eng.UpdateUser(ctx, "ada@example.com", ch); !errors.Is(err, ErrInvalidInput) {
				t.Errorf("UpdateUser(%+v) = %v, want invalid input", ch, err)
			}
		}
		u, err := f.eng.UpdateUser(ctx, "ada@example.com", UserChange{FullName: &name,
			AddRoles: []string{"ops", "admin"}, RemoveRoles: []string{"dev"}})
		if err != nil || !slices.Equal(u.Roles, []string{"admin", "ops"}) || u.FullName != name {
			t.Fatalf("UpdateUser = %+v, %v", u, err)
		}
		stored, _ := f.store.UserByEmail(ctx, "ada@example.com")
		if !slices.Equal(stored.Roles, []string{"admin", "ops"}) || stored.FullName != name {
			t.Fatalf("stored %+v", stored)
		}
		if _, err := f.eng.UpdateUser(ctx, "nobody@example.com", UserChange{FullName: &name}); !errors.Is(err, ErrUnknown) {
			t.Fatalf("unknown user: %v", err)
		}
	})
}

func TestUsersPagesAndSearches(t *testing.T) {
	onBackends(t, Options{}, func(t *testing.T, f *fixture) {
		for _, e := range []string{"a@x.example", "b@x.example", "c@y.example", "under_score@y.example"} {
			f.user(t, e)
		}
		page, err := f.eng.Users(t.Context(), UserQuery{Search: "X.EXAMPLE", Limit: 1, Offset: 1})
		if err != nil || page.Total != 2 || len(page.Users) != 1 || page.Users[0].Email != "b@x.example" {
			t.Fatalf("Users = %+v, %v", page, err)
		}
		if page, _ := f.eng.Users(t.Context(), UserQuery{Search: "_"}); page.Total != 1 {
			t.Fatalf("_ must match itself only: %+v", page)
		}
		for _, q := range []UserQuery{{Offset: -1}, {Limit: MaxUserPage + 1}} {
			if _, err := f.eng.Users(t.Context(), q); !errors.Is(err, ErrInvalidInput) {
				t.Errorf("Users(%+v) = %v", q, err)
			}
		}
	})
}

func TestRemoveUserKeepsOwnedClients(t *testing.T) {
	onBackends(t, Options{}, func(t *testing.T, f *fixture) {
		ctx := t.Context()
		u := f.user(t, "ada@example.com")
		c, _ := f.client(t, NewClient{OwnerEmail: u.Email})
		res := f.tokens(t, c, u, "all")
		if _, err := f.eng.RemoveUser(ctx, u.Email); err != nil {
			t.Fatal(err)
		}
		if f.bearerOK(t, res.AccessToken) {
			t.Error("a removed user's token works")
		}
		got, err := f.store.ClientByID(ctx, c.ID)
		if err != nil || got.OwnerID != nil {
			t.Fatalf("client after owner removal: %+v %v", got, err)
		}
		if _, err := f.store.UserByEmail(ctx, u.Email); !errors.Is(err, models.ErrNotFound) {
			t.Fatalf("user still there: %v", err)
		}
	})
}
