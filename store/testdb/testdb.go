// Package testdb opens fresh, migrated stores on every database backend oauthd supports, so
// the same test functions run against SQLite (in a file and in memory), MySQL/MariaDB and
// PostgreSQL.
//
// MySQL: each Open creates its own database (oauthd_test_<random>) on the server named by
// OAUTHD_TEST_MYSQL_DSN (default root@tcp(127.0.0.1:3306)/) and drops it when the test ends.
// PostgreSQL: the same, through the connection OAUTHD_TEST_POSTGRES_DSN names (default the role
// oauthd_test, which may create databases, at 127.0.0.1:5432). An unreachable server skips the
// test, unless OAUTHD_REQUIRE_MYSQL=1 (OAUTHD_REQUIRE_POSTGRES=1) fails it.
package testdb

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"oauthd/store"
)

// Backend opens stores of one database kind.
type Backend struct {
	Name   string
	driver string
	opt    store.Options
	// Open returns a new, empty, migrated store that is closed (and, for MySQL, dropped) when
	// the test ends.
	Open func(t testing.TB) *store.Store
}

// Backends lists every backend: SQLite in a file and in memory (serve --ephemeral) always,
// the servers when reachable (see package comment).
func Backends() []Backend {
	return []Backend{{Name: "sqlite", Open: OpenSQLite}, {Name: "memory", Open: OpenMemory},
		{Name: "mysql", Open: OpenMySQL}, {Name: "postgres", driver: "postgres", opt: pool(), Open: OpenPostgres}}
}

// PreparedBackends lists the backends that can prepare statements, with the prepared-statement
// cache on, as the server runs by default (database.prepare_statements).
func PreparedBackends() []Backend {
	var out []Backend
	for _, driver := range []string{"sqlite", "mysql", "postgres"} {
		opt := pool()
		opt.PrepareStatements = true
		out = append(out, Backend{Name: driver + "-prepared", driver: driver, opt: opt, Open: func(t testing.TB) *store.Store {
			t.Helper()
			if driver == "sqlite" {
				return openWith(t, driver, filepath.Join(t.TempDir(), "oauthd.db"), opt)
			}
			return openWith(t, driver, Database(t, driver), opt)
		}})
	}
	return out
}

// Fresh returns what opens b's fresh stores for the subtests of parent. On PostgreSQL, where
// creating and dropping a database takes seconds, each store is a schema of its own in one
// database that parent's end drops; elsewhere it is b.Open.
func Fresh(parent testing.TB, b Backend) func(t testing.TB) *store.Store {
	parent.Helper()
	if b.driver != "postgres" {
		return b.Open
	}
	dsn := Database(parent, "postgres")
	admin, err := store.Open("postgres", dsn, store.Options{MaxOpenConns: 1, MaxIdleConns: 1})
	if err != nil {
		parent.Fatalf("open postgres database: %v", err)
	}
	parent.Cleanup(func() { _ = admin.Close() })
	return func(t testing.TB) *store.Store {
		t.Helper()
		schema := "s_" + randomHex(8)
		if err := admin.DB().Exec("CREATE SCHEMA " + schema).Error; err != nil {
			t.Fatalf("create schema %s: %v", schema, err)
		}
		return openWith(t, "postgres", withParam(dsn, "search_path", schema), b.opt)
	}
}

// Run runs fn as a parallel subtest on a fresh store of every backend.
func Run(t *testing.T, fn func(t *testing.T, s *store.Store)) {
	t.Helper()
	for _, b := range Backends() {
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()
			fn(t, b.Open(t))
		})
	}
}

// pool is the connection pool every test store uses.
func pool() store.Options { return store.Options{MaxOpenConns: 8, MaxIdleConns: 8} }

// OpenSQLite opens a migrated SQLite store in a file under t.TempDir().
func OpenSQLite(t testing.TB) *store.Store {
	t.Helper()
	return OpenIn(t, "sqlite", filepath.Join(t.TempDir(), "oauthd.db"))
}

// OpenMySQL opens a migrated store in a new database of its own.
func OpenMySQL(t testing.TB) *store.Store {
	t.Helper()
	return OpenIn(t, "mysql", Database(t, "mysql"))
}

// OpenPostgres opens a migrated PostgreSQL store in a new database of its own.
func OpenPostgres(t testing.TB) *store.Store {
	t.Helper()
	return OpenIn(t, "postgres", Database(t, "postgres"))
}

// serverKind is what differs between the database servers in creating a test's database.
type serverKind struct {
	server       string // the server's DSN, without a database
	require      string
	timeout      string // the DSN parameter that makes an unreachable server fail fast
	create, drop string // what follows CREATE DATABASE name, DROP DATABASE IF EXISTS name
	dsn          func(server, name string) string
}

