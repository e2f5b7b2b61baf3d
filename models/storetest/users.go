package storetest

import (
	"errors"
	"testing"

	"oauthd/models"
)

var userContracts = []contract{
	{"Users/CreateUserSetsIDAndRoundTrips", func(t *testing.T, s models.Store) {
		ctx := t.Context()
		u := newUser(t, s, "ada@example.com")
		if u.ID == 0 {
			t.Fatal("CreateUser did not set the ID")
		}
		byEmail, err := s.UserByEmail(ctx, "ada@example.com")
		if err != nil || !same(byEmail, u) {
			t.Errorf("UserByEmail = %+v, %v; want %+v", byEmail, err, u)
		}
		byID, err := s.UserByID(ctx, u.ID)
		if err != nil || !same(byID, u) {
			t.Errorf("UserByID = %+v, %v; want %+v", byID, err, u)
		}
		other := newUser(t, s, "bob@example.com")
		if other.ID == u.ID {
			t.Errorf("two users got the same ID %d", u.ID)
		}
	}},
	{"Users/CreateUserTakenEmailOrSubjectConflicts", func(t *testing.T, s models.Store) {
		ctx := t.Context()
		u := newUser(t, s, "ada@example.com")
		for what, dup := range map[string]*models.User{
			"email":   {Email: u.Email, FullName: "x", PasswordHash: "x", Subject: "other"},
			"subject": {Email: "other@example.com", FullName: "x", PasswordHash: "x", Subject: u.Subject},
		} {
			if err := s.CreateUser(ctx, dup); !errors.Is(err, models.ErrConflict) {
				t.Errorf("taken %s: err = %v, want ErrConflict", what, err)
			}
		}
		if _, err := s.UserByEmail(ctx, "other@example.com"); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("a user with a taken subject was stored: %v", err)
		}
		if got, err := s.UserByEmail(ctx, u.Email); err != nil || !same(got, u) {
			t.Errorf("the first user changed: %+v, %v", got, err)
		}
	}},
	{"Users/AbsentUserIsNotFound", func(t *testing.T, s models.Store) {
		ctx := t.Context()
		u := newUser(t, s, "ada@example.com")
		if _, err := s.UserByEmail(ctx, "nobody@example.com"); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("unknown email: err = %v, want ErrNotFound", err)
		}
		if _, err := s.UserByID(ctx, u.ID+1000); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("unknown id: err = %v, want ErrNotFound", err)
		}
	}},
	{"Users/UpdateUserWritesEveryFieldButIDAndCreatedAt", func(t *testing.T, s models.Store) {
		ctx := t.Context()
		u := newUser(t, s, "ada@example.com")
		calls := 0
		err := s.UpdateUser(ctx, u.ID, func(v *models.User) error {
			calls++
			if !same(v, u) {
				t.Errorf("update got %+v, want the stored user %+v", v, u)
			}
			v.ID, v.CreatedAt = u.ID+500, 5
			v.Email, v.FullName, v.FirstName, v.LastName = "ada@new.example", "Ada King", "Augusta", ""
			v.PasswordHash, v.Enabled, v.Roles, v.Subject = "$2a$04$other", false, []string{"ops"}, "sub-new"
			return nil
		})
		if err != nil || calls == 0 {
			t.Fatalf("UpdateUser = %v after %d calls", err, calls)
		}
		want := models.User{ID: u.ID, Email: "ada@new.example", FullName: "Ada King", FirstName: "Augusta",
			PasswordHash: "$2a$04$other", Roles: []string{"ops"}, Subject: "sub-new", CreatedAt: u.CreatedAt}
		if got, err := s.UserByID(ctx, u.ID); err != nil || !same(got, &want) {
			t.Errorf("after UpdateUser: %+v, %v; want %+v (zero values written, ID and CreatedAt kept)", got, err, want)
		}
		if _, err := s.UserByID(ctx, u.ID+500); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("UpdateUser moved the user to the ID its update set: %v", err)
		}
		if err := s.UpdateUser(ctx, u.ID, func(*models.User) error { return nil }); err != nil {
			t.Errorf("UpdateUser changing nothing: %v, want nil", err)
		}
	}},
	{"Users/UpdateUserErrorWritesNothing", func(t *testing.T, s models.Store) {
		ctx := t.Context()
		u := newUser(t, s, "ada@example.com")
		boom := errors.New("boom")
		err := s.UpdateUser(ctx, u.ID, func(v *models.User) error {
			v.FullName, v.Enabled = "Changed", false
			return boom
		})
		if !errors.Is(err, boom) {
			t.Errorf("UpdateUser = %v, want the update's error", err)
		}
		if got, err := s.UserByID(ctx, u.ID); err != nil || !same(got, u) {
			t.Errorf("after a failed update: %+v, %v; want %+v unchanged", got, err, u)
		}
	}},
	{"Users/UpdateUserAbsentOrTakenEmail", func(t *testing.T, s models.Store) {
		ctx := t.Context()
		u := newUser(t, s, "ada@example.com")
		v := newUser(t, s, "bob@example.com")
		if err := s.UpdateUser(ctx, u.ID+v.ID+10, func(*models.User) error { return nil }); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("absent user: err = %v, want ErrNotFound", err)
		}
		err := s.UpdateUser(ctx, v.ID, func(x *models.User) error { x.Email, x.FullName = u.Email, "Taken"; return nil })
		if !errors.Is(err, models.ErrConflict) {
			t.Errorf("taken email: err = %v, want ErrConflict", err)
		}
		if got, err := s.UserByID(ctx, v.ID); err != nil || !same(got, v) {
			t.Errorf("after a conflicting update: %+v, %v; want %+v unchanged", got, err, v)
		}
	}},
	{"Users/ReplacePasswordHashIsConditional", func(t *testing.T, s models.Store) {
		ctx := t.Context()
		u := newUser(t, s, "ada@example.com")
		must(t, s.ReplacePasswordHash(ctx, u.ID, u.PasswordHash, "$2a$10$first"))
		_ = s.ReplacePasswordHash(ctx, u.ID, u.PasswordHash, "$2a$10$second") // old no longer matches
		if got, err := s.UserByID(ctx, u.ID); err != nil || got.PasswordHash != "$2a$10$first" {
			t.Errorf("password hash = %q, %v; want the first re-hash only", got.PasswordHash, err)
		}
	}},
	{"Users/CutOffUserTakesTokensSessionsAndCodes", func(t *testing.T, s models.Store) {
		ctx := t.Context()
		u := newUser(t, s, "ada@example.com")
		v := newUser(t, s, "bob@example.com")
		newClient(t, s, "app", nil)
		old := tok(digest("acc", 3), models.KindAccess, digest("9", 1), "app", u.ID, "all", 5000)
		old.RevokedAt = 1010
		newTokens(t, s, tok(digest("acc", 1), models.KindAccess, digest("9", 1), "app", u.ID, "all", 5000),
			tok(digest("2ef", 1), models.KindRefresh, digest("9", 1), "app", u.ID, "all", 0), old,
			tok(digest("acc", 2), models.KindAccess, digest("9", 2), "app", v.ID, "all", 5000))
		newCode(t, s, digest("c0de", 1), "app", u.ID)
		used := newCode(t, s, digest("c0de", 2), "app", u.ID)
		if _, err := s.ConsumeCode(ctx, used.ID, 1100); err != nil {
			t.Fatal(err)
		}
		newCode(t, s, digest("c0de", 3), "app", v.ID)
		for i, owner := range []uint{u.ID, v.ID} {
			must(t, s.CreateSession(ctx, &models.Session{ID: digest("5e55", i), UserID: owner, CreatedAt: 1, ExpiresAt: 9000}))
		}
		saveConsent(t, s, u.ID, "app", "all")

		must(t, s.CutOffUser(ctx, u.ID, 1500))
		for id, want := range map[string]int64{digest("acc", 1): 1500, digest("2ef", 1): 1500, old.ID: 1010, digest("acc", 2): 0} {
			if got := tokenRow(t, s, id).RevokedAt; got != want {
				t.Errorf("token %s…: RevokedAt = %d, want %d", id[:6], got, want)
			}
		}
		for id, want := range map[string]bool{digest("c0de", 1): false, digest("c0de", 2): false, digest("c0de", 3): true} {
			if got := codeExists(t, s, id); got != want {
				t.Errorf("code %s… exists = %v, want %v", id[:8], got, want)
			}
		}
		if _, err := s.SessionByID(ctx, digest("5e55", 0), 100); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("the user's session survived: %v", err)
		}
		if _, err := s.SessionByID(ctx, digest("5e55", 1), 100); err != nil {
			t.Errorf("another user's session was deleted: %v", err)
		}
		if got, err := s.UserByID(ctx, u.ID); err != nil || !same(got, u) {
			t.Errorf("CutOffUser changed the user: %+v, %v", got, err)
		}
	}},
	{"Users/DeleteUserCascades", func(t *testing.T, s models.Store) {
		ctx := t.Context()
		u := newUser(t, s, "ada@example.com")
		v := newUser(t, s, "bob@example.com")
		newClient(t, s, "owned", &u.ID)
		newClient(t, s, "bobs", &v.ID)
		for i, owner := range []uint{u.ID, v.ID} {
			newCode(t, s, digest("c0de", i), "owned", owner)
			newTokens(t, s, tok(digest("acc", i), models.KindAccess, digest("9", i), "owned", owner, "all", 5000))
			saveConsent(t, s, owner, "owned", "all")
			must(t, s.CreateSession(ctx, &models.Session{ID: digest("5e55", i), UserID: owner, CreatedAt: 1, ExpiresAt: 9000}))
		}
		must(t, s.DeleteUser(ctx, u.ID))
		if _, err := s.UserByID(ctx, u.ID); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("deleted user still read: %v", err)
		}
		for i, gone := range []bool{true, false} {
			if codeExists(t, s, digest("c0de", i)) == gone || tokenExists(t, s, digest("acc", i)) == gone {
				t.Errorf("user %d: code or token kept = %v, want %v", i, !gone, !gone)
			}
			if _, err := s.SessionByID(ctx, digest("5e55", i), 100); errors.Is(err, models.ErrNotFound) != gone {
				t.Errorf("user %d: session err = %v, want deleted = %v", i, err, gone)
			}
		}
		if got := consentOf(t, s, u.ID, "owned"); got != "-" {
			t.Errorf("deleted user's consent = %q, want none", got)
		}
		if got := consentOf(t, s, v.ID, "owned"); got != "all" {
			t.Errorf("another user's consent = %q, want kept", got)
		}
		c, err := s.ClientByID(ctx, "owned")
		if err != nil || c.OwnerID != nil || c.OwnerEnabled {
			t.Errorf("owned client = %+v, %v; want it kept without an owner", c, err)
		}
		if c, err := s.ClientByID(ctx, "bobs"); err != nil || c.OwnerID == nil || *c.OwnerID != v.ID {
			t.Errorf("another user's client = %+v, %v; want its owner kept", c, err)
		}
		if err := s.DeleteUser(ctx, u.ID); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("second DeleteUser: err = %v, want ErrNotFound", err)
		}
	}},
}
