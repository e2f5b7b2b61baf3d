package models_test

// Storage contract: every test here runs unchanged on SQLite and on MySQL/MariaDB (see
// storetest), so both backends are held to the same observable behaviour.

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"

	"oauthd/models"
	"oauthd/models/storetest"
)

func hexID(prefix string, n int) string {
	return fmt.Sprintf("%s%0*x", prefix, 64-len(prefix), n)
}

func mustUser(t *testing.T, s *models.Store, email string) *models.User {
	t.Helper()
	u := &models.User{Email: email, FullName: "Ada Lovelace", PasswordHash: "$2a$04$hash", Enabled: true,
		Roles: "admin,dev", Subject: "sub-" + email, CreatedAt: 1700000000}
	if err := s.CreateUser(t.Context(), u); err != nil {
		t.Fatalf("create user %s: %v", email, err)
	}
	return u
}

func mustClient(t *testing.T, s *models.Store, id string, owner *uint) *models.Client {
	t.Helper()
	c := &models.Client{ID: id, SecretHash: hexID("5ec", 1), Name: "App " + id,
		RedirectURIs: "https://app.example/cb\nhttps://app.example/cb2", DefaultRedirectURI: "https://app.example/cb",
		Scopes: "all openid", AuthMethods: "client_secret_basic", GrantTypes: "authorization_code refresh_token",
		SkipAuthorization: true, OwnerID: owner, PKCE: "optional", RefreshRotation: true, CreatedAt: 1700000001}
	if err := s.CreateClient(t.Context(), c); err != nil {
		t.Fatalf("create client %s: %v", id, err)
	}
	return c
}

func mustCode(t *testing.T, s *models.Store, id, clientID string, userID uint) *models.AuthorizationCode {
	t.Helper()
	c := &models.AuthorizationCode{ID: id, GrantID: hexID("9", 1), ClientID: clientID, UserID: userID,
		Scope: "all", RedirectURI: "https://app.example/cb", IssuedAt: 1000, ExpiresAt: 1600}
	if err := s.CreateCode(t.Context(), c); err != nil {
		t.Fatalf("create code: %v", err)
	}
	return c
}

func tok(id, kind, grant, client string, user uint, scope string, expires int64) *models.Token {
	return &models.Token{ID: id, Kind: kind, GrantID: grant, ClientID: client, UserID: user, Scope: scope,
		IssuedAt: 1000, ExpiresAt: expires}
}

func mustTokens(t *testing.T, s *models.Store, ts ...*models.Token) {
	t.Helper()
	if err := s.CreateTokens(t.Context(), ts...); err != nil {
		t.Fatalf("create tokens: %v", err)
	}
}

func tokenRow(t *testing.T, s *models.Store, id string) models.Token {
	t.Helper()
	var row models.Token
	if err := s.DB().Where("id = ?", id).Take(&row).Error; err != nil {
		t.Fatalf("read token %s: %v", id[:8], err)
	}
	return row
}

func count(t *testing.T, s *models.Store, model any, where string, args ...any) int64 {
	t.Helper()
	var n int64
	if err := s.DB().Model(model).Where(where, args...).Count(&n).Error; err != nil {
		t.Fatalf("count: %v", err)
	}
	return n
}

// concurrently runs fn n times at once and returns how many calls reported true.
func concurrently(t *testing.T, n int, fn func(ctx context.Context) (bool, error)) int {
	t.Helper()
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		wins  int
		errs  []error
		start = make(chan struct{})
	)
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			ok, err := fn(context.Background())
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs = append(errs, err)
			}
			if ok {
				wins++
			}
		}()
	}
	close(start)
	wg.Wait()
	if len(errs) > 0 {
		t.Fatalf("%d of %d concurrent calls failed, first: %v", len(errs), n, errs[0])
	}
	return wins
}

func TestMigrateIsIdempotent(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *models.Store) {
		if err := s.Migrate(t.Context()); err != nil {
			t.Fatalf("second Migrate: %v", err)
		}
		if err := s.Ping(t.Context()); err != nil {
			t.Fatalf("Ping: %v", err)
		}
	})
}

