package importer

import (
	"context"
	"slices"
	"strings"
	"time"
	_ "time/tzdata" // a Frappe site's time zone must load on hosts without zoneinfo

	_ "github.com/go-sql-driver/mysql" // registers "mysql"

	"oauthd/core"
)

// Frappe reads a Frappe site's MariaDB database (v13 to v16; columns are detected, not
// assumed).
type Frappe struct {
	*sourceDB
	tz *time.Location // nil: the site's System Settings time zone
}

// frappeDialect is MariaDB's, through go-sql-driver/mysql.
var frappeDialect = dialect{driver: "mysql", schema: "DATABASE()", param: "?", display: "Frappe"}

// OpenFrappe connects to dsn (user:pass@tcp(host:3306)/site_db). tz overrides the site's time
// zone, in which Frappe stores its naive expiration times.
func OpenFrappe(ctx context.Context, dsn string, tz *time.Location) (*Frappe, error) {
	db, err := openSource(ctx, frappeDialect, dsn)
	if err != nil {
		return nil, err
	}
	return &Frappe{sourceDB: db, tz: tz}, nil
}

// Name implements Source.
func (f *Frappe) Name() string { return "frappe" }

func backtick(s string) string { return "`" + s + "`" }

// frappeDeskUser is Frappe's automatic role of every System User (frappe/permissions.py).
const frappeDeskUser = "Desk User"

// Read implements Source.
func (f *Frappe) Read(ctx context.Context, kinds map[string]bool, now time.Time) (*Data, error) {
	d := &Data{}
	err := f.readOnly(ctx, func(tx readTx) error {
		if kinds[KindUsers] {
			if err := f.users(tx, d); err != nil {
				return err
			}
		}
		if kinds[KindClients] {
			if err := f.clients(tx, d); err != nil {
				return err
			}
		}
		if kinds[KindTokens] {
			return f.tokens(tx, d, now)
		}
		return nil
	})
	return d, err
}

func (f *Frappe) users(tx readTx, d *Data) error {
	cols, err := f.columns(tx, "tabUser")
	if err != nil {
		return err
	}
	for _, t := range []string{"__Auth", "tabHas Role"} {
		if _, err := f.columns(tx, t); err != nil {
			return err
		}
	}
	users, err := tx.rows("SELECT " + pick(cols, backtick, "", "name", "first_name", "last_name", "full_name", "enabled|1",
		"user_type") + " FROM `tabUser` ORDER BY name")
	if err != nil {
		return err
	}
	roles, err := grouped(tx, "SELECT parent AS k, role AS v FROM `tabHas Role` WHERE parenttype = 'User' ORDER BY parent, role")
	if err != nil {
		return err
	}
	hashes, err := grouped(tx, "SELECT name AS k, password AS v FROM `__Auth` "+
		"WHERE doctype = 'User' AND fieldname = 'password' AND encrypted = 0")
	if err != nil {
		return err
	}
	// Since clients have Allowed Roles (2024), whose default is "Desk User", Frappe gives that
	// role to every System User without storing it; carried as a stored role, so that those
	// clients keep serving them.
	_, rerr := f.columns(tx, "tabOAuth Client Role")
	deskRole := rerr == nil
	for _, r := range users {
		name := str(r["name"])
		if name == "Guest" || name == "" {
			continue // Guest is every anonymous visitor, not an account
		}
		u := User{Key: core.NormalizeEmail(name), FirstName: str(r["first_name"]), LastName: str(r["last_name"]),
			FullName: str(r["full_name"]), Enabled: truthy(r["enabled"]), Roles: roles[name]}
		if deskRole && str(r["user_type"]) == "System User" && !slices.Contains(u.Roles, frappeDeskUser) {
			u.Roles = append(u.Roles, frappeDeskUser)
		}
		if h := hashes[name]; len(h) > 0 {
			u.Hash = h[0]
		}
		d.Users = append(d.Users, u)
	}
	return nil
}

