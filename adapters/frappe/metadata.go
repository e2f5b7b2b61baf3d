package frappe

import (
	"github.com/gofiber/fiber/v2"

	"oauthd/adapters"
	"oauthd/adapters/web"
	"oauthd/core"
)

// metadata answers /.well-known/openid-configuration, RFC 8414's
// /.well-known/oauth-authorization-server and Frappe's openid_configuration method with the
// Frappe endpoints. It lists exactly what is served: registration_endpoint only when
// registration is on, client ID metadata documents as cimd.enabled says.
func (h *handler) metadata(c *fiber.Ctx) error {
	iss := web.Issuer(c, h.opt.Issuer)
	web.CacheMetadata(c, h.opt.Issuer)
	m := fiber.Map{
		"issuer":                                     iss,
		"authorization_endpoint":                     iss + oauthPrefix + "authorize",
		"token_endpoint":                             iss + oauthPrefix + "get_token",
		"userinfo_endpoint":                          iss + oauthPrefix + "openid_profile",
		"revocation_endpoint":                        iss + oauthPrefix + "revoke_token",
		"introspection_endpoint":                     iss + oauthPrefix + "introspect_token",
		"jwks_uri":                                   iss + adapters.JWKSPath,
		"end_session_endpoint":                       iss + adapters.EndSessionPath,
		"response_types_supported":                   core.ResponseTypes(),
		"response_modes_supported":                   []string{"query"},
		"grant_types_supported":                      core.GrantTypes(),
		"token_endpoint_auth_methods_supported":      core.SupportedAuthMethods(),
		"revocation_endpoint_auth_methods_supported": core.SupportedAuthMethods(),
		"code_challenge_methods_supported":           []string{core.PKCES256},
		"scopes_supported":                           core.RegisteredScopes,
		"subject_types_supported":                    []string{"public"},
		"id_token_signing_alg_values_supported":      []string{h.opt.IDTokenAlg, core.AlgHS256},
		"claims_supported": []string{"iss", "sub", "aud", "azp", "exp", "iat", "auth_time", "nonce", "at_hash", "sid",
			"name", "given_name", "family_name", "email", "picture", "roles"},
		"prompt_values_supported":                        []string{"none", "login", "consent"},
		"claims_parameter_supported":                     false,
		"request_parameter_supported":                    false,
		"authorization_response_iss_parameter_supported": true,
		"client_id_metadata_document_supported":          h.eng.AcceptsClientDocuments(),
	}
	if h.opt.RegistrationEnabled {
		m["registration_endpoint"] = iss + adapters.FrappeRegisterPath
	}
	return c.JSON(m)
}
