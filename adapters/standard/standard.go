// Package standard serves the endpoints that belong to no dialect: the JWKS, the protected
// resource metadata (RFC 9728), dynamic client registration (RFC 7591), RP-initiated logout
// and the landing page. Like the dialects it only parses and renders; the rules live in core.
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

// Roots are the path roots of the dialect-neutral endpoints, forward-auth's /oauth2/verify
// among them.
func Roots() []string { return []string{"/oauth2", "/.well-known"} }

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
	app.Get(adapters.ResourceMetadataPath+"/*", h.resourceMetadataAt)
	app.Get(adapters.EndSessionPath, h.endSession)
	app.Post(adapters.EndSessionPath, h.endSession)
	app.Get(adapters.HomePath, h.home)
	app.Post(adapters.HomePath, h.homeSubmit)
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
	doc := resourceDocument(iss, iss, core.RegisteredScopes, "header", "body", "query")
	doc["resource_name"] = "oauthd"
	return sendResourceDocument(c, doc)
}

// resourceMetadataAt is RFC 9728's document of one API that takes oauthd's tokens, a [[proxy]]
// table or an oauth.resources entry, at the path of its identifier (§3.1): resource is that
// identifier as configured, byte for byte (§3.3: clients compare it with the URL they
// used), and scopes_supported what its requests need. Others are 404.
func (h *handler) resourceMetadataAt(c *fiber.Ctx) error {
	iss := web.Issuer(c, h.opt.Issuer)
	path := strings.TrimPrefix(string(c.Request().URI().PathOriginal()), adapters.ResourceMetadataPath)
	r, ok := h.eng.ResourceAt(iss, path)
	if !ok {
		return c.Next()
	}
	return sendResourceDocument(c, resourceDocument(r.Identifier(iss), iss, r.Scopes, "header", "query"))
}

// resourceDocument is an RFC 9728 document; scopes_supported only when the resource asks for some.
func resourceDocument(resource, issuer string, scopes []string, methods ...string) fiber.Map {
	doc := fiber.Map{"resource": resource, "authorization_servers": []string{issuer},
		"bearer_methods_supported": methods}
	if len(scopes) > 0 {
		doc["scopes_supported"] = scopes
	}
	return doc
}

func sendResourceDocument(c *fiber.Ctx, doc fiber.Map) error {
	c.Set(fiber.HeaderCacheControl, "public, max-age=3600")
	return c.JSON(doc)
}

// ResourceMetadataChallenge completes every Bearer challenge of a 401 or 403 that names no
// resource metadata with the document of oauthd's own endpoints (RFC 9728's
// resource_metadata), whichever endpoint wrote it, as the MCP authorization spec requires.
func ResourceMetadataChallenge(issuer string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		err := c.Next()
		if adapters.Challenged(c) { // every request passes here: build the URL for refusals only
			adapters.CompleteChallenge(c, web.Issuer(c, issuer)+adapters.ResourceMetadataPath)
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
