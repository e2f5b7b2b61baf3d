package storetest

import (
	"errors"
	"testing"

	"oauthd/models"
)

var clientAdminContracts = []contract{
	{"Clients/UpdateClientWritesEveryFieldButIDCreatedAtOwnerEnabled", func(t *testing.T, s models.Store) {
		ctx := t.Context()
		owner := newUser(t, s, "owner@example.com")
		c := newClient(t, s, "app", &owner.ID)
		c.OwnerEnabled = true
		var next models.Client
		fill(t, &next)
		calls := 0
		err := s.UpdateClient(ctx, "app", func(v *models.Client) error {
			calls++
			if !same(v, c) {
				t.Errorf("update got %+v, want the stored client %+v", v, c)
			}
			*v = next // OwnerID nil, every flag and list changed
			return nil
		})
		if err != nil || calls == 0 {
			t.Fatalf("UpdateClient = %v after %d calls", err, calls)
		}
		want := next
		want.ID, want.CreatedAt, want.OwnerEnabled = "app", c.CreatedAt, false
		if got, err := s.ClientByID(ctx, "app"); err != nil || !same(got, &want) {
			t.Errorf("after UpdateClient:\n%+v, %v\nwant\n%+v", got, err, want)
		}
		if _, err := s.ClientByID(ctx, next.ID); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("UpdateClient moved the client to the id its update set: %v", err)
		}
		// Back to false and empty: zero values are written too.
		must(t, s.UpdateClient(ctx, "app", func(v *models.Client) error {
			v.SkipAuthorization, v.SelfRegistered, v.Contacts, v.UsedAt = false, false, nil, 0
			return nil
		}))
		got, err := s.ClientByID(ctx, "app")
		if err != nil || got.SkipAuthorization || got.SelfRegistered || len(got.Contacts) != 0 || got.UsedAt != 0 {
			t.Errorf("zero values not written: %+v, %v", got, err)
		}
		if err := s.UpdateClient(ctx, "app", func(*models.Client) error { return nil }); err != nil {
			t.Errorf("UpdateClient changing nothing: %v, want nil", err)
		}
	}},
	{"Clients/UpdateClientErrorWritesNothing", func(t *testing.T, s models.Store) {
		ctx := t.Context()
		c := newClient(t, s, "app", nil)
		boom := errors.New("boom")
		err := s.UpdateClient(ctx, "app", func(v *models.Client) error {
			v.Name, v.Scopes = "Changed", []string{"x"}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Errorf("UpdateClient = %v, want the update's error", err)
		}
		if got, err := s.ClientByID(ctx, "app"); err != nil || !same(got, c) {
			t.Errorf("after a failed update: %+v, %v; want %+v unchanged", got, err, c)
		}
	}},
	{"Clients/DeleteClientCascades", func(t *testing.T, s models.Store) {
		ctx := t.Context()
		u := newUser(t, s, "ada@example.com")
		must(t, s.CreateClient(ctx, clientValue("gone", &u.ID), "https://gone.example"))
		must(t, s.CreateClient(ctx, clientValue("kept", nil), "https://kept.example"))
		for i, id := range []string{"gone", "kept"} {
			newCode(t, s, digest("c0de", i), id, u.ID)
			newTokens(t, s, tok(digest("acc", i), models.KindAccess, digest("9", i), id, u.ID, "all", 5000),
				tok(digest("2ef", i), models.KindRefresh, digest("9", i), id, u.ID, "all", 0))
			saveConsent(t, s, u.ID, id, "all")
			must(t, s.AddClientQuirks(ctx, []models.ClientQuirk{{ClientID: id, Quirk: "q", Uses: 1, FirstSeen: 1, LastSeen: 1}}))
		}
		must(t, s.CreateSession(ctx, &models.Session{ID: digest("5e55", 1), UserID: u.ID, CreatedAt: 1, ExpiresAt: 9000}))

		must(t, s.DeleteClient(ctx, "gone"))
		if _, err := s.ClientByID(ctx, "gone"); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("deleted client still read: %v", err)
		}
		for i, gone := range []bool{true, false} {
			if codeExists(t, s, digest("c0de", i)) == gone || tokenExists(t, s, digest("acc", i)) == gone ||
				tokenExists(t, s, digest("2ef", i)) == gone {
				t.Errorf("client %d: codes or tokens kept = %v, want %v", i, !gone, !gone)
			}
		}
		if got, want := consentOf(t, s, u.ID, "gone")+" "+consentOf(t, s, u.ID, "kept"), "- all"; got != want {
			t.Errorf("consents of gone and kept = %q, want %q", got, want)
		}
		if q, err := s.ClientQuirks(ctx, ""); err != nil || len(q) != 1 || q[0].ClientID != "kept" {
			t.Errorf("quirk ledger = %+v, %v; want the kept client's line only", q, err)
		}
		if ok, err := s.OriginRegistered(ctx, "https://gone.example"); ok || err != nil {
			t.Errorf("a deleted client's origin is registered: %v, %v", ok, err)
		}
		if ok, err := s.OriginRegistered(ctx, "https://kept.example"); !ok || err != nil {
			t.Errorf("another client's origin is gone: %v, %v", ok, err)
		}
		if _, err := s.SessionByID(ctx, digest("5e55", 1), 100); err != nil {
			t.Errorf("DeleteClient took a session: %v", err)
		}
		if _, err := s.UserByID(ctx, u.ID); err != nil {
			t.Errorf("DeleteClient took the owner: %v", err)
		}
		if err := s.DeleteClient(ctx, "gone"); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("second DeleteClient: err = %v, want ErrNotFound", err)
		}
	}},
	{"Clients/SelfRegisteredCountAndReclaim", func(t *testing.T, s models.Store) {
		ctx := t.Context()
		for _, c := range []struct {
			id         string
			self       bool
			at, usedAt int64
		}{{"old-unused", true, 100, 0}, {"old-used", true, 100, 150}, {"new-unused", true, 200, 0},
			{"at-cutoff", true, 150, 0}, {"added", false, 100, 0}} {
			v := clientValue(c.id, nil)
			v.SelfRegistered, v.CreatedAt, v.UsedAt = c.self, c.at, c.usedAt
			must(t, s.CreateClient(ctx, v))
		}
		if n, err := s.CountSelfRegistered(ctx); n != 4 || err != nil {
			t.Errorf("CountSelfRegistered = %d, %v; want 4", n, err)
		}
		if n, err := s.DeleteUnusedSelfRegistered(ctx, 150); n != 1 || err != nil {
			t.Errorf("DeleteUnusedSelfRegistered = %d, %v; want 1", n, err)
		}
		for id, kept := range map[string]bool{"old-unused": false, "old-used": true, "new-unused": true, "at-cutoff": true, "added": true} {
			if _, err := s.ClientByID(ctx, id); (err == nil) != kept {
				t.Errorf("client %s: err = %v, want kept = %v", id, err, kept)
			}
		}
		if n, err := s.CountSelfRegistered(ctx); n != 3 || err != nil {
			t.Errorf("CountSelfRegistered after = %d, %v; want 3", n, err)
		}
	}},
	{"Clients/MarkClientUsedKeepsTheFirstUse", func(t *testing.T, s models.Store) {
		ctx := t.Context()
		newClient(t, s, "app", nil)
		must(t, s.MarkClientUsed(ctx, "app", 500))
		must(t, s.MarkClientUsed(ctx, "app", 900))
		if c, err := s.ClientByID(ctx, "app"); err != nil || c.UsedAt != 500 {
			t.Errorf("UsedAt = %d, %v; want the first use, 500", c.UsedAt, err)
		}
	}},
}
