package core

import (
	"strings"
	"testing"
	"time"
)

// The OpenID Connect parameters change which outcome AuthorizeFlow ends in, and the session's
// login time travels on the code to the id_token's auth_time.
func TestAuthorizeFlowPromptAndMaxAge(t *testing.T) {
	t.Parallel()
	onBackends(t, Options{}, func(t *testing.T, f *fixture) {
		ctx := t.Context()
		ada := f.user(t, "ada@example.com")
		f.client(t, NewClient{ID: "asks", RedirectURIs: []string{appCB}, Scopes: []string{"openid"}})
		f.client(t, NewClient{ID: "trusted", RedirectURIs: []string{appCB}, Scopes: []string{"openid"}, SkipAuthorization: true})
		_, sid, err := f.eng.Login(ctx, LoginAttempt{Email: ada.Email, Password: password})
		if err != nil {
			t.Fatal(err)
		}
		s, _ := f.eng.CurrentSession(ctx, sid)
		req := func(client string, kv ...string) AuthorizeRequest {
			r := AuthorizeRequest{ClientID: client, RedirectURI: appCB, ResponseType: "code", Scope: "openid", State: "st"}
			for i := 0; i+1 < len(kv); i += 2 {
				switch kv[i] {
				case "prompt":
					r.Prompt = kv[i+1]
				case "max_age":
					r.MaxAge = kv[i+1]
				}
			}
			return r
		}
		failsWith := func(what string, o Outcome, code string) {
			t.Helper()
			if o.Kind != OutcomeFail || !strings.HasPrefix(o.Redirect, appCB+"?error="+code) || !strings.Contains(o.Redirect, "state=st") {
				t.Errorf("%s: %+v, want %s at the redirect URI", what, o, code)
			}
		}
		failsWith("prompt=none without a session", f.eng.AuthorizeFlow(ctx, req("trusted", "prompt", "none"), Session{}), "login_required")
		failsWith("prompt=none needing consent", f.eng.AuthorizeFlow(ctx, req("asks", "prompt", "none"), s), "consent_required")
		failsWith("unknown prompt", f.eng.AuthorizeFlow(ctx, req("trusted", "prompt", "bogus"), s), "invalid_request")
		if o := f.eng.AuthorizeFlow(ctx, req("nobody", "prompt", "none"), Session{}); o.Kind != OutcomeFail || o.Redirect != "" {
			t.Errorf("prompt=none for an unknown client: %+v, want a Fail shown here", o)
		}
		if o := f.eng.AuthorizeFlow(ctx, req("trusted", "prompt", "login"), s); o.Kind != OutcomeLogin {
			t.Errorf("prompt=login with a session: %+v", o)
		}
		if o := f.eng.AuthorizeFlow(ctx, req("trusted", "prompt", "consent"), s); o.Kind != OutcomeConsent {
			t.Errorf("prompt=consent for a trusted client: %+v", o)
		}
		f.clock.Advance(time.Minute)
		if o := f.eng.AuthorizeFlow(ctx, req("trusted", "max_age", "30"), s); o.Kind != OutcomeLogin {
			t.Errorf("a login older than max_age: %+v", o)
		}
		o := f.eng.AuthorizeFlow(ctx, req("trusted", "max_age", "3600"), s)
		if o.Kind != OutcomeCode {
			t.Fatalf("within max_age: %+v", o)
		}
		code, err := f.store.CodeByID(ctx, Digest(o.Code))
		if err != nil || code.AuthTime != s.LoginAt.Unix() {
			t.Fatalf("the code's auth_time %d, want the login's %d (%v)", code.AuthTime, s.LoginAt.Unix(), err)
		}
	})
}