func TestUsers(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *models.Store) {
		ctx := t.Context()
		u := mustUser(t, s, "ada@example.com")
		if u.ID == 0 {
			t.Fatal("CreateUser did not set the ID")
		}
		byEmail, err := s.UserByEmail(ctx, "ada@example.com")
		if err != nil {
			t.Fatalf("UserByEmail: %v", err)
		}
		if *byEmail != *u {
			t.Errorf("UserByEmail = %+v, want %+v", *byEmail, *u)
		}
		byID, err := s.UserByID(ctx, u.ID)
		if err != nil || *byID != *u {
			t.Errorf("UserByID = %+v, %v; want %+v", byID, err, *u)
		}

		dup := &models.User{Email: "ada@example.com", FullName: "x", PasswordHash: "x", Subject: "other"}
		if err := s.CreateUser(ctx, dup); !errors.Is(err, models.ErrConflict) {
			t.Errorf("duplicate email: err = %v, want ErrConflict", err)
		}
		for name, err := range map[string]error{
			"unknown email": func() error { _, err := s.UserByEmail(ctx, "nobody@example.com"); return err }(),
			"unknown id":    func() error { _, err := s.UserByID(ctx, u.ID+1000); return err }(),
		} {
			if !errors.Is(err, models.ErrNotFound) {
				t.Errorf("%s: err = %v, want ErrNotFound", name, err)
			}
		}
	})
}

func TestClients(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *models.Store) {
		ctx := t.Context()
		owner := mustUser(t, s, "owner@example.com")
		withOwner := mustClient(t, s, "app-one", &owner.ID)
		mustClient(t, s, "app-two", nil)

		got, err := s.ClientByID(ctx, withOwner.ID)
		if err != nil {
			t.Fatalf("ClientByID(%s): %v", withOwner.ID, err)
		}
		if got.OwnerID == nil || *got.OwnerID != owner.ID {
			t.Errorf("OwnerID = %v, want %d", got.OwnerID, owner.ID)
		}
		if !got.OwnerEnabled {
			t.Error("OwnerEnabled = false for a client whose owner is enabled")
		}
		got.OwnerID, withOwner.OwnerID, withOwner.OwnerEnabled = nil, nil, true
		if *got != *withOwner {
			t.Errorf("ClientByID = %+v, want %+v", *got, *withOwner)
		}
		if got, err := s.ClientByID(ctx, "app-two"); err != nil || got.OwnerID != nil || got.OwnerEnabled {
			t.Errorf("ClientByID(app-two) = %+v, %v; want no owner", got, err)
		}
		long := &models.Client{ID: "app-long", Name: "Long", RedirectURIs: strings.Repeat("https://long.example/cb\n", 200), // TEXT, not VARCHAR(255)

			Scopes: strings.Repeat("s", 1024), AuthMethods: "none", GrantTypes: "authorization_code", PKCE: "required"}
		if err := s.CreateClient(ctx, long); err != nil {
			t.Fatalf("create client with long fields: %v", err)
		}
		if got, err := s.ClientByID(ctx, "app-long"); err != nil || got.RedirectURIs != long.RedirectURIs || got.Scopes != long.Scopes {
			t.Errorf("long fields did not round-trip: %v", err)
		}

		list, err := s.ListClients(ctx)
		if err != nil || len(list) != 3 {
			t.Fatalf("ListClients = %d clients, %v; want 3", len(list), err)
		}

		dup := &models.Client{ID: "app-one", Name: "again"}
		if err := s.CreateClient(ctx, dup); !errors.Is(err, models.ErrConflict) {
			t.Errorf("duplicate client id: err = %v, want ErrConflict", err)
		}
		if _, err := s.ClientByID(ctx, "no-such-app"); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("unknown client: err = %v, want ErrNotFound", err)
		}

		if err := s.SetClientSecret(ctx, "app-one", hexID("5ec", 2)); err != nil {
			t.Fatalf("SetClientSecret: %v", err)
		}
		if got, _ := s.ClientByID(ctx, "app-one"); got.SecretHash != hexID("5ec", 2) {
			t.Errorf("SecretHash = %s, want the new digest", got.SecretHash)
		}
		if err := s.SetClientSecret(ctx, "no-such-app", "x"); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("SetClientSecret unknown: err = %v, want ErrNotFound", err)
		}
		if err := s.DeleteClient(ctx, "no-such-app"); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("DeleteClient unknown: err = %v, want ErrNotFound", err)
		}
	})
}

