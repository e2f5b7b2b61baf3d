package cli

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"oauthd/core"
)

// runLines runs a list command and decodes its JSON lines.
func runLines(t *testing.T, args ...string) []map[string]any {
	t.Helper()
	code, stdout, stderr := run(args...)
	if code != 0 || stderr != "" {
		t.Fatalf("%q: exit %d\nstdout: %s\nstderr: %s", args, code, stdout, stderr)
	}
	var rows []map[string]any
	for _, line := range strings.SplitAfter(stdout, "\n") {
		if line == "" {
			continue
		}
		var row map[string]any
		if err := json.Unmarshal([]byte(line), &row); err != nil || !strings.HasSuffix(line, "}\n") {
			t.Fatalf("%q: line %q: %v", args, line, err)
		}
		rows = append(rows, row)
	}
	return rows
}

func runJSON(t *testing.T, into any, args ...string) {
	t.Helper()
	code, stdout, stderr := run(args...)
	if code != 0 || stderr != "" {
		t.Fatalf("%q: exit %d\nstdout: %s\nstderr: %s", args, code, stdout, stderr)
	}
	if err := json.Unmarshal([]byte(stdout), into); err != nil {
		t.Fatalf("%q: %v: %s", args, err, stdout)
	}
}

func TestClientCommands(t *testing.T) {
	dsn := setup(t)
	const uri = "http://127.0.0.1:9000/cb"

	var user map[string]any
	runJSON(t, &user, "user", "add", "--email", "Owner@Example.com", "--password", "owner-password", "--role", "A", "--role", "B")
	if user["email"] != "owner@example.com" || user["full_name"] != "owner" || user["id"] == nil {
		t.Errorf("user add: %v", user)
	}
	var named map[string]any
	runJSON(t, &named, "user", "add", "--email", "ada@example.com", "--password", "ada-password",
		"--first-name", "Ada", "--last-name", "King Lovelace")
	if named["full_name"] != "Ada King Lovelace" || named["first_name"] != "Ada" || named["last_name"] != "King Lovelace" {
		t.Errorf("user add with names: %v", named)
	}
	runJSON(t, &named, "user", "add", "--email", "mono@example.com", "--password", "mono-password", "--full-name", "Mononym")
	if named["first_name"] != "Mononym" || named["last_name"] != "" {
		t.Errorf("user add, one-word name: %v", named)
	}
	if code, _, stderr := run("user", "add", "--email", "owner@example.com", "--password", "owner-password"); code != 1 ||
		!strings.Contains(stderr, "already exists") {
		t.Errorf("duplicate user: exit %d: %s", code, stderr)
	}

	var conf map[string]any
	runJSON(t, &conf, "client", "add", "--name", "Confidential", "--redirect-uri", uri, "--redirect-uri", uri+"2",
		"--owner", "owner@example.com", "--grant-type", "authorization_code,client_credentials", "--scope", "openid")
	id, _ := conf["client_id"].(string)
	secret, _ := conf["client_secret"].(string)
	if id == "" || len(secret) < 20 || !equalJSON(conf["auth_methods"], []string{"client_secret_basic", "client_secret_post"}) || conf["has_owner"] != true ||
		conf["pkce"] != "optional" || conf["default_redirect_uri"] != uri || conf["scope"] != "openid" ||
		conf["refresh_rotation"] != true || !equalJSON(conf["redirect_uris"], []string{uri, uri + "2"}) ||
		!equalJSON(conf["grant_types"], []string{"authorization_code", "client_credentials"}) {
		t.Errorf("client add: %v", conf)
	}

	var pub map[string]any
	if code, _, stderr := run("client", "add", "--name", "Public", "--redirect-uri", uri, "--client-id", "spa",
		"--auth-method", "none", "--refresh-rotation", "off"); code != 1 || !strings.Contains(stderr, "always rotates") {
		t.Errorf("public client with refresh rotation off: exit %d: %s", code, stderr)
	}
	runJSON(t, &pub, "--config", "", "client", "add", "--name", "Public", "--redirect-uri", uri, "--client-id", "spa",
		"--auth-method", "none")
	if pub["client_id"] != "spa" || pub["client_secret"] != "" || pub["pkce"] != "required" || pub["refresh_rotation"] != true ||
		pub["application_type"] != "web" {
		t.Errorf("public client add: %v", pub)
	}
	if code, stdout, _ := run("client", "add", "--name", "Again", "--redirect-uri", uri, "--client-id", "spa"); code != 1 ||
		stdout != "" {
		t.Errorf("taken client id: exit %d %s", code, stdout)
	}
	if code, _, _ := run("client", "rotate-secret", "spa"); code != 1 {
		t.Errorf("rotating a public client's secret: exit %d", code)
	}

	var restricted map[string]any
	runJSON(t, &restricted, "client", "add", "--name", "SPA2", "--redirect-uri", uri, "--auth-method",
		"client_secret_post", "--cors-origin", "https://App.Example", "--cors-origin", "http://localhost:3000/")
	if !equalJSON(restricted["auth_methods"], []string{"client_secret_post"}) ||
		!equalJSON(restricted["cors_origins"], []string{"http://localhost:3000", "https://app.example"}) {
		t.Errorf("restricted client add: %v", restricted)
	}
	for _, bad := range [][]string{{"--auth-method", "none,client_secret_post"}, {"--auth-method", "magic"},
		{"--cors-origin", "https://app.example/path"}, {"--cors-origin", "*"}} {
		args := append([]string{"client", "add", "--name", "Bad", "--redirect-uri", uri}, bad...)
		if code, stdout, _ := run(args...); code != 1 || stdout != "" {
			t.Errorf("%v: exit %d %s", bad, code, stdout)
		}
	}

	list := runLines(t, "client", "list")
	if len(list) != 3 {
		t.Fatalf("client list: %v", list)
	}
	for _, c := range list {
		for k := range c {
			if strings.Contains(k, "secret") {
				t.Errorf("client list shows %s: %v", k, c)
			}
		}
	}

	var rotated map[string]any
	runJSON(t, &rotated, "client", "rotate-secret", id)
	if rotated["client_id"] != id || rotated["client_secret"] == secret || len(rotated["client_secret"].(string)) < 20 {
		t.Errorf("rotate-secret: %v", rotated)
	}

	var removed map[string]any
	runJSON(t, &removed, "client", "remove", id)
	if removed["client_id"] != id || removed["removed"] != true {
		t.Errorf("client remove: %v", removed)
	}
	if n := clientCount(t, dsn); n != 2 {
		t.Errorf("%d clients left, want 2", n)
	}
}

