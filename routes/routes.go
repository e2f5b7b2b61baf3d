// Package routes builds the Fiber application: middleware, health check, and the routes of
// every dialect.
package routes

import (
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/helmet"
	"github.com/gofiber/fiber/v2/middleware/recover"
	"github.com/gofiber/fiber/v2/middleware/requestid"

	"oauthd/adapters"
	"oauthd/adapters/frappe"
	"oauthd/adapters/odoo"
	"oauthd/adapters/standard"
)

// New returns the application with every route mounted.
func New(d adapters.Deps) *fiber.App {
	cfg := d.Config.Server
	app := fiber.New(withProxyStreaming(d, fiber.Config{
		AppName:               "oauthd",
		BodyLimit:             cfg.BodyLimit,
		ReadBufferSize:        cfg.HeaderLimit,
		ReadTimeout:           cfg.ReadTimeout,
		WriteTimeout:          cfg.WriteTimeout,
		IdleTimeout:           2 * time.Minute,
		DisableStartupMessage: true,
		ErrorHandler:          errorHandler,
		// X-Forwarded-Host/-Proto (Hostname, Protocol, BaseURL) are believed only from these
		// addresses; from anyone else they would let a request rewrite the issuer's URLs.
		EnableTrustedProxyCheck: true,
		TrustedProxies:          cfg.TrustedProxies,
	}))
	logger := d.Log
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	app.Use(access(logger, d.Observe))
	app.Use(recover.New(recover.Config{EnableStackTrace: false}))
	app.Use(ambiguousFraming)
	app.Use(requestid.New())
	app.Use(helmet.New(helmet.Config{
		XFrameOptions:         "DENY",
		ContentSecurityPolicy: "default-src 'none'; frame-ancestors 'none'",
		// same-origin, not no-referrer: under no-referrer browsers send "Origin: null" even on
		// same-origin form posts, and the login form checks Origin against login CSRF. Nothing
		// leaks to other sites either way.
		ReferrerPolicy: "same-origin",
	}))
	protectAPIs(app, d)
	app.Use(singleCredentials)
	app.Use(corsPolicy(d))
	app.Get("/healthz", health(d))
	frappe.Register(app, d.Engine, frappeOptions(d.Config))
	odoo.Register(app, d.Engine, odooOptions(d.Config))
	standard.Register(app, d.Engine, standardOptions(d.Config))
	app.Use(notFound)
	return app
}

// health answers from the engine's ping, which reaches the database at most once a second.
func health(d adapters.Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSON)
		if err := d.Engine.Ping(c.UserContext()); err != nil {
			return c.Status(fiber.StatusServiceUnavailable).Send(healthDown)
		}
		return c.Send(healthUp)
	}
}

var healthUp, healthDown = []byte(`{"status":"ok"}`), []byte(`{"status":"unavailable"}`)

func notFound(c *fiber.Ctx) error {
	return c.Status(fiber.StatusNotFound).JSON(fiber.Map{"error": "not_found", "message": "Not found"})
}

// errorHandler answers errors no handler rendered (body too large, a panic caught by recover)
// with JSON and never a stack trace; only 5xx are logged, without request data.
func errorHandler(c *fiber.Ctx, err error) error {
	code := fiber.StatusInternalServerError
	var fe *fiber.Error
	if errors.As(err, &fe) {
		code = fe.Code
	}
	if code >= 500 {
		slog.ErrorContext(c.UserContext(), "request failed", "route", routeTemplate(c), "status", code, "error", err.Error())
		return c.Status(code).JSON(fiber.Map{"error": "server_error", "message": "Internal error"})
	}
	return c.Status(code).JSON(fiber.Map{"error": "invalid_request", "error_description": http.StatusText(code),
		"message": http.StatusText(code)})
}
