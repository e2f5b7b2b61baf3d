package core

import (
	"context"
	"time"
)

// Counters stores the login limiter's counters (the limiter itself is helper 10's, issue 10);
// cluster.Counters keeps them in Redis so that several instances count together.
type Counters interface {
	Incr(ctx context.Context, key string, ttl time.Duration) (int64, error)
	Count(ctx context.Context, key string) (int64, error)
	Reset(ctx context.Context, key string) error
}
