// Package config loads oauthd's settings: built-in defaults, then a TOML file, then OAUTHD_*
// environment variables, each layer overriding the one before.
package config

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/knadh/koanf/parsers/toml"
	"github.com/knadh/koanf/providers/confmap"
	"github.com/knadh/koanf/providers/env"
	"github.com/knadh/koanf/providers/file"
	"github.com/knadh/koanf/v2"
)

// DefaultFile is read when no --config flag is given and the file exists.
const DefaultFile = "config.toml"

// EnvPrefix starts every environment override: OAUTHD_<SECTION>_<KEY>.
const EnvPrefix = "OAUTHD_"

// Config is the whole validated configuration.
type Config struct {
	Server       Server
	Database     Database
	OAuth        OAuth
	Frappe       Frappe
	Odoo         Odoo
	Login        Login
	CORS         CORS
	Proxies      []Proxy        // [[proxy]] tables, none by default (see proxy.go)
	Clients      []StaticClient // [[clients]] tables
	Users        []StaticUser   // [[users]] tables
	Log          Log
	Metrics      Metrics
	Admin        Admin
	Redis        Redis
	Keys         Keys
	Registration Registration
	CIMD         CIMD
}

// CIMD holds client ID metadata documents' settings: an https URL as client_id, whose
// document the server fetches (see package cimd).
type CIMD struct {
	Enabled bool
	// AllowedHosts may be fetched although they resolve to internal addresses.
	AllowedHosts []string
	// CAFile adds PEM certificates to the system's roots, for document servers under a private CA.
	CAFile string
}

// Redis is the optional state shared by several instances (see package cluster).
type Redis struct {
	URL    string // empty: no Redis
	Prefix string
}

// Log selects the log format and level.
type Log struct {
	Format string // auto | json | text; auto: JSON unless stdout is a terminal
	Level  string // debug | info | warn | error
}

// Metrics configures the Prometheus listener.
type Metrics struct {
	Addr string // empty: off
}

// Admin configures the admin API and page listener.
type Admin struct {
	Addr string // empty: off
}

// Keys holds the id_token signing keys' settings.
type Keys struct {
	EncryptionSecret string
}

// Registration holds dynamic client registration (RFC 7591) settings.
type Registration struct {
	Enabled              bool
	AllowedRedirectHosts []string
	InitialAccessToken   string
	MaxClients           int
	RateLimit            int
	RateWindow           time.Duration
	// UnusedClientTTL is how long a self-registered client may go without a user authorizing
	// it before it is reclaimed (0: never).
	UnusedClientTTL time.Duration
}

// Server holds listener settings.
type Server struct {
	Addr   string
	Issuer string
	// TrustedProxies are the addresses or CIDR ranges whose X-Forwarded-* headers are believed.
	TrustedProxies  []string
	BodyLimit       int
	HeaderLimit     int
	ShutdownTimeout time.Duration
	ReadTimeout     time.Duration
	WriteTimeout    time.Duration
}

// Database selects and tunes the store.
type Database struct {
	Driver            string
	DSN               string
	MaxOpenConns      int
	MaxIdleConns      int
	PrepareStatements bool
}

// OAuth holds protocol rules shared by every dialect.
type OAuth struct {
	CodeTTL               time.Duration
	RefreshTTL            time.Duration
	SkipAuthorization     string
	PKCEMinVerifierLength int
	BcryptCost            int
	BearerCacheTTL        time.Duration
	RevokeAccessOnRefresh bool
	BearerCacheSize       int
	RefreshReuseInterval  time.Duration
	RevocationPoll        time.Duration
	IDTokenAlg            string
	Resources             []string
	RevocationAuth        string
	IntrospectionAuth     string
}

// Frappe holds the Frappe dialect's settings.
type Frappe struct {
	AccessTTL time.Duration
}

// Odoo holds the Odoo dialect's settings.
type Odoo struct {
	AccessTTL      time.Duration
	ValidityFormat string
	ServerVersion  string
}

// Login holds browser-session and brute-force settings.
type Login struct {
	MaxAttempts         int
	AttemptWindow       time.Duration
	MaxFailures         int
	FailureWindow       time.Duration
	MaxBackoff          time.Duration
	MaxConcurrentHashes int
	HashWait            time.Duration
	MaxSessions         int
	SessionTTL          time.Duration
	SecureCookies       bool
}

// defaults mirrors config.toml so that the binary works with no file at all.
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

var sections = map[string]bool{"server": true, "database": true, "oauth": true, "frappe": true, "odoo": true, "login": true,
	"cors": true, "redis": true, "log": true, "metrics": true, "admin": true, "keys": true, "registration": true,
	"cimd": true}

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

// reader collects the first decoding error so decode reads as a flat list of fields. Its
// errors start with prefix ("config: " for the configuration); a reader of one table inside
// it has none, since the outer reader names the table.
type reader struct {
	k      *koanf.Koanf
	err    error
	prefix string
}

func (r *reader) str(key string) string { return r.k.String(key) }