// ClientByID's statement and scan are written by hand: a field added to Client and left out of
// them would come back empty, which this test catches by filling every field.
func TestClientByIDReadsEveryField(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *models.Store) {
		owner := mustUser(t, s, "owner@example.com")
		want := models.Client{}
		v := reflect.ValueOf(&want).Elem()
		for i := range v.NumField() {
			switch f := v.Field(i); f.Kind() {
			case reflect.String:
				f.SetString(fmt.Sprintf("v%d", i))
			case reflect.Bool:
				f.SetBool(true)
			case reflect.Int64:
				f.SetInt(int64(1000 + i))
			case reflect.Pointer: // OwnerID
				f.Set(reflect.ValueOf(&owner.ID))
			default:
				t.Fatalf("Client.%s is a %s: teach this test to fill it", v.Type().Field(i).Name, f.Kind())
			}
		}
		if err := s.CreateClient(t.Context(), &want); err != nil {
			t.Fatal(err)
		}
		got, err := s.ClientByID(t.Context(), want.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(*got, want) {
			t.Errorf("ClientByID =\n%+v\nwant\n%+v", *got, want)
		}
	})
}

// CreateTokenForClient inserts a token only while its client exists, and a taken id is a
// conflict, on every backend (SQLite groups concurrent calls; see group_insert_test.go).
func TestCreateTokenForClient(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *models.Store) {
		ctx := t.Context()
		owner := mustUser(t, s, "owner@example.com")
		mustClient(t, s, "app-one", &owner.ID)
		first := tok(hexID("a", 1), models.KindAccess, hexID("9", 1), "app-one", owner.ID, "all", 5000)
		if ok, err := s.CreateTokenForClient(ctx, first); !ok || err != nil {
			t.Fatalf("insert = %v, %v; want true, nil", ok, err)
		}
		if got, err := s.TokenByID(ctx, first.ID); err != nil || got.ClientID != "app-one" || got.Scope != "all" {
			t.Errorf("TokenByID = %+v, %v", got, err)
		}
		gone := tok(hexID("a", 2), models.KindAccess, hexID("9", 2), "removed-app", owner.ID, "all", 5000)
		if ok, err := s.CreateTokenForClient(ctx, gone); ok || err != nil {
			t.Errorf("client gone: insert = %v, %v; want false, nil", ok, err)
		}
		if _, err := s.TokenByID(ctx, gone.ID); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("client gone: token stored (%v)", err)
		}
		again := tok(first.ID, models.KindAccess, hexID("9", 3), "app-one", owner.ID, "other", 5000)
		if ok, err := s.CreateTokenForClient(ctx, again); ok || !errors.Is(err, models.ErrConflict) {
			t.Errorf("taken id: insert = %v, %v; want ErrConflict", ok, err)
		}
	})
}

// Client ids are case-sensitive strings (RFC 6749 §2.2): a lookup must not find "App" for "app"
// or "app " for "app" on a backend whose default collation folds case or pads spaces.
func TestClientByIDIsExact(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *models.Store) {
		mustClient(t, s, "app-one", nil)
		for _, id := range []string{"APP-ONE", "App-one", "app-one ", " app-one", "app-on"} {
			if _, err := s.ClientByID(t.Context(), id); !errors.Is(err, models.ErrNotFound) {
				t.Errorf("ClientByID(%q): err = %v, want ErrNotFound", id, err)
			}
		}
	})
}

func TestConsumeCodeIsSingleUse(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *models.Store) {
		ctx := t.Context()
		u := mustUser(t, s, "ada@example.com")
		mustClient(t, s, "app", nil)
		code := mustCode(t, s, hexID("c0de", 1), "app", u.ID)

		if err := s.CreateCode(ctx, code); !errors.Is(err, models.ErrConflict) {
			t.Errorf("duplicate code: err = %v, want ErrConflict", err)
		}
		for i, want := range []bool{true, false, false} {
			got, err := s.ConsumeCode(ctx, code.ID, 1100+int64(i))
			if err != nil || got != want {
				t.Errorf("ConsumeCode #%d = %v, %v; want %v", i+1, got, err, want)
			}
		}
		row, err := s.CodeByID(ctx, code.ID)
		if err != nil || row.UsedAt != 1100 {
			t.Errorf("CodeByID after use: UsedAt = %d, %v; want 1100 (first use)", row.UsedAt, err)
		}
		if got, err := s.ConsumeCode(ctx, hexID("c0de", 99), 1100); err != nil || got {
			t.Errorf("ConsumeCode unknown = %v, %v; want false, nil", got, err)
		}
		if _, err := s.CodeByID(ctx, hexID("c0de", 99)); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("CodeByID unknown: err = %v, want ErrNotFound", err)
		}
	})
}

