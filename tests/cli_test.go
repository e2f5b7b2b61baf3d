package tests

import (
	"encoding/json"
	"io"
	"net/http"
	"reflect"
	"strings"
	"testing"
)

func TestCLIUserAndClientLifecycle(t *testing.T) {
	s := StartServer(t)
	s.AddUser(t, "owner@example.com", "owner-password", "Owner Person")
	c := s.AddClient(t, "--name", "Migrated App", "--client-id", "frappe-legacy-id",
		"--redirect-uri", "https://app.example.com/cb", "--redirect-uri", "https://app.example.com/cb2",
		"--scope", "all openid", "--auth-method", "client_secret_post", "--skip-authorization",
		"--owner", "owner@example.com", "--grant-type", "authorization_code,refresh_token,client_credentials",
		"--pkce", "required", "--refresh-rotation", "off")
	if c.ID != "frappe-legacy-id" || len(c.Secret) < 30 {
		t.Fatalf("client add printed %+v", c)
	}
	pub := s.AddClient(t, "--name", "SPA", "--redirect-uri", "http://localhost:3000/cb", "--auth-method", "none")
	if pub.Secret != "" {
		t.Fatalf("a public client must get no secret, got %q", pub.Secret)
	}

	var list []map[string]any
	if err := json.Unmarshal(s.CLI(t, "client", "list"), &list); err != nil || len(list) != 2 {
		t.Fatalf("client list: %v %v", list, err)
	}
	first, second := list[0], list[1]
	if first["client_id"] != c.ID {
		first, second = second, first
	}
	if first["client_id"] != "frappe-legacy-id" || first["refresh_rotation"] != false || first["pkce"] != "required" ||
		first["skip_authorization"] != true || !reflect.DeepEqual(first["auth_methods"], []any{"client_secret_post"}) {
		t.Fatalf("client list entry: %v", first)
	}
	if _, ok := first["client_secret"]; ok {
		t.Fatal("client list must never print a secret")
	}
	if second["pkce"] != "required" {
		t.Fatalf("public clients default to PKCE required: %v", second)
	}

	var rotated Client
	json.Unmarshal(s.CLI(t, "client", "rotate-secret", c.ID), &rotated)
	if rotated.Secret == "" || rotated.Secret == c.Secret {
		t.Fatalf("rotate-secret printed %+v", rotated)
	}
	s.CLI(t, "client", "remove", c.ID)
	json.Unmarshal(s.CLI(t, "client", "list"), &list)
	if len(list) != 1 {
		t.Fatalf("after remove: %v", list)
	}
}

func TestCLIBadArgumentsExit2AndWriteNothing(t *testing.T) {
	s := StartServer(t)
	s.AddUser(t, "u@example.com", "user-password", "U")
	cases := [][]string{
		{"client", "add", "--name", "X"},
		{"client", "add", "--redirect-uri", "https://x.example/cb"},
		{"client", "add", "--name", "X", "--redirect-uri", "not-a-url"},
		{"client", "add", "--name", "X", "--redirect-uri", "https://x.example/cb#frag"},
		{"client", "add", "--name", "X", "--redirect-uri", "https://x.example/cb", "--auth-method", "magic"},
		{"client", "add", "--name", "X", "--redirect-uri", "https://x.example/cb", "--grant-type", "password"},
		{"client", "add", "--name", "X", "--redirect-uri", "https://x.example/cb", "--pkce", "sometimes"},
		{"client", "add", "--name", "X", "--redirect-uri", "https://x.example/cb", "--refresh-rotation", "maybe"},
		{"client", "add", "--name", "X", "--redirect-uri", "https://x.example/cb", "--owner", "nobody@example.com"},
		{"client", "add", "--name", "X", "--redirect-uri", "https://x.example/cb", "--bogus"},
		{"client", "remove"},
		{"client", "remove", "no-such-client"},
		{"client", "rotate-secret", "a", "b"},
		{"client", "frobnicate"},
		{"user", "add", "--email", "not-an-email", "--password", "long-enough"},
		{"user", "add", "--email", "u2@example.com"},
		{"user", "add", "--email", "u@example.com", "--password", "duplicate-user"},
		{"frobnicate"},
	}
	for _, args := range cases {
		_, stderr, code := s.TryCLI(args...)
		if code != 2 || !strings.Contains(stderr, "usage:") {
			t.Errorf("oauthd %s: exit %d, stderr %q; want exit 2 with usage", strings.Join(args, " "), code, stderr)
		}
	}
	var list []map[string]any
	json.Unmarshal(s.CLI(t, "client", "list"), &list)
	if len(list) != 0 {
		t.Fatalf("a failed command wrote a client: %v", list)
	}
}

