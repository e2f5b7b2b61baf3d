package store

import (
	"context"

	"gorm.io/gorm/clause"

	"oauthd/models"
)

// ImportRecord remembers what `oauthd import` last read from a Frappe or Odoo row, as a
// fingerprint (SHA-256 of the row's mapped fields). A re-run compares fingerprints, so it
// leaves alone what did not change at the source, even when oauthd changed it since (a
// password re-hashed at login, a secret rotated), and updates what did.
type ImportRecord struct {
	Source      string `gorm:"primaryKey;size:16"` // frappe | odoo
	Kind        string `gorm:"primaryKey;size:16"` // user | client
	Key         string `gorm:"primaryKey;size:191"`
	Fingerprint string `gorm:"size:64;not null"`
	ImportedAt  int64  `gorm:"not null"`
}

// ImportRecordsOf returns the records of one source and kind, by key.
func (s *Store) ImportRecordsOf(ctx context.Context, source, kind string) (map[string]string, error) {
	var rs []ImportRecord
	if err := s.db.WithContext(ctx).Where("source = ? AND kind = ?", source, kind).Find(&rs).Error; err != nil {
		return nil, found(err, "import records")
	}
	m := make(map[string]string, len(rs))
	for _, r := range rs {
		m[r.Key] = r.Fingerprint
	}
	return m, nil
}

// SaveImportRecord inserts or replaces a record.
func (s *Store) SaveImportRecord(ctx context.Context, r *models.ImportRecord) error {
	err := s.w.WithContext(ctx).Clauses(clause.OnConflict{UpdateAll: true}).Create((*ImportRecord)(r)).Error
	return found(err, "save import record")
}

// TokenRows reads the token rows among ids, by digest.
func (s *Store) TokenRows(ctx context.Context, ids []string) (map[string]models.Token, error) {
	var ts []Token
	if err := s.db.WithContext(ctx).Where("id IN ?", ids).Find(&ts).Error; err != nil {
		return nil, found(err, "token rows")
	}
	m := make(map[string]models.Token, len(ts))
	for _, t := range ts {
		m[t.ID] = models.Token(t)
	}
	return m, nil
}

// RevokeToken revokes one still-active token.
func (s *Store) RevokeToken(ctx context.Context, id string, now int64) error {
	err := s.w.WithContext(ctx).Model(&Token{}).Where("id = ? AND revoked_at = 0", id).Update("revoked_at", now).Error
	return found(err, "revoke token")
}
