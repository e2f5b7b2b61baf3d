package storetest

import (
	"errors"
	"testing"

	"oauthd/models"
)

var introspectContracts = []contract{
	{"Tokens/TokenForIntrospectionIsTokenByIDLessGrantFields", func(t *testing.T, s models.Store) {
		ctx := t.Context()
		u := newUser(t, s, "ada@example.com")
		c := clientValue("app", nil)
		c.RefusedQuirks = []string{"introspect_without_client"}
		must(t, s.CreateClient(ctx, c))
		var access models.Token
		fill(t, &access)
		access.ID, access.ClientID, access.UserID = digest("acc", 1), "app", u.ID
		newTokens(t, s, &access)
		want, err := s.TokenByID(ctx, access.ID)
		must(t, err)
		want.GrantID, want.RotatedAt, want.Successor, want.AuthTime, want.SID, want.OpenID = "", 0, nil, 0, "", false
		if got, err := s.TokenForIntrospection(ctx, access.ID); err != nil || !same(got, want) {
			t.Errorf("TokenForIntrospection =\n%+v, %v\nwant\n%+v", got, err, want)
		}
		if _, err := s.TokenForIntrospection(ctx, digest("acc", 2)); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("unknown token: err = %v, want ErrNotFound", err)
		}
		orphan := tok(digest("acc", 3), models.KindAccess, digest("9", 3), "app", u.ID+1000, "all", 5000)
		newTokens(t, s, orphan)
		if _, err := s.TokenForIntrospection(ctx, orphan.ID); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("token of an absent user: err = %v, want ErrNotFound", err)
		}
	}},
	{"Tokens/ClientAndTokenForIntrospection", func(t *testing.T, s models.Store) {
		ctx := t.Context()
		u := newUser(t, s, "ada@example.com")
		c := newClient(t, s, "app", nil)
		access := tok(digest("acc", 1), models.KindAccess, digest("9", 1), "app", u.ID, "all openid", 5000)
		newTokens(t, s, access)
		want, err := s.TokenForIntrospection(ctx, access.ID)
		must(t, err)
		caller, got, err := s.ClientAndTokenForIntrospection(ctx, "app", access.ID)
		if err != nil || !same(got, want) {
			t.Fatalf("token =\n%+v, %v\nwant\n%+v", got, err, want)
		}
		wantCaller := models.Client{ID: c.ID, SecretHash: c.SecretHash, AuthMethods: c.AuthMethods, Scopes: c.Scopes,
			MetadataDocument: c.MetadataDocument}
		if !same(caller, &wantCaller) {
			t.Errorf("caller =\n%+v\nwant\n%+v", caller, wantCaller)
		}
		for _, id := range []string{digest("acc", 2), ""} {
			if caller, got, err := s.ClientAndTokenForIntrospection(ctx, "app", id); err != nil || caller == nil || got != nil {
				t.Errorf("token %q: caller %v, token %+v, %v; want the caller and no token", id, caller, got, err)
			}
		}
		for _, id := range []string{"APP", "app ", "ap", "app\x00"} {
			if _, _, err := s.ClientAndTokenForIntrospection(ctx, id, access.ID); !errors.Is(err, models.ErrNotFound) {
				t.Errorf("caller %q: err = %v, want ErrNotFound", id, err)
			}
		}
	}},
}
