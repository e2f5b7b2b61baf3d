package storetest

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"oauthd/models"
)

// txWrites writes a user, a client, a token and a consent through tx.
func txWrites(ctx context.Context, tx models.Store) error {
	u := &models.User{Email: "tx@example.com", FullName: "Tx", PasswordHash: "x", Enabled: true, Subject: "sub-tx"}
	if err := tx.CreateUser(ctx, u); err != nil {
		return err
	}
	if err := tx.CreateClient(ctx, clientValue("tx-app", &u.ID), "https://tx.example"); err != nil {
		return err
	}
	if err := tx.CreateTokens(ctx, tok(digest("acc", 1), models.KindAccess, digest("9", 1), "tx-app", u.ID, "all", 5000)); err != nil {
		return err
	}
	return tx.SaveConsent(ctx, &models.Consent{UserID: u.ID, ClientID: "tx-app", Scope: "all", GrantedAt: 1})
}

// txWritten reports which of txWrites' writes are visible.
func txWritten(t *testing.T, s models.Store) []bool {
	t.Helper()
	ctx := t.Context()
	u, err := s.UserByEmail(ctx, "tx@example.com")
	_, cErr := s.ClientByID(ctx, "tx-app")
	origin, _ := s.OriginRegistered(ctx, "https://tx.example")
	consent := err == nil && consentOf(t, s, u.ID, "tx-app") == "all"
	return []bool{err == nil, cErr == nil, origin, tokenExists(t, s, digest("acc", 1)), consent}
}

var txContracts = []contract{
	{"Tx/CommitsWhenFnReturnsNil", func(t *testing.T, s models.Store) {
		ctx := t.Context()
		err := s.Tx(ctx, func(tx models.Store) error {
			if err := txWrites(ctx, tx); err != nil {
				return err
			}
			if _, err := tx.UserByEmail(ctx, "tx@example.com"); err != nil { // its own writes
				return err
			}
			return nil
		})
		if got, want := txWritten(t, s), []bool{true, true, true, true, true}; err != nil || !same(got, want) {
			t.Errorf("Tx = %v, then written %v; want nil and all of %v", err, got, want)
		}
	}},
	{"Tx/RollsBackWhenFnFails", func(t *testing.T, s models.Store) {
		ctx := t.Context()
		boom := errors.New("boom")
		err := s.Tx(ctx, func(tx models.Store) error {
			if err := txWrites(ctx, tx); err != nil {
				return err
			}
			return boom
		})
		if got, want := txWritten(t, s), []bool{false, false, false, false, false}; !errors.Is(err, boom) || !same(got, want) {
			t.Errorf("Tx = %v, then written %v; want the callback's error and none of it", err, got)
		}
	}},
	{"Tx/RollsBackOnAConflictInside", func(t *testing.T, s models.Store) {
		ctx := t.Context()
		newClient(t, s, "taken", nil)
		err := s.Tx(ctx, func(tx models.Store) error {
			if err := txWrites(ctx, tx); err != nil {
				return err
			}
			return tx.CreateClient(ctx, clientValue("taken", nil))
		})
		if got, want := txWritten(t, s), []bool{false, false, false, false, false}; !errors.Is(err, models.ErrConflict) || !same(got, want) {
			t.Errorf("Tx = %v, then written %v; want ErrConflict and none of it", err, got)
		}
	}},
	{"Tx/DeadlockedRunIsRunAgain", func(t *testing.T, s models.Store) {
		ctx := t.Context()
		a, b := newUser(t, s, "a@example.com"), newUser(t, s, "b@example.com")
		// Two transactions update a and b in opposite orders, meeting in between: where the
		// engine locks rows, one is rolled back as a deadlock and must be run again. Where it
		// serialises transactions whole, the second waits, and the meeting gives up.
		var meet sync.WaitGroup
		meet.Add(2)
		met := make(chan struct{})
		go func() { meet.Wait(); close(met) }()
		rename := func(first, second *models.User, name string) (runs int, err error) {
			err = s.Tx(ctx, func(tx models.Store) error {
				runs++
				set := func(u *models.User) error {
					return tx.UpdateUser(ctx, u.ID, func(v *models.User) error { v.FullName = name; return nil })
				}
				if err := set(first); err != nil {
					return err
				}
				if runs == 1 {
					meet.Done()
					select {
					case <-met:
					case <-time.After(2 * time.Second):
					}
				}
				return set(second)
			})
			return runs, err
		}
		var wg sync.WaitGroup
		var errA, errB error
		wg.Add(2)
		go func() { defer wg.Done(); _, errA = rename(a, b, "A") }()
		go func() { defer wg.Done(); _, errB = rename(b, a, "B") }()
		wg.Wait()
		if errA != nil || errB != nil {
			t.Fatalf("crossing transactions: %v, %v; want both done", errA, errB)
		}
		ua, errA := s.UserByID(ctx, a.ID)
		ub, errB := s.UserByID(ctx, b.ID)
		if errA != nil || errB != nil || ua.FullName != ub.FullName {
			t.Errorf("after crossing transactions: %q and %q (%v, %v); want one transaction's name on both", ua.FullName, ub.FullName, errA, errB)
		}
	}},
	{"Store/MigrateTwicePingAndClose", func(t *testing.T, s models.Store) {
		ctx := t.Context()
		u := newUser(t, s, "ada@example.com")
		must(t, s.Migrate(ctx))
		if got, err := s.UserByID(ctx, u.ID); err != nil || !same(got, u) {
			t.Errorf("a user after migrating again: %+v, %v", got, err)
		}
		must(t, s.Ping(ctx))
		must(t, s.Close())
		if err := s.Ping(ctx); err == nil {
			t.Error("Ping after Close succeeded")
		}
	}},
}