// CodeWithUser reads a code and its user in one statement: every column of both, the user nil
// when the row is gone, ErrNotFound for an unknown code.
func TestCodeWithUser(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *models.Store) {
		ctx := t.Context()
		u := mustUser(t, s, "ada@example.com")
		mustClient(t, s, "app", nil)
		code := mustCode(t, s, hexID("c0de", 1), "app", u.ID)
		gotCode, gotUser, err := s.CodeWithUser(ctx, code.ID)
		if err != nil || gotUser == nil {
			t.Fatalf("CodeWithUser = %v, %v, %v; want the code and its user", gotCode, gotUser, err)
		}
		if *gotCode != *code || *gotUser != *u {
			t.Errorf("CodeWithUser = %+v, %+v; want %+v, %+v", gotCode, gotUser, code, u)
		}
		orphan := mustCode(t, s, hexID("c0de", 2), "app", u.ID+1000)
		if gotCode, gotUser, err = s.CodeWithUser(ctx, orphan.ID); err != nil || gotUser != nil || *gotCode != *orphan {
			t.Errorf("code of a removed user: %+v, %+v, %v; want the code and no user", gotCode, gotUser, err)
		}
		if _, _, err := s.CodeWithUser(ctx, hexID("c0de", 99)); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("unknown code: err = %v, want ErrNotFound", err)
		}
	})
}

func TestConsumeCodeConcurrent(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *models.Store) {
		u := mustUser(t, s, "ada@example.com")
		mustClient(t, s, "app", nil)
		for round := range 3 {
			code := mustCode(t, s, hexID("c0de", round), "app", u.ID)
			wins := concurrently(t, 20, func(ctx context.Context) (bool, error) {
				return s.ConsumeCode(ctx, code.ID, 1100)
			})
			if wins != 1 {
				t.Fatalf("round %d: %d of 20 concurrent ConsumeCode calls won, want exactly 1", round, wins)
			}
		}
	})
}

func TestRotateRefresh(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *models.Store) {
		ctx := t.Context()
		u := mustUser(t, s, "ada@example.com")
		mustClient(t, s, "app", nil)
		grant := hexID("9", 1)
		refresh := tok(hexID("2ef", 1), models.KindRefresh, grant, "app", u.ID, "all", 0)
		access := tok(hexID("acc", 1), models.KindAccess, grant, "app", u.ID, "all", 5000)
		revoked := tok(hexID("2ef", 2), models.KindRefresh, grant, "app", u.ID, "all", 0)
		revoked.RevokedAt = 1050
		mustTokens(t, s, refresh, access, revoked)

		if err := s.CreateTokens(ctx, tok(refresh.ID, models.KindRefresh, grant, "app", u.ID, "", 0)); !errors.Is(err, models.ErrConflict) {
			t.Errorf("duplicate token: err = %v, want ErrConflict", err)
		}
		cases := []struct {
			name string
			id   string
			want bool
		}{
			{"active refresh", refresh.ID, true},
			{"same refresh again", refresh.ID, false},
			{"access token", access.ID, false},
			{"revoked refresh", revoked.ID, false},
			{"unknown", hexID("2ef", 99), false},
		}
		for _, tc := range cases {
			got, err := s.RotateRefresh(ctx, tc.id, 1200, nil)
			if err != nil || got != tc.want {
				t.Errorf("%s: RotateRefresh = %v, %v; want %v", tc.name, got, err, tc.want)
			}
		}
		if row := tokenRow(t, s, refresh.ID); row.RotatedAt != 1200 || row.RevokedAt != 1200 {
			t.Errorf("rotated row: rotated_at=%d revoked_at=%d, want both 1200", row.RotatedAt, row.RevokedAt)
		}
		if row := tokenRow(t, s, access.ID); row.RevokedAt != 0 || row.RotatedAt != 0 {
			t.Errorf("access token touched by RotateRefresh: %+v", row)
		}
		if row := tokenRow(t, s, revoked.ID); row.RevokedAt != 1050 || row.RotatedAt != 0 {
			t.Errorf("revoked refresh token changed: %+v", row)
		}
	})
}

