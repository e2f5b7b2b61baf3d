package core

import (
	"context"

	"golang.org/x/crypto/bcrypt"

	"oauthd/compat"
	"oauthd/models"
)

// verifyAndRehash verifies a password against the user's stored hash and, when the hash is an
// imported one (passlib's pbkdf2 or argon2 from Frappe or Odoo), replaces it with a bcrypt hash
// of oauthd's cost on the first success, so the imported hash is used once at most per user. A
// hash oauthd cannot read (an unknown scheme, or beyond compat's cost bounds) never matches;
// it costs a dummy comparison, so its failure looks like any other, as does a nil user (an
// unknown login).
func (e *Engine) verifyAndRehash(ctx context.Context, u *models.User, password string) bool {
	if u == nil {
		_ = bcrypt.CompareHashAndPassword(e.dummyHash, []byte(password))
		return false
	}
	h, err := compat.ParsePasswordHash(u.PasswordHash, e.opt.BcryptCost)
	if err != nil {
		_ = bcrypt.CompareHashAndPassword(e.dummyHash, []byte(password))
		return false
	}
	if !h.Verify(password) {
		return false
	}
	if h.Scheme() != compat.SchemeBcrypt {
		e.rehash(ctx, u, password)
	}
	return true
}

// rehash stores a bcrypt hash of a just-verified password in place of the imported hash. The
// update is conditional on the old hash, so two concurrent logins write once; a failure only
// means the imported hash is checked again next time.
func (e *Engine) rehash(ctx context.Context, u *models.User, password string) {
	hash, err := bcrypt.GenerateFromPassword([]byte(password), e.opt.BcryptCost)
	if err != nil {
		return // longer than bcrypt's 72 bytes: keep verifying the imported hash
	}
	if e.store.ReplacePasswordHash(ctx, u.ID, u.PasswordHash, string(hash)) == nil {
		u.PasswordHash = string(hash)
	}
}
