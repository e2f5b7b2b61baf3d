package frappe

import (
	"github.com/gofiber/fiber/v2"

	"oauthd/adapters/web"
	"oauthd/core"
)

// metadata answers /.well-known/openid-configuration, RFC 8414's
// /.well-known/oauth-authorization-server and Frappe's openid_configuration method with the
// Frappe endpoints.
func (h *handler) metadata(c *fiber.Ctx) error {
	iss := web.Issuer(c, h.opt.Issuer)
	web.CacheMetadata(c, h.opt.Issuer)
	return c.JSON(fiber.Map{
		"issuer":                                     iss,
		"authorization_endpoint":                     iss + oauthPrefix + "authorize",
		"token_endpoint":                             iss + oauthPrefix + "get_token",
		"userinfo_endpoint":                          iss + oauthPrefix + "openid_profile",
		"revocation_endpoint":                        iss + oauthPrefix + "revoke_token",
		"introspection_endpoint":                     iss + oauthPrefix + "introspect_token",
		"response_types_supported":                   []string{"code"},
		"response_modes_supported":                   []string{"query"},
		"grant_types_supported":                      []string{core.GrantAuthorizationCode, core.GrantRefreshToken, core.GrantClientCredentials},
		"token_endpoint_auth_methods_supported":      core.SupportedAuthMethods(),
		"revocation_endpoint_auth_methods_supported": core.SupportedAuthMethods(),
		"code_challenge_methods_supported":           []string{core.PKCES256},
		"scopes_supported":                           []string{"all", "openid"},
		"subject_types_supported":                    []string{"public"},
		"claims_supported":                           []string{"sub", "name", "given_name", "family_name", "email", "picture", "roles", "iss"},
	})
}
