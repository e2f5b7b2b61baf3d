package core

import (
	"errors"
	"testing"
)

func TestUserInfoNeedsOpenIDScope(t *testing.T) {
	p := &Principal{Email: "ada@example.com", FullName: "Ada Lovelace", FirstName: "Ada", LastName: "Lovelace", Subject: "sub-1", Scopes: []string{"all"}}
	_, err := UserInfo(p, "https://issuer.example")
	var e *Error
	if !errors.As(err, &e) || e.Code != ErrInsufficientScope || e.Reason != ReasonInsufficientScope || e.Status() != 403 {
		t.Fatalf("UserInfo without openid = %v, want insufficient_scope (403)", err)
	}

	p.Scopes = []string{"all", "openid"}
	claims, err := UserInfo(p, "https://issuer.example")
	if err != nil {
		t.Fatalf("UserInfo with openid: %v", err)
	}
	if claims["sub"] != "sub-1" || claims["email"] != "ada@example.com" || claims["iss"] != "https://issuer.example" ||
		claims["given_name"] != "Ada" || claims["family_name"] != "Lovelace" {
		t.Fatalf("claims = %v", claims)
	}
	// One-word names have no family name: null, as Frappe reports a user without last_name.
	p.FullName, p.FirstName, p.LastName = "Plato", "Plato", ""
	if claims, _ = UserInfo(p, ""); claims["given_name"] != "Plato" || claims["family_name"] != nil {
		t.Fatalf("one-word name: claims = %v", claims)
	}
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
	if got := userRoles("Sales, Guest,,Sales"); len(got) != 3 || got[0] != "Sales" || got[1] != "All" || got[2] != "Guest" {
		t.Errorf("userRoles = %v, want [Sales All Guest]", got)
	}
}
