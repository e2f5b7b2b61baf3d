package store

import (
	"errors"
	"math/rand/v2"
	"time"

	"github.com/go-sql-driver/mysql"
)

// maxTxAttempts bounds how often a transaction is run when the database says to run it again.
const maxTxAttempts = 4

// retryable reports whether a transaction failed only because it lost a race the database
// resolved by rolling it back: an InnoDB deadlock, or a Galera certification conflict, which
// Galera reports with the same error (1213) at COMMIT; on PostgreSQL a deadlock or a
// serialization failure. Running it again is then correct (every write of the attempt was
// rolled back) and it sees the winner's rows, so a raced code or refresh token still has one
// winner.
func retryable(err error) bool {
	var me *mysql.MySQLError
	return errors.As(err, &me) && me.Number == 1213 || postgresRetryable(err)
}

// retryPause spreads the retries of transactions that collided, so they do not collide again.
func retryPause(attempt int) time.Duration {
	base := time.Duration(attempt) * 2 * time.Millisecond
	return base + rand.N(base+time.Millisecond)
}
