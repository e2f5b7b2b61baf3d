package core

import (
	"net/url"
	"strings"
	"testing"
)

func TestAuthorize(t *testing.T) {
	t.Parallel()
	onBackends(t, Options{}, func(t *testing.T, f *fixture) {
		f.client(t, NewClient{ID: "conf", Scopes: []string{"read", "write"}})
		f.client(t, NewClient{ID: "pub", AuthMethods: []string{AuthNone}})
		f.client(t, NewClient{ID: "plain", AllowPlainPKCE: true})
		f.client(t, NewClient{ID: "cc", GrantTypes: []string{GrantClientCredentials}})
		challenge := s256(newVerifier())
		plainChallenge := newVerifier()

		type want struct {
			code         string
			reason       Reason
			redirectable bool
		}
		cases := []struct {
			name string
			req  AuthorizeRequest
			want *want // nil: accepted
		}{
			{"missing client", AuthorizeRequest{ResponseType: "code"}, &want{ErrInvalidRequest, ReasonClientUnknown, false}},
			{"unknown client", AuthorizeRequest{ClientID: "nope", ResponseType: "code", RedirectURI: appCB}, &want{ErrInvalidRequest, ReasonClientUnknown, false}},
			{"client id of another case", AuthorizeRequest{ClientID: "CONF", ResponseType: "code", RedirectURI: appCB}, &want{ErrInvalidRequest, ReasonClientUnknown, false}},
			{"redirect mismatch", AuthorizeRequest{ClientID: "conf", ResponseType: "code", RedirectURI: "https://evil.example/cb"}, &want{ErrInvalidRequest, ReasonRedirectMismatch, false}},
			{"redirect mismatch beats bad response_type", AuthorizeRequest{ClientID: "conf", ResponseType: "token", RedirectURI: appCB + "/"}, &want{ErrInvalidRequest, ReasonRedirectMismatch, false}},
			{"missing response_type", AuthorizeRequest{ClientID: "conf", RedirectURI: appCB}, &want{ErrInvalidRequest, ReasonResponseType, true}},
			{"implicit response_type", AuthorizeRequest{ClientID: "conf", ResponseType: "token", RedirectURI: appCB}, &want{ErrUnsupportedResponseType, ReasonResponseType, true}},
			{"code grant not allowed", AuthorizeRequest{ClientID: "cc", ResponseType: "code", RedirectURI: appCB}, &want{ErrUnauthorizedClient, ReasonGrantNotAllowed, true}},
			{"unknown scope", AuthorizeRequest{ClientID: "conf", ResponseType: "code", RedirectURI: appCB, Scope: "read admin"}, &want{ErrInvalidScope, ReasonScope, true}},
			{"unsupported PKCE method", AuthorizeRequest{ClientID: "conf", ResponseType: "code", RedirectURI: appCB, CodeChallenge: challenge, CodeChallengeMethod: "S512"}, &want{ErrInvalidRequest, ReasonPKCE, true}},
			{"lower-case s256", AuthorizeRequest{ClientID: "conf", ResponseType: "code", RedirectURI: appCB, CodeChallenge: challenge, CodeChallengeMethod: "s256"}, &want{ErrInvalidRequest, ReasonPKCE, true}},
			{"method without challenge", AuthorizeRequest{ClientID: "conf", ResponseType: "code", RedirectURI: appCB, CodeChallengeMethod: PKCES256}, &want{ErrInvalidRequest, ReasonPKCE, true}},
			{"challenge too short", AuthorizeRequest{ClientID: "conf", ResponseType: "code", RedirectURI: appCB, CodeChallenge: challenge[:42], CodeChallengeMethod: PKCES256}, &want{ErrInvalidRequest, ReasonPKCE, true}},
			{"challenge bad charset", AuthorizeRequest{ClientID: "conf", ResponseType: "code", RedirectURI: appCB, CodeChallenge: challenge[:42] + "+", CodeChallengeMethod: PKCES256}, &want{ErrInvalidRequest, ReasonPKCE, true}},
			{"plain PKCE refused", AuthorizeRequest{ClientID: "conf", ResponseType: "code", RedirectURI: appCB, CodeChallenge: plainChallenge, CodeChallengeMethod: PKCEPlain}, &want{ErrInvalidRequest, ReasonPKCE, true}},
			{"implicit plain PKCE refused", AuthorizeRequest{ClientID: "conf", ResponseType: "code", RedirectURI: appCB, CodeChallenge: plainChallenge}, &want{ErrInvalidRequest, ReasonPKCE, true}},
			{"public client without PKCE", AuthorizeRequest{ClientID: "pub", ResponseType: "code", RedirectURI: appCB}, &want{ErrInvalidRequest, ReasonPKCE, true}},
			{"confidential without PKCE", AuthorizeRequest{ClientID: "conf", ResponseType: "code", RedirectURI: appCB}, nil},
			{"default redirect", AuthorizeRequest{ClientID: "conf", ResponseType: "code"}, nil},
			{"second redirect", AuthorizeRequest{ClientID: "conf", ResponseType: "code", RedirectURI: appCB2}, nil},
			{"public client with S256", AuthorizeRequest{ClientID: "pub", ResponseType: "code", RedirectURI: appCB, CodeChallenge: challenge, CodeChallengeMethod: PKCES256}, nil},
			{"plain PKCE allowed", AuthorizeRequest{ClientID: "plain", ResponseType: "code", RedirectURI: appCB, CodeChallenge: plainChallenge, CodeChallengeMethod: PKCEPlain}, nil},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				a, err := f.eng.Authorize(t.Context(), tc.req)
				if tc.want == nil {
					if err != nil {
						t.Fatalf("Authorize: %v, want accepted", err)
					}
					return
				}
				wantErr(t, err, tc.want.code, tc.want.reason)
				if err == nil {
					return
				}
				e := AsError(err)
				if e.Redirectable != tc.want.redirectable {
					t.Errorf("Redirectable = %v, want %v", e.Redirectable, tc.want.redirectable)
				}
				if e.Redirectable && (a == nil || a.RedirectURI == "") {
					t.Errorf("redirectable error came without the verified redirect URI: %+v", a)
				}
				if !e.Redirectable && a != nil {
					t.Errorf("non-redirectable error came with an Authorization %+v", a)
				}
			})
		}
	})
}

