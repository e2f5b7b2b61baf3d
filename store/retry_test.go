package store

import (
	"errors"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/go-sql-driver/mysql"
	"github.com/jackc/pgx/v5/pgconn"

	"oauthd/models"
)

// A transaction rolled back as a deadlock (InnoDB, a Galera certification conflict, PostgreSQL's
// deadlock or serialization failure) is run again, a bounded number of times, and its writes
// land once; other errors are not retried.
func TestTxRetriesDeadlocks(t *testing.T) {
	s, err := Open("sqlite", filepath.Join(t.TempDir(), "retry.db"), Options{MaxOpenConns: 2, MaxIdleConns: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Migrate(t.Context()); err != nil {
		t.Fatal(err)
	}
	for _, deadlock := range []error{
		fmt.Errorf("commit: %w", &mysql.MySQLError{Number: 1213, Message: "Deadlock found"}),
		fmt.Errorf("commit: %w", &pgconn.PgError{Code: "40P01", Message: "deadlock detected"}),
		fmt.Errorf("commit: %w", &pgconn.PgError{Code: "40001", Message: "could not serialize access"}),
	} {
		runs := 0
		err = s.Tx(t.Context(), func(tx models.Store) error {
			runs++
			if err := tx.CreateTokens(t.Context(), &models.Token{ID: "t" + deadlock.Error(), Kind: models.KindAccess, GrantID: "g"}); err != nil {
				return err
			}
			if runs < 3 {
				return deadlock
			}
			return nil
		})
		var n int64
		s.db.Model(&Token{}).Where("id = ?", "t"+deadlock.Error()).Count(&n)
		if err != nil || runs != 3 || n != 1 {
			t.Fatalf("%v: Tx = %v after %d runs with %d rows; want success on the third run and one row", deadlock, err, runs, n)
		}

		runs = 0
		err = s.Tx(t.Context(), func(models.Store) error { runs++; return deadlock })
		if !errors.Is(err, deadlock) || runs != maxTxAttempts {
			t.Fatalf("always deadlocking: %v after %d runs, want the deadlock after %d", err, runs, maxTxAttempts)
		}
	}
	runs := 0
	other := errors.New("boom")
	if err := s.Tx(t.Context(), func(models.Store) error { runs++; return other }); !errors.Is(err, other) || runs != 1 {
		t.Fatalf("other error: %v after %d runs, want it after one", err, runs)
	}
}
