package storetest

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"oauthd/models"
)

var clientContracts = []contract{
	{"Clients/CreateClientRoundTripsEveryField", func(t *testing.T, s models.Store) {
		owner := newUser(t, s, "owner@example.com")
		var want models.Client
		fill(t, &want)
		want.OwnerID, want.OwnerEnabled = &owner.ID, true // the owner is enabled
		must(t, s.CreateClient(t.Context(), &want))
		got, err := s.ClientByID(t.Context(), want.ID)
		if err != nil || !same(got, &want) {
			t.Errorf("ClientByID =\n%+v, %v\nwant\n%+v", got, err, want)
		}
		list, err := s.ListClients(t.Context())
		if err != nil || len(list) != 1 {
			t.Fatalf("ListClients = %+v, %v; want the client", list, err)
		}
		want.OwnerEnabled = list[0].OwnerEnabled // read by ClientByID only
		if !same(list[0], want) {
			t.Errorf("ListClients =\n%+v\nwant\n%+v", list[0], want)
		}
	}},
	{"Clients/LongListsRoundTrip", func(t *testing.T, s models.Store) {
		c := clientValue("app-long", nil)
		c.RedirectURIs = slices.Repeat([]string{"https://long.example/cb"}, 200)
		c.Scopes = []string{strings.Repeat("s", 1000)}
		c.PostLogoutRedirectURIs = slices.Repeat([]string{"https://long.example/bye"}, 100)
		must(t, s.CreateClient(t.Context(), c))
		got, err := s.ClientByID(t.Context(), c.ID)
		if err != nil || !slices.Equal(got.RedirectURIs, c.RedirectURIs) || !slices.Equal(got.Scopes, c.Scopes) ||
			!slices.Equal(got.PostLogoutRedirectURIs, c.PostLogoutRedirectURIs) {
			t.Errorf("long lists did not round-trip: %d redirect URIs, %v", len(got.RedirectURIs), err)
		}
	}},
	{"Clients/OwnerEnabledIsTheOwnersFlag", func(t *testing.T, s models.Store) {
		ctx := t.Context()
		owner := newUser(t, s, "owner@example.com")
		newClient(t, s, "owned", &owner.ID)
		newClient(t, s, "orphan", nil)
		if c, err := s.ClientByID(ctx, "owned"); err != nil || c.OwnerID == nil || *c.OwnerID != owner.ID || !c.OwnerEnabled {
			t.Errorf("client of an enabled owner = %+v, %v", c, err)
		}
		if c, err := s.ClientByID(ctx, "orphan"); err != nil || c.OwnerID != nil || c.OwnerEnabled {
			t.Errorf("client without owner = %+v, %v; want OwnerEnabled false", c, err)
		}
		must(t, s.UpdateUser(ctx, owner.ID, func(u *models.User) error { u.Enabled = false; return nil }))
		if c, err := s.ClientByID(ctx, "owned"); err != nil || c.OwnerEnabled {
			t.Errorf("client of a disabled owner = %+v, %v; want OwnerEnabled false", c, err)
		}
	}},
	{"Clients/CreateClientTakenIDConflictsAndWritesNothing", func(t *testing.T, s models.Store) {
		ctx := t.Context()
		first := newClient(t, s, "app", nil)
		dup := clientValue("app", nil)
		dup.Name = "again"
		if err := s.CreateClient(ctx, dup, "https://dup.example"); !errors.Is(err, models.ErrConflict) {
			t.Errorf("taken id: err = %v, want ErrConflict", err)
		}
		if got, err := s.ClientByID(ctx, "app"); err != nil || !same(got, first) {
			t.Errorf("the first client changed: %+v, %v", got, err)
		}
		if ok, err := s.OriginRegistered(ctx, "https://dup.example"); ok || err != nil {
			t.Errorf("the refused client's origin is registered: %v, %v", ok, err)
		}
	}},
	{"Clients/CreateClientWithOriginsIsAtomic", func(t *testing.T, s models.Store) {
		ctx := t.Context()
		// The same origin twice: stored once or refused whole, never the client without it.
		err := s.CreateClient(ctx, clientValue("app", nil), "https://a.example", "https://a.example")
		_, readErr := s.ClientByID(ctx, "app")
		ok, _ := s.OriginRegistered(ctx, "https://a.example")
		if (err == nil) != (readErr == nil) || (err == nil) != ok {
			t.Errorf("CreateClient = %v, then client read %v and origin registered %v: want all or nothing", err, readErr, ok)
		}
	}},
	{"Clients/OriginsAreExactAndSorted", func(t *testing.T, s models.Store) {
		ctx := t.Context()
		must(t, s.CreateClient(ctx, clientValue("spa", nil), "https://b.example", "https://a.example:8443"))
		newClient(t, s, "plain", nil)
		for origin, want := range map[string]bool{"https://b.example": true, "https://a.example:8443": true,
			"https://B.example": false, "https://b.example/": false, "https://b.example ": false, "https://c.example": false} {
			if ok, err := s.OriginRegistered(ctx, origin); ok != want || err != nil {
				t.Errorf("OriginRegistered(%q) = %v, %v; want %v", origin, ok, err, want)
			}
		}
		if got, err := s.ClientOrigins(ctx, "spa"); err != nil || !slices.Equal(got, []string{"https://a.example:8443", "https://b.example"}) {
			t.Errorf("ClientOrigins = %q, %v; want both, sorted", got, err)
		}
		if got, err := s.ClientOrigins(ctx, "plain"); err != nil || len(got) != 0 {
			t.Errorf("ClientOrigins of a client without = %q, %v", got, err)
		}
	}},
	{"Clients/AbsentClientIsNotFound", func(t *testing.T, s models.Store) {
		ctx := t.Context()
		newClient(t, s, "app", nil)
		if _, err := s.ClientByID(ctx, "no-such-app"); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("ClientByID: err = %v, want ErrNotFound", err)
		}
		for what, err := range map[string]error{
			"SetClientSecret":       s.SetClientSecret(ctx, "no-such-app", digest("5ec", 2)),
			"SetClientSealedSecret": s.SetClientSealedSecret(ctx, "no-such-app", "sealed"),
			"DeleteClient":          s.DeleteClient(ctx, "no-such-app"),
			"UpdateClient":          s.UpdateClient(ctx, "no-such-app", func(*models.Client) error { return nil }),
		} {
			if !errors.Is(err, models.ErrNotFound) {
				t.Errorf("%s: err = %v, want ErrNotFound", what, err)
			}
		}
	}},
	{"Clients/SetSecrets", func(t *testing.T, s models.Store) {
		ctx := t.Context()
		c := newClient(t, s, "app", nil)
		must(t, s.SetClientSecret(ctx, "app", digest("5ec", 2)))
		must(t, s.SetClientSealedSecret(ctx, "app", "sealed-secret"))
		must(t, s.SetClientSecret(ctx, "app", digest("5ec", 2))) // the same value again is no absence
		c.SecretHash, c.SecretSealed = digest("5ec", 2), "sealed-secret"
		if got, err := s.ClientByID(ctx, "app"); err != nil || !same(got, c) {
			t.Errorf("after setting the secrets: %+v, %v; want %+v", got, err, c)
		}
	}},
	{"Clients/ListClientsOldestFirstThenByID", func(t *testing.T, s models.Store) {
		for _, c := range []struct {
			id string
			at int64
		}{{"c", 300}, {"b", 100}, {"z", 200}, {"a", 200}} {
			v := clientValue(c.id, nil)
			v.CreatedAt = c.at
			must(t, s.CreateClient(t.Context(), v))
		}
		list, err := s.ListClients(t.Context())
		var ids []string
		for _, c := range list {
			ids = append(ids, c.ID)
		}
		if err != nil || !slices.Equal(ids, []string{"b", "a", "z", "c"}) {
			t.Errorf("ListClients = %v, %v; want [b a z c]", ids, err)
		}
	}},
}
