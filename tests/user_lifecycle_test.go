package tests

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// cliWithInput runs an oauthd command with stdin and returns stdout, stderr and the exit code.
func (s *Server) cliWithInput(stdin string, args ...string) ([]byte, string, int) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary, args...)
	cmd.Env, cmd.Dir, cmd.Stdin = s.Env, os.TempDir(), strings.NewReader(stdin)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	if exit, ok := err.(*exec.ExitError); ok {
		return out.Bytes(), errOut.String(), exit.ExitCode()
	} else if err != nil {
		return out.Bytes(), err.Error(), -1
	}
	return out.Bytes(), errOut.String(), 0
}

func TestUserListSearchAndRoles(t *testing.T) {
	s := StartServer(t)
	s.CLI(t, "user", "add", "--email", "ann@example.com", "--password", "ann-password", "--full-name", "Ann Lee",
		"--role", "Accounts User", "--role", "Sales User")
	s.AddUser(t, "bob@example.com", "bob-password", "Bob 100%")
	s.AddUser(t, "carol@other.example", "carol-password", "Carol")

	all := jsonLines[map[string]any](t, s.CLI(t, "user", "list"))
	if len(all) != 3 || all[0]["email"] != "ann@example.com" || all[2]["email"] != "carol@other.example" {
		t.Fatalf("user list: %v", all)
	}
	if roles, _ := json.Marshal(all[0]["roles"]); string(roles) != `["Accounts User","Sales User"]` ||
		all[0]["enabled"] != true {
		t.Fatalf("ann: %v", all[0])
	}
	for _, u := range all {
		for k := range u {
			if strings.Contains(strings.ToLower(k), "password") || strings.Contains(strings.ToLower(k), "hash") {
				t.Fatalf("user list prints %q", k)
			}
		}
	}
	if got := jsonLines[map[string]any](t, s.CLI(t, "user", "list", "--search", "EXAMPLE.COM")); len(got) != 2 {
		t.Fatalf("search by email part, case-insensitive: %v", got)
	}
	if got := jsonLines[map[string]any](t, s.CLI(t, "user", "list", "--search", "100%")); len(got) != 1 || got[0]["email"] != "bob@example.com" {
		t.Fatalf("%% is matched literally: %v", got)
	}
	if got := jsonLines[map[string]any](t, s.CLI(t, "user", "list", "--offset", "1", "--limit", "1")); len(got) != 1 || got[0]["email"] != "bob@example.com" {
		t.Fatalf("paging: %v", got)
	}

	s.CLI(t, "user", "roles", "ann@example.com", "--add", "Stock User", "--remove", "Sales User")
	ann := jsonLines[map[string]any](t, s.CLI(t, "user", "list", "--search", "ann@"))
	if roles, _ := json.Marshal(ann[0]["roles"]); string(roles) != `["Accounts User","Stock User"]` {
		t.Fatalf("after roles: %v", ann)
	}
	if got := frappeCount(t, s, "SELECT COUNT(*) FROM users WHERE roles = 'Accounts User,Stock User'"); got != 1 {
		t.Fatalf("roles stored: %d", got)
	}
}

