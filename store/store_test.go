package store_test

// What the conformance suite (conformance_test.go, models/storetest) cannot see through the
// interface: how a store is opened, and what it does with prepared statements.

import (
	"fmt"
	"testing"

	"oauthd/models"
	"oauthd/store"
	"oauthd/store/testdb"
)

func hexID(prefix string, n int) string {
	return fmt.Sprintf("%s%0*x", prefix, 64-len(prefix), n)
}

func mustUser(t *testing.T, s models.Store, email string) *models.User {
	t.Helper()
	u := &models.User{Email: email, FullName: "Ada Lovelace", PasswordHash: "$2a$04$hash", Enabled: true,
		Roles: []string{"admin", "dev"}, Subject: "sub-" + email, CreatedAt: 1700000000}
	if err := s.CreateUser(t.Context(), u); err != nil {
		t.Fatalf("create user %s: %v", email, err)
	}
	return u
}

func mustClient(t *testing.T, s models.Store, id string, owner *uint) *models.Client {
	t.Helper()
	c := &models.Client{ID: id, SecretHash: hexID("5ec", 1), Name: "App " + id,
		RedirectURIs: []string{"https://app.example/cb"}, DefaultRedirectURI: "https://app.example/cb",
		Scopes: []string{"all", "openid"}, AuthMethods: []string{"client_secret_basic"},
		GrantTypes: []string{"authorization_code", "refresh_token"}, OwnerID: owner, PKCE: "optional", CreatedAt: 1700000001}
	if err := s.CreateClient(t.Context(), c); err != nil {
		t.Fatalf("create client %s: %v", id, err)
	}
	return c
}

func mustCode(t *testing.T, s models.Store, id, clientID string, userID uint) *models.AuthorizationCode {
	t.Helper()
	c := &models.AuthorizationCode{ID: id, GrantID: hexID("9", 1), ClientID: clientID, UserID: userID,
		Scope: "all", RedirectURI: "https://app.example/cb", IssuedAt: 1000, ExpiresAt: 1600}
	if err := s.CreateCode(t.Context(), c); err != nil {
		t.Fatalf("create code: %v", err)
	}
	return c
}

func tok(id, kind, grant, client string, user uint, scope string, expires int64) *models.Token {
	return &models.Token{ID: id, Kind: kind, GrantID: grant, ClientID: client, UserID: user, Scope: scope,
		IssuedAt: 1000, ExpiresAt: expires}
}

func TestOpenUnknownDriver(t *testing.T) {
	t.Parallel()
	if _, err := store.Open("oracle", "x", store.Options{}); err == nil {
		t.Fatal("Open with an unknown driver succeeded")
	}
}

// SaveConsent's upsert replaces the time of the consent with its scopes (the contract speaks of
// the scopes only; the row keeps when they were last approved).
func TestSaveConsentRecordsTheLastApproval(t *testing.T) {
	t.Parallel()
	testdb.Run(t, func(t *testing.T, s *store.Store) {
		u := mustUser(t, s, "ada@example.com")
		mustClient(t, s, "app", nil)
		for i, scope := range []string{"read", "read write"} {
			c := &models.Consent{UserID: u.ID, ClientID: "app", Scope: scope, GrantedAt: 1000 + int64(i)}
			if err := s.SaveConsent(t.Context(), c); err != nil {
				t.Fatal(err)
			}
		}
		var rows []store.Consent
		if err := s.DB().Where("user_id = ?", u.ID).Find(&rows).Error; err != nil {
			t.Fatal(err)
		}
		if len(rows) != 1 || rows[0].Scope != "read write" || rows[0].GrantedAt != 1001 {
			t.Errorf("consent rows = %+v, want one with the last scopes and time", rows)
		}
	})
}
