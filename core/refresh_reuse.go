package core

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"oauthd/models"
)

// A rotating refresh that is retried (two threads of one app, a response lost on the way)
// presents the just-rotated refresh token again. Within Options.RefreshReuseInterval of the
// rotation that is not an attack but a retry, and it gets the very pair the rotation issued,
// so the grant keeps one live chain and nobody is logged out. The pair is kept on the old
// token's row sealed with AES-GCM under a key derived from the old token's PLAINTEXT, which
// the database never holds: a database dump cannot open it, only the holder of the old token
// can, and that holder received the pair anyway.

var errSuccessorSeal = errors.New("successor pair cannot be opened")

// successor is the sealed content: the pair and what a response needs besides.
type successor struct {
	Access    string `json:"a"`
	Refresh   string `json:"r"`
	ExpiresAt int64  `json:"e"` // access token, Unix seconds
	Scope     string `json:"s"`
}

// successorKey derives the sealing key from the old refresh token's plaintext. The stored
// digest is SHA-256 of the same plaintext, so the key uses HMAC with a purpose label instead.
func successorKey(oldRefresh string) []byte {
	m := hmac.New(sha256.New, []byte(oldRefresh))
	m.Write([]byte("oauthd refresh successor v1"))
	return m.Sum(nil)
}

func successorAEAD(oldRefresh string) (cipher.AEAD, error) {
	block, err := aes.NewCipher(successorKey(oldRefresh))
	if err != nil {
		return nil, fmt.Errorf("successor cipher: %w", err)
	}
	return cipher.NewGCM(block)
}

// sealSuccessor seals the pair that replaces oldRefresh; the token digest is the associated
// data, so a sealed pair cannot be moved to another row.
func sealSuccessor(oldRefresh string, is *issue) ([]byte, error) {
	aead, err := successorAEAD(oldRefresh)
	if err != nil {
		return nil, err
	}
	plain, err := json.Marshal(successor{Access: is.accessPlain, Refresh: is.refreshPlain,
		ExpiresAt: is.access.ExpiresAt, Scope: is.access.Scope})
	if err != nil {
		return nil, fmt.Errorf("seal successor: %w", err)
	}
	nonce := make([]byte, aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return nil, fmt.Errorf("seal successor: %w", err)
	}
	return aead.Seal(nonce, nonce, plain, []byte(Digest(oldRefresh))), nil
}

func openSuccessor(oldRefresh string, sealed []byte) (*successor, error) {
	aead, err := successorAEAD(oldRefresh)
	if err != nil {
		return nil, err
	}
	if len(sealed) < aead.NonceSize() {
		return nil, errSuccessorSeal
	}
	plain, err := aead.Open(nil, sealed[:aead.NonceSize()], sealed[aead.NonceSize():], []byte(Digest(oldRefresh)))
	if err != nil {
		return nil, errSuccessorSeal
	}
	var s successor
	if err := json.Unmarshal(plain, &s); err != nil {
		return nil, errSuccessorSeal
	}
	return &s, nil
}

// withinReuse reports whether a rotated token is still inside the reuse interval.
func (e *Engine) withinReuse(t *models.TokenOwner, now time.Time) bool {
	return e.opt.RefreshReuseInterval > 0 && t.RotatedAt != 0 && len(t.Successor) > 0 &&
		now.Sub(time.Unix(t.RotatedAt, 0)) < e.opt.RefreshReuseInterval
}

// reuseSuccessor answers a retry within the reuse interval with the pair the rotation issued,
// as long as that pair's refresh token is itself still live. Once the chain has moved on (the
// successor was rotated in turn) the old token is no longer the just-rotated one, and presenting
// it is reuse: the grant is revoked. A successor revoked, expired or disabled is simply refused.
func (e *Engine) reuseSuccessor(ctx context.Context, old *models.TokenOwner, presented string, now time.Time) (*TokenResult, error) {
	s, err := openSuccessor(presented, old.Successor)
	if err != nil {
		return nil, errRefreshInvalid
	}
	next, err := e.store.TokenByID(ctx, Digest(s.Refresh))
	if err := lookup(err, errRefreshInvalid); err != nil {
		return nil, err
	}
	if next.RotatedAt != 0 {
		return nil, e.refreshReused(ctx, old.GrantID, now)
	}
	if next.RevokedAt != 0 || expired(next.ExpiresAt, now) || !next.Enabled || !next.ClientExists {
		return nil, errRefreshInvalid
	}
	res := &TokenResult{AccessToken: s.Access, RefreshToken: s.Refresh, Scope: s.Scope,
		ClientID: old.ClientID, UserID: old.UserID}
	if s.ExpiresAt != 0 {
		res.ExpiresAt = time.Unix(s.ExpiresAt, 0).UTC()
		res.ExpiresIn = max(int64(res.ExpiresAt.Sub(now)/time.Second), 1)
	}
	return res, nil
}
