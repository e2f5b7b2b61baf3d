package config

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// inDir runs the test in an empty directory so a config.toml elsewhere cannot leak in.
func inDir(t *testing.T) string {
	dir := t.TempDir()
	t.Chdir(dir)
	return dir
}

func TestDefaultsWithoutFile(t *testing.T) {
	inDir(t)
	c, err := Load("")
	if err != nil {
		t.Fatal(err)
	}
	if c.Server.Addr != "127.0.0.1:8000" || c.Database.Driver != "sqlite" || c.Database.DSN != "oauthd.db" {
		t.Fatalf("defaults: %+v %+v", c.Server, c.Database)
	}
	if c.OAuth.CodeTTL != 10*time.Minute || c.Frappe.AccessTTL != time.Hour || c.Odoo.AccessTTL != 30*time.Minute {
		t.Fatalf("ttls: %+v", c)
	}
}

// TestRepoFileMatchesDefaults keeps config.toml and the built-in defaults identical, since the
// file is documented as "every key below is the built-in default".
func TestRepoFileMatchesDefaults(t *testing.T) {
	abs, err := filepath.Abs("../config.toml")
	if err != nil {
		t.Fatal(err)
	}
	inDir(t)
	fromFile, err := Load(abs)
	if err != nil {
		t.Fatal(err)
	}
	builtIn, err := Load("")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(fromFile, builtIn) {
		t.Fatalf("config.toml differs from built-in defaults:\nfile:     %+v\nbuilt-in: %+v", *fromFile, *builtIn)
	}
}

func TestEnvironmentOverrides(t *testing.T) {
	inDir(t)
	t.Setenv("OAUTHD_SERVER_ADDR", "0.0.0.0:9999")
	t.Setenv("OAUTHD_DATABASE_DRIVER", "mysql")
	t.Setenv("OAUTHD_DATABASE_DSN", "root@tcp(127.0.0.1:3306)/x")
	t.Setenv("OAUTHD_ODOO_ACCESS_TTL", "15m")
	t.Setenv("OAUTHD_OAUTH_PKCE_MIN_VERIFIER_LENGTH", "1")
	t.Setenv("OAUTHD_LOGIN_SECURE_COOKIES", "true")
	t.Setenv("OAUTHD_REQUIRE_MYSQL", "1") // a test switch, not configuration: ignored
	c, err := Load("")
	if err != nil {
		t.Fatal(err)
	}
	if c.Server.Addr != "0.0.0.0:9999" || c.Database.Driver != "mysql" || c.Database.DSN != "root@tcp(127.0.0.1:3306)/x" {
		t.Fatalf("env not applied: %+v %+v", c.Server, c.Database)
	}
	if c.Odoo.AccessTTL != 15*time.Minute || c.OAuth.PKCEMinVerifierLength != 1 || !c.Login.SecureCookies {
		t.Fatalf("env not applied: %+v %+v %+v", c.Odoo, c.OAuth, c.Login)
	}
}

func TestCORSAndRotationKeys(t *testing.T) {
	dir := inDir(t)
	path := filepath.Join(dir, "cors.toml")
	os.WriteFile(path, []byte("[cors]\nallowed_origins = [\"https://App.example/\", \"http://localhost:3000\"]\n"+
		"[oauth]\nrevoke_access_on_refresh = true\n"), 0o600)
	c, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(c.CORS.AllowedOrigins, []string{"https://app.example", "http://localhost:3000"}) ||
		!c.OAuth.RevokeAccessOnRefresh {
		t.Fatalf("file: %+v %+v", c.CORS, c.OAuth)
	}
	t.Setenv("OAUTHD_CORS_ALLOWED_ORIGINS", " https://a.example , *")
	if c, err = Load(""); err != nil || !reflect.DeepEqual(c.CORS.AllowedOrigins, []string{"https://a.example", "*"}) {
		t.Fatalf("env: %+v, %v", c.CORS, err)
	}
	t.Setenv("OAUTHD_CORS_ALLOWED_ORIGINS", "")
	if c, err = Load(""); err != nil || len(c.CORS.AllowedOrigins) != 0 || c.OAuth.RevokeAccessOnRefresh ||
		c.Odoo.ServerVersion != "17.0" {
		t.Fatalf("defaults: %+v %+v %q, %v", c.CORS, c.OAuth, c.Odoo.ServerVersion, err)
	}
}

