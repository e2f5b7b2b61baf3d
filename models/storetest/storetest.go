// Package storetest opens fresh, migrated stores on every database backend oauthd supports, so
// the same test functions run against SQLite and MySQL/MariaDB.
//
// MySQL: each Open creates its own database (oauthd_test_<random>) on the server named by
// OAUTHD_TEST_MYSQL_DSN (default root@tcp(127.0.0.1:3306)/) and drops it when the test ends.
// An unreachable server skips the test, unless OAUTHD_REQUIRE_MYSQL=1, which fails it.
package storetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"oauthd/models"
)

// Backend opens stores of one database kind.
type Backend struct {
	Name string
	// Open returns a new, empty, migrated store that is closed (and, for MySQL, dropped) when
	// the test ends.
	Open func(t testing.TB) *models.Store
}

// Backends lists every backend: SQLite in a file and in memory (serve --ephemeral) always,
// MySQL when reachable (see package comment).
func Backends() []Backend {
	return []Backend{{Name: "sqlite", Open: OpenSQLite}, {Name: "memory", Open: OpenMemory},
		{Name: "mysql", Open: OpenMySQL}}
}

// Run runs fn as a parallel subtest on a fresh store of every backend.
func Run(t *testing.T, fn func(t *testing.T, s *models.Store)) {
	t.Helper()
	for _, b := range Backends() {
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()
			fn(t, b.Open(t))
		})
	}
}

// pool is the connection pool every test store uses.
func pool() models.Options { return models.Options{MaxOpenConns: 8, MaxIdleConns: 8} }

// OpenSQLite opens a migrated SQLite store in a file under t.TempDir().
func OpenSQLite(t testing.TB) *models.Store {
	t.Helper()
	s, err := models.Open("sqlite", filepath.Join(t.TempDir(), "oauthd.db"), pool())
	if err != nil {
		t.Fatalf("open sqlite: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	migrate(t, s)
	return s
}

// OpenMemory opens a migrated SQLite store held in memory.
func OpenMemory(t testing.TB) *models.Store {
	t.Helper()
	s, err := models.OpenMemory(pool())
	if err != nil {
		t.Fatalf("open memory: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	migrate(t, s)
	return s
}

// OpenMySQL opens a migrated store in a new database of its own.
func OpenMySQL(t testing.TB) *models.Store {
	t.Helper()
	server := os.Getenv("OAUTHD_TEST_MYSQL_DSN")
	if server == "" {
		server = "root@tcp(127.0.0.1:3306)/"
	}
	admin, err := adminConn(t, server)
	if err != nil {
		if os.Getenv("OAUTHD_REQUIRE_MYSQL") == "1" {
			t.Fatalf("mysql unreachable at %s (OAUTHD_REQUIRE_MYSQL=1): %v", server, err)
		}
		t.Skipf("mysql unreachable at %s: %v", server, err)
	}
	name := "oauthd_test_" + randomHex(8)
	if err := admin.DB().Exec("CREATE DATABASE " + name + " CHARACTER SET utf8mb4").Error; err != nil {
		_ = admin.Close()
		t.Fatalf("create database %s: %v", name, err)
	}
	_ = admin.Close()
	t.Cleanup(func() {
		a, err := adminConn(t, server)
		if err != nil {
			t.Errorf("drop database %s: %v", name, err)
			return
		}
		defer a.Close()
		if err := a.DB().Exec("DROP DATABASE IF EXISTS " + name).Error; err != nil {
			t.Errorf("drop database %s: %v", name, err)
		}
	})
	s, err := models.Open("mysql", withDatabase(server, name), pool())
	if err != nil {
		t.Fatalf("open mysql database %s: %v", name, err)
	}
	t.Cleanup(func() { _ = s.Close() }) // runs before the drop (cleanups run last-in first-out)
	migrate(t, s)
	return s
}

// adminConn connects to the server without choosing a database, failing fast when it is down.
func adminConn(t testing.TB, server string) (*models.Store, error) {
	dsn := server
	if !strings.Contains(dsn, "timeout=") {
		dsn += map[bool]string{true: "&", false: "?"}[strings.Contains(dsn, "?")] + "timeout=3s"
	}
	s, err := models.Open("mysql", dsn, models.Options{MaxOpenConns: 1})
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

func migrate(t testing.TB, s *models.Store) {
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
