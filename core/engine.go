// Package core holds every OAuth rule of oauthd: client authentication, authorization and
// consent, codes, PKCE, token issuance, refresh rotation, revocation, introspection and bearer
// checks. It knows nothing of HTTP or of any dialect; adapters turn requests into calls here
// and render the typed results and *Error values it returns.
package core

import (
	"context"
	"crypto"
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"oauthd/models"
)

// Options are the protocol settings the engine enforces.
type Options struct {
	CodeTTL    time.Duration
	RefreshTTL time.Duration // 0: refresh tokens do not expire on their own
	// RefreshReuseInterval > 0: a rotated refresh token presented again within this long of its
	// rotation gets the same new pair instead of revoking the grant (a retry, not a theft).
	RefreshReuseInterval  time.Duration
	SkipAuthorization     string // "force" or "auto"
	PKCEMinVerifierLength int
	BcryptCost            int
	SessionTTL            time.Duration
	// BearerCacheTTL > 0 caches bearer checks in process for that long, at most
	// BearerCacheSize entries (0: bearerCacheMax); see bearerCache for how it stays safe.
	BearerCacheTTL  time.Duration
	BearerCacheSize int
	// Bus, when set, tells other instances of revocations at once (see RevocationBus).
	Bus RevocationBus
	// RevokeAccessOnRefresh makes a rotating refresh also revoke the grant's earlier access
	// tokens. Off by default: workers sharing one grant keep their live access tokens.
	RevokeAccessOnRefresh bool
	// LoginLimits bound password guessing and hashing; zero fields get config.toml's defaults.
	LoginLimits LoginLimits
	// Counters hold the login limiter's counts; nil keeps them in this process, which is
	// right for one instance. Several instances share one store (Redis) so that an attacker
	// cannot multiply the budget by the number of instances.
	Counters Counters
	// MaxSessions caps a user's live browser sessions; a new login past it ends the oldest
	// (0: 10).
	MaxSessions int
	// RevocationAuth is "client" (RFC 7009: the caller identifies its client and revokes only
	// its own tokens) or "none" (Frappe: any holder of a token may revoke it). "" is "client".
	RevocationAuth string
	// IntrospectionAuth is "client" (RFC 7662: the caller authenticates) or "none" (Frappe:
	// anyone may introspect any token, also by GET). "" is "client".
	IntrospectionAuth string
	// Clock returns the current time; tests move it. Nil means time.Now.
	Clock func() time.Time
	// Observer is told about tokens, logins and cache use (metrics); nil: nobody.
	Observer Observer
	OIDC     OIDCOptions
	// Documents fetches client ID metadata documents; nil: an https client_id is not looked
	// up (cimd.enabled off).
	Documents ClientDocuments
}

// OIDCOptions are the OpenID Connect and resource settings.
type OIDCOptions struct {
	// Sealer encrypts signing keys and HS256 client secrets; nil when keys.encryption_secret
	// is not set (id_tokens then cannot be signed).
	Sealer *Sealer
	// IDTokenAlg is the algorithm of the server's signing keys: RS256 (default) or ES256.
	IDTokenAlg string
	// KeyRetention is how long a retired key stays in the JWKS: longer than any id_token lives.
	KeyRetention time.Duration
	// Resources are the RFC 8707 resource indicators served (oauth.resources); empty means
	// the issuer.
	Resources []string
	// NewKey makes the key pair of a new signing key; nil is GenerateKey. serve --ephemeral
	// hands over one it began as soon as the configuration was read, so that RSA's prime
	// search overlaps the rest of the start-up.
	NewKey func(alg string) (crypto.Signer, error)
	// Proxies are the APIs the built-in proxy guards, also served as resources.
	Proxies []ProtectedResource
}

// Engine runs the OAuth rules over a store.
type Engine struct {
	store  *models.Store
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

// New builds an engine; zero options get safe defaults.
func New(store *models.Store, opt Options) *Engine {
	if opt.Clock == nil {
		opt.Clock = time.Now
	}
	if opt.CodeTTL <= 0 {
		opt.CodeTTL = 10 * time.Minute
	}
	if opt.PKCEMinVerifierLength <= 0 {
		opt.PKCEMinVerifierLength = 43
	}
	if opt.BcryptCost == 0 {
		opt.BcryptCost = 12
	}
	if opt.SessionTTL <= 0 {
		opt.SessionTTL = 7 * 24 * time.Hour
	}
	if opt.OIDC.IDTokenAlg == "" {
		opt.OIDC.IDTokenAlg = AlgRS256
	}
	if opt.OIDC.NewKey == nil {
		opt.OIDC.NewKey = GenerateKey
	}
	if opt.OIDC.KeyRetention <= 0 {
		opt.OIDC.KeyRetention = 24 * time.Hour
	}
	obs := opt.Observer
	if obs == nil {
		obs = nopObserver{}
	}
	if opt.MaxSessions <= 0 {
		opt.MaxSessions = 10
	}
	if opt.Counters == nil {
		opt.Counters = NewMemoryCounters(0, opt.Clock)
	}
	return &Engine{store: store, opt: opt, bearer: newBearerCache(opt.BearerCacheTTL, opt.BearerCacheSize),
		limits: newLimiter(opt.LoginLimits, opt.Counters), dummyHash: newDummyHash(opt.BcryptCost), obs: obs}
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
