package forwardauth

import (
	"github.com/gofiber/fiber/v2"

	"oauthd/adapters"
	"oauthd/adapters/frappe"
	"oauthd/core"
)

// Refuse answers a refused token in Frappe's resource-error shape (small, and already known to
// the clients of one of the two dialects) with its own status (401, 403 or 503) and the
// challenge: the scopes need states, and the metadata of the resource it guards.
func Refuse(c *fiber.Ctx, e *core.Error, need core.Requirements, metadata string) error {
	adapters.Refuse(c, e, need.Scopes, metadata)
	return frappe.Failure(c, e.Status(), e)
}
