package store

import (
	"context"

	"oauthd/models"
)

// CreateUser inserts u and sets its ID (see models.Users).
func (s *Store) CreateUser(ctx context.Context, u *models.User) error {
	row := userIn(u)
	if err := created(s.w.WithContext(ctx).Create(row).Error, "create user"); err != nil {
		return err
	}
	u.ID = row.ID
	return nil
}

// UserByEmail finds a user by exact email. MariaDB's default collation compares
// "alicé@example.com" equal to "alice@example.com" (accents and case folded), so the row the
// database found is compared again byte for byte: another spelling is not that user.
func (s *Store) UserByEmail(ctx context.Context, email string) (*models.User, error) {
	var u User
	err := s.db.WithContext(ctx).Where("email = ?", email).Take(&u).Error
	if err == nil && u.Email != email {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, found(err, "user by email")
	}
	return userOut(&u), nil
}

// UserByID finds a user by primary key.
func (s *Store) UserByID(ctx context.Context, id uint) (*models.User, error) {
	var u User
	if err := s.db.WithContext(ctx).Take(&u, id).Error; err != nil {
		return nil, found(err, "user by id")
	}
	return userOut(&u), nil
}

// ReplacePasswordHash sets a user's password hash if it still is old (a conditional UPDATE:
// of two concurrent re-hashes, one writes).
func (s *Store) ReplacePasswordHash(ctx context.Context, id uint, old, hash string) error {
	err := s.w.WithContext(ctx).Model(&User{}).Where("id = ? AND password_hash = ?", id, old).
		Update("password_hash", hash).Error
	return found(err, "replace password hash")
}
