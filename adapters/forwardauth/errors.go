package forwardauth

import (
	"strings"

	"github.com/gofiber/fiber/v2"

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

// Challenge sets the RFC 6750 §3 WWW-Authenticate header for a refused token: the error code
// and, for insufficient_scope, the scopes the resource requires. An outage (503) has none:
// it is no fault of the token.
func Challenge(c *fiber.Ctx, e *core.Error, need core.Requirements) {
	switch e.Code {
	case core.ErrInvalidToken:
		c.Set(fiber.HeaderWWWAuthenticate, `Bearer error="invalid_token"`)
	case core.ErrInsufficientScope:
		c.Set(fiber.HeaderWWWAuthenticate, `Bearer error="insufficient_scope", scope="`+quotable.Replace(core.JoinScope(need.Scopes))+`"`)
	}
}

// quotable drops what cannot stand in a quoted-string; RFC 6749 scope tokens never hold it.
var quotable = strings.NewReplacer(`"`, "", `\`, "")

// Refuse is Challenge and Render with the error's own status (401, 403 or 503).
func Refuse(c *fiber.Ctx, e *core.Error, need core.Requirements) error {
	Challenge(c, e, need)
	return Render(c, e.Status(), e)
}
