package tests

import (
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// frappeSiteTZ is the fixture site's time zone: +05:30, so an expiry read in the wrong zone
// turns an expired token live.
const frappeSiteTZ = "Asia/Kolkata"

// frappeFixture is what was put into a Frappe source.
type frappeFixture struct {
	live, liveRefresh, expired, expiredRefresh, revoked, revokedRefresh, orphan string
}

// fillFrappe writes users with passlib hashes, a client and live, expired, revoked and
// orphaned tokens. v16 stores the tokens' SHA-256 hex, as Frappe v16 does.
func fillFrappe(t *testing.T, db *sql.DB, v16 bool) frappeFixture {
	t.Helper()
	users := []struct {
		name, first, last, hash string
		enabled                 int
		roles                   []string
	}{
		{"Administrator", "Administrator", "", passlibHash(t, "pässwörd ünïcode"), 1, []string{"Administrator", "System Manager"}},
		{"Guest", "Guest", "", "", 1, []string{"Guest"}},
		{frappeEmail, "Test", "User", passlibHash(t, frappePassword), 1, []string{"System Manager"}},
		{"argon@example.com", "Argon", "", passlibHash(t, "argon-id-secret"), 1, nil},
		{"bcrypt@example.com", "Bee", "Crypt", passlibHash(t, "bcrypt-secret"), 1, nil},
		{"legacy@example.com", "Legacy", "", "*6BB4837EB74329105EE4568DDA7DC67ED2CA2AD9", 1, nil},
		{"disabled@example.com", "Dis", "Abled", passlibHash(t, frappePassword), 0, nil},
	}
	for i, u := range users {
		mustExec(t, db, "INSERT INTO `tabUser` (name, email, first_name, last_name, full_name, enabled, creation) "+
			"VALUES (?, ?, ?, ?, ?, ?, NOW())", u.name, strings.ToLower(u.name), u.first, u.last,
			strings.TrimSpace(u.first+" "+u.last), u.enabled)
		if u.hash != "" {
			mustExec(t, db, "INSERT INTO `__Auth` VALUES ('User', ?, 'password', ?, 0)", u.name, u.hash)
		}
		for j, r := range u.roles {
			mustExec(t, db, "INSERT INTO `tabHas Role` (name, parent, parentfield, parenttype, role, idx) "+
				"VALUES (?, ?, 'roles', 'User', ?, ?)", randomHex(5), u.name, r, i*10+j)
		}
	}
	mustExec(t, db, "INSERT INTO `tabSingles` VALUES ('System Settings', 'time_zone', ?)", frappeSiteTZ)
	client := "INSERT INTO `tabOAuth Client` (name, client_id, app_name, client_secret, scopes, redirect_uris, " +
		"default_redirect_uri, grant_type, response_type) VALUES ('test_client_id', 'test_client_id', ?, " +
		"'test_client_secret', 'all openid', 'http://localhost', 'http://localhost', 'Authorization Code', 'Code')"
	mustExec(t, db, client, frappeApp)
	if v16 {
		mustExec(t, db, "UPDATE `tabOAuth Client` SET token_endpoint_auth_method = 'Client Secret Post'")
		mustExec(t, db, "INSERT INTO `tabOAuth Client Role` (name, parent, parentfield, parenttype, role) "+
			"VALUES ('r1', 'test_client_id', 'allowed_roles', 'OAuth Client', 'All')")
	}
	f := frappeFixture{live: alnumToken(30), liveRefresh: alnumToken(30), expired: alnumToken(30),
		expiredRefresh: alnumToken(30), revoked: alnumToken(30), revokedRefresh: alnumToken(30), orphan: alnumToken(30)}
	loc, err := time.LoadLocation(frappeSiteTZ)
	if err != nil {
		t.Fatal(err)
	}
	local := time.Now().In(loc)
	for _, tok := range []struct {
		access, refresh, user, status string
		exp                           time.Time
	}{
		{f.live, f.liveRefresh, frappeEmail, "Active", local.Add(time.Hour)},
		{f.expired, f.expiredRefresh, frappeEmail, "Active", local.Add(-time.Hour)},
		{f.revoked, f.revokedRefresh, frappeEmail, "Revoked", local.Add(time.Hour)},
		{f.orphan, alnumToken(30), "ghost@example.com", "Active", local.Add(time.Hour)},
	} {
		access, refresh := tok.access, tok.refresh
		if v16 {
			access, refresh = sha256Hex(access), sha256Hex(refresh)
		}
		mustExec(t, db, "INSERT INTO `tabOAuth Bearer Token` (name, client, user, scopes, access_token, "+
			"refresh_token, expiration_time, expires_in, status, creation) VALUES (?, 'test_client_id', ?, "+
			"'all openid', ?, ?, ?, 3600, ?, NOW(6))", randomHex(5), tok.user, access, refresh,
			tok.exp.Format("2006-01-02 15:04:05.000000"), tok.status)
	}
	return f
}

func sha256Hex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

func alnumToken(n int) string {
	const chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	b := []byte(randomHex(n))
	for i := range b {
		b[i] = chars[int(b[i])*7%len(chars)]
	}
	return string(b[:n])
}

func TestImportFrappe(t *testing.T) {
	for _, shape := range []struct {
		name string
		v16  bool
	}{{"v14", false}, {"v16", true}} {
		t.Run(shape.name, func(t *testing.T) {
			dsn, src := frappeSource(t, shape.v16)
			f := fillFrappe(t, src, shape.v16)
			s := StartServer(t)
			out := s.CLI(t, "import", "frappe", "--from", dsn)
			want := map[string][4]int{"users": {6, 0, 0, 0}, "clients": {1, 0, 0, 0}, "tokens": {3, 0, 0, 5}}
			if got := importSummary(t, out); got["users"] != want["users"] || got["clients"] != want["clients"] ||
				got["tokens"] != want["tokens"] {
				t.Fatalf("first import: %v, want %v:\n%s", got, want, out)
			}
			for _, reason := range []string{"1 expired", "2 revoked", "2 user missing", "unknown password hash scheme",
				"Asia/Kolkata"} {
				if !strings.Contains(string(out), reason) {
					t.Errorf("summary does not say %q:\n%s", reason, out)
				}
			}
			if strings.Contains(string(out), f.live) || strings.Contains(string(out), "test_client_secret") {
				t.Fatalf("the summary prints a secret:\n%s", out)
			}
			var first, last string
			if err := serverSQL(t, s).QueryRow("SELECT first_name, last_name FROM users WHERE email = ?",
				frappeEmail).Scan(&first, &last); err != nil || first != "Test" || last != "User" {
				t.Fatalf("names of %s: %q %q %v, want Frappe's first_name and last_name", frappeEmail, first, last, err)
			}
			noPlaintext(t, s, f.live, f.liveRefresh, f.expiredRefresh, "test_client_secret", "pässwörd ünïcode")
			checkFrappeLogins(t, s)
			checkFrappeTokens(t, s, f, shape.v16)

			again := s.CLI(t, "import", "frappe", "--from", dsn)
			want = map[string][4]int{"users": {0, 0, 6, 0}, "clients": {0, 0, 1, 0}, "tokens": {0, 0, 3, 5}}
			if got := importSummary(t, again); got["users"] != want["users"] || got["clients"] != want["clients"] ||
				got["tokens"] != want["tokens"] {
				t.Fatalf("second import changed something: %v, want %v:\n%s", got, want, again)
			}
			if frappeCount(t, s, "SELECT COUNT(*) FROM users WHERE email = 'administrator' AND password_hash LIKE '$2a$%'") != 1 {
				t.Fatal("the second import put back the imported hash of a user who logged in since")
			}
		})
	}
}

// checkFrappeLogins logs in with the old passwords through the four login entry points; the
// first login re-hashes the password with bcrypt, and it still works after.
func checkFrappeLogins(t *testing.T, s *Server) {
	t.Helper()
	hash := func(login string) string {
		var h string
		if err := serverSQL(t, s).QueryRow("SELECT password_hash FROM users WHERE email = ?", login).Scan(&h); err != nil {
			t.Fatalf("user %s: %v", login, err)
		}
		return h
	}
	if !strings.HasPrefix(hash("administrator"), "$pbkdf2-sha256$") {
		t.Fatalf("Administrator's hash is not the imported one: %q", hash("administrator"))
	}
	frappeLoginAs(t, s, "Administrator", "pässwörd ünïcode")
	if h := hash("administrator"); !strings.HasPrefix(h, "$2a$") {
		t.Fatalf("after the first login the hash is %q, want bcrypt", h)
	}
	frappeLoginAs(t, s, "Administrator", "pässwörd ünïcode")

	r := SendForm(t, Browser(t), "POST", s.URL+"/login", url.Values{"usr": {frappeEmail}, "pwd": {frappePassword},
		"redirect-to": {"/app"}})
	if r.Status != http.StatusFound || r.Header.Get("Location") != "/app" {
		t.Fatalf("/login with the old password: %d %s", r.Status, r.Header.Get("Location"))
	}
	r = SendForm(t, Browser(t), "POST", s.URL+"/web/login", url.Values{"login": {"argon@example.com"},
		"password": {"argon-id-secret"}, "redirect": {"/web"}})
	if r.Status != http.StatusFound || r.Header.Get("Location") != "/web" {
		t.Fatalf("/web/login with the old argon2 password: %d %s", r.Status, r.Header.Get("Location"))
	}
	odooLogin(t, s, "bcrypt@example.com", "bcrypt-secret")
	for login, h := range map[string]string{frappeEmail: hash(frappeEmail), "argon@example.com": hash("argon@example.com")} {
		if !strings.HasPrefix(h, "$2a$") {
			t.Errorf("%s: hash %q after login, want bcrypt", login, h)
		}
	}
	for _, c := range [][2]string{{"legacy@example.com", "anything"}, {"disabled@example.com", frappePassword},
		{frappeEmail, "wrong"}, {"guest", "guest"}} {
		r := SendForm(t, Browser(t), "POST", s.URL+"/api/method/login", url.Values{"usr": {c[0]}, "pwd": {c[1]}})
		if r.Status == http.StatusOK {
			t.Errorf("login as %s with %q succeeded", c[0], c[1])
		}
	}
}

// checkFrappeTokens uses the imported tokens on both dialects' bearer endpoints and refreshes.
func checkFrappeTokens(t *testing.T, s *Server, f frappeFixture, v16 bool) {
	t.Helper()
	bearer := func(path, token string) *Resp {
		return Send(t, nil, "GET", s.URL+path, nil, "Authorization", "Bearer "+token)
	}
	if r := bearer(frappeLoggedIn, f.live); r.Status != http.StatusOK || r.Str("message") != frappeEmail {
		t.Fatalf("imported access token on get_logged_user: %d %s", r.Status, r.Raw)
	}
	if r := bearer(odooOAuth+"/userinfo", f.live); r.Status != http.StatusOK {
		t.Fatalf("imported access token on Odoo's userinfo: %d %s", r.Status, r.Raw)
	}
	for name, tok := range map[string]string{"expired": f.expired, "revoked": f.revoked, "orphan": f.orphan} {
		if r := bearer(frappeLoggedIn, tok); r.Status == http.StatusOK {
			t.Errorf("%s access token works: %s", name, r.Raw)
		}
	}
	form := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {f.liveRefresh}, "client_id": {"test_client_id"}}
	hdr := []string{"Authorization", "Basic " + base64.StdEncoding.EncodeToString([]byte("test_client_id:test_client_secret"))}
	if v16 { // token_endpoint_auth_method Client Secret Post
		form.Set("client_secret", "test_client_secret")
		hdr = nil
	}
	r := SendForm(t, nil, "POST", s.URL+frappeOAuth+"get_token", form, hdr...)
	frappeExpect(t, "refresh with an imported refresh token", r, http.StatusOK, map[string]any{"token_type": "Bearer"})
	if r.Str("refresh_token") == "" || r.Str("refresh_token") == f.liveRefresh {
		t.Errorf("Frappe clients rotate refresh tokens: got %q", r.Str("refresh_token"))
	}
	if b := bearer(frappeLoggedIn, r.Str("access_token")); b.Status != http.StatusOK {
		t.Fatalf("refreshed access token: %d %s", b.Status, b.Raw)
	}
	// A client from before 2025 (no token_endpoint_auth_method) sends its secret either way; a v16
	// client's setting holds.
	post := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {f.expiredRefresh},
		"client_id": {"test_client_id"}, "client_secret": {"test_client_secret"}}
	if v16 {
		basic := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {f.expiredRefresh}}
		r = SendForm(t, nil, "POST", s.URL+frappeOAuth+"get_token", basic, "Authorization",
			"Basic "+base64.StdEncoding.EncodeToString([]byte("test_client_id:test_client_secret")))
		if r.Status == http.StatusOK {
			t.Fatalf("a Client Secret Post client authenticated with Basic: %s", r.Raw)
		}
	}
	r = SendForm(t, nil, "POST", s.URL+frappeOAuth+"get_token", post)
	frappeExpect(t, "refresh token of an expired access token, secret in the body", r, http.StatusOK, nil)
	form.Set("refresh_token", f.revokedRefresh)
	if r := SendForm(t, nil, "POST", s.URL+frappeOAuth+"get_token", form, hdr...); r.Status == http.StatusOK {
		t.Errorf("a revoked refresh token refreshed: %s", r.Raw)
	}
}

