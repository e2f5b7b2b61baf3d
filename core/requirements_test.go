package core

import "testing"

func TestRequirementsCheck(t *testing.T) {
	t.Parallel()
	p := &Principal{ClientID: "app", Scopes: []string{"all", "openid"}}
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
	}
	for _, tc := range cases {
		err := tc.need.Check(p)
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
		p, err := f.eng.AuthorizeBearer(t.Context(), tok.AccessToken, Requirements{Scopes: []string{"read"}, ClientID: "app"})
		if err != nil || p.Email != ada.Email {
			t.Fatalf("AuthorizeBearer = %+v, %v", p, err)
		}
		_, err = f.eng.AuthorizeBearer(t.Context(), tok.AccessToken, Requirements{Scopes: []string{"write"}})
		wantErr(t, err, ErrInsufficientScope, ReasonInsufficientScope)
		_, err = f.eng.AuthorizeBearer(t.Context(), NewToken(), Requirements{})
		wantErr(t, err, ErrInvalidToken, ReasonTokenInvalid)
	})
}
