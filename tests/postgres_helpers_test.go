package tests

// PostgreSQL as the servers' database (OAUTHD_TEST_DATABASE=postgres): each test gets a database
// of its own, created through the role the import tests use (it may create databases) and
// dropped after the test.

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// newPostgresDatabase creates an empty database and returns it with a handle whose statements
// take ? placeholders, as on the other backends, so the tests' SQL runs unchanged.
func newPostgresDatabase(t testing.TB) *Database {
	t.Helper()
	admin := postgresAdmin(t)
	name := "oauthd_t_" + randomHex(6)
	if _, err := admin.Exec("CREATE DATABASE " + name); err != nil {
		admin.Close()
		t.Fatalf("create database: %v", err)
	}
	u, err := url.Parse(postgresDSN())
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	cfg, err := pgx.ParseConfig(u.String())
	if err != nil {
		t.Fatal(err)
	}
	handle := sql.OpenDB(questionMarks{stdlib.GetConnector(*cfg)})
	t.Cleanup(func() {
		handle.Close()
		admin.Exec("DROP DATABASE " + name + " WITH (FORCE)")
		admin.Close()
	})
	return &Database{Driver: "postgres", DSN: u.String(), SQL: handle}
}

// questionMarks opens PostgreSQL connections that number ? placeholders ($1, $2, …).
type questionMarks struct{ driver.Connector }

func (q questionMarks) Connect(ctx context.Context) (driver.Conn, error) {
	conn, err := q.Connector.Connect(ctx)
	if err != nil {
		return nil, err
	}
	return questionMarkConn{conn}, nil
}

// questionMarkConn offers database/sql only Prepare (not the driver's direct query and exec),
// so every statement passes through the rewriting.
type questionMarkConn struct{ driver.Conn }

func (c questionMarkConn) Prepare(query string) (driver.Stmt, error) {
	return c.Conn.Prepare(dollarPlaceholders(query))
}

// dollarPlaceholders numbers the ? of query that are outside quoted strings.
func dollarPlaceholders(query string) string {
	var b strings.Builder
	n, quoted := 0, false
	for _, r := range query {
		switch {
		case r == '\'':
			quoted = !quoted
		case r == '?' && !quoted:
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}
