package store

import (
	"context"

	"oauthd/models"
)

// AdminToken lets its holder use the admin API and page; ID is the token's digest.
type AdminToken struct {
	ID         string `gorm:"primaryKey;size:64"`
	Name       string `gorm:"size:191;not null;uniqueIndex"`
	CreatedAt  int64  `gorm:"autoCreateTime:false;not null"`
	LastUsedAt int64  `gorm:"not null"`
}

// CreateAdminToken inserts t; ErrConflict when the name is taken.
func (s *Store) CreateAdminToken(ctx context.Context, t *models.AdminToken) error {
	return created(s.w.WithContext(ctx).Create((*AdminToken)(t)).Error, "create admin token")
}

// AdminTokenByID reads an admin token by digest.
func (s *Store) AdminTokenByID(ctx context.Context, id string) (*models.AdminToken, error) {
	var t AdminToken
	if err := s.db.WithContext(ctx).Where("id = ?", id).Take(&t).Error; err != nil {
		return nil, found(err, "admin token")
	}
	return (*models.AdminToken)(&t), nil
}

// ListAdminTokens returns every admin token, oldest first.
func (s *Store) ListAdminTokens(ctx context.Context) ([]models.AdminToken, error) {
	var ts []AdminToken
	if err := s.db.WithContext(ctx).Order("created_at, name").Find(&ts).Error; err != nil {
		return nil, found(err, "list admin tokens")
	}
	return each(ts, func(t *AdminToken) *models.AdminToken { return (*models.AdminToken)(t) }), nil
}

// DeleteAdminToken removes the admin token of that exact name, with the admin page's sessions
// signed in with it; ErrNotFound if absent.
func (s *Store) DeleteAdminToken(ctx context.Context, name string) error {
	return s.inTx(ctx, func(tx *Store) error {
		var t AdminToken
		if err := found(tx.w.Where("name = ?", name).Take(&t).Error, "delete admin token"); err != nil {
			return err
		}
		if t.Name != name { // MySQL's collation also matches another case or trailing spaces
			return ErrNotFound
		}
		if err := tx.w.Where("token_id = ?", t.ID).Delete(&AdminSession{}).Error; err != nil {
			return found(err, "delete admin sessions")
		}
		return found(tx.w.Where("id = ?", t.ID).Delete(&AdminToken{}).Error, "delete admin token")
	})
}

// AdminSession is a browser signed in to the admin page; ID is the digest of its cookie, a
// handle of its own, so that the cookie never holds the admin token itself.
type AdminSession struct {
	ID        string `gorm:"primaryKey;size:64"`
	TokenID   string `gorm:"size:64;not null;index"` // the admin token it was signed in with
	CreatedAt int64  `gorm:"autoCreateTime:false;not null"`
	ExpiresAt int64  `gorm:"not null;index"`
}

// CreateAdminSession inserts sess and deletes the sessions that expired before now.
func (s *Store) CreateAdminSession(ctx context.Context, sess *models.AdminSession, now int64) error {
	return s.inTx(ctx, func(tx *Store) error {
		if err := tx.w.Where("expires_at <= ?", now).Delete(&AdminSession{}).Error; err != nil {
			return found(err, "delete expired admin sessions")
		}
		return created(tx.w.Create((*AdminSession)(sess)).Error, "create admin session")
	})
}

// AdminSessionToken reads the admin token of a session that has not expired at now;
// ErrNotFound when the session is unknown or expired, or its token was revoked.
func (s *Store) AdminSessionToken(ctx context.Context, id string, now int64) (*models.AdminToken, error) {
	var t AdminToken
	err := s.db.WithContext(ctx).Table("admin_tokens").Select("admin_tokens.*").
		Joins("JOIN admin_sessions ON admin_sessions.token_id = admin_tokens.id").
		Where("admin_sessions.id = ? AND admin_sessions.expires_at > ?", id, now).Take(&t).Error
	if err != nil {
		return nil, found(err, "admin session")
	}
	return (*models.AdminToken)(&t), nil
}

// DeleteAdminSession ends a session; deleting an absent one is not an error.
func (s *Store) DeleteAdminSession(ctx context.Context, id string) error {
	return found(s.w.WithContext(ctx).Where("id = ?", id).Delete(&AdminSession{}).Error, "delete admin session")
}

// TouchAdminToken records a use, at most once a minute per token.
func (s *Store) TouchAdminToken(ctx context.Context, id string, now int64) error {
	err := s.w.WithContext(ctx).Model(&AdminToken{}).Where("id = ? AND last_used_at < ?", id, now-60).
		Update("last_used_at", now).Error
	return found(err, "touch admin token")
}

// ListTokens returns tokens, newest first.
func (s *Store) ListTokens(ctx context.Context, f models.TokenFilter) ([]models.Token, error) {
	q := s.db.WithContext(ctx).Model(&Token{})
	if f.UserID != 0 {
		q = q.Where("user_id = ?", f.UserID)
	}
	if f.ClientID != "" {
		q = q.Where("client_id = ?", f.ClientID)
	}
	if f.Live {
		q = q.Where("revoked_at = 0 AND (expires_at = 0 OR expires_at > ?)", f.Now)
	}
	var ts []Token
	if err := q.Order("issued_at DESC, id").Limit(f.Limit).Find(&ts).Error; err != nil {
		return nil, found(err, "list tokens")
	}
	return each(ts, tokenOut), nil
}

// RevokeClientTokens revokes every active token of a client and says how many.
func (s *Store) RevokeClientTokens(ctx context.Context, clientID string, now int64) (int64, error) {
	res := s.w.WithContext(ctx).Model(&Token{}).Where("client_id = ? AND revoked_at = 0", clientID).
		Update("revoked_at", now)
	return res.RowsAffected, found(res.Error, "revoke client tokens")
}
