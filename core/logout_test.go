package core

import "testing"

// A logout no id_token_hint vouches for ends a live session only through the confirmation
// form's token, which is bound to the session and to the request it confirms.
func TestEndSessionAsksBeforeEndingASession(t *testing.T) {
	onBackends(t, Options{}, func(t *testing.T, f *fixture) {
		ada := f.user(t, "ada@example.com")
		f.client(t, NewClient{ID: "rp", PostLogoutRedirectURIs: []string{appCB}})
		_, sid, err := f.eng.Login(t.Context(), LoginAttempt{Email: ada.Email, Password: password})
		if err != nil {
			t.Fatal(err)
		}
		req := EndSessionRequest{SessionID: sid, ClientID: "rp", PostLogoutRedirectURI: appCB, State: "s"}
		alive := func() bool {
			s, err := f.eng.CurrentSession(t.Context(), sid)
			return err == nil && s.User != nil
		}
		end := func(r EndSessionRequest) EndSessionOutcome {
			t.Helper()
			out, err := f.eng.EndSession(t.Context(), r)
			if err != nil {
				t.Fatal(err)
			}
			return out
		}

		asked := end(req)
		if asked.Confirm == "" || asked.UserEmail != ada.Email || asked.Target != appCB+"?state=s" || !alive() {
			t.Fatalf("first request: %+v, session alive %v", asked, alive())
		}
		other := req
		other.State, other.CSRFToken, other.Decision = "t", asked.Confirm, LogoutConfirmed
		if out := end(other); out.Confirm == "" || !alive() {
			t.Fatalf("the token of another request: %+v", out)
		}
		stay := req
		stay.CSRFToken, stay.Decision = asked.Confirm, "stay"
		if out := end(stay); !out.Kept || out.Confirm != "" || !alive() {
			t.Fatalf("declined: %+v", out)
		}
		confirmed := req
		confirmed.CSRFToken, confirmed.Decision = asked.Confirm, LogoutConfirmed
		if out := end(confirmed); out.Kept || out.Confirm != "" || out.Target != appCB+"?state=s" || alive() {
			t.Fatalf("confirmed: %+v, session alive %v", out, alive())
		}
		if out := end(req); out.Confirm != "" || out.Target != appCB+"?state=s" {
			t.Fatalf("no live session, nothing to ask: %+v", out)
		}
	})
}
