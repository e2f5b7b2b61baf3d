package config

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

const fixturesTOML = `
[[users]]
email = "ada@example.com"
password = "ada-password-1"
roles = ["System Manager"]

[[clients]]
client_id = "suite-app"
name = "Suite App"
redirect_uris = ["http://localhost/cb"]
secret = "suite-secret-0123456789"

[[consents]]
user = "ada@example.com"
client_id = "suite-app"

[[tokens]]
client_id = "suite-app"
user = "ada@example.com"
access_token = "AAAA"
refresh_token = "RRRR"
scope = "all"
expires_in = 600
`

const fixturesJSON = `{
 "users": [{"email": "ada@example.com", "password": "ada-password-1", "roles": ["System Manager"]}],
 "clients": [{"client_id": "suite-app", "name": "Suite App", "redirect_uris": ["http://localhost/cb"],
              "secret": "suite-secret-0123456789"}],
 "consents": [{"user": "ada@example.com", "client_id": "suite-app"}],
 "tokens": [{"client_id": "suite-app", "user": "ada@example.com", "access_token": "AAAA",
             "refresh_token": "RRRR", "scope": "all", "expires_in": 600}]
}`

func writeFixtures(t *testing.T, name, body string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// TOML and JSON read into the same fixtures, with the static tables' defaults.
func TestLoadFixturesTOMLAndJSON(t *testing.T) {
	fromTOML, err := LoadFixtures(writeFixtures(t, "f.toml", fixturesTOML))
	if err != nil {
		t.Fatal(err)
	}
	fromJSON, err := LoadFixtures(writeFixtures(t, "f.json", fixturesJSON))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(fromTOML, fromJSON) {
		t.Fatalf("TOML %+v\nJSON %+v", fromTOML, fromJSON)
	}
	want := FixtureToken{ClientID: "suite-app", User: "ada@example.com", AccessToken: "AAAA", RefreshToken: "RRRR",
		Scope: "all", ExpiresIn: 600 * time.Second}
	if len(fromTOML.Tokens) != 1 || fromTOML.Tokens[0] != want {
		t.Fatalf("tokens: %+v", fromTOML.Tokens)
	}
	if c := fromTOML.Clients[0]; c.RefreshRotation != nil || c.Secret != "suite-secret-0123456789" || len(fromTOML.Users) != 1 ||
		!fromTOML.Users[0].Enabled || fromTOML.Consents[0] != (FixtureConsent{User: "ada@example.com", ClientID: "suite-app"}) {
		t.Fatalf("fixtures: %+v", fromTOML)
	}
}

// Every mistake names the file, the entry and the field.
func TestLoadFixturesErrorsNameEntryAndField(t *testing.T) {
	for name, tc := range map[string]struct{ body, want string }{
		"unknown top key": {fixturesTOML + "\n[server]\naddr = \"x\"\n", `server: unknown key`},
		"token without value": {strings.Replace(fixturesTOML, `access_token = "AAAA"`, ``, 1),
			`tokens[0] ("suite-app"): access_token: required`},
		"zero expires_in": {strings.Replace(fixturesTOML, `expires_in = 600`, `expires_in = 0`, 1),
			`tokens[0] ("suite-app"): expires_in: must be at least 1`},
		"unknown token key": {strings.Replace(fixturesTOML, `scope = "all"`, `scopes = "all"`, 1),
			`tokens[0] ("suite-app"): scopes: unknown key`},
		"consent without user": {strings.Replace(fixturesTOML, "user = \"ada@example.com\"\nclient_id", "client_id", 1),
			`consents[0] ("suite-app"): user: required`},
		"short secret": {strings.Replace(fixturesTOML, `suite-secret-0123456789`, `short`, 1),
			`clients[0] ("suite-app"): secret: a confidential client needs`},
		"user without password": {strings.Replace(fixturesTOML, `password = "ada-password-1"`, ``, 1),
			`users[0] ("ada@example.com"): password: required`},
		"tokens not tables": {"tokens = [1]\n", `tokens[0]: must be a table`},
		"json syntax":       {"{", "invalid JSON"},
	} {
		t.Run(name, func(t *testing.T) {
			file := "f.toml"
			if name == "json syntax" {
				file = "f.json"
			}
			path := writeFixtures(t, file, tc.body)
			_, err := LoadFixtures(path)
			if err == nil || !strings.HasPrefix(err.Error(), "fixtures "+path+": ") || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
		})
	}
}

// The configuration's static tables name their entries the same way.
func TestStaticTableErrorsNameTheEntry(t *testing.T) {
	path := writeFixtures(t, "oauthd.toml", "[[clients]]\nclient_id = \"app\"\nname = \"App\"\nredirect_uris = [\"http://l/cb\"]\n")
	_, err := Load(path)
	if err == nil || err.Error() != `config: clients[0] ("app"): secret: a confidential client needs a secret (or secret_env): a client secret must be 16 to 255 bytes long` {
		t.Fatalf("err = %v", err)
	}
}
