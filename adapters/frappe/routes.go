// Package frappe serves the Frappe dialect: the endpoints of Frappe's OAuth 2.0 provider under
// frappe.integrations.oauth2.* and their 2016 names under frappe.integration_broker.oauth2.*,
// Frappe's login API and login page, and the REST calls that take a bearer token. It only
// translates requests into core calls and core results into Frappe's shapes; every OAuth rule
// lives in core.
package frappe

import (
	"slices"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"oauthd/adapters"
	"oauthd/adapters/web"
	"oauthd/config"
	"oauthd/core"
)

// Path prefixes of the OAuth methods: today's module, and the one of seed 002 (Frappe renamed
// it in 2017 without an alias; clients written against the old docs still call it).
const (
	oauthPrefix  = "/api/method/frappe.integrations.oauth2."
	legacyPrefix = "/api/method/frappe.integration_broker.oauth2."
)

// loggedUserPath is the REST call the seed documents' clients prove a token with.
const loggedUserPath = "/api/method/frappe.auth.get_logged_user"

// Options are the dialect's settings. The discovery document it serves also describes the
// dialect-neutral endpoints, so it needs to know how those are configured.
type Options struct {
	web.DialectOptions
	IDTokenAlg          string // the server keys' algorithm, listed beside HS256
	RegistrationEnabled bool   // list registration_endpoint
}

type handler struct {
	eng *core.Engine
	opt Options
}

// Dialect describes the Frappe dialect to what serves every dialect. Its roots include
// /.well-known, where it serves the discovery document.
func Dialect() adapters.Dialect {
	return adapters.Dialect{Name: "frappe", Roots: []string{"/api/method", "/login", "/.well-known"}, APIRoot: "/api",
		AccessTTL: func(cfg *config.Config) time.Duration { return cfg.Frappe.AccessTTL },
		Register:  Register, Failure: Failure, Endpoints: endpoints, CORSPaths: corsPaths()}
}

// options are the dialect's settings from the configuration.
func options(cfg *config.Config) Options {
	return Options{DialectOptions: web.NewDialectOptions(cfg, cfg.Frappe.AccessTTL), IDTokenAlg: cfg.OAuth.IDTokenAlg,
		RegistrationEnabled: cfg.Registration.Enabled}
}

// Register mounts the dialect's routes with its settings from cfg.
func Register(app *fiber.App, eng *core.Engine, cfg *config.Config) {
	h := &handler{eng: eng, opt: options(cfg)}
	for _, prefix := range []string{oauthPrefix, legacyPrefix} {
		h.oauthRoutes(app, prefix)
	}
	login := web.LoginForm{Path: "/login", RedirectParam: "redirect-to", UserField: "usr", PassField: "pwd",
		Cookies: h.opt.Cookies, Continues: h.loginContinues}
	app.Get("/login", login.Show)
	app.Post("/login", login.Submit(h.eng))
	app.All("/api/method/login", only(h.login, methodNotAllowed, fiber.MethodGet, fiber.MethodPost))
	app.All("/api/method/logout", only(h.logout, methodNotAllowed, fiber.MethodGet, fiber.MethodPost))
	app.All(loggedUserPath,
		only(h.loggedUser, methodNotAllowed, fiber.MethodGet, fiber.MethodPost))
	app.Get("/.well-known/openid-configuration", h.metadata)
	app.Get("/.well-known/oauth-authorization-server", h.metadata)
}

// oauthRoutes mounts the OAuth methods under one prefix. The consent page of an authorize
// request posts to the approve of the same prefix.
func (h *handler) oauthRoutes(app *fiber.App, prefix string) {
	get, post := fiber.MethodGet, fiber.MethodPost
	app.All(prefix+"authorize", only(h.authorize(prefix), methodNotAllowed, get, post))
	app.All(prefix+"approve", only(h.approve, methodNotAllowed, post))
	app.All(prefix+"get_token", only(h.token, tokenMethodNotAllowed, post))
	app.All(prefix+"revoke_token", only(h.revoke, revokeBadRequest, post))
	app.All(prefix+"openid_profile", only(h.userinfo, methodNotAllowed, get, post))
	app.All(prefix+"introspect_token", only(h.introspect, methodNotAllowed, get, post))
	app.All(prefix+"test_resource", only(h.testResource, methodNotAllowed, get, post))
	// Frappe v13.3 to v15 serve the metadata here (and redirect the well-known path to it).
	app.All(prefix+"openid_configuration", only(h.metadata, methodNotAllowed, get, post))
}

// only runs handle for the listed methods and reject for any other, so that each endpoint
// answers a wrong method in its own shape rather than with the generic 404.
func only(handle, reject fiber.Handler, methods ...string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if slices.Contains(methods, c.Method()) {
			return handle(c)
		}
		c.Set(fiber.HeaderAllow, strings.Join(methods, ", "))
		return reject(c)
	}
}

// corsPaths are the dialect's methods that browsers may call cross-origin when CORS is
// configured: token, revocation, introspection, userinfo and metadata, under both prefixes.
func corsPaths() []string {
	var paths []string
	for _, prefix := range []string{oauthPrefix, legacyPrefix} {
		for _, m := range []string{"get_token", "revoke_token", "introspect_token", "openid_profile", "openid_configuration"} {
			paths = append(paths, prefix+m)
		}
	}
	return paths
}
