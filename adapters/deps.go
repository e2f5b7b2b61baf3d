// Package adapters holds one sub-package per OAuth dialect. Each parses its dialect's requests
// into core calls and renders the core's results and errors in that dialect's shape.
package adapters

import (
	"oauthd/config"
	"oauthd/core"
)

// EngineOptions are the core's settings from the configuration.
func EngineOptions(cfg *config.Config) core.Options {
	return core.Options{CodeTTL: cfg.OAuth.CodeTTL, RefreshTTL: cfg.OAuth.RefreshTTL,
		SkipAuthorization: cfg.OAuth.SkipAuthorization, PKCEMinVerifierLength: cfg.OAuth.PKCEMinVerifierLength,
		BcryptCost: cfg.OAuth.BcryptCost, SessionTTL: cfg.Login.SessionTTL, BearerCacheTTL: cfg.OAuth.BearerCacheTTL}
}

// Deps is what every dialect needs.
type Deps struct {
	Engine *core.Engine
	Config *config.Config
}
