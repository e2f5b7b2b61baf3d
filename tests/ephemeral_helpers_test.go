package tests

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"testing"
)

// The fixtures the ephemeral tests start with: two users, an Odoo-style client that alice
// owns, a public SPA, alice's consent to the SPA, and tokens with fixed values.
const (
	ephAlice       = "alice@example.com"
	ephAlicePass   = "alice-password-1"
	ephBob         = "bob@example.com"
	ephApp         = "suite-app"
	ephSecret      = "suite-secret-0123456789"
	ephSPA         = "suite-spa"
	ephRedirect    = "http://localhost:3000/cb"
	ephAliceAccess = "suiteAliceAccessToken0000000000000000000"
	ephAliceFresh  = "suiteAliceRefreshToken000000000000000000"
	ephOwnAccess   = "suiteOwnAccessToken000000000000000000000"
	ephBobAccess   = "suiteBobAccessToken000000000000000000000"
)

const ephemeralFixtures = `
[[users]]
email = "alice@example.com"
password = "alice-password-1"
full_name = "Alice Suite"
roles = ["System Manager"]

[[users]]
email = "bob@example.com"
password = "bob-password-1"

[[clients]]
client_id = "suite-app"
name = "Suite App"
redirect_uris = ["http://localhost:3000/cb"]
grant_types = ["authorization_code", "refresh_token", "client_credentials"]
owner = "alice@example.com"
secret = "suite-secret-0123456789"

[[clients]]
client_id = "suite-spa"
name = "Suite SPA"
redirect_uris = ["http://localhost:3000/cb"]
auth_methods = ["none"]

[[tokens]]
client_id = "suite-app"
user = "alice@example.com"
access_token = "suiteAliceAccessToken0000000000000000000"
refresh_token = "suiteAliceRefreshToken000000000000000000"
expires_in = 3600

[[tokens]]
client_id = "suite-app"
access_token = "suiteOwnAccessToken000000000000000000000"
scope = "all"

[[tokens]]
client_id = "suite-spa"
user = "bob@example.com"
access_token = "suiteBobAccessToken000000000000000000000"
scope = "all"
expires_in = 60
`

// writeFile writes body into a new file name in a temporary directory and returns its path.
func writeFile(t testing.TB, name, body string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// startEphemeralSuite starts an ephemeral server with ephemeralFixtures.
func startEphemeralSuite(t testing.TB, args ...string) *Server {
	t.Helper()
	return StartEphemeral(t, append([]string{"--fixtures", writeFile(t, "fixtures.toml", ephemeralFixtures)}, args...)...)
}

// admin calls the ephemeral server's admin API with its own token; body nil sends none.
func (s *Server) admin(t testing.TB, method, path string, body any) *Resp {
	t.Helper()
	var raw []byte
	if body != nil {
		raw, _ = json.Marshal(body)
	}
	return Send(t, nil, method, s.Ready.AdminURL+"/admin/v1"+path, bytes.NewReader(raw),
		"Authorization", "Bearer "+s.Ready.AdminToken, "Content-Type", "application/json")
}

// frappeBearerUser is get_logged_user's answer for a token.
func frappeBearerUser(t testing.TB, s *Server, token string) *Resp {
	t.Helper()
	return Send(t, nil, http.MethodGet, s.URL+frappeLoggedIn, nil, "Authorization", "Bearer "+token)
}

// odooUserinfo is the Odoo dialect's userinfo for a token.
func odooUserinfo(t testing.TB, s *Server, token string) *Resp {
	t.Helper()
	return Send(t, nil, http.MethodGet, s.URL+odooOAuth+"/userinfo", nil, "Authorization", "Bearer "+token)
}

// ephRefresh refreshes suite-app's token through the Frappe dialect.
func ephRefresh(t testing.TB, s *Server, refresh string) *Resp {
	t.Helper()
	return SendForm(t, nil, http.MethodPost, s.URL+frappeOAuth+"get_token", url.Values{"grant_type": {"refresh_token"},
		"refresh_token": {refresh}, "client_id": {ephApp}, "client_secret": {ephSecret}})
}
