package store

import (
	"context"
	"maps"
	"slices"

	"gorm.io/gorm/clause"

	"oauthd/models"
)

// SaveConsent records a user's consent for a client, replacing the scopes of an earlier one.
func (s *Store) SaveConsent(ctx context.Context, c *models.Consent) error {
	err := s.w.WithContext(ctx).Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "user_id"}, {Name: "client_id"}},
		DoUpdates: clause.AssignmentColumns([]string{"scope", "granted_at"}),
	}).Create((*Consent)(c)).Error
	return found(err, "save consent")
}

// ConsentScope returns the scopes a user last approved for a client, or ErrNotFound.
func (s *Store) ConsentScope(ctx context.Context, userID uint, clientID string) (string, error) {
	var c Consent
	err := s.db.WithContext(ctx).Where("user_id = ? AND client_id = ?", userID, clientID).Take(&c).Error
	return c.Scope, found(err, "consent")
}

// ConnectedApps lists the clients that hold a user's consent or a token of theirs still live at
// now, by name. The rows are matched to the clients in Go, exactly: MySQL's collation would
// also join another case of a client id.
func (s *Store) ConnectedApps(ctx context.Context, userID uint, now int64) ([]models.ConnectedApp, error) {
	var consents []Consent
	if err := s.db.WithContext(ctx).Where("user_id = ?", userID).Find(&consents).Error; err != nil {
		return nil, found(err, "connected apps: consents")
	}
	var live []string
	err := s.db.WithContext(ctx).Model(&Token{}).Distinct("client_id").
		Where("user_id = ? AND revoked_at = 0 AND (expires_at = 0 OR expires_at > ?)", userID, now).
		Pluck("client_id", &live).Error
	if err != nil {
		return nil, found(err, "connected apps: tokens")
	}
	apps := map[string]*models.ConnectedApp{}
	for _, id := range live {
		apps[id] = &models.ConnectedApp{ClientID: id}
	}
	for _, c := range consents {
		apps[c.ClientID] = &models.ConnectedApp{ClientID: c.ClientID, Scope: c.Scope}
	}
	if len(apps) == 0 {
		return []models.ConnectedApp{}, nil
	}
	var clients []Client
	err = s.db.WithContext(ctx).Select("id", "name", "self_registered").Where("id IN ?", slices.Collect(maps.Keys(apps))).
		Order("name, id").Find(&clients).Error
	if err != nil {
		return nil, found(err, "connected apps: clients")
	}
	out := make([]models.ConnectedApp, 0, len(clients))
	for _, c := range clients {
		if app, ok := apps[c.ID]; ok {
			app.Name, app.SelfRegistered = c.Name, c.SelfRegistered
			out = append(out, *app)
		}
	}
	return out, nil
}

// RevokeUserClient takes a client's access to a user away, in one transaction: it forgets the
// user's consent for the client, revokes every still-active token of theirs it holds and
// deletes the codes it has not exchanged yet (a grant in the making).
func (s *Store) RevokeUserClient(ctx context.Context, userID uint, clientID string, now int64) error {
	return s.inTx(ctx, func(tx *Store) error {
		const mine = "user_id = ? AND client_id = ?"
		if err := tx.w.Where(mine, userID, clientID).Delete(&Consent{}).Error; err != nil {
			return found(err, "forget consent")
		}
		if err := tx.w.Where(mine+" AND used_at = 0", userID, clientID).Delete(&AuthorizationCode{}).Error; err != nil {
			return found(err, "delete unused codes")
		}
		err := tx.w.Model(&Token{}).Where(mine+" AND revoked_at = 0", userID, clientID).Update("revoked_at", now).Error
		return found(err, "revoke user tokens of client")
	})
}
