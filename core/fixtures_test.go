package core

import (
	"errors"
	"strings"
	"testing"
	"time"
)

const (
	givenAccess  = "fixtureAccessToken000000000000000000000A" // 40 characters
	givenRefresh = "fixtureRefreshToken00000000000000000000R"
)

// A given token is an ordinary token: accepted as a bearer until its expiry on the engine's
// clock, refreshed with the given refresh token.
func TestIssueGivenTokenActsLikeAnIssuedOne(t *testing.T) {
	onBackends(t, Options{}, func(t *testing.T, f *fixture) {
		u := f.user(t, "ada@example.com")
		c, _ := f.client(t, NewClient{})
		err := f.eng.IssueGivenToken(t.Context(), GivenToken{ClientID: c.ID, UserEmail: "Ada@Example.com",
			AccessToken: givenAccess, RefreshToken: givenRefresh, Scope: "all", ExpiresIn: 90 * time.Second})
		if err != nil {
			t.Fatal(err)
		}
		p, err := f.eng.AuthenticateBearer(t.Context(), givenAccess)
		if err != nil || p.UserID != u.ID || p.ClientID != c.ID || strings.Join(p.Scopes, " ") != "all" {
			t.Fatalf("bearer: %+v, %v", p, err)
		}
		f.clock.Advance(90 * time.Second)
		if f.bearerOK(t, givenAccess) {
			t.Fatal("a given token outlived its expires_in")
		}
		res, err := f.refresh(t.Context(), c, givenRefresh, "")
		if err != nil || res.Scope != "all" || !f.bearerOK(t, res.AccessToken) {
			t.Fatalf("refresh with the given refresh token: %+v, %v", res, err)
		}
	})
}

// Without a user the token is the client's own, acting as its owner, and has no refresh
// token; a client without an owner, or a public one, has no token of its own.
func TestIssueGivenTokenOfTheClientItself(t *testing.T) {
	onBackends(t, Options{}, func(t *testing.T, f *fixture) {
		owner := f.user(t, "owner@example.com")
		owned, _ := f.client(t, NewClient{OwnerEmail: owner.Email})
		if err := f.eng.IssueGivenToken(t.Context(), GivenToken{ClientID: owned.ID, AccessToken: givenAccess}); err != nil {
			t.Fatal(err)
		}
		if p, err := f.eng.AuthenticateBearer(t.Context(), givenAccess); err != nil || p.UserID != owner.ID ||
			strings.Join(p.Scopes, " ") != "all openid" {
			t.Fatalf("the client's own token: %+v, %v (want the owner and every registered scope)", p, err)
		}
		row := f.tokenRow(t, givenAccess)
		if got := time.Duration(row.ExpiresAt-row.IssuedAt) * time.Second; got != time.Hour {
			t.Fatalf("default lifetime %v, want 1h", got)
		}
		unowned, _ := f.client(t, NewClient{})
		public, _ := f.client(t, NewClient{AuthMethods: []string{AuthNone}})
		for name, g := range map[string]GivenToken{
			"no owner":             {ClientID: unowned.ID, AccessToken: givenRefresh},
			"public":               {ClientID: public.ID, AccessToken: givenRefresh},
			"refresh without user": {ClientID: owned.ID, AccessToken: givenRefresh, RefreshToken: givenAccess},
		} {
			if err := f.eng.IssueGivenToken(t.Context(), g); !errors.Is(err, ErrInvalidInput) {
				t.Errorf("%s: %v, want invalid input", name, err)
			}
		}
		if f.bearerOK(t, givenRefresh) {
			t.Fatal("a refused given token was stored")
		}
	})
}

