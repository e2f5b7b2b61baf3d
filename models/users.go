package models

import "context"

// CreateUser inserts u; ErrConflict when the email is taken.
func (s *Store) CreateUser(ctx context.Context, u *User) error {
	return created(s.w.WithContext(ctx).Create(u).Error, "create user")
}

// UserByEmail finds a user by exact email. MariaDB's default collation compares
// "alicé@example.com" equal to "alice@example.com" (accents and case folded), so the row the
// database found is compared again byte for byte: another spelling is not that user.
func (s *Store) UserByEmail(ctx context.Context, email string) (*User, error) {
	var u User
	err := s.db.WithContext(ctx).Where("email = ?", email).Take(&u).Error
	if err == nil && u.Email != email {
		return nil, ErrNotFound
	}
	return &u, found(err, "user by email")
}

// UserByID finds a user by primary key.
func (s *Store) UserByID(ctx context.Context, id uint) (*User, error) {
	var u User
	err := s.db.WithContext(ctx).Take(&u, id).Error
	return &u, found(err, "user by id")
}

// ReplacePasswordHash sets a user's password hash if it still is old (a conditional UPDATE:
// of two concurrent re-hashes, one writes).
func (s *Store) ReplacePasswordHash(ctx context.Context, id uint, old, hash string) error {
	err := s.w.WithContext(ctx).Model(&User{}).Where("id = ? AND password_hash = ?", id, old).
		Update("password_hash", hash).Error
	return found(err, "replace password hash")
}
