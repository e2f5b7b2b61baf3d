package tests

// OpenID Connect with real relying-party libraries: github.com/coreos/go-oidc/v3 discovers
// the server and verifies id_tokens through its JWKS, while golang.org/x/oauth2 drives the
// code flow of both dialects. Key rotation keeps old tokens verifiable.

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"github.com/go-jose/go-jose/v4"
	"golang.org/x/oauth2"
)

// oidcClaims are the claims the tests read beyond go-oidc's own checks.
type oidcClaims struct {
	Email    string   `json:"email"`
	Name     string   `json:"name"`
	Roles    []string `json:"roles"`
	Azp      string   `json:"azp"`
	AuthTime int64    `json:"auth_time"`
	Nonce    string   `json:"nonce"`
}

// oidcKeyID is the kid in an id_token's header.
func oidcKeyID(t *testing.T, raw string) string {
	t.Helper()
	jws, err := jose.ParseSigned(raw, []jose.SignatureAlgorithm{jose.RS256, jose.ES256, jose.HS256})
	if err != nil {
		t.Fatalf("parse id_token: %v", err)
	}
	return jws.Signatures[0].Header.KeyID
}

// oidcVerify verifies raw with a fresh go-oidc provider (so its key cache proves nothing) and
// returns the token and its claims.
func oidcVerify(t *testing.T, s *Server, clientID, raw string) (*oidc.IDToken, oidcClaims) {
	t.Helper()
	provider, err := oidc.NewProvider(t.Context(), s.URL)
	if err != nil {
		t.Fatalf("discovery: %v", err)
	}
	idt, err := provider.Verifier(&oidc.Config{ClientID: clientID}).Verify(t.Context(), raw)
	if err != nil {
		t.Fatalf("go-oidc refused the id_token: %v", err)
	}
	var c oidcClaims
	if err := idt.Claims(&c); err != nil {
		t.Fatal(err)
	}
	return idt, c
}

func TestOIDCGoOIDCBothDialects(t *testing.T) {
	t.Parallel()
	s := StartServer(t)
	s.AddUser(t, parityEmail, parityPassword, parityName)
	client := s.AddClient(t, "--name", "OIDC RP", "--redirect-uri", parityRedirect, "--skip-authorization")

	jwks := Send(t, http.DefaultClient, http.MethodGet, s.URL+"/.well-known/jwks.json", nil)
	if jwks.Status != http.StatusOK || !strings.Contains(jwks.Header.Get("Cache-Control"), "max-age=") {
		t.Fatalf("jwks: %d Cache-Control %q", jwks.Status, jwks.Header.Get("Cache-Control"))
	}
	var firstKID string
	for _, d := range parityDialects {
		t.Run(d.name(), func(t *testing.T) {
			cfg := libConfig(s, d, client, oauth2.AuthStyleInHeader)
			nonce := "n-" + randomHex(8)
			before := time.Now().Unix()
			code := libCode(t, s, d, cfg, oidc.Nonce(nonce))
			tok, err := cfg.Exchange(t.Context(), code)
			if err != nil {
				t.Fatalf("Exchange: %v", err)
			}
			raw, _ := tok.Extra("id_token").(string)
			if raw == "" {
				t.Fatalf("no id_token in %+v", tok)
			}
			idt, c := oidcVerify(t, s, client.ID, raw)
			if idt.Nonce != nonce || idt.Issuer != s.URL || idt.Subject == "" || c.Email != parityEmail ||
				c.Name != parityName || c.Azp != client.ID || c.AuthTime < before-5 || c.AuthTime > time.Now().Unix() {
				t.Fatalf("claims: iss %q sub %q nonce %q, %+v", idt.Issuer, idt.Subject, idt.Nonce, c)
			}
			if err := idt.VerifyAccessToken(tok.AccessToken); err != nil {
				t.Fatalf("at_hash: %v", err)
			}
			if firstKID == "" {
				firstKID = oidcKeyID(t, raw)
			}

			// A refresh returns a new id_token for the same subject, without the nonce.
			old := *tok
			old.Expiry = time.Now().Add(-time.Minute)
			fresh, err := cfg.TokenSource(t.Context(), &old).Token()
			if err != nil {
				t.Fatalf("refresh: %v", err)
			}
			raw2, _ := fresh.Extra("id_token").(string)
			idt2, c2 := oidcVerify(t, s, client.ID, raw2)
			if idt2.Subject != idt.Subject || idt2.Nonce != "" || c2.AuthTime != c.AuthTime {
				t.Fatalf("refreshed id_token: sub %q nonce %q auth_time %d", idt2.Subject, idt2.Nonce, c2.AuthTime)
			}
		})
	}

	t.Run("rotation", func(t *testing.T) {
		d := parityDialects[0]
		cfg := libConfig(s, d, client, oauth2.AuthStyleInHeader)
		tok, err := cfg.Exchange(t.Context(), libCode(t, s, d, cfg))
		if err != nil {
			t.Fatal(err)
		}
		oldRaw := tok.Extra("id_token").(string)
		var rotated struct {
			KID     string `json:"kid"`
			Signing bool   `json:"signing"`
		}
		if err := json.Unmarshal(s.CLI(t, "keys", "rotate"), &rotated); err != nil || !rotated.Signing ||
			rotated.KID == firstKID {
			t.Fatalf("keys rotate: %+v %v", rotated, err)
		}
		tok, err = cfg.Exchange(t.Context(), libCode(t, s, d, cfg))
		if err != nil {
			t.Fatal(err)
		}
		newRaw := tok.Extra("id_token").(string)
		if got := oidcKeyID(t, newRaw); got != rotated.KID {
			t.Fatalf("after rotation the id_token is signed by %q, want the new key %q", got, rotated.KID)
		}
		oidcVerify(t, s, client.ID, newRaw)
		oidcVerify(t, s, client.ID, oldRaw) // the retired key is still published

		keys := jsonLines[struct {
			KID       string `json:"kid"`
			Signing   bool   `json:"signing"`
			Published bool   `json:"published"`
		}](t, s.CLI(t, "keys", "list"))
		if len(keys) != 2 || keys[0].KID != rotated.KID || !keys[0].Signing || keys[1].KID != firstKID ||
			keys[1].Signing || !keys[1].Published {
			t.Fatalf("keys list: %+v", keys)
		}
		if _, _, code := s.TryCLI("keys", "remove", "--", rotated.KID); code != 1 {
			t.Fatalf("removing the signing key: exit %d, want 1", code)
		}
		s.CLI(t, "keys", "remove", "--", firstKID) // a key id may begin with "-"
		provider, err := oidc.NewProvider(t.Context(), s.URL)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := provider.Verifier(&oidc.Config{ClientID: client.ID}).Verify(t.Context(), oldRaw); err == nil {
			t.Fatal("an id_token of a removed key still verifies")
		}
	})
}
