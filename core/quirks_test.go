package core

import (
	"context"
	"slices"
	"testing"

	"oauthd/models"
)

func TestParseQuirks(t *testing.T) {
	t.Parallel()
	q, err := ParseQuirks([]string{"plain_pkce", "revoke_without_client", "plain_pkce"})
	if err != nil || q != QuirkPlainPKCE|QuirkRevokeWithoutClient {
		t.Fatalf("ParseQuirks = %v, %v", q, err)
	}
	if got := q.String(); got != "revoke_without_client plain_pkce" {
		t.Errorf("String = %q, want the documented order", got)
	}
	all, err := ParseQuirks([]string{"all"})
	if err != nil || !slices.Equal(all.Names(), QuirkNames()) || len(QuirkNames()) != len(quirkInfos) {
		t.Errorf("all = %v, %v", all.Names(), err)
	}
	if _, err := ParseQuirks([]string{"secret_in_uri"}); err == nil {
		t.Error("an unknown quirk name was accepted")
	}
	if got := storedQuirks([]string{"secret_in_url", "gone_in_a_later_version", "all"}); got != QuirkSecretInURL {
		t.Errorf("storedQuirks skips what it does not know: got %v", got.Names())
	}
}

// Every client may use the harmless quirks; the rest come from the profile and the client's
// own settings; a refusal takes any of them away.
func TestAllowedQuirks(t *testing.T) {
	t.Parallel()
	harmless := []string{"revoke_without_client", "introspect_without_client", "secret_in_url", "authorizaton_header",
		"token_in_query", "no_grant_type", "no_redirect_uri"}
	for _, tc := range []struct {
		name   string
		nc     NewClient
		legacy []string
	}{
		{"standard, confidential", NewClient{}, nil},
		{"standard, public with --pkce optional", NewClient{AuthMethods: []string{AuthNone}, PKCE: "optional"},
			[]string{"no_pkce"}},
		{"standard with --pkce-plain and HS256", NewClient{AllowPlainPKCE: true, IDTokenAlg: AlgHS256},
			[]string{"plain_pkce", "hs256_id_token"}},
		{"frappe-v15", NewClient{Profile: ProfileFrappeV15},
			[]string{"no_client_auth", "plain_pkce", "password_grant", "hs256_id_token"}},
		{"frappe-v15, implicit", NewClient{Profile: ProfileFrappeV15, GrantTypes: []string{GrantImplicit}},
			[]string{"no_client_auth", "plain_pkce", "implicit_grant", "hs256_id_token"}},
		{"frappe-v15, public", NewClient{Profile: ProfileFrappeV15, AuthMethods: []string{AuthNone}},
			[]string{"no_client_auth", "plain_pkce", "no_pkce", "password_grant"}},
		{"frappe", NewClient{Profile: ProfileFrappe}, []string{"hs256_id_token"}},
		{"odoo", NewClient{Profile: ProfileOdoo}, nil},
		{"frappe-v15, refusing two", NewClient{Profile: ProfileFrappeV15, RefusedQuirks: []string{"no_client_auth", "secret_in_url"}},
			[]string{"plain_pkce", "password_grant", "hs256_id_token"}},
	} {
		nc := tc.nc
		nc.Name, nc.RedirectURIs = "App", []string{appCB}
		c, err := rowEngine(t).ClientRow(nc, "secret")
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		want := slices.Concat(harmless, tc.legacy)
		if slices.Contains(nc.RefusedQuirks, "secret_in_url") {
			want = slices.DeleteFunc(want, func(n string) bool { return n == "secret_in_url" })
		}
		got := AllowedQuirks(c).Names()
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("%s: allowed %v, want %v", tc.name, got, want)
		}
	}
}

// rowEngine is an engine without a store, enough for ClientRow.
func rowEngine(t *testing.T) *Engine {
	t.Helper()
	s, err := NewSealer("core tests' key encryption secret, 32+ chars")
	if err != nil {
		t.Fatal(err)
	}
	return newEngine(t, nil, Options{BcryptCost: 4, OIDC: OIDCOptions{Sealer: s}})
}

// Grant types that only a profile gives are refused to other clients at registration.
func TestProfileGrantTypes(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		profile string
		grants  []string
		ok      bool
	}{
		{ProfileStandard, []string{GrantPassword}, false},
		{ProfileFrappe, []string{GrantImplicit}, false},
		{ProfileFrappeV15, []string{GrantPassword, GrantImplicit}, true},
		{"frappe-v14", nil, false},
	} {
		_, err := rowEngine(t).ClientRow(NewClient{Name: "App", RedirectURIs: []string{appCB}, Profile: tc.profile,
			GrantTypes: tc.grants, AuthMethods: []string{AuthNone}}, "")
		if (err == nil) != tc.ok {
			t.Errorf("profile %q, grants %v: err %v, want ok %v", tc.profile, tc.grants, err, tc.ok)
		}
	}
}

