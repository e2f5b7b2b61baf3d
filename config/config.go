// Package config loads oauthd's settings: built-in defaults, then a TOML file, then OAUTHD_*
// environment variables, each layer overriding the one before.
package config

import "time"

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
