package tests

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A public client always rotates its refresh tokens: the CLI and the admin API refuse rotation
// off for one, with a message naming the rule, and store nothing; a confidential client may
// still keep its refresh token (the Odoo module's behaviour). A static [[clients]] table is
// refused the same way; registration never offers rotation off.
func TestPublicClientRotationCannotBeOff(t *testing.T) {
	t.Parallel()
	a := startAdmin(t)
	_, stderr, code := a.TryCLI("client", "add", "--name", "SPA", "--redirect-uri", "http://localhost/cb",
		"--auth-method", "none", "--refresh-rotation", "off")
	if code == 0 || !strings.Contains(stderr, "public client") || !strings.Contains(stderr, "rotat") {
		t.Errorf("client add, public, rotation off: exit %d %q", code, stderr)
	}
	r := a.call(t, "POST", "/clients", map[string]any{"name": "SPA", "redirect_uris": []string{"http://localhost/cb"},
		"auth_methods": []string{"none"}, "refresh_rotation": false})
	if r.Status != http.StatusBadRequest || !strings.Contains(string(r.Raw), "public client") {
		t.Errorf("admin API create: %s", r)
	}
	if n := frappeCount(t, a.Server, "SELECT COUNT(*) FROM clients"); n != 0 {
		t.Fatalf("refused clients were stored: %d", n)
	}
	pub := a.AddClient(t, "--name", "SPA", "--redirect-uri", "http://localhost/cb", "--auth-method", "none")
	r = a.call(t, "PATCH", "/clients/"+pub.ID, map[string]any{"refresh_rotation": false})
	if r.Status != http.StatusBadRequest || !strings.Contains(string(r.Raw), "public client") {
		t.Errorf("admin API update: %s", r)
	}
	if n := frappeCount(t, a.Server, "SELECT COUNT(*) FROM clients WHERE refresh_rotation = ?", true); n != 1 {
		t.Fatalf("the public client's rotation was turned off")
	}
	conf := a.AddClient(t, "--name", "Sync", "--redirect-uri", "http://localhost/cb", "--refresh-rotation", "off")
	if conf.Secret == "" {
		t.Fatalf("a confidential client with rotation off: %+v", conf)
	}
}

func TestStaticPublicClientRotationCannotBeOff(t *testing.T) {
	t.Parallel()
	s := StartServer(t)
	path := filepath.Join(t.TempDir(), "oauthd.toml")
	cfg := "[[clients]]\nclient_id = \"spa\"\nname = \"SPA\"\nredirect_uris = [\"http://localhost/cb\"]\n" +
		"auth_methods = [\"none\"]\nrefresh_rotation = false\n"
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	_, stderr, code := s.TryCLI("--config", path, "migrate")
	if code == 0 || !strings.Contains(stderr, `static client "spa"`) || !strings.Contains(stderr, "public client") {
		t.Errorf("static public client with rotation off: exit %d %.200q", code, stderr)
	}
	if n := frappeCount(t, s, "SELECT COUNT(*) FROM clients"); n != 0 {
		t.Fatalf("the refused static client was stored")
	}
}
