package models

import "context"

// CreateCode inserts an authorization code.
func (s *Store) CreateCode(ctx context.Context, c *AuthorizationCode) error {
	return created(s.w.WithContext(ctx).Create(c).Error, "create code")
}

// ConsumeCode marks the code used at now if it is still unused, and reports whether this call
// did so. One conditional UPDATE decides, so of any number of concurrent callers exactly one
// gets true (the database serialises the row update; no read-then-write race).
func (s *Store) ConsumeCode(ctx context.Context, id string, now int64) (bool, error) {
	res := s.w.WithContext(ctx).Model(&AuthorizationCode{}).
		Where("id = ? AND used_at = 0", id).Update("used_at", now)
	if res.Error != nil {
		return false, found(res.Error, "consume code")
	}
	return res.RowsAffected == 1, nil
}

// CodeByID reads a code by digest.
func (s *Store) CodeByID(ctx context.Context, id string) (*AuthorizationCode, error) {
	var c AuthorizationCode
	err := s.db.WithContext(ctx).Where("id = ?", id).Take(&c).Error
	return &c, found(err, "code by id")
}
