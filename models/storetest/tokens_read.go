package storetest

import (
	"errors"
	"fmt"
	"slices"
	"testing"

	"oauthd/models"
)

var tokenReadContracts = []contract{
	{"Tokens/TokenByIDReadsTokenUserAndClient", func(t *testing.T, s models.Store) {
		ctx := t.Context()
		u := newUser(t, s, "ada@example.com")
		c := clientValue("app", nil) // SkipAuthorization
		c.RefusedQuirks = []string{"q1", "q2"}
		must(t, s.CreateClient(ctx, c))
		var access models.Token
		fill(t, &access)
		access.ID, access.ClientID, access.UserID = digest("acc", 1), "app", u.ID
		newTokens(t, s, &access)
		want := models.TokenOwner{Token: access, Email: u.Email, FullName: u.FullName, FirstName: u.FirstName,
			LastName: u.LastName, Enabled: true, Roles: u.Roles, Subject: u.Subject, SkipConsent: true,
			ClientExists: true, ClientRefusedQuirks: c.RefusedQuirks}
		if got, err := s.TokenByID(ctx, access.ID); err != nil || !same(got, &want) {
			t.Errorf("TokenByID =\n%+v, %v\nwant\n%+v", got, err, want)
		}
		must(t, s.UpdateUser(ctx, u.ID, func(v *models.User) error { v.Enabled = false; return nil }))
		if got, err := s.TokenByID(ctx, access.ID); err != nil || got.Enabled {
			t.Errorf("disabled user: %+v, %v; want Enabled false", got, err)
		}
		if _, err := s.TokenByID(ctx, digest("acc", 99)); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("unknown token: err = %v, want ErrNotFound", err)
		}
	}},
	{"Tokens/TokenByIDWithoutClientOrUser", func(t *testing.T, s models.Store) {
		ctx := t.Context()
		u := newUser(t, s, "ada@example.com")
		noClient := tok(digest("acc", 1), models.KindAccess, digest("9", 1), "absent-app", u.ID, "all", 5000)
		noUser := tok(digest("acc", 2), models.KindAccess, digest("9", 2), "absent-app", u.ID+1000, "all", 5000)
		newTokens(t, s, noClient, noUser)
		got, err := s.TokenByID(ctx, noClient.ID)
		if err != nil || got.ClientExists || got.SkipConsent || len(got.ClientRefusedQuirks) != 0 || got.Email != u.Email {
			t.Errorf("token of an absent client = %+v, %v; want its user and ClientExists false", got, err)
		}
		if _, err := s.TokenByID(ctx, noUser.ID); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("token of an absent user: err = %v, want ErrNotFound", err)
		}
		if _, err := s.BearerByID(ctx, noUser.ID); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("BearerByID of a token of an absent user: err = %v, want ErrNotFound", err)
		}
	}},
	{"Tokens/BearerByIDReadsWhatABearerCheckNeeds", func(t *testing.T, s models.Store) {
		ctx := t.Context()
		u := newUser(t, s, "ada@example.com")
		newClient(t, s, "app", nil)
		var access models.Token
		fill(t, &access)
		access.ID, access.ClientID, access.UserID = digest("acc", 1), "app", u.ID
		newTokens(t, s, &access)
		got, err := s.BearerByID(ctx, access.ID)
		if err != nil {
			t.Fatalf("BearerByID: %v", err)
		}
		read := models.TokenOwner{Token: models.Token{Kind: got.Kind, GrantID: got.GrantID, ClientID: got.ClientID,
			UserID: got.UserID, Scope: got.Scope, ExpiresAt: got.ExpiresAt, RevokedAt: got.RevokedAt, Resource: got.Resource},
			Email: got.Email, FullName: got.FullName, Enabled: got.Enabled, Subject: got.Subject, ClientExists: got.ClientExists}
		want := models.TokenOwner{Token: models.Token{Kind: access.Kind, GrantID: access.GrantID, ClientID: "app",
			UserID: u.ID, Scope: access.Scope, ExpiresAt: access.ExpiresAt, RevokedAt: access.RevokedAt, Resource: access.Resource},
			Email: u.Email, FullName: u.FullName, Enabled: true, Subject: u.Subject, ClientExists: true}
		if !same(read, want) {
			t.Errorf("BearerByID =\n%+v\nwant\n%+v", read, want)
		}
		must(t, s.UpdateUser(ctx, u.ID, func(v *models.User) error { v.Enabled = false; return nil }))
		if got, err := s.BearerByID(ctx, access.ID); err != nil || got.Enabled {
			t.Errorf("disabled user: %+v, %v; want Enabled false", got, err)
		}
		if _, err := s.BearerByID(ctx, digest("acc", 99)); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("unknown token: err = %v, want ErrNotFound", err)
		}
	}},
	{"Tokens/ActiveScopesOfLiveAccessTokens", func(t *testing.T, s models.Store) {
		ctx := t.Context()
		u := newUser(t, s, "ada@example.com")
		v := newUser(t, s, "bob@example.com")
		g := digest("9", 1)
		revoked := tok(digest("acc", 3), models.KindAccess, g, "app", u.ID, "revoked", 5000)
		revoked.RevokedAt = 1001
		newTokens(t, s,
			tok(digest("acc", 1), models.KindAccess, g, "app", u.ID, "read", 5000),
			tok(digest("acc", 2), models.KindAccess, g, "app", u.ID, "forever", 0),
			revoked,
			tok(digest("acc", 4), models.KindAccess, g, "app", u.ID, "expired", 2000),
			tok(digest("2ef", 5), models.KindRefresh, g, "app", u.ID, "refresh", 0),
			tok(digest("acc", 6), models.KindAccess, g, "other", u.ID, "other-client", 5000),
			tok(digest("acc", 7), models.KindAccess, g, "app", v.ID, "other-user", 5000),
		)
		got, err := s.ActiveScopes(ctx, u.ID, "app", 2000)
		slices.Sort(got)
		if err != nil || !slices.Equal(got, []string{"forever", "read"}) {
			t.Errorf("ActiveScopes = %q, %v; want [forever read]", got, err)
		}
		if got, err := s.ActiveScopes(ctx, u.ID+v.ID+10, "app", 2000); err != nil || len(got) != 0 {
			t.Errorf("a user without tokens: %q, %v; want none", got, err)
		}
	}},
	{"Tokens/ActiveScopesAtMost50", func(t *testing.T, s models.Store) {
		var ts []*models.Token
		for i := range 60 {
			ts = append(ts, tok(digest("acc", i), models.KindAccess, digest("9", i), "app", 1, fmt.Sprint("s", i), 5000))
		}
		newTokens(t, s, ts...)
		if got, err := s.ActiveScopes(t.Context(), 1, "app", 2000); err != nil || len(got) != 50 {
			t.Errorf("ActiveScopes of 60 live tokens = %d scopes, %v; want 50", len(got), err)
		}
	}},
}
