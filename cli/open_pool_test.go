package cli

import (
	"runtime"
	"testing"

	"oauthd/config"
	"oauthd/store"
)

// SQLite's read pool is bounded by the CPUs; a server's pool is as configured.
func TestStoreOptionsBoundSQLiteReaders(t *testing.T) {
	limit := sqliteConnsPerCPU * runtime.GOMAXPROCS(0)
	for _, tc := range []struct {
		db   config.Database
		want store.Options
	}{
		{config.Database{Driver: "sqlite", MaxOpenConns: 1000, MaxIdleConns: 1000, PrepareStatements: true},
			store.Options{MaxOpenConns: limit, MaxIdleConns: limit, PrepareStatements: true}},
		{config.Database{Driver: "sqlite", MaxOpenConns: 1, MaxIdleConns: 0},
			store.Options{MaxOpenConns: 1, MaxIdleConns: 0}},
		{config.Database{Driver: "mysql", MaxOpenConns: 1000, MaxIdleConns: 500},
			store.Options{MaxOpenConns: 1000, MaxIdleConns: 500}},
	} {
		if got := StoreOptions(tc.db); got != tc.want {
			t.Errorf("StoreOptions(%+v) = %+v, want %+v", tc.db, got, tc.want)
		}
	}
}
