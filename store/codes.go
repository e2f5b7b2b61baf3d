package store

import (
	"context"

	"oauthd/models"
)

// CreateCode inserts an authorization code.
func (s *Store) CreateCode(ctx context.Context, c *models.AuthorizationCode) error {
	return created(s.w.WithContext(ctx).Create((*AuthorizationCode)(c)).Error, "create code")
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
func (s *Store) CodeByID(ctx context.Context, id string) (*models.AuthorizationCode, error) {
	var c AuthorizationCode
	if err := s.db.WithContext(ctx).Where("id = ?", id).Take(&c).Error; err != nil {
		return nil, found(err, "code by id")
	}
	return (*models.AuthorizationCode)(&c), nil
}

// codeUserColumns are the user's columns in CodeWithUser, prefixed so they cannot collide with
// the code's.
const codeUserColumns = "u.id AS u_id, u.email AS u_email, u.full_name AS u_full_name, " +
	"u.first_name AS u_first_name, u.last_name AS u_last_name, u.password_hash AS u_password_hash, " +
	"u.enabled AS u_enabled, u.roles AS u_roles, u.subject AS u_subject, u.created_at AS u_created_at"

// codeWithUser is one row of CodeWithUser.
type codeWithUser struct {
	AuthorizationCode `gorm:"embedded"`
	User              User `gorm:"embedded;embeddedPrefix:u_"`
}

// CodeWithUser reads a code by digest together with its user, in one statement: a code exchange
// needs both, and a statement fewer is a round trip fewer on every exchange. The user is nil when
// it no longer exists.
func (s *Store) CodeWithUser(ctx context.Context, id string) (*models.AuthorizationCode, *models.User, error) {
	var row codeWithUser
	res := s.db.WithContext(ctx).Raw("SELECT c.*, "+codeUserColumns+" FROM authorization_codes c "+
		"LEFT JOIN users u ON u.id = c.user_id WHERE c.id = ?", id).Scan(&row)
	if res.Error != nil {
		return nil, nil, found(res.Error, "code with user") // a NUL byte PostgreSQL refuses: not found
	}
	if res.RowsAffected == 0 {
		return nil, nil, ErrNotFound
	}
	code := (*models.AuthorizationCode)(&row.AuthorizationCode)
	if row.User.ID == 0 {
		return code, nil, nil
	}
	return code, userOut(&row.User), nil
}