func TestImportDryRunAndRefusals(t *testing.T) {
	dsn, src := frappeSource(t, false)
	fillFrappe(t, src, false)
	s := StartServer(t)
	out := s.CLI(t, "import", "frappe", "--from", dsn, "--dry-run", "--source-timezone", "Asia/Kolkata")
	if got := importSummary(t, out); got["users"] != [4]int{6, 0, 0, 0} || got["tokens"] != [4]int{3, 0, 0, 5} ||
		!strings.Contains(string(out), "dry run") {
		t.Fatalf("dry run summary: %v\n%s", got, out)
	}
	for _, table := range []string{"users", "clients", "tokens", "import_records"} {
		if n := frappeCount(t, s, "SELECT COUNT(*) FROM "+table); n != 0 {
			t.Fatalf("--dry-run wrote %d rows into %s", n, table)
		}
	}
	out = s.CLI(t, "import", "frappe", "--from", dsn, "--only", "users")
	if got := importSummary(t, out); got["users"] != [4]int{6, 0, 0, 0} || got["clients"] != [4]int{} {
		t.Fatalf("--only users: %v\n%s", got, out)
	}

	empty, _ := createMySQLDatabase(t, mustMySQL(t), "oauthd_notfrappe_")
	_, stderr, code := s.TryCLI("import", "frappe", "--from", empty.DSN)
	if code != 1 || !strings.Contains(stderr, `"tabUser" is missing`) {
		t.Fatalf("a database without Frappe's tables: exit %d, %q", code, stderr)
	}
	_, stderr, code = s.TryCLI("import", "frappe", "--from", "root@tcp(127.0.0.1:1)/nothing")
	if code != 1 || !strings.Contains(stderr, "connect to the Frappe database") {
		t.Fatalf("an unreachable source: exit %d, %q", code, stderr)
	}
	for _, args := range [][]string{{"import", "frappe"}, {"import", "frappe", "--from", dsn, "--only", "roles"},
		{"import", "frappe", "--from", dsn, "--source-timezone", "Mars/Olympus"}, {"import", "keycloak", "--from", dsn},
		{"import", "odoo", "--from", dsn, "--source-timezone", "UTC"}} {
		if _, stderr, code := s.TryCLI(args...); code != 2 {
			t.Errorf("%v: exit %d, want 2: %s", args, code, stderr)
		}
	}
}

func mustMySQL(t *testing.T) *sql.DB {
	t.Helper()
	admin, err := sql.Open("mysql", mysqlAdminDSN)
	if err != nil {
		t.Fatal(err)
	}
	return admin
}

// noPlaintext reads every row of the tables an import writes and fails on a plaintext secret.
func noPlaintext(t *testing.T, s *Server, secrets ...string) {
	t.Helper()
	for _, table := range []string{"users", "clients", "tokens", "import_records"} {
		rows, err := serverSQL(t, s).Query("SELECT * FROM " + table)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		n := 0
		for rows.Next() {
			n++
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			for i, v := range vals {
				for _, secret := range secrets {
					if strings.Contains(fmt.Sprintf("%s", v), secret) {
						t.Errorf("%s.%s holds a plaintext secret", table, cols[i])
					}
				}
			}
		}
		rows.Close()
		if n == 0 {
			t.Errorf("%s: no rows after the import", table)
		}
	}
}
