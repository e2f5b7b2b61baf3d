// Package admin serves the admin API (JSON under /admin/v1/) and a small server-rendered admin
// page (/) on a listener of its own. Every API request carries an admin token
// (`Authorization: Bearer …`), the page a cookie holding a sign-in made with one; every handler
// calls the same core functions as the CLI, so validation and errors are the same.
package admin

import (
	_ "embed"
	"encoding/json"
	"errors"
	"log/slog"
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/helmet"
	"github.com/gofiber/fiber/v2/middleware/recover"

	"oauthd/adapters"
	"oauthd/adapters/ephemeral"
	"oauthd/core"
)

// Prefix is where the API lives.
const Prefix = "/admin/v1"

//go:embed openapi.json
var openAPI []byte

type handler struct {
	eng *core.Engine
	log *slog.Logger
	kit *ephemeral.Kit // the test clock and faults of serve --ephemeral; nil otherwise
}

// New returns the admin application; kit, when not nil, adds the test clock and the faults.
func New(eng *core.Engine, log *slog.Logger, kit *ephemeral.Kit) *fiber.App {
	h := &handler{eng: eng, log: log, kit: kit}
	app := fiber.New(fiber.Config{AppName: "oauthd admin", DisableStartupMessage: true, ErrorHandler: h.fiberError,
		BodyLimit: 64 << 10})
	app.Use(recover.New())
	app.Use(helmet.New(helmet.Config{XFrameOptions: "DENY",
		ContentSecurityPolicy: "default-src 'none'; frame-ancestors 'none'", ReferrerPolicy: "same-origin"}))
	app.Get(Prefix+"/openapi.json", func(c *fiber.Ctx) error {
		c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSON)
		return c.Send(openAPI)
	})
	api := app.Group(Prefix, h.authenticate)
	h.clientRoutes(api)
	h.userRoutes(api)
	h.keyRoutes(api)
	h.ephemeralRoutes(api)
	api.Use(func(c *fiber.Ctx) error { return fail(c, fiber.StatusNotFound, "not_found", "No such endpoint.") })
	h.pageRoutes(app)
	app.Use(func(c *fiber.Ctx) error { return fail(c, fiber.StatusNotFound, "not_found", "Not found.") })
	return app
}

// adminRealm names the admin API's protection space in its challenges.
const adminRealm = "oauthd admin"

// authenticate requires a valid admin token.
func (h *handler) authenticate(c *fiber.Ctx) error {
	token, ok := strings.CutPrefix(c.Get(fiber.HeaderAuthorization), "Bearer ")
	if !ok {
		adapters.SetChallenge(c, adapters.BearerChallenge{Realm: adminRealm})
		return fail(c, fiber.StatusUnauthorized, "unauthorized", "An admin token is required.")
	}
	t, err := h.eng.AuthenticateAdmin(c.UserContext(), strings.TrimSpace(token))
	if err != nil {
		return h.failErr(c, err)
	}
	h.log.Debug("admin request", "admin_token", t.Name, "method", c.Method(), "route", c.Route().Path)
	return c.Next()
}

// fail writes an error body.
func fail(c *fiber.Ctx, status int, code, message string) error {
	return c.Status(status).JSON(fiber.Map{"error": code, "message": message})
}

// failErr maps a core error: bad input 400, unknown 404, bad token 401, anything else 503.
func (h *handler) failErr(c *fiber.Ctx, err error) error {
	switch {
	case errors.Is(err, core.ErrAdminAuth):
		adapters.SetChallenge(c, adapters.BearerChallenge{Realm: adminRealm, Error: core.ErrInvalidToken})
		return fail(c, fiber.StatusUnauthorized, "unauthorized", "Invalid admin token.")
	case errors.Is(err, core.ErrUnknown):
		return fail(c, fiber.StatusNotFound, "not_found", core.Message(err))
	case errors.Is(err, core.ErrInvalidInput):
		return fail(c, fiber.StatusBadRequest, "invalid_input", core.Message(err))
	default:
		h.log.Error("admin request failed", "route", c.Route().Path, "error", err.Error())
		return fail(c, fiber.StatusServiceUnavailable, "unavailable", "The server cannot answer now; try again.")
	}
}

func (h *handler) fiberError(c *fiber.Ctx, err error) error {
	var fe *fiber.Error
	if errors.As(err, &fe) && fe.Code < 500 {
		return fail(c, fe.Code, "invalid_input", fe.Message)
	}
	h.log.Error("admin request failed", "error", err.Error())
	return fail(c, fiber.StatusInternalServerError, "server_error", "Internal error.")
}

// decode reads a JSON body strictly: unknown fields are mistakes, not extensions.
func decode(c *fiber.Ctx, v any) error {
	if !strings.HasPrefix(c.Get(fiber.HeaderContentType), fiber.MIMEApplicationJSON) {
		return errBody("the body must be application/json")
	}
	dec := json.NewDecoder(strings.NewReader(string(c.Body())))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return errBody("invalid JSON body: " + err.Error())
	}
	return nil
}

type errBody string

func (e errBody) Error() string { return string(e) }
func (e errBody) Unwrap() error { return core.ErrInvalidInput }

// param is a path parameter, percent-decoded (an email may arrive as ann%40example.com).
func param(c *fiber.Ctx, name string) string {
	v := c.Params(name)
	if s, err := url.PathUnescape(v); err == nil {
		return s
	}
	return v
}
