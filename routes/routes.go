// Package routes builds the Fiber application: middleware, health check, and the routes of
// every dialect.
package routes

import (
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/recover"

	"oauthd/adapters"
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
	dialects := Dialects()
	app.Use(access(logger, d.Observe, dialects))
	app.Use(recover.New(recover.Config{EnableStackTrace: false}))
	app.Use(ambiguousFraming)
	if len(d.Config.Proxies) == 0 {
		// A health probe is no page (no browser renders it), so it skips the security headers
		// (twelve of them, which its client would read on every poll). With [[proxy]] tables
		// it must wait for the proxy's handling of the request body, which comes after them
		// (see protectAPIs), and carries them.
		app.Get(healthPath, health(d))
	}
	app.Use(secure)
	protectAPIs(app, d, dialects)
	app.Use(singleCredentials)
	app.Use(corsPolicy(d, dialects))
	if d.Ephemeral != nil { // after CORS, so that a browser app can read an injected failure
		app.Use(faults(d.Ephemeral.Faults, dialects))
	}
	for _, dialect := range dialects {
		dialect.Register(app, d.Engine, d.Config)
	}
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
