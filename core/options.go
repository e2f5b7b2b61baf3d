package core

import (
	"crypto"
	"errors"
	"fmt"
	"slices"
	"time"

	"oauthd/models"

	"golang.org/x/crypto/bcrypt"
)

// Options are the protocol settings the engine enforces. Each comes from the configuration
// key named beside it; a zero value is either the meaning written there or refused by New.
type Options struct {
	CodeTTL    time.Duration // oauth.code_ttl
	RefreshTTL time.Duration // oauth.refresh_ttl; 0: refresh tokens do not expire on their own
	// RefreshReuseInterval > 0: a rotated refresh token presented again within this long of its
	// rotation gets the same new pair instead of revoking the grant (a retry, not a theft).
	RefreshReuseInterval  time.Duration // oauth.refresh_reuse_interval; 0: always revoke
	SkipAuthorization     string        // oauth.skip_authorization: "force" or "auto"
	PKCEMinVerifierLength int           // oauth.pkce_min_verifier_length: 1 to 128
	BcryptCost            int           // oauth.bcrypt_cost: 4 to 31
	SessionTTL            time.Duration // login.session_ttl
	// BearerCacheTTL > 0 caches bearer checks in process for that long, at most
	// BearerCacheSize entries; see bearerCache for how it stays safe. 0: off.
	BearerCacheTTL  time.Duration // oauth.bearer_cache_ttl
	BearerCacheSize int           // oauth.bearer_cache_size
	// Bus, when set, tells other instances of revocations at once (see RevocationBus).
	Bus RevocationBus
	// RevokeAccessOnRefresh makes a rotating refresh also revoke the grant's earlier access
	// tokens. Off: workers sharing one grant keep their live access tokens.
	RevokeAccessOnRefresh bool // oauth.revoke_access_on_refresh
	// LoginLimits bound password guessing and hashing (login.*).
	LoginLimits LoginLimits
	// Counters hold the login and registration limiters' counts; nil keeps them in this
	// process, which is right for one instance. Several instances share one store (Redis) so
	// that an attacker cannot multiply the budget by the number of instances.
	Counters models.Counters
	// MaxSessions caps a user's live browser sessions; a new login past it ends the oldest.
	MaxSessions int // login.max_sessions
	// RevocationAuth and IntrospectionAuth are TokenAuthPossession, TokenAuthClient or
	// AuthNone (oauth.revocation_auth, oauth.introspection_auth; see Revoke and Introspect).
	RevocationAuth    string
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
	// IDTokenAlg is the algorithm of the server's signing keys: RS256 or ES256
	// (oauth.id_token_alg).
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

// check refuses the options whose zero value (or any other) has no meaning. The configuration
// refuses the same values first, naming its keys; this is the contract for every other caller.
func (o *Options) check() error {
	var errs []error
	need := func(ok bool, what string) {
		if !ok {
			errs = append(errs, errors.New(what))
		}
	}
	need(o.CodeTTL > 0, "CodeTTL must be positive")
	need(o.RefreshTTL >= 0 && o.RefreshReuseInterval >= 0, "RefreshTTL and RefreshReuseInterval must not be negative")
	need(slices.Contains([]string{"force", "auto"}, o.SkipAuthorization), "SkipAuthorization must be force or auto")
	need(o.PKCEMinVerifierLength >= 1 && o.PKCEMinVerifierLength <= 128, "PKCEMinVerifierLength must be 1 to 128")
	need(o.BcryptCost >= bcrypt.MinCost && o.BcryptCost <= bcrypt.MaxCost,
		fmt.Sprintf("BcryptCost must be %d to %d", bcrypt.MinCost, bcrypt.MaxCost))
	need(o.SessionTTL > 0, "SessionTTL must be positive")
	need(o.MaxSessions > 0, "MaxSessions must be positive")
	need(o.BearerCacheTTL >= 0 && (o.BearerCacheTTL == 0 || o.BearerCacheSize > 0),
		"BearerCacheSize must be positive when BearerCacheTTL is")
	need(slices.Contains(tokenAuthPolicies, o.RevocationAuth), "RevocationAuth must be possession, client or none")
	need(slices.Contains(tokenAuthPolicies, o.IntrospectionAuth), "IntrospectionAuth must be possession, client or none")
	need(o.OIDC.IDTokenAlg == AlgRS256 || o.OIDC.IDTokenAlg == AlgES256, "OIDC.IDTokenAlg must be RS256 or ES256")
	need(o.OIDC.KeyRetention > 0, "OIDC.KeyRetention must be positive")
	errs = append(errs, o.LoginLimits.check())
	return errors.Join(errs...)
}
