package cli

// These tests change the environment and the working directory, so none runs in parallel.

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"oauthd/models"
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
	store, err := models.Open("sqlite", dsn, models.Options{MaxOpenConns: 1, MaxIdleConns: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	if err := store.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	clients, err := testEngine(t, store).Clients(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return len(clients)
}

func TestUsageErrors(t *testing.T) {
	dsn := setup(t)
	const uri = "http://127.0.0.1:9000/cb"
	for _, args := range [][]string{
		{"--bogus"},
		{"frobnicate"},
		{"serve", "--nope"},
		{"serve", "extra"},
		{"migrate", "extra"},
		{"user"},
		{"user", "remove"},
		{"user", "add", "--email", "a@example.com"},
		{"user", "add", "--password", "long-enough"},
		{"user", "add", "--email", "not an email", "--password", "long-enough"},
		{"user", "add", "--email", "a@example.com", "--password", "short"},
		{"client"},
		{"client", "frob"},
		{"client", "add", "--nope"},
		{"client", "add", "--name", "x"},
		{"client", "add", "--redirect-uri", uri},
		{"client", "add", "--name", "x", "--redirect-uri", uri, "--refresh-rotation", "maybe"},
		{"client", "add", "--name", "x", "--redirect-uri", "not-a-uri"},
		{"client", "add", "--name", "x", "--redirect-uri", uri + "#frag"},
		{"client", "add", "--name", "x", "--redirect-uri", uri, "--auth-method", "bogus"},
		{"client", "add", "--name", "x", "--redirect-uri", uri, "--grant-type", "password"},
		{"client", "add", "--name", "x", "--redirect-uri", uri, "--pkce", "sometimes"},
		{"client", "add", "--name", "x", "--redirect-uri", uri, "--owner", "nobody@example.com"},
		{"client", "add", "--name", "x", "--redirect-uri", uri, "--client-id", "has space"},
		{"client", "list", "extra"},
		{"client", "remove"},
		{"client", "remove", "a", "b"},
		{"client", "remove", "no-such-client"},
		{"client", "rotate-secret", "no-such-client"},
	} {
		code, stdout, stderr := run(args...)
		if code != 2 || stdout != "" || !strings.HasPrefix(stderr, "oauthd: ") ||
			!strings.Contains(stderr, "\nusage:\n  oauthd [--config FILE]") {
			t.Errorf("%q: exit %d\nstdout: %s\nstderr: %s", args, code, stdout, stderr)
		}
	}
	if n := clientCount(t, dsn); n != 0 {
		t.Errorf("failed commands left %d clients", n)
	}
}

func TestHelp(t *testing.T) {
	setup(t)
	for _, args := range [][]string{{"help"}, {"-h"}, {"--help"}, {"client", "add", "-h"}, {"migrate", "--help"},
		{"--config", "missing.toml", "help"}, {"serve", "--help"}, {"user", "--help"}, {"user", "list", "--help"},
		{"user", "disable", "--help"}, {"user", "set-password", "-h"}, {"user", "roles", "--help"},
		{"client", "--help"}, {"client", "list", "-h"}, {"purge", "--help"}, {"admin", "--help"},
		{"admin", "token", "create", "--help"}, {"version", "--help"}} {
		code, stdout, stderr := run(args...)
		if code != 0 || stdout != usage+"\n" || stderr != "" {
			t.Errorf("%q: exit %d\nstdout: %s\nstderr: %s", args, code, stdout, stderr)
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
			want: `oauthd: config: login.max_failures: not a whole number: "many"`},
		{name: "not a duration", env: "OAUTHD_OAUTH_CODE_TTL", value: "10", args: []string{"client", "list"},
			want: `oauthd: config: oauth.code_ttl: not a duration: "10" (use e.g. "90s", "10m", "1h")`},
		{name: "unknown key", env: "OAUTHD_SERVER_ADRR", value: ":1", args: []string{"migrate"},
			want: "oauthd: config: server.adrr: unknown key"},
		{name: "unknown driver", env: "OAUTHD_DATABASE_DRIVER", value: "oracle", args: []string{"migrate"},
			want: `oauthd: config: database.driver: unknown value "oracle" (want one of sqlite, mysql, postgres)`},
		{name: "config.toml in the working directory", file: "[login]\nmax_failures = 0\n", args: []string{"migrate"},
			want: "oauthd: config: login.max_failures: must be at least 1, got 0"},
		{name: "missing --config file", args: []string{"--config", "nope.toml", "migrate"},
			want: "oauthd: config: cannot read nope.toml: "},
		{name: "missing --config file, after the command", args: []string{"client", "list", "--config", "nope.toml"},
			want: "oauthd: config: cannot read nope.toml: "},
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

func TestStoreFailureIsExitOne(t *testing.T) {
	setup(t)
	t.Setenv("OAUTHD_DATABASE_DSN", filepath.Join(t.TempDir(), "no-such-dir", "oauthd.db"))
	code, stdout, stderr := run("migrate")
	if code != 1 || stdout != "" || !strings.HasPrefix(stderr, "oauthd: ") || strings.Contains(stderr, "usage:") {
		t.Errorf("exit %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
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
	code, stdout, _ := run("version")
	if code != 0 || !strings.HasPrefix(stdout, "oauthd ") || !strings.Contains(stdout, " commit ") ||
		!strings.Contains(stdout, " go1.") {
		t.Fatalf("version: exit %d, %q", code, stdout)
	}
}
