package forwardauth

import (
	"github.com/gofiber/fiber/v2"

	"oauthd/adapters"
	"oauthd/core"
)

// resourceError is the shape of Frappe's resource errors (the adapters/frappe oauthError):
// small, and already known to the clients of one of the two dialects.
type resourceError struct {
	Description string `json:"description"`
	StatusCode  int    `json:"status_code"`
	Error       string `json:"error"`
}

// Render answers e with status in the resource-error shape. The built-in proxy uses it for
// the paths of no dialect, and for /api/.
func Render(c *fiber.Ctx, status int, e *core.Error) error {
	return c.Status(status).JSON(resourceError{Description: e.Description, StatusCode: status, Error: e.Code})
}

// Refuse answers a refused token in the resource-error shape with its own status (401, 403 or
// 503) and the challenge: the scopes need states, and the metadata of the resource it guards.
func Refuse(c *fiber.Ctx, e *core.Error, need core.Requirements, metadata string) error {
	adapters.Refuse(c, e, need.Scopes, metadata)
	return Render(c, e.Status(), e)
}
