package config

import (
	"fmt"
	"os"
	"slices"
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
	var cs []StaticClient
	for i, t := range r.k.Slices("clients") {
		tr := &reader{k: t}
		where := fmt.Sprintf("clients[%d]", i)
		if !tr.only(where, clientKeys) {
			r.fail(where, tr.err)
			continue
		}
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
		case !public && (len(c.Secret) < 16 || len(c.Secret) > 255):
			tr.fail("secret", fmt.Errorf("a confidential client needs a secret (or secret_env) of 16 to 255 bytes"))
		}
		if tr.err != nil {
			r.fail(where, tr.err)
		}
		cs = append(cs, c)
	}
	var us []StaticUser
	for i, t := range r.k.Slices("users") {
		tr := &reader{k: t}
		where := fmt.Sprintf("users[%d]", i)
		if !tr.only(where, userKeys) {
			r.fail(where, tr.err)
			continue
		}
		u := StaticUser{Email: tr.str("email"), Password: tr.secret("password", "password_env"),
			FullName: tr.str("full_name"), FirstName: tr.str("first_name"), LastName: tr.str("last_name"),
			Roles: t.Strings("roles"), Enabled: true}
		if t.Exists("enabled") {
			u.Enabled = tr.boolean("enabled")
		}
		if (u.Email == "" || u.Password == "") && tr.err == nil {
			tr.fail("email", fmt.Errorf("a static user needs email and password (or password_env)"))
		}
		if tr.err != nil {
			r.fail(where, tr.err)
		}
		us = append(us, u)
	}
	return cs, us
}

// only refuses keys a table does not have (a typo would otherwise be ignored).
func (r *reader) only(where string, allowed []string) bool {
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
