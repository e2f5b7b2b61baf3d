package tests

import (
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"
)

// A bad fixture stops the start with exit 2 and one line naming the file, the entry and the
// field, whether the file's syntax or the core refused it.
func TestEphemeralFixtureErrorsNameEntryAndField(t *testing.T) {
	s := &Server{Env: os.Environ()}
	for name, tc := range map[string]struct{ fixtures, want string }{
		"zero expires_in": {strings.Replace(ephemeralFixtures, "expires_in = 3600", "expires_in = 0", 1),
			`tokens[0] ("suite-app"): expires_in: must be at least 1`},
		"unknown client": {strings.Replace(ephemeralFixtures, "[[tokens]]\nclient_id = \"suite-app\"", "[[tokens]]\nclient_id = \"nope\"", 1),
			`tokens[0] ("nope"): no client with id "nope"`},
		"unknown user": {strings.Replace(ephemeralFixtures, `user = "bob@example.com"`, `user = "carol@example.com"`, 1),
			`tokens[2] ("suite-spa"): no user with email "carol@example.com"`},
		"token shape": {strings.Replace(ephemeralFixtures, ephOwnAccess, "short-token", 1),
			`tokens[1] ("suite-app"): access_token must be 30, 32 or 40 letters and digits`},
		"unregistered scope": {strings.Replace(ephemeralFixtures, `scope = "all"`, `scope = "all admin"`, 1),
			`tokens[1] ("suite-app"): scope "admin"`},
		"unknown owner": {strings.Replace(ephemeralFixtures, `owner = "alice@example.com"`, `owner = "carol@example.com"`, 1),
			`clients[0] ("suite-app"): owner "carol@example.com": no such user`},
		"consent under force": {ephemeralFixtures + "\n[[consents]]\nuser = \"bob@example.com\"\nclient_id = \"suite-app\"\n",
			`consents[0] ("suite-app"): a granted consent counts only with oauth.skip_authorization = "auto"`},
		"unknown key": {ephemeralFixtures + "\n[[tokens]]\nclient = \"suite-app\"\n", `tokens[3]: client: unknown key`},
	} {
		path := writeFile(t, "fixtures.toml", tc.fixtures)
		_, stderr, code := s.TryCLI("serve", "--ephemeral", "--addr", "127.0.0.1:0", "--fixtures", path)
		lines := strings.Split(strings.TrimSpace(stderr), "\n") // the log goes there too
		if last := lines[len(lines)-1]; code != 2 || !strings.HasPrefix(last, "oauthd: serve: fixtures "+path+": "+tc.want) {
			t.Errorf("%s: exit %d, stderr:\n%s\nwant %q", name, code, stderr, tc.want)
		}
	}
}

// Without --ephemeral a fixtures file may create users, clients and consents, but fixed tokens
// are refused before the database is even opened.
func TestFixturesWithoutEphemeral(t *testing.T) {
	db := NewDatabase(t)
	s := &Server{DB: db, Env: append(serverEnv(db), "OAUTHD_OAUTH_SKIP_AUTHORIZATION=auto")}
	path := writeFile(t, "fixtures.toml", ephemeralFixtures)
	_, stderr, code := s.TryCLI("serve", "--fixtures", path)
	if code != 2 || !strings.Contains(stderr, `tokens[0] ("suite-app"): tokens with given values need --ephemeral`) {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if db.Driver == "sqlite" {
		if _, err := os.Stat(db.DSN); !os.IsNotExist(err) {
			t.Fatalf("the refused start created the database: %v", err)
		}
	}
	lasting := ephemeralFixtures[:strings.Index(ephemeralFixtures, "[[tokens]]")] +
		"[[consents]]\nuser = \"bob@example.com\"\nclient_id = \"suite-app\"\nscope = \"all\"\n"
	s.startWith(t, "serve", "--fixtures", writeFile(t, "lasting.toml", lasting))
	defer s.Stop(t)
	b := frappeLoginAs(t, s, ephBob, "bob-password-1")
	q := url.Values{"client_id": {ephApp}, "response_type": {"code"}, "redirect_uri": {ephRedirect}, "scope": {"all"}}
	if r := Send(t, b, http.MethodGet, s.URL+frappeOAuth+"authorize?"+q.Encode(), nil); r.Location(t).Query().Get("code") == "" {
		t.Fatalf("bob's granted consent did not skip the page: %s", r)
	}
	q.Set("scope", "all openid")
	if r := Send(t, b, http.MethodGet, s.URL+frappeOAuth+"authorize?"+q.Encode(), nil); r.Status != http.StatusOK ||
		!strings.Contains(string(r.Raw), "Confirm Access") {
		t.Fatalf("a scope beyond the granted consent was not asked for: %s", r)
	}
}
