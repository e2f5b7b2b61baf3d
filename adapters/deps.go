// Package adapters holds one sub-package per OAuth dialect. Each parses its dialect's requests
// into core calls and renders the core's results and errors in that dialect's shape.
package adapters

import (
	"log/slog"

	"oauthd/adapters/ephemeral"
	"oauthd/config"
	"oauthd/core"
)

// Deps is what the application is built from: the engine, and the configuration from which
// the routes take each dialect's own options.
type Deps struct {
	Engine  *core.Engine
	Config  *config.Config
	Log     *slog.Logger    // access log; nil: none
	Observe RequestObserver // nil: no request metrics
	Live    *Live           // settings SIGHUP changes; nil: Config's, fixed
	// Ephemeral is the test clock and fault queue of `serve --ephemeral`; nil otherwise, and
	// then no trace of either is mounted.
	Ephemeral *ephemeral.Kit
}