func TestAuthorizeResult(t *testing.T) {
	t.Parallel()
	onBackends(t, Options{}, func(t *testing.T, f *fixture) {
		f.client(t, NewClient{ID: "conf", Scopes: []string{"read", "write"}})
		challenge := s256(newVerifier())
		a, err := f.eng.Authorize(t.Context(), AuthorizeRequest{ClientID: "conf", ResponseType: "code",
			Scope: "write  write", State: "xyz", CodeChallenge: challenge, CodeChallengeMethod: PKCES256, Nonce: "n-1"})
		if err != nil {
			t.Fatalf("Authorize: %v", err)
		}
		if a.Client.ID != "conf" || a.RedirectURI != appCB || a.RedirectURIGiven || JoinScope(a.Scopes) != "write" ||
			a.State != "xyz" || a.CodeChallenge != challenge || a.ChallengeMethod != PKCES256 || a.Nonce != "n-1" {
			t.Errorf("Authorization = %+v", a)
		}
		a, err = f.eng.Authorize(t.Context(), AuthorizeRequest{ClientID: "conf", ResponseType: "code", RedirectURI: appCB2})
		if err != nil || !a.RedirectURIGiven || a.RedirectURI != appCB2 || JoinScope(a.Scopes) != "read write" {
			t.Errorf("Authorize with redirect and no scope = %+v, %v; want given redirect, all client scopes", a, err)
		}
	})
}