// grouped reads (k, v) rows into k → values.
func grouped(tx readTx, query string) (map[string][]string, error) {
	rs, err := tx.rows(query)
	if err != nil {
		return nil, err
	}
	m := map[string][]string{}
	for _, r := range rs {
		k := str(r["k"])
		m[k] = append(m[k], str(r["v"]))
	}
	return m, nil
}

func (f *Frappe) clients(tx readTx, d *Data) error {
	cols, err := f.columns(tx, "tabOAuth Client")
	if err != nil {
		return err
	}
	cs, err := tx.rows("SELECT " + pick(cols, backtick, "", "name", "client_secret", "app_name", "user", "skip_authorization|0",
		"redirect_uris", "default_redirect_uri", "scopes", "grant_type", "token_endpoint_auth_method") +
		" FROM `tabOAuth Client` ORDER BY name")
	if err != nil {
		return err
	}
	roles, err := f.allowedRoles(tx)
	if err != nil {
		return err
	}
	// token_endpoint_auth_method came with Frappe v16's OAuth work (2025-07): a site whose
	// clients have it is a v16 site, whose clients behave as profile frappe; before, frappe-v15.
	profile := core.ProfileFrappeV15
	if cols["token_endpoint_auth_method"] {
		profile = core.ProfileFrappe
	}
	for _, r := range cs {
		c := frappeClient(r, profile)
		c.AllowedRoles = roles[c.ID]
		d.Clients = append(d.Clients, c)
	}
	return nil
}

// frappeClient maps a tabOAuth Client row of a site whose clients have profile. What the row
// does not say (PKCE, rotation, HS256 id_tokens) the profile decides. An Implicit client of a
// site up to v15 keeps response_type=token (and the password grant every such client had).
func frappeClient(r map[string]any, profile string) Client {
	def := strings.TrimSpace(str(r["default_redirect_uri"]))
	uris, dropped := redirectURIs(append([]string{def}, strings.Fields(str(r["redirect_uris"]))...))
	c := Client{ID: str(r["name"]), Secret: str(r["client_secret"]), Name: str(r["app_name"]), RedirectURIs: uris,
		Scopes: core.ParseScope(str(r["scopes"])), AuthMethods: frappeAuthMethods(str(r["token_endpoint_auth_method"])),
		SkipAuthorization: truthy(r["skip_authorization"]), Owner: core.NormalizeEmail(str(r["user"])), Profile: profile}
	switch {
	case len(uris) == 0:
		c.Skip = "no redirect URI oauthd can match (absolute, without fragment)"
	case dropped > 0:
		c.Note = "redirect URIs oauthd cannot match (relative or with a fragment) left out"
	}
	if str(r["grant_type"]) == "Implicit" {
		if profile == core.ProfileFrappeV15 {
			c.GrantTypes = []string{core.GrantImplicit, core.GrantPassword, core.GrantRefreshToken}
		} else {
			c.Note = "an Implicit client of a v16 site: imported with the code grant (response_type=token is for frappe-v15 clients)"
		}
	}
	if c.Name == "" {
		c.Name = c.ID
	}
	if len(c.Scopes) == 0 {
		c.Scopes = []string{"all", "openid"}
	}
	return c
}

// frappeAuthMethods maps token_endpoint_auth_method; before 2025 the field did not exist and
// Frappe took the secret either way, so both confidential methods stay accepted.
func frappeAuthMethods(v string) []string {
	switch v {
	case "Client Secret Basic":
		return []string{core.AuthBasic}
	case "Client Secret Post":
		return []string{core.AuthPost}
	case "None":
		return []string{core.AuthNone}
	}
	return []string{core.AuthBasic, core.AuthPost}
}

// allowedRoles reads each client's Allowed Roles (2024+): a user needs one of them to
// authorize it, which oauthd enforces too. Before 2024 there is no such table and no such
// restriction.
func (f *Frappe) allowedRoles(tx readTx) (map[string][]string, error) {
	if _, err := f.columns(tx, "tabOAuth Client Role"); err != nil {
		return nil, nil
	}
	return grouped(tx, "SELECT parent AS k, role AS v FROM `tabOAuth Client Role` "+
		"WHERE parenttype = 'OAuth Client' ORDER BY parent, role")
}
