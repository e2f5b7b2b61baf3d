package routes

import (
	"fmt"

	"oauthd/adapters"
	"oauthd/adapters/frappe"
	"oauthd/adapters/odoo"
	"oauthd/adapters/standard"
	"oauthd/config"
	"oauthd/core"
)

// Dialects are the dialects served, in the order their routes are mounted and their roots
// matched. A new dialect is one folder under adapters/ and one line here.
func Dialects() []adapters.Dialect {
	return []adapters.Dialect{
		frappe.Dialect(),
		odoo.Dialect(),
	}
}

// healthPath is the load balancers' health check.
const healthPath = "/healthz"

// OwnRoots are the path roots of oauthd's own endpoints: every dialect's, the dialect-neutral
// ones and the health check.
func OwnRoots(dialects []adapters.Dialect) []string {
	roots := append(standard.Roots(), healthPath)
	for _, d := range dialects {
		roots = append(roots, d.Roots...)
	}
	return roots
}

// CheckProxies refuses a [[proxy]] prefix at or above one of oauthd's own roots, which it
// would hide behind the upstream. A prefix below one is the operator's choice (e.g.
// /api/method/myapp.api).
func CheckProxies(cfg *config.Config) error {
	roots := OwnRoots(Dialects())
	for i, p := range cfg.Proxies {
		for _, root := range roots {
			if adapters.Under(root, p.Prefix) {
				return fmt.Errorf("config: proxy[%d]: prefix: %q would hide oauthd's own %s endpoints", i, p.Prefix, root)
			}
		}
	}
	return nil
}

// dialectOf names the dialect a path belongs to, "none" for the dialect-neutral ones.
func dialectOf(dialects []adapters.Dialect, path string) string {
	for _, d := range dialects {
		if d.Serves(path) {
			return d.Name
		}
	}
	return "none"
}

// standardOptions are the dialect-neutral endpoints' settings from the configuration.
func standardOptions(cfg *config.Config) standard.Options {
	r := cfg.Registration
	return standard.Options{Issuer: cfg.Server.Issuer, Registration: standard.RegistrationOptions{
		Enabled: r.Enabled, InitialAccessToken: r.InitialAccessToken, RegistrationPolicy: core.RegistrationPolicy{
			AllowedRedirectHosts: r.AllowedRedirectHosts, MaxClients: r.MaxClients, UnusedClientTTL: r.UnusedClientTTL,
			RateLimit: r.RateLimit, RateWindow: r.RateWindow}}}
}
