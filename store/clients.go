package store

import (
	"context"
	"database/sql"
	"errors"

	"gorm.io/gorm/clause"

	"oauthd/models"
)

// CreateClient inserts c with the browser origins it may call from (CORS); ErrConflict when
// the client id is taken.
func (s *Store) CreateClient(ctx context.Context, c *models.Client, origins ...string) error {
	return s.inTx(ctx, func(tx *Store) error {
		if err := created(tx.w.Create(clientIn(c)).Error, "create client"); err != nil {
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
	err := found(s.db.WithContext(ctx).Where("origin = ?", origin).Take(&o).Error, "origin registered")
	if errors.Is(err, ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
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
// The owner's enabled flag comes with it (OwnerEnabled). Every token request authenticates its
// client through here, so the statement is written out and its row scanned by hand: GORM's
// query building and reflective scan measured about a quarter of this read's CPU on SQLite.
func (s *Store) ClientByID(ctx context.Context, id string) (*models.Client, error) {
	c, err := s.clientRow(ctx, id)
	if err != nil {
		return nil, err
	}
	return clientOut(c), nil
}

// clientRow reads the row ClientByID answers with.
func (s *Store) clientRow(ctx context.Context, id string) (*Client, error) {
	var c Client
	rows, err := s.fixedRows(ctx, clientByIDSQL, id)
	if err != nil {
		return nil, found(err, "client by id")
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return nil, found(err, "client by id")
		}
		return nil, ErrNotFound
	}
	if err := scanClient(rows, &c); err != nil {
		return nil, found(err, "client by id")
	}
	if c.ID != id {
		return nil, ErrNotFound
	}
	return &c, nil
}

// clientByIDSQL reads every column of Client (scanClient's order) and the owner's enabled flag.
// The quirk columns come as NULL when they hold their defaults (profile standard, nothing
// refused, no roles), which the drivers scan without allocating: most clients have them, and
// every token request reads its client here.
const clientByIDSQL = "SELECT clients.id, clients.secret_hash, clients.name, clients.redirect_uris, " +
	"clients.default_redirect_uri, clients.scopes, clients.auth_method, clients.grant_types, " +
	"clients.skip_authorization, clients.owner_id, clients.pkce, clients.allow_plain_pkce, " +
	"clients.refresh_rotation, clients.created_at, clients.id_token_alg, clients.self_registered, " +
	"clients.application_type, clients.metadata_document, " +
	"clients.secret_sealed, clients.post_logout_redirect_uris, clients.client_uri, clients.logo_uri, " +
	"clients.tos_uri, clients.policy_uri, clients.contacts, NULLIF(clients.allowed_roles, ''), " +
	"NULLIF(clients.profile, 'standard'), NULLIF(clients.refused_quirks, ''), clients.used_at, " +
	"COALESCE(users.enabled, false) " +
	"FROM clients LEFT JOIN users ON users.id = clients.owner_id WHERE clients.id = ? LIMIT 1"

// scanClient reads a row of clientByIDSQL into c. The text columns without NOT NULL read as ""
// when NULL, as GORM reads them.
func scanClient(rows *sql.Rows, c *Client) error {
	var owner sql.NullInt64
	nullable := []*string{&c.SecretSealed, &c.PostLogoutRedirectURIs, &c.ClientURI, &c.LogoURI, &c.TOSURI,
		&c.PolicyURI, &c.Contacts, &c.AllowedRoles, &c.Profile, &c.RefusedQuirks}
	texts := make([]sql.NullString, len(nullable))
	dest := []any{&c.ID, &c.SecretHash, &c.Name, &c.RedirectURIs, &c.DefaultRedirectURI, &c.Scopes,
		&c.AuthMethods, &c.GrantTypes, &c.SkipAuthorization, &owner, &c.PKCE, &c.AllowPlainPKCE,
		&c.RefreshRotation, &c.CreatedAt, &c.IDTokenAlg, &c.SelfRegistered, &c.ApplicationType, &c.MetadataDocument}
	for i := range texts {
		dest = append(dest, &texts[i])
	}
	if err := rows.Scan(append(dest, &c.UsedAt, &c.OwnerEnabled)...); err != nil {
		return err
	}
	if owner.Valid {
		id := uint(owner.Int64)
		c.OwnerID = &id
	}
	for i, text := range texts {
		*nullable[i] = text.String
	}
	if c.Profile == "" {
		c.Profile = models.DefaultProfile // read as NULL: the column's default, without allocating it
	}
	return nil
}

// ListClients returns every client, oldest first.
func (s *Store) ListClients(ctx context.Context) ([]models.Client, error) {
	var cs []Client
	if err := s.db.WithContext(ctx).Order("created_at, id").Find(&cs).Error; err != nil {
		return nil, found(err, "list clients")
	}
	return each(cs, clientOut), nil
}

// UpdateClient reads, changes and writes one client in a transaction (see models.Clients).
func (s *Store) UpdateClient(ctx context.Context, id string, update func(*models.Client) error) error {
	return s.inTx(ctx, func(tx *Store) error {
		// Lock the row first: two concurrent updates then run one after the other, each on what
		// the other wrote. (clientRow's join cannot take the lock on PostgreSQL.)
		err := tx.w.Clauses(clause.Locking{Strength: clause.LockingStrengthUpdate}).Select("id").
			Where("id = ?", id).Take(&Client{}).Error
		if err != nil {
			return found(err, "update client")
		}
		cur, err := tx.clientRow(ctx, id)
		if err != nil {
			return err
		}
		c := clientOut(cur)
		if err := update(c); err != nil {
			return err
		}
		row := clientIn(c)
		row.ID = cur.ID
		return found(tx.w.Model(row).Select("*").Omit("id", "created_at").Updates(row).Error, "update client")
	})
}

// DeleteClient removes a client with its codes, tokens and consents; ErrNotFound if absent.
func (s *Store) DeleteClient(ctx context.Context, id string) error {
	return s.inTx(ctx, func(tx *Store) error {
		res := tx.w.Where("id = ?", id).Delete(&Client{})
		if res.Error != nil {
			return found(res.Error, "delete client")
		}
		if res.RowsAffected == 0 {
			return ErrNotFound
		}
		for _, m := range []any{&AuthorizationCode{}, &Token{}, &Consent{}, &ClientOrigin{}, &ClientQuirk{}} {
			if err := tx.w.Where("client_id = ?", id).Delete(m).Error; err != nil {
				return found(err, "delete client rows")
			}
		}
		return nil
	})
}

// SetClientSecret replaces a client's secret digest; ErrNotFound if absent.
func (s *Store) SetClientSecret(ctx context.Context, id, secretHash string) error {
	return s.setClientColumn(ctx, id, "secret_hash", secretHash, "set client secret")
}

// SetClientSealedSecret stores an HS256 client's sealed secret beside its digest.
func (s *Store) SetClientSealedSecret(ctx context.Context, id, sealed string) error {
	return s.setClientColumn(ctx, id, "secret_sealed", sealed, "set client sealed secret")
}

// setClientColumn writes one column of a client; ErrNotFound if absent. MySQL counts changed
// rows only, so a write of the value already there is told from an absence by a read.
func (s *Store) setClientColumn(ctx context.Context, id, column string, value any, what string) error {
	res := s.w.WithContext(ctx).Model(&Client{}).Where("id = ?", id).Update(column, value)
	if res.Error != nil {
		return found(res.Error, what)
	}
	if res.RowsAffected == 0 {
		if _, err := s.clientRow(ctx, id); err != nil {
			return err
		}
	}
	return nil
}

// CountSelfRegistered counts clients created through dynamic registration.
func (s *Store) CountSelfRegistered(ctx context.Context) (int64, error) {
	var n int64
	err := s.db.WithContext(ctx).Model(&Client{}).Where("self_registered = ?", true).Count(&n).Error
	return n, found(err, "count self-registered clients")
}

// DeleteUnusedSelfRegistered deletes the self-registered clients that registered before cutoff
// and that no user ever authorized (UsedAt 0), and says how many. Such a client has no code,
// token or consent to delete with it.
func (s *Store) DeleteUnusedSelfRegistered(ctx context.Context, cutoff int64) (int64, error) {
	res := s.w.WithContext(ctx).Where("self_registered = ? AND used_at = 0 AND created_at < ?", true, cutoff).
		Delete(&Client{})
	return res.RowsAffected, found(res.Error, "delete unused self-registered clients")
}

// MarkClientUsed records when a user first authorized a client; later calls change nothing.
func (s *Store) MarkClientUsed(ctx context.Context, id string, now int64) error {
	err := s.w.WithContext(ctx).Model(&Client{}).Where("id = ? AND used_at = 0", id).Update("used_at", now).Error
	return found(err, "mark client used")
}
