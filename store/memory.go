package store

import (
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
)

// OpenMemory opens an SQLite database held in this process's memory alone (`serve
// --ephemeral`): nothing reaches the disk, and the data is gone when the store is closed or
// the process ends. Both pools reach the same database through SQLite's memdb VFS under a
// random name. It does not migrate.
func OpenMemory(opt Options) (*Store, error) {
	name := make([]byte, 8)
	rand.Read(name)
	// No WAL, which needs shared memory memdb lacks: readers and the writer take turns under
	// the busy timeout instead.
	dsn := "file:/oauthd-" + hex.EncodeToString(name) + "?vfs=memdb&_pragma=busy_timeout(10000)" +
		"&_pragma=foreign_keys(1)&_txlock=immediate"
	// memdb frees a database when its last connection closes, and the pools close connections
	// that stay idle: this one stays open as long as the store.
	pin, err := sql.Open("sqlite", dsn)
	if err == nil {
		err = pin.Ping()
	}
	if err != nil {
		return nil, fmt.Errorf("open in-memory store: %w", err)
	}
	s, err := Open("sqlite", dsn, opt)
	if err != nil {
		pin.Close()
		return nil, err
	}
	s.pin = pin
	return s, nil
}
