package tests

// Frappe's HS256 id_token and where the server keeps the secrets behind id_tokens.

import (
	"encoding/json"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
	"golang.org/x/oauth2"
)

// frappeIDToken decodes an id_token the way Frappe's test does (PyJWT with key=client_secret,
// algorithms=["HS256"], audience=client_id, require exp, iat, aud) and returns its claims.
func frappeIDToken(t *testing.T, raw, secret, clientID string) map[string]any {
	t.Helper()
	tok, err := jwt.ParseSigned(raw, []jose.SignatureAlgorithm{jose.HS256})
	if err != nil {
		t.Fatalf("parse id_token: %v", err)
	}
	if typ := tok.Headers[0].ExtraHeaders["typ"]; typ != "jwt" {
		t.Fatalf("header typ %v, want Frappe's lower-case jwt", typ)
	}
	var std jwt.Claims
	claims := map[string]any{}
	if err := tok.Claims([]byte(secret), &std, &claims); err != nil {
		t.Fatalf("id_token does not verify with the client secret: %v", err)
	}
	if std.Expiry == nil || std.IssuedAt == nil ||
		std.Validate(jwt.Expected{AnyAudience: jwt.Audience{clientID}, Time: time.Now()}) != nil {
		t.Fatalf("exp/iat/aud: %+v", std)
	}
	return claims
}

func TestOIDCFrappeHS256(t *testing.T) {
	t.Parallel()
	s := frappeStart(t, nil, "--id-token-alg", "HS256")
	b := s.frappeLogin(t)
	nonce := "frappe-" + randomHex(6)
	r := s.frappeExchange(t, frappeOAuth, s.frappeCode(t, b, frappeOAuth, s.frappeQuery("nonce", nonce)))
	claims := frappeIDToken(t, r.Str("id_token"), s.client.Secret, s.client.ID)
	if claims["email"] != frappeEmail || claims["nonce"] != nonce || claims["iss"] != s.URL || claims["at_hash"] == "" {
		t.Fatalf("claims %v", claims)
	}
	var sealed, digest string
	if err := serverSQL(t, s.Server).QueryRow("SELECT secret_sealed, secret_hash FROM clients WHERE id = ?",
		s.client.ID).Scan(&sealed, &digest); err != nil {
		t.Fatal(err)
	}
	if sealed == "" || strings.Contains(sealed, s.client.Secret) || digest == "" {
		t.Fatalf("an HS256 client's secret must be kept sealed beside its digest: sealed %q", sealed)
	}

	// A new secret signs from now on; the old one no longer verifies new tokens.
	var rotated struct {
		Secret string `json:"client_secret"`
	}
	if err := json.Unmarshal(s.CLI(t, "client", "rotate-secret", s.client.ID), &rotated); err != nil {
		t.Fatal(err)
	}
	s.client.Secret = rotated.Secret
	r = s.frappeExchange(t, frappeOAuth, s.frappeCode(t, b, frappeOAuth, s.frappeQuery()))
	frappeIDToken(t, r.Str("id_token"), rotated.Secret, s.client.ID)

	// Without openid there is no id_token.
	r = s.frappeExchange(t, frappeOAuth, s.frappeCode(t, b, frappeOAuth, s.frappeQuery("scope", "all")))
	if _, ok := r.JSON["id_token"]; ok {
		t.Fatalf("scope all got an id_token: %s", r.Raw)
	}
}

