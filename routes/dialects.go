package routes

import (
	"time"

	"oauthd/adapters/frappe"
	"oauthd/adapters/odoo"
	"oauthd/adapters/web"
	"oauthd/config"
)

// dialectOptions are the settings every dialect takes from the configuration.
func dialectOptions(cfg *config.Config, accessTTL time.Duration) web.DialectOptions {
	return web.DialectOptions{AccessTTL: accessTTL, Issuer: cfg.Server.Issuer, Cookies: web.Cookies(cfg.Login, cfg.Server.Issuer)}
}

// frappeOptions are the Frappe dialect's settings from the configuration.
func frappeOptions(cfg *config.Config) frappe.Options {
	return frappe.Options{DialectOptions: dialectOptions(cfg, cfg.Frappe.AccessTTL)}
}

// odooOptions are the Odoo dialect's settings from the configuration.
func odooOptions(cfg *config.Config) odoo.Options {
	return odoo.Options{DialectOptions: dialectOptions(cfg, cfg.Odoo.AccessTTL),
		ValidityFormat: cfg.Odoo.ValidityFormat, ServerVersion: cfg.Odoo.ServerVersion}
}
