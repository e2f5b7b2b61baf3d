package tests

import (
	"crypto/sha256"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// overviewCommands reads `oauthd --help`: each command's words ("admin token create") with the
// text of its lines (continuation lines included).
func overviewCommands(t *testing.T) map[string]string {
	t.Helper()
	out, stderr, code := (&Server{Env: os.Environ()}).TryCLI("--help")
	if code != 0 || stderr != "" || !strings.HasPrefix(string(out), "usage:\n") {
		t.Fatalf("--help: exit %d\n%s%s", code, out, stderr)
	}
	word := regexp.MustCompile(`^[a-z][a-z-]*$`)
	cmds, last := map[string]string{}, ""
	for _, line := range strings.Split(string(out), "\n")[1:] {
		rest, ok := strings.CutPrefix(line, "  oauthd ")
		if !ok {
			if strings.HasPrefix(line, "         ") && last != "" { // a continuation line
				cmds[last] += line + "\n"
			} else {
				last = ""
			}
			continue
		}
		rest, _, _ = strings.Cut(rest, "  ")                 // before the description
		rest = strings.TrimPrefix(rest, "[--config FILE] [") // oauthd [--config FILE] [serve …]
		var words []string
		for _, w := range strings.Fields(rest) {
			if !word.MatchString(w) {
				break
			}
			words = append(words, w)
		}
		last = strings.Join(words, " ")
		if last != "" {
			cmds[last] += line + "\n"
		}
	}
	return cmds
}

// Every command of the overview answers --help with its own usage line and exactly the flags
// that line names (plus --config and --help), and exits 0; each group lists its commands.
func TestCLIHelpOfEveryCommand(t *testing.T) {
	cli := &Server{Env: os.Environ()}
	cmds := overviewCommands(t)
	for _, want := range []string{"serve", "migrate", "user add", "user list", "client add", "client update",
		"client quirks", "import frappe", "admin token create", "keys remove", "check", "version"} {
		if _, ok := cmds[want]; !ok {
			t.Fatalf("the overview lacks %q: %v", want, cmds)
		}
	}
	flagName := regexp.MustCompile(`--[a-z][a-z0-9-]*`)
	for cmd, text := range cmds {
		if cmd == "help" {
			continue
		}
		out, stderr, code := cli.TryCLI(append(strings.Fields(cmd), "--help")...)
		usage, flags, found := strings.Cut(string(out), "\nflags:\n")
		if code != 0 || stderr != "" || !found || !strings.Contains(usage, strings.TrimSuffix(text, "\n")) {
			t.Errorf("%s --help: exit %d, stderr %q\n%s", cmd, code, stderr, out)
			continue
		}
		var listed []string
		for _, l := range strings.Split(strings.TrimSpace(flags), "\n") {
			listed = append(listed, strings.Fields(l)[0])
		}
		named := append(flagName.FindAllString(text, -1), "--config", "--help")
		slices.Sort(named)
		named = slices.Compact(slices.DeleteFunc(named, func(f string) bool { return f == "--version" }))
		slices.Sort(listed)
		if !slices.Equal(listed, named) {
			t.Errorf("%s --help lists %v; its usage line names %v", cmd, listed, named)
		}
	}
	for _, group := range []string{"user", "client", "admin", "admin token", "keys", "import"} {
		out, stderr, code := cli.TryCLI(append(strings.Fields(group), "--help")...)
		if code != 0 || stderr != "" || !strings.Contains(string(out), "Run oauthd "+group+" COMMAND --help") {
			t.Errorf("%s --help: exit %d, stderr %q\n%s", group, code, stderr, out)
		}
		for cmd, text := range cmds {
			if strings.HasPrefix(cmd, group+" ") && !strings.Contains(string(out), text) {
				t.Errorf("%s --help lacks %s", group, cmd)
			}
		}
	}
}

func TestCLIVersion(t *testing.T) {
	cli := &Server{Env: os.Environ()}
	flag, stderr, code := cli.TryCLI("--version")
	word, _, code2 := cli.TryCLI("version")
	if code != 0 || code2 != 0 || stderr != "" || string(flag) != string(word) ||
		!regexp.MustCompile(`^oauthd \S+ commit \S+ go1\.\S+\n$`).Match(flag) {
		t.Fatalf("--version: exit %d %q; version: exit %d %q", code, flag, code2, word)
	}
}

// Every list prints one JSON object per line, and with --format table a header and one aligned
// row per object.
func TestCLIListFormats(t *testing.T) {
	s := StartServer(t)
	s.AddUser(t, "ann@example.com", "ann-password", "Ann Lee")
	s.AddUser(t, "bob@example.com", "bob-password", "Bob")
	s.AddClient(t, "--name", "App", "--redirect-uri", "https://app.example/cb", "--client-id", "app")
	s.CLI(t, "admin", "token", "create", "--name", "ci")
	for _, tc := range []struct {
		args   []string
		rows   int
		header string
		first  string // the first table row, its leading cells
	}{
		{[]string{"user", "list"}, 2, "EMAIL FULL_NAME ENABLED ROLES CREATED_AT", "ann@example.com Ann Lee true -"},
		{[]string{"client", "list"}, 1, "CLIENT_ID NAME PROFILE AUTH_METHODS GRANT_TYPES REDIRECT_URIS",
			"app App standard client_secret_basic,client_secret_post authorization_code,refresh_token https://app.example/cb"},
		{[]string{"admin", "token", "list"}, 1, "NAME CREATED_AT LAST_USED_AT", "ci "},
		{[]string{"keys", "list"}, 1, "KID ALG SIGNING PUBLISHED CREATED_AT RETIRED_AT", ""},
		{[]string{"client", "quirks"}, 0, "CLIENT_ID QUIRK COUNT REFUSED FIRST_SEEN LAST_SEEN", ""},
	} {
		if rows := jsonLines[map[string]any](t, s.CLI(t, tc.args...)); len(rows) != tc.rows {
			t.Errorf("%q: %d JSON lines, want %d: %v", tc.args, len(rows), tc.rows, rows)
		}
		table := strings.Split(strings.TrimSuffix(string(s.CLI(t, append(tc.args, "--format", "table")...)), "\n"), "\n")
		if len(table) != tc.rows+1 || strings.Join(strings.Fields(table[0]), " ") != tc.header ||
			tc.rows > 0 && !strings.HasPrefix(strings.Join(strings.Fields(table[1]), " "), tc.first) {
			t.Errorf("%q --format table:\n%s", tc.args, strings.Join(table, "\n"))
			continue
		}
		for _, row := range table[1:] { // aligned: every column starts where its header does
			for _, h := range strings.Fields(table[0])[1:] {
				if at := strings.Index(table[0], " "+h) + 1; row[at-1] != ' ' || row[at] == ' ' {
					t.Errorf("%q: column %s is not aligned:\n%s", tc.args, h, strings.Join(table, "\n"))
				}
			}
		}
	}
	cliRefuses(t, s, 2, "user", "list", "--format", "yaml")
}

// A database that cannot be opened is named: exit 1, one line with the path, nothing created.
func TestCLIDatabasePathError(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "no-such-dir")
	path := filepath.Join(dir, "oauthd.db")
	cli := &Server{Env: append(os.Environ(), "OAUTHD_DATABASE_DRIVER=sqlite", "OAUTHD_DATABASE_DSN="+path)}
	for _, cmd := range [][]string{{"migrate"}, {"user", "list"}, {"serve", "--addr", "127.0.0.1:0"}} {
		stderr := cliRefuses(t, cli, 1, cmd...)
		want := "oauthd: " + strings.Join(cmd[:min(len(cmd), 2)], " ")
		if cmd[0] == "serve" {
			want = "oauthd: serve"
		}
		want += ": database.dsn: cannot create " + path + ": the directory " + dir + " does not exist\n"
		if stderr != want {
			t.Errorf("%q: %q, want %q", cmd, stderr, want)
		}
	}
	if _, err := os.Stat(dir); err == nil {
		t.Error("the directory was created")
	}
}

