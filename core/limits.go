package core

import (
	"context"
	"time"
)

// Counters stores the login limiter's counters: expiring per-key counts. cluster.Counters keeps
// them in Redis, so that several instances count the same attempts.
type Counters interface {
	Incr(ctx context.Context, key string, ttl time.Duration) (int64, error)
	Count(ctx context.Context, key string) (int64, error)
	Reset(ctx context.Context, key string) error
}
