package storetest

import (
	"bytes"
	"errors"
	"slices"
	"testing"

	"oauthd/models"
)

var tokenContracts = []contract{
	{"Tokens/CreateTokensRoundTripsEveryField", func(t *testing.T, s models.Store) {
		var a, b models.Token
		fill(t, &a)
		fill(t, &b)
		a.ID, b.ID = digest("acc", 1), digest("2ef", 1)
		newTokens(t, s, &a, &b)
		rows, err := s.TokenRows(t.Context(), []string{a.ID, b.ID, digest("acc", 99)})
		if err != nil || len(rows) != 2 || !same(rows[a.ID], a) || !same(rows[b.ID], b) {
			t.Errorf("TokenRows =\n%+v, %v\nwant\n%+v\n%+v (the absent one left out)", rows, err, a, b)
		}
		if rows, err := s.TokenRows(t.Context(), nil); err != nil || len(rows) != 0 {
			t.Errorf("TokenRows of no ids = %+v, %v; want none", rows, err)
		}
	}},
	{"Tokens/CreateTokensIsAtomic", func(t *testing.T, s models.Store) {
		first := tok(digest("acc", 1), models.KindAccess, digest("9", 1), "app", 1, "all", 5000)
		newTokens(t, s, first)
		fresh := tok(digest("acc", 2), models.KindAccess, digest("9", 2), "app", 1, "all", 5000)
		dup := tok(first.ID, models.KindRefresh, digest("9", 2), "app", 1, "other", 0)
		if err := s.CreateTokens(t.Context(), fresh, dup); !errors.Is(err, models.ErrConflict) {
			t.Errorf("a taken digest: err = %v, want ErrConflict", err)
		}
		if tokenExists(t, s, fresh.ID) {
			t.Error("the other token of a refused batch was stored")
		}
		if got := tokenRow(t, s, first.ID); !same(got, *first) {
			t.Errorf("the first token changed: %+v", got)
		}
	}},
	{"Tokens/CreateTokenForClient", func(t *testing.T, s models.Store) {
		ctx := t.Context()
		owner := newUser(t, s, "owner@example.com")
		newClient(t, s, "app", &owner.ID)
		first := tok(digest("acc", 1), models.KindAccess, digest("9", 1), "app", owner.ID, "all", 5000)
		first.AuthTime, first.SID, first.Resource, first.OpenID = 900, "sid-1", "https://api.example", true
		if ok, err := s.CreateTokenForClient(ctx, first); !ok || err != nil {
			t.Fatalf("insert = %v, %v; want true, nil", ok, err)
		}
		if got := tokenRow(t, s, first.ID); !same(got, *first) {
			t.Errorf("stored token =\n%+v\nwant\n%+v", got, *first)
		}
		absent := tok(digest("acc", 2), models.KindAccess, digest("9", 2), "removed-app", owner.ID, "all", 5000)
		if ok, err := s.CreateTokenForClient(ctx, absent); ok || err != nil {
			t.Errorf("absent client: insert = %v, %v; want false, nil", ok, err)
		}
		if tokenExists(t, s, absent.ID) {
			t.Error("absent client: a token was stored")
		}
		again := tok(first.ID, models.KindAccess, digest("9", 3), "app", owner.ID, "other", 5000)
		if ok, err := s.CreateTokenForClient(ctx, again); ok || !errors.Is(err, models.ErrConflict) {
			t.Errorf("taken digest: insert = %v, %v; want false, ErrConflict", ok, err)
		}
		must(t, s.DeleteClient(ctx, "app"))
		deleted := tok(digest("acc", 4), models.KindAccess, digest("9", 4), "app", owner.ID, "all", 5000)
		if ok, err := s.CreateTokenForClient(ctx, deleted); ok || err != nil || tokenExists(t, s, deleted.ID) {
			t.Errorf("deleted client: insert = %v, %v; want false, nil and no row", ok, err)
		}
	}},
	{"Tokens/RotateRefreshOnceOnActiveRefreshOnly", func(t *testing.T, s models.Store) {
		ctx := t.Context()
		grant := digest("9", 1)
		refresh := tok(digest("2ef", 1), models.KindRefresh, grant, "app", 1, "all", 0)
		access := tok(digest("acc", 1), models.KindAccess, grant, "app", 1, "all", 5000)
		revoked := tok(digest("2ef", 2), models.KindRefresh, grant, "app", 1, "all", 0)
		revoked.RevokedAt = 1050
		newTokens(t, s, refresh, access, revoked)
		successor := []byte{0, 1, 2, 0xfe, 0}
		for _, tc := range []struct {
			name string
			id   string
			want bool
		}{
			{"active refresh", refresh.ID, true},
			{"same refresh again", refresh.ID, false},
			{"access token", access.ID, false},
			{"revoked refresh", revoked.ID, false},
			{"unknown", digest("2ef", 99), false},
		} {
			if got, err := s.RotateRefresh(ctx, tc.id, 1200+int64(len(tc.name)), successor); err != nil || got != tc.want {
				t.Errorf("%s: RotateRefresh = %v, %v; want %v", tc.name, got, err, tc.want)
			}
		}
		at := int64(1200 + len("active refresh"))
		if row := tokenRow(t, s, refresh.ID); row.RotatedAt != at || row.RevokedAt != at || !bytes.Equal(row.Successor, successor) {
			t.Errorf("rotated token: RotatedAt %d RevokedAt %d Successor %x; want %d, %d, %x", row.RotatedAt, row.RevokedAt,
				row.Successor, at, at, successor)
		}
		if row := tokenRow(t, s, access.ID); !same(row, *access) {
			t.Errorf("the access token changed: %+v", row)
		}
		if row := tokenRow(t, s, revoked.ID); !same(row, *revoked) {
			t.Errorf("the revoked refresh token changed: %+v", row)
		}
	}},
	{"Tokens/ListTokensNewestFirstFiltered", func(t *testing.T, s models.Store) {
		mk := func(n int, client string, user uint, issued, expires, revoked int64) *models.Token {
			x := tok(digest("acc", n), models.KindAccess, digest("9", n), client, user, "all", expires)
			x.IssuedAt, x.RevokedAt = issued, revoked
			return x
		}
		newTokens(t, s, mk(1, "app", 1, 100, 5000, 0), mk(2, "app", 1, 300, 0, 0), mk(3, "app", 2, 200, 5000, 0),
			mk(4, "other", 1, 400, 5000, 0), mk(5, "app", 1, 500, 5000, 600), mk(6, "app", 1, 600, 1000, 0),
			mk(7, "app", 1, 300, 5000, 0))
		for name, tc := range map[string]struct {
			f    models.TokenFilter
			want []int
		}{
			"all":             {models.TokenFilter{Limit: 100}, []int{6, 5, 4, 2, 7, 3, 1}},
			"limit":           {models.TokenFilter{Limit: 3}, []int{6, 5, 4}},
			"user":            {models.TokenFilter{UserID: 1, Limit: 100}, []int{6, 5, 4, 2, 7, 1}},
			"client":          {models.TokenFilter{ClientID: "app", Limit: 100}, []int{6, 5, 2, 7, 3, 1}},
			"user and client": {models.TokenFilter{UserID: 1, ClientID: "app", Limit: 100}, []int{6, 5, 2, 7, 1}},
			"live":            {models.TokenFilter{UserID: 1, ClientID: "app", Live: true, Now: 1000, Limit: 100}, []int{2, 7, 1}},
		} {
			got, err := s.ListTokens(t.Context(), tc.f)
			var ids []string
			for _, x := range got {
				ids = append(ids, x.ID)
			}
			var want []string
			for _, n := range tc.want {
				want = append(want, digest("acc", n))
			}
			if err != nil || !slices.Equal(ids, want) {
				t.Errorf("%s: ListTokens = %d tokens %v, %v; want %v", name, len(ids), short(ids), err, tc.want)
			}
		}
	}},
}

// short is the distinguishing tail of each digest.
func short(ids []string) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = id[len(id)-4:]
	}
	return out
}
