package config

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/knadh/koanf/parsers/toml"
	"github.com/knadh/koanf/providers/file"
	"github.com/knadh/koanf/v2"
)

// Fixtures is a --fixtures file (TOML, or JSON for a name ending in .json): [[users]] and
// [[clients]] exactly as in the configuration, plus [[consents]] already granted and
// [[tokens]] with given values.
type Fixtures struct {
	Users    []StaticUser
	Clients  []StaticClient
	Consents []FixtureConsent
	Tokens   []FixtureToken
}

// FixtureConsent is a [[consents]] table: the user approved the client for the scope ("": all
// the client's scopes).
type FixtureConsent struct {
	User, ClientID, Scope string
}

// FixtureToken is a [[tokens]] table: a token with the values a suite hard-codes.
type FixtureToken struct {
	ClientID     string
	User         string // "": the client's own token
	AccessToken  string
	RefreshToken string
	Scope        string
	ExpiresIn    time.Duration // 0: the core's default
}

var (
	fixtureKeys = []string{"users", "clients", "consents", "tokens"}
	consentKeys = []string{"user", "client_id", "scope"}
	tokenKeys   = []string{"client_id", "user", "access_token", "refresh_token", "scope", "expires_in"}
)

// LoadFixtures reads and checks a fixtures file. An error names the file, the entry and the
// field: `fixtures f.toml: tokens[0] ("x"): expires_in: must be at least 1, got 0`.
func LoadFixtures(path string) (*Fixtures, error) {
	var parser koanf.Parser = toml.Parser()
	if strings.EqualFold(filepath.Ext(path), ".json") {
		parser = jsonParser{}
	}
	k := koanf.New(".")
	if err := k.Load(file.Provider(path), parser); err != nil {
		return nil, fmt.Errorf("fixtures %s: cannot read: %w", path, err)
	}
	r := &reader{k: k, prefix: "fixtures " + path + ": "}
	for _, key := range k.Keys() {
		if top, _, _ := strings.Cut(key, "."); !slices.Contains(fixtureKeys, top) {
			r.fail(top, fmt.Errorf("unknown key (want %s)", strings.Join(fixtureKeys, ", ")))
		}
	}
	f := &Fixtures{}
	f.Clients, f.Users = r.static()
	f.Consents = readTables(r, "consents", "client_id", consentKeys, fixtureConsent)
	f.Tokens = readTables(r, "tokens", "client_id", tokenKeys, fixtureToken)
	return f, r.err
}

func fixtureConsent(tr *reader, _ *koanf.Koanf) FixtureConsent {
	c := FixtureConsent{User: tr.str("user"), ClientID: tr.str("client_id"), Scope: tr.str("scope")}
	tr.required("user", c.User)
	tr.required("client_id", c.ClientID)
	return c
}

func fixtureToken(tr *reader, t *koanf.Koanf) FixtureToken {
	tok := FixtureToken{ClientID: tr.str("client_id"), User: tr.str("user"), AccessToken: tr.str("access_token"),
		RefreshToken: tr.str("refresh_token"), Scope: tr.str("scope")}
	if t.Exists("expires_in") {
		tok.ExpiresIn = time.Duration(tr.integer("expires_in", 1)) * time.Second
	}
	tr.required("client_id", tok.ClientID)
	tr.required("access_token", tok.AccessToken)
	return tok
}

// required fails key when its value is empty.
func (r *reader) required(key, value string) {
	if value == "" {
		r.fail(key, fmt.Errorf("required"))
	}
}

// jsonParser reads a JSON fixtures file into the same tree the TOML parser gives.
type jsonParser struct{}

func (jsonParser) Unmarshal(b []byte) (map[string]any, error) {
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("invalid JSON: %w", err)
	}
	return m, nil
}

func (jsonParser) Marshal(m map[string]any) ([]byte, error) { return json.Marshal(m) }
