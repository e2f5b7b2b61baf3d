package store_test

import (
	"errors"
	"testing"

	"oauthd/models"
	"oauthd/store"
	"oauthd/store/testdb"
)

// On a Galera node a transaction that the database ended under it, without an error, must not
// commit as if it had run whole: Tx answers ErrTxLost. The test ends the transaction itself
// (a COMMIT in the middle) on a real MariaDB, which is what a lost brute-force abort leaves.
func TestTxLostOnCluster(t *testing.T) {
	s := testdb.OpenMySQL(t)
	s.AssumeCluster()
	ctx := t.Context()
	err := s.Tx(ctx, func(tx models.Store) error {
		return tx.CreateTokens(ctx, &models.Token{ID: "whole", Kind: models.KindAccess, GrantID: "g1"})
	})
	if err != nil {
		t.Fatalf("a transaction left open: %v, want it committed", err)
	}
	err = s.Tx(ctx, func(tx models.Store) error {
		if err := tx.(*store.Store).DB().Exec("COMMIT").Error; err != nil {
			return err
		}
		return tx.CreateTokens(ctx, &models.Token{ID: "after", Kind: models.KindAccess, GrantID: "g2"})
	})
	if !errors.Is(err, models.ErrTxLost) {
		t.Fatalf("a transaction ended under it: %v, want ErrTxLost", err)
	}
}
