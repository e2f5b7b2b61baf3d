package odoo

import (
	"regexp"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"oauthd/adapters"
	"oauthd/adapters/web"
	"oauthd/compat"
	"oauthd/core"
)

var errTokenInvalid = &failure{status: fiber.StatusUnauthorized, message: "Access Token Invalid"}

// bearer authenticates a resource request: `Authorization: Bearer` in any case (the module
// wanted exactly "Bearer"), else access_token in the form (RFC 6750 §2.2) or the query
// (token_in_query), as the module allows.
func (h *handler) bearer(c *fiber.Ctx) (*core.Principal, *failure) {
	p, f := resourceParams(c)
	if f != nil {
		return nil, f
	}
	used := p.quirks
	token, ok := compat.BearerToken(c.Get(fiber.HeaderAuthorization))
	if !ok {
		token = p.get("access_token")
		if c.Context().QueryArgs().Has("access_token") {
			used |= core.QuirkTokenInQuery
		}
	}
	principal, err := h.eng.AuthenticateBearerWith(c.UserContext(), token, used)
	if err != nil {
		return nil, bearerFailure(c, core.AsError(err))
	}
	return principal, nil
}

// bearerFailure answers a bearer token refused, or not checked because the store did not
// respond.
func bearerFailure(c *fiber.Ctx, e *core.Error) *failure {
	if e.Unavailable() {
		return unavailable(e)
	}
	adapters.Refuse(c, e, nil, "") // RFC 6750 §3
	return errTokenInvalid
}

// userinfo serves the OpenID Connect claims of the token's user, the same as the Frappe
// dialect's profile endpoint (NextAuth-built Odoo clients expect this path).
func (h *handler) userinfo(c *fiber.Ctx) error {
	principal, f := h.bearer(c)
	if f != nil {
		return fail(c, f)
	}
	claims, err := h.eng.UserInfo(c.UserContext(), principal, web.Issuer(c, h.opt.Issuer))
	if err != nil {
		e := core.AsError(err)
		if e.Code != core.ErrInsufficientScope {
			return fail(c, bearerFailure(c, e))
		}
		adapters.Refuse(c, e, []string{"openid"}, "")
		return fail(c, moduleFailure(fiber.StatusForbidden, e.Code, e))
	}
	return render(c, fiber.StatusOK, claims)
}

// revoke implements RFC 7009 (the module has no revocation at all) through core.Revoke, which
// decides who may revoke what.
func (h *handler) revoke(c *fiber.Ctx) error {
	p, f := readParams(c)
	if f != nil {
		return fail(c, f)
	}
	err := h.eng.Revoke(c.UserContext(), core.RevokeRequest{Credentials: p.credentials(), Token: p.get("token"),
		TokenTypeHint: p.get("token_type_hint")})
	if err != nil {
		return revokeError(c, core.AsError(err), p.basic)
	}
	return render(c, fiber.StatusOK, map[string]any{"code": fiber.StatusOK, "message": "Token revoked."})
}

func revokeError(c *fiber.Ctx, e *core.Error, basic bool) error {
	if e.Code == core.ErrInvalidRequest {
		return fail(c, badRequest(e.Description))
	}
	return tokenError(c, e, basic)
}

// versionNumber finds the dotted release number in a version string ("17.0" → 17, 0).
var versionNumber = regexp.MustCompile(`(\d+)\.(\d+)(?:\.(\d+))?`)

// version answers Odoo's unauthenticated meta-call with oauthd's own version, in the keys
// Odoo's exp_version uses (the docs misspell two of them).
func (h *handler) version(c *fiber.Ctx) error {
	v := h.opt.ServerVersion
	major, minor, micro := 0, 0, 0
	if m := versionNumber.FindStringSubmatch(v); m != nil {
		major, _ = strconv.Atoi(m[1])
		minor, _ = strconv.Atoi(m[2])
		micro, _ = strconv.Atoi(m[3]) // "" when absent: stays 0
	}
	return render(c, fiber.StatusOK, map[string]any{
		"server_version":      v,
		"server_version_info": []any{major, minor, micro, "final", 0, ""},
		"server_serie":        strconv.Itoa(major) + "." + strconv.Itoa(minor),
		"protocol_version":    1,
	})
}
