package tests

import (
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

const staticConfig = `
[[users]]
email = "suite@example.com"
password_env = "SUITE_PASSWORD"
full_name = "Suite Runner"
roles = ["System Manager"]

[[clients]]
client_id = "suite-confidential"
name = "Suite App"
redirect_uris = ["http://localhost/cb"]
auth_methods = ["client_secret_post"]
grant_types = ["authorization_code", "refresh_token", "client_credentials"]
owner = "suite@example.com"
secret_env = "SUITE_SECRET"
skip_authorization = true

[[clients]]
client_id = "suite-public"
name = "Suite SPA"
redirect_uris = ["http://localhost:3000/cb"]
auth_methods = ["none"]
`

// staticServer starts oauthd with a config file holding [[users]] and [[clients]].
func staticServer(t *testing.T, config string) (*Server, string) {
	t.Helper()
	base := StartServer(t)
	base.Stop(t)
	path := filepath.Join(t.TempDir(), "oauthd.toml")
	if err := os.WriteFile(path, []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	s := &Server{DB: base.DB, Env: append(base.Env, "SUITE_PASSWORD=suite-password-1",
		"SUITE_SECRET=suite-secret-0123456789")}
	s.startWith(t, "--config", path, "serve")
	t.Cleanup(func() { s.Stop(t) })
	return s, path
}

func TestStaticClientsAndUsersFromTheConfigFile(t *testing.T) {
	s, path := staticServer(t, staticConfig)
	cc := SendForm(t, nil, "POST", s.URL+frappeOAuth+"get_token", url.Values{"grant_type": {"client_credentials"},
		"client_id": {"suite-confidential"}, "client_secret": {"suite-secret-0123456789"}})
	if cc.Status != http.StatusOK {
		t.Fatalf("client_credentials with the configured secret: %d %s", cc.Status, cc.Raw)
	}
	odooCC := odooPostForm(t, nil, s.URL+odooOAuth+"/access_token", url.Values{"grant_type": {"client_credentials"},
		"client_id": {"suite-confidential"}, "client_secret": {"suite-secret-0123456789"}})
	if odooCC.Status != http.StatusOK {
		t.Fatalf("the same client through the Odoo dialect: %d %s", odooCC.Status, odooCC.Raw)
	}
	b := frappeLoginAs(t, s, "suite@example.com", "suite-password-1")
	odooLogin(t, s, "suite@example.com", "suite-password-1")

	// applied again (migrate, then a restart): nothing duplicated, no session ended
	for range 2 {
		if _, stderr, code := s.TryCLI("--config", path, "migrate"); code != 0 {
			t.Fatalf("migrate: %d %s", code, stderr)
		}
	}
	s.Stop(t)
	s.startWith(t, "--config", path, "serve")
	if n := frappeCount(t, s, "SELECT COUNT(*) FROM users"); n != 1 {
		t.Fatalf("%d users after applying twice", n)
	}
	if n := frappeCount(t, s, "SELECT COUNT(*) FROM clients"); n != 2 {
		t.Fatalf("%d clients after applying twice", n)
	}
	if r := Send(t, b, "GET", s.URL+frappeLoggedIn, nil); r.Status != http.StatusOK {
		t.Fatalf("re-applying the same configuration ended a session: %d", r.Status)
	}

	// the file changes: the rows follow
	changed := strings.Replace(staticConfig, `name = "Suite App"`, `name = "Suite App 2"`, 1)
	changed = strings.Replace(changed, `roles = ["System Manager"]`, `roles = ["Accounts User"]`, 1)
	os.WriteFile(path, []byte(changed), 0o600)
	if _, stderr, code := s.TryCLI("--config", path, "migrate"); code != 0 {
		t.Fatalf("migrate: %d %s", code, stderr)
	}
	if n := frappeCount(t, s, "SELECT COUNT(*) FROM clients WHERE name = 'Suite App 2'"); n != 1 {
		t.Fatal("the client's new name was not applied")
	}
	if n := frappeCount(t, s, "SELECT COUNT(*) FROM users WHERE roles = 'Accounts User'"); n != 1 {
		t.Fatal("the user's new roles were not applied")
	}

	// a profile and refused quirks
	changed = strings.Replace(changed, `name = "Suite SPA"`, `name = "Suite SPA"
profile = "frappe-v15"
refused_quirks = ["revoke_without_client"]`, 1)
	os.WriteFile(path, []byte(changed), 0o600)
	if _, stderr, code := s.TryCLI("--config", path, "migrate"); code != 0 {
		t.Fatalf("migrate: %d %s", code, stderr)
	}
	if n := frappeCount(t, s, "SELECT COUNT(*) FROM clients WHERE id = 'suite-public' AND profile = 'frappe-v15' "+
		"AND refused_quirks = 'revoke_without_client'"); n != 1 {
		t.Fatal("the client's profile and refused quirks were not applied")
	}
}

func TestStaticSetupErrorsExit2AndWriteNothing(t *testing.T) {
	s := StartServer(t)
	s.Env = append(s.Env, "SUITE_PASSWORD=suite-password-1", "SUITE_SECRET=suite-secret-0123456789")
	dir := t.TempDir()
	valid := filepath.Join(dir, "valid.toml")
	os.WriteFile(valid, []byte(staticConfig), 0o600)
	for name, cfg := range map[string]string{
		"no secret":        strings.Replace(staticConfig, `secret_env = "SUITE_SECRET"`, ``, 1),
		"unset variable":   strings.Replace(staticConfig, `SUITE_SECRET`, `NO_SUCH_VARIABLE_15`, 1),
		"unknown key":      staticConfig + "\n[[users]]\nemail = \"x@example.com\"\npassword = \"long-enough\"\ncolour = \"red\"\n",
		"public secret":    staticConfig + "\n[[clients]]\nclient_id = \"p\"\nname = \"P\"\nredirect_uris = [\"http://l/cb\"]\nauth_methods = [\"none\"]\nsecret = \"0123456789abcdef\"\n",
		"no client_id":     staticConfig + "\n[[clients]]\nname = \"P\"\nredirect_uris = [\"http://l/cb\"]\nauth_methods = [\"none\"]\n",
		"no user password": staticConfig + "\n[[users]]\nemail = \"x@example.com\"\n",
	} {
		path := filepath.Join(dir, strings.ReplaceAll(name, " ", "-")+".toml")
		os.WriteFile(path, []byte(cfg), 0o600)
		_, stderr, code := s.TryCLI("--config", path, "migrate")
		if code != 2 || !strings.Contains(stderr, "config: ") {
			t.Errorf("%s: exit %d, %q; want 2 and a config error", name, code, stderr)
		}
	}
	if n := frappeCount(t, s, "SELECT COUNT(*) FROM users"); n != 0 {
		t.Fatalf("a refused configuration wrote %d users", n)
	}
	if _, stderr, code := s.TryCLI("--config", valid, "migrate"); code != 0 { // the control: only the mistakes failed
		t.Fatalf("the valid configuration: exit %d %s", code, stderr)
	}
}

func TestSIGHUPReloadsLogLevelStaticSetupAndCORS(t *testing.T) {
	s, path := staticServer(t, "[log]\nformat = \"json\"\n"+staticConfig)
	preflight := func() string {
		r := Send(t, nil, "OPTIONS", s.URL+frappeOAuth+"get_token", nil, "Origin", "https://suite.example",
			"Access-Control-Request-Method", "POST")
		return r.Header.Get("Access-Control-Allow-Origin")
	}
	if got := preflight(); got != "" {
		t.Fatalf("an origin not configured is allowed: %q", got)
	}
	changed := "[log]\nformat = \"json\"\nlevel = \"warn\"\n[server]\nbody_limit = 4096\n" +
		"[cors]\nallowed_origins = [\"https://suite.example\"]\n" +
		strings.Replace(staticConfig, `name = "Suite App"`, `name = "Reloaded App"`, 1)
	os.WriteFile(path, []byte(changed), 0o600)
	s.cmd.Process.Signal(syscall.SIGHUP)
	waitFor(t, 5*time.Second, "the reload", func() bool {
		return strings.Contains(s.log.String(), `"msg":"reload: changed section needs a restart"`)
	})
	if got := preflight(); got != "https://suite.example" {
		t.Fatalf("SIGHUP did not apply cors.allowed_origins: %q", got)
	}
	mark := len(s.log.String())
	Send(t, nil, "GET", s.URL+"/healthz", nil)
	if n := frappeCount(t, s, "SELECT COUNT(*) FROM clients WHERE name = 'Reloaded App'"); n != 1 {
		t.Fatal("SIGHUP did not apply the static client's new name")
	}
	s.Stop(t)
	log := s.log.String()
	if strings.Contains(log[mark:], `"msg":"request"`) {
		t.Fatalf("level warn still logs access lines:\n%s", log[mark:])
	}
	if !strings.Contains(log, `"section":"Server"`) || strings.Contains(log, `"section":"CORS"`) ||
		!strings.Contains(log, `"msg":"reloaded"`) {
		t.Fatalf("the reload does not say what it applied and what needs a restart:\n%s", log)
	}
}
