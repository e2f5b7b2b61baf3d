package config

import (
	"strings"

	"github.com/knadh/koanf/providers/confmap"
	"github.com/knadh/koanf/v2"
)

// defaults is the one table of oauthd's built-in defaults: the binary works with no file at
// all, config.toml writes each of them out (TestRepoFileMatchesDefaults), and the configuration
// reference in docs/configuration.md states each (TestReferenceStatesEveryDefault). No other
// place gives a setting a value of its own: the core refuses what it is not given.
var defaults = map[string]any{
	"server.addr":                         "127.0.0.1:8000",
	"server.issuer":                       "",
	"server.trusted_proxies":              []string{},
	"server.body_limit":                   65536,
	"server.header_limit":                 16384,
	"server.shutdown_timeout":             "15s",
	"server.read_timeout":                 "15s",
	"server.write_timeout":                "15s",
	"database.driver":                     "sqlite",
	"database.dsn":                        "oauthd.db",
	"database.max_open_conns":             32,
	"database.max_idle_conns":             32,
	"database.prepare_statements":         true,
	"oauth.code_ttl":                      "10m",
	"oauth.refresh_ttl":                   "720h",
	"oauth.skip_authorization":            "force",
	"oauth.pkce_min_verifier_length":      43,
	"oauth.bcrypt_cost":                   12,
	"oauth.bearer_cache_ttl":              "30s",
	"oauth.bearer_cache_size":             100000,
	"oauth.refresh_reuse_interval":        "10s",
	"oauth.revocation_poll":               "1s",
	"oauth.revoke_access_on_refresh":      false,
	"frappe.access_ttl":                   "1h",
	"odoo.access_ttl":                     "30m",
	"odoo.validity_format":                "auto",
	"odoo.server_version":                 "17.0",
	"oauth.revocation_auth":               "possession",
	"oauth.introspection_auth":            "possession",
	"login.max_attempts":                  60,
	"login.attempt_window":                "1m",
	"login.max_failures":                  5,
	"login.failure_window":                "15m",
	"login.max_backoff":                   "1m",
	"login.max_concurrent_hashes":         0,
	"login.hash_wait":                     "2s",
	"login.max_sessions":                  10,
	"login.session_ttl":                   "168h",
	"login.secure_cookies":                false,
	"cors.allowed_origins":                []any{},
	"redis.url":                           "",
	"redis.prefix":                        "oauthd:",
	"log.format":                          "auto",
	"log.level":                           "info",
	"metrics.addr":                        "",
	"admin.addr":                          "",
	"oauth.id_token_alg":                  "RS256",
	"oauth.resources":                     []string{},
	"keys.encryption_secret":              "",
	"registration.enabled":                false,
	"registration.allowed_redirect_hosts": []string{"localhost", "127.0.0.1", "[::1]"},
	"registration.initial_access_token":   "",
	"registration.max_clients":            1000,
	"registration.rate_limit":             10,
	"registration.rate_window":            "1h",
	"registration.unused_client_ttl":      "24h",
	"cimd.enabled":                        false,
	"cimd.allowed_hosts":                  []string{},
	"cimd.ca_file":                        "",
}

// sections are the configuration's sections: the first part of every key in defaults.
var sections = func() map[string]bool {
	out := map[string]bool{}
	for key := range defaults {
		section, _, _ := strings.Cut(key, ".")
		out[section] = true
	}
	return out
}()

// Defaults is the configuration of the defaults alone: no file, no environment.
func Defaults() *Config {
	k := koanf.New(".")
	k.Load(confmap.Provider(defaults, "."), nil) //nolint:errcheck // a flat map always loads
	c, err := decode(k)
	if err != nil {
		panic("config: the built-in defaults do not decode: " + err.Error()) // TestDefaultsWithoutFile fails first
	}
	return c
}
