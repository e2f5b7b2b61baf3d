package frappe

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"oauthd/adapters"
	"oauthd/adapters/web"
	"oauthd/config"
	"oauthd/core"
)

// Dialect describes the Frappe dialect to what serves every dialect. Its roots include
// /.well-known, where it serves the discovery document.
func Dialect() adapters.Dialect {
	return adapters.Dialect{Name: "frappe", Roots: []string{"/api/method", "/login", "/.well-known"}, APIRoot: "/api",
		AccessTTL: accessTTL, Register: func(app *fiber.App, eng *core.Engine, cfg *config.Config) {
			Register(app, eng, options(cfg))
		}, Failure: Failure, Endpoints: endpoints, CORSPaths: corsPaths()}
}

func accessTTL(cfg *config.Config) time.Duration { return cfg.Frappe.AccessTTL }

// options are the dialect's settings from the configuration.
func options(cfg *config.Config) Options {
	return Options{DialectOptions: web.NewDialectOptions(cfg, accessTTL(cfg)), IDTokenAlg: cfg.OAuth.IDTokenAlg,
		RegistrationEnabled: cfg.Registration.Enabled}
}
