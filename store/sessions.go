package store

import (
	"context"

	"oauthd/models"
)

// CreateSession inserts a browser session.
func (s *Store) CreateSession(ctx context.Context, sess *models.Session) error {
	return created(s.w.WithContext(ctx).Create((*Session)(sess)).Error, "create session")
}

// sessionUser is a row of SessionByID.
type sessionUser struct {
	User
	LoginAt int64
}

// SessionByID reads a session that has not expired at now, with its user.
func (s *Store) SessionByID(ctx context.Context, id string, now int64) (*models.SessionUser, error) {
	var u sessionUser
	err := s.db.WithContext(ctx).Table("users").Select("users.*, sessions.created_at AS login_at").
		Joins("JOIN sessions ON sessions.user_id = users.id").
		Where("sessions.id = ? AND sessions.expires_at > ?", id, now).Take(&u).Error
	if err != nil {
		return nil, found(err, "session by id")
	}
	return &models.SessionUser{User: *userOut(&u.User), LoginAt: u.LoginAt}, nil
}

// DeleteSession ends a session; deleting an absent one is not an error.
func (s *Store) DeleteSession(ctx context.Context, id string) error {
	return found(s.w.WithContext(ctx).Where("id = ?", id).Delete(&Session{}).Error, "delete session")
}

// TrimSessions keeps a user's keep newest sessions and deletes the others.
func (s *Store) TrimSessions(ctx context.Context, userID uint, keep int) error {
	var old []string
	err := s.w.WithContext(ctx).Model(&Session{}).Where("user_id = ?", userID).
		Order("created_at DESC, id DESC").Offset(keep).Limit(1000).Pluck("id", &old).Error
	if err != nil || len(old) == 0 {
		return found(err, "list old sessions")
	}
	return found(s.w.WithContext(ctx).Where("id IN ?", old).Delete(&Session{}).Error, "trim sessions")
}
