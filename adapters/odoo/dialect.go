package odoo

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"oauthd/adapters"
	"oauthd/adapters/web"
	"oauthd/config"
	"oauthd/core"
)

// Dialect describes the Odoo module's dialect to what serves every dialect.
func Dialect() adapters.Dialect {
	return adapters.Dialect{Name: "odoo", Roots: []string{commonPath, "/web"}, APIRoot: "/restapi",
		AccessTTL: accessTTL, Register: func(app *fiber.App, eng *core.Engine, cfg *config.Config) {
			Register(app, eng, options(cfg))
		}, Failure: Failure, Endpoints: endpoints, CORSPaths: corsPaths()}
}

func accessTTL(cfg *config.Config) time.Duration { return cfg.Odoo.AccessTTL }

// options are the dialect's settings from the configuration.
func options(cfg *config.Config) Options {
	return Options{DialectOptions: web.NewDialectOptions(cfg, accessTTL(cfg)), ValidityFormat: cfg.Odoo.ValidityFormat,
		ServerVersion: cfg.Odoo.ServerVersion}
}