func TestUserDisableRevokesEverythingAndEnableRestoresLogin(t *testing.T) {
	site := frappeStart(t, nil)
	b := site.frappeLogin(t)
	tok := site.frappeTokens(t, b)
	access := tok.Str("access_token")
	if r := site.frappeBearer(t, "GET", frappeLoggedIn, "Authorization", access); r.Status != http.StatusOK {
		t.Fatalf("bearer before disable: %d %s", r.Status, r.Raw)
	}
	code := site.frappeCode(t, b, frappeOAuth, site.frappeQuery()) // unused code, outstanding at disable

	out := site.CLI(t, "user", "disable", frappeEmail)
	if !strings.Contains(string(out), `"enabled":false`) {
		t.Fatalf("disable printed %s", out)
	}
	// the CLI is another process: the server's bearer cache learns of it from the revocation
	// feed, within oauth.revocation_poll (1 s)
	waitFor(t, 5*time.Second, "the disabled user's token refused", func() bool {
		return site.frappeBearer(t, "GET", frappeLoggedIn, "Authorization", access).Status == http.StatusUnauthorized
	})
	if n := frappeCount(t, site.Server, "SELECT COUNT(*) FROM tokens WHERE revoked_at = 0"); n != 0 {
		t.Fatalf("%d tokens still active after disable", n)
	}
	if n := frappeCount(t, site.Server, "SELECT COUNT(*) FROM sessions"); n != 0 {
		t.Fatalf("%d sessions left after disable", n)
	}
	r := site.frappeToken(t, frappeOAuth, map[string][]string{"grant_type": {"authorization_code"}, "code": {code},
		"redirect_uri": {frappeRedirect}, "client_id": {site.client.ID}, "client_secret": {site.client.Secret}})
	if r.Status == http.StatusOK {
		t.Fatalf("a code issued before disable still exchanges: %s", r.Raw)
	}
	refresh := site.frappeToken(t, frappeOAuth, map[string][]string{"grant_type": {"refresh_token"},
		"refresh_token": {tok.Str("refresh_token")}, "client_id": {site.client.ID}, "client_secret": {site.client.Secret}})
	if refresh.Status == http.StatusOK {
		t.Fatalf("refresh after disable: %s", refresh.Raw)
	}
	login := SendForm(t, Browser(t), "POST", site.URL+"/api/method/login",
		map[string][]string{"usr": {frappeEmail}, "pwd": {frappePassword}})
	if login.Status == http.StatusOK {
		t.Fatalf("a disabled user logged in: %s", login.Raw)
	}

	site.CLI(t, "user", "enable", frappeEmail)
	b = site.frappeLogin(t)
	if r := site.frappeBearer(t, "GET", frappeLoggedIn, "Authorization", access); r.Status != http.StatusUnauthorized {
		t.Fatalf("enable must not bring revoked tokens back: %d", r.Status)
	}
	site.frappeTokens(t, b)
}

func TestUserSetPasswordFromStdinAndFlag(t *testing.T) {
	site := frappeStart(t, nil)
	b := site.frappeLogin(t)
	if _, stderr, code := site.cliWithInput("new-password-1\n", "user", "set-password", frappeEmail); code != 0 {
		t.Fatalf("set-password from stdin: %d %s", code, stderr)
	}
	if r := Send(t, b, "GET", site.URL+frappeLoggedIn, nil); r.Status == http.StatusOK {
		t.Fatalf("a session survived a password change: %s", r.Raw)
	}
	fail := SendForm(t, Browser(t), "POST", site.URL+"/api/method/login",
		map[string][]string{"usr": {frappeEmail}, "pwd": {frappePassword}})
	if fail.Status == http.StatusOK {
		t.Fatal("the old password still works")
	}
	frappeLoginAs(t, site.Server, frappeEmail, "new-password-1")
	site.CLI(t, "user", "set-password", "--password", "new-password-2", frappeEmail)
	frappeLoginAs(t, site.Server, frappeEmail, "new-password-2")

	hash := func() string {
		var h string
		serverSQL(t, site.Server).QueryRow("SELECT password_hash FROM users").Scan(&h)
		return h
	}
	before := hash()
	if _, _, code := site.cliWithInput("short\n", "user", "set-password", frappeEmail); code != 1 {
		t.Fatalf("a too short password from stdin: exit %d, want 1", code)
	}
	if _, _, code := site.cliWithInput("", "user", "set-password", frappeEmail); code != 1 {
		t.Fatalf("an empty stdin: exit %d, want 1", code)
	}
	if hash() != before {
		t.Fatal("a refused set-password changed the hash")
	}
}

