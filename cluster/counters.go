package cluster

import (
	"context"
	"errors"
	"fmt"
	"time"

	"oauthd/models"

	"github.com/redis/go-redis/v9"
)

// Counters keeps the login limiter's counters in Redis (models.Counters), so that every instance
// counts the same attempts.
type Counters struct{ r *Redis }

// Counters returns the limiter's counters on this connection.
func (r *Redis) Counters() *Counters { return &Counters{r: r} }

// incr adds one and, on the first increment only, sets the expiry: one round trip, atomic.
var incr = redis.NewScript(`
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return n`)

// Incr adds one to key's counter, which expires ttl after its first increment.
func (c *Counters) Incr(ctx context.Context, key string, ttl time.Duration) (int64, error) {
	n, err := incr.Run(ctx, c.r.client, []string{c.r.prefix + key}, max(ttl.Milliseconds(), 1)).Int64()
	if err != nil {
		return 0, fmt.Errorf("redis incr: %w", err)
	}
	return n, nil
}

// Count returns key's counter, 0 when absent or expired.
func (c *Counters) Count(ctx context.Context, key string) (int64, error) {
	n, err := c.r.client.Get(ctx, c.r.prefix+key).Int64()
	if errors.Is(err, redis.Nil) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("redis count: %w", err)
	}
	return n, nil
}

// Reset forgets key.
func (c *Counters) Reset(ctx context.Context, key string) error {
	if err := c.r.client.Del(ctx, c.r.prefix+key).Err(); err != nil {
		return fmt.Errorf("redis reset: %w", err)
	}
	return nil
}

var _ models.Counters = (*Counters)(nil)
