package core

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/go-jose/go-jose/v4"

	"oauthd/models"
)

// Signing algorithms of the server's own keys.
const (
	AlgRS256 = "RS256"
	AlgES256 = "ES256"
	AlgHS256 = "HS256" // per client: Frappe's id_token, keyed with the client secret
)

// ErrNoSealer is returned when an operation needs keys.encryption_secret and none is set.
var ErrNoSealer = errors.New("keys.encryption_secret is not configured")

// KeyInfo describes a signing key for `oauthd keys list` and the admin API.
type KeyInfo struct {
	ID        string
	Alg       string
	CreatedAt time.Time
	RetiredAt time.Time // zero: the key that signs
	Published bool      // listed in the JWKS
}

// EnsureSigningKey makes sure a key of the configured algorithm signs: on first start it
// generates one, and when oauth.id_token_alg changed it rotates to that algorithm.
func (e *Engine) EnsureSigningKey(ctx context.Context) error {
	keys, err := e.store.SigningKeys(ctx)
	if err != nil {
		return fmt.Errorf("signing keys: %w", err)
	}
	if k := activeKey(keys); k != nil && k.Alg == e.opt.OIDC.IDTokenAlg {
		_, err := e.signer(ctx) // a wrong keys.encryption_secret fails here, not at the first login
		return err
	}
	_, err = e.RotateSigningKey(ctx)
	return err
}

// RotateSigningKey generates a new key that signs from now on. The previous keys stay in the
// JWKS for KeyRetention, longer than any token they signed lives.
func (e *Engine) RotateSigningKey(ctx context.Context) (*KeyInfo, error) {
	if e.opt.OIDC.Sealer == nil {
		return nil, ErrNoSealer
	}
	k, err := newSigningKey(e.opt.OIDC.IDTokenAlg, e.opt.OIDC.NewKey, e.opt.OIDC.Sealer, e.now())
	if err != nil {
		return nil, err
	}
	if err := e.store.CreateSigningKey(ctx, k); err != nil {
		return nil, fmt.Errorf("store signing key: %w", err)
	}
	return e.keyInfo(k), nil
}

// SigningKeyList lists every stored key, newest first.
func (e *Engine) SigningKeyList(ctx context.Context) ([]KeyInfo, error) {
	keys, err := e.store.SigningKeys(ctx)
	if err != nil {
		return nil, fmt.Errorf("signing keys: %w", err)
	}
	out := make([]KeyInfo, 0, len(keys))
	for i := range keys {
		out = append(out, *e.keyInfo(&keys[i]))
	}
	return out, nil
}

// RemoveSigningKey deletes a retired key at once (tokens it signed stop verifying). The key
// that signs cannot be removed: rotate first.
func (e *Engine) RemoveSigningKey(ctx context.Context, kid string) error {
	keys, err := e.store.SigningKeys(ctx)
	if err != nil {
		return fmt.Errorf("signing keys: %w", err)
	}
	if k := activeKey(keys); k != nil && k.ID == kid {
		return invalid("key %q signs new tokens; run `oauthd keys rotate` first", kid)
	}
	if err := e.store.DeleteSigningKey(ctx, kid); err != nil {
		if errors.Is(err, models.ErrNotFound) {
			return unknown("no signing key %q", kid)
		}
		return fmt.Errorf("remove signing key: %w", err)
	}
	return nil
}

// JWKS is the public key set: the signing key and the retired keys still within retention.
func (e *Engine) JWKS(ctx context.Context) (*jose.JSONWebKeySet, error) {
	keys, err := e.store.SigningKeys(ctx)
	if err != nil {
		return nil, unavailable(err)
	}
	set := &jose.JSONWebKeySet{Keys: []jose.JSONWebKey{}}
	for i := range keys {
		if !e.published(&keys[i]) {
			continue
		}
		var jwk jose.JSONWebKey
		if err := json.Unmarshal([]byte(keys[i].PublicJWK), &jwk); err != nil {
			return nil, unavailable(fmt.Errorf("signing key %s: %w", keys[i].ID, err))
		}
		set.Keys = append(set.Keys, jwk)
	}
	return set, nil
}