func TestErrorRedirect(t *testing.T) {
	t.Parallel()
	onBackends(t, Options{}, func(t *testing.T, f *fixture) {
		f.client(t, NewClient{ID: "conf", Scopes: []string{"read"}})
		cases := []struct {
			name, redirect, state, wantPrefix string
			query                             url.Values
		}{
			{"with query", appCB2, "st 8&x", appCB2 + "&", url.Values{"tenant": {"7"}, "state": {"st 8&x"}}},
			{"without query", appCB, "abc", appCB + "?", url.Values{"state": {"abc"}}},
			{"default redirect", "", "abc", appCB + "?", url.Values{"state": {"abc"}}},
			{"no state", appCB, "", appCB + "?", url.Values{}},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				a, err := f.eng.Authorize(t.Context(), AuthorizeRequest{ClientID: "conf", ResponseType: "code",
					RedirectURI: tc.redirect, Scope: "admin", State: tc.state})
				e := AsError(err)
				if err == nil || !e.Redirectable || a == nil {
					t.Fatalf("Authorize = %+v, %v; want a redirectable invalid_scope", a, err)
				}
				loc := a.ErrorRedirect(e)
				if !strings.HasPrefix(loc, tc.wantPrefix) || strings.Count(loc, "?") != 1 {
					t.Fatalf("ErrorRedirect = %q, want it to start with %q and have one '?'", loc, tc.wantPrefix)
				}
				u, err := url.Parse(loc)
				if err != nil {
					t.Fatal(err)
				}
				q := u.Query()
				if q.Get("error") != ErrInvalidScope || q.Get("error_description") == "" {
					t.Errorf("ErrorRedirect query %v lacks error=invalid_scope and a description", q)
				}
				for k := range tc.query {
					if q.Get(k) != tc.query.Get(k) {
						t.Errorf("ErrorRedirect %s = %q, want %q", k, q.Get(k), tc.query.Get(k))
					}
				}
				if tc.state == "" && q.Has("state") {
					t.Errorf("ErrorRedirect invented a state: %q", loc)
				}
				deny, err := url.Parse(a.ErrorRedirect(errDenied))
				if err != nil || deny.Query().Get("error") != ErrAccessDenied || deny.Query().Get("state") != tc.state {
					t.Errorf("deny redirect = %q", a.ErrorRedirect(errDenied))
				}
				code, err := url.Parse(a.CodeRedirect("the-code"))
				if err != nil || code.Query().Get("code") != "the-code" || code.Query().Get("state") != tc.state ||
					code.Query().Has("error") {
					t.Errorf("CodeRedirect = %q", a.CodeRedirect("the-code"))
				}
			})
		}
	})
}

func TestNeedsConsent(t *testing.T) {
	t.Parallel()
	for _, mode := range []string{"force", "auto"} {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			onBackends(t, Options{SkipAuthorization: mode}, func(t *testing.T, f *fixture) {
				ada := f.user(t, "ada@example.com")
				owner := f.user(t, "owner@example.com")
				plainClient, _ := f.client(t, NewClient{ID: "app", Scopes: []string{"read", "write"}})
				f.client(t, NewClient{ID: "trusted", SkipAuthorization: true})
				f.client(t, NewClient{ID: "owned", OwnerEmail: owner.Email})

				needs := func(c, u, scope string) bool {
					t.Helper()
					a, err := f.eng.Authorize(t.Context(), AuthorizeRequest{ClientID: c, ResponseType: "code", Scope: scope})
					if err != nil {
						t.Fatalf("Authorize: %v", err)
					}
					user, err := f.eng.UserByEmail(t.Context(), u)
					if err != nil {
						t.Fatal(err)
					}
					n, err := f.eng.NeedsConsent(t.Context(), a, user)
					if err != nil {
						t.Fatalf("NeedsConsent: %v", err)
					}
					return n
				}
				if !needs("app", ada.Email, "") {
					t.Error("ordinary client: NeedsConsent = false, want true by default")
				}
				if needs("trusted", ada.Email, "") {
					t.Error("skip_authorization client: NeedsConsent = true, want false")
				}
				if needs("owned", owner.Email, "") {
					t.Error("client's owner: NeedsConsent = true, want false")
				}
				if !needs("owned", ada.Email, "") {
					t.Error("owned client, other user: NeedsConsent = false, want true")
				}

				tok := f.tokens(t, plainClient, ada, "read")
				auto := mode == "auto"
				if got := needs("app", ada.Email, "read"); got == auto {
					t.Errorf("user consented to the scope: NeedsConsent = %v, want %v", got, !auto)
				}
				if !needs("app", ada.Email, "read write") {
					t.Error("consent does not cover the requested scopes: NeedsConsent = false, want true")
				}
				if !needs("app", owner.Email, "read") {
					t.Error("another user's consent counted: NeedsConsent = false, want true")
				}
				f.clock.Advance(accessTTL)
				if got := needs("app", ada.Email, "read"); got == auto {
					t.Errorf("consent remembered after its token expired: NeedsConsent = %v, want %v", got, !auto)
				}
				f.clock.Advance(-accessTTL)
				if err := f.eng.revokeHeld(t.Context(), tok.AccessToken); err != nil {
					t.Fatal(err)
				}
				if !needs("app", ada.Email, "read") {
					t.Error("consent kept after its grant was revoked: NeedsConsent = false, want true")
				}
			})
		})
	}
}