func TestCLIInvalidConfigExit2(t *testing.T) {
	s := StartServer(t)
	cases := map[string]string{
		"OAUTHD_DATABASE_DRIVER=oracle":    "database.driver",
		"OAUTHD_OAUTH_CODE_TTL=soon":       "oauth.code_ttl",
		"OAUTHD_SERVER_SHUTDOWN_TIMEOUT=x": "server.shutdown_timeout",
	}
	for kv, key := range cases {
		bad := &Server{Env: append(append([]string{}, s.Env...), kv)}
		_, stderr, code := bad.TryCLI("migrate")
		if code != 2 || strings.Count(strings.TrimSpace(stderr), "\n") != 0 || !strings.Contains(stderr, key) {
			t.Errorf("%s: exit %d, stderr %q; want exit 2 and one line naming %s", kv, code, stderr, key)
		}
	}
	_, stderr, code := s.TryCLI("--config", "/nonexistent.toml", "migrate")
	if code != 2 || !strings.Contains(stderr, "/nonexistent.toml") {
		t.Errorf("unreadable config: exit %d, %q", code, stderr)
	}
	out, _, code := s.TryCLI("migrate")
	if code != 0 || !strings.Contains(string(out), "schema up to date") {
		t.Errorf("migrate: exit %d, %q", code, out)
	}
}

func TestHealthz(t *testing.T) {
	s := StartServer(t)
	resp, err := http.Get(s.URL + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), `"ok"`) {
		t.Fatalf("healthz: %d %s", resp.StatusCode, body)
	}
}

func TestServeDemoPrintsAWorkingAuthorizeURL(t *testing.T) {
	s := StartServer(t)
	s.Stop(t)
	demo := &Server{DB: s.DB, Env: s.Env}
	demo.startWith(t, "serve", "--demo")
	t.Cleanup(func() { demo.Stop(t) })
	out := demo.log.String()
	for _, want := range []string{"demo@example.com", "demo-client", "client secret:", "/api/method/frappe.integrations.oauth2.authorize?",
		"/restapi/1.0/common/oauth2/authorize?"} {
		if !strings.Contains(out, want) {
			t.Fatalf("serve --demo output lacks %q:\n%s", want, out)
		}
	}
	var list []map[string]any
	json.Unmarshal(demo.CLI(t, "client", "list"), &list)
	if len(list) != 1 || list[0]["client_id"] != "demo-client" {
		t.Fatalf("demo client not created: %v", list)
	}
}

func TestCLIPurge(t *testing.T) {
	s := StartServer(t)
	out, _, code := s.TryCLI("purge", "--older-than", "720h")
	var counts map[string]int
	if code != 0 || json.Unmarshal(out, &counts) != nil {
		t.Fatalf("purge: exit %d, %q", code, out)
	}
	for _, k := range []string{"codes", "tokens", "sessions"} {
		if _, ok := counts[k]; !ok {
			t.Fatalf("purge output lacks %q: %s", k, out)
		}
	}
	if _, stderr, code := s.TryCLI("purge", "--older-than", "soon"); code != 2 || !strings.Contains(stderr, "usage:") {
		t.Fatalf("bad --older-than: exit %d, %q", code, stderr)
	}
}
