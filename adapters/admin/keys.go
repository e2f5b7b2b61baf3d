package admin

import (
	"github.com/gofiber/fiber/v2"

	"oauthd/adapters"
	"oauthd/core"
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
	return c.JSON(fiber.Map{"keys": adapters.DescribeAll(keys, func(k *core.KeyInfo) map[string]any {
		return adapters.DescribeKey(*k)
	})})
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
