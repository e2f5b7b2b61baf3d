package core

import (
	"errors"
	"slices"
	"testing"

	"oauthd/models"
)

func TestUserInfo(t *testing.T) {
	t.Parallel()
	onBackends(t, Options{}, func(t *testing.T, f *fixture) {
		ctx := t.Context()
		mary, err := f.eng.CreateUser(ctx, NewUser{Email: "mary@example.com", Password: password,
			FullName: "Mary Ann Smith", FirstName: "Mary Ann", LastName: "Smith", Roles: []string{"Sales User"}})
		if err != nil {
			t.Fatal(err)
		}
		plato, err := f.eng.CreateUser(ctx, NewUser{Email: "plato@example.com", Password: password, FullName: "Plato"})
		if err != nil {
			t.Fatal(err)
		}
		app, _ := f.client(t, NewClient{ID: "app", Scopes: []string{"all", "openid"}})
		userinfo := func(u *models.User, scope string) (map[string]any, error) {
			p, err := f.eng.AuthenticateBearer(ctx, f.tokens(t, app, u, scope).AccessToken)
			if err != nil {
				t.Fatal(err)
			}
			return f.eng.UserInfo(ctx, p, "https://issuer.example")
		}

		_, err = userinfo(mary, "all")
		var e *Error
		if !errors.As(err, &e) || e.Code != ErrInsufficientScope || e.Reason != ReasonInsufficientScope || e.Status() != 403 {
			t.Fatalf("UserInfo without openid = %v, want insufficient_scope (403)", err)
		}
		claims, err := userinfo(mary, "all openid")
		if err != nil {
			t.Fatalf("UserInfo with openid: %v", err)
		}
		// The stored names, not ones split from the full name (a bearer check does not read them).
		if claims["sub"] != mary.Subject || claims["email"] != "mary@example.com" || claims["iss"] != "https://issuer.example" ||
			claims["name"] != "Mary Ann Smith" || claims["given_name"] != "Mary Ann" || claims["family_name"] != "Smith" ||
			!slices.Equal(claims["roles"].([]string), []string{"Sales User", "All", "Guest"}) {
			t.Fatalf("claims = %v", claims)
		}
		// One-word names have no family name: null, as Frappe reports a user without last_name.
		if claims, err = userinfo(plato, "openid"); err != nil || claims["given_name"] != "Plato" || claims["family_name"] != nil {
			t.Fatalf("one-word name: claims = %v, %v", claims, err)
		}

		p, err := f.eng.AuthenticateBearer(ctx, f.tokens(t, app, plato, "openid").AccessToken)
		if err != nil {
			t.Fatal(err)
		}
		if err := f.store.DB().Exec("DELETE FROM users WHERE id = ?", plato.ID).Error; err != nil {
			t.Fatal(err)
		}
		if _, err := f.eng.UserInfo(ctx, p, ""); !errors.As(err, &e) || e.Code != ErrInvalidToken {
			t.Errorf("UserInfo for a user removed after the bearer check = %v, want invalid_token", err)
		}
	})
}

func TestUserNames(t *testing.T) {
	cases := []struct{ email, full, first, last, wantFull, wantFirst, wantLast string }{
		{"a@x.io", "Ada Lovelace", "", "", "Ada Lovelace", "Ada", "Lovelace"},
		{"a@x.io", " Ada  King   Lovelace ", "", "", "Ada King Lovelace", "Ada", "King Lovelace"},
		{"a@x.io", "Plato", "", "", "Plato", "Plato", ""},
		{"a@x.io", "", "Ada", "Lovelace", "Ada Lovelace", "Ada", "Lovelace"},
		{"a@x.io", "Countess of Lovelace", "Ada", "", "Countess of Lovelace", "Ada", ""},
		{"a@x.io", "", "", "", "a", "a", ""},
	}
	for _, tc := range cases {
		full, first, last := userNames(tc.email, tc.full, tc.first, tc.last)
		if full != tc.wantFull || first != tc.wantFirst || last != tc.wantLast {
			t.Errorf("userNames(%q, %q, %q) = %q, %q, %q", tc.full, tc.first, tc.last, full, first, last)
		}
	}
	if got := userRoles([]string{"Sales", "Guest", "Sales"}); len(got) != 3 || got[0] != "Sales" || got[1] != "All" || got[2] != "Guest" {
		t.Errorf("userRoles = %v, want [Sales All Guest]", got)
	}
}
