package odoo

import (
	"context"

	"github.com/gofiber/fiber/v2"

	"oauthd/core"
	"oauthd/models"
)

// validityLayout is the documented access_token_validity form ('7/20/2017 12:00:05'), in UTC
// like the module's server clock.
const validityLayout = "1/2/2006 15:04:05"

var errUnsupportedGrant = &core.Error{Code: core.ErrUnsupportedGrantType, Reason: core.ReasonBadParameter,
	Description: "grant_type must be authorization_code, refresh_token or client_credentials."}

// accessToken is the token endpoint. Like the module it issues a token on client credentials
// alone when grant_type is absent (Nango's odoo-cc and FormData scripts rely on it); unlike
// the module it does so only for clients allowed client_credentials, as their owner user.
func (h *handler) accessToken(c *fiber.Ctx) error {
	p, f := readParams(c)
	if f != nil {
		return fail(c, f)
	}
	client, err := h.eng.AuthenticateClient(c.UserContext(), p.credentials())
	if err != nil {
		return tokenError(c, err, p.basic)
	}
	res, err := h.grant(c.UserContext(), client, p)
	if err != nil {
		return tokenError(c, err, p.basic)
	}
	body := map[string]any{"access_token": res.AccessToken, "token_type": "Bearer", "expires_in": res.ExpiresIn,
		"scope": res.Scope, "access_token_validity": h.validity(res, p.headerStyle)}
	if res.RefreshToken != "" {
		body["refresh_token"] = res.RefreshToken
	}
	return render(c, fiber.StatusOK, body)
}

// grant runs the requested grant in the core with this dialect's access token lifetime.
func (h *handler) grant(ctx context.Context, client *models.Client, p *params) (*core.TokenResult, error) {
	ttl := h.cfg.Odoo.AccessTTL
	switch p.get("grant_type") {
	case core.GrantAuthorizationCode:
		return h.eng.ExchangeCode(ctx, core.CodeExchange{Client: client, Code: p.get("code"),
			RedirectURI: p.redirectURI(), CodeVerifier: p.get("code_verifier"), AccessTTL: ttl})
	case core.GrantRefreshToken:
		return h.eng.Refresh(ctx, core.RefreshRequest{Client: client, RefreshToken: p.get("refresh_token"),
			Scope: p.get("scope"), AccessTTL: ttl})
	case core.GrantClientCredentials, "":
		return h.eng.ClientCredentials(ctx, core.ClientCredentialsRequest{Client: client, Scope: p.get("scope"),
			AccessTTL: ttl})
	}
	return nil, errUnsupportedGrant
}

// validity is access_token_validity: the documented date string for callers following the
// docs (header style), whole seconds (the module's wire form) for query/form callers, unless
// odoo.validity_format fixes one form.
func (h *handler) validity(res *core.TokenResult, headerStyle bool) any {
	switch h.cfg.Odoo.ValidityFormat {
	case "datetime":
		return res.ExpiresAt.UTC().Format(validityLayout)
	case "seconds":
		return res.ExpiresIn
	}
	if headerStyle {
		return res.ExpiresAt.UTC().Format(validityLayout)
	}
	return res.ExpiresIn
}

// tokenError renders a client-authentication or grant failure with the module's status and
// message, chosen by the core's reason.
func tokenError(c *fiber.Ctx, err error, basic bool) error {
	e := core.AsError(err)
	if e.Code == core.ErrInvalidClient && basic {
		c.Set(fiber.HeaderWWWAuthenticate, `Basic realm="oauthd"`) // RFC 6749 §5.2
	}
	return fail(c, tokenFailure(e))
}

func tokenFailure(e *core.Error) *failure {
	switch {
	case e.Reason == core.ReasonUnavailable:
		return unavailable(e)
	case e.Code == core.ErrInvalidClient:
		return moduleFailure(fiber.StatusUnauthorized, "Invalid Credentials.", e)
	case e.Reason == core.ReasonCodeUnknown:
		return moduleFailure(fiber.StatusUnauthorized, "Invalid Authentication Code.", e)
	case e.Reason == core.ReasonCodeUsed || e.Reason == core.ReasonCodeExpired:
		return moduleFailure(fiber.StatusBadRequest, "Authentication code expired", e)
	case e.Reason == core.ReasonRefreshInvalid || e.Reason == core.ReasonRefreshReused:
		return moduleFailure(fiber.StatusBadRequest, "Invalid Refresh Token.", e)
	}
	return moduleFailure(e.Status(), e.Description, e)
}
