package odoo

import (
	"net/http"

	"github.com/gofiber/fiber/v2"

	"oauthd/core"
)

// Failure answers e with status in the module's {"code", "message"} shape (RFC 6749's error
// and error_description beside them), negotiated like every restapi answer. The built-in proxy
// speaks with it for the /restapi/ paths it forwards: a refused token there reads like the
// module's own "Access Token Invalid".
func Failure(c *fiber.Ctx, status int, e *core.Error) error {
	message := http.StatusText(status)
	if status == fiber.StatusUnauthorized {
		message = errTokenInvalid.message
	}
	return fail(c, moduleFailure(status, message, e))
}
