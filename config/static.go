package config

import (
	"fmt"
	"os"
	"slices"

	"github.com/knadh/koanf/v2"

	"oauthd/core"
)

// StaticClient is a [[clients]] table: a client created or updated to match at every start
// and by `oauthd migrate`.
type StaticClient struct {
	ID                string
	Name              string
	RedirectURIs      []string
	Scope             string // empty: the default
	AuthMethods       []string
	GrantTypes        []string
	SkipAuthorization bool
	Owner             string
	PKCE              string
	PKCEPlain         bool
	RefreshRotation   *bool  // nil: the profile's
	Secret            string // from secret, or the variable named by secret_env
	Profile           string // empty: standard
	RefusedQuirks     []string
	AllowedRoles      []string
}

// StaticUser is a [[users]] table.
type StaticUser struct {
	Email                         string
	Password                      string // from password, or the variable named by password_env
	FullName, FirstName, LastName string
	Roles                         []string
	Enabled                       bool
}

var (
	clientKeys = []string{"client_id", "name", "redirect_uris", "scope", "auth_methods", "grant_types",
		"skip_authorization", "owner", "pkce", "pkce_plain", "refresh_rotation", "secret", "secret_env", "profile",
		"refused_quirks", "allowed_roles"}
	userKeys = []string{"email", "password", "password_env", "full_name", "first_name", "last_name", "roles",
		"enabled"}
)

// static reads the [[clients]] and [[users]] tables.
func (r *reader) static() ([]StaticClient, []StaticUser) {
	return readTables(r, "clients", "client_id", clientKeys, staticClient),
		readTables(r, "users", "email", userKeys, staticUser)
}

// readTables reads every table of the array kind ([[kind]]) with read; see readTable.
func readTables[T any](r *reader, kind, nameKey string, allowed []string, read func(*reader, *koanf.Koanf) T) []T {
	var out []T
	for i, t := range r.tables(kind) {
		if v, ok := readTable(r, kind, i, t, nameKey, allowed, read); ok {
			out = append(out, v)
		}
	}
	return out
}

// tables reads an array of tables ([[key]]); anything else under key is an error, not ignored.
func (r *reader) tables(key string) []*koanf.Koanf {
	switch v := r.k.Get(key).(type) {
	case nil, []map[string]any:
	case []any:
		for i, item := range v {
			if _, ok := item.(map[string]any); !ok {
				r.fail(fmt.Sprintf("%s[%d]", key, i), fmt.Errorf("must be a table, got %T", item))
			}
		}
	default:
		r.fail(key, fmt.Errorf("must be an array of tables ([[%s]]), got %T", key, v))
	}
	return r.k.Slices(key)
}

// readTable reads one table of an array with read, after refusing keys outside allowed. An
// error goes to r, naming the table by its place and its name key's value:
// clients[1] ("suite-app").
func readTable[T any](r *reader, kind string, i int, t *koanf.Koanf, nameKey string, allowed []string,
	read func(*reader, *koanf.Koanf) T) (T, bool) {
	where := fmt.Sprintf("%s[%d]", kind, i)
	if name := t.String(nameKey); name != "" {
		where += fmt.Sprintf(" (%q)", name)
	}
	tr := &reader{k: t}
	var v T
	if tr.only(allowed) {
		v = read(tr, t)
	}
	if tr.err != nil {
		r.fail(where, tr.err)
		return v, false
	}
	return v, true
}

func staticClient(tr *reader, t *koanf.Koanf) StaticClient {
	c := StaticClient{ID: tr.str("client_id"), Name: tr.str("name"), RedirectURIs: t.Strings("redirect_uris"),
		Scope: tr.str("scope"), AuthMethods: t.Strings("auth_methods"), GrantTypes: t.Strings("grant_types"),
		Owner: tr.str("owner"), PKCE: tr.str("pkce"), Secret: tr.secret("secret", "secret_env"),
		Profile: tr.str("profile"), RefusedQuirks: t.Strings("refused_quirks"), AllowedRoles: t.Strings("allowed_roles")}
	if t.Exists("skip_authorization") {
		c.SkipAuthorization = tr.boolean("skip_authorization")
	}
	if t.Exists("pkce_plain") {
		c.PKCEPlain = tr.boolean("pkce_plain")
	}
	if t.Exists("refresh_rotation") {
		c.RefreshRotation = new(tr.boolean("refresh_rotation"))
	}
	public := slices.Equal(c.AuthMethods, []string{"none"})
	switch {
	case tr.err != nil:
	case c.ID == "":
		tr.fail("client_id", fmt.Errorf("required: a static client is found again by its id"))
	case public && c.Secret != "":
		tr.fail("secret", fmt.Errorf("a public client (auth_methods = [\"none\"]) takes no secret"))
	case !public:
		if err := core.CheckClientSecret(c.Secret); err != nil {
			tr.fail("secret", fmt.Errorf("a confidential client needs a secret (or secret_env): %s", core.Message(err)))
		}
	}
	return c
}

func staticUser(tr *reader, t *koanf.Koanf) StaticUser {
	u := StaticUser{Email: tr.str("email"), Password: tr.secret("password", "password_env"),
		FullName: tr.str("full_name"), FirstName: tr.str("first_name"), LastName: tr.str("last_name"),
		Roles: t.Strings("roles"), Enabled: true}
	if t.Exists("enabled") {
		u.Enabled = tr.boolean("enabled")
	}
	switch {
	case tr.err != nil:
	case u.Email == "":
		tr.fail("email", fmt.Errorf("required"))
	case u.Password == "":
		tr.fail("password", fmt.Errorf("required (or password_env)"))
	}
	return u
}

// only refuses keys a table does not have (a typo would otherwise be ignored).
func (r *reader) only(allowed []string) bool {
	for _, key := range r.k.Keys() {
		if !slices.Contains(allowed, key) {
			r.fail(key, fmt.Errorf("unknown key"))
			return false
		}
	}
	return true
}

// secret reads a secret given in the file (key) or named by an environment variable (envKey),
// never both; a named variable must be set.
func (r *reader) secret(key, envKey string) string {
	v, name := r.str(key), r.str(envKey)
	switch {
	case v != "" && name != "":
		r.fail(key, fmt.Errorf("give %s or %s, not both", key, envKey))
	case name != "":
		if v = os.Getenv(name); v == "" {
			r.fail(envKey, fmt.Errorf("environment variable %s is not set", name))
		}
	}
	return v
}

// isStatic reports whether a top-level key belongs to the static tables.
func isStatic(key string) bool { return key == "clients" || key == "users" }
