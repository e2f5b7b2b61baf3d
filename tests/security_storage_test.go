package tests

import (
	"os"
	"testing"
)

// The SQLite database was created 0644, so every local user could read its bcrypt hashes and
// digests. A new database file, its WAL and its shared-memory file are now the owner's only.
func TestSecuritySQLiteFilesArePrivate(t *testing.T) {
	if !useSQLite() {
		t.Skip("SQLite only")
	}
	t.Parallel()
	s := StartServer(t)
	s.AddUser(t, frappeEmail, frappePassword, frappeName) // a write while the server holds the database open
	for _, path := range []string{s.DB.DSN, s.DB.DSN + "-wal", s.DB.DSN + "-shm"} {
		info, err := os.Stat(path)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if mode := info.Mode().Perm(); mode != 0o600 {
			t.Errorf("%s has mode %o, want 600", path, mode)
		}
	}
}
