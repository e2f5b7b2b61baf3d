package routes

import (
	"oauthd/adapters/frappe"
	"oauthd/adapters/odoo"
	"oauthd/adapters/web"
	"oauthd/config"
)

// frappeOptions are the Frappe dialect's settings from the configuration.
func frappeOptions(cfg *config.Config) frappe.Options {
	return frappe.Options{AccessTTL: cfg.Frappe.AccessTTL, Issuer: cfg.Server.Issuer, Cookies: web.Cookies(cfg.Login)}
}

// odooOptions are the Odoo dialect's settings from the configuration.
func odooOptions(cfg *config.Config) odoo.Options {
	return odoo.Options{AccessTTL: cfg.Odoo.AccessTTL, Issuer: cfg.Server.Issuer, Cookies: web.Cookies(cfg.Login),
		ValidityFormat: cfg.Odoo.ValidityFormat, ServerVersion: cfg.Odoo.ServerVersion}
}
