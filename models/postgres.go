package models

import (
	"errors"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	"gorm.io/driver/postgres"
)

// openPostgres opens one pool for reads, writes and transactions. PostgreSQL locks rows, not the
// database, so writers need no queue of their own (unlike SQLite's), and it reports a transaction
// it aborted to that transaction's next statement on either protocol (unlike a Galera node), so
// transactions keep the prepared statements. Transactions run at READ COMMITTED, the default:
// the conditional UPDATEs that make codes and refresh tokens single-use wait for a concurrent
// writer of the row and then see its commit, so of racing callers exactly one changes the row.
func openPostgres(dsn string, opt Options) (*Store, error) {
	db, err := openPool(postgres.Open(dsn), "postgres", opt)
	if err != nil {
		return nil, err
	}
	return &Store{db: db, w: db, tx: db, bearerSQL: strings.Replace(bearerSQL, "?", "$1", 1)}, nil
}

// postgresState is the SQLSTATE of a PostgreSQL error, or "".
func postgresState(err error) string {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code
	}
	return ""
}

// postgresRetryable reports a transaction PostgreSQL rolled back because it lost a race: a
// serialization failure (40001) or a deadlock (40P01).
func postgresRetryable(err error) bool {
	switch postgresState(err) {
	case "40001", "40P01":
		return true
	}
	return false
}

// postgresUniqueViolation reports a unique key already taken (23505).
func postgresUniqueViolation(err error) bool { return postgresState(err) == "23505" }

// postgresUnstorable reports text PostgreSQL refuses to hold, a NUL character (22021).
func postgresUnstorable(err error) bool { return postgresState(err) == "22021" }