// serve binds server.addr, admin.addr and metrics.addr before it opens the database: a busy or
// malformed address fails at once and the database stays untouched (no SQLite file; no table on
// a database server).
func TestCLIServeChecksListenAddressesFirst(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	addr := busy.Addr().String()
	db := NewDatabase(t)
	for _, tc := range []struct {
		code int
		env  string
		want string
	}{
		{1, "OAUTHD_SERVER_ADDR=" + addr, "oauthd: serve: server.addr: cannot listen on " + addr + ": bind: address already in use\n"},
		{1, "OAUTHD_ADMIN_ADDR=" + addr, "oauthd: serve: admin.addr: cannot listen on " + addr + ": bind: address already in use\n"},
		{1, "OAUTHD_METRICS_ADDR=" + addr, "oauthd: serve: metrics.addr: cannot listen on " + addr + ": bind: address already in use\n"},
		{2, "OAUTHD_SERVER_ADDR=localhost", `oauthd: serve: config: server.addr: "localhost" is not a listen address (HOST:PORT): missing port in address` + "\n"},
	} {
		out, stderr, code := (&Server{DB: db, Env: append(serverEnv(db), tc.env)}).TryCLI("serve")
		if code != tc.code || len(out) != 0 || stderr != tc.want {
			t.Errorf("%s: exit %d, stdout %q, stderr %q; want exit %d, %q", tc.env, code, out, stderr, tc.code, tc.want)
		}
	}
	if db.Driver == "sqlite" {
		if entries, _ := os.ReadDir(filepath.Dir(db.DSN)); len(entries) != 0 {
			t.Fatalf("serve that could not listen left %v beside the database", entries)
		}
		return
	}
	schema := map[string]string{"mysql": "DATABASE()", "postgres": "current_schema()"}[db.Driver]
	var tables int
	err = db.SQL.QueryRow("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = " + schema).Scan(&tables)
	if err != nil || tables != 0 {
		t.Fatalf("serve that could not listen created %d tables (%v)", tables, err)
	}
}

