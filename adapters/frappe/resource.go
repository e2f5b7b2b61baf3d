package frappe

import (
	"maps"

	"github.com/gofiber/fiber/v2"

	"oauthd/adapters/web"
	"oauthd/compat"
	"oauthd/core"
	"oauthd/models"
)

// BearerFromRequest returns the token of an `Authorization: Bearer <token>` header (scheme in
// any case), or of the misspelt `Authorizaton` header that Frappe's docs print and clients
// copy (then used holds that quirk, which the core decides per client). Frappe's REST API
// reads tokens from these headers only. sent reports whether either header was there at all:
// a request that sends one without a usable bearer token is refused, never served as
// anonymous (Frappe answers it 401 since v15).
func BearerFromRequest(c *fiber.Ctx) (token string, sent bool, used core.Quirks) {
	if v := c.Get(fiber.HeaderAuthorization); v != "" {
		token, _ = compat.BearerToken(v)
		return token, true, 0
	}
	if v := c.Get(compat.MisspeltAuthorizationHeader); v != "" {
		token, _ = compat.BearerToken(v)
		return token, true, core.QuirkAuthorizatonHeader
	}
	return "", false, 0
}

var errNoToken = &core.Error{Code: core.ErrInvalidToken, Reason: core.ReasonTokenMissing,
	Description: "A valid bearer token is required."}

var errNoOpenID = &core.Error{Code: core.ErrInsufficientScope, Reason: core.ReasonInsufficientScope,
	Description: "The request requires higher privileges than provided by the access token."}

// bearer authenticates the request's bearer token, sent as used says.
func (h *handler) bearer(c *fiber.Ctx, token string, used core.Quirks) (*core.Principal, *core.Error) {
	if token == "" {
		return nil, errNoToken
	}
	p, err := h.eng.AuthenticateBearerWith(c.UserContext(), token, used)
	if err != nil {
		return nil, core.AsError(err)
	}
	return p, nil
}

// loggedUser is frappe.auth.get_logged_user: the bearer token's user, or, when no token was
// sent, the browser session's user, as in Frappe.
func (h *handler) loggedUser(c *fiber.Ctx) error {
	token, sent, used := BearerFromRequest(c)
	if !sent {
		s, err := web.CurrentSession(c, h.eng)
		if err != nil {
			return renderBearer(c, core.AsError(err))
		}
		if s.User != nil {
			return message(c, fiber.StatusOK, s.User.Email)
		}
	}
	p, e := h.bearer(c, token, used)
	if e != nil {
		return renderBearer(c, e)
	}
	return message(c, fiber.StatusOK, p.Email)
}

// userinfo is openid_profile: the OpenID Connect claims of the token's user, for tokens
// granted the openid scope.
func (h *handler) userinfo(c *fiber.Ctx) error {
	token, used, perr := userinfoToken(c)
	if perr != nil {
		return renderBearer(c, perr)
	}
	p, e := h.bearer(c, token, used)
	if e != nil {
		return renderBearer(c, e)
	}
	claims, err := h.eng.UserInfo(c.UserContext(), p, web.Issuer(c, h.opt.Issuer))
	if err != nil {
		e = core.AsError(err)
		if e.Code == core.ErrInsufficientScope {
			e = errNoOpenID // Frappe's words for it
		}
		return renderBearer(c, e)
	}
	noStore(c)
	return c.JSON(claims)
}

// userinfoToken takes the token from the headers or, in a form POST, from the body's
// access_token (RFC 6750 §2.2). Both at once is refused: RFC 6750 §2 allows one method only.
func userinfoToken(c *fiber.Ctx) (string, core.Quirks, *core.Error) {
	token, sent, used := BearerFromRequest(c)
	if c.Method() != fiber.MethodPost {
		return token, used, nil
	}
	p, perr := bodyParams(c)
	switch {
	case perr != nil:
		return "", 0, perr
	case sent && p["access_token"] != "":
		return "", 0, invalidRequest("The access token was sent both in a header and in the body.")
	case !sent:
		return p["access_token"], 0, nil
	}
	return token, used, nil
}

// introspect is introspect_token in Frappe's shape (client_id, trusted_client, active, exp,
// scope and, for openid tokens, the userinfo claims) plus RFC 7662's token_type, sub and iat.
// Inactive tokens, for whatever reason, are only {"active": false}.
func (h *handler) introspect(c *fiber.Ctx) error {
	p, perr := dictParams(c, true) // form_dict: query, form or JSON body
	if perr != nil {
		return renderRFC(c, perr)
	}
	bearer, _, _ := BearerFromRequest(c)
	in, err := h.eng.IntrospectFor(c.UserContext(), core.IntrospectRequest{Credentials: clientCredentials(c, p),
		Bearer: bearer, Token: p["token"], TokenInURL: c.Method() == fiber.MethodGet || c.Context().QueryArgs().Has("token")})
	if err != nil {
		return renderRFC(c, core.AsError(err))
	}
	noStore(c)
	if !in.Active {
		return c.JSON(fiber.Map{"active": false})
	}
	return c.JSON(introspection(in, web.Issuer(c, h.opt.Issuer)))
}

func introspection(in *core.Introspection, issuer string) fiber.Map {
	pr := in.Principal
	out := fiber.Map{}
	if pr.HasScope("openid") {
		maps.Copy(out, in.Claims(issuer))
	}
	trusted := 0 // Frappe reports its Check field as 0 or 1
	if in.TrustedClient {
		trusted = 1
	}
	tokenType := "refresh_token"
	if in.Kind == models.KindAccess {
		tokenType = "Bearer"
	}
	maps.Copy(out, fiber.Map{"active": true, "client_id": pr.ClientID, "trusted_client": trusted,
		"scope": core.JoinScope(pr.Scopes), "token_type": tokenType, "sub": pr.Subject, "iat": in.IssuedAt.Unix()})
	if !pr.ExpiresAt.IsZero() {
		out["exp"] = pr.ExpiresAt.Unix()
	}
	if in.Resource != "" {
		out["aud"] = in.Resource // RFC 8707: the resource the token was issued for
	}
	return out
}

// testResource is the test_resource of seed 002: who a valid bearer token speaks for.
func (h *handler) testResource(c *fiber.Ctx) error {
	token, _, used := BearerFromRequest(c)
	p, e := h.bearer(c, token, used)
	if e != nil {
		return renderBearer(c, e)
	}
	return c.JSON(fiber.Map{"message": fiber.Map{"user": p.Email, "client_id": p.ClientID,
		"scope": core.JoinScope(p.Scopes)}})
}