func TestUserRemoveRevokesEverything(t *testing.T) {
	site := frappeStart(t, nil)
	owned := site.AddClient(t, "--name", "Owned", "--redirect-uri", "https://owned.example/cb",
		"--owner", frappeEmail, "--grant-type", "client_credentials")
	cc := site.frappeToken(t, frappeOAuth, map[string][]string{"grant_type": {"client_credentials"},
		"client_id": {owned.ID}, "client_secret": {owned.Secret}}, "Content-Type", "application/x-www-form-urlencoded")
	b := site.frappeLogin(t)
	access := site.frappeTokens(t, b).Str("access_token")

	site.CLI(t, "user", "remove", frappeEmail)
	for _, tok := range []string{access, cc.Str("access_token")} {
		if tok == "" {
			continue
		}
		waitFor(t, 5*time.Second, "the removed user's token refused", func() bool {
			return site.frappeBearer(t, "GET", frappeLoggedIn, "Authorization", tok).Status == http.StatusUnauthorized
		})
	}
	for _, table := range []string{"users", "tokens", "sessions", "consents", "authorization_codes"} {
		if n := frappeCount(t, site.Server, "SELECT COUNT(*) FROM "+table); n != 0 {
			t.Errorf("%s: %d rows left", table, n)
		}
	}
	if n := frappeCount(t, site.Server, "SELECT COUNT(*) FROM clients WHERE owner_id IS NULL"); n != 2 {
		t.Errorf("clients must stay, without owner: %d", n)
	}
	cliRefuses(t, site.Server, 1, "user", "remove", frappeEmail) // no longer there
}

func TestUserCommandsBadInputWriteNothing(t *testing.T) {
	s := StartServer(t)
	s.CLI(t, "user", "add", "--email", "u@example.com", "--password", "user-password", "--role", "Keep")
	snapshot := func() string {
		var email, name, roles, hash string
		var enabled bool
		serverSQL(t, s).QueryRow("SELECT email, full_name, roles, enabled, password_hash FROM users").
			Scan(&email, &name, &roles, &enabled, &hash)
		return strings.Join([]string{email, name, roles, hash}, "|") + map[bool]string{true: "|on"}[enabled]
	}
	before := snapshot()
	cases := []struct {
		code int // 2: cannot run as given; 1: refused by the server's rules
		args []string
	}{
		{2, []string{"user"}},
		{2, []string{"user", "frobnicate"}},
		{2, []string{"user", "disable"}},
		{1, []string{"user", "disable", "nobody@example.com"}},
		{2, []string{"user", "enable", "a@example.com", "b@example.com"}},
		{1, []string{"user", "remove", "nobody@example.com"}},
		{2, []string{"user", "roles", "u@example.com"}},
		{1, []string{"user", "roles", "u@example.com", "--add", "a,b"}},
		{1, []string{"user", "roles", "u@example.com", "--add", " padded"}},
		{1, []string{"user", "roles", "u@example.com", "--add", ""}},
		{1, []string{"user", "roles", "nobody@example.com", "--add", "X"}},
		{1, []string{"user", "set-password", "u@example.com", "--password", "short"}},
		{1, []string{"user", "set-password", "nobody@example.com", "--password", "long-enough-1"}},
		{2, []string{"user", "list", "--limit", "-1"}},
		{2, []string{"user", "list", "--limit", "x"}},
		{1, []string{"user", "add", "--email", "v@example.com", "--password", "long-enough", "--role", "a,b"}},
		{1, []string{"user", "add", "--email", "v@example.com", "--password", "long-enough", "--full-name", strings.Repeat("n", 256)}},
	}
	for _, c := range cases {
		cliRefuses(t, s, c.code, c.args...)
	}
	if after := snapshot(); after != before {
		t.Fatalf("bad input changed the user: %q -> %q", before, after)
	}
	if n := frappeCount(t, s, "SELECT COUNT(*) FROM users"); n != 1 {
		t.Fatalf("bad input created users: %d", n)
	}
}