// serverKinds are the database servers, by driver (see the package comment).
var serverKinds = map[string]serverKind{
	"mysql": {server: cmp.Or(os.Getenv("OAUTHD_TEST_MYSQL_DSN"), "root@tcp(127.0.0.1:3306)/"),
		require: "OAUTHD_REQUIRE_MYSQL", timeout: "timeout=3s", create: " CHARACTER SET utf8mb4", dsn: withDatabase},
	"postgres": {server: cmp.Or(os.Getenv("OAUTHD_TEST_POSTGRES_DSN"),
		"postgres://oauthd_test:oauthd_test@127.0.0.1:5432/postgres?sslmode=disable"),
		require: "OAUTHD_REQUIRE_POSTGRES", timeout: "connect_timeout=3", drop: " WITH (FORCE)", dsn: withPath},
}

// Database creates an empty database of its own on the server of driver ("mysql" or "postgres"),
// drops it when the test ends, and returns its DSN. An unreachable server skips the test (see
// the package comment).
func Database(t testing.TB, driver string) string {
	t.Helper()
	k := serverKinds[driver]
	admin, err := adminConn(driver, k)
	if err != nil {
		if os.Getenv(k.require) == "1" {
			t.Fatalf("%s unreachable at %s (%s=1): %v", driver, k.server, k.require, err)
		}
		t.Skipf("%s unreachable at %s: %v", driver, k.server, err)
	}
	name := "oauthd_test_" + randomHex(8)
	if err := admin.DB().Exec("CREATE DATABASE " + name + k.create).Error; err != nil {
		_ = admin.Close()
		t.Fatalf("create database %s: %v", name, err)
	}
	_ = admin.Close()
	t.Cleanup(func() {
		a, err := adminConn(driver, k)
		if err != nil {
			t.Errorf("drop database %s: %v", name, err)
			return
		}
		defer a.Close()
		if err := a.DB().Exec("DROP DATABASE IF EXISTS " + name + k.drop).Error; err != nil {
			t.Errorf("drop database %s: %v", name, err)
		}
	})
	return k.dsn(k.server, name)
}

// OpenIn opens a migrated store at dsn, closed when the test ends (before a Database drop:
// cleanups run last-in first-out).
func OpenIn(t testing.TB, driver, dsn string) *store.Store {
	t.Helper()
	return openWith(t, driver, dsn, pool())
}

// openWith is OpenIn with its own pool options.
func openWith(t testing.TB, driver, dsn string, opt store.Options) *store.Store {
	t.Helper()
	s, err := store.Open(driver, dsn, opt)
	if err != nil {
		t.Fatalf("open %s database: %v", driver, err)
	}
	t.Cleanup(func() { _ = s.Close() })
	migrate(t, s)
	return s
}

// OpenMemory opens a migrated SQLite store held in memory.
func OpenMemory(t testing.TB) *store.Store {
	t.Helper()
	s, err := store.OpenMemory(pool())
	if err != nil {
		t.Fatalf("open memory: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	migrate(t, s)
	return s
}

// adminConn connects to the server without choosing a database, failing fast when it is down.
func adminConn(driver string, k serverKind) (*store.Store, error) {
	dsn := k.server
	if !strings.Contains(dsn, strings.SplitAfter(k.timeout, "=")[0]) {
		dsn += map[bool]string{true: "&", false: "?"}[strings.Contains(dsn, "?")] + k.timeout
	}
	s, err := store.Open(driver, dsn, store.Options{MaxOpenConns: 1})
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := s.Ping(ctx); err != nil {
		_ = s.Close()
		return nil, err
	}
	return s, nil
}

// withDatabase puts a database name into a server DSN such as user@tcp(host:port)/?params.
func withDatabase(server, name string) string {
	base, params, _ := strings.Cut(server, "?")
	i := strings.LastIndex(base, "/")
	if i < 0 {
		base += "/"
		i = len(base) - 1
	}
	dsn := base[:i+1] + name
	if params != "" {
		dsn += "?" + params
	}
	return dsn
}

// withPath puts a database name into a server URL such as postgres://user:pass@host:5432/postgres.
func withPath(server, name string) string {
	u, err := url.Parse(server)
	if err != nil {
		return server
	}
	u.Path = "/" + name
	return u.String()
}

// withParam sets a query parameter of a server URL.
func withParam(server, key, value string) string {
	u, err := url.Parse(server)
	if err != nil {
		return server
	}
	q := u.Query()
	q.Set(key, value)
	u.RawQuery = q.Encode()
	return u.String()
}

func migrate(t testing.TB, s *store.Store) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := s.Migrate(ctx); err != nil {
		t.Fatalf("migrate: %v", err)
	}
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
