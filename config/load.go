package config

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"

	"github.com/knadh/koanf/parsers/toml"
	"github.com/knadh/koanf/providers/confmap"
	"github.com/knadh/koanf/providers/env"
	"github.com/knadh/koanf/providers/file"
	"github.com/knadh/koanf/v2"
)

// Load reads defaults, then path (or DefaultFile when path is empty and that file exists),
// then the environment. The error names the offending key.
func Load(path string) (*Config, error) {
	k := koanf.New(".")
	if err := k.Load(confmap.Provider(defaults, "."), nil); err != nil {
		return nil, fmt.Errorf("config: defaults: %w", err)
	}
	if path == "" {
		if _, err := os.Stat(DefaultFile); err == nil {
			path = DefaultFile
		}
	}
	if path != "" {
		if err := k.Load(file.Provider(path), toml.Parser()); err != nil {
			return nil, fmt.Errorf("config: cannot read %s: %w", path, err)
		}
	}
	if err := k.Load(env.Provider(EnvPrefix, ".", envKey), nil); err != nil {
		return nil, fmt.Errorf("config: environment: %w", err)
	}
	if err := rejectUnknown(k); err != nil {
		return nil, err
	}
	return decode(k)
}

// envKey maps OAUTHD_SECTION_SOME_KEY to section.some_key: sections are single words, so
// only the first underscore separates section from key. Variables outside the known sections
// (OAUTHD_REQUIRE_MYSQL and other test switches) are not configuration and are skipped;
// an unknown key inside a known section is kept so that rejectUnknown reports the typo.
func envKey(name string) string {
	rest := strings.ToLower(strings.TrimPrefix(name, EnvPrefix))
	section, key, found := strings.Cut(rest, "_")
	if !found || !sections[section] {
		return ""
	}
	return section + "." + key
}

// rejectUnknown catches typos: a misspelt key would otherwise be silently ignored.
func rejectUnknown(k *koanf.Koanf) error {
	for _, key := range k.Keys() {
		if key == "proxy" {
			continue // an array of tables: koanf keeps it whole, and proxies() checks its keys
		}
		if _, ok := defaults[key]; !ok && !isStatic(key) {
			return fmt.Errorf("config: %s: unknown key", key)
		}
	}
	return nil
}

