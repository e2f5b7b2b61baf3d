// Package tests holds black-box tests: each starts the real oauthd binary on a random port
// with its own database and talks to it over HTTP like a client would.
package tests

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	_ "github.com/go-sql-driver/mysql"
	_ "modernc.org/sqlite"
)

// binary is the oauthd executable built once for the whole package.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "oauthd-bin")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "oauthd")
	build := exec.Command("go", "build", "-o", binary, "..")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "build oauthd:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// testKeySecret is keys.encryption_secret for servers on MariaDB or PostgreSQL (SQLite servers
// generate one).
const testKeySecret = "oauthd-test-key-encryption-secret-0123456789"

// mysqlAdminDSN reaches the local MariaDB to create per-test databases.
const mysqlAdminDSN = "root@tcp(127.0.0.1:3306)/"

// useMySQL reports whether this run targets MariaDB (OAUTHD_TEST_DATABASE=mysql).
func useMySQL() bool { return os.Getenv("OAUTHD_TEST_DATABASE") == "mysql" }

// usePostgres reports whether this run targets PostgreSQL (OAUTHD_TEST_DATABASE=postgres).
func usePostgres() bool { return os.Getenv("OAUTHD_TEST_DATABASE") == "postgres" }

// useSQLite reports whether this run's servers use SQLite files (no OAUTHD_TEST_DATABASE).
func useSQLite() bool { return !useMySQL() && !usePostgres() }

// Database is one test's database: its driver, DSN and a handle to inspect rows.
type Database struct {
	Driver, DSN string
	SQL         *sql.DB
}

// NewDatabase creates an empty database for the selected backend and drops it after the test.
func NewDatabase(t testing.TB) *Database {
	t.Helper()
	if usePostgres() {
		return newPostgresDatabase(t)
	}
	if !useMySQL() {
		dsn := filepath.Join(t.TempDir(), "oauthd.db")
		return &Database{Driver: "sqlite", DSN: dsn}
	}
	admin, err := sql.Open("mysql", mysqlAdminDSN)
	if err == nil {
		err = admin.Ping()
	}
	if err != nil {
		t.Fatalf("OAUTHD_TEST_DATABASE=mysql but MariaDB is unreachable: %v", err)
	}
	db, _ := createMySQLDatabase(t, admin, "oauthd_t_")
	return db
}

// createMySQLDatabase creates an empty database named prefix plus random hex through admin, and
// drops it (and closes admin) after the test.
func createMySQLDatabase(t testing.TB, admin *sql.DB, prefix string) (db *Database, name string) {
	t.Helper()
	name = prefix + randomHex(6)
	if _, err := admin.Exec("CREATE DATABASE " + name); err != nil {
		admin.Close()
		t.Fatalf("create database: %v", err)
	}
	dsn := "root@tcp(127.0.0.1:3306)/" + name
	handle, err := sql.Open("mysql", dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		handle.Close()
		admin.Exec("DROP DATABASE " + name)
		admin.Close()
	})
	return &Database{Driver: "mysql", DSN: dsn, SQL: handle}, name
}

