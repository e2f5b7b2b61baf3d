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

	list := jsonLines[map[string]any](t, s.CLI(t, "client", "list"))
	if len(list) != 2 {
		t.Fatalf("client list: %v", list)
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
	if list = jsonLines[map[string]any](t, s.CLI(t, "client", "list")); len(list) != 1 {
		t.Fatalf("after remove: %v", list)
	}
}

// A refused command writes nothing. One that cannot run as given exits 2 with its line and the
// command's usage; one that ran and failed exits 1 with one line, "oauthd: COMMAND: what".
func TestCLIRefusalsWriteNothing(t *testing.T) {
	s := StartServer(t)
	s.AddUser(t, "u@example.com", "user-password", "U")
	const cb = "https://x.example/cb"
	cases := []struct {
		code int
		args []string
	}{
		{2, []string{"client", "add", "--name", "X"}},
		{2, []string{"client", "add", "--redirect-uri", cb}},
		{2, []string{"client", "add", "--name", "X", "--redirect-uri", cb, "--refresh-rotation", "maybe"}},
		{2, []string{"client", "add", "--name", "X", "--redirect-uri", cb, "--bogus"}},
		{2, []string{"client", "remove"}},
		{2, []string{"client", "rotate-secret", "a", "b"}},
		{2, []string{"client", "frobnicate"}},
		{2, []string{"user", "add", "--email", "u2@example.com"}},
		{2, []string{"frobnicate"}},
		{1, []string{"client", "add", "--name", "X", "--redirect-uri", "not-a-url"}},
		{1, []string{"client", "add", "--name", "X", "--redirect-uri", cb + "#frag"}},
		{1, []string{"client", "add", "--name", "X", "--redirect-uri", cb, "--auth-method", "magic"}},
		{1, []string{"client", "add", "--name", "X", "--redirect-uri", cb, "--grant-type", "password"}},
		{1, []string{"client", "add", "--name", "X", "--redirect-uri", cb, "--pkce", "sometimes"}},
		{1, []string{"client", "add", "--name", "X", "--redirect-uri", cb, "--owner", "nobody@example.com"}},
		{1, []string{"client", "remove", "no-such-client"}},
		{1, []string{"user", "add", "--email", "not-an-email", "--password", "long-enough"}},
		{1, []string{"user", "add", "--email", "u@example.com", "--password", "duplicate-user"}},
	}
	for _, c := range cases {
		cliRefuses(t, s, c.code, c.args...)
	}
	if list := jsonLines[map[string]any](t, s.CLI(t, "client", "list")); len(list) != 0 {
		t.Fatalf("a failed command wrote a client: %v", list)
	}
}

// cliRefuses runs a command that must fail with code and checks what it says: nothing on stdout;
// on stderr "oauthd: COMMAND: what" alone for exit 1, followed by the usage for exit 2. It
// returns stderr.
func cliRefuses(t *testing.T, s *Server, code int, args ...string) string {
	t.Helper()
	out, stderr, got := s.TryCLI(args...)
	cmd := strings.Join(args, " ")
	lines := strings.Split(strings.TrimSuffix(stderr, "\n"), "\n")
	ok := got == code && len(out) == 0 && strings.HasPrefix(stderr, "oauthd: ")
	switch code {
	case 1:
		ok = ok && len(lines) == 1 && !strings.Contains(stderr, "usage")
	case 2:
		ok = ok && len(lines) >= 2 && (strings.HasPrefix(lines[1], "usage: oauthd ") || lines[1] == "Run oauthd --help for the commands.")
	}
	if !ok {
		t.Errorf("oauthd %s: exit %d, stdout %q, stderr %q; want exit %d", cmd, got, out, stderr, code)
	}
	return stderr
}

// jsonLines decodes what a list command prints: one JSON object per line.
func jsonLines[T any](t testing.TB, out []byte) []T {
	t.Helper()
	var rows []T
	for _, line := range strings.SplitAfter(string(out), "\n") {
		if line == "" {
			continue
		}
		var row T
		if err := json.Unmarshal([]byte(line), &row); err != nil || !strings.HasSuffix(line, "}\n") {
			t.Fatalf("not one JSON object per line: %q (%v)", line, err)
		}
		rows = append(rows, row)
	}
	return rows
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
	list := jsonLines[map[string]any](t, demo.CLI(t, "client", "list"))
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
	cliRefuses(t, s, 2, "purge", "--older-than", "soon")
}
