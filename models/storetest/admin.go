package storetest

import (
	"errors"
	"slices"
	"testing"

	"oauthd/models"
)

func newAdminToken(t *testing.T, s models.Store, n int, name string, at int64) *models.AdminToken {
	t.Helper()
	a := &models.AdminToken{ID: digest("ad", n), Name: name, CreatedAt: at}
	must(t, s.CreateAdminToken(t.Context(), a))
	return a
}

var adminContracts = []contract{
	{"AdminTokens/CreateReadListAndConflict", func(t *testing.T, s models.Store) {
		ctx := t.Context()
		ops := newAdminToken(t, s, 1, "ops", 300)
		newAdminToken(t, s, 2, "ci", 100)
		newAdminToken(t, s, 3, "backup", 200)
		if got, err := s.AdminTokenByID(ctx, ops.ID); err != nil || !same(got, ops) {
			t.Errorf("AdminTokenByID = %+v, %v; want %+v", got, err, ops)
		}
		if _, err := s.AdminTokenByID(ctx, digest("ad", 99)); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("unknown admin token: err = %v, want ErrNotFound", err)
		}
		if err := s.CreateAdminToken(ctx, &models.AdminToken{ID: digest("ad", 4), Name: "ops", CreatedAt: 400}); !errors.Is(err, models.ErrConflict) {
			t.Errorf("taken name: err = %v, want ErrConflict", err)
		}
		list, err := s.ListAdminTokens(ctx)
		var names []string
		for _, a := range list {
			names = append(names, a.Name)
		}
		if err != nil || !slices.Equal(names, []string{"ci", "backup", "ops"}) {
			t.Errorf("ListAdminTokens = %v, %v; want oldest first [ci backup ops]", names, err)
		}
	}},
	{"AdminTokens/TouchAtMostOnceAMinute", func(t *testing.T, s models.Store) {
		ctx := t.Context()
		a := newAdminToken(t, s, 1, "ops", 100)
		for _, tc := range []struct{ now, want int64 }{{1000, 1000}, {1030, 1000}, {1100, 1100}} {
			must(t, s.TouchAdminToken(ctx, a.ID, tc.now))
			if got, err := s.AdminTokenByID(ctx, a.ID); err != nil || got.LastUsedAt != tc.want {
				t.Errorf("touched at %d: LastUsedAt = %d, %v; want %d", tc.now, got.LastUsedAt, err, tc.want)
			}
		}
	}},
	{"AdminTokens/SessionsLiveUntilExpiryOrTokenRemoval", func(t *testing.T, s models.Store) {
		ctx := t.Context()
		ops := newAdminToken(t, s, 1, "ops", 100)
		ci := newAdminToken(t, s, 2, "ci", 100)
		mk := func(n int, token string, expires, now int64) {
			must(t, s.CreateAdminSession(ctx, &models.AdminSession{ID: digest("5e55", n), TokenID: token, CreatedAt: 1, ExpiresAt: expires}, now))
		}
		mk(1, ops.ID, 1500, 1000)
		mk(2, ci.ID, 3000, 1000)
		mk(3, ops.ID, 3000, 2000) // deletes session 1, expired at 2000
		token := func(n int, now int64) string {
			a, err := s.AdminSessionToken(ctx, digest("5e55", n), now)
			switch {
			case errors.Is(err, models.ErrNotFound):
				return "-"
			case err != nil:
				t.Fatalf("AdminSessionToken: %v", err)
			}
			return a.Name
		}
		for _, tc := range []struct {
			n    int
			now  int64
			want string
		}{{1, 1000, "-"}, {2, 2999, "ci"}, {2, 3000, "-"}, {3, 2000, "ops"}, {9, 1000, "-"}} {
			if got := token(tc.n, tc.now); got != tc.want {
				t.Errorf("session %d at %d: token %q, want %q", tc.n, tc.now, got, tc.want)
			}
		}
		must(t, s.DeleteAdminSession(ctx, digest("5e55", 2)))
		must(t, s.DeleteAdminSession(ctx, digest("5e55", 2)))
		if got := token(2, 1000); got != "-" {
			t.Errorf("deleted session: token %q, want none", got)
		}
		mk(4, ci.ID, 3000, 1000)
		must(t, s.DeleteAdminToken(ctx, "ops"))
		if got := token(3, 2000) + " " + token(4, 2000); got != "- ci" {
			t.Errorf("after deleting ops: sessions' tokens %q, want [- ci]", got)
		}
		if _, err := s.AdminTokenByID(ctx, ops.ID); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("deleted admin token: err = %v, want ErrNotFound", err)
		}
	}},
	{"AdminTokens/DeleteAdminTokenByExactName", func(t *testing.T, s models.Store) {
		ctx := t.Context()
		ops := newAdminToken(t, s, 1, "ops", 100)
		for _, name := range []string{"OPS", "ops ", "op", "ops\x00", "nobody"} {
			if err := s.DeleteAdminToken(ctx, name); !errors.Is(err, models.ErrNotFound) {
				t.Errorf("DeleteAdminToken(%q): err = %v, want ErrNotFound", name, err)
			}
		}
		if _, err := s.AdminTokenByID(ctx, ops.ID); err != nil {
			t.Errorf("another name deleted ops: %v", err)
		}
	}},
}
