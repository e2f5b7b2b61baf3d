package frappe

import (
	"github.com/gofiber/fiber/v2"

	"oauthd/adapters"
	"oauthd/adapters/ephemeral"
)

// endpoints lists the dialect's endpoints that faults can target, under both prefixes, each
// with the renderer its handler answers errors with.
func endpoints() []adapters.Endpoint {
	ep := adapters.EndpointMaker("frappe")
	out := []adapters.Endpoint{ep(loggedUserPath, ephemeral.EndpointBearer, renderBearer)}
	for _, prefix := range []string{oauthPrefix, legacyPrefix} {
		token := ep(prefix+"get_token", ephemeral.EndpointToken, renderRFC)
		token.GrantType = func(c *fiber.Ctx) string {
			p, _ := bodyParams(c)
			return p["grant_type"]
		}
		out = append(out, token,
			ep(prefix+"authorize", ephemeral.EndpointAuthorize, renderOAuth),
			ep(prefix+"revoke_token", ephemeral.EndpointRevoke, revokeFailed),
			ep(prefix+"introspect_token", ephemeral.EndpointIntrospect, renderRFC),
			ep(prefix+"openid_profile", ephemeral.EndpointBearer, renderBearer),
			ep(prefix+"test_resource", ephemeral.EndpointBearer, renderBearer))
	}
	return out
}
