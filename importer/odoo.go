package importer

import (
	"context"
	"strconv"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers "pgx"

	"oauthd/core"
	"oauthd/models"
)

// Odoo reads an Odoo database with the REST API module's tables (auth_auth, redirect_uri,
// auth_access_token) from PostgreSQL.
type Odoo struct{ *sourceDB }

// odooDialect is PostgreSQL's, through pgx, which numbers its placeholders.
var odooDialect = dialect{driver: "pgx", schema: "current_schema()", param: "$1", display: "Odoo"}

// OpenOdoo connects to dsn (postgres://user:pass@host:5432/dbname, or key=value pairs).
func OpenOdoo(ctx context.Context, dsn string) (*Odoo, error) {
	db, err := openSource(ctx, odooDialect, dsn)
	if err != nil {
		return nil, err
	}
	return &Odoo{db}, nil
}

// Name implements Source.
func (o *Odoo) Name() string { return "odoo" }

func dquote(s string) string { return `"` + s + `"` }

// The module's tokens, consumer keys and secrets: 32 characters of [A-Za-z0-9].
const odooTokenLength = 32

// odooScopes are the scopes of imported Odoo applications: the module has none, and its tokens
// reach everything the owner can.
var odooScopes = []string{"all", "openid"}

// Read implements Source.
func (o *Odoo) Read(ctx context.Context, kinds map[string]bool, now time.Time) (*Data, error) {
	d := &Data{}
	err := o.readOnly(ctx, func(tx readTx) error {
		logins, err := o.users(tx, d, kinds[KindUsers])
		if err != nil || !kinds[KindClients] && !kinds[KindTokens] {
			return err
		}
		apps, err := o.apps(tx, logins)
		if err != nil {
			return err
		}
		if kinds[KindClients] {
			if err := o.clients(tx, d, apps); err != nil {
				return err
			}
		}
		if kinds[KindTokens] {
			return o.tokens(tx, d, apps, now)
		}
		return nil
	})
	return d, err
}

// users reads res_users (keeping them in d when keep) and returns id → login.
func (o *Odoo) users(tx readTx, d *Data, keep bool) (map[string]string, error) {
	cols, err := o.columns(tx, "res_users")
	if err != nil {
		return nil, err
	}
	if _, err := o.columns(tx, "res_partner"); err != nil {
		return nil, err
	}
	us, err := tx.rows("SELECT " + pick(cols, dquote, "u",
		"id", "login", "password", "password_crypt", "active|TRUE") + ", p.name AS partner_name " +
		"FROM res_users u LEFT JOIN res_partner p ON p.id = u.partner_id ORDER BY u.id")
	if err != nil {
		return nil, err
	}
	logins := map[string]string{}
	for _, r := range us {
		login := core.NormalizeEmail(str(r["login"]))
		if login == "" || login == "__system__" {
			continue // __system__ is Odoo's superuser: it has no password and never logs in
		}
		logins[str(r["id"])] = login
		if keep {
			d.Users = append(d.Users, odooUser(r, login))
		}
	}
	return logins, nil
}

// odooUser maps a res_users row. The password is a passlib hash (password_crypt on Odoo 8 to
// 11, password since), or plain text on very old databases.
func odooUser(r map[string]any, login string) User {
	u := User{Key: login, FullName: str(r["partner_name"]), Enabled: truthy(r["active"])}
	pw := str(r["password"])
	if c := str(r["password_crypt"]); c != "" {
		pw = c
	}
	switch {
	case strings.HasPrefix(pw, "$"):
		u.Hash = pw
	case pw != "":
		u.Plain = pw
	}
	return u
}

// odooApp is one auth_auth row with what tokens need of it.
type odooApp struct {
	id, key, secret, name, owner, refresh string
	active, oauth2                        bool
}

func (a *odooApp) grant() string { return core.Digest("odoo application " + a.key) }

