package models_test

import (
	"reflect"
	"testing"

	"oauthd/models"
	"oauthd/models/storetest"
)

// The apps a user let in: those holding the user's consent, and those holding a live token of
// theirs without one (its grant outlived a revoked sibling that forgot the consent). Expired and
// revoked tokens, and other users' rows, let no app in.
func TestConnectedApps(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *models.Store) {
		ctx := t.Context()
		u := mustUser(t, s, "ada@example.com")
		v := mustUser(t, s, "bob@example.com")
		for _, id := range []string{"consented", "tokens-only", "expired", "revoked", "bobs", "app"} {
			mustClient(t, s, id, nil)
		}
		if err := s.SaveConsent(ctx, &models.Consent{UserID: u.ID, ClientID: "consented", Scope: "all openid", GrantedAt: 1200}); err != nil {
			t.Fatal(err)
		}
		if err := s.SaveConsent(ctx, &models.Consent{UserID: u.ID, ClientID: "app", Scope: "all", GrantedAt: 1300}); err != nil {
			t.Fatal(err)
		}
		g := hexID("9", 1)
		revoked := tok(hexID("acc", 3), models.KindAccess, g, "revoked", u.ID, "all", 5000)
		revoked.RevokedAt = 1100
		mustTokens(t, s,
			tok(hexID("2ef", 1), models.KindRefresh, g, "tokens-only", u.ID, "all", 0),
			tok(hexID("acc", 2), models.KindAccess, g, "consented", u.ID, "all", 5000),
			tok(hexID("acc", 4), models.KindAccess, g, "expired", u.ID, "all", 2000),
			revoked,
			tok(hexID("acc", 5), models.KindAccess, g, "bobs", v.ID, "all", 5000),
		)
		got, err := s.ConnectedApps(ctx, u.ID, 2000)
		if err != nil {
			t.Fatalf("ConnectedApps: %v", err)
		}
		want := []models.ConnectedApp{
			{ClientID: "app", Name: "App app", Scope: "all"},
			{ClientID: "consented", Name: "App consented", Scope: "all openid"},
			{ClientID: "tokens-only", Name: "App tokens-only"},
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("ConnectedApps =\n%+v\nwant\n%+v", got, want)
		}
		if got, err := s.ConnectedApps(ctx, v.ID+u.ID+10, 2000); err != nil || got == nil || len(got) != 0 {
			t.Errorf("a user who let nothing in: %+v, %v; want an empty list", got, err)
		}
	})
}

// Revoking a client for a user forgets the consent, revokes the user's live tokens of that
// client and deletes the unexchanged codes, and touches nothing of other users or clients.
func TestRevokeUserClient(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *models.Store) {
		ctx := t.Context()
		u := mustUser(t, s, "ada@example.com")
		v := mustUser(t, s, "bob@example.com")
		mustClient(t, s, "app", nil)
		mustClient(t, s, "other", nil)
		for _, c := range []models.Consent{{UserID: u.ID, ClientID: "app"}, {UserID: u.ID, ClientID: "other"},
			{UserID: v.ID, ClientID: "app"}} {
			if err := s.SaveConsent(ctx, &models.Consent{UserID: c.UserID, ClientID: c.ClientID, Scope: "all", GrantedAt: 1}); err != nil {
				t.Fatal(err)
			}
		}
		old := tok(hexID("acc", 4), models.KindAccess, hexID("9", 1), "app", u.ID, "all", 5000)
		old.RevokedAt = 1010
		mustTokens(t, s,
			tok(hexID("acc", 1), models.KindAccess, hexID("9", 1), "app", u.ID, "all", 5000),
			tok(hexID("2ef", 1), models.KindRefresh, hexID("9", 2), "app", u.ID, "all", 0),
			tok(hexID("acc", 2), models.KindAccess, hexID("9", 3), "other", u.ID, "all", 5000),
			tok(hexID("acc", 3), models.KindAccess, hexID("9", 4), "app", v.ID, "all", 5000),
			old,
		)
		mustCode(t, s, hexID("c0de", 1), "app", u.ID)
		used := mustCode(t, s, hexID("c0de", 2), "app", u.ID)
		if _, err := s.ConsumeCode(ctx, used.ID, 1100); err != nil {
			t.Fatal(err)
		}
		mustCode(t, s, hexID("c0de", 3), "other", u.ID)

		if err := s.RevokeUserClient(ctx, u.ID, "app", 1500); err != nil {
			t.Fatalf("RevokeUserClient: %v", err)
		}
		for id, revokedAt := range map[string]int64{hexID("acc", 1): 1500, hexID("2ef", 1): 1500, hexID("acc", 4): 1010,
			hexID("acc", 2): 0, hexID("acc", 3): 0} {
			if row := tokenRow(t, s, id); row.RevokedAt != revokedAt {
				t.Errorf("token %s…: revoked_at = %d, want %d", id[:6], row.RevokedAt, revokedAt)
			}
		}
		for what, n := range map[string]int64{
			"ada's consent for app":       count(t, s, &models.Consent{}, "user_id = ? AND client_id = ?", u.ID, "app"),
			"ada's consent for other":     count(t, s, &models.Consent{}, "user_id = ? AND client_id = ?", u.ID, "other") - 1,
			"bob's consent for app":       count(t, s, &models.Consent{}, "user_id = ? AND client_id = ?", v.ID, "app") - 1,
			"ada's unused code for app":   count(t, s, &models.AuthorizationCode{}, "id = ?", hexID("c0de", 1)),
			"ada's used code (kept)":      count(t, s, &models.AuthorizationCode{}, "id = ?", hexID("c0de", 2)) - 1,
			"ada's unused code for other": count(t, s, &models.AuthorizationCode{}, "id = ?", hexID("c0de", 3)) - 1,
		} {
			if n != 0 {
				t.Errorf("%s: off by %d", what, n)
			}
		}
	})
}
