package tests

import (
	"database/sql"
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// odooFixture is what was put into an Odoo source.
type odooFixture struct{ key, secret, refresh, live, expired string }

// fillOdoo writes users (passlib pbkdf2-sha512 hashes, and one plain-text password as very old
// databases hold), an active and an inactive application, and live and expired tokens.
func fillOdoo(t *testing.T, db *sql.DB) odooFixture {
	t.Helper()
	users := []struct {
		login, name, password string
		active                bool
	}{
		{"__system__", "OdooBot", "", false},
		{"admin", "Mitchell Admin", passlibHash(t, "odoo-admin-pw"), true},
		{odooOwner, "Olga Owner", passlibHash(t, "odoo-600k"), true},
		{"oldie@example.com", "Old Timer", "plain-old-pw", true},
		{"gone@example.com", "Gone User", passlibHash(t, "odoo-admin-pw"), false},
	}
	for i, u := range users {
		mustExec(t, db, "INSERT INTO res_partner (id, name, email, active) VALUES ($1, $2, $3, true)", i+1, u.name, u.login)
		mustExec(t, db, "INSERT INTO res_users (id, login, password, active, partner_id) VALUES ($1, $2, $3, $4, $1)",
			i+1, u.login, u.password, u.active)
	}
	f := odooFixture{key: alnumToken(32), secret: alnumToken(32), refresh: alnumToken(32), live: alnumToken(32),
		expired: alnumToken(32)}
	mustExec(t, db, "INSERT INTO auth_auth (id, name, consumer_key, consumer_secret, user_id, active, refresh_token) "+
		"VALUES (1, 'Odoo App', $1, $2, 3, true, $3), (2, 'Old App', $4, $5, 2, false, $6)",
		f.key, f.secret, f.refresh, alnumToken(32), alnumToken(32), alnumToken(32))
	mustExec(t, db, "INSERT INTO redirect_uri (url, auth_id) VALUES ($1, 1)", odooRedirect)
	now := time.Now().UTC()
	mustExec(t, db, "INSERT INTO auth_access_token (access_token, access_token_validity, auth_id) "+
		"VALUES ($1, $2, 1), ($3, $4, 1), ($5, $2, 2)", f.live, now.Add(20*time.Minute).Format(time.DateTime),
		f.expired, now.Add(-10*time.Minute).Format(time.DateTime), alnumToken(32))
	return f
}

func TestImportOdoo(t *testing.T) {
	dsn, src := odooSource(t)
	f := fillOdoo(t, src)
	s := StartServer(t)
	out := s.CLI(t, "import", "odoo", "--from", dsn)
	want := map[string][4]int{"users": {4, 0, 0, 0}, "clients": {1, 0, 0, 1}, "tokens": {2, 0, 0, 3}}
	if got := importSummary(t, out); got["users"] != want["users"] || got["clients"] != want["clients"] ||
		got["tokens"] != want["tokens"] {
		t.Fatalf("first import: %v, want %v:\n%s", got, want, out)
	}
	for _, reason := range []string{"1 expired", "1 inactive application", "plain-text password"} {
		if !strings.Contains(string(out), reason) {
			t.Errorf("summary does not say %q:\n%s", reason, out)
		}
	}
	if n := frappeCount(t, s, "SELECT COUNT(*) FROM users WHERE password_hash LIKE '%plain-old-pw%'"); n != 0 {
		t.Fatal("a plain-text password was stored as such")
	}
	if n := frappeCount(t, s, "SELECT COUNT(*) FROM clients WHERE profile = 'odoo' AND refresh_rotation = ? "+
		"AND grant_types = 'authorization_code refresh_token client_credentials'", false); n != 1 {
		t.Fatal("the application was not imported with profile odoo's behaviour")
	}

	odooLogin(t, s, "admin", "odoo-admin-pw")
	odooLogin(t, s, "admin", "odoo-admin-pw") // after the re-hash
	r := SendForm(t, Browser(t), "POST", s.URL+"/web/login", url.Values{"login": {odooOwner},
		"password": {"odoo-600k"}, "redirect": {"/web"}})
	if r.Status != http.StatusFound || r.Header.Get("Location") != "/web" {
		t.Fatalf("/web/login with the old password: %d %s", r.Status, r.Header.Get("Location"))
	}
	frappeLoginAs(t, s, "oldie@example.com", "plain-old-pw")
	r = SendForm(t, Browser(t), "POST", s.URL+"/login", url.Values{"usr": {"admin"}, "pwd": {"odoo-admin-pw"},
		"redirect-to": {"/app"}})
	if r.Status != http.StatusFound {
		t.Fatalf("/login after the re-hash: %d", r.Status)
	}
	if n := frappeCount(t, s, "SELECT COUNT(*) FROM users WHERE password_hash LIKE '$pbkdf2%'"); n != 1 {
		t.Fatalf("%d imported hashes left, want 1 (the disabled user's): logins re-hash", n)
	}
	if r := odooRPCLogin(t, Browser(t), s, "gone@example.com", "odoo-admin-pw"); strings.Contains(string(r.Raw), `"username"`) {
		t.Fatalf("an inactive Odoo user logged in: %s", r.Raw)
	}

	checkOdooTokens(t, s, f)

	again := s.CLI(t, "import", "odoo", "--from", dsn)
	want = map[string][4]int{"users": {0, 0, 4, 0}, "clients": {0, 0, 1, 1}, "tokens": {0, 0, 2, 3}}
	if got := importSummary(t, again); got["users"] != want["users"] || got["clients"] != want["clients"] ||
		got["tokens"] != want["tokens"] {
		t.Fatalf("second import changed something: %v, want %v:\n%s", got, want, again)
	}

	// What changes at the source between two runs is carried: a new secret, a new password.
	newSecret := alnumToken(32)
	mustExec(t, src, "UPDATE auth_auth SET consumer_secret = $1 WHERE id = 1", newSecret)
	mustExec(t, src, "UPDATE res_users SET password = $1 WHERE login = 'admin'", passlibHash(t, "argon-id-secret"))
	mustExec(t, src, "UPDATE res_users SET active = false WHERE login = 'oldie@example.com'")
	third := s.CLI(t, "import", "odoo", "--from", dsn)
	want = map[string][4]int{"users": {0, 2, 2, 0}, "clients": {0, 1, 0, 1}, "tokens": {0, 0, 2, 3}}
	if got := importSummary(t, third); got["users"] != want["users"] || got["clients"] != want["clients"] ||
		got["tokens"] != want["tokens"] {
		t.Fatalf("import after changes at the source: %v, want %v:\n%s", got, want, third)
	}
	odooLogin(t, s, "admin", "argon-id-secret")
	if n := frappeCount(t, s, "SELECT COUNT(*) FROM revocations r JOIN users u ON u.id = r.user_id "+
		"WHERE u.email = 'oldie@example.com'"); n != 1 {
		t.Fatalf("a user disabled at the source: %d revocation feed rows, want 1 (running caches must forget)", n)
	}
	if r := SendForm(t, Browser(t), "POST", s.URL+"/api/method/login", url.Values{"usr": {"oldie@example.com"},
		"pwd": {"plain-old-pw"}}); r.Status == http.StatusOK {
		t.Fatal("a user disabled at the source still logs in")
	}
	for secret, status := range map[string]int{f.secret: http.StatusUnauthorized, newSecret: http.StatusOK} {
		r := odooPostForm(t, nil, s.URL+odooOAuth+"/access_token", url.Values{"grant_type": {"client_credentials"},
			"client_id": {f.key}, "client_secret": {secret}})
		if r.Status != status {
			t.Fatalf("client_credentials after the secret changed at the source: %d, want %d: %s", r.Status, status, r.Raw)
		}
	}

	emptyDSN, _ := odooSource(t)
	mustExec(t, postgresAdminOf(t, emptyDSN), "DROP TABLE auth_access_token, redirect_uri, auth_auth, res_users, res_partner")
	_, stderr, code := s.TryCLI("import", "odoo", "--from", emptyDSN)
	if code != 1 || !strings.Contains(stderr, `"res_users" is missing`) {
		t.Fatalf("a database without Odoo's tables: exit %d, %q", code, stderr)
	}
}

func postgresAdminOf(t *testing.T, dsn string) *sql.DB {
	t.Helper()
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// checkOdooTokens: the imported access token on both dialects, client_credentials with the
// old secret, the application's refresh token (never rotating), and the expired token refused.
func checkOdooTokens(t *testing.T, s *Server, f odooFixture) {
	t.Helper()
	bearer := func(path, token string) *Resp {
		return Send(t, nil, "GET", s.URL+path, nil, "Authorization", "Bearer "+token)
	}
	if r := bearer(odooOAuth+"/userinfo", f.live); r.Status != http.StatusOK {
		t.Fatalf("imported access token on Odoo's userinfo: %d %s", r.Status, r.Raw)
	}
	if r := bearer(frappeLoggedIn, f.live); r.Status != http.StatusOK || r.Str("message") != odooOwner {
		t.Fatalf("imported access token on get_logged_user: %d %s", r.Status, r.Raw)
	}
	if r := bearer(odooOAuth+"/userinfo", f.expired); r.Status != http.StatusUnauthorized {
		t.Fatalf("expired access token: %d %s", r.Status, r.Raw)
	}
	tokenURL := s.URL + odooOAuth + "/access_token"
	cc := odooPostForm(t, nil, tokenURL, url.Values{"grant_type": {"client_credentials"}, "client_id": {f.key},
		"client_secret": {f.secret}})
	if cc.Status != http.StatusOK || cc.Str("access_token") == "" {
		t.Fatalf("client_credentials with the old secret: %d %s", cc.Status, cc.Raw)
	}
	if r := bearer(frappeLoggedIn, cc.Str("access_token")); r.Str("message") != odooOwner {
		t.Fatalf("client_credentials token speaks for %s, want the owner", r.Raw)
	}
	for i := 0; i < 2; i++ {
		r := odooPostForm(t, nil, tokenURL, url.Values{"grant_type": {"refresh_token"}, "client_id": {f.key},
			"client_secret": {f.secret}, "refresh_token": {f.refresh}})
		if r.Status != http.StatusOK || r.Str("refresh_token") != f.refresh {
			t.Fatalf("refresh %d with the application's refresh token: %d %s", i, r.Status, r.Raw)
		}
	}
	basic := odooPostForm(t, nil, tokenURL, url.Values{"grant_type": {"client_credentials"}}, "Authorization",
		"Basic "+base64.StdEncoding.EncodeToString([]byte(f.key+":"+f.secret)))
	if basic.Status != http.StatusOK {
		t.Fatalf("client_credentials with the old secret by HTTP Basic: %d %s", basic.Status, basic.Raw)
	}
	bad := odooPostForm(t, nil, tokenURL, url.Values{"grant_type": {"client_credentials"}, "client_id": {f.key},
		"client_secret": {f.secret[:31] + "x"}})
	if bad.Status == http.StatusOK {
		t.Fatalf("a wrong secret got a token: %s", bad.Raw)
	}
}
