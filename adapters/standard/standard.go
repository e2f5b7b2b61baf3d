// Package standard serves the endpoints that belong to no dialect: the JWKS, the protected
// resource metadata (RFC 9728), dynamic client registration (RFC 7591) and RP-initiated
// logout. Like the dialects it only parses and renders; the rules live in core.
package standard

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"oauthd/adapters"
	"oauthd/adapters/web"
	"oauthd/core"
)

// Options are the endpoints' settings.
type Options struct {
	Issuer       string // configured public base URL; "" : the request's own
	Registration RegistrationOptions
}

// RegistrationOptions are dynamic client registration's settings (config section registration):
// whether it is served, the token it may require, and the core's policy.
type RegistrationOptions struct {
	Enabled            bool
	InitialAccessToken string
	core.RegistrationPolicy
}

type handler struct {
	eng *core.Engine
	opt Options
}

// Register mounts the endpoints. Registration is mounted only when enabled, so that otherwise
// it is the server's plain 404.
func Register(app *fiber.App, eng *core.Engine, opt Options) {
	h := &handler{eng: eng, opt: opt}
	app.Get(adapters.JWKSPath, h.jwks)
	app.Get(adapters.ResourceMetadataPath, h.resourceMetadata)
	app.Get(adapters.EndSessionPath, h.endSession)
	app.Post(adapters.EndSessionPath, h.endSession)
	if opt.Registration.Enabled {
		app.Post(adapters.RegisterPath, h.registrationLimit, h.register)
		app.Post(adapters.FrappeRegisterPath, h.registrationLimit, h.register)
	}
}

// jwks is the public key set relying parties verify id_tokens with. It may be cached briefly:
// a relying party that meets an unknown kid fetches it again (go-oidc, oauth2-proxy do).
func (h *handler) jwks(c *fiber.Ctx) error {
	set, err := h.eng.JWKS(c.UserContext())
	if err != nil {
		return jsonError(c, core.AsError(err))
	}
	c.Set(fiber.HeaderCacheControl, "public, max-age=300")
	return c.JSON(set)
}

// resourceMetadata is RFC 9728's document for oauthd's own protected endpoints.
func (h *handler) resourceMetadata(c *fiber.Ctx) error {
	iss := web.Issuer(c, h.opt.Issuer)
	c.Set(fiber.HeaderCacheControl, "public, max-age=3600")
	return c.JSON(fiber.Map{
		"resource":                 iss,
		"authorization_servers":    []string{iss},
		"scopes_supported":         core.RegisteredScopes,
		"bearer_methods_supported": []string{"header", "body", "query"},
		"resource_name":            "oauthd",
	})
}

// ResourceMetadataChallenge adds RFC 9728's resource_metadata to every Bearer challenge of a
// 401 or 403, whichever endpoint wrote it, as the MCP authorization spec requires.
func ResourceMetadataChallenge(issuer string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		err := c.Next()
		if status := c.Response().StatusCode(); status != fiber.StatusUnauthorized && status != fiber.StatusForbidden {
			return err
		}
		challenge := c.GetRespHeader(fiber.HeaderWWWAuthenticate)
		if strings.HasPrefix(challenge, "Bearer") && !strings.Contains(challenge, "resource_metadata=") {
			meta := `resource_metadata="` + web.Issuer(c, issuer) + adapters.ResourceMetadataPath + `"`
			if strings.TrimSpace(challenge) == "Bearer" {
				challenge = "Bearer " + meta
			} else {
				challenge += ", " + meta
			}
			c.Set(fiber.HeaderWWWAuthenticate, challenge)
		}
		return err
	}
}

// jsonError answers in RFC 6749's error shape.
func jsonError(c *fiber.Ctx, e *core.Error) error {
	return jsonErrorStatus(c, e.Status(), e)
}

func jsonErrorStatus(c *fiber.Ctx, status int, e *core.Error) error {
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Status(status).JSON(fiber.Map{"error": e.Code, "error_description": e.Description})
}