// Two instances count uses in memory and add them to one ledger, which sums them and keeps
// the first and last sighting; a refused use is counted as a use and as a refusal.
func TestQuirkLedgerSumsInstances(t *testing.T) {
	t.Parallel()
	onBackends(t, Options{}, func(t *testing.T, f *fixture) {
		ctx := t.Context()
		app, _ := f.client(t, NewClient{ID: "app"})
		other := f.engine(Options{})
		first := f.clock.Now().Unix()
		f.eng.noteQuirks(app.ID, QuirkAuthorizatonHeader|QuirkTokenInQuery, 0)
		f.clock.Advance(3600e9)
		other.noteQuirks(app.ID, QuirkAuthorizatonHeader, QuirkAuthorizatonHeader)
		if err := f.eng.FlushQuirks(ctx); err != nil {
			t.Fatal(err)
		}
		lines, err := other.QuirkLedger(ctx, "app") // its own count not written yet is added in
		if err != nil || len(lines) != 2 || lines[0].Quirk != "authorizaton_header" || lines[0].Uses != 2 ||
			lines[0].Refused != 1 || lines[0].FirstSeen.Unix() != first || lines[0].LastSeen.Unix() != first+3600 {
			t.Fatalf("ledger before the second flush: %+v, %v", lines, err)
		}
		for _, eng := range []*Engine{other, f.eng} {
			if err := eng.FlushQuirks(ctx); err != nil {
				t.Fatal(err)
			}
		}
		rows, err := f.store.ClientQuirks(ctx, "")
		if err != nil || len(rows) != 2 || rows[0] != (models.ClientQuirk{ClientID: "app", Quirk: "authorizaton_header",
			Uses: 2, Refused: 1, FirstSeen: first, LastSeen: first + 3600}) || rows[1].Uses != 1 {
			t.Fatalf("stored ledger: %+v, %v", rows, err)
		}
		if _, err := f.eng.QuirkLedger(ctx, "nobody"); err == nil {
			t.Error("the ledger of an unknown client was read")
		}
	})
}

// An OpenID request may have profile and email, and loses what the client may not have; any
// other request follows the dialect's policy.
func TestAuthorizeScopes(t *testing.T) {
	t.Parallel()
	allowed := []string{"all", "openid"}
	for _, tc := range []struct {
		asked  string
		policy ScopePolicy
		want   string
		fails  bool
	}{
		{"openid email profile groups", ScopeStrict, "openid email profile", false},
		{"openid email profile groups", ScopeNarrow, "openid email profile", false},
		{"openid all", ScopeStrict, "openid all", false},
		{"email groups", ScopeStrict, "", true},
		{"email groups", ScopeNarrow, "all openid", false},
		{"", ScopeStrict, "all openid", false},
	} {
		got, err := authorizeScopes(allowed, tc.asked, tc.policy)
		if (err != nil) != tc.fails || JoinScope(got) != tc.want {
			t.Errorf("%q (policy %d): %q, %v; want %q, fails %v", tc.asked, tc.policy, JoinScope(got), err, tc.want, tc.fails)
		}
	}
	if got, err := authorizeScopes([]string{"project"}, "openid email", ScopeStrict); err == nil {
		t.Errorf("openid for a client without it: %v, want the dialect's invalid_scope", got)
	}
}

// Uses counted while flushes run are each written once: nothing is lost between a flush's
// read of the counts and the next use.
func TestQuirkLedgerConcurrentFlush(t *testing.T) {
	t.Parallel()
	onBackends(t, Options{}, func(t *testing.T, f *fixture) {
		f.client(t, NewClient{ID: "app"})
		const writers, uses = 8, 50
		done := make(chan struct{})
		go func() {
			defer close(done)
			for range 20 {
				if err := f.eng.FlushQuirks(t.Context()); err != nil {
					t.Error(err)
				}
			}
		}()
		concurrently(writers, func(context.Context) error {
			for range uses {
				f.eng.noteQuirks("app", QuirkAuthorizatonHeader, 0)
			}
			return nil
		})
		<-done
		if err := f.eng.FlushQuirks(t.Context()); err != nil {
			t.Fatal(err)
		}
		rows, err := f.store.ClientQuirks(t.Context(), "app")
		if err != nil || len(rows) != 1 || rows[0].Uses != writers*uses {
			t.Fatalf("ledger %+v, %v; want %d uses", rows, err, writers*uses)
		}
	})
}