func TestRotateRefreshConcurrent(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *models.Store) {
		u := mustUser(t, s, "ada@example.com")
		mustClient(t, s, "app", nil)
		for round := range 3 {
			refresh := tok(hexID("2ef", round), models.KindRefresh, hexID("9", round), "app", u.ID, "all", 0)
			mustTokens(t, s, refresh)
			wins := concurrently(t, 20, func(ctx context.Context) (bool, error) {
				return s.RotateRefresh(ctx, refresh.ID, 1200, nil)
			})
			if wins != 1 {
				t.Fatalf("round %d: %d of 20 concurrent RotateRefresh calls won, want exactly 1", round, wins)
			}
		}
	})
}

func TestRevokeGrant(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *models.Store) {
		ctx := t.Context()
		u := mustUser(t, s, "ada@example.com")
		mustClient(t, s, "app", nil)
		g1, g2 := hexID("9", 1), hexID("9", 2)
		a1 := tok(hexID("acc", 1), models.KindAccess, g1, "app", u.ID, "all", 5000)
		r1 := tok(hexID("2ef", 1), models.KindRefresh, g1, "app", u.ID, "all", 0)
		old := tok(hexID("acc", 2), models.KindAccess, g1, "app", u.ID, "all", 5000)
		old.RevokedAt = 1010
		other := tok(hexID("acc", 3), models.KindAccess, g2, "app", u.ID, "all", 5000)
		otherRefresh := tok(hexID("2ef", 3), models.KindRefresh, g2, "app", u.ID, "all", 0)
		mustTokens(t, s, a1, r1, old, other, otherRefresh)

		if err := s.RevokeAccessTokensOfGrant(ctx, g2, 1400); err != nil {
			t.Fatalf("RevokeAccessTokensOfGrant: %v", err)
		}
		if err := s.RevokeGrant(ctx, g1, 1500); err != nil {
			t.Fatalf("RevokeGrant: %v", err)
		}
		if err := s.RevokeGrant(ctx, hexID("9", 99), 1500); err != nil {
			t.Errorf("RevokeGrant of an unknown grant: %v, want nil", err)
		}
		want := map[string]int64{a1.ID: 1500, r1.ID: 1500, old.ID: 1010, other.ID: 1400, otherRefresh.ID: 0}
		for id, revokedAt := range want {
			if row := tokenRow(t, s, id); row.RevokedAt != revokedAt {
				t.Errorf("token %s (%s, grant %s…): revoked_at = %d, want %d", id[:6], row.Kind, row.GrantID[:4], row.RevokedAt, revokedAt)
			}
		}
	})
}

func TestActiveScopes(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *models.Store) {
		ctx := t.Context()
		u := mustUser(t, s, "ada@example.com")
		v := mustUser(t, s, "bob@example.com")
		mustClient(t, s, "app", nil)
		mustClient(t, s, "other", nil)
		g := hexID("9", 1)
		revoked := tok(hexID("acc", 3), models.KindAccess, g, "app", u.ID, "revoked", 5000)
		revoked.RevokedAt = 1001
		mustTokens(t, s,
			tok(hexID("acc", 1), models.KindAccess, g, "app", u.ID, "read", 5000),
			tok(hexID("acc", 2), models.KindAccess, g, "app", u.ID, "forever", 0),
			revoked,
			tok(hexID("acc", 4), models.KindAccess, g, "app", u.ID, "expired", 2000),
			tok(hexID("2ef", 5), models.KindRefresh, g, "app", u.ID, "refresh", 0),
			tok(hexID("acc", 6), models.KindAccess, g, "other", u.ID, "other-client", 5000),
			tok(hexID("acc", 7), models.KindAccess, g, "app", v.ID, "other-user", 5000),
		)
		got, err := s.ActiveScopes(ctx, u.ID, "app", 2000)
		if err != nil {
			t.Fatalf("ActiveScopes: %v", err)
		}
		gotSet := map[string]bool{}
		for _, sc := range got {
			gotSet[sc] = true
		}
		if len(got) != 2 || !gotSet["read"] || !gotSet["forever"] {
			t.Errorf("ActiveScopes = %q, want [read forever] (expired at now, revoked, refresh, other client/user excluded)", got)
		}
		if got, err := s.ActiveScopes(ctx, u.ID+v.ID+10, "app", 2000); err != nil || len(got) != 0 {
			t.Errorf("ActiveScopes for a user without tokens = %q, %v; want none", got, err)
		}
	})
}

