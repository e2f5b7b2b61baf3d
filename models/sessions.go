package models

import "context"

// CreateSession inserts a browser session.
func (s *Store) CreateSession(ctx context.Context, sess *Session) error {
	return created(s.w.WithContext(ctx).Create(sess).Error, "create session")
}

// SessionUser is a live session's user and when that session was opened (the login time).
type SessionUser struct {
	User
	LoginAt int64
}

// SessionByID reads a session that has not expired at now, with its user.
func (s *Store) SessionByID(ctx context.Context, id string, now int64) (*SessionUser, error) {
	var u SessionUser
	err := s.db.WithContext(ctx).Table("users").Select("users.*, sessions.created_at AS login_at").
		Joins("JOIN sessions ON sessions.user_id = users.id").
		Where("sessions.id = ? AND sessions.expires_at > ?", id, now).Take(&u).Error
	return &u, found(err, "session by id")
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