func equalJSON(v any, want []string) bool {
	list, ok := v.([]any)
	if !ok {
		return false
	}
	got := make([]string, 0, len(list))
	for _, s := range list {
		str, _ := s.(string)
		got = append(got, str)
	}
	return slices.Equal(got, want)
}

func TestRefusedList(t *testing.T) {
	for _, tc := range []struct {
		current       string
		refuse, allow []string
		want          string
	}{
		{"", []string{"plain_pkce"}, nil, "plain_pkce"},
		{"plain_pkce secret_in_url", nil, []string{"plain_pkce"}, "secret_in_url"},
		{"plain_pkce", []string{"no_client_auth"}, []string{"all"}, "no_client_auth"},
		{"", []string{"all"}, []string{"hs256_id_token"}, strings.Join(core.QuirkNames(), " ")},
	} {
		got, err := refusedList(strings.Fields(tc.current), tc.refuse, tc.allow)
		if err != nil || strings.Join(got, " ") != tc.want {
			t.Errorf("refusedList(%q, %v, %v) = %v, %v; want %q", tc.current, tc.refuse, tc.allow, got, err, tc.want)
		}
	}
	if _, err := refusedList(nil, []string{"nonsense"}, nil); err == nil {
		t.Error("an unknown quirk was accepted")
	}
}
