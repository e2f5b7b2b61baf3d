package core

import (
	"encoding/json"
	"testing"

	"github.com/go-jose/go-jose/v4"

	"oauthd/models"
)

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

// An id_token_hint ends a live session at once only when it names that session: its sid (the
// session it was issued in) and its sub. A hint of another user, of the same user's earlier
// session, or one an HS256 client signed itself without the session's sid, only asks.
func TestEndSessionHintMustNameTheSession(t *testing.T) {
	onBackends(t, Options{}, func(t *testing.T, f *fixture) {
		ctx := t.Context()
		ada, bob := f.user(t, "ada@example.com"), f.user(t, "bob@example.com")
		rp, _ := f.client(t, NewClient{ID: "rp", SkipAuthorization: true})
		hs, hsSecret := f.client(t, NewClient{ID: "hs", IDTokenAlg: AlgHS256})
		login := func(u *models.User) Session {
			t.Helper()
			_, sid, err := f.eng.Login(ctx, LoginAttempt{Email: u.Email, Password: password})
			if err != nil {
				t.Fatal(err)
			}
			s, err := f.eng.CurrentSession(ctx, sid)
			if err != nil || s.User == nil {
				t.Fatalf("session: %+v %v", s, err)
			}
			return s
		}
		idToken := func(s Session) *TokenResult {
			t.Helper()
			v := newVerifier()
			out := f.eng.AuthorizeFlow(ctx, AuthorizeRequest{ClientID: rp.ID, ResponseType: "code", RedirectURI: appCB,
				Scope: "openid", CodeChallenge: s256(v), CodeChallengeMethod: PKCES256}, s)
			if out.Kind != OutcomeCode {
				t.Fatalf("authorize: %+v", out)
			}
			res, err := f.exchange(ctx, rp, out.Code, appCB, v)
			if err != nil {
				t.Fatal(err)
			}
			return res
		}
		alive := func(s Session) bool {
			live, err := f.eng.CurrentSession(ctx, s.ID)
			return err == nil && live.User != nil
		}
		asks := func(what string, s Session, hint string) {
			t.Helper()
			out, err := f.eng.EndSession(ctx, EndSessionRequest{SessionID: s.ID, IDTokenHint: hint})
			if err != nil || out.Confirm == "" || out.ClientID == "" || !alive(s) {
				t.Fatalf("%s: %+v %v, session alive %v; want the user asked", what, out, err, alive(s))
			}
		}

		adaFirst := login(ada)
		first := idToken(adaFirst)
		if got := claim(t, first.IDToken, "sid"); got != sessionSID(adaFirst.ID) || got == "" {
			t.Fatalf("id_token sid %q, want the session's %q", got, sessionSID(adaFirst.ID))
		}
		refreshed, err := f.refresh(ctx, rp, first.RefreshToken, "")
		if err != nil || claim(t, refreshed.IDToken, "sid") != sessionSID(adaFirst.ID) {
			t.Fatalf("refreshed id_token: sid %q, %v", claim(t, refreshed.IDToken, "sid"), err)
		}

		asks("another user's hint", login(bob), first.IDToken)
		adaAgain := login(ada)
		asks("an earlier session's hint", adaAgain, first.IDToken)
		forged := func(claims map[string]any) string {
			signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.HS256, Key: []byte(hsSecret)}, nil)
			if err != nil {
				t.Fatal(err)
			}
			claims["aud"] = hs.ID
			payload, _ := json.Marshal(claims)
			jws, err := signer.Sign(payload)
			if err != nil {
				t.Fatal(err)
			}
			compact, _ := jws.CompactSerialize()
			return compact
		}
		asks("an HS256 client's hint naming the user", adaAgain, forged(map[string]any{"iss": "", "sub": ada.Subject}))
		asks("an HS256 client's hint with a made-up sid", adaAgain, forged(map[string]any{"iss": "", "sub": ada.Subject,
			"sid": sessionSID(NewToken())}))

		if out, err := f.eng.EndSession(ctx, EndSessionRequest{SessionID: adaFirst.ID, IDTokenHint: refreshed.IDToken}); err != nil ||
			out.Confirm != "" || alive(adaFirst) || !alive(adaAgain) {
			t.Fatalf("the session's own hint: %+v %v; first alive %v, second alive %v", out, err, alive(adaFirst), alive(adaAgain))
		}
		// An id_token issued before id_tokens carried sid names the session by its subject.
		legacy := f.tokens(t, rp, ada, "openid")
		if claim(t, legacy.IDToken, "sid") != "" {
			t.Fatal("a code issued without a session gave a sid")
		}
		if out, err := f.eng.EndSession(ctx, EndSessionRequest{SessionID: adaAgain.ID, IDTokenHint: legacy.IDToken}); err != nil ||
			out.Confirm != "" || alive(adaAgain) {
			t.Fatalf("a server-signed hint without sid: %+v %v", out, err)
		}
	})
}

// claim reads one string claim of a compact JWS without verifying it.
func claim(t *testing.T, compact, name string) string {
	t.Helper()
	jws, err := jose.ParseSigned(compact, []jose.SignatureAlgorithm{jose.RS256, jose.ES256, jose.HS256})
	if err != nil {
		t.Fatal(err)
	}
	var claims map[string]any
	if err := json.Unmarshal(jws.UnsafePayloadWithoutVerification(), &claims); err != nil {
		t.Fatal(err)
	}
	s, _ := claims[name].(string)
	return s
}
