package adapters

import (
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"oauthd/config"
	"oauthd/core"
)

// Dialect describes one dialect to what serves them all: the routes mount it, the access log
// and the metrics label its requests, the built-in proxy keeps its prefixes off the dialect's
// endpoints and answers an upstream's failure under its API in its shape, `serve --ephemeral`
// aims faults at its endpoints, CORS opens the ones browsers call, and the signing keys
// outlive its access tokens. A dialect is a folder under adapters/ that makes one of these,
// and one line in routes.Dialects.
type Dialect struct {
	Name string // its label in metrics, logs and faults
	// Roots are the path roots of its own endpoints: a [[proxy]] prefix at or above one would
	// hide them.
	Roots []string
	// APIRoot is where the system it speaks for serves its own API (Frappe's /api, the Odoo
	// module's /restapi), which the built-in proxy may front.
	APIRoot string
	// AccessTTL is the lifetime of the access tokens it issues under cfg.
	AccessTTL func(cfg *config.Config) time.Duration
	// Register mounts its routes with its settings from cfg.
	Register func(app *fiber.App, eng *core.Engine, cfg *config.Config)
	// Failure answers e with status in the shape of the system's API errors.
	Failure func(c *fiber.Ctx, status int, e *core.Error) error
	// Endpoints are the endpoints faults can target.
	Endpoints func() []Endpoint
	// CORSPaths are its endpoints browsers may call cross-origin when CORS is configured.
	CORSPaths []string
}

// Serves reports whether path is the dialect's: under one of its roots or its API root.
func (d Dialect) Serves(path string) bool {
	if Under(path, d.APIRoot) {
		return true
	}
	for _, root := range d.Roots {
		if Under(path, root) {
			return true
		}
	}
	return false
}

// Under reports whether path is root or below it on a segment boundary: /api covers /api and
// /api/resource, never /apis.
func Under(path, root string) bool {
	rest, ok := strings.CutPrefix(path, root)
	return ok && root != "" && (rest == "" || rest[0] == '/')
}
