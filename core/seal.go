package core

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
)

// MinSealSecretLength is the shortest keys.encryption_secret accepted.
const MinSealSecretLength = 32

// Sealer encrypts the few secrets oauthd must be able to read back (signing keys' private
// parts, the secrets of HS256 clients) with AES-256-GCM. The key is derived from
// keys.encryption_secret with HKDF-SHA256, and each value is bound to what it is (the
// additional data names the row), so a sealed value copied into another row does not open.
type Sealer struct{ aead cipher.AEAD }

// NewSealer derives the sealing key from secret.
func NewSealer(secret string) (*Sealer, error) {
	if len(secret) < MinSealSecretLength {
		return nil, fmt.Errorf("keys.encryption_secret must be at least %d characters", MinSealSecretLength)
	}
	key, err := hkdf.Key(sha256.New, []byte(secret), nil, "oauthd sealed secrets v1", 32)
	if err != nil {
		return nil, fmt.Errorf("derive sealing key: %w", err)
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("sealing cipher: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("sealing cipher: %w", err)
	}
	return &Sealer{aead: aead}, nil
}

// Seal encrypts plain for the row named by label: base64url(nonce || ciphertext).
func (s *Sealer) Seal(plain []byte, label string) string {
	nonce := make([]byte, s.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		panic("crypto/rand failed: " + err.Error()) // the OS RNG never fails on supported platforms
	}
	return base64.RawURLEncoding.EncodeToString(s.aead.Seal(nonce, nonce, plain, []byte(label)))
}

var errSealed = errors.New("sealed value does not open: wrong keys.encryption_secret or a damaged row")

// Open decrypts a value sealed for label.
func (s *Sealer) Open(sealed, label string) ([]byte, error) {
	raw, err := base64.RawURLEncoding.DecodeString(sealed)
	if err != nil || len(raw) < s.aead.NonceSize() {
		return nil, errSealed
	}
	n := s.aead.NonceSize()
	plain, err := s.aead.Open(nil, raw[:n], raw[n:], []byte(label))
	if err != nil {
		return nil, errSealed
	}
	return plain, nil
}

// NewSealSecret returns a fresh random secret for keys.encryption_secret (64 characters).
func NewSealSecret() string { return NewToken() + NewToken()[:24] }
