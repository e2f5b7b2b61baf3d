package odoo

import (
	"github.com/gofiber/fiber/v2"

	"oauthd/adapters"
	"oauthd/adapters/web"
	"oauthd/core"
)

// validityLayout is the documented access_token_validity form ('7/20/2017 12:00:05'), in UTC
// like the module's server clock.
const validityLayout = "1/2/2006 15:04:05"

// accessToken is the token endpoint. A request without grant_type is the module's owner
// token (no_grant_type: Nango's odoo-cc and FormData scripts rely on it), which the core
// serves as client_credentials, to clients allowed that grant. Scopes the client was not
// registered for are narrowed away, as the module ignored scope.
func (h *handler) accessToken(c *fiber.Ctx) error {
	p, f := readParams(c)
	if f != nil {
		return fail(c, f)
	}
	used := p.quirks
	if p.get("grant_type") == "" {
		used |= core.QuirkNoGrantType
	}
	res, err := h.eng.Token(c.UserContext(), core.TokenRequest{GrantType: p.get("grant_type"), Credentials: p.credentials(),
		Code: p.get("code"), RedirectURI: p.redirectURI(), CodeVerifier: p.get("code_verifier"),
		RefreshToken: p.get("refresh_token"), Scope: p.get("scope"), AccessTTL: h.opt.AccessTTL,
		ScopePolicy: core.ScopeNarrow, Issuer: web.Issuer(c, h.opt.Issuer), Resource: p.get("resource"),
		Username: p.get("username"), Password: p.get("password"), Address: web.LoginAddress(c, p.get("username")),
		Quirks: used})
	if err != nil {
		return tokenError(c, err, p.basic)
	}
	body := map[string]any{"access_token": res.AccessToken, "token_type": "Bearer", "expires_in": res.ExpiresIn,
		"scope": res.Scope, "access_token_validity": h.validity(res, p.headerStyle)}
	if res.RefreshToken != "" {
		body["refresh_token"] = res.RefreshToken
	}
	if res.IDToken != "" {
		body["id_token"] = res.IDToken
	}
	return render(c, fiber.StatusOK, body)
}

// validity is access_token_validity: the documented date string for callers following the
// docs (header style), whole seconds (the module's wire form) for query/form callers, unless
// odoo.validity_format fixes one form.
func (h *handler) validity(res *core.TokenResult, headerStyle bool) any {
	switch h.opt.ValidityFormat {
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
		c.Set(fiber.HeaderWWWAuthenticate, adapters.BasicChallenge) // RFC 6749 §5.2
	}
	return fail(c, tokenFailure(e))
}

// tokenFailure words a token-endpoint error as the module did. The module found codes among
// the calling client's own, so a missing code or another client's is its unknown code.
// Refusals the module never made (redirect_uri at this step, a grant the client may not use,
// an unknown grant type) take the module's nearest message; error_description keeps oauthd's
// detail.
func tokenFailure(e *core.Error) *failure {
	switch {
	case e.Unavailable():
		return unavailable(e)
	case e.Code == core.ErrInvalidClient:
		return moduleFailure(fiber.StatusUnauthorized, "Invalid Credentials.", e)
	case e.Reason == core.ReasonCodeUnknown || e.Reason == core.ReasonCodeMissing ||
		e.Reason == core.ReasonCodeWrongClient:
		return &failure{status: fiber.StatusUnauthorized, message: "Invalid Authentication Code.",
			oauthCode: core.ErrInvalidGrant, description: e.Description}
	case e.Reason == core.ReasonCodeUsed || e.Reason == core.ReasonCodeExpired:
		return moduleFailure(fiber.StatusBadRequest, "Authentication code expired", e)
	case e.Reason == core.ReasonRefreshInvalid || e.Reason == core.ReasonRefreshReused ||
		e.Reason == core.ReasonRefreshMissing:
		return &failure{status: fiber.StatusBadRequest, message: "Invalid Refresh Token.",
			oauthCode: core.ErrInvalidGrant, description: e.Description}
	case e.Reason == core.ReasonCodeMismatch:
		return moduleFailure(fiber.StatusBadRequest, "redirect uri mismatch.", e)
	case e.Code == core.ErrUnauthorizedClient || e.Code == core.ErrUnsupportedGrantType:
		return moduleFailure(fiber.StatusBadRequest, "Invalid Credentials.", e)
	}
	return moduleFailure(e.Status(), e.Description, e)
}