// serverSQL is a handle on the server's database to inspect rows or break it.
func serverSQL(t testing.TB, s *Server) *sql.DB {
	t.Helper()
	if s.DB.SQL != nil {
		return s.DB.SQL
	}
	db, err := sql.Open("sqlite", filepath.Clean(s.DB.DSN)+"?_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// Server is a running oauthd process.
type Server struct {
	URL   string // base URL, e.g. http://127.0.0.1:41234
	DB    *Database
	Env   []string
	Dir   string // the process's working directory
	Ready Ready  // the ready line of `serve --ephemeral`; empty otherwise
	cmd   *exec.Cmd
	log   *syncBuffer // standard error and standard output, as they came
	out   *syncBuffer // standard output alone
}

// Ready is the JSON line `serve --ephemeral` prints on standard output once it serves.
type Ready struct {
	Event      string `json:"event"`
	URL        string `json:"url"`
	AdminURL   string `json:"admin_url"`
	AdminToken string `json:"admin_token"`
}

// syncBuffer collects the process output; the reader goroutines and the test share it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) WriteString(s string) { b.Write([]byte(s)) }

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// Option adjusts a server's environment before it starts, e.g. Env("OAUTHD_ODOO_ACCESS_TTL=5s").
type Option func(*[]string)

// Env adds environment variables (KEY=VALUE) to the server.
func Env(kv ...string) Option { return func(env *[]string) { *env = append(*env, kv...) } }

// StartServer starts oauthd on a free port with a fresh database and stops it after the test.
func StartServer(t testing.TB, opts ...Option) *Server {
	t.Helper()
	return StartServerOn(t, NewDatabase(t), opts...)
}

// StartServerOn starts oauthd against an existing database (two instances can share one).
func StartServerOn(t testing.TB, db *Database, opts ...Option) *Server {
	t.Helper()
	env := serverEnv(db)
	for _, o := range opts {
		o(&env)
	}
	s := &Server{DB: db, Env: env, log: &syncBuffer{}}
	s.start(t)
	t.Cleanup(func() { s.Stop(t) })
	return s
}

// StartEphemeral starts `oauthd serve --ephemeral --addr 127.0.0.1:0` with more args (e.g.
// "--fixtures", path) and waits for its ready line. It has no database a test could open.
func StartEphemeral(t testing.TB, args ...string) *Server {
	t.Helper()
	s := &Server{Env: os.Environ(), log: &syncBuffer{}}
	s.startWith(t, append([]string{"serve", "--ephemeral", "--addr", "127.0.0.1:0"}, args...)...)
	t.Cleanup(func() { s.Stop(t) })
	return s
}

// serverEnv is the environment every test server starts with on db.
func serverEnv(db *Database) []string {
	env := append(os.Environ(),
		"OAUTHD_SERVER_ADDR=127.0.0.1:0",
		"OAUTHD_DATABASE_DRIVER="+db.Driver,
		"OAUTHD_DATABASE_DSN="+db.DSN,
		"OAUTHD_OAUTH_BCRYPT_COST=4", // fast password hashing keeps tests quick
		"OAUTHD_LOGIN_MAX_FAILURES=1000",
		"OAUTHD_LOGIN_MAX_ATTEMPTS=100000",
		"OAUTHD_LOGIN_MAX_SESSIONS=1000", // parallel subtests log the same user in many times
	)
	if db.Driver != "sqlite" { // instances sharing a database server must share the key secret
		env = append(env, "OAUTHD_KEYS_ENCRYPTION_SECRET="+testKeySecret)
	}
	return env
}

func (s *Server) start(t testing.TB) { s.startWith(t, "serve") }

// readyWatch copies standard output to the log and to out, and hands on the ready line of
// --ephemeral.
type readyWatch struct {
	log, out *syncBuffer
	ready    chan<- Ready
	partial  []byte
	seen     bool
}

func (w *readyWatch) Write(p []byte) (int, error) {
	w.log.Write(p)
	w.out.Write(p)
	if w.seen {
		return len(p), nil
	}
	w.partial = append(w.partial, p...)
	for !w.seen {
		line, rest, ok := bytes.Cut(w.partial, []byte("\n"))
		if !ok {
			break
		}
		var r Ready
		if json.Unmarshal(line, &r) == nil && r.Event == "ready" {
			w.seen = true
			w.ready <- r
		}
		w.partial = rest
	}
	return len(p), nil
}

// startWith runs the binary with args (a serve form) and waits until it listens, and for
// --ephemeral until its ready line too.
func (s *Server) startWith(t testing.TB, args ...string) {
	t.Helper()
	if s.log == nil {
		s.log = &syncBuffer{}
	}
	cmd := exec.Command(binary, args...)
	cmd.Env = s.Env
	s.Dir = t.TempDir() // no config.toml here: built-in defaults plus the environment
	cmd.Dir = s.Dir
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	ready := make(chan Ready, 1)
	s.out = &syncBuffer{}
	cmd.Stdout = &readyWatch{log: s.log, out: s.out, ready: ready} // a writer, not a pipe: Wait waits for all of it
	if err := cmd.Start(); err != nil {
		t.Fatalf("start oauthd: %v", err)
	}
	s.cmd = cmd
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			line := sc.Text()
			s.log.WriteString(line + "\n")
			if rest, ok := strings.CutPrefix(line, "oauthd listening on "); ok {
				addr <- strings.Fields(rest)[0]
			}
		}
	}()
	deadline := time.After(20 * time.Second)
	select {
	case a := <-addr:
		s.URL = a
	case <-deadline:
		cmd.Process.Kill()
		t.Fatalf("oauthd did not start:\n%s", s.log.String())
	}
	if !slices.Contains(args, "--ephemeral") {
		return
	}
	select {
	case s.Ready = <-ready:
	case <-deadline:
		cmd.Process.Kill()
		t.Fatalf("oauthd --ephemeral printed no ready line:\n%s", s.log.String())
	}
}

// Stop sends SIGTERM and waits for the process; it is safe to call twice.
func (s *Server) Stop(t testing.TB) {
	if s.cmd == nil || s.cmd.ProcessState != nil {
		return
	}
	s.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { s.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		s.cmd.Process.Kill()
		<-done
	}
}

// CLI runs an oauthd command against this server's database and returns its stdout.
func (s *Server) CLI(t testing.TB, args ...string) []byte {
	t.Helper()
	out, stderr, code := s.TryCLI(args...)
	if code != 0 {
		t.Fatalf("oauthd %s: exit %d: %s", strings.Join(args, " "), code, stderr)
	}
	return out
}

// TryCLI runs an oauthd command and returns stdout, stderr and the exit code.
func (s *Server) TryCLI(args ...string) ([]byte, string, int) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary, args...)
	cmd.Env = s.Env
	cmd.Dir = os.TempDir()
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	code := 0
	if exit, ok := err.(*exec.ExitError); ok {
		code = exit.ExitCode()
	} else if err != nil {
		code = -1
	}
	return out.Bytes(), errOut.String(), code
}

// AddUser creates a user through the CLI.
func (s *Server) AddUser(t testing.TB, email, password, fullName string) {
	t.Helper()
	s.CLI(t, "user", "add", "--email", email, "--password", password, "--full-name", fullName)
}

// Client is a registered client as `oauthd client add` printed it.
type Client struct {
	ID     string `json:"client_id"`
	Secret string `json:"client_secret"`
}

// AddClient registers a client through the CLI, e.g.
// AddClient(t, "--name", "App", "--redirect-uri", "http://localhost/cb").
func (s *Server) AddClient(t testing.TB, args ...string) Client {
	t.Helper()
	var c Client
	out := s.CLI(t, append([]string{"client", "add"}, args...)...)
	if err := json.Unmarshal(out, &c); err != nil {
		t.Fatalf("client add output %q: %v", out, err)
	}
	return c
}

// Browser is an HTTP client with its own cookie jar that does not follow redirects, so tests
// can assert each Location.
func Browser(t testing.TB) *http.Client {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{Jar: jar, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}
