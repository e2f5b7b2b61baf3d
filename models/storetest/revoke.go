package storetest

import (
	"testing"

	"oauthd/models"
)

// revokedAt checks each token's RevokedAt.
func revokedAt(t *testing.T, s models.Store, want map[string]int64) {
	t.Helper()
	for id, at := range want {
		if row := tokenRow(t, s, id); row.RevokedAt != at {
			t.Errorf("token %s… (%s, grant …%s): RevokedAt = %d, want %d", id[:6], row.Kind, row.GrantID[60:], row.RevokedAt, at)
		}
	}
}

var revokeContracts = []contract{
	{"Tokens/RevokeTokenKeepsAnEarlierRevocation", func(t *testing.T, s models.Store) {
		ctx := t.Context()
		live := tok(digest("acc", 1), models.KindAccess, digest("9", 1), "app", 1, "all", 5000)
		old := tok(digest("acc", 2), models.KindAccess, digest("9", 1), "app", 1, "all", 5000)
		old.RevokedAt = 1010
		newTokens(t, s, live, old)
		must(t, s.RevokeToken(ctx, live.ID, 1500))
		must(t, s.RevokeToken(ctx, old.ID, 1500))
		must(t, s.RevokeToken(ctx, live.ID, 1600))
		if err := s.RevokeToken(ctx, digest("acc", 99), 1500); err != nil {
			t.Errorf("RevokeToken of an unknown token: %v, want nil", err)
		}
		revokedAt(t, s, map[string]int64{live.ID: 1500, old.ID: 1010})
	}},
	{"Tokens/RevokeGrantRevokesItsTokensAndForgetsConsent", func(t *testing.T, s models.Store) {
		ctx := t.Context()
		u := newUser(t, s, "ada@example.com")
		v := newUser(t, s, "bob@example.com")
		g1, g2 := digest("9", 1), digest("9", 2)
		a1 := tok(digest("acc", 1), models.KindAccess, g1, "app", u.ID, "all", 5000)
		r1 := tok(digest("2ef", 1), models.KindRefresh, g1, "app", u.ID, "all", 0)
		old := tok(digest("acc", 2), models.KindAccess, g1, "app", u.ID, "all", 5000)
		old.RevokedAt = 1010
		other := tok(digest("acc", 3), models.KindAccess, g2, "app", u.ID, "all", 5000)
		otherRefresh := tok(digest("2ef", 3), models.KindRefresh, g2, "app", u.ID, "all", 0)
		newTokens(t, s, a1, r1, old, other, otherRefresh)
		saveConsent(t, s, u.ID, "app", "all")
		saveConsent(t, s, u.ID, "other", "all")
		saveConsent(t, s, v.ID, "app", "all")

		must(t, s.RevokeAccessTokensOfGrant(ctx, g2, 1400))
		revokedAt(t, s, map[string]int64{other.ID: 1400, otherRefresh.ID: 0, a1.ID: 0})
		if got := consentOf(t, s, u.ID, "app"); got != "all" {
			t.Errorf("RevokeAccessTokensOfGrant forgot the consent: %q", got)
		}
		must(t, s.RevokeGrant(ctx, g1, 1500))
		if err := s.RevokeGrant(ctx, digest("9", 99), 1500); err != nil {
			t.Errorf("RevokeGrant of an unknown grant: %v, want nil", err)
		}
		revokedAt(t, s, map[string]int64{a1.ID: 1500, r1.ID: 1500, old.ID: 1010, other.ID: 1400, otherRefresh.ID: 0})
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
	{"Tokens/RevokeClientTokensCountsWhatItRevoked", func(t *testing.T, s models.Store) {
		old := tok(digest("acc", 3), models.KindAccess, digest("9", 1), "app", 1, "all", 5000)
		old.RevokedAt = 1010
		newTokens(t, s, tok(digest("acc", 1), models.KindAccess, digest("9", 1), "app", 1, "all", 5000),
			tok(digest("2ef", 1), models.KindRefresh, digest("9", 1), "app", 2, "all", 0), old,
			tok(digest("acc", 2), models.KindAccess, digest("9", 2), "other", 1, "all", 5000))
		if n, err := s.RevokeClientTokens(t.Context(), "app", 1500); n != 2 || err != nil {
			t.Errorf("RevokeClientTokens = %d, %v; want 2", n, err)
		}
		revokedAt(t, s, map[string]int64{digest("acc", 1): 1500, digest("2ef", 1): 1500, old.ID: 1010, digest("acc", 2): 0})
		if n, err := s.RevokeClientTokens(t.Context(), "app", 1600); n != 0 || err != nil {
			t.Errorf("second RevokeClientTokens = %d, %v; want 0", n, err)
		}
	}},
	{"Purge/DeletesOnlyWhatEndedBeforeCutoff", func(t *testing.T, s models.Store) {
		ctx := t.Context()
		u := newUser(t, s, "ada@example.com")
		codes := map[string]bool{} // id: kept
		for i, expires := range []int64{999, 1000, 5000} {
			c := &models.AuthorizationCode{ID: digest("c0de", i), GrantID: digest("9", i), ClientID: "app", UserID: u.ID,
				Scope: "all", IssuedAt: 900, ExpiresAt: expires}
			must(t, s.CreateCode(ctx, c))
			codes[c.ID] = expires >= 1000
		}
		for i, expires := range []int64{999, 1000, 5000} {
			must(t, s.CreateSession(ctx, &models.Session{ID: digest("5e55", i), UserID: u.ID, CreatedAt: 1, ExpiresAt: expires}))
		}
		mk := func(n int, expires, revoked int64) *models.Token {
			x := tok(digest("acc", n), models.KindAccess, digest("9", n), "app", u.ID, "all", expires)
			x.RevokedAt = revoked
			return x
		}
		ts := map[*models.Token]bool{mk(1, 999, 0): false, mk(2, 1000, 0): true, mk(3, 0, 0): true, mk(4, 5000, 999): false,
			mk(5, 5000, 1000): true, mk(6, 0, 999): false, mk(7, 5000, 0): true}
		for x := range ts {
			newTokens(t, s, x)
		}
		p, err := s.Purge(ctx, 1000)
		if want := (models.Purged{Codes: 1, Tokens: 3, Sessions: 1}); err != nil || p != want {
			t.Errorf("Purge = %+v, %v; want %+v", p, err, want)
		}
		for id, kept := range codes {
			if codeExists(t, s, id) != kept {
				t.Errorf("code %s…: kept = %v, want %v", id[:8], !kept, kept)
			}
		}
		for i, kept := range []bool{false, true, true} {
			if _, err := s.SessionByID(ctx, digest("5e55", i), 0); (err == nil) != kept {
				t.Errorf("session %d: err = %v, want kept = %v", i, err, kept)
			}
		}
		for x, kept := range ts {
			if tokenExists(t, s, x.ID) != kept {
				t.Errorf("token expiring %d revoked %d: kept = %v, want %v", x.ExpiresAt, x.RevokedAt, !kept, kept)
			}
		}
		if p, err := s.Purge(ctx, 1000); err != nil || p != (models.Purged{}) {
			t.Errorf("second Purge = %+v, %v; want nothing", p, err)
		}
	}},
}
