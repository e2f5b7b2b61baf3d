package core

import (
	"context"
	"sync"
	"time"
)

// MemoryCounters are Counters held in this process: right for one instance. The map is
// bounded; when full, expired counters go first, then the one closest to expiry, so a flood of
// distinct keys (spoofed addresses, made-up accounts) costs memory only up to the bound.
type MemoryCounters struct {
	mu  sync.Mutex
	max int
	now func() time.Time
	m   map[string]memoryCounter
}

type memoryCounter struct {
	n   int64
	exp time.Time
}

// memoryCountersMax bounds the counters one process keeps: a few dozen bytes each, so a
// flood of made-up keys costs a few megabytes at most.
const memoryCountersMax = 100_000

// newMemoryCounters holds at most max counters; now is the clock.
func newMemoryCounters(max int, now func() time.Time) *MemoryCounters {
	return &MemoryCounters{max: max, now: now, m: make(map[string]memoryCounter)}
}

// Incr implements Counters.
func (c *MemoryCounters) Incr(_ context.Context, key string, ttl time.Duration) (int64, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.now()
	v, ok := c.m[key]
	if !ok || !now.Before(v.exp) {
		if !ok && len(c.m) >= c.max {
			c.evict(now)
		}
		v = memoryCounter{exp: now.Add(ttl)}
	}
	v.n++
	c.m[key] = v
	return v.n, nil
}

// Count implements Counters.
func (c *MemoryCounters) Count(_ context.Context, key string) (int64, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok := c.m[key]
	if !ok || !c.now().Before(v.exp) {
		return 0, nil
	}
	return v.n, nil
}

// Reset implements Counters.
func (c *MemoryCounters) Reset(_ context.Context, key string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.m, key)
	return nil
}

// evict makes room for one counter: every expired one goes, or else the soonest to expire.
func (c *MemoryCounters) evict(now time.Time) {
	var soonest string
	var soonestExp time.Time
	for k, v := range c.m {
		if !now.Before(v.exp) {
			delete(c.m, k)
			continue
		}
		if soonest == "" || v.exp.Before(soonestExp) {
			soonest, soonestExp = k, v.exp
		}
	}
	if len(c.m) >= c.max {
		delete(c.m, soonest)
	}
}
