package cli

// These tests change the environment and the working directory, so none runs in parallel.

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"oauthd/store"
)

// setup points the configuration at a database in a fresh directory, which is also the
// working directory (so no config.toml is read), and returns the database path.
func setup(t *testing.T) string {
	t.Helper()
	for _, kv := range os.Environ() {
		if name, _, _ := strings.Cut(kv, "="); strings.HasPrefix(name, "OAUTHD_") {
			t.Setenv(name, "") // restored after the test
			os.Unsetenv(name)
		}
	}
	dir := t.TempDir()
	t.Chdir(dir)
	dsn := filepath.Join(dir, "oauthd.db")
	t.Setenv("OAUTHD_DATABASE_DRIVER", "sqlite")
	t.Setenv("OAUTHD_DATABASE_DSN", dsn)
	t.Setenv("OAUTHD_OAUTH_BCRYPT_COST", "4")
	return dsn
}

func run(args ...string) (code int, stdout, stderr string) {
	var out, errOut bytes.Buffer
	code = Run(args, &out, &errOut)
	return code, out.String(), errOut.String()
}

// clientCount reads the database directly.
func clientCount(t *testing.T, dsn string) int {
	t.Helper()
	st, err := store.Open("sqlite", dsn, store.Options{MaxOpenConns: 1, MaxIdleConns: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	clients, err := testEngine(t, st).Clients(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return len(clients)
}

// A command line that cannot run exits 2 with one line naming the command and the mistake,
// then the command's usage line; nothing is written.
func TestUsageErrors(t *testing.T) {
	dsn := setup(t)
	const uri = "http://127.0.0.1:9000/cb"
	for _, tc := range []struct {
		args       []string
		line, then string // stderr's first line, and the start of the second
	}{
		{[]string{"--bogus"}, "oauthd: unknown flag --bogus", "Run oauthd --help for the commands."},
		{[]string{"frobnicate"}, `oauthd: unknown command "frobnicate"`, "Run oauthd --help for the commands."},
		{[]string{"serve", "--nope"}, "oauthd: serve: unknown flag --nope", "usage: oauthd [--config FILE] [serve"},
		{[]string{"serve", "extra"}, `oauthd: serve: takes no argument, got 1: "extra"`, "usage: oauthd [--config FILE] [serve"},
		{[]string{"migrate", "extra"}, `oauthd: migrate: takes no argument, got 1: "extra"`, "usage: oauthd migrate"},
		{[]string{"user"}, "oauthd: user: takes a command: add, list, disable, enable, set-password, roles, remove",
			"usage: oauthd user add"},
		{[]string{"user", "frob"}, `oauthd: user: unknown command "frob" (it takes add, list, disable, enable, set-password, roles, remove)`,
			"usage: oauthd user add"},
		{[]string{"user", "remove"}, "oauthd: user remove: takes one argument, got none", "usage: oauthd user remove EMAIL"},
		{[]string{"user", "remove", "a@example.com", "--", "--config"}, `oauthd: user remove: takes one argument, got 2: "a@example.com" "--config"`,
			"usage: oauthd user remove EMAIL"},
		{[]string{"user", "add", "--email", "a@example.com"}, "oauthd: user add: needs --email and --password", "usage: oauthd user add"},
		{[]string{"user", "add", "--email"}, "oauthd: user add: --email needs a value", "usage: oauthd user add"},
		{[]string{"user", "roles", "a@example.com"}, "oauthd: user roles: needs --add or --remove", "usage: oauthd user roles EMAIL"},
		{[]string{"user", "list", "--limit", "x"}, `oauthd: user list: invalid value "x" for --limit: parse error`, "usage: oauthd user list"},
		{[]string{"user", "list", "--format", "yaml"}, `oauthd: user list: --format takes json or table, not "yaml"`, "usage: oauthd user list"},
		{[]string{"user", "disable", "-x@example.com"},
			`oauthd: user disable: unknown flag -x@example.com (an argument that begins with "-" goes after --: oauthd user disable -- -x@example.com)`,
			"usage: oauthd user disable EMAIL"},
		{[]string{"client"}, "oauthd: client: takes a command: add, update, list, quirks, remove, rotate-secret", "usage: oauthd client add"},
		{[]string{"client", "add", "--nope"}, "oauthd: client add: unknown flag --nope", "usage: oauthd client add"},
		{[]string{"client", "add", "--name", "x"}, "oauthd: client add: needs --name and --redirect-uri", "usage: oauthd client add"},
		{[]string{"client", "add", "--name", "x", "--redirect-uri", uri, "--refresh-rotation", "maybe"},
			`oauthd: client add: --refresh-rotation takes on or off, not "maybe"`, "usage: oauthd client add"},
		{[]string{"client", "list", "extra"}, `oauthd: client list: takes no argument, got 1: "extra"`, "usage: oauthd client list"},
		{[]string{"client", "remove", "a", "b"}, `oauthd: client remove: takes one argument, got 2: "a" "b"`, "usage: oauthd client remove ID"},
		{[]string{"client", "update", "x"}, "oauthd: client update: needs at least one change", "usage: oauthd client update ID"},
		{[]string{"admin"}, "oauthd: admin: takes a command: token", "usage: oauthd admin token create"},
		{[]string{"admin", "token", "zap"}, `oauthd: admin token: unknown command "zap" (it takes create, list, revoke)`,
			"usage: oauthd admin token create"},
		{[]string{"keys", "remove"}, "oauthd: keys remove: takes one argument, got none", "usage: oauthd keys remove KID"},
		{[]string{"import", "keycloak"}, `oauthd: import: unknown command "keycloak" (it takes frappe, odoo)`, "usage: oauthd import frappe"},
		{[]string{"import", "odoo"}, "oauthd: import odoo: needs --from", "usage: oauthd import odoo"},
		{[]string{"purge", "--older-than", "soon"}, `oauthd: purge: invalid value "soon" for --older-than: parse error`, "usage: oauthd purge"},
		{[]string{"check", "http://x.example", "--dialect", "soap"}, `oauthd: check: --dialect takes frappe, odoo or both, not "soap"`,
			"usage: oauthd check BASE_URL"},
	} {
		code, stdout, stderr := run(tc.args...)
		lines := strings.Split(stderr, "\n")
		if code != 2 || stdout != "" || len(lines) < 3 || lines[0] != tc.line || !strings.HasPrefix(lines[1], tc.then) {
			t.Errorf("%q: exit %d\nstdout: %s\nstderr: %s\nwant:   %s\n        %s", tc.args, code, stdout, stderr, tc.line, tc.then)
		}
	}
	if _, err := os.Stat(dsn); err == nil {
		t.Error("a command line that cannot run created the database")
	}
}

// A command that runs and fails exits 1 with one line, "oauthd: COMMAND: what", and no usage.
func TestRuntimeErrorsAreOneLine(t *testing.T) {
	dsn := setup(t)
	const uri = "http://127.0.0.1:9000/cb"
	if code, _, stderr := run("user", "add", "--email", "taken@example.com", "--password", "long-enough"); code != 0 {
		t.Fatal(stderr)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"user", "add", "--email", "not an email", "--password", "long-enough"}, "oauthd: user add: "},
		{[]string{"user", "add", "--email", "a@example.com", "--password", "short"}, "oauthd: user add: password must be"},
		{[]string{"user", "add", "--email", "taken@example.com", "--password", "long-enough"}, "oauthd: user add: "},
		{[]string{"user", "disable", "nobody@example.com"}, `oauthd: user disable: no user with email "nobody@example.com"`},
		{[]string{"user", "remove", "--", "-nobody@example.com"}, `oauthd: user remove: no user with email "-nobody@example.com"`},
		{[]string{"client", "add", "--name", "x", "--redirect-uri", "not-a-uri"}, "oauthd: client add: "},
		{[]string{"client", "add", "--name", "x", "--redirect-uri", uri + "#frag"}, "oauthd: client add: "},
		{[]string{"client", "add", "--name", "x", "--redirect-uri", uri, "--auth-method", "bogus"}, "oauthd: client add: "},
		{[]string{"client", "add", "--name", "x", "--redirect-uri", uri, "--grant-type", "password"}, "oauthd: client add: "},
		{[]string{"client", "add", "--name", "x", "--redirect-uri", uri, "--pkce", "sometimes"}, "oauthd: client add: "},
		{[]string{"client", "add", "--name", "x", "--redirect-uri", uri, "--owner", "nobody@example.com"}, "oauthd: client add: "},
		{[]string{"client", "add", "--name", "x", "--redirect-uri", uri, "--client-id", "has space"}, "oauthd: client add: "},
		{[]string{"client", "remove", "no-such-client"}, `oauthd: client remove: `},
		{[]string{"client", "rotate-secret", "no-such-client"}, "oauthd: client rotate-secret: "},
		{[]string{"keys", "remove", "--", "-Xy3"}, `oauthd: keys remove: no signing key "-Xy3"`},
		{[]string{"admin", "token", "revoke", "nobody"}, "oauthd: admin token revoke: "},
	} {
		code, stdout, stderr := run(tc.args...)
		if code != 1 || stdout != "" || strings.Count(stderr, "\n") != 1 || !strings.HasPrefix(stderr, tc.want) ||
			strings.Contains(stderr, "usage") || strings.Contains(stderr, "invalid input") {
			t.Errorf("%q: exit %d\nstdout: %s\nstderr: %q\nwant:   %q…", tc.args, code, stdout, stderr, tc.want)
		}
	}
	if n := clientCount(t, dsn); n != 0 {
		t.Errorf("failed commands left %d clients", n)
	}
}

// --help anywhere prints that command's usage and flags (a group's: its commands) on stdout
// and exits 0; help, -h and --help alone print the overview.
func TestHelp(t *testing.T) {
	setup(t)
	for _, args := range [][]string{{"help"}, {"-h"}, {"--help"}, {"--config", "missing.toml", "help"}, {"help", "--help"}} {
		code, stdout, stderr := run(args...)
		if code != 0 || stdout != usage+"\n" || stderr != "" {
			t.Errorf("%q: exit %d\nstdout: %s\nstderr: %s", args, code, stdout, stderr)
		}
	}
	for _, tc := range []struct {
		args []string
		name string   // whose lines head the help
		has  []string // and what follows them
	}{
		{[]string{"client", "add", "-h"}, "client add", []string{"\nflags:\n", "  --redirect-uri URI ", "  --refuse-quirk NAME ", "  --skip-authorization "}},
		{[]string{"migrate", "--help"}, "migrate", []string{"  --config FILE ", "  --help "}},
		{[]string{"serve", "--help"}, "serve", []string{"  --ephemeral ", "  --addr HOST:PORT "}},
		{[]string{"user", "--help"}, "user", []string{"Run oauthd user COMMAND --help"}},
		{[]string{"user", "help"}, "user", []string{"Run oauthd user COMMAND --help"}},
		{[]string{"user", "list", "--help"}, "user list", []string{"  --format FORMAT ", "(default json)", "  --search TEXT "}},
		{[]string{"user", "disable", "--help"}, "user disable", []string{"  --config FILE "}},
		{[]string{"user", "set-password", "x@example.com", "-h"}, "user set-password", []string{"  --password PASSWORD "}},
		{[]string{"admin", "--help"}, "admin", []string{"Run oauthd admin COMMAND --help"}},
		{[]string{"admin", "token", "--help"}, "admin token", []string{"Run oauthd admin token COMMAND --help"}},
		{[]string{"admin", "token", "create", "--help"}, "admin token create", []string{"  --name NAME "}},
		{[]string{"import", "frappe", "--help"}, "import frappe", []string{"  --source-timezone ZONE ", "  --dry-run "}},
		{[]string{"import", "odoo", "--help"}, "import odoo", []string{"  --from DSN "}},
		{[]string{"keys", "remove", "--help"}, "keys remove", []string{"  --config FILE "}},
		{[]string{"check", "--help"}, "check", []string{"  --against URL "}},
		{[]string{"version", "--help"}, "version", []string{"  --config FILE "}},
		{[]string{"help", "client", "update"}, "client update", []string{"  --allow-quirk NAME "}},
		{[]string{"purge", "--help"}, "purge", []string{"  --older-than AGE ", "(default 720h0m0s)"}},
	} {
		code, stdout, stderr := run(tc.args...)
		head := "usage:\n" + indent(strings.Join(linesOf(tc.name), "\n"), "  ") + "\n\n"
		ok := code == 0 && stderr == "" && strings.HasPrefix(stdout, head)
		for _, h := range tc.has {
			ok = ok && strings.Contains(stdout, h)
		}
		if !ok {
			t.Errorf("%q: exit %d\nstdout: %s\nstderr: %s\nwant it to begin with %q and hold %q", tc.args, code, stdout, stderr, head, tc.has)
		}
	}
}

func TestMigrate(t *testing.T) {
	dsn := setup(t)
	for range 2 { // and again on a migrated database
		if code, stdout, stderr := run("migrate"); code != 0 || stdout != "schema up to date\n" || stderr != "" {
			t.Fatalf("migrate: exit %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
		}
	}
	if _, err := os.Stat(dsn); err != nil {
		t.Fatal(err)
	}
}

func TestConfigErrors(t *testing.T) {
	for _, tc := range []struct {
		name, env, value, file string
		args                   []string
		want                   string // the one line on stderr
	}{
		{name: "not a number", env: "OAUTHD_LOGIN_MAX_FAILURES", value: "many", args: []string{"migrate"},
			want: `oauthd: migrate: config: login.max_failures: not a whole number: "many"`},
		{name: "not a duration", env: "OAUTHD_OAUTH_CODE_TTL", value: "10", args: []string{"client", "list"},
			want: `oauthd: client list: config: oauth.code_ttl: not a duration: "10" (use e.g. "90s", "10m", "1h")`},
		{name: "unknown key", env: "OAUTHD_SERVER_ADRR", value: ":1", args: []string{"migrate"},
			want: "oauthd: migrate: config: server.adrr: unknown key"},
		{name: "unknown driver", env: "OAUTHD_DATABASE_DRIVER", value: "oracle", args: []string{"migrate"},
			want: `oauthd: migrate: config: database.driver: unknown value "oracle" (want one of sqlite, mysql, postgres)`},
		{name: "config.toml in the working directory", file: "[login]\nmax_failures = 0\n", args: []string{"migrate"},
			want: "oauthd: migrate: config: login.max_failures: must be at least 1, got 0"},
		{name: "missing --config file", args: []string{"--config", "nope.toml", "migrate"},
			want: "oauthd: migrate: config: cannot read nope.toml: "},
		{name: "missing --config file, after the command", args: []string{"client", "list", "--config", "nope.toml"},
			want: "oauthd: client list: config: cannot read nope.toml: "},
		{name: "server.addr not an address", env: "OAUTHD_SERVER_ADDR", value: "nonsense", args: []string{"serve"},
			want: `oauthd: serve: config: server.addr: "nonsense" is not a listen address (HOST:PORT): missing port in address`},
		{name: "--addr not an address", args: []string{"serve", "--addr", "127.0.0.1:99999"},
			want: `oauthd: serve: config: --addr: "127.0.0.1:99999" is not a listen address (HOST:PORT): invalid port`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dsn := setup(t)
			if tc.env != "" {
				t.Setenv(tc.env, tc.value)
			}
			if tc.file != "" {
				if err := os.WriteFile("config.toml", []byte(tc.file), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			code, stdout, stderr := run(tc.args...)
			if code != 2 || stdout != "" || strings.Count(stderr, "\n") != 1 || !strings.HasPrefix(stderr, tc.want) {
				t.Errorf("exit %d\nstdout: %s\nstderr: %q\nwant:   %q", code, stdout, stderr, tc.want)
			}
			if _, err := os.Stat(dsn); err == nil {
				t.Error("the database was created despite the invalid configuration")
			}
		})
	}
}

// A database that cannot be opened is a failure (exit 1) whose line names the path.
func TestStoreFailureNamesThePath(t *testing.T) {
	setup(t)
	dir := t.TempDir()
	missing := filepath.Join(dir, "no-such-dir", "oauthd.db")
	notDir := filepath.Join(dir, "file")
	if err := os.WriteFile(notDir, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	for dsn, want := range map[string]string{
		missing: "oauthd: migrate: database.dsn: cannot create " + missing + ": the directory " +
			filepath.Dir(missing) + " does not exist\n",
		dir: "oauthd: migrate: database.dsn: " + dir + " is a directory, not a database file\n",
		filepath.Join(notDir, "oauthd.db"): "oauthd: migrate: database.dsn: cannot create " +
			filepath.Join(notDir, "oauthd.db") + ": " + notDir + " is not a directory\n",
	} {
		t.Setenv("OAUTHD_DATABASE_DSN", dsn)
		if code, stdout, stderr := run("migrate"); code != 1 || stdout != "" || stderr != want {
			t.Errorf("%s: exit %d\nstdout: %s\nstderr: %q\nwant:   %q", dsn, code, stdout, stderr, want)
		}
	}
	// A database server that does not answer: its address, never the password.
	t.Setenv("OAUTHD_DATABASE_DRIVER", "mysql")
	t.Setenv("OAUTHD_DATABASE_DSN", "oauthd:secret-pw@tcp(127.0.0.1:1)/oauthd")
	t.Setenv("OAUTHD_KEYS_ENCRYPTION_SECRET", strings.Repeat("k", 32))
	code, stdout, stderr := run("user", "list")
	if code != 1 || stdout != "" || strings.Count(stderr, "\n") != 1 || !strings.HasPrefix(stderr, "oauthd: user list: ") ||
		!strings.Contains(stderr, "127.0.0.1:1") || strings.Contains(stderr, "secret-pw") {
		t.Errorf("unreachable MySQL: exit %d\nstdout: %s\nstderr: %q", code, stdout, stderr)
	}
}

// TestUsageIsTheDocs: --help prints the block of docs/cli.md, word for word.
func TestUsageIsTheDocs(t *testing.T) {
	doc, err := os.ReadFile("../docs/cli.md")
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, l := range strings.Split(strings.TrimPrefix(usage, "usage:\n"), "\n") {
		lines = append(lines, strings.TrimPrefix(l, "  "))
	}
	if block := "```\n" + strings.Join(lines, "\n") + "\n```"; !strings.Contains(string(doc), block) {
		t.Fatalf("docs/cli.md lacks the usage text as a block:\n%s", block)
	}
}

func TestVersion(t *testing.T) {
	setup(t)
	for _, args := range [][]string{{"version"}, {"--version"}, {"--config", "nope.toml", "--version"}} {
		code, stdout, _ := run(args...)
		if code != 0 || stdout != versionLine()+"\n" || !strings.HasPrefix(stdout, "oauthd ") ||
			!strings.Contains(stdout, " commit ") || !strings.Contains(stdout, " go1.") {
			t.Errorf("%q: exit %d, %q", args, code, stdout)
		}
	}
}
