package cli

import (
	"bytes"
	"net"
	"os"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestSplitArgs(t *testing.T) {
	fs := newFlagSet("x")
	fs.String("name", "", "")
	fs.Bool("skip", false, "")
	for _, tc := range []struct {
		args, flags, positional []string
	}{
		{[]string{"a", "--name", "n", "b"}, []string{"--name", "n"}, []string{"a", "b"}},
		{[]string{"--name", "-dash", "a"}, []string{"--name", "-dash"}, []string{"a"}}, // a value may begin with -
		{[]string{"--skip", "a"}, []string{"--skip"}, []string{"a"}},                   // a switch takes no value
		{[]string{"--name=n", "a"}, []string{"--name=n"}, []string{"a"}},
		{[]string{"a", "--", "-b", "--name", "n"}, nil, []string{"a", "-b", "--name", "n"}},
		{[]string{"--", "--"}, nil, []string{"--"}},
		{[]string{"-", "--bogus", "v"}, []string{"--bogus"}, []string{"-", "v"}},
		{[]string{"--name"}, []string{"--name"}, nil}, // its missing value: fs.Parse says so
	} {
		flags, positional := splitArgs(fs, tc.args)
		if !slices.Equal(flags, tc.flags) || !slices.Equal(positional, tc.positional) {
			t.Errorf("splitArgs(%q) = %q, %q; want %q, %q", tc.args, flags, positional, tc.flags, tc.positional)
		}
	}
}

// Flags come before or after the argument; after --, everything is the argument.
func TestArgumentsAfterDoubleDash(t *testing.T) {
	setup(t)
	if code, _, stderr := run("user", "add", "--email", "-dash@example.com", "--password", "long-enough"); code != 0 {
		t.Fatalf("an email beginning with - as a flag's value: %s", stderr)
	}
	for _, args := range [][]string{
		{"user", "disable", "--", "-dash@example.com"},
		{"user", "enable", "--config", "", "--", "-dash@example.com"},
		{"user", "roles", "--add", "x", "--", "-dash@example.com"},
		{"user", "roles", "--", "-dash@example.com", "--remove", "x"}, // after --: an argument
	} {
		code, stdout, stderr := run(args...)
		wantCode := 0
		if slices.Contains(args, "--remove") {
			wantCode = 2
		}
		if code != wantCode || (code == 0) != strings.Contains(stdout, `"email":"-dash@example.com"`) {
			t.Errorf("%q: exit %d, want %d\nstdout: %s\nstderr: %s", args, code, wantCode, stdout, stderr)
		}
	}
	runJSON(t, new(map[string]any), "client", "add", "--client-id", "-dash", "--name", "D", "--redirect-uri", "http://127.0.0.1/cb")
	var removed map[string]any
	runJSON(t, &removed, "client", "remove", "--", "-dash")
	if removed["client_id"] != "-dash" || removed["removed"] != true {
		t.Errorf("client remove -- -dash: %v", removed)
	}
}

func TestListFormats(t *testing.T) {
	type row struct {
		ID      string    `json:"id"`
		Roles   []string  `json:"roles"`
		Enabled bool      `json:"enabled"`
		Seen    time.Time `json:"seen_at"`
		Made    int64     `json:"created_at"`
		Note    string    `json:"note"`
	}
	seen := time.Date(2026, 1, 2, 3, 4, 5, 600, time.UTC)
	rows := []row{{"a", []string{"x", "y"}, true, seen, seen.Unix(), "two\twords"}, {ID: "long-id", Note: ""}}
	print := func(format string) (string, error) {
		var out bytes.Buffer
		l, err := newList(&out, format, "id", "roles", "enabled", "seen_at", "created_at", "note")
		if err != nil {
			return "", err
		}
		for _, r := range rows {
			if err := l.add(r); err != nil {
				return "", err
			}
		}
		err = l.close()
		return out.String(), err
	}
	got, err := print("table")
	want := "ID       ROLES  ENABLED  SEEN_AT               CREATED_AT            NOTE\n" +
		"a        x,y    true     2026-01-02T03:04:05Z  2026-01-02T03:04:05Z  two words\n" +
		"long-id  -      false    -                     -                     -\n"
	if err != nil || got != want {
		t.Errorf("table:\n%s\nwant:\n%s(%v)", got, want, err)
	}
	got, err = print("json")
	if lines := strings.Split(strings.TrimSuffix(got, "\n"), "\n"); err != nil || len(lines) != 2 ||
		lines[0] != `{"id":"a","roles":["x","y"],"enabled":true,"seen_at":"2026-01-02T03:04:05.0000006Z","created_at":1767323045,"note":"two\twords"}` {
		t.Errorf("json lines: %q (%v)", got, err)
	}
	if _, err := print("yaml"); err == nil {
		t.Error("an unknown format was accepted")
	}
}

// serve binds every address it is given before it opens the database: a busy one fails at
// once (exit 1, naming the setting) and no database file appears.
func TestServeBindsBeforeTheDatabase(t *testing.T) {
	dsn := setup(t)
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	addr := busy.Addr().String()
	for _, tc := range []struct {
		env, key string
		args     []string
	}{
		{"OAUTHD_SERVER_ADDR", "server.addr", []string{"serve"}},
		{"OAUTHD_SERVER_ADDR", "--addr", []string{"serve", "--addr", addr}},
		{"OAUTHD_ADMIN_ADDR", "admin.addr", []string{"serve", "--addr", "127.0.0.1:0"}},
		{"OAUTHD_METRICS_ADDR", "metrics.addr", []string{"serve", "--addr", "127.0.0.1:0"}},
	} {
		t.Run(tc.key, func(t *testing.T) {
			t.Setenv(tc.env, addr)
			code, stdout, stderr := run(tc.args...)
			want := "oauthd: serve: " + tc.key + ": cannot listen on " + addr + ": bind: address already in use\n"
			if code != 1 || stdout != "" || stderr != want {
				t.Errorf("exit %d\nstdout: %s\nstderr: %q\nwant:   %q", code, stdout, stderr, want)
			}
			if _, err := os.Stat(dsn); err == nil {
				t.Error("the database was created although the server could not listen")
			}
		})
	}
}
