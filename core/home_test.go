package core

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"oauthd/models"
)

// The landing page lists the apps a user let in; its revoke form, with the token made for that
// session and app, ends the app's tokens at once on this instance and within a feed poll on
// another, forgets the consent, and leaves the user's other apps alone. A token of another
// session or another app does nothing.
func TestHomeRevokesAnApp(t *testing.T) {
	onBackends(t, Options{BearerCacheTTL: time.Hour, SkipAuthorization: "auto"}, func(t *testing.T, f *fixture) {
		ctx := t.Context()
		other := f.engine(Options{BearerCacheTTL: time.Hour})
		follow, stop := context.WithCancel(ctx)
		defer stop()
		go other.FollowRevocations(follow, 50*time.Millisecond)

		if h, err := f.eng.Home(ctx, ""); err != nil || h.User != nil || h.Apps != nil {
			t.Fatalf("signed out: %+v, %v", h, err)
		}
		u := f.user(t, "home@example.com")
		_, sid, err := f.eng.Login(ctx, LoginAttempt{Email: u.Email, Password: password})
		if err != nil {
			t.Fatal(err)
		}
		_, eveSID, _ := f.eng.Login(ctx, LoginAttempt{Email: f.user(t, "eve@example.com").Email, Password: password})
		app, _ := f.client(t, NewClient{ID: "app", Name: "Photo App"})
		keep, _ := f.client(t, NewClient{ID: "keep", Name: "Calendar"})
		revoked, kept := f.tokens(t, app, u, "all openid"), f.tokens(t, keep, u, "all")
		for _, tok := range []string{revoked.AccessToken, kept.AccessToken} {
			if !f.bearerOK(t, tok) {
				t.Fatal("a fresh token refused")
			}
			if _, err := other.AuthenticateBearer(ctx, tok); err != nil {
				t.Fatalf("the other instance refused a fresh token: %v", err)
			}
		}
		unused := f.approve(t, app, u, AuthorizeRequest{RedirectURI: appCB, Scope: "all"})

		h, err := f.eng.Home(ctx, sid)
		if err != nil || h.User == nil || h.User.ID != u.ID || h.SignOutToken == "" {
			t.Fatalf("signed in: %+v, %v", h, err)
		}
		names := []string{}
		for _, a := range h.Apps {
			names = append(names, a.Name)
		}
		if !slices.Equal(names, []string{"Calendar", "Photo App"}) || !slices.Equal(h.Apps[1].Scopes, []string{"all", "openid"}) {
			t.Fatalf("apps: %+v", h.Apps)
		}
		token := h.Apps[1].RevokeToken

		for what, form := range map[string]HomeForm{
			"no token":                 {SessionID: sid, Action: HomeRevoke, ClientID: "app"},
			"the sign-out token":       {SessionID: sid, Action: HomeRevoke, ClientID: "app", CSRFToken: h.SignOutToken},
			"another app's token":      {SessionID: sid, Action: HomeRevoke, ClientID: "app", CSRFToken: h.Apps[0].RevokeToken},
			"another session":          {SessionID: eveSID, Action: HomeRevoke, ClientID: "app", CSRFToken: token},
			"another action, same app": {SessionID: sid, Action: "delete", ClientID: "app", CSRFToken: token},
		} {
			if err := f.eng.SubmitHome(ctx, form); !errors.Is(err, errCSRF) {
				t.Errorf("%s: %v, want the CSRF refusal", what, err)
			}
		}
		if !f.bearerOK(t, revoked.AccessToken) {
			t.Fatal("a refused form revoked the app")
		}

		if err := f.eng.SubmitHome(ctx, HomeForm{SessionID: sid, Action: HomeRevoke, ClientID: "app", CSRFToken: token}); err != nil {
			t.Fatalf("revoke: %v", err)
		}
		if f.bearerOK(t, revoked.AccessToken) {
			t.Fatal("this instance still accepts the revoked app's token")
		}
		deadline := time.Now().Add(2 * time.Second)
		for _, err := other.AuthenticateBearer(ctx, revoked.AccessToken); err == nil; _, err = other.AuthenticateBearer(ctx, revoked.AccessToken) {
			if time.Now().After(deadline) {
				t.Fatal("the other instance still accepts the revoked app's token after 2 s")
			}
			time.Sleep(20 * time.Millisecond)
		}
		if _, err := f.refresh(ctx, app, revoked.RefreshToken, ""); err == nil {
			t.Fatal("the revoked app's refresh token still works")
		}
		if _, err := f.exchange(ctx, app, unused, appCB, ""); err == nil {
			t.Fatal("the revoked app's unexchanged code still works")
		}
		if _, err := f.store.ConsentScope(ctx, u.ID, "app"); !errors.Is(err, models.ErrNotFound) {
			t.Fatalf("the consent is remembered: %v", err)
		}
		if !f.bearerOK(t, kept.AccessToken) {
			t.Fatal("revoking one app ended another's token")
		}
		if h, _ := f.eng.Home(ctx, sid); len(h.Apps) != 1 || h.Apps[0].ClientID != "keep" {
			t.Fatalf("after the revocation: %+v", h.Apps)
		}

		if err := f.eng.SubmitHome(ctx, HomeForm{SessionID: sid, Action: HomeSignOut, CSRFToken: h.SignOutToken}); err != nil {
			t.Fatalf("sign out: %v", err)
		}
		if s, _ := f.eng.CurrentSession(ctx, sid); s.User != nil {
			t.Fatal("still signed in")
		}
		if err := f.eng.SubmitHome(ctx, HomeForm{SessionID: sid, Action: HomeRevoke, ClientID: "keep"}); err != nil {
			t.Fatalf("a post without a session: %v, want nothing done", err)
		}
	})
}
