package core

import (
	"errors"
	"testing"
)

func TestUserInfoNeedsOpenIDScope(t *testing.T) {
	p := &Principal{Email: "ada@example.com", FullName: "Ada Lovelace", Subject: "sub-1", Scopes: []string{"all"}}
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
}
