package core

import (
	"testing"
	"time"

	"oauthd/models"
)

func TestBearerCacheBoundsStalenessAndHonoursLocalRevocation(t *testing.T) {
	onBackends(t, Options{BearerCacheTTL: 5 * time.Second}, func(t *testing.T, f *fixture) {
		u := f.user(t, "cache@example.com")
		c, _ := f.client(t, NewClient{})
		res := f.tokens(t, c, u, "")
		if !f.bearerOK(t, res.AccessToken) {
			t.Fatal("fresh token refused")
		}

		// A revocation written by another process (here: straight into the database) is not seen
		// while the entry lives, and is seen once the TTL has passed.
		if err := f.store.RevokeGrant(t.Context(), f.tokenRow(t, res.AccessToken).GrantID, f.clock.Now().Unix()); err != nil {
			t.Fatal(err)
		}
		if !f.bearerOK(t, res.AccessToken) {
			t.Fatal("within the TTL the cached check should still answer")
		}
		f.clock.Advance(5 * time.Second)
		if f.bearerOK(t, res.AccessToken) {
			t.Fatal("a token revoked elsewhere must be refused once the cache TTL has passed")
		}

		// A revocation through this engine is honoured at once.
		res2 := f.tokens(t, c, u, "")
		if !f.bearerOK(t, res2.AccessToken) {
			t.Fatal("fresh token refused")
		}
		if err := f.eng.revokeToken(t.Context(), res2.RefreshToken, nil); err != nil {
			t.Fatal(err)
		}
		if f.bearerOK(t, res2.AccessToken) {
			t.Fatal("a token revoked through this engine must be refused at once, cache or not")
		}

		// A refresh rotation keeps the old access token (see TestRefreshRotationRevokingAccess for
		// oauth.revoke_access_on_refresh, which drops it from the cache at once).
		rotating, _ := f.client(t, NewClient{RefreshRotation: new(true)})
		res3 := f.tokens(t, rotating, u, "")
		f.bearerOK(t, res3.AccessToken)
		if _, err := f.refresh(t.Context(), rotating, res3.RefreshToken, ""); err != nil {
			t.Fatal(err)
		}
		if !f.bearerOK(t, res3.AccessToken) {
			t.Fatal("the access token of a rotated refresh token must live until it expires")
		}
	})
}

func TestBearerCacheNeverOutlivesTheToken(t *testing.T) {
	onBackends(t, Options{BearerCacheTTL: time.Hour}, func(t *testing.T, f *fixture) {
		u := f.user(t, "expiry@example.com")
		c, _ := f.client(t, NewClient{})
		res := f.tokens(t, c, u, "")
		f.bearerOK(t, res.AccessToken)
		f.clock.Advance(accessTTL)
		if f.bearerOK(t, res.AccessToken) {
			t.Fatal("an expired token must be refused even when cached")
		}
	})
}

func TestBearerCacheOffReadsEveryTime(t *testing.T) {
	onBackends(t, Options{}, func(t *testing.T, f *fixture) {
		u := f.user(t, "nocache@example.com")
		c, _ := f.client(t, NewClient{})
		res := f.tokens(t, c, u, "")
		f.bearerOK(t, res.AccessToken)
		err := f.store.DB().Model(&models.Token{}).Where("id = ?", Digest(res.AccessToken)).
			Update("revoked_at", f.clock.Now().Unix()).Error
		if err != nil {
			t.Fatal(err)
		}
		if f.bearerOK(t, res.AccessToken) {
			t.Fatal("without the cache a revocation by another process is seen at once")
		}
	})
}
