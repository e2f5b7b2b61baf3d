package core

import (
	"testing"
	"time"
)

func TestRequirementsCheck(t *testing.T) {
	t.Parallel()
	p := &Principal{ClientID: "app", Scopes: []string{"all", "openid"}, Resource: "https://api.example/mcp"}
	none := &Principal{ClientID: "app", Scopes: []string{"all"}}
	cases := []struct {
		name   string
		need   Requirements
		code   string // "" when the principal passes
		reason Reason
	}{
		{"nothing asked", Requirements{}, "", 0},
		{"one granted scope", Requirements{Scopes: []string{"all"}}, "", 0},
		{"every granted scope", Requirements{Scopes: []string{"openid", "all"}}, "", 0},
		{"a scope not granted", Requirements{Scopes: []string{"all", "write"}}, ErrInsufficientScope, ReasonInsufficientScope},
		{"its own client", Requirements{ClientID: "app", Scopes: []string{"all"}}, "", 0},
		{"another client", Requirements{ClientID: "other"}, ErrInvalidToken, ReasonTokenInvalid},
		{"another client and a missing scope", Requirements{ClientID: "other", Scopes: []string{"write"}},
			ErrInvalidToken, ReasonTokenInvalid},
		{"its resource", Requirements{Resource: "https://api.example/mcp", Scopes: []string{"all"}}, "", 0},
		{"its resource with a trailing slash", Requirements{Resource: "https://api.example/mcp/"}, "", 0},
		{"another resource", Requirements{Resource: "https://api.example/other", Scopes: []string{"write"}},
			ErrInvalidToken, ReasonTokenInvalid},
		{"a token for no resource", Requirements{Resource: "https://api.example/mcp"}, ErrInvalidToken, ReasonTokenInvalid},
	}
	for _, tc := range cases {
		subject := p
		if tc.name == "a token for no resource" {
			subject = none
		}
		err := tc.need.Check(subject)
		if tc.code == "" {
			if err != nil {
				t.Errorf("%s: %v, want nil", tc.name, err)
			}
			continue
		}
		wantErr(t, err, tc.code, tc.reason)
	}
}

func TestAuthorizeBearer(t *testing.T) {
	t.Parallel()
	onBackends(t, Options{}, func(t *testing.T, f *fixture) {
		ada := f.user(t, "ada@example.com")
		app, _ := f.client(t, NewClient{ID: "app", Scopes: []string{"read", "write"}})
		tok := f.tokens(t, app, ada, "read")
		p, err := f.eng.AuthorizeBearer(t.Context(), tok.AccessToken, 0, Requirements{Scopes: []string{"read"}, ClientID: "app"})
		if err != nil || p.Email != ada.Email {
			t.Fatalf("AuthorizeBearer = %+v, %v", p, err)
		}
		_, err = f.eng.AuthorizeBearer(t.Context(), tok.AccessToken, 0, Requirements{Scopes: []string{"write"}})
		wantErr(t, err, ErrInsufficientScope, ReasonInsufficientScope)
		_, err = f.eng.AuthorizeBearer(t.Context(), NewToken(), 0, Requirements{})
		wantErr(t, err, ErrInvalidToken, ReasonTokenInvalid)
		_, err = f.eng.AuthorizeBearer(t.Context(), "", 0, Requirements{})
		wantErr(t, err, ErrInvalidToken, ReasonTokenMissing)
		// The audience comes from the grant, through the database and the bearer cache alike.
		_, err = f.eng.AuthorizeBearer(t.Context(), tok.AccessToken, 0, Requirements{Resource: "https://api.example/mcp"})
		wantErr(t, err, ErrInvalidToken, ReasonTokenInvalid)
	})
}

// A token's audience is the resource of its grant, read with the token (and kept by the bearer
// cache): it passes the resource it was issued for, and only that one.
func TestAuthorizeBearerAudience(t *testing.T) {
	t.Parallel()
	const api = "https://api.example/mcp"
	onBackends(t, Options{BearerCacheTTL: time.Minute, OIDC: OIDCOptions{Resources: []string{api, "https://other.example"}}},
		func(t *testing.T, f *fixture) {
			ada := f.user(t, "ada@example.com")
			app, _ := f.client(t, NewClient{ID: "app"})
			v := newVerifier()
			code := f.approve(t, app, ada, AuthorizeRequest{RedirectURI: appCB, Resource: api + "/", CodeChallenge: s256(v),
				CodeChallengeMethod: PKCES256})
			res, err := f.exchange(t.Context(), app, code, appCB, v)
			if err != nil {
				t.Fatal(err)
			}
			for range 2 { // from the database, then from the cache
				p, err := f.eng.AuthorizeBearer(t.Context(), res.AccessToken, 0, Requirements{Resource: api})
				if err != nil || p.Resource != api {
					t.Fatalf("the token's own resource: %+v, %v", p, err)
				}
				_, err = f.eng.AuthorizeBearer(t.Context(), res.AccessToken, 0, Requirements{Resource: "https://other.example"})
				wantErr(t, err, ErrInvalidToken, ReasonTokenInvalid)
			}
		})
}
