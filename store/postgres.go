package store

import (
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
	"gorm.io/driver/postgres"
)

// openPostgres opens one pool for reads, writes and transactions. PostgreSQL locks rows, not the
// database, so writers need no queue of their own (unlike SQLite's), and it reports a transaction
// it aborted to that transaction's next statement on either protocol (unlike a Galera node).
// Transactions run at READ COMMITTED, the default: the conditional UPDATEs that make codes and
// refresh tokens single-use wait for a concurrent writer of the row and then see its commit, so of
// racing callers exactly one changes the row.
//
// Prepared statements are pgx's own cache, not GORM's: when another instance changes a table (an
// upgrade adding a column), PostgreSQL refuses the statements prepared before with "cached plan
// must not change result type". pgx then drops the statement and prepares it anew on its next
// use, while GORM would keep it, and every later read through it would fail.
func openPostgres(dsn string, opt Options) (*Store, error) {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("open postgres store: %w", err)
	}
	if !opt.PrepareStatements {
		cfg.DefaultQueryExecMode = pgx.QueryExecModeExec
	}
	opt.PrepareStatements = false
	pool := stdlib.OpenDB(*cfg)
	db, err := openPool(postgres.New(postgres.Config{Conn: pool}), "postgres", opt)
	if err != nil {
		pool.Close()
		return nil, err
	}
	return &Store{db: db, w: db, tx: db, lockClient: " FOR KEY SHARE"}, nil
}

// postgresError is err's PostgreSQL error, or nil.
func postgresError(err error) *pgconn.PgError {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe
	}
	return nil
}

// postgresState is the SQLSTATE of a PostgreSQL error, or "".
func postgresState(err error) string {
	if pe := postgresError(err); pe != nil {
		return pe.Code
	}
	return ""
}

// postgresRetryable reports a transaction PostgreSQL rolled back because it lost a race: a
// serialization failure (40001) or a deadlock (40P01); or because a statement it ran was
// prepared before another instance changed the schema, which pgx has dropped since.
func postgresRetryable(err error) bool {
	switch postgresState(err) {
	case "40001", "40P01":
		return true
	case "0A000":
		return strings.Contains(postgresError(err).Message, "cached plan must not change result type")
	}
	return false
}

// postgresUniqueViolation reports a unique key already taken (23505).
func postgresUniqueViolation(err error) bool { return postgresState(err) == "23505" }

// postgresUnstorable reports text PostgreSQL refuses to hold, a NUL character (22021).
func postgresUnstorable(err error) bool { return postgresState(err) == "22021" }
