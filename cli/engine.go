package cli

import (
	"time"

	"oauthd/adapters/proxy"
	"oauthd/config"
	"oauthd/core"
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
			// An id_token lives as long as the access token beside it; a retired key stays
			// published a while longer than the longest of those.
			KeyRetention: max(cfg.Frappe.AccessTTL, cfg.Odoo.AccessTTL) + 5*time.Minute}}
}

// proxied lists the resources the built-in proxy guards.
func proxied(cfg *config.Config) []core.ProtectedResource {
	out := make([]core.ProtectedResource, 0, len(cfg.Proxies))
	for _, t := range cfg.Proxies {
		out = append(out, proxy.Resource(t))
	}
	return out
}

// loginLimits are the core's login limits from the configuration.
func loginLimits(l config.Login) core.LoginLimits {
	return core.LoginLimits{MaxAttempts: l.MaxAttempts, AttemptWindow: l.AttemptWindow,
		MaxFailures: l.MaxFailures, FailureWindow: l.FailureWindow, MaxBackoff: l.MaxBackoff,
		HashSlots: l.MaxConcurrentHashes, HashWait: l.HashWait}
}