func decode(k *koanf.Koanf) (*Config, error) {
	r := &reader{k: k, prefix: "config: "}
	c := &Config{
		Server: Server{
			Addr: r.str("server.addr"), Issuer: strings.TrimRight(r.str("server.issuer"), "/"),
			TrustedProxies: r.list("server.trusted_proxies"),
			BodyLimit:      r.integer("server.body_limit", 1024), HeaderLimit: r.integer("server.header_limit", 1024),
			ShutdownTimeout: r.duration("server.shutdown_timeout"),
			ReadTimeout:     r.duration("server.read_timeout"), WriteTimeout: r.duration("server.write_timeout"),
		},
		Database: Database{
			Driver: r.oneOf("database.driver", "sqlite", "mysql", "postgres"), DSN: r.str("database.dsn"),
			MaxOpenConns: r.integer("database.max_open_conns", 1), MaxIdleConns: r.integer("database.max_idle_conns", 0),
			PrepareStatements: r.boolean("database.prepare_statements"),
		},
		OAuth: OAuth{
			CodeTTL: r.positive("oauth.code_ttl"), RefreshTTL: r.duration("oauth.refresh_ttl"),
			SkipAuthorization:     r.oneOf("oauth.skip_authorization", "force", "auto"),
			PKCEMinVerifierLength: r.integer("oauth.pkce_min_verifier_length", 1),
			BcryptCost:            r.integer("oauth.bcrypt_cost", 4),
			BearerCacheTTL:        r.duration("oauth.bearer_cache_ttl"),
			RevokeAccessOnRefresh: r.boolean("oauth.revoke_access_on_refresh"),
			BearerCacheSize:       r.integer("oauth.bearer_cache_size", 1),
			RefreshReuseInterval:  r.duration("oauth.refresh_reuse_interval"),
			RevocationPoll:        r.duration("oauth.revocation_poll"),
			RevocationAuth:        r.oneOf("oauth.revocation_auth", "possession", "client", "none"),
			IntrospectionAuth:     r.oneOf("oauth.introspection_auth", "possession", "client", "none"),
			IDTokenAlg:            r.oneOf("oauth.id_token_alg", "RS256", "ES256"),
			Resources:             r.list("oauth.resources"),
		},
		Keys: Keys{EncryptionSecret: r.str("keys.encryption_secret")},
		Registration: Registration{
			Enabled: r.boolean("registration.enabled"), AllowedRedirectHosts: r.list("registration.allowed_redirect_hosts"),
			InitialAccessToken: r.str("registration.initial_access_token"),
			MaxClients:         r.integer("registration.max_clients", 0),
			RateLimit:          r.integer("registration.rate_limit", 1), RateWindow: r.positive("registration.rate_window"),
			UnusedClientTTL: r.duration("registration.unused_client_ttl"),
		},
		CIMD: CIMD{Enabled: r.boolean("cimd.enabled"), AllowedHosts: r.list("cimd.allowed_hosts"),
			CAFile: r.str("cimd.ca_file")},
		Frappe: Frappe{AccessTTL: r.positive("frappe.access_ttl")},
		Odoo: Odoo{
			AccessTTL:      r.positive("odoo.access_ttl"),
			ValidityFormat: r.oneOf("odoo.validity_format", "auto", "datetime", "seconds"),
			ServerVersion:  r.str("odoo.server_version"),
		},
		Login: Login{
			MaxAttempts: r.integer("login.max_attempts", 1), AttemptWindow: r.positive("login.attempt_window"),
			MaxFailures: r.integer("login.max_failures", 1), FailureWindow: r.positive("login.failure_window"),
			MaxBackoff:          r.positive("login.max_backoff"),
			MaxConcurrentHashes: r.integer("login.max_concurrent_hashes", 0), HashWait: r.positive("login.hash_wait"),
			MaxSessions: r.integer("login.max_sessions", 1),
			SessionTTL:  r.positive("login.session_ttl"), SecureCookies: r.boolean("login.secure_cookies"),
		},
		CORS:    CORS{AllowedOrigins: r.origins("cors.allowed_origins")},
		Proxies: r.proxies(),
		Redis:   Redis{URL: r.str("redis.url"), Prefix: r.str("redis.prefix")},
		Log: Log{Format: r.oneOf("log.format", "auto", "json", "text"),
			Level: r.oneOf("log.level", "debug", "info", "warn", "error")},
		Metrics: Metrics{Addr: r.str("metrics.addr")},
		Admin:   Admin{Addr: r.str("admin.addr")},
	}
	c.Clients, c.Users = r.static()
	if r.err == nil {
		r.err = c.check()
	}
	return c, r.err
}

// check holds rules that span fields.
func (c *Config) check() error {
	switch {
	case c.Database.DSN == "":
		return errors.New("config: database.dsn: must not be empty")
	case c.Server.Addr == "":
		return errors.New("config: server.addr: must not be empty")
	case c.OAuth.BcryptCost > 31:
		return errors.New("config: oauth.bcrypt_cost: must be at most 31")
	case c.OAuth.PKCEMinVerifierLength > 128:
		return errors.New("config: oauth.pkce_min_verifier_length: must be at most 128")
	case c.Keys.EncryptionSecret != "" && len(c.Keys.EncryptionSecret) < 32:
		return errors.New("config: keys.encryption_secret: must be at least 32 characters")
	}
	for _, res := range c.OAuth.Resources {
		if u, err := url.Parse(res); err != nil || !u.IsAbs() || u.Host == "" || u.Fragment != "" {
			return fmt.Errorf("config: oauth.resources: %q is not an absolute URI without fragment", res)
		}
	}
	return checkProxies(c.Proxies)
}
