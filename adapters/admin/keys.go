package admin

import (
	"github.com/gofiber/fiber/v2"

	"oauthd/adapters"
)

// keyRoutes manage the OpenID signing keys, like `oauthd keys list|rotate|remove`.
func (h *handler) keyRoutes(api fiber.Router) {
	api.Get("/keys", h.listKeys)
	api.Post("/keys/rotate", h.rotateKey)
	api.Delete("/keys/:kid", h.removeKey)
}

func (h *handler) listKeys(c *fiber.Ctx) error {
	keys, err := h.eng.SigningKeyList(c.UserContext())
	if err != nil {
		return h.failErr(c, err)
	}
	out := make([]map[string]any, 0, len(keys))
	for _, k := range keys {
		out = append(out, adapters.DescribeKey(k))
	}
	return c.JSON(fiber.Map{"keys": out})
}

func (h *handler) rotateKey(c *fiber.Ctx) error {
	k, err := h.eng.RotateSigningKey(c.UserContext())
	if err != nil {
		return h.failErr(c, err)
	}
	return c.Status(fiber.StatusCreated).JSON(adapters.DescribeKey(*k))
}

func (h *handler) removeKey(c *fiber.Ctx) error {
	if err := h.eng.RemoveSigningKey(c.UserContext(), param(c, "kid")); err != nil {
		return h.failErr(c, err)
	}
	return c.SendStatus(fiber.StatusNoContent)
}
