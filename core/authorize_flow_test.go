package core

import (
	"strings"
	"testing"
)

// AuthorizeFlow ends in exactly one outcome per situation, in node-oidc-provider's order:
// login first, then the request, then consent, then the code.
func TestAuthorizeFlowOutcomes(t *testing.T) {
	t.Parallel()
	onBackends(t, Options{SkipAuthorization: "auto"}, func(t *testing.T, f *fixture) {
		ctx := t.Context()
		ada := f.user(t, "ada@example.com")
		f.client(t, NewClient{ID: "app", Scopes: []string{"read", "write"}})
		_, sid, err := f.eng.Login(ctx, LoginAttempt{Email: ada.Email, Password: password})
		if err != nil {
			t.Fatal(err)
		}
		s, err := f.eng.CurrentSession(ctx, sid)
		if err != nil || s.User == nil || s.User.ID != ada.ID || !s.LoginAt.Equal(f.clock.Now()) {
			t.Fatalf("CurrentSession = %+v, %v", s, err)
		}
		req := AuthorizeRequest{ClientID: "app", RedirectURI: appCB, ResponseType: "code", Scope: "read", State: "st"}

		if o := f.eng.AuthorizeFlow(ctx, AuthorizeRequest{}, Session{}); o.Kind != OutcomeLogin {
			t.Errorf("no session: %+v, want Login before any validation", o)
		}
		bad := req
		bad.RedirectURI = "https://evil.example/cb"
		if o := f.eng.AuthorizeFlow(ctx, bad, s); o.Kind != OutcomeFail || o.Redirect != "" ||
			o.Err.Reason != ReasonRedirectMismatch {
			t.Errorf("unregistered redirect_uri: %+v, want a Fail shown here", o)
		}
		scope := req
		scope.Scope = "admin"
		if o := f.eng.AuthorizeFlow(ctx, scope, s); o.Kind != OutcomeFail ||
			!strings.HasPrefix(o.Redirect, appCB+"?error=invalid_scope") {
			t.Errorf("unregistered scope: %+v, want a Fail redirected", o)
		}
		o := f.eng.AuthorizeFlow(ctx, req, s)
		if o.Kind != OutcomeConsent || o.Authorization == nil || o.Authorization.Request != req {
			t.Fatalf("first visit: %+v, want Consent carrying the request", o)
		}

		d := Decision{Request: req, Session: s, CSRFToken: CSRFToken(sid, req), Allow: true}
		if o := f.eng.Decide(ctx, Decision{Request: req, CSRFToken: CSRFToken(sid, req), Allow: true}); o.Err == nil ||
			o.Err.Reason != ReasonLoginRequired {
			t.Errorf("decision without a session: %+v", o)
		}
		if o := f.eng.Decide(ctx, Decision{Request: req, Session: s, Allow: true}); o.Err == nil || o.Err.Reason != ReasonCSRF {
			t.Errorf("decision without the CSRF token: %+v", o)
		}
		if o := f.eng.Decide(ctx, Decision{Request: req, Session: s, CSRFToken: CSRFToken(sid, req)}); o.Kind != OutcomeFail ||
			!strings.Contains(o.Redirect, "error=access_denied") || !strings.Contains(o.Redirect, "state=st") {
			t.Errorf("deny: %+v", o)
		}
		if o := f.eng.Decide(ctx, d); o.Kind != OutcomeCode || o.Code == "" || o.Redirect != o.Authorization.CodeRedirect(o.Code) {
			t.Errorf("allow: %+v", o)
		}
		if o := f.eng.AuthorizeFlow(ctx, req, s); o.Kind != OutcomeCode {
			t.Errorf("after consent, under auto: %+v, want Code", o)
		}
	})
}
