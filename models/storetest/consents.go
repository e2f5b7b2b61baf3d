package storetest

import (
	"errors"
	"reflect"
	"testing"

	"oauthd/models"
)

var consentContracts = []contract{
	{"Consents/SaveConsentReplacesTheScope", func(t *testing.T, s models.Store) {
		ctx := t.Context()
		u := newUser(t, s, "ada@example.com")
		newClient(t, s, "app", nil)
		newClient(t, s, "other", nil)
		if _, err := s.ConsentScope(ctx, u.ID, "app"); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("no consent yet: err = %v, want ErrNotFound", err)
		}
		for i, scope := range []string{"read", "read write", "read write admin"} {
			must(t, s.SaveConsent(ctx, &models.Consent{UserID: u.ID, ClientID: "app", Scope: scope, GrantedAt: 1000 + int64(i)}))
		}
		saveConsent(t, s, u.ID, "other", "x")
		if got := consentOf(t, s, u.ID, "app"); got != "read write admin" {
			t.Errorf("ConsentScope = %q, want the last scopes", got)
		}
		if got := consentOf(t, s, u.ID, "other"); got != "x" {
			t.Errorf("another client's consent = %q, want x", got)
		}
		apps, err := s.ConnectedApps(ctx, u.ID, 0)
		if err != nil || len(apps) != 2 {
			t.Errorf("ConnectedApps = %+v, %v; want one entry per client", apps, err)
		}
	}},
	{"Consents/ConnectedAppsByNameThenID", func(t *testing.T, s models.Store) {
		ctx := t.Context()
		u := newUser(t, s, "ada@example.com")
		v := newUser(t, s, "bob@example.com")
		for id, name := range map[string]string{"consented": "Beta", "tokens-only": "Alpha", "b-twin": "Gamma",
			"a-twin": "Gamma", "expired": "E", "revoked": "R", "bobs": "B", "registered": "Zeta"} {
			c := clientValue(id, nil)
			c.Name, c.SelfRegistered = name, id == "registered"
			must(t, s.CreateClient(ctx, c))
		}
		saveConsent(t, s, u.ID, "consented", "all openid")
		saveConsent(t, s, u.ID, "b-twin", "b")
		saveConsent(t, s, u.ID, "a-twin", "a")
		saveConsent(t, s, v.ID, "bobs", "all")
		g := digest("9", 1)
		revoked := tok(digest("acc", 3), models.KindAccess, g, "revoked", u.ID, "all", 5000)
		revoked.RevokedAt = 1100
		newTokens(t, s,
			tok(digest("2ef", 1), models.KindRefresh, g, "tokens-only", u.ID, "all", 0),
			tok(digest("acc", 2), models.KindAccess, g, "consented", u.ID, "all", 5000),
			tok(digest("acc", 4), models.KindAccess, g, "expired", u.ID, "all", 2000),
			tok(digest("acc", 6), models.KindAccess, g, "registered", u.ID, "all", 5000),
			revoked,
			tok(digest("acc", 5), models.KindAccess, g, "bobs", v.ID, "all", 5000),
		)
		got, err := s.ConnectedApps(ctx, u.ID, 2000)
		want := []models.ConnectedApp{
			{ClientID: "tokens-only", Name: "Alpha"},
			{ClientID: "consented", Name: "Beta", Scope: "all openid"},
			{ClientID: "a-twin", Name: "Gamma", Scope: "a"},
			{ClientID: "b-twin", Name: "Gamma", Scope: "b"},
			{ClientID: "registered", Name: "Zeta", SelfRegistered: true},
		}
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("ConnectedApps =\n%+v, %v\nwant\n%+v", got, err, want)
		}
		if got, err := s.ConnectedApps(ctx, v.ID+u.ID+10, 2000); err != nil || len(got) != 0 {
			t.Errorf("a user who let nothing in: %+v, %v; want none", got, err)
		}
	}},
	{"Consents/RevokeUserClientTakesOneClientsAccess", func(t *testing.T, s models.Store) {
		ctx := t.Context()
		u := newUser(t, s, "ada@example.com")
		v := newUser(t, s, "bob@example.com")
		saveConsent(t, s, u.ID, "app", "all")
		saveConsent(t, s, u.ID, "other", "all")
		saveConsent(t, s, v.ID, "app", "all")
		old := tok(digest("acc", 4), models.KindAccess, digest("9", 1), "app", u.ID, "all", 5000)
		old.RevokedAt = 1010
		newTokens(t, s,
			tok(digest("acc", 1), models.KindAccess, digest("9", 1), "app", u.ID, "all", 5000),
			tok(digest("2ef", 1), models.KindRefresh, digest("9", 2), "app", u.ID, "all", 0),
			tok(digest("acc", 2), models.KindAccess, digest("9", 3), "other", u.ID, "all", 5000),
			tok(digest("acc", 3), models.KindAccess, digest("9", 4), "app", v.ID, "all", 5000),
			old,
		)
		newCode(t, s, digest("c0de", 1), "app", u.ID)
		used := newCode(t, s, digest("c0de", 2), "app", u.ID)
		if _, err := s.ConsumeCode(ctx, used.ID, 1100); err != nil {
			t.Fatal(err)
		}
		newCode(t, s, digest("c0de", 3), "other", u.ID)
		newCode(t, s, digest("c0de", 4), "app", v.ID)

		must(t, s.RevokeUserClient(ctx, u.ID, "app", 1500))
		revokedAt(t, s, map[string]int64{digest("acc", 1): 1500, digest("2ef", 1): 1500, old.ID: 1010,
			digest("acc", 2): 0, digest("acc", 3): 0})
		for id, kept := range map[string]bool{digest("c0de", 1): false, digest("c0de", 2): true, digest("c0de", 3): true,
			digest("c0de", 4): true} {
			if codeExists(t, s, id) != kept {
				t.Errorf("code %s…: kept = %v, want %v", id[:8], !kept, kept)
			}
		}
		for _, c := range []struct {
			user   uint
			client string
			want   string
		}{{u.ID, "app", "-"}, {u.ID, "other", "all"}, {v.ID, "app", "all"}} {
			if got := consentOf(t, s, c.user, c.client); got != c.want {
				t.Errorf("consent of user %d for %s = %q, want %q", c.user, c.client, got, c.want)
			}
		}
	}},
}
