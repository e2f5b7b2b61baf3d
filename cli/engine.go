package cli

import (
	"crypto/x509"
	"fmt"
	"os"
	"time"

	"oauthd/adapters/proxy"
	"oauthd/cimd"
	"oauthd/config"
	"oauthd/core"
	"oauthd/routes"
)

// EngineOptions are the core's settings from the configuration.
func EngineOptions(cfg *config.Config) core.Options {
	return core.Options{CodeTTL: cfg.OAuth.CodeTTL, RefreshTTL: cfg.OAuth.RefreshTTL,
		SkipAuthorization: cfg.OAuth.SkipAuthorization, PKCEMinVerifierLength: cfg.OAuth.PKCEMinVerifierLength,
		BcryptCost: cfg.OAuth.BcryptCost, SessionTTL: cfg.Login.SessionTTL, BearerCacheTTL: cfg.OAuth.BearerCacheTTL,
		RevokeAccessOnRefresh: cfg.OAuth.RevokeAccessOnRefresh, BearerCacheSize: cfg.OAuth.BearerCacheSize,
		RefreshReuseInterval: cfg.OAuth.RefreshReuseInterval,
		LoginLimits:          loginLimits(cfg.Login), MaxSessions: cfg.Login.MaxSessions,
		RevocationAuth: cfg.OAuth.RevocationAuth, IntrospectionAuth: cfg.OAuth.IntrospectionAuth,
		OIDC: core.OIDCOptions{IDTokenAlg: cfg.OAuth.IDTokenAlg, Resources: cfg.OAuth.Resources, Proxies: proxied(cfg),
			KeyRetention: keyRetention(cfg)}}
}

// keyRetention is how long a retired signing key stays published. An id_token lives as long as
// the access token beside it: a while longer than the longest any dialect issues.
func keyRetention(cfg *config.Config) time.Duration {
	var longest time.Duration
	for _, d := range routes.Dialects() {
		longest = max(longest, d.AccessTTL(cfg))
	}
	return longest + 5*time.Minute
}

// proxied lists the resources the built-in proxy guards.
func proxied(cfg *config.Config) []core.ProtectedResource {
	out := make([]core.ProtectedResource, 0, len(cfg.Proxies))
	for _, t := range cfg.Proxies {
		out = append(out, proxy.Resource(t))
	}
	return out
}

// clientDocuments is the fetcher of client ID metadata documents, nil when they are off.
func clientDocuments(c config.CIMD) (core.ClientDocuments, error) {
	if !c.Enabled {
		return nil, nil
	}
	opt := cimd.Options{AllowedHosts: c.AllowedHosts}
	if c.CAFile != "" {
		pem, err := os.ReadFile(c.CAFile)
		if err != nil {
			return nil, fmt.Errorf("config: cimd.ca_file: %w", err)
		}
		if opt.RootCAs, err = x509.SystemCertPool(); err != nil {
			opt.RootCAs = x509.NewCertPool()
		}
		if !opt.RootCAs.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("config: cimd.ca_file: %s holds no PEM certificate", c.CAFile)
		}
	}
	return cimd.New(opt), nil
}

// loginLimits are the core's login limits from the configuration.
func loginLimits(l config.Login) core.LoginLimits {
	return core.LoginLimits{MaxAttempts: l.MaxAttempts, AttemptWindow: l.AttemptWindow,
		MaxFailures: l.MaxFailures, FailureWindow: l.FailureWindow, MaxBackoff: l.MaxBackoff,
		HashSlots: l.MaxConcurrentHashes, HashWait: l.HashWait}
}
