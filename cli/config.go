package cli

import (
	"oauthd/config"
	"oauthd/routes"
)

// loadConfig reads the configuration, then checks what only the routes know: that no [[proxy]]
// prefix hides one of oauthd's own endpoints.
func loadConfig(path string) (*config.Config, error) {
	cfg, err := config.Load(path)
	if err != nil {
		return nil, err
	}
	if err := routes.CheckProxies(cfg); err != nil {
		return nil, err
	}
	return cfg, nil
}
