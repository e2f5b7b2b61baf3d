// Package core holds every OAuth rule of oauthd: client authentication, authorization and
// consent, codes, PKCE, token issuance, refresh rotation, revocation, introspection and bearer
// checks. It knows nothing of HTTP or of any dialect; adapters turn requests into calls here
// and render the typed results and *Error values it returns.
package core

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"oauthd/models"
)

// Engine runs the OAuth rules over a store.
type Engine struct {
	store  models.Store
	opt    Options
	bearer *bearerCache // nil when off
	ping   atomic.Pointer[pingResult]
	obs    Observer
	limits *limiter
	// dummyHash is compared against when the email is unknown, so a wrong email costs as much
	// time as a wrong password: it has the configured cost, and response time does not reveal
	// which accounts exist.
	dummyHash []byte
	signers   sync.Map // kid -> jose.Signer of opened signing keys
	ledger    quirkLedger
}

// New builds an engine. The options come whole from the configuration (see config's defaults
// table): one without a meaning at its zero value is refused, never filled in here.
func New(store models.Store, opt Options) (*Engine, error) {
	if err := opt.check(); err != nil {
		return nil, fmt.Errorf("core: %w", err)
	}
	if opt.Clock == nil {
		opt.Clock = time.Now
	}
	if opt.OIDC.NewKey == nil {
		opt.OIDC.NewKey = GenerateKey
	}
	obs := opt.Observer
	if obs == nil {
		obs = nopObserver{}
	}
	if opt.Counters == nil {
		opt.Counters = newMemoryCounters(memoryCountersMax, opt.Clock)
	}
	return &Engine{store: store, opt: opt, bearer: newBearerCache(opt.BearerCacheTTL, opt.BearerCacheSize),
		limits: newLimiter(opt.LoginLimits, opt.Counters), dummyHash: newDummyHash(opt.BcryptCost), obs: obs}, nil
}

func (e *Engine) now() time.Time { return e.opt.Clock().UTC() }

// pingTTL is how long a health answer is reused: a load balancer polling /healthz, or a
// flood of it, costs one database round trip per second at most.
const pingTTL = time.Second

type pingResult struct {
	at  time.Time
	err error
}

// Ping reports whether the store answered, at most pingTTL ago.
func (e *Engine) Ping(ctx context.Context) error {
	if last := e.ping.Load(); last != nil && time.Since(last.at) < pingTTL {
		return last.err
	}
	err := e.store.Ping(ctx)
	e.ping.Store(&pingResult{at: time.Now(), err: err})
	return err
}

// lookup maps a store read: not found becomes notFound, anything else unavailable.
func lookup(err error, notFound *Error) *Error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, models.ErrNotFound):
		return notFound
	default:
		return unavailable(err)
	}
}

// stored maps a store write error to unavailable.
func stored(err error) error {
	if err == nil {
		return nil
	}
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return unavailable(err)
}

// revokeGrant revokes every token of a grant, in the database and in every cache.
func (e *Engine) revokeGrant(ctx context.Context, grantID string, now time.Time) error {
	if err := e.store.RevokeGrant(ctx, grantID, now.Unix()); err != nil {
		return unavailable(err)
	}
	e.revoked(ctx, Revocation{GrantID: grantID})
	return nil
}

// expiry returns now+ttl in Unix seconds, or 0 (never) for a zero ttl.
func expiry(now time.Time, ttl time.Duration) int64 {
	if ttl <= 0 {
		return 0
	}
	return now.Add(ttl).Unix()
}

// expired reports whether an expiry (0 = never) has passed at now.
func expired(expiresAt int64, now time.Time) bool {
	return expiresAt != 0 && now.Unix() >= expiresAt
}
