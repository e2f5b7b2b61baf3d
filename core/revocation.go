package core

import (
	"context"
	"log/slog"
	"time"

	"oauthd/models"
)

// Revocation names what a revocation ended: one token, a grant, every token of a user (a
// user disabled or removed), of a client (a client removed), or of a user held by one client
// (UserID and ClientID both set: the user revoked that app). Zero fields name nothing.
type Revocation struct {
	TokenID  string // token digest
	GrantID  string
	UserID   uint
	ClientID string
}

// RevocationBus carries revocations to every other instance at once (Redis, see cluster/).
// Without one, instances learn of revocations from the feed in the database.
type RevocationBus interface {
	Publish(ctx context.Context, r Revocation) error
}

// revoked is the one path every revocation takes once the database says so (token revoked,
// rotation reuse, code replay, user disabled, client removed, an app revoked by its user): the
// local cache forgets at once, the feed row tells instances that poll, and the bus tells the
// others at once. The database row is already the truth, so a failure here only delays other
// caches (bounded by the cache TTL): it is logged, not returned.
func (e *Engine) revoked(ctx context.Context, r Revocation) {
	e.bearer.drop([]Revocation{r})
	row := &models.Revocation{TokenID: r.TokenID, GrantID: r.GrantID, UserID: r.UserID, ClientID: r.ClientID,
		AtMS: time.Now().UnixMilli()}
	if err := e.store.AddRevocation(ctx, row); err != nil {
		slog.Warn("revocation feed: write failed; other instances honour it within the cache TTL", "err", err)
	}
	if e.opt.Bus != nil {
		if err := e.opt.Bus.Publish(ctx, r); err != nil {
			slog.Warn("revocation bus: publish failed; other instances honour it within one feed poll", "err", err)
		}
	}
}

// revokedUser is called after a user is disabled or removed: their tokens stop working on
// every instance (the bearer read checks users.enabled; caches must forget them).
func (e *Engine) revokedUser(ctx context.Context, userID uint) {
	e.revoked(ctx, Revocation{UserID: userID})
}

// Forget drops what a revocation made elsewhere ended from this instance's cache (the bus
// subscriber calls it).
func (e *Engine) Forget(r Revocation) { e.bearer.drop([]Revocation{r}) }

// feedOverlap is how far back each poll reads. Rows are re-applied on every poll that sees
// them (dropping is idempotent), which covers a row committed late with an earlier time
// (concurrent writers, Galera) and an answer cached just before a revocation landed; the
// clocks of the instances must agree to within it.
const feedOverlap = 5 * time.Second

// feedRetention is how long feed rows are kept; every poller purges older ones now and then.
const feedRetention = 10 * time.Minute

// FollowRevocations polls the revocation feed every interval until ctx ends, dropping what it
// names from this instance's cache. It does nothing when the cache is off.
func (e *Engine) FollowRevocations(ctx context.Context, every time.Duration) {
	if e.bearer == nil || every <= 0 {
		return
	}
	tick := time.NewTicker(every)
	defer tick.Stop()
	lastPurge := time.Now()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		e.pollFeed(ctx, time.Now().Add(-every-feedOverlap))
		if time.Since(lastPurge) > time.Minute {
			lastPurge = time.Now()
			if err := e.store.PurgeRevocations(ctx, time.Now().Add(-feedRetention).UnixMilli()); err != nil {
				slog.Warn("revocation feed: purge failed", "err", err)
			}
		}
	}
}

// feedBatch bounds one read; a burst larger than that is followed by clearing the cache.
const feedBatch = 10_000

func (e *Engine) pollFeed(ctx context.Context, since time.Time) {
	rows, err := e.store.RevocationsSince(ctx, since.UnixMilli(), feedBatch)
	if err != nil {
		slog.Warn("revocation feed: poll failed", "err", err)
		return
	}
	if len(rows) == feedBatch {
		e.bearer.clear()
		return
	}
	revs := make([]Revocation, len(rows))
	for i, r := range rows {
		revs[i] = Revocation{TokenID: r.TokenID, GrantID: r.GrantID, UserID: r.UserID, ClientID: r.ClientID}
	}
	e.bearer.drop(revs)
}
