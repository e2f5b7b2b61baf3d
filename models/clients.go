package models

import "context"

// CreateClient inserts c; ErrConflict when the client id is taken.
func (s *Store) CreateClient(ctx context.Context, c *Client) error {
	return created(s.w.WithContext(ctx).Create(c).Error, "create client")
}

// ClientByID finds a client by its client_id, exactly: MySQL's default collation would also
// match another case or trailing spaces, and client ids are case-sensitive (RFC 6749 §2.2).
func (s *Store) ClientByID(ctx context.Context, id string) (*Client, error) {
	var c Client
	err := s.db.WithContext(ctx).Where("id = ?", id).Take(&c).Error
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
		for _, m := range []any{&AuthorizationCode{}, &Token{}, &Consent{}} {
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
