package store

import (
	"context"
	"strings"

	"oauthd/models"

	"gorm.io/gorm/clause"
)

// ListUsers returns one page of users, oldest first, and how many match in all.
func (s *Store) ListUsers(ctx context.Context, f models.UserFilter) ([]models.User, int64, error) {
	q := s.db.WithContext(ctx).Model(&User{})
	if f.Search != "" {
		like := "%" + escapeLike(strings.ToLower(f.Search)) + "%"
		q = q.Where("LOWER(email) LIKE ? ESCAPE '!' OR LOWER(full_name) LIKE ? ESCAPE '!'", like, like)
	}
	var total int64
	if err := q.Count(&total).Error; err != nil {
		return nil, 0, found(err, "count users")
	}
	var us []User
	if err := q.Order("id").Offset(f.Offset).Limit(f.Limit).Find(&us).Error; err != nil {
		return nil, 0, found(err, "list users")
	}
	return each(us, userOut), total, nil
}

// escapeLike makes % and _ in a search term match themselves.
func escapeLike(s string) string {
	return strings.NewReplacer("!", "!!", "%", "!%", "_", "!_").Replace(s)
}

// UpdateUser reads, changes and writes one user in a transaction (see models.Users).
func (s *Store) UpdateUser(ctx context.Context, id uint, update func(*models.User) error) error {
	return s.inTx(ctx, func(tx *Store) error {
		var cur User
		// FOR UPDATE: two concurrent updates run one after the other, each on what the other wrote.
		if err := tx.w.Clauses(clause.Locking{Strength: clause.LockingStrengthUpdate}).Take(&cur, id).Error; err != nil {
			return found(err, "update user")
		}
		u := userOut(&cur)
		if err := update(u); err != nil {
			return err
		}
		row := userIn(u)
		row.ID = cur.ID
		return created(tx.w.Model(row).Select("*").Omit("id", "created_at").Updates(row).Error, "update user")
	})
}

// CutOffUser revokes every active token of a user at now and deletes the user's sessions and
// unused codes, in one transaction: what disabling or removing a user must take away.
func (s *Store) CutOffUser(ctx context.Context, userID uint, now int64) error {
	return s.inTx(ctx, func(tx *Store) error {
		if err := tx.w.Model(&Token{}).Where("user_id = ? AND revoked_at = 0", userID).
			Update("revoked_at", now).Error; err != nil {
			return found(err, "revoke user tokens")
		}
		for _, m := range []any{&Session{}, &AuthorizationCode{}} {
			if err := tx.w.Where("user_id = ?", userID).Delete(m).Error; err != nil {
				return found(err, "delete user rows")
			}
		}
		return nil
	})
}

// DeleteUser removes a user with their codes, tokens, consents and sessions; clients they
// owned lose their owner. ErrNotFound if absent.
func (s *Store) DeleteUser(ctx context.Context, id uint) error {
	return s.inTx(ctx, func(tx *Store) error {
		res := tx.w.Where("id = ?", id).Delete(&User{})
		if res.Error != nil {
			return found(res.Error, "delete user")
		}
		if res.RowsAffected == 0 {
			return ErrNotFound
		}
		for _, m := range []any{&AuthorizationCode{}, &Token{}, &Consent{}, &Session{}} {
			if err := tx.w.Where("user_id = ?", id).Delete(m).Error; err != nil {
				return found(err, "delete user rows")
			}
		}
		err := tx.w.Model(&Client{}).Where("owner_id = ?", id).Update("owner_id", nil).Error
		return found(err, "orphan user clients")
	})
}
