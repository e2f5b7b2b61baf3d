// Package odoo is the odoo dialect adapter.
package odoo

import (
	"github.com/gofiber/fiber/v2"

	"oauthd/adapters"
)

// Register mounts the dialect's routes.
func Register(app *fiber.App, d adapters.Deps) {}
