// Package cluster holds the optional state oauthd instances share through Redis: a channel on
// which every revocation is published, so that every instance drops its cached bearer checks
// at once, and the login limiter's counters, so that an address or account is limited across
// all instances rather than per instance.
package cluster

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"time"

	"github.com/redis/go-redis/v9"

	"oauthd/core"
)

// Redis is one connection pool to Redis, with every key and channel under one prefix (so that
// several deployments, or tests, can share a server).
type Redis struct {
	client *redis.Client
	prefix string
}

// Open connects to url (redis://[user:password@]host:port/db) and checks that it answers.
func Open(ctx context.Context, url, prefix string) (*Redis, error) {
	opt, err := redis.ParseURL(url)
	if err != nil {
		return nil, fmt.Errorf("redis.url: %w", err)
	}
	r := &Redis{client: redis.NewClient(opt), prefix: prefix}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := r.client.Ping(ctx).Err(); err != nil {
		r.client.Close()
		return nil, fmt.Errorf("redis %s: %w", opt.Addr, err)
	}
	return r, nil
}

// Close releases the pool.
func (r *Redis) Close() error { return r.client.Close() }

func (r *Redis) channel() string { return r.prefix + "revocations" }

// Publish tells every subscribed instance of a revocation (core.RevocationBus).
func (r *Redis) Publish(ctx context.Context, rev core.Revocation) error {
	msg, err := json.Marshal(rev)
	if err != nil {
		return fmt.Errorf("publish revocation: %w", err)
	}
	if err := r.client.Publish(ctx, r.channel(), msg).Err(); err != nil {
		return fmt.Errorf("publish revocation: %w", err)
	}
	return nil
}

// Subscribe calls forget for every revocation published by any instance until ctx ends. It
// returns once the subscription is active, so nothing published after it is missed; the
// client library re-subscribes after a lost connection (the feed in the database covers the
// gap).
func (r *Redis) Subscribe(ctx context.Context, forget func(core.Revocation)) error {
	sub := r.client.Subscribe(ctx, r.channel())
	if _, err := sub.Receive(ctx); err != nil {
		sub.Close()
		return fmt.Errorf("subscribe to revocations: %w", err)
	}
	go func() {
		defer sub.Close()
		ch := sub.Channel()
		for {
			select {
			case <-ctx.Done():
				return
			case m, ok := <-ch:
				if !ok {
					return
				}
				var rev core.Revocation
				if err := json.Unmarshal([]byte(m.Payload), &rev); err != nil {
					slog.Warn("revocation bus: unreadable message", "err", err)
					continue
				}
				forget(rev)
			}
		}
	}()
	return nil
}
