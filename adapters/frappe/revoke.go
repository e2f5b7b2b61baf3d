package frappe

import (
	"github.com/gofiber/fiber/v2"

	"oauthd/core"
	"oauthd/models"
)

// revoke is revoke_token with the bodies of seed 000. The token may be an access or a refresh
// token (token_type_hint is not needed: core finds either, and revokes the pair). An unknown
// token is "success" too (RFC 7009 §2.2), so the answer reveals nothing about tokens.
func (h *handler) revoke(c *fiber.Ctx) error {
	p, perr := bodyParams(c)
	if perr != nil || p["token"] == "" {
		return revokeBadRequest(c)
	}
	client, err := h.revokingClient(c, p)
	if err == nil {
		err = h.eng.Revoke(c.UserContext(), p["token"], client)
	}
	if err != nil {
		return revokeFailed(c, core.AsError(err))
	}
	return message(c, fiber.StatusOK, "success")
}

// revokingClient authenticates the caller when it sent client credentials, so that it revokes
// only its own tokens. A bare token, the seed's request, is revoked for whoever holds it:
// holding a token is enough to use it, so it is enough to end it.
func (h *handler) revokingClient(c *fiber.Ctx, p map[string]string) (*models.Client, error) {
	if !isBasic(c.Get(fiber.HeaderAuthorization)) && p["client_id"] == "" && p["client_secret"] == "" {
		return nil, nil
	}
	cred, perr := clientCredentials(c, p)
	if perr != nil {
		return nil, perr
	}
	return h.eng.AuthenticateClient(c.UserContext(), cred)
}

func revokeFailed(c *fiber.Ctx, e *core.Error) error {
	switch e.Code {
	case core.ErrInvalidClient:
		c.Set(fiber.HeaderWWWAuthenticate, `Basic realm="oauthd"`)
		return message(c, fiber.StatusUnauthorized, "unauthorized")
	case core.ErrTemporarilyUnavailable:
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
