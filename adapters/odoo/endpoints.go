package odoo

import (
	"github.com/gofiber/fiber/v2"

	"oauthd/adapters"
	"oauthd/adapters/ephemeral"
	"oauthd/core"
)

// endpoints lists the dialect's endpoints that faults can target, each with the renderer its
// handler answers errors with (the module's {"code","message"} shapes and messages).
func endpoints() []adapters.Endpoint {
	ep := adapters.EndpointMaker("odoo")
	token := ep(oauth2Path+"/access_token", ephemeral.EndpointToken,
		func(c *fiber.Ctx, e *core.Error) error { return tokenError(c, e, false) })
	token.GrantType = func(c *fiber.Ctx) string {
		if p, f := readParams(c); f == nil {
			return p.get("grant_type")
		}
		return ""
	}
	return []adapters.Endpoint{token,
		ep(oauth2Path+"/authorize", ephemeral.EndpointAuthorize, func(c *fiber.Ctx, e *core.Error) error {
			return renderOutcome(c, core.Outcome{Kind: core.OutcomeFail, Err: e}, true)
		}),
		ep(oauth2Path+"/revoke", ephemeral.EndpointRevoke,
			func(c *fiber.Ctx, e *core.Error) error { return revokeError(c, e, false) }),
		ep(oauth2Path+"/userinfo", ephemeral.EndpointBearer,
			func(c *fiber.Ctx, e *core.Error) error { return fail(c, bearerFailure(c, e)) }),
	}
}
