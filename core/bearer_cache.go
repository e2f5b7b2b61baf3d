package core

import (
	"container/list"
	"sync"
	"time"
)

// bearerCache remembers bearer checks for a short, configured time, so that a hot access token
// costs a map lookup instead of a database read. It is bounded (least recently used entries
// go first) and it stays safe because every revocation reaches it: at once through this
// process (Engine.revoked), at once through Redis when configured, and otherwise within one
// poll of the revocation feed in the database (FollowRevocations). A change that bypasses
// oauthd (a user disabled in SQL) is honoured within the TTL. A refusal is remembered for at
// most a second (refusalTTL): long enough to shed a flood of bad tokens, short enough never
// to matter to a client.
type bearerCache struct {
	ttl, refusalTTL time.Duration
	max             int
	mu              sync.Mutex
	m               map[string]*list.Element // by token digest
	lru             list.List                // front: most recently used; values are *cachedBearer
	gen             uint64                   // bumped by every drop; see epoch
}

type cachedBearer struct {
	digest    string
	principal *Principal // nil: a cached refusal
	grantID   string
	until     time.Time
}

// refusalTTL bounds how long a refusal is cached.
const refusalTTL = time.Second

func newBearerCache(ttl time.Duration, size int) *bearerCache {
	if ttl <= 0 {
		return nil
	}
	return &bearerCache{ttl: ttl, refusalTTL: min(ttl, refusalTTL), max: size, m: make(map[string]*list.Element)}
}

// get returns a copy of the cached principal (nil with ok for a cached refusal).
func (c *bearerCache) get(digest string, now time.Time) (p *Principal, ok bool) {
	if c == nil {
		return nil, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	el, found := c.m[digest]
	if !found || !now.Before(el.Value.(*cachedBearer).until) {
		return nil, false
	}
	c.lru.MoveToFront(el)
	if e := el.Value.(*cachedBearer); e.principal != nil {
		cp := *e.principal
		return &cp, true
	}
	return nil, true
}

// epoch is read before the database read that put will cache: if any revocation was applied
// in between, put drops the answer, which may predate the revocation.
func (c *bearerCache) epoch() uint64 {
	if c == nil {
		return 0
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.gen
}

// put caches a principal (nil: a refusal) until the TTL or the token's own expiry.
func (c *bearerCache) put(epoch uint64, digest, grantID string, p *Principal, now time.Time) {
	if c == nil {
		return
	}
	until := now.Add(c.ttl)
	if p == nil {
		until = now.Add(c.refusalTTL)
	} else if !p.ExpiresAt.IsZero() && p.ExpiresAt.Before(until) {
		until = p.ExpiresAt
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if epoch != c.gen {
		return
	}
	entry := &cachedBearer{digest: digest, principal: p, grantID: grantID, until: until}
	if el, ok := c.m[digest]; ok {
		el.Value = entry
		c.lru.MoveToFront(el)
		return
	}
	c.m[digest] = c.lru.PushFront(entry)
	for len(c.m) > c.max {
		oldest := c.lru.Back()
		c.lru.Remove(oldest)
		delete(c.m, oldest.Value.(*cachedBearer).digest)
	}
}

// drop forgets every entry a batch of revocations touches. Revocations are rare next to
// checks, so one scan per batch is cheaper than indexes kept on every put.
func (c *bearerCache) drop(revs []Revocation) {
	if c == nil || len(revs) == 0 {
		return
	}
	grants, users, clients, pairs := map[string]bool{}, map[uint]bool{}, map[string]bool{}, map[userClient]bool{}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	for _, r := range revs {
		if el, ok := c.m[r.TokenID]; ok && r.TokenID != "" {
			c.remove(el)
		}
		if r.GrantID != "" {
			grants[r.GrantID] = true
		}
		switch {
		case r.UserID != 0 && r.ClientID != "":
			pairs[userClient{r.UserID, r.ClientID}] = true
		case r.UserID != 0:
			users[r.UserID] = true
		case r.ClientID != "":
			clients[r.ClientID] = true
		}
	}
	if len(grants)+len(users)+len(clients)+len(pairs) == 0 {
		return
	}
	for el := c.lru.Front(); el != nil; {
		next := el.Next()
		e := el.Value.(*cachedBearer)
		if p := e.principal; p != nil && (grants[e.grantID] || users[p.UserID] || clients[p.ClientID] ||
			pairs[userClient{p.UserID, p.ClientID}]) {
			c.remove(el)
		}
		el = next
	}
}

// userClient names the tokens one user's grants gave one client.
type userClient struct {
	userID   uint
	clientID string
}

func (c *bearerCache) remove(el *list.Element) {
	c.lru.Remove(el)
	delete(c.m, el.Value.(*cachedBearer).digest)
}

// clear forgets everything (a burst of revocations too large to apply one by one).
func (c *bearerCache) clear() {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	c.m = make(map[string]*list.Element)
	c.lru.Init()
}
