package models

import (
	"context"
	"errors"
	"fmt"

	"gorm.io/gorm"
)

// CreateClient inserts c with the browser origins it may call from (CORS); ErrConflict when
// the client id is taken.
func (s *Store) CreateClient(ctx context.Context, c *Client, origins ...string) error {
	return s.Tx(ctx, func(tx *Store) error {
		if err := created(tx.w.Create(c).Error, "create client"); err != nil {
			return err
		}
		rows := make([]ClientOrigin, 0, len(origins))
		for _, o := range origins {
			rows = append(rows, ClientOrigin{Origin: o, ClientID: c.ID})
		}
		if len(rows) == 0 {
			return nil
		}
		return created(tx.w.Create(&rows).Error, "create client origins")
	})
}

// OriginRegistered reports whether any client registered the browser origin (exact match:
// origins are stored lower-case, and MySQL's collation would also match other cases).
func (s *Store) OriginRegistered(ctx context.Context, origin string) (bool, error) {
	var o ClientOrigin
	err := s.db.WithContext(ctx).Where("origin = ?", origin).Take(&o).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("origin registered: %w", err)
	}
	return o.Origin == origin, nil
}

// ClientOrigins lists the browser origins a client registered.
func (s *Store) ClientOrigins(ctx context.Context, id string) ([]string, error) {
	out := []string{}
	err := s.db.WithContext(ctx).Model(&ClientOrigin{}).Where("client_id = ?", id).Order("origin").
		Pluck("origin", &out).Error
	return out, found(err, "client origins")
}

// ClientByID finds a client by its client_id, exactly: MySQL's default collation would also
// match another case or trailing spaces, and client ids are case-sensitive (RFC 6749 §2.2).
// The owner's enabled flag comes with it (OwnerEnabled).
func (s *Store) ClientByID(ctx context.Context, id string) (*Client, error) {
	var c Client
	err := s.db.WithContext(ctx).Table("clients").
		Select("clients.*, COALESCE(users.enabled, false) AS owner_enabled").
		Joins("LEFT JOIN users ON users.id = clients.owner_id").
		Where("clients.id = ?", id).Take(&c).Error
	if err == nil && c.ID != id {
		return &Client{}, ErrNotFound
	}
	return &c, found(err, "client by id")
}

// ListClients returns every client, oldest first.
func (s *Store) ListClients(ctx context.Context) ([]Client, error) {
	var cs []Client
	err := s.db.WithContext(ctx).Order("created_at, id").Find(&cs).Error
	return cs, found(err, "list clients")
}

// DeleteClient removes a client with its codes, tokens and consents; ErrNotFound if absent.
func (s *Store) DeleteClient(ctx context.Context, id string) error {
	return s.Tx(ctx, func(tx *Store) error {
		res := tx.w.Where("id = ?", id).Delete(&Client{})
		if res.Error != nil {
			return found(res.Error, "delete client")
		}
		if res.RowsAffected == 0 {
			return ErrNotFound
		}
		for _, m := range []any{&AuthorizationCode{}, &Token{}, &Consent{}, &ClientOrigin{}} {
			if err := tx.w.Where("client_id = ?", id).Delete(m).Error; err != nil {
				return found(err, "delete client rows")
			}
		}
		return nil
	})
}

// SetClientSecret replaces a client's secret digest; ErrNotFound if absent.
func (s *Store) SetClientSecret(ctx context.Context, id, secretHash string) error {
	res := s.w.WithContext(ctx).Model(&Client{}).Where("id = ?", id).Update("secret_hash", secretHash)
	if res.Error != nil {
		return found(res.Error, "set client secret")
	}
	if res.RowsAffected == 0 {
		return ErrNotFound
	}
	return nil
}
