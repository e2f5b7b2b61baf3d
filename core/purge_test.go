package core

import (
	"testing"
	"time"

	"oauthd/models"
)

func TestPurgeDeletesOnlyWhatIsLongDead(t *testing.T) {
	onBackends(t, Options{}, func(t *testing.T, f *fixture) {
		u := f.user(t, "purge@example.com")
		c, _ := f.client(t, NewClient{RefreshRotation: new(true)})
		dead := f.tokens(t, c, u, "") // its access token will expire
		revoked := f.tokens(t, c, u, "")
		if err := f.eng.revokeHeld(t.Context(), revoked.AccessToken); err != nil {
			t.Fatal(err)
		}
		f.approve(t, c, u, AuthorizeRequest{RedirectURI: appCB, CodeChallenge: s256(newVerifier()),
			CodeChallengeMethod: PKCES256}) // a code never exchanged
		if _, _, err := f.eng.Login(t.Context(), LoginAttempt{Email: "purge@example.com", Password: password}); err != nil {
			t.Fatal(err)
		}

		// A day later nothing is old enough to go.
		f.clock.Advance(24 * time.Hour)
		if p, err := f.eng.Purge(t.Context(), 30*24*time.Hour); err != nil || p != (models.Purged{}) {
			t.Fatalf("purge within the retention deleted %+v, %v", p, err)
		}

		f.clock.Advance(60 * 24 * time.Hour)
		live := f.tokens(t, c, u, "")
		p, err := f.eng.Purge(t.Context(), 30*24*time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		// The revoked pair (2), the expired access token of the first pair (1), the code and the
		// session (the default session TTL is 7 days) go; the first pair's refresh token lives on.
		want := models.Purged{Codes: 3, Tokens: 3, Sessions: 1}
		if p != want {
			t.Fatalf("purged %+v, want %+v", p, want)
		}
		if !f.bearerOK(t, live.AccessToken) {
			t.Fatal("a live token was purged")
		}
		if _, err := f.refresh(t.Context(), c, dead.RefreshToken, ""); err != nil {
			t.Fatalf("an unexpired refresh token was purged: %v", err)
		}
		if _, err := f.eng.Purge(t.Context(), -time.Hour); err == nil {
			t.Fatal("a negative age must be refused")
		}
	})
}