// list reads a TOML array of strings, or a comma-separated string (from the environment).
func (r *reader) list(key string) []string {
	var out []string
	switch v := r.k.Get(key).(type) {
	case []string:
		out = v
	case []any:
		for _, item := range v {
			s, ok := item.(string)
			if !ok {
				r.fail(key, fmt.Errorf("not a list of strings: %v", v))
				return nil
			}
			out = append(out, s)
		}
	case string:
		out = strings.Split(v, ",")
	case nil:
	default:
		r.fail(key, fmt.Errorf("not a list of strings: %v", v))
	}
	var kept []string
	for _, s := range out {
		if s = strings.TrimSpace(s); s != "" {
			kept = append(kept, s)
		}
	}
	return kept
}

func (r *reader) boolean(key string) bool {
	switch v := r.k.Get(key).(type) {
	case bool:
		return v
	case string:
		switch strings.ToLower(v) {
		case "true", "1", "yes", "on":
			return true
		case "false", "0", "no", "off", "":
			return false
		}
	}
	r.fail(key, fmt.Errorf("not a boolean: %v", r.k.Get(key)))
	return false
}

func (r *reader) integer(key string, min int) int {
	var n int
	switch v := r.k.Get(key).(type) {
	case int:
		n = v
	case int64:
		n = int(v)
	case float64:
		n = int(v)
	case string:
		if _, err := fmt.Sscanf(v, "%d", &n); err != nil || fmt.Sprint(n) != strings.TrimSpace(v) {
			r.fail(key, fmt.Errorf("not a whole number: %q", v))
			return 0
		}
	default:
		r.fail(key, fmt.Errorf("not a whole number: %v", v))
		return 0
	}
	if n < min {
		r.fail(key, fmt.Errorf("must be at least %d, got %d", min, n))
	}
	return n
}

func (r *reader) duration(key string) time.Duration {
	s := r.k.String(key)
	d, err := time.ParseDuration(s)
	if err != nil {
		r.fail(key, fmt.Errorf("not a duration: %q (use e.g. \"90s\", \"10m\", \"1h\")", s))
		return 0
	}
	if d < 0 {
		r.fail(key, fmt.Errorf("must not be negative: %q", s))
	}
	return d
}

func (r *reader) oneOf(key string, allowed ...string) string {
	v := r.k.String(key)
	for _, a := range allowed {
		if v == a {
			return v
		}
	}
	r.fail(key, fmt.Errorf("unknown value %q (want one of %s)", v, strings.Join(allowed, ", ")))
	return v
}

func (r *reader) fail(key string, err error) {
	if r.err == nil {
		r.err = fmt.Errorf("%s%s: %w", r.prefix, key, err)
	}
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
			CodeTTL: r.duration("oauth.code_ttl"), RefreshTTL: r.duration("oauth.refresh_ttl"),
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
			RateLimit:          r.integer("registration.rate_limit", 1), RateWindow: r.duration("registration.rate_window"),
			UnusedClientTTL: r.duration("registration.unused_client_ttl"),
		},
		CIMD: CIMD{Enabled: r.boolean("cimd.enabled"), AllowedHosts: r.list("cimd.allowed_hosts"),
			CAFile: r.str("cimd.ca_file")},
		Frappe: Frappe{AccessTTL: r.duration("frappe.access_ttl")},
		Odoo: Odoo{
			AccessTTL:      r.duration("odoo.access_ttl"),
			ValidityFormat: r.oneOf("odoo.validity_format", "auto", "datetime", "seconds"),
			ServerVersion:  r.str("odoo.server_version"),
		},
		Login: Login{
			MaxAttempts: r.integer("login.max_attempts", 1), AttemptWindow: r.duration("login.attempt_window"),
			MaxFailures: r.integer("login.max_failures", 1), FailureWindow: r.duration("login.failure_window"),
			MaxBackoff:          r.duration("login.max_backoff"),
			MaxConcurrentHashes: r.integer("login.max_concurrent_hashes", 0), HashWait: r.duration("login.hash_wait"),
			MaxSessions: r.integer("login.max_sessions", 1),
			SessionTTL:  r.duration("login.session_ttl"), SecureCookies: r.boolean("login.secure_cookies"),
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
	case c.OAuth.CodeTTL == 0:
		return errors.New("config: oauth.code_ttl: must be positive")
	case c.Frappe.AccessTTL == 0:
		return errors.New("config: frappe.access_ttl: must be positive")
	case c.Odoo.AccessTTL == 0:
		return errors.New("config: odoo.access_ttl: must be positive")
	case c.OAuth.BcryptCost > 31:
		return errors.New("config: oauth.bcrypt_cost: must be at most 31")
	case c.OAuth.PKCEMinVerifierLength > 128:
		return errors.New("config: oauth.pkce_min_verifier_length: must be at most 128")
	case c.Keys.EncryptionSecret != "" && len(c.Keys.EncryptionSecret) < 32:
		return errors.New("config: keys.encryption_secret: must be at least 32 characters")
	case c.Registration.RateWindow == 0:
		return errors.New("config: registration.rate_window: must be positive")
	}
	for _, res := range c.OAuth.Resources {
		if u, err := url.Parse(res); err != nil || !u.IsAbs() || u.Host == "" || u.Fragment != "" {
			return fmt.Errorf("config: oauth.resources: %q is not an absolute URI without fragment", res)
		}
	}
	return checkProxies(c.Proxies)
}
