package store

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"

	"github.com/libtnb/sqlite"
	"gorm.io/gorm"
)

// SQLiteFile is the file an SQLite DSN names, or "" for a database in memory (":memory:",
// mode=memory, the memdb VFS of OpenMemory).
func SQLiteFile(dsn string) string {
	path, query, _ := strings.Cut(strings.TrimPrefix(dsn, "file:"), "?")
	if path == ":memory:" || strings.Contains(query, "mode=memory") || strings.Contains(query, "vfs=memdb") {
		return ""
	}
	return path
}

// createPrivate creates a new SQLite database file readable and writable by its owner only: it
// holds password hashes and sealed keys, and SQLite gives the -wal and -shm files it creates
// beside it the database file's permissions. An existing file keeps the mode it has.
func createPrivate(dsn string) error {
	path := SQLiteFile(dsn)
	if path == "" {
		return nil
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	switch {
	case errors.Is(err, fs.ErrExist):
		return nil
	case err != nil:
		return fmt.Errorf("open sqlite store: create %s: %w", path, err)
	}
	return f.Close()
}

// sqliteDialector is the SQLite dialector with a migrator that reads no column lengths. SQLite
// keeps none (a TEXT column holds any length), but the driver reports the length of the value
// in the row GORM's migrator samples (any text: the largest int64), which the migrator takes for
// a changed size: without this, every migration rebuilds each table holding rows and a sized
// NOT NULL column, tokens included (21 s for a million tokens), at every start.
type sqliteDialector struct{ *sqlite.Dialector }

func openSQLite(dsn string) gorm.Dialector {
	return sqliteDialector{&sqlite.Dialector{DSN: dsn}}
}

// Migrator is the driver's migrator, whose column types report no length.
func (d sqliteDialector) Migrator(db *gorm.DB) gorm.Migrator {
	return sqliteMigrator{d.Dialector.Migrator(db)}
}

type sqliteMigrator struct{ gorm.Migrator }

func (m sqliteMigrator) ColumnTypes(value any) ([]gorm.ColumnType, error) {
	types, err := m.Migrator.ColumnTypes(value)
	for i, t := range types {
		types[i] = lengthless{t}
	}
	return types, err
}

// lengthless embeds the column type under another name: embedded as gorm.ColumnType, the field
// would hide the interface's ColumnType method.
type lengthless struct{ sqlColumn }

type sqlColumn = gorm.ColumnType

func (lengthless) Length() (int64, bool) { return 0, false }
