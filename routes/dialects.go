package routes

import (
	"time"

	"oauthd/adapters/frappe"
	"oauthd/adapters/odoo"
	"oauthd/adapters/standard"
	"oauthd/adapters/web"
	"oauthd/config"
	"oauthd/core"
)

// dialectOptions are the settings every dialect takes from the configuration.
func dialectOptions(cfg *config.Config, accessTTL time.Duration) web.DialectOptions {
	return web.DialectOptions{AccessTTL: accessTTL, Issuer: cfg.Server.Issuer, Cookies: web.Cookies(cfg.Login, cfg.Server.Issuer)}
}

// frappeOptions are the Frappe dialect's settings from the configuration.
func frappeOptions(cfg *config.Config) frappe.Options {
	return frappe.Options{DialectOptions: dialectOptions(cfg, cfg.Frappe.AccessTTL), IDTokenAlg: cfg.OAuth.IDTokenAlg,
		RegistrationEnabled: cfg.Registration.Enabled}
}

// odooOptions are the Odoo dialect's settings from the configuration.
func odooOptions(cfg *config.Config) odoo.Options {
	return odoo.Options{DialectOptions: dialectOptions(cfg, cfg.Odoo.AccessTTL),
		ValidityFormat: cfg.Odoo.ValidityFormat, ServerVersion: cfg.Odoo.ServerVersion}
}

// standardOptions are the dialect-neutral endpoints' settings from the configuration.
func standardOptions(cfg *config.Config) standard.Options {
	r := cfg.Registration
	return standard.Options{Issuer: cfg.Server.Issuer, Registration: standard.RegistrationOptions{
		Enabled: r.Enabled, InitialAccessToken: r.InitialAccessToken, RegistrationPolicy: core.RegistrationPolicy{
			AllowedRedirectHosts: r.AllowedRedirectHosts, MaxClients: r.MaxClients, UnusedClientTTL: r.UnusedClientTTL,
			RateLimit: r.RateLimit, RateWindow: r.RateWindow}}}
}