func TestFileThenEnvironment(t *testing.T) {
	dir := inDir(t)
	path := filepath.Join(dir, "custom.toml")
	os.WriteFile(path, []byte("[server]\naddr = \"127.0.0.1:7000\"\n[odoo]\nvalidity_format = \"seconds\"\n"), 0o600)
	t.Setenv("OAUTHD_SERVER_ADDR", "127.0.0.1:7001")
	c, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if c.Server.Addr != "127.0.0.1:7001" || c.Odoo.ValidityFormat != "seconds" {
		t.Fatalf("layering wrong: %+v %+v", c.Server, c.Odoo)
	}
}

func TestInvalidConfigNamesTheKey(t *testing.T) {
	cases := []struct {
		name, env, value, file, want string
	}{
		{name: "unknown driver", env: "OAUTHD_DATABASE_DRIVER", value: "oracle", want: "database.driver"},
		{name: "bad duration", env: "OAUTHD_OAUTH_CODE_TTL", value: "ten minutes", want: "oauth.code_ttl"},
		{name: "negative duration", env: "OAUTHD_FRAPPE_ACCESS_TTL", value: "-1h", want: "frappe.access_ttl"},
		{name: "not a number", env: "OAUTHD_SERVER_BODY_LIMIT", value: "big", want: "server.body_limit"},
		{name: "not a boolean", env: "OAUTHD_LOGIN_SECURE_COOKIES", value: "maybe", want: "login.secure_cookies"},
		{name: "bad consent policy", env: "OAUTHD_OAUTH_SKIP_AUTHORIZATION", value: "never", want: "oauth.skip_authorization"},
		{name: "typo in known section", env: "OAUTHD_SERVER_ADRR", value: "x", want: "server.adrr"},
		{name: "unknown key in file", file: "[server]\nport = 1\n", want: "server.port"},
		{name: "origin with a path", env: "OAUTHD_CORS_ALLOWED_ORIGINS", value: "https://a.example/app", want: "cors.allowed_origins"},
		{name: "origins not a list", file: "[cors]\nallowed_origins = 3\n", want: "cors.allowed_origins"},
		{name: "unparseable file", file: "[server\n", want: "cannot read"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := inDir(t)
			path := ""
			if tc.file != "" {
				path = filepath.Join(dir, "c.toml")
				os.WriteFile(path, []byte(tc.file), 0o600)
			}
			if tc.env != "" {
				t.Setenv(tc.env, tc.value)
			}
			_, err := Load(path)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("want an error naming %q, got %v", tc.want, err)
			}
			if strings.Count(err.Error(), "\n") != 0 {
				t.Fatalf("error must be one line: %q", err)
			}
		})
	}
}

func TestUnreadableFile(t *testing.T) {
	inDir(t)
	if _, err := Load("/nonexistent/oauthd.toml"); err == nil || !strings.Contains(err.Error(), "cannot read") {
		t.Fatalf("got %v", err)
	}
}

// The OIDC keys and registration sections take their environment overrides like the others.
func TestKeysAndRegistrationFromEnvironment(t *testing.T) {
	inDir(t)
	t.Setenv("OAUTHD_KEYS_ENCRYPTION_SECRET", strings.Repeat("k", 32))
	t.Setenv("OAUTHD_REGISTRATION_ENABLED", "true")
	t.Setenv("OAUTHD_REGISTRATION_ALLOWED_REDIRECT_HOSTS", "localhost,claude.ai")
	t.Setenv("OAUTHD_OAUTH_RESOURCES", "https://api.example/mcp")
	c, err := Load("")
	if err != nil {
		t.Fatal(err)
	}
	if c.Keys.EncryptionSecret != strings.Repeat("k", 32) || !c.Registration.Enabled ||
		!reflect.DeepEqual(c.Registration.AllowedRedirectHosts, []string{"localhost", "claude.ai"}) ||
		!reflect.DeepEqual(c.OAuth.Resources, []string{"https://api.example/mcp"}) {
		t.Fatalf("loaded %+v %+v %+v", c.Keys, c.Registration, c.OAuth.Resources)
	}
}
