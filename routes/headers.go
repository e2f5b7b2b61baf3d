package routes

import (
	"github.com/gofiber/fiber/v2"

	"oauthd/compat"
)

// singleCredentials refuses a request that carries its credentials header twice. Handlers read
// the first value while a proxy in front may act on another, so two values are ambiguous and
// a client sending them is broken or probing (the same rule compat.Merge applies to
// parameters). The body has both dialects' error keys.
func singleCredentials(c *fiber.Ctx) error {
	for _, name := range []string{fiber.HeaderAuthorization, compat.MisspeltAuthorizationHeader} {
		if len(c.Request().Header.PeekAll(name)) > 1 {
			msg := "The " + name + " header was sent more than once."
			return c.Status(fiber.StatusBadRequest).JSON(fiber.Map{"code": fiber.StatusBadRequest, "message": msg,
				"error": "invalid_request", "error_description": msg})
		}
	}
	return c.Next()
}
