package store_test

import (
	"testing"

	"oauthd/models"
	"oauthd/store"
	"oauthd/store/testdb"
)

// Another instance changes the schema under prepared statements (an upgrade adding a column):
// PostgreSQL refuses a statement prepared before. A transaction is run again and succeeds at
// once; a single statement fails at most once on each connection, then works again.
func TestPostgresSchemaChangeUnderPreparedStatements(t *testing.T) {
	t.Parallel()
	dsn := testdb.Database(t, "postgres")
	const conns = 2
	s, err := store.Open("postgres", dsn, store.Options{MaxOpenConns: conns, MaxIdleConns: conns, PrepareStatements: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if err := s.Migrate(t.Context()); err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	u := mustUser(t, s, "ada@example.com")
	mustClient(t, s, "app", nil)
	code := mustCode(t, s, hexID("c0de", 1), "app", u.ID)
	read := func() error { _, err := s.UserByEmail(ctx, u.Email); return err }
	inTx := func() error {
		return s.Tx(ctx, func(tx models.Store) error { _, _, err := tx.CodeWithUser(ctx, code.ID); return err })
	}
	for range 2 * conns { // every connection prepares both
		if err := read(); err != nil {
			t.Fatal(err)
		}
		if err := inTx(); err != nil {
			t.Fatal(err)
		}
	}
	other := testdb.OpenIn(t, "postgres", dsn)
	for _, alter := range []string{"ALTER TABLE users ADD COLUMN extra text", "ALTER TABLE authorization_codes ADD COLUMN extra text"} {
		if err := other.DB().Exec(alter).Error; err != nil {
			t.Fatal(err)
		}
	}
	if err := inTx(); err != nil {
		t.Errorf("a transaction after the schema changed: %v, want it run again and done", err)
	}
	failed := 0
	for range 2 * conns {
		if read() != nil {
			failed++
		}
	}
	if failed > conns || read() != nil {
		t.Errorf("a read after the schema changed failed %d times of %d, and then %v; want at most once a connection", failed, 2*conns, read())
	}
}