func TestSessions(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *models.Store) {
		ctx := t.Context()
		u := mustUser(t, s, "ada@example.com")
		sess := &models.Session{ID: hexID("5e55", 1), UserID: u.ID, CreatedAt: 1000, ExpiresAt: 2000}
		if err := s.CreateSession(ctx, sess); err != nil {
			t.Fatalf("CreateSession: %v", err)
		}
		if err := s.CreateSession(ctx, sess); !errors.Is(err, models.ErrConflict) {
			t.Errorf("duplicate session: err = %v, want ErrConflict", err)
		}
		cases := []struct {
			name string
			id   string
			now  int64
			ok   bool
		}{
			{"fresh", sess.ID, 1000, true},
			{"last second", sess.ID, 1999, true},
			{"at expiry", sess.ID, 2000, false},
			{"after expiry", sess.ID, 5000, false},
			{"unknown", hexID("5e55", 2), 1000, false},
		}
		for _, tc := range cases {
			got, err := s.SessionByID(ctx, tc.id, tc.now)
			switch {
			case tc.ok && (err != nil || got.ID != u.ID || got.Email != u.Email):
				t.Errorf("%s: SessionByID = %+v, %v; want user %d", tc.name, got, err, u.ID)
			case !tc.ok && !errors.Is(err, models.ErrNotFound):
				t.Errorf("%s: SessionByID err = %v, want ErrNotFound", tc.name, err)
			}
		}
		if err := s.DeleteSession(ctx, sess.ID); err != nil {
			t.Fatalf("DeleteSession: %v", err)
		}
		if _, err := s.SessionByID(ctx, sess.ID, 1000); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("deleted session: err = %v, want ErrNotFound", err)
		}
		if err := s.DeleteSession(ctx, sess.ID); err != nil {
			t.Errorf("DeleteSession of an absent session: %v, want nil", err)
		}
	})
}

func TestSaveConsentUpserts(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *models.Store) {
		ctx := t.Context()
		u := mustUser(t, s, "ada@example.com")
		mustClient(t, s, "app", nil)
		mustClient(t, s, "other", nil)
		if n := count(t, s, &models.Consent{}, "user_id = ? AND client_id = ?", u.ID, "app"); n != 0 {
			t.Errorf("%d consent rows before any consent", n)
		}
		for i, scope := range []string{"read", "read write", "read write admin"} {
			c := &models.Consent{UserID: u.ID, ClientID: "app", Scope: scope, GrantedAt: 1000 + int64(i)}
			if err := s.SaveConsent(ctx, c); err != nil {
				t.Fatalf("SaveConsent #%d: %v", i+1, err)
			}
		}
		if err := s.SaveConsent(ctx, &models.Consent{UserID: u.ID, ClientID: "other", Scope: "x", GrantedAt: 7}); err != nil {
			t.Fatalf("SaveConsent other client: %v", err)
		}
		var got models.Consent
		err := s.DB().Where("user_id = ? AND client_id = ?", u.ID, "app").Take(&got).Error
		if err != nil || got.Scope != "read write admin" || got.GrantedAt != 1002 {
			t.Errorf("consent = %+v, %v; want the last scope and time", got, err)
		}
		if n := count(t, s, &models.Consent{}, "user_id = ? AND client_id = ?", u.ID, "app"); n != 1 {
			t.Errorf("%d consent rows for one user and client, want 1", n)
		}
	})
}

// Concurrent approvals of one user for one client (a double-clicked Approve) must all succeed.
func TestSaveConsentConcurrent(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *models.Store) {
		u := mustUser(t, s, "ada@example.com")
		mustClient(t, s, "app", nil)
		var mu sync.Mutex
		i := 0
		wins := concurrently(t, 20, func(ctx context.Context) (bool, error) {
			mu.Lock()
			i++
			id := hexID("c0de", i)
			mu.Unlock()
			err := s.Tx(ctx, func(tx *models.Store) error { // as core.Approve does
				if err := tx.SaveConsent(ctx, &models.Consent{UserID: u.ID, ClientID: "app", Scope: "all", GrantedAt: 1}); err != nil {
					return err
				}
				return tx.CreateCode(ctx, &models.AuthorizationCode{ID: id, GrantID: id, ClientID: "app", UserID: u.ID})
			})
			return err == nil, err
		})
		if wins != 20 {
			t.Errorf("%d of 20 concurrent approvals succeeded", wins)
		}
		if n := count(t, s, &models.Consent{}, "user_id = ?", u.ID); n != 1 {
			t.Errorf("%d consent rows, want 1", n)
		}
	})
}

