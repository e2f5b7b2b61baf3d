package models

import (
	"context"

	"gorm.io/gorm/clause"
)

// SaveConsent records a user's consent for a client, replacing the scopes of an earlier one.
func (s *Store) SaveConsent(ctx context.Context, c *Consent) error {
	err := s.w.WithContext(ctx).Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "user_id"}, {Name: "client_id"}},
		DoUpdates: clause.AssignmentColumns([]string{"scope", "granted_at"}),
	}).Create(c).Error
	return found(err, "save consent")
}

// ConsentScope returns the scopes a user last approved for a client, or ErrNotFound.
func (s *Store) ConsentScope(ctx context.Context, userID uint, clientID string) (string, error) {
	var c Consent
	err := s.db.WithContext(ctx).Where("user_id = ? AND client_id = ?", userID, clientID).Take(&c).Error
	return c.Scope, found(err, "consent")
}