func (e *Engine) published(k *models.SigningKey) bool {
	return k.RetiredAt == 0 || e.now().Unix() < k.RetiredAt+int64(e.opt.OIDC.KeyRetention/time.Second)
}

func (e *Engine) keyInfo(k *models.SigningKey) *KeyInfo {
	info := &KeyInfo{ID: k.ID, Alg: k.Alg, CreatedAt: time.Unix(k.CreatedAt, 0).UTC(), Published: e.published(k)}
	if k.RetiredAt != 0 {
		info.RetiredAt = time.Unix(k.RetiredAt, 0).UTC()
	}
	return info
}

// activeKey is the key that signs: the newest unretired one (keys come newest first).
func activeKey(keys []models.SigningKey) *models.SigningKey {
	for i := range keys {
		if keys[i].RetiredAt == 0 {
			return &keys[i]
		}
	}
	return nil
}

// GenerateKey makes a key pair for a signing key of alg (RS256: RSA-2048, ES256: P-256).
func GenerateKey(alg string) (crypto.Signer, error) {
	var priv crypto.Signer
	var err error
	switch alg {
	case AlgRS256:
		priv, err = rsa.GenerateKey(rand.Reader, 2048)
	case AlgES256:
		priv, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	default:
		return nil, fmt.Errorf("unsupported signing algorithm %q", alg)
	}
	if err != nil {
		return nil, fmt.Errorf("generate %s key: %w", alg, err)
	}
	return priv, nil
}

// newSigningKey stores a key pair from newKey for alg; the kid is the public key's RFC 7638
// thumbprint.
func newSigningKey(alg string, newKey func(string) (crypto.Signer, error), sealer *Sealer,
	now time.Time) (*models.SigningKey, error) {
	priv, err := newKey(alg)
	if err != nil {
		return nil, err
	}
	pub := jose.JSONWebKey{Key: priv.Public(), Algorithm: alg, Use: "sig"}
	thumb, err := pub.Thumbprint(crypto.SHA256)
	if err != nil {
		return nil, fmt.Errorf("key thumbprint: %w", err)
	}
	pub.KeyID = base64.RawURLEncoding.EncodeToString(thumb)
	pubJSON, err := json.Marshal(pub)
	if err != nil {
		return nil, fmt.Errorf("encode public key: %w", err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		return nil, fmt.Errorf("encode private key: %w", err)
	}
	return &models.SigningKey{ID: pub.KeyID, Alg: alg, PublicJWK: string(pubJSON),
		PrivateSealed: sealer.Seal(der, "signing-key:"+pub.KeyID), CreatedAt: now.Unix()}, nil
}

// signer returns a JOSE signer for the key that signs now. Which key that is, is read on
// every call (one row of a table of a few), so a rotation through any instance takes effect
// everywhere at once; opened keys are cached by kid, since a key never changes once stored.
func (e *Engine) signer(ctx context.Context) (jose.Signer, error) {
	if e.opt.OIDC.Sealer == nil {
		return nil, ErrNoSealer
	}
	keys, err := e.store.SigningKeys(ctx)
	if err != nil {
		return nil, err
	}
	k := activeKey(keys)
	if k == nil {
		return nil, errors.New("no signing key: run `oauthd keys rotate`")
	}
	if s, ok := e.signers.Load(k.ID); ok {
		return s.(jose.Signer), nil
	}
	der, err := e.opt.OIDC.Sealer.Open(k.PrivateSealed, "signing-key:"+k.ID)
	if err != nil {
		return nil, fmt.Errorf("signing key %s: %w", k.ID, err)
	}
	priv, err := x509.ParsePKCS8PrivateKey(der)
	if err != nil {
		return nil, fmt.Errorf("signing key %s: %w", k.ID, err)
	}
	s, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.SignatureAlgorithm(k.Alg),
		Key: jose.JSONWebKey{Key: priv, KeyID: k.ID}}, (&jose.SignerOptions{}).WithType("JWT"))
	if err != nil {
		return nil, fmt.Errorf("signing key %s: %w", k.ID, err)
	}
	e.signers.Store(k.ID, s)
	return s, nil
}
