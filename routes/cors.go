package routes

import (
	"slices"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/cors"

	"oauthd/adapters"
	"oauthd/adapters/proxy"
)

// wellKnownPaths are the metadata and key documents every dialect shares (JWKS included, for
// the signing keys served there; oauthd's protected-resource metadata, and each API's below it,
// which a browser MCP client reads before anything else).
var wellKnownPaths = []string{"/.well-known/openid-configuration", "/.well-known/oauth-authorization-server",
	"/.well-known/jwks.json", adapters.ResourceMetadataPath}

// corsPolicy answers cross-origin requests and preflights on the endpoints a browser app
// calls directly (token, revoke, introspect, userinfo, metadata, JWKS) for an origin listed in
// cors.allowed_origins or registered on any client. Other origins, other paths, and every
// request when nothing is configured get no CORS headers at all, so the browser refuses them.
// Credentials (cookies) are never allowed: these endpoints take a token or client credentials
// in headers or the body, which CORS does not need credentials mode for.
func corsPolicy(d adapters.Deps, dialects []adapters.Dialect) fiber.Handler {
	paths := map[string]bool{}
	for _, p := range wellKnownPaths {
		paths[p] = true
	}
	for _, dialect := range dialects {
		for _, p := range dialect.CORSPaths {
			paths[p] = true
		}
	}
	allowed := originPolicy(d)
	answer := cors.New(cors.Config{
		AllowOriginsFunc: func(string) bool { return true }, // allowed decided it before
		AllowMethods:     "GET,POST",
		AllowHeaders:     "Authorization,Content-Type,Accept",
		ExposeHeaders:    "WWW-Authenticate,Retry-After", // why a token was refused; when to try again
		MaxAge:           600,
	})
	return func(c *fiber.Ctx) error {
		origin := strings.ToLower(c.Get(fiber.HeaderOrigin))
		path := c.Path()
		listed := paths[path] || strings.HasPrefix(path, adapters.ResourceMetadataPath+"/")
		if origin == "" || !listed || !allowed(c, origin) {
			return c.Next()
		}
		return answer(c)
	}
}

// originPolicy is oauthd's one CORS rule, for its own endpoints and the built-in proxy's
// prefixes: an origin listed in cors.allowed_origins (or "*"), or registered on a client.
func originPolicy(d adapters.Deps) proxy.OriginPolicy {
	static := func() []string { return d.Config.CORS.AllowedOrigins }
	if d.Live != nil {
		static = d.Live.CORSOrigins // SIGHUP may change them
	}
	return func(c *fiber.Ctx, origin string) bool {
		if origins := static(); slices.Contains(origins, "*") || slices.Contains(origins, origin) {
			return true
		}
		ok, err := d.Engine.OriginAllowed(c.UserContext(), origin)
		return err == nil && ok // a store error refuses: the request itself will report it
	}
}