func (o *Odoo) apps(tx readTx, logins map[string]string) ([]odooApp, error) {
	cols, err := o.columns(tx, "auth_auth")
	if err != nil {
		return nil, err
	}
	rs, err := tx.rows("SELECT " + pick(cols, dquote, "", "id", "name", "consumer_key", "consumer_secret", "user_id",
		"active|TRUE", "refresh_token", "access_type|'oauth2'") + " FROM auth_auth ORDER BY id")
	if err != nil {
		return nil, err
	}
	apps := make([]odooApp, 0, len(rs))
	for _, r := range rs {
		apps = append(apps, odooApp{id: str(r["id"]), key: str(r["consumer_key"]), secret: str(r["consumer_secret"]),
			name: str(r["name"]), owner: logins[str(r["user_id"])], refresh: str(r["refresh_token"]),
			active: truthy(r["active"]), oauth2: str(r["access_type"]) == "oauth2"})
	}
	return apps, nil
}

// clients maps the applications to clients of profile odoo, which behave as the module does:
// the owner's client, client_credentials allowed, both secret in parameters and Basic
// accepted, one refresh token that never rotates, and (in core) no consent for the owner.
func (o *Odoo) clients(tx readTx, d *Data, apps []odooApp) error {
	if _, err := o.columns(tx, "redirect_uri"); err != nil {
		return err
	}
	uris, err := grouped(tx, "SELECT auth_id AS k, url AS v FROM redirect_uri ORDER BY id")
	if err != nil {
		return err
	}
	for _, a := range apps {
		list, dropped := redirectURIs(uris[a.id])
		c := Client{ID: a.key, Secret: a.secret, Name: a.name, RedirectURIs: list, Scopes: odooScopes,
			AuthMethods: []string{core.AuthBasic, core.AuthPost}, Owner: a.owner, Profile: core.ProfileOdoo}
		switch {
		case !a.oauth2:
			c.Skip = "not an OAuth2 application (OAuth1 or Basic)"
		case !a.active:
			c.Skip = "inactive application"
		case dropped > 0:
			c.Note = "redirect URIs oauthd cannot match (relative or with a fragment) left out"
		}
		if c.Name == "" {
			c.Name = c.ID
		}
		d.Clients = append(d.Clients, c)
	}
	return nil
}

// tokens maps each application's refresh token and its live access tokens, all issued to the
// application's owner (the module's tokens act as the owner). Validity is naive UTC: the Odoo
// server runs with TZ=UTC.
func (o *Odoo) tokens(tx readTx, d *Data, apps []odooApp, now time.Time) error {
	cols, err := o.columns(tx, "auth_access_token")
	if err != nil {
		return err
	}
	byID := map[string]*odooApp{}
	for i := range apps {
		byID[apps[i].id] = &apps[i]
		if apps[i].refresh != "" {
			d.Tokens = append(d.Tokens, odooToken(&apps[i], models.KindRefresh, apps[i].refresh, 0, true))
		}
	}
	ts, err := tx.rows("SELECT " + pick(cols, dquote, "", "id", "access_token", "access_token_validity", "auth_id") +
		" FROM auth_access_token WHERE auth_id IS NOT NULL ORDER BY id")
	if err != nil {
		return err
	}
	for _, r := range ts {
		app := byID[str(r["auth_id"])]
		if app == nil {
			continue // the row's application is gone; Odoo's foreign key cascades, so never seen
		}
		exp, ok := naiveTime(r["access_token_validity"], time.UTC)
		d.Tokens = append(d.Tokens, odooToken(app, models.KindAccess, str(r["access_token"]), exp.Unix(),
			ok && exp.After(now)))
	}
	return nil
}

func odooToken(a *odooApp, kind, value string, expiresAt int64, live bool) Token {
	t := Token{Kind: kind, Digest: core.Digest(value), GrantID: a.grant(), ClientID: a.key, User: a.owner,
		Scope: core.JoinScope(odooScopes), ExpiresAt: expiresAt}
	switch {
	case !a.oauth2 || !a.active:
		t.Skip = "application not imported (inactive, or not OAuth2)"
	case len(value) != odooTokenLength || !alnum(value):
		t.Skip = "token format oauthd does not accept (not " + strconv.Itoa(odooTokenLength) + " letters and digits)"
	case !live:
		t.Skip = "expired"
	case a.owner == "":
		t.Skip = "user missing"
	}
	return t
}