func TestTxRollsBack(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *models.Store) {
		ctx := t.Context()
		boom := errors.New("boom")
		err := s.Tx(ctx, func(tx *models.Store) error {
			if err := tx.CreateUser(ctx, &models.User{Email: "ghost@example.com", Subject: "ghost"}); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("Tx err = %v, want the callback's error", err)
		}
		if _, err := s.UserByEmail(ctx, "ghost@example.com"); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("user written by a rolled-back transaction: err = %v", err)
		}
	})
}

func TestDeleteClientCascades(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *models.Store) {
		ctx := t.Context()
		u := mustUser(t, s, "ada@example.com")
		mustClient(t, s, "gone", &u.ID)
		mustClient(t, s, "kept", nil)
		for i, client := range []string{"gone", "kept"} {
			mustCode(t, s, hexID("c0de", i), client, u.ID)
			mustTokens(t, s,
				tok(hexID("acc", i), models.KindAccess, hexID("9", i), client, u.ID, "all", 5000),
				tok(hexID("2ef", i), models.KindRefresh, hexID("9", i), client, u.ID, "all", 0))
			if err := s.SaveConsent(ctx, &models.Consent{UserID: u.ID, ClientID: client, Scope: "all"}); err != nil {
				t.Fatalf("SaveConsent: %v", err)
			}
		}
		if err := s.CreateSession(ctx, &models.Session{ID: hexID("5e55", 1), UserID: u.ID, ExpiresAt: 9000}); err != nil {
			t.Fatalf("CreateSession: %v", err)
		}

		if err := s.DeleteClient(ctx, "gone"); err != nil {
			t.Fatalf("DeleteClient: %v", err)
		}
		for _, m := range []any{&models.Client{}, &models.AuthorizationCode{}, &models.Token{}, &models.Consent{}} {
			col := "client_id"
			if _, ok := m.(*models.Client); ok {
				col = "id"
			}
			if n := count(t, s, m, col+" = ?", "gone"); n != 0 {
				t.Errorf("%T: %d rows of the deleted client remain", m, n)
			}
			if n := count(t, s, m, col+" = ?", "kept"); n == 0 {
				t.Errorf("%T: rows of another client were deleted", m)
			}
		}
		if n := count(t, s, &models.Session{}, "user_id = ?", u.ID); n != 1 {
			t.Errorf("sessions: %d rows, want the user's session kept", n)
		}
		if _, err := s.UserByID(ctx, u.ID); err != nil {
			t.Errorf("the client's owner was deleted: %v", err)
		}
		if err := s.DeleteClient(ctx, "gone"); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("second DeleteClient: err = %v, want ErrNotFound", err)
		}
	})
}

func TestTokenByID(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *models.Store) {
		ctx := t.Context()
		u := mustUser(t, s, "ada@example.com")
		c := mustClient(t, s, "app", nil) // SkipAuthorization: true
		access := tok(hexID("acc", 1), models.KindAccess, hexID("9", 1), "app", u.ID, "all openid", 5000)
		mustTokens(t, s, access)

		got, err := s.TokenByID(ctx, access.ID)
		if err != nil {
			t.Fatalf("TokenByID: %v", err)
		}
		if !reflect.DeepEqual(got.Token, *access) {
			t.Errorf("Token = %+v, want %+v", got.Token, *access)
		}
		if got.Email != u.Email || got.FullName != u.FullName || got.Roles != u.Roles || got.Subject != u.Subject ||
			!got.Enabled || got.SkipConsent != c.SkipAuthorization || !got.ClientExists {
			t.Errorf("owner fields = %+v, want those of %+v with an existing trusted client", got, *u)
		}
		if _, err := s.TokenByID(ctx, hexID("acc", 99)); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("unknown token: err = %v, want ErrNotFound", err)
		}

		if err := s.DB().Model(&models.User{}).Where("id = ?", u.ID).Update("enabled", false).Error; err != nil {
			t.Fatal(err)
		}
		if got, err := s.TokenByID(ctx, access.ID); err != nil || got.Enabled {
			t.Errorf("disabled user: Enabled = %v, %v; want false", got.Enabled, err)
		}

		// The client row alone disappears (DeleteClient would take the token with it).
		if err := s.DB().Exec("DELETE FROM clients WHERE id = ?", "app").Error; err != nil {
			t.Fatal(err)
		}
		got, err = s.TokenByID(ctx, access.ID)
		if err != nil || got.ClientExists || got.SkipConsent {
			t.Errorf("client removed: ClientExists = %v, SkipConsent = %v, err = %v; want false, false, nil",
				got.ClientExists, got.SkipConsent, err)
		}

		// A token whose user is gone is not found at all.
		if err := s.DB().Exec("DELETE FROM users WHERE id = ?", u.ID).Error; err != nil {
			t.Fatal(err)
		}
		if _, err := s.TokenByID(ctx, access.ID); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("token of a deleted user: err = %v, want ErrNotFound", err)
		}
	})
}

