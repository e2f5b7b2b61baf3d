package proxy

import (
	"strings"

	"github.com/gofiber/fiber/v2"
)

// OriginPolicy says whether a browser origin (lower-case, as browsers send it) may call oauthd
// cross-origin: the rule of cors.allowed_origins and the origins registered on clients, which
// the routes own.
type OriginPolicy func(c *fiber.Ctx, origin string) bool

// preflightMethods are what a proxied API may be called with; which of them a path accepts is
// the upstream's business, and every one still needs a valid token.
const preflightMethods = "GET,HEAD,POST,PUT,PATCH,DELETE"

// preflight reports whether a request is a browser's CORS preflight (Fetch §3.2.2): OPTIONS
// with Origin and Access-Control-Request-Method. Browsers never send credentials with one.
func preflight(c *fiber.Ctx) bool {
	return c.Method() == fiber.MethodOptions && c.Get(fiber.HeaderOrigin) != "" &&
		c.Get(fiber.HeaderAccessControlRequestMethod) != ""
}

// answerPreflight answers a preflight itself, without a token and without the upstream: 204,
// with the CORS grant for an allowed origin and none for any other (the browser then refuses
// the request it asked about). The requested headers are granted as asked: the credential that
// matters is the bearer token every actual request must still carry, and cookies are never
// allowed.
func answerPreflight(c *fiber.Ctx, allow OriginPolicy) error {
	c.Vary(fiber.HeaderOrigin, fiber.HeaderAccessControlRequestMethod, fiber.HeaderAccessControlRequestHeaders)
	if origin := c.Get(fiber.HeaderOrigin); allow(c, strings.ToLower(origin)) {
		c.Set(fiber.HeaderAccessControlAllowOrigin, origin)
		c.Set(fiber.HeaderAccessControlAllowMethods, preflightMethods)
		if h := c.Get(fiber.HeaderAccessControlRequestHeaders); h != "" {
			c.Set(fiber.HeaderAccessControlAllowHeaders, h)
		}
		c.Set(fiber.HeaderAccessControlMaxAge, "600")
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// grantCORS makes oauthd's CORS rule the one on a cross-origin answer under the prefix, the
// upstream's or a refusal: the upstream's own grant is replaced, an allowed origin gets
// Access-Control-Allow-Origin, and WWW-Authenticate is readable besides the headers the
// upstream exposes (a page must see why its token was refused).
func grantCORS(c *fiber.Ctx, origin string, allow OriginPolicy) {
	if origin == "" {
		return
	}
	h := &c.Response().Header
	for _, k := range []string{fiber.HeaderAccessControlAllowOrigin, fiber.HeaderAccessControlAllowCredentials,
		fiber.HeaderAccessControlAllowMethods, fiber.HeaderAccessControlAllowHeaders, fiber.HeaderAccessControlMaxAge} {
		h.Del(k)
	}
	c.Vary(fiber.HeaderOrigin)
	exposed := string(h.Peek(fiber.HeaderAccessControlExposeHeaders))
	if !allow(c, strings.ToLower(origin)) {
		h.Del(fiber.HeaderAccessControlExposeHeaders)
		return
	}
	h.Set(fiber.HeaderAccessControlAllowOrigin, origin)
	if exposed == "" {
		h.Set(fiber.HeaderAccessControlExposeHeaders, fiber.HeaderWWWAuthenticate)
	} else if !strings.Contains(strings.ToLower(exposed), "www-authenticate") {
		h.Set(fiber.HeaderAccessControlExposeHeaders, exposed+", "+fiber.HeaderWWWAuthenticate)
	}
}
