// Package odoo speaks the dialect of the Odoo "restapi" module (/restapi/1.0/common/oauth2/*)
// and Odoo's own login entry points. It accepts both parameter styles real clients use (the
// documented `Authorization: OAuth k='v'` header and the module's query/form parameters),
// turns them into core calls and renders the results in the module's shapes. Users, clients
// and the browser session are the same as the Frappe dialect's.
package odoo

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"oauthd/adapters"
	"oauthd/adapters/web"
	"oauthd/config"
	"oauthd/core"
)

// Paths of the dialect.
const (
	loginPath    = "/web/login"
	commonPath   = "/restapi/1.0/common"
	oauth2Path   = commonPath + "/oauth2"
	approvePath  = oauth2Path + "/approve"
	loginParam   = "redirect"
	sessionRoute = "/web/session/authenticate"
)

// Options are the dialect's settings.
type Options struct {
	web.DialectOptions
	// ValidityFormat fixes access_token_validity to "datetime" or "seconds"; "auto" chooses by the
	// request's style.
	ValidityFormat string
	ServerVersion  string // what /restapi/1.0/common/version reports
}

// handler holds what every endpoint of the dialect needs.
type handler struct {
	eng *core.Engine
	opt Options
}

// Dialect describes the Odoo module's dialect to what serves every dialect.
func Dialect() adapters.Dialect {
	return adapters.Dialect{Name: "odoo", Roots: []string{commonPath, "/web"}, APIRoot: "/restapi",
		AccessTTL: func(cfg *config.Config) time.Duration { return cfg.Odoo.AccessTTL },
		Register:  Register, Failure: Failure, Endpoints: endpoints, CORSPaths: corsPaths()}
}

// options are the dialect's settings from the configuration.
func options(cfg *config.Config) Options {
	return Options{DialectOptions: web.NewDialectOptions(cfg, cfg.Odoo.AccessTTL), ValidityFormat: cfg.Odoo.ValidityFormat,
		ServerVersion: cfg.Odoo.ServerVersion}
}

// Register mounts the dialect's routes with its settings from cfg.
func Register(app *fiber.App, eng *core.Engine, cfg *config.Config) {
	h := &handler{eng: eng, opt: options(cfg)}
	login := web.LoginForm{Path: loginPath, RedirectParam: loginParam, UserField: "login", PassField: "password",
		Cookies: h.opt.Cookies, Continues: h.loginContinues}
	app.Get(loginPath, login.Show)
	app.Post(loginPath, login.Submit(h.eng))
	app.Post(sessionRoute, h.authenticate)
	app.Post(destroyRoute, h.destroy)
	app.Get(logoutRoute, h.logout)
	app.Post(logoutRoute, h.logout)

	app.Get(commonPath+"/version", h.version)
	app.Get(oauth2Path+"/authorize", h.authorize)
	app.All(approvePath, postOnly(h.approve))
	app.All(oauth2Path+"/access_token", postOnly(h.accessToken))
	app.All(oauth2Path+"/revoke", postOnly(h.revoke))
	// userinfo answers POST too: RFC 6750 §2.2 lets the token come in a form body.
	app.Get(oauth2Path+"/userinfo", h.userinfo)
	app.Post(oauth2Path+"/userinfo", h.userinfo)
}

// postOnly answers any other method with 405 in the module's shape. The module took token
// requests by any method, but a GET puts the client secret and the code in URLs and logs, and
// RFC 6749 §3.2 requires POST.
func postOnly(next fiber.Handler) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if c.Method() == fiber.MethodPost {
			return next(c)
		}
		c.Set(fiber.HeaderAllow, fiber.MethodPost)
		return fail(c, &failure{status: fiber.StatusMethodNotAllowed, message: "Method Not Allowed: use POST.",
			oauthCode: core.ErrInvalidRequest, description: "This endpoint accepts only POST."})
	}
}

// corsPaths are the dialect's endpoints that browsers may call cross-origin when CORS is
// configured: token, revocation and userinfo.
func corsPaths() []string {
	return []string{oauth2Path + "/access_token", oauth2Path + "/revoke", oauth2Path + "/userinfo"}
}
