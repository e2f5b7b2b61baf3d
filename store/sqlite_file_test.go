package store_test

import (
	"testing"

	"oauthd/store"
)

func TestSQLiteFile(t *testing.T) {
	t.Parallel()
	for dsn, want := range map[string]string{
		"oauthd.db":                              "oauthd.db",
		"/var/lib/oauthd/oauthd.db?_pragma=x(1)": "/var/lib/oauthd/oauthd.db",
		"file:data.db?cache=shared":              "data.db",
		":memory:":                               "",
		"file::memory:?cache=shared":             "",
		"file:x?mode=memory":                     "",
		"file:/oauthd-0a1b?vfs=memdb&_pragma=y":  "",
	} {
		if got := store.SQLiteFile(dsn); got != want {
			t.Errorf("SQLiteFile(%q) = %q, want %q", dsn, got, want)
		}
	}
}
