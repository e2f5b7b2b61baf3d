package adapters

import (
	"github.com/gofiber/fiber/v2"

	"oauthd/core"
)

// Endpoint is one of a dialect's endpoints as the faults of `serve --ephemeral` see it: its
// kind (ephemeral.Endpoint*) and the dialect's own way of answering a core error there, so
// that an injected failure reads exactly like a real one.
type Endpoint struct {
	Path    string
	Kind    string
	Dialect string
	Render  func(c *fiber.Ctx, e *core.Error) error
	// GrantType reads a token request's grant_type (token endpoints only): the invalid_grant a
	// refresh gets is not the one a code exchange gets.
	GrantType func(c *fiber.Ctx) string
}

// EndpointMaker returns what makes a dialect's Endpoint values.
func EndpointMaker(dialect string) func(path, kind string, render func(*fiber.Ctx, *core.Error) error) Endpoint {
	return func(path, kind string, render func(*fiber.Ctx, *core.Error) error) Endpoint {
		return Endpoint{Path: path, Kind: kind, Dialect: dialect, Render: render}
	}
}
