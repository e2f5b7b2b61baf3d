package core

import (
	"errors"
	"testing"
	"time"

	"oauthd/models"
)

// A self-registered client no user authorized within UnusedClientTTL is reclaimed at the next
// registration, and the cap counts the others: registrations nobody uses cannot hold the cap
// for good, and a client a user authorized is kept however old.
func TestRegisterReclaimsUnusedClients(t *testing.T) {
	t.Parallel()
	onBackends(t, Options{}, func(t *testing.T, f *fixture) {
		ctx := t.Context()
		ada := f.user(t, "ada@example.com")
		policy := RegistrationPolicy{AllowedRedirectHosts: []string{"127.0.0.1"}, MaxClients: 2,
			UnusedClientTTL: 24 * time.Hour}
		register := func() (*Registration, error) {
			return f.eng.Register(ctx, ClientMetadata{RedirectURIs: []string{"http://127.0.0.1/cb"},
				TokenEndpointAuthMethod: AuthNone}, policy)
		}
		used, err := register()
		if err != nil {
			t.Fatal(err)
		}
		unused, err := register()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := register(); AsError(err).Reason != ReasonAccessDenied {
			t.Fatalf("a third registration under a cap of 2: %v", err)
		}
		c, err := f.store.ClientByID(ctx, used.Client.ID)
		if err != nil {
			t.Fatal(err)
		}
		v := newVerifier()
		f.approve(t, c, ada, AuthorizeRequest{RedirectURI: "http://127.0.0.1/cb", CodeChallenge: s256(v),
			CodeChallengeMethod: PKCES256})

		f.clock.Advance(24*time.Hour + time.Second)
		if _, err := register(); err != nil {
			t.Fatalf("a registration once the unused client is a day old: %v", err)
		}
		if _, err := f.store.ClientByID(ctx, unused.Client.ID); !errors.Is(err, models.ErrNotFound) {
			t.Fatalf("the unused client: %v, want it reclaimed", err)
		}
		if c, err := f.store.ClientByID(ctx, used.Client.ID); err != nil || c.UsedAt == 0 {
			t.Fatalf("the authorized client: %+v %v, want it kept and marked used", c, err)
		}
		if _, err := register(); AsError(err).Reason != ReasonAccessDenied {
			t.Fatalf("past the cap of live clients: %v", err)
		}
	})
}
