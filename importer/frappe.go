package importer

import (
	"context"
	"fmt"
	"strings"
	"time"
	_ "time/tzdata" // a Frappe site's time zone must load on hosts without zoneinfo

	"gorm.io/driver/mysql"
	"gorm.io/gorm"

	"oauthd/core"
)

// Frappe reads a Frappe site's MariaDB database (v13 to v16; columns are detected, not
// assumed).
type Frappe struct {
	*sourceDB
	tz *time.Location // nil: the site's System Settings time zone
}

// OpenFrappe connects to dsn (user:pass@tcp(host:3306)/site_db). tz overrides the site's time
// zone, in which Frappe stores its naive expiration times.
func OpenFrappe(ctx context.Context, dsn string, tz *time.Location) (*Frappe, error) {
	db, err := openSource(ctx, mysql.Open(dsn), "DATABASE()", "Frappe")
	if err != nil {
		return nil, err
	}
	return &Frappe{sourceDB: db, tz: tz}, nil
}

// Name implements Source.
func (f *Frappe) Name() string { return "frappe" }

func backtick(s string) string { return "`" + s + "`" }

// Read implements Source.
func (f *Frappe) Read(ctx context.Context, kinds map[string]bool, now time.Time) (*Data, error) {
	d := &Data{}
	err := f.readOnly(ctx, func(tx *gorm.DB) error {
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

// rows runs a query and returns its rows as column → value maps, each value as the driver
// gave it (GORM's own map scanning would force DATETIME columns into time.Time).
func rows(tx *gorm.DB, query string, args ...any) ([]map[string]any, error) {
	rs, err := tx.Raw(query, args...).Rows()
	if err != nil {
		return nil, fmt.Errorf("read source: %w", err)
	}
	defer rs.Close()
	cols, err := rs.Columns()
	if err != nil {
		return nil, fmt.Errorf("read source: %w", err)
	}
	var out []map[string]any
	for rs.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rs.Scan(ptrs...); err != nil {
			return nil, fmt.Errorf("read source: %w", err)
		}
		row := make(map[string]any, len(cols))
		for i, c := range cols {
			row[strings.ToLower(c)] = vals[i]
		}
		out = append(out, row)
	}
	if err := rs.Err(); err != nil {
		return nil, fmt.Errorf("read source: %w", err)
	}
	return out, nil
}

func (f *Frappe) users(tx *gorm.DB, d *Data) error {
	cols, err := f.columns(tx, "tabUser")
	if err != nil {
		return err
	}
	for _, t := range []string{"__Auth", "tabHas Role"} {
		if _, err := f.columns(tx, t); err != nil {
			return err
		}
	}
	users, err := rows(tx, "SELECT "+pick(cols, backtick, "", "name", "first_name", "last_name", "full_name", "enabled|1")+
		" FROM `tabUser` ORDER BY name")
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
	for _, r := range users {
		name := str(r["name"])
		if name == "Guest" || name == "" {
			continue // Guest is every anonymous visitor, not an account
		}
		u := User{Key: strings.ToLower(name), FirstName: str(r["first_name"]), LastName: str(r["last_name"]),
			FullName: str(r["full_name"]), Enabled: truthy(r["enabled"]), Roles: roles[name]}
		if h := hashes[name]; len(h) > 0 {
			u.Hash = h[0]
		}
		d.Users = append(d.Users, u)
	}
	return nil
}

// grouped reads (k, v) rows into k → values.
func grouped(tx *gorm.DB, query string) (map[string][]string, error) {
	rs, err := rows(tx, query)
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

func (f *Frappe) clients(tx *gorm.DB, d *Data) error {
	cols, err := f.columns(tx, "tabOAuth Client")
	if err != nil {
		return err
	}
	cs, err := rows(tx, "SELECT "+pick(cols, backtick, "", "name", "client_secret", "app_name", "user", "skip_authorization|0",
		"redirect_uris", "default_redirect_uri", "scopes", "token_endpoint_auth_method")+
		" FROM `tabOAuth Client` ORDER BY name")
	if err != nil {
		return err
	}
	for _, r := range cs {
		d.Clients = append(d.Clients, frappeClient(r))
	}
	return f.roleNote(tx, d)
}

// frappeClient maps a tabOAuth Client row. Frappe refresh tokens are replaced at each refresh
// (v16 also revokes the old one), hence rotation on; Frappe accepts PKCE's plain method.
func frappeClient(r map[string]any) Client {
	def := strings.TrimSpace(str(r["default_redirect_uri"]))
	uris, dropped := redirectURIs(append([]string{def}, strings.Fields(str(r["redirect_uris"]))...))
	c := Client{ID: str(r["name"]), Secret: str(r["client_secret"]), Name: str(r["app_name"]), RedirectURIs: uris,
		Scopes: core.ParseScope(str(r["scopes"])), AuthMethods: frappeAuthMethods(str(r["token_endpoint_auth_method"])),
		GrantTypes:        []string{core.GrantAuthorizationCode, core.GrantRefreshToken},
		SkipAuthorization: truthy(r["skip_authorization"]), Owner: strings.ToLower(str(r["user"])),
		AllowPlainPKCE: true, RefreshRotation: true}
	switch {
	case len(uris) == 0:
		c.Skip = "no redirect URI oauthd can match (absolute, without fragment)"
	case dropped > 0:
		c.Note = "redirect URIs oauthd cannot match (relative or with a fragment) left out"
	}
	if c.Name == "" {
		c.Name = c.ID
	}
	if len(c.Scopes) == 0 {
		c.Scopes = []string{"all", "openid"}
	}
	if len(c.RedirectURIs) > 0 {
		c.DefaultRedirectURI = c.RedirectURIs[0]
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

// roleNote says how many clients restrict the roles that may authorize them (2024+), which
// oauthd does not carry.
func (f *Frappe) roleNote(tx *gorm.DB, d *Data) error {
	if _, err := f.columns(tx, "tabOAuth Client Role"); err != nil {
		return nil // before 2024: no such restriction existed
	}
	var n int64
	err := tx.Raw("SELECT COUNT(DISTINCT parent) FROM `tabOAuth Client Role` WHERE role NOT IN ('All', 'Guest')").
		Scan(&n).Error
	if err != nil {
		return fmt.Errorf("read source: %w", err)
	}
	if n > 0 {
		d.Notes = append(d.Notes, fmt.Sprintf("%d client(s) allow only some roles; oauthd lets any user authorize them", n))
	}
	return nil
}