// A lookup of text no row can hold (PostgreSQL refuses a NUL character in text) finds nothing,
// as on the engines that would store it.
func TestLookupOfUnstorableTextFindsNothing(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *models.Store) {
		ctx := t.Context()
		mustUser(t, s, "ada@example.com")
		mustClient(t, s, "app", nil)
		for what, err := range map[string]error{
			"user":   func() error { _, err := s.UserByEmail(ctx, "ada\x00@example.com"); return err }(),
			"client": func() error { _, err := s.ClientByID(ctx, "app\x00"); return err }(),
			"consent": func() error {
				_, err := s.ConsentScope(ctx, 1, "app\x00")
				return err
			}(),
		} {
			if !errors.Is(err, models.ErrNotFound) {
				t.Errorf("%s: err = %v, want ErrNotFound", what, err)
			}
		}
		if ok, err := s.OriginRegistered(ctx, "https://a\x00.example"); ok || err != nil {
			t.Errorf("origin: %v, %v; want false, nil", ok, err)
		}
	})
}

func TestOpenUnknownDriver(t *testing.T) {
	t.Parallel()
	if _, err := models.Open("oracle", "x", models.Options{}); err == nil {
		t.Fatal("Open with an unknown driver succeeded")
	}
}

// BearerByID reads what a bearer check needs, through the prepared-statement pool too (the
// server's default), on every backend.
func TestBearerByID(t *testing.T) {
	t.Parallel()
	check := func(t *testing.T, s *models.Store) {
		ctx := t.Context()
		u := mustUser(t, s, "ada@example.com")
		mustClient(t, s, "app", nil)
		access := tok(hexID("acc", 1), models.KindAccess, hexID("9", 1), "app", u.ID, "all openid", 5000)
		access.RevokedAt = 4000
		mustTokens(t, s, access)

		got, err := s.BearerByID(ctx, access.ID)
		if err != nil {
			t.Fatalf("BearerByID: %v", err)
		}
		want := models.TokenOwner{Token: *access, Email: u.Email, FullName: u.FullName, Enabled: true,
			Subject: u.Subject, ClientExists: true}
		want.ID, want.IssuedAt = "", 0 // not read, nor the user's names and roles
		if !reflect.DeepEqual(*got, want) {
			t.Errorf("BearerByID =\n%+v\nwant\n%+v", *got, want)
		}
		if _, err := s.BearerByID(ctx, hexID("acc", 99)); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("unknown token: err = %v, want ErrNotFound", err)
		}
		if err := s.DB().Model(&models.User{}).Where("id = ?", u.ID).Update("enabled", false).Error; err != nil {
			t.Fatal(err)
		}
		if got, err := s.BearerByID(ctx, access.ID); err != nil || got.Enabled {
			t.Errorf("disabled user: %+v, %v; want Enabled false", got, err)
		}
		if err := s.DB().Exec("DELETE FROM users WHERE id = ?", u.ID).Error; err != nil {
			t.Fatal(err)
		}
		if _, err := s.BearerByID(ctx, access.ID); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("token of a deleted user: err = %v, want ErrNotFound", err)
		}
	}
	storetest.Run(t, check)
	t.Run("sqlite, prepared statements", func(t *testing.T) {
		t.Parallel()
		s, err := models.Open("sqlite", filepath.Join(t.TempDir(), "oauthd.db"),
			models.Options{MaxOpenConns: 4, MaxIdleConns: 4, PrepareStatements: true})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		if err := s.Migrate(t.Context()); err != nil {
			t.Fatal(err)
		}
		check(t, s)
	})
}
