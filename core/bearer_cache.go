package core

import (
	"sync"
	"time"
)

// bearerCache remembers successful bearer checks for a short, configured time, so that a hot
// access token costs a map lookup instead of a database read. Revocations made through this
// process drop the grant's entries at once; a revocation made by another process (another
// instance on the same database, a user disabled in SQL) is honoured within the TTL. That
// bound is the price of the cache, which is why it is off unless oauth.bearer_cache_ttl is set.
type bearerCache struct {
	ttl time.Duration
	max int
	mu  sync.RWMutex
	m   map[string]cachedBearer // by token digest
}

type cachedBearer struct {
	principal *Principal
	grantID   string
	until     time.Time
}

// bearerCacheMax bounds memory: past it the cache starts over (hot tokens refill it at once).
const bearerCacheMax = 100_000

func newBearerCache(ttl time.Duration) *bearerCache {
	if ttl <= 0 {
		return nil
	}
	return &bearerCache{ttl: ttl, max: bearerCacheMax, m: make(map[string]cachedBearer)}
}

// get returns a copy of a cached principal still valid at now.
func (c *bearerCache) get(digest string, now time.Time) (*Principal, bool) {
	if c == nil {
		return nil, false
	}
	c.mu.RLock()
	e, ok := c.m[digest]
	c.mu.RUnlock()
	if !ok || !now.Before(e.until) {
		return nil, false
	}
	p := *e.principal
	return &p, true
}

// put caches a principal until the TTL or the token's own expiry, whichever comes first.
func (c *bearerCache) put(digest, grantID string, p *Principal, now time.Time) {
	if c == nil {
		return
	}
	until := now.Add(c.ttl)
	if !p.ExpiresAt.IsZero() && p.ExpiresAt.Before(until) {
		until = p.ExpiresAt
	}
	c.mu.Lock()
	if len(c.m) >= c.max {
		c.m = make(map[string]cachedBearer)
	}
	c.m[digest] = cachedBearer{principal: p, grantID: grantID, until: until}
	c.mu.Unlock()
}

// dropGrant forgets every cached token of a grant; revocation is rare, so a scan is fine.
func (c *bearerCache) dropGrant(grantID string) {
	if c == nil {
		return
	}
	c.mu.Lock()
	for k, e := range c.m {
		if e.grantID == grantID {
			delete(c.m, k)
		}
	}
	c.mu.Unlock()
}

// clear forgets everything (a client was removed).
func (c *bearerCache) clear() {
	if c == nil {
		return
	}
	c.mu.Lock()
	c.m = make(map[string]cachedBearer)
	c.mu.Unlock()
}
