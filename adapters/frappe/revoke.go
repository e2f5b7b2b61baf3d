package frappe

import (
	"github.com/gofiber/fiber/v2"

	"oauthd/adapters"
	"oauthd/core"
)

// revoke is revoke_token with the bodies of seed 000, read from a form (urlencoded or
// multipart) or JSON body, as Frappe's form_dict reads them; never from the query. The token
// may be an access or a refresh token; who may revoke what is core.Revoke's rule. An unknown
// token is "success" too (RFC 7009 §2.2), so the answer reveals nothing about tokens.
func (h *handler) revoke(c *fiber.Ctx) error {
	p, perr := dictParams(c, false)
	if perr != nil {
		return revokeBadRequest(c)
	}
	err := h.eng.Revoke(c.UserContext(), core.RevokeRequest{Credentials: clientCredentials(c, p),
		Token: p["token"], TokenTypeHint: p["token_type_hint"]})
	if err != nil {
		return revokeFailed(c, core.AsError(err))
	}
	return message(c, fiber.StatusOK, "success")
}

func revokeFailed(c *fiber.Ctx, e *core.Error) error {
	switch {
	case e.Code == core.ErrInvalidClient:
		c.Set(fiber.HeaderWWWAuthenticate, adapters.BasicChallenge)
		return message(c, fiber.StatusUnauthorized, "unauthorized")
	case e.Unavailable():
		return messageError(c, e)
	default:
		return revokeBadRequest(c)
	}
}

// revokeBadRequest is seed 000's error answer: a missing token, a wrong method, or a request
// that cannot be read.
func revokeBadRequest(c *fiber.Ctx) error {
	return message(c, fiber.StatusBadRequest, "bad request")
}
