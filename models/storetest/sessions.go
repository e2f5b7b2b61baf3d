package storetest

import (
	"errors"
	"testing"

	"oauthd/models"
)

var sessionContracts = []contract{
	{"Sessions/SessionByIDUntilExpiry", func(t *testing.T, s models.Store) {
		ctx := t.Context()
		u := newUser(t, s, "ada@example.com")
		sess := &models.Session{ID: digest("5e55", 1), UserID: u.ID, CreatedAt: 1000, ExpiresAt: 2000}
		must(t, s.CreateSession(ctx, sess))
		if err := s.CreateSession(ctx, sess); !errors.Is(err, models.ErrConflict) {
			t.Errorf("taken session id: err = %v, want ErrConflict", err)
		}
		for _, tc := range []struct {
			name string
			id   string
			now  int64
			ok   bool
		}{
			{"fresh", sess.ID, 1000, true},
			{"last second", sess.ID, 1999, true},
			{"at expiry", sess.ID, 2000, false},
			{"after expiry", sess.ID, 5000, false},
			{"unknown", digest("5e55", 2), 1000, false},
		} {
			got, err := s.SessionByID(ctx, tc.id, tc.now)
			switch want := (models.SessionUser{User: *u, LoginAt: 1000}); {
			case tc.ok && (err != nil || !same(got, &want)):
				t.Errorf("%s: SessionByID = %+v, %v; want %+v", tc.name, got, err, want)
			case !tc.ok && !errors.Is(err, models.ErrNotFound):
				t.Errorf("%s: SessionByID err = %v, want ErrNotFound", tc.name, err)
			}
		}
	}},
	{"Sessions/DeleteSession", func(t *testing.T, s models.Store) {
		ctx := t.Context()
		u := newUser(t, s, "ada@example.com")
		for i := range 2 {
			must(t, s.CreateSession(ctx, &models.Session{ID: digest("5e55", i), UserID: u.ID, CreatedAt: 1, ExpiresAt: 2000}))
		}
		must(t, s.DeleteSession(ctx, digest("5e55", 0)))
		if _, err := s.SessionByID(ctx, digest("5e55", 0), 1000); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("deleted session: err = %v, want ErrNotFound", err)
		}
		if _, err := s.SessionByID(ctx, digest("5e55", 1), 1000); err != nil {
			t.Errorf("another session: %v", err)
		}
		if err := s.DeleteSession(ctx, digest("5e55", 0)); err != nil {
			t.Errorf("DeleteSession of an absent session: %v, want nil", err)
		}
	}},
	{"Sessions/TrimSessionsKeepsTheNewest", func(t *testing.T, s models.Store) {
		ctx := t.Context()
		u := newUser(t, s, "ada@example.com")
		v := newUser(t, s, "bob@example.com")
		for i, created := range []int64{300, 100, 400, 200} {
			must(t, s.CreateSession(ctx, &models.Session{ID: digest("5e55", i), UserID: u.ID, CreatedAt: created, ExpiresAt: 9000}))
		}
		must(t, s.CreateSession(ctx, &models.Session{ID: digest("b0b", 1), UserID: v.ID, CreatedAt: 1, ExpiresAt: 9000}))
		live := func() []bool {
			var out []bool
			for i := range 4 {
				_, err := s.SessionByID(ctx, digest("5e55", i), 0)
				out = append(out, err == nil)
			}
			return out
		}
		must(t, s.TrimSessions(ctx, u.ID, 2))
		if got, want := live(), []bool{true, false, true, false}; !same(got, want) {
			t.Errorf("after keeping 2: live %v, want %v (created 300, 100, 400, 200)", got, want)
		}
		must(t, s.TrimSessions(ctx, u.ID, 5))
		if got, want := live(), []bool{true, false, true, false}; !same(got, want) {
			t.Errorf("after keeping 5 of 2: live %v, want %v", got, want)
		}
		must(t, s.TrimSessions(ctx, u.ID, 0))
		if got, want := live(), []bool{false, false, false, false}; !same(got, want) {
			t.Errorf("after keeping 0: live %v, want %v", got, want)
		}
		if _, err := s.SessionByID(ctx, digest("b0b", 1), 0); err != nil {
			t.Errorf("another user's session was trimmed: %v", err)
		}
	}},
}
