// Package storetest is the conformance suite of the models.Store contracts: Run checks, on a
// fresh store for each contract, what the doc comments in models/store.go promise (what is
// atomic, what is single-use, what a conflict or an absence returns, the order of each list),
// including races. Every engine runs it (store/conformance_test.go), and a new engine passes it
// before anything else uses it. It observes the store through the interface only.
package storetest

import (
	"slices"
	"testing"

	"oauthd/models"
)

// contract is one promise of models.Store, checked on a fresh, empty store.
type contract struct {
	name  string
	check func(t *testing.T, s models.Store)
}

// Run runs every contract as a parallel subtest, each on a fresh, empty, migrated store from
// newStore, which must release it when t ends.
func Run(t *testing.T, newStore func(t testing.TB) models.Store) {
	t.Helper()
	for _, c := range contracts() {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			c.check(t, newStore(t))
		})
	}
}

// contracts lists every contract, by concern.
func contracts() []contract {
	return slices.Concat(userContracts, userAdminContracts, clientContracts, clientAdminContracts,
		codeContracts, tokenContracts, tokenReadContracts, introspectContracts, revokeContracts, consentContracts,
		sessionContracts, keyContracts, adminContracts, quirkContracts, feedContracts, txContracts,
		exactContracts, raceContracts)
}
