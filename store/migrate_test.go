package store_test

import (
	"slices"
	"testing"

	"oauthd/models"
	"oauthd/store"
	"oauthd/store/testdb"
)

// A database written before the name columns and the auth-method set: AutoMigrate adds the
// names (empty on old rows) and widens auth_method, whose single value keeps its meaning.
func TestMigrateFromSingleAuthMethod(t *testing.T) {
	testdb.Run(t, func(t *testing.T, s *store.Store) {
		db := s.DB()
		for _, col := range []string{"first_name", "last_name"} {
			if err := db.Migrator().DropColumn(&store.User{}, col); err != nil {
				t.Fatalf("drop %s: %v", col, err)
			}
		}
		if err := db.Migrator().DropTable(&store.ClientOrigin{}); err != nil {
			t.Fatal(err)
		}
		if db.Dialector.Name() == "mysql" {
			if err := db.Exec("ALTER TABLE clients MODIFY auth_method varchar(32) NOT NULL").Error; err != nil {
				t.Fatal(err)
			}
		}
		if err := db.Exec("INSERT INTO users (email, full_name, password_hash, enabled, roles, subject, created_at) " +
			"VALUES ('old@example.com', 'Old Timer', 'x', true, '', 'sub-old', 1)").Error; err != nil {
			t.Fatal(err)
		}
		if err := db.Exec("INSERT INTO clients (id, secret_hash, name, redirect_uris, default_redirect_uri, scopes, " +
			"auth_method, grant_types, skip_authorization, pkce, allow_plain_pkce, refresh_rotation, created_at) " +
			"VALUES ('old', 'h', 'Old', 'https://a.example/cb', 'https://a.example/cb', 'all', 'client_secret_post', " +
			"'authorization_code', false, 'optional', false, false, 1)").Error; err != nil {
			t.Fatal(err)
		}
		if err := s.Migrate(t.Context()); err != nil {
			t.Fatalf("Migrate over the old schema: %v", err)
		}
		c, err := s.ClientByID(t.Context(), "old")
		if err != nil || !slices.Equal(c.AuthMethods, []string{"client_secret_post"}) {
			t.Fatalf("old client after migration: %+v, %v", c, err)
		}
		u, err := s.UserByEmail(t.Context(), "old@example.com")
		if err != nil || u.FullName != "Old Timer" || u.FirstName != "" || u.LastName != "" {
			t.Fatalf("old user after migration: %+v, %v", u, err)
		}
		// The widened column holds a whole set.
		c2 := &models.Client{ID: "new", Name: "New", RedirectURIs: []string{"https://a.example/cb"}, Scopes: []string{"all"},
			AuthMethods: []string{"client_secret_basic", "client_secret_post"}, GrantTypes: []string{"authorization_code"},
			PKCE: "optional"}
		if err := s.CreateClient(t.Context(), c2, "https://spa.example"); err != nil {
			t.Fatal(err)
		}
		if got, err := s.ClientByID(t.Context(), "new"); err != nil || !slices.Equal(got.AuthMethods, c2.AuthMethods) {
			t.Errorf("a set of auth methods after migration: %+v, %v", got, err)
		}
		if ok, err := s.OriginRegistered(t.Context(), "https://spa.example"); !ok || err != nil {
			t.Errorf("OriginRegistered = %v, %v", ok, err)
		}
		if ok, _ := s.OriginRegistered(t.Context(), "https://SPA.example"); ok {
			t.Error("origins match exactly")
		}
		if err := s.DeleteClient(t.Context(), "new"); err != nil {
			t.Fatal(err)
		}
		if ok, _ := s.OriginRegistered(t.Context(), "https://spa.example"); ok {
			t.Error("a removed client's origin is still registered")
		}
	})
}

// Migrating a SQLite database whose tables hold rows leaves them in place: the driver reports
// the length of a sampled text value, which GORM's migrator would take for a changed column size
// and answer by rebuilding the table (users, clients, tokens) at every start.
func TestMigrateKeepsSQLiteTablesWithRows(t *testing.T) {
	s := testdb.OpenSQLite(t)
	ctx := t.Context()
	owner := mustUser(t, s, "owner@example.com")
	mustClient(t, s, "app-one", &owner.ID)
	if err := s.CreateTokens(ctx, tok(hexID("a", 1), models.KindAccess, hexID("9", 1), "app-one", owner.ID, "all", 5000)); err != nil {
		t.Fatal(err)
	}
	rootPages := func() map[string]int {
		var rows []struct {
			Name     string
			RootPage int `gorm:"column:rootpage"`
		}
		if err := s.DB().Raw("SELECT name, rootpage FROM sqlite_master WHERE type = 'table'").Scan(&rows).Error; err != nil {
			t.Fatal(err)
		}
		out := map[string]int{}
		for _, r := range rows {
			out[r.Name] = r.RootPage
		}
		return out
	}
	before := rootPages()
	if err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	after := rootPages()
	for _, table := range []string{"users", "clients", "tokens"} {
		if before[table] == 0 || before[table] != after[table] {
			t.Errorf("table %s: root page %d before migrating, %d after: it was rebuilt", table, before[table], after[table])
		}
	}
}

// A database written before clients had used_at: self-registered clients already there count as
// used from their registration (nothing recorded whether a user authorized them), so that
// registration never reclaims one that is in use; other clients keep 0.
func TestMigrateMarksEarlierRegisteredClientsUsed(t *testing.T) {
	testdb.Run(t, func(t *testing.T, s *store.Store) {
		db := s.DB()
		if err := db.Migrator().DropColumn(&store.Client{}, "used_at"); err != nil {
			t.Fatalf("drop used_at: %v", err)
		}
		for _, c := range []struct {
			id   string
			self bool
		}{{"registered", true}, {"added", false}} {
			if err := db.Exec("INSERT INTO clients (id, secret_hash, name, redirect_uris, default_redirect_uri, scopes, "+
				"auth_method, grant_types, skip_authorization, pkce, allow_plain_pkce, refresh_rotation, created_at, "+
				"self_registered) VALUES (?, '', 'App', 'http://127.0.0.1/cb', 'http://127.0.0.1/cb', 'all', 'none', "+
				"'authorization_code', false, 'required', false, true, 1700000000, ?)", c.id, c.self).Error; err != nil {
				t.Fatal(err)
			}
		}
		if err := s.Migrate(t.Context()); err != nil {
			t.Fatalf("Migrate over clients without used_at: %v", err)
		}
		for id, want := range map[string]int64{"registered": 1700000000, "added": 0} {
			if c, err := s.ClientByID(t.Context(), id); err != nil || c.UsedAt != want {
				t.Errorf("client %s after migration: used_at %d, %v; want %d", id, c.UsedAt, err, want)
			}
		}
		if err := s.Migrate(t.Context()); err != nil { // a second migration changes nothing
			t.Fatal(err)
		}
	})
}
