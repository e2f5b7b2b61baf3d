package storetest

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"oauthd/models"
)

// racers is how many callers each race starts at once.
const racers = 20

// oneWinner checks that exactly one of the racing calls reported true, and none failed.
func oneWinner(t *testing.T, what string, wins int, errs []error) {
	t.Helper()
	if len(errs) > 0 {
		t.Fatalf("%s: %d of %d racing calls failed, first: %v", what, len(errs), racers, errs[0])
	}
	if wins != 1 {
		t.Fatalf("%s: %d of %d racing calls won, want exactly 1", what, wins, racers)
	}
}

// oneCreated checks that exactly one of the racing creations succeeded and that every other
// one was refused as a conflict.
func oneCreated(t *testing.T, wins int, errs []error) {
	t.Helper()
	conflicts := 0
	for _, err := range errs {
		if errors.Is(err, models.ErrConflict) {
			conflicts++
		}
	}
	if wins != 1 || conflicts != racers-1 {
		t.Fatalf("%d created, %d conflicts of %d; want 1 and the rest ErrConflict (errors: %v)", wins, conflicts, racers, errs)
	}
}

var raceContracts = []contract{
	{"Races/ConsumeCodeOneWinner", func(t *testing.T, s models.Store) {
		for round := range 3 {
			code := newCode(t, s, digest("c0de", round), "app", 1)
			wins, errs := concurrently(racers, func(ctx context.Context, i int) (bool, error) {
				return s.ConsumeCode(ctx, code.ID, 1100+int64(i))
			})
			oneWinner(t, fmt.Sprintf("round %d", round), wins, errs)
		}
	}},
	{"Races/RotateRefreshOneWinner", func(t *testing.T, s models.Store) {
		for round := range 3 {
			refresh := tok(digest("2ef", round), models.KindRefresh, digest("9", round), "app", 1, "all", 0)
			newTokens(t, s, refresh)
			wins, errs := concurrently(racers, func(ctx context.Context, i int) (bool, error) {
				return s.RotateRefresh(ctx, refresh.ID, 1200, []byte{byte(i)})
			})
			oneWinner(t, fmt.Sprintf("round %d", round), wins, errs)
		}
	}},
	{"Races/SaveConsentLeavesOne", func(t *testing.T, s models.Store) {
		u := newUser(t, s, "ada@example.com")
		newClient(t, s, "app", nil)
		// As an approval does: the consent and a code in one transaction (a double-click).
		wins, errs := concurrently(racers, func(ctx context.Context, i int) (bool, error) {
			err := s.Tx(ctx, func(tx models.Store) error {
				c := &models.Consent{UserID: u.ID, ClientID: "app", Scope: fmt.Sprint("s", i), GrantedAt: int64(i)}
				if err := tx.SaveConsent(ctx, c); err != nil {
					return err
				}
				id := digest("c0de", i)
				return tx.CreateCode(ctx, &models.AuthorizationCode{ID: id, GrantID: id, ClientID: "app", UserID: u.ID})
			})
			return err == nil, err
		})
		if wins != racers {
			t.Fatalf("%d of %d concurrent approvals succeeded: %v", wins, racers, errs)
		}
		wins, errs = concurrently(racers, func(ctx context.Context, i int) (bool, error) {
			err := s.SaveConsent(ctx, &models.Consent{UserID: u.ID, ClientID: "app", Scope: "all", GrantedAt: 1})
			return err == nil, err
		})
		if wins != racers {
			t.Fatalf("%d of %d concurrent saves succeeded: %v", wins, racers, errs)
		}
		apps, err := s.ConnectedApps(t.Context(), u.ID, 0)
		if err != nil || len(apps) != 1 || apps[0].Scope != "all" {
			t.Errorf("ConnectedApps = %+v, %v; want one consent for app", apps, err)
		}
	}},
	{"Races/CreateUserOneEmailOneSuccess", func(t *testing.T, s models.Store) {
		wins, errs := concurrently(racers, func(ctx context.Context, i int) (bool, error) {
			u := &models.User{Email: "ada@example.com", FullName: fmt.Sprint("Ada ", i), PasswordHash: "x",
				Subject: fmt.Sprint("sub-", i)}
			err := s.CreateUser(ctx, u)
			return err == nil, err
		})
		oneCreated(t, wins, errs)
		got, total, err := s.ListUsers(t.Context(), models.UserFilter{Limit: 100})
		if err != nil || total != 1 || len(got) != 1 {
			t.Errorf("ListUsers = %d users of %d, %v; want 1", len(got), total, err)
		}
	}},
	{"Races/CreateClientOneIDOneSuccess", func(t *testing.T, s models.Store) {
		wins, errs := concurrently(racers, func(ctx context.Context, i int) (bool, error) {
			err := s.CreateClient(ctx, clientValue("app", nil), fmt.Sprintf("https://%d.example", i))
			return err == nil, err
		})
		oneCreated(t, wins, errs)
		if origins, err := s.ClientOrigins(t.Context(), "app"); err != nil || len(origins) != 1 {
			t.Errorf("ClientOrigins = %q, %v; want the winner's one origin", origins, err)
		}
	}},
	{"Races/AddClientQuirksSums", func(t *testing.T, s models.Store) {
		_, errs := concurrently(racers, func(ctx context.Context, i int) (bool, error) {
			at := int64(1000 + i)
			return true, s.AddClientQuirks(ctx, []models.ClientQuirk{{ClientID: "app", Quirk: "q", Uses: 2, Refused: 1,
				FirstSeen: at, LastSeen: at}})
		})
		if len(errs) > 0 {
			t.Fatalf("%d of %d concurrent flushes failed, first: %v", len(errs), racers, errs[0])
		}
		want := models.ClientQuirk{ClientID: "app", Quirk: "q", Uses: 2 * racers, Refused: racers, FirstSeen: 1000, LastSeen: 1000 + racers - 1}
		if got, err := s.ClientQuirks(t.Context(), "app"); err != nil || len(got) != 1 || got[0] != want {
			t.Errorf("ClientQuirks = %+v, %v; want %+v", got, err, want)
		}
	}},
	{"Races/CreateTokenForClientAgainstDeleteClient", func(t *testing.T, s models.Store) {
		ctx := t.Context()
		for round := range 3 {
			client := fmt.Sprint("app-", round)
			newClient(t, s, client, nil)
			_, errs := concurrently(racers, func(ctx context.Context, i int) (bool, error) {
				if i == racers/2 {
					return false, s.DeleteClient(ctx, client)
				}
				return s.CreateTokenForClient(ctx, tok(digest(fmt.Sprint("a", round), i), models.KindAccess,
					digest("9", i), client, 1, "all", 5000))
			})
			if len(errs) > 0 {
				t.Fatalf("round %d: %d calls failed, first: %v", round, len(errs), errs[0])
			}
			if left, err := s.ListTokens(ctx, models.TokenFilter{ClientID: client, Limit: 100}); err != nil || len(left) != 0 {
				t.Errorf("round %d: %d tokens of the deleted client remain (%v)", round, len(left), err)
			}
		}
	}},
	{"Races/ReplacePasswordHashOneWrites", func(t *testing.T, s models.Store) {
		u := newUser(t, s, "ada@example.com")
		_, errs := concurrently(racers, func(ctx context.Context, i int) (bool, error) {
			return true, s.ReplacePasswordHash(ctx, u.ID, u.PasswordHash, fmt.Sprint("$2a$10$", i))
		})
		if len(errs) > 0 {
			t.Fatalf("%d of %d racing re-hashes failed, first: %v", len(errs), racers, errs[0])
		}
		got, err := s.UserByID(t.Context(), u.ID)
		if err != nil || got.PasswordHash == u.PasswordHash {
			t.Fatalf("after racing re-hashes: %q, %v; want one of them", got.PasswordHash, err)
		}
		_ = s.ReplacePasswordHash(t.Context(), u.ID, u.PasswordHash, "$2a$10$late") // old no longer matches
		if again, err := s.UserByID(t.Context(), u.ID); err != nil || again.PasswordHash != got.PasswordHash {
			t.Errorf("a re-hash of the old hash after the race wrote %q, %v", again.PasswordHash, err)
		}
	}},
}