// import --dry-run writes nothing at all: without a database it creates none (no file, no
// secret beside it) and reports against an empty one; on an existing one it leaves every byte.
func TestCLIImportDryRunCreatesNothing(t *testing.T) {
	dsn, src := frappeSource(t, false)
	fillFrappe(t, src, false)
	dir := t.TempDir()
	db := &Database{Driver: "sqlite", DSN: filepath.Join(dir, "oauthd.db")}
	cli := &Server{DB: db, Env: serverEnv(db)}
	args := []string{"import", "frappe", "--from", dsn, "--dry-run", "--source-timezone", frappeSiteTZ}
	out := cli.CLI(t, args...)
	if got := importSummary(t, out); got["users"] != [4]int{6, 0, 0, 0} || got["tokens"] != [4]int{3, 0, 0, 5} {
		t.Fatalf("dry run on no database: %v\n%s", got, out)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Fatalf("a dry run without a database created %v", entries)
	}

	cli.CLI(t, "migrate")
	before := dirDigest(t, dir)
	if again := cli.CLI(t, args...); string(again) != string(out) {
		t.Fatalf("dry run on an empty database:\n%s\nwant:\n%s", again, out)
	}
	if after := dirDigest(t, dir); after != before {
		t.Fatalf("a dry run changed the database's directory:\n%s\nwas:\n%s", after, before)
	}
}

// dirDigest names each file of dir with the SHA-256 of its content.
func dirDigest(t *testing.T, dir string) string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "%s %x\n", e.Name(), sha256.Sum256(data))
	}
	return b.String()
}
