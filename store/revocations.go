package store

import (
	"context"

	"oauthd/models"
)

// Revocation is one row of the revocation feed: an append-only log of what was revoked (a
// token, a grant, every token of a user or of a client), which every instance polls so that a
// revocation made anywhere reaches every instance's bearer cache. AtMS is Unix milliseconds.
type Revocation struct {
	ID       uint64 `gorm:"primaryKey;autoIncrement"`
	TokenID  string `gorm:"size:64;not null"`
	GrantID  string `gorm:"size:64;not null"`
	UserID   uint   `gorm:"not null"`
	ClientID string `gorm:"size:191;not null"`
	AtMS     int64  `gorm:"not null;index"`
}

// AddRevocation appends to the feed.
func (s *Store) AddRevocation(ctx context.Context, r *models.Revocation) error {
	return created(s.w.WithContext(ctx).Create((*Revocation)(r)).Error, "add revocation")
}

// RevocationsSince lists the feed rows written at or after since (Unix ms), at most limit.
func (s *Store) RevocationsSince(ctx context.Context, since int64, limit int) ([]models.Revocation, error) {
	var rs []Revocation
	if err := s.db.WithContext(ctx).Where("at_ms >= ?", since).Order("at_ms, id").Limit(limit).Find(&rs).Error; err != nil {
		return nil, found(err, "revocations since")
	}
	return each(rs, func(r *Revocation) *models.Revocation { return (*models.Revocation)(r) }), nil
}

// PurgeRevocations deletes feed rows written before cutoff (Unix ms).
func (s *Store) PurgeRevocations(ctx context.Context, cutoff int64) error {
	return found(s.w.WithContext(ctx).Where("at_ms < ?", cutoff).Delete(&Revocation{}).Error, "purge revocations")
}
