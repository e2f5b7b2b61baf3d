// Package frappe is the frappe dialect adapter.
package frappe

import (
	"github.com/gofiber/fiber/v2"

	"oauthd/adapters"
)

// Register mounts the dialect's routes.
func Register(app *fiber.App, d adapters.Deps) {}
