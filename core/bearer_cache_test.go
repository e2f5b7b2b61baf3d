package core

import (
	"context"
	"sync"
	"testing"
	"time"

	"oauthd/store"
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
		if err := f.eng.revokeHeld(t.Context(), res2.RefreshToken); err != nil {
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
		err := f.store.DB().Model(&store.Token{}).Where("id = ?", Digest(res.AccessToken)).
			Update("revoked_at", f.clock.Now().Unix()).Error
		if err != nil {
			t.Fatal(err)
		}
		if f.bearerOK(t, res.AccessToken) {
			t.Fatal("without the cache a revocation by another process is seen at once")
		}
	})
}

// Two engines on one database, both caching, B following the feed: a revocation through A
// (a token, a user disabled, a client removed) is refused by B within one poll.
func TestRevocationFeedReachesOtherInstances(t *testing.T) {
	onBackends(t, Options{BearerCacheTTL: time.Hour}, func(t *testing.T, f *fixture) {
		seen := &cacheCounts{}
		b := f.engine(Options{BearerCacheTTL: time.Hour, Observer: seen})
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()
		go b.FollowRevocations(ctx, 50*time.Millisecond)
		u := f.user(t, "feed@example.com")
		c, _ := f.client(t, NewClient{ID: "feed-app"})
		refusedByB := func(token string) bool {
			deadline := time.Now().Add(1500 * time.Millisecond)
			for time.Now().Before(deadline) {
				if _, err := b.AuthenticateBearer(t.Context(), token); err != nil {
					return AsError(err).Code == ErrInvalidToken
				}
				time.Sleep(20 * time.Millisecond)
			}
			return false
		}
		cachedByB := func(token string) {
			t.Helper()
			if _, err := b.AuthenticateBearer(t.Context(), token); err != nil {
				t.Fatalf("B refused a live token: %v", err)
			}
		}

		revoked := f.tokens(t, c, u, "")
		cachedByB(revoked.AccessToken)
		cachedByB(revoked.AccessToken) // a hit: nothing is revoked yet, however slow the host
		if err := f.eng.revokeHeld(t.Context(), revoked.AccessToken); err != nil {
			t.Fatal(err)
		}
		if !refusedByB(revoked.AccessToken) {
			t.Fatal("B still accepts a token revoked through A after 1.5 s")
		}

		disabled := f.tokens(t, c, u, "")
		cachedByB(disabled.AccessToken)
		f.disable(t, u)
		f.eng.revokedUser(t.Context(), u.ID)
		if !refusedByB(disabled.AccessToken) {
			t.Fatal("B still accepts a disabled user's token after 1.5 s")
		}
		if hits, misses := seen.counts(); hits == 0 || misses == 0 {
			t.Errorf("cache hits=%d misses=%d, want both counted", hits, misses)
		}
	})
}

func TestBearerCacheIsBoundedLRU(t *testing.T) {
	c := newBearerCache(time.Hour, 2)
	now := time.Now()
	p := &Principal{UserID: 1}
	c.put(c.epoch(), "a", "g", p, now)
	c.put(c.epoch(), "b", "g", p, now)
	if _, ok := c.get("a", now); !ok { // a is now the most recently used
		t.Fatal("a missing")
	}
	c.put(c.epoch(), "c", "g", p, now)
	if _, ok := c.get("b", now); ok {
		t.Error("the least recently used entry survived past the bound")
	}
	if _, ok := c.get("a", now); !ok {
		t.Error("a recently used entry was evicted")
	}
}

func TestBearerCacheRefusalsLastASecondAtMost(t *testing.T) {
	onBackends(t, Options{BearerCacheTTL: time.Hour}, func(t *testing.T, f *fixture) {
		u := f.user(t, "refusal@example.com")
		c, _ := f.client(t, NewClient{})
		res := f.tokens(t, c, u, "")
		f.disable(t, u) // behind the engine's back: the refusal is what gets cached
		if f.bearerOK(t, res.AccessToken) {
			t.Fatal("disabled user's token accepted")
		}
		if err := f.store.DB().Model(&store.User{}).Where("id = ?", u.ID).Update("enabled", true).Error; err != nil {
			t.Fatal(err)
		}
		f.clock.Advance(time.Second)
		if !f.bearerOK(t, res.AccessToken) {
			t.Fatal("a refusal was cached for longer than a second")
		}
	})
}

// An answer read before a revocation landed is not cached after it.
func TestBearerCacheDropsAnswersOlderThanARevocation(t *testing.T) {
	c := newBearerCache(time.Hour, 10)
	now := time.Now()
	epoch := c.epoch()
	c.drop([]Revocation{{GrantID: "g"}})
	c.put(epoch, "a", "g", &Principal{UserID: 1}, now)
	if _, ok := c.get("a", now); ok {
		t.Fatal("an answer read before a revocation was cached")
	}
}

// cacheCounts is an Observer that counts bearer cache lookups.
type cacheCounts struct {
	nopObserver
	mu           sync.Mutex
	hits, misses int
}

func (c *cacheCounts) BearerCache(hit bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if hit {
		c.hits++
	} else {
		c.misses++
	}
}

func (c *cacheCounts) counts() (hits, misses int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.hits, c.misses
}

// Every bearer check is one lookup, counted once: the first check of a token is a miss, each
// later one while it is cached a hit, a cached refusal a hit too. Off, the cache counts nothing.
func TestBearerCacheCountsOneLookupPerCheck(t *testing.T) {
	onBackends(t, Options{}, func(t *testing.T, f *fixture) {
		u := f.user(t, "count@example.com")
		c, _ := f.client(t, NewClient{})
		live, unknown := f.tokens(t, c, u, "").AccessToken, NewToken()
		for _, ttl := range []time.Duration{time.Hour, 0} {
			seen := &cacheCounts{}
			eng := f.engine(Options{BearerCacheTTL: ttl, Observer: seen})
			for i := range 8 {
				token := map[bool]string{true: live, false: unknown}[i < 5]
				if _, err := eng.AuthenticateBearer(t.Context(), token); (err == nil) != (token == live) {
					t.Fatalf("check %d: %v", i, err)
				}
			}
			hits, misses := seen.counts()
			if ttl > 0 && (hits != 6 || misses != 2) {
				t.Errorf("8 checks of 2 tokens counted %d hits and %d misses, want 6 and 2", hits, misses)
			}
			if ttl == 0 && hits+misses != 0 {
				t.Errorf("with the cache off %d hits and %d misses were counted", hits, misses)
			}
		}
	})
}