// TestOIDCKeySecretFile: with SQLite and no keys.encryption_secret a 0600 secret file appears
// beside the database, and a restart reads it back and keeps signing with the same key. The
// private key in the database is sealed; a wrong secret stops the start with its name.
func TestOIDCKeySecretFile(t *testing.T) {
	t.Parallel()
	if !useSQLite() {
		t.Skip("the generated secret file is SQLite's")
	}
	s := StartServer(t)
	info, err := os.Stat(s.DB.DSN + ".secret")
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("secret file: %v %v", info, err)
	}
	kid := func() string {
		r := Send(t, nil, http.MethodGet, s.URL+"/.well-known/jwks.json", nil)
		keys, _ := r.JSON["keys"].([]any)
		if r.Status != http.StatusOK || len(keys) != 1 {
			t.Fatalf("jwks: %d %s", r.Status, r.Raw)
		}
		key := keys[0].(map[string]any)
		if key["alg"] != "RS256" || key["use"] != "sig" || key["d"] != nil {
			t.Fatalf("jwks key %v", key)
		}
		return key["kid"].(string)
	}
	first := kid()
	var sealed string
	if err := serverSQL(t, s).QueryRow("SELECT private_sealed FROM signing_keys").Scan(&sealed); err != nil ||
		strings.Contains(sealed, "PRIVATE") || strings.HasPrefix(sealed, "MII") {
		t.Fatalf("private key as stored: %.40q %v", sealed, err)
	}
	s.Stop(t)
	s.start(t)
	if again := kid(); again != first {
		t.Fatalf("after a restart the signing key changed: %s -> %s", first, again)
	}
	s.Stop(t)
	s.Env = append(s.Env, "OAUTHD_KEYS_ENCRYPTION_SECRET="+strings.Repeat("w", 40))
	_, stderr, code := s.TryCLI("serve")
	if code == 0 || !strings.Contains(stderr, "encryption_secret") {
		t.Fatalf("a wrong secret: exit %d, stderr %q", code, stderr)
	}
}

// TestOIDCMySQLNeedsSecret: on a database server (MySQL, PostgreSQL) the server refuses to
// start without a shared secret.
func TestOIDCMySQLNeedsSecret(t *testing.T) {
	t.Parallel()
	if useSQLite() {
		t.Skip("MySQL and PostgreSQL only (OAUTHD_TEST_DATABASE=mysql or postgres)")
	}
	db := NewDatabase(t)
	s := &Server{DB: db, Env: append(os.Environ(), "OAUTHD_SERVER_ADDR=127.0.0.1:0", "OAUTHD_DATABASE_DRIVER="+db.Driver,
		"OAUTHD_DATABASE_DSN="+db.DSN, "OAUTHD_KEYS_ENCRYPTION_SECRET=")}
	_, stderr, code := s.TryCLI("serve")
	if code != 2 || !strings.Contains(stderr, "keys.encryption_secret") || !strings.Contains(stderr, db.Driver) {
		t.Fatalf("serve on %s without a secret: exit %d, stderr %q", db.Driver, code, stderr)
	}
}

// TestOIDCES256: oauth.id_token_alg = ES256 makes the next start sign with a new P-256 key,
// which go-oidc verifies; the RS256 key stays published for the tokens it signed.
func TestOIDCES256(t *testing.T) {
	t.Parallel()
	s := StartServer(t)
	s.AddUser(t, parityEmail, parityPassword, parityName)
	client := s.AddClient(t, "--name", "ES RP", "--redirect-uri", parityRedirect, "--skip-authorization")
	s.Stop(t)
	s.Env = append(s.Env, "OAUTHD_OAUTH_ID_TOKEN_ALG=ES256")
	s.start(t)
	d := parityDialects[1]
	cfg := libConfig(s, d, client, oauth2.AuthStyleInHeader)
	tok, err := cfg.Exchange(t.Context(), libCode(t, s, d, cfg))
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := tok.Extra("id_token").(string)
	jws, err := jose.ParseSigned(raw, []jose.SignatureAlgorithm{jose.ES256})
	if err != nil {
		t.Fatalf("the id_token is not ES256: %v", err)
	}
	oidcVerify(t, s, client.ID, raw)
	r := Send(t, nil, http.MethodGet, s.URL+"/.well-known/jwks.json", nil)
	var set jose.JSONWebKeySet
	if err := json.Unmarshal(r.Raw, &set); err != nil || len(set.Keys) != 2 || set.Keys[0].KeyID != jws.Signatures[0].Header.KeyID ||
		set.Keys[1].Algorithm != "RS256" {
		t.Fatalf("jwks after switching to ES256: %s", r.Raw)
	}
}