func TestIssueGivenTokenRefusesWhatNoGrantWouldIssue(t *testing.T) {
	onBackends(t, Options{}, func(t *testing.T, f *fixture) {
		f.user(t, "ada@example.com")
		c, _ := f.client(t, NewClient{})
		ok := GivenToken{ClientID: c.ID, UserEmail: "ada@example.com", AccessToken: givenAccess}
		if err := f.eng.IssueGivenToken(t.Context(), ok); err != nil {
			t.Fatal(err)
		}
		for name, tc := range map[string]struct {
			g    GivenToken
			want error
			in   string
		}{
			"taken value":      {ok, ErrInvalidInput, "already exists"},
			"short value":      {GivenToken{ClientID: c.ID, UserEmail: "ada@example.com", AccessToken: "short"}, ErrInvalidInput, "access_token"},
			"punctuation":      {GivenToken{ClientID: c.ID, UserEmail: "ada@example.com", AccessToken: strings.Repeat("a-", 20)}, ErrInvalidInput, "access_token"},
			"same refresh":     {GivenToken{ClientID: c.ID, UserEmail: "ada@example.com", AccessToken: givenRefresh, RefreshToken: givenRefresh}, ErrInvalidInput, "refresh_token"},
			"unregistered":     {GivenToken{ClientID: c.ID, UserEmail: "ada@example.com", AccessToken: givenRefresh, Scope: "all admin"}, ErrInvalidInput, `"admin"`},
			"unknown user":     {GivenToken{ClientID: c.ID, UserEmail: "bob@example.com", AccessToken: givenRefresh}, ErrUnknown, "bob@example.com"},
			"unknown client":   {GivenToken{ClientID: "nope", UserEmail: "ada@example.com", AccessToken: givenRefresh}, ErrUnknown, "nope"},
			"negative expires": {GivenToken{ClientID: c.ID, UserEmail: "ada@example.com", AccessToken: givenRefresh, ExpiresIn: -time.Second}, ErrInvalidInput, "expires_in"},
		} {
			err := f.eng.IssueGivenToken(t.Context(), tc.g)
			if !errors.Is(err, tc.want) || !strings.Contains(err.Error(), tc.in) {
				t.Errorf("%s: %v, want %v mentioning %s", name, err, tc.want, tc.in)
			}
		}
	})
}

// A granted consent spares the user the consent page under "auto"; under "force", where it
// would never count, it is refused.
func TestGrantConsent(t *testing.T) {
	onBackends(t, Options{SkipAuthorization: "auto"}, func(t *testing.T, f *fixture) {
		u := f.user(t, "ada@example.com")
		c, _ := f.client(t, NewClient{})
		a, err := f.eng.Authorize(t.Context(), AuthorizeRequest{ClientID: c.ID, ResponseType: "code", Scope: "all"})
		if err != nil {
			t.Fatal(err)
		}
		if ask, _ := f.eng.NeedsConsent(t.Context(), a, u); !ask {
			t.Fatal("consent not asked before any was granted")
		}
		if err := f.eng.GrantConsent(t.Context(), u.Email, c.ID, "all admin"); !errors.Is(err, ErrInvalidInput) {
			t.Fatalf("a scope the client lacks: %v", err)
		}
		if err := f.eng.GrantConsent(t.Context(), u.Email, c.ID, ""); err != nil {
			t.Fatal(err)
		}
		if ask, err := f.eng.NeedsConsent(t.Context(), a, u); ask || err != nil {
			t.Fatalf("consent asked after it was granted: %v", err)
		}
		force := f.engine(Options{SkipAuthorization: "force"})
		if err := force.GrantConsent(t.Context(), u.Email, c.ID, ""); !errors.Is(err, ErrInvalidInput) ||
			!strings.Contains(err.Error(), "auto") {
			t.Fatalf("under force: %v", err)
		}
	})
}

// The errors faults inject are those of the real failures, which the dialects already render.
func TestInjectedErrors(t *testing.T) {
	if e := Outage(3 * time.Second); !e.Unavailable() || e.Status() != 503 || e.RetryAfter != 3*time.Second {
		t.Fatalf("Outage: %+v", e)
	}
	if e := InvalidGrant(GrantRefreshToken); e.Code != ErrInvalidGrant || e.Reason != ReasonRefreshInvalid {
		t.Fatalf("InvalidGrant(refresh_token): %+v", e)
	}
	e := InvalidGrant(GrantAuthorizationCode)
	e.Description = "changed"
	if e2 := InvalidGrant(""); e2.Reason != ReasonCodeUnknown || e2.Description == "changed" {
		t.Fatalf("InvalidGrant shares its error value: %+v", e2)
	}
}
