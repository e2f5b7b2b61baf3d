package store

import (
	"context"

	"oauthd/models"
)

// SigningKey is one of the server's id_token signing keys. ID is the JWK "kid". The private
// key is stored only sealed (AES-GCM under keys.encryption_secret, see core/keys.go); the
// public key is the JWK served at /.well-known/jwks.json.
type SigningKey struct {
	ID            string `gorm:"primaryKey;size:64"`
	Alg           string `gorm:"size:8;not null"`
	PublicJWK     string `gorm:"type:text;not null"`
	PrivateSealed string `gorm:"type:text;not null"`
	CreatedAt     int64  `gorm:"autoCreateTime:false;not null"`
	RetiredAt     int64  `gorm:"not null;default:0"` // 0: may sign; else only published until tokens expire
}

// CreateSigningKey inserts a key and retires every other active key in one transaction, so
// that from now on exactly this key signs.
func (s *Store) CreateSigningKey(ctx context.Context, k *models.SigningKey) error {
	return s.inTx(ctx, func(tx *Store) error {
		err := tx.w.Model(&SigningKey{}).Where("retired_at = 0").Update("retired_at", k.CreatedAt).Error
		if err != nil {
			return found(err, "retire signing keys")
		}
		return created(tx.w.Create((*SigningKey)(k)).Error, "create signing key")
	})
}

// SigningKeys lists every stored key: the one that signs first, then the others newest first
// (a rotation within the second a key was made still sorts the new key first).
func (s *Store) SigningKeys(ctx context.Context) ([]models.SigningKey, error) {
	var ks []SigningKey
	err := s.db.WithContext(ctx).
		Order("CASE WHEN retired_at = 0 THEN 0 ELSE 1 END, created_at DESC, retired_at DESC, id").Find(&ks).Error
	if err != nil {
		return nil, found(err, "list signing keys")
	}
	return each(ks, func(k *SigningKey) *models.SigningKey { return (*models.SigningKey)(k) }), nil
}

// DeleteSigningKey removes a key; ErrNotFound if absent.
func (s *Store) DeleteSigningKey(ctx context.Context, id string) error {
	res := s.w.WithContext(ctx).Where("id = ?", id).Delete(&SigningKey{})
	if res.Error != nil {
		return found(res.Error, "delete signing key")
	}
	if res.RowsAffected == 0 {
		return ErrNotFound
	}
	return nil
}
