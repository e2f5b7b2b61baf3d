package store_test

import (
	"slices"
	"testing"

	"oauthd/models"
	"oauthd/models/storetest"
	"oauthd/store/testdb"
)

// Every backend keeps every contract of models.Store (see models/storetest), with prepared
// statements (the server's default) and without.
func TestConformance(t *testing.T) {
	t.Parallel()
	for _, b := range slices.Concat(testdb.Backends(), testdb.PreparedBackends()) {
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()
			open := testdb.Fresh(t, b)
			storetest.Run(t, func(t testing.TB) models.Store { return open(t) })
		})
	}
}
