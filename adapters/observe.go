package adapters

import (
	"sync/atomic"
	"time"

	"oauthd/config"
)

// RequestObserver is told about every finished request (metrics). Route is the route
// template, never the raw path, so that label values stay bounded.
type RequestObserver interface {
	Request(route, method, dialect string, status int, elapsed time.Duration)
}

// Live holds the settings a running server takes from SIGHUP reloads; the rest of Config
// is fixed at start.
type Live struct {
	corsOrigins atomic.Pointer[[]string]
}

// NewLive starts from the configuration's values.
func NewLive(cfg *config.Config) *Live {
	l := &Live{}
	l.SetCORSOrigins(cfg.CORS.AllowedOrigins)
	return l
}

// CORSOrigins are the cors.allowed_origins in force.
func (l *Live) CORSOrigins() []string { return *l.corsOrigins.Load() }

// SetCORSOrigins replaces them for the requests that follow.
func (l *Live) SetCORSOrigins(origins []string) { l.corsOrigins.Store(&origins) }
