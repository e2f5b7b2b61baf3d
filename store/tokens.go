package store

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"

	"gorm.io/gorm"

	"oauthd/models"
)

// CreateTokens inserts tokens in one statement.
func (s *Store) CreateTokens(ctx context.Context, ts ...*models.Token) error {
	rows := make([]*Token, len(ts))
	for i, t := range ts {
		rows[i] = (*Token)(t)
	}
	return created(s.w.WithContext(ctx).Create(rows).Error, "create tokens")
}

// tokenByIDSQL reads a token with its user and a word on its client; scanned by TokenByID.
const tokenByIDSQL = "SELECT tokens.id, tokens.kind, tokens.grant_id, tokens.client_id, tokens.user_id, " +
	"tokens.scope, tokens.issued_at, tokens.expires_at, tokens.revoked_at, tokens.rotated_at, tokens.successor, " +
	"tokens.auth_time, tokens.sid, tokens.resource, tokens.openid, users.email, users.full_name, " +
	"users.first_name, users.last_name, users.enabled, users.roles, users.subject, " +
	"clients.skip_authorization, clients.refused_quirks " +
	"FROM tokens JOIN users ON users.id = tokens.user_id LEFT JOIN clients ON clients.id = tokens.client_id " +
	"WHERE tokens.id = ?"

// TokenByID reads a token with its owner and client by digest.
func (s *Store) TokenByID(ctx context.Context, id string) (*models.TokenOwner, error) {
	rows, err := s.fixedRows(ctx, tokenByIDSQL, id)
	if err != nil {
		return nil, found(err, "token by id")
	}
	defer rows.Close()
	if !rows.Next() {
		return nil, found(cmp.Or(rows.Err(), gorm.ErrRecordNotFound), "token by id")
	}
	var t models.TokenOwner
	var roles string
	var skip sql.NullBool // NULL: no client (a NOT NULL column), read without COALESCE (see introspect.go)
	var refused sql.NullString
	err = rows.Scan(&t.ID, &t.Kind, &t.GrantID, &t.ClientID, &t.UserID, &t.Scope, &t.IssuedAt, &t.ExpiresAt,
		&t.RevokedAt, &t.RotatedAt, &t.Successor, &t.AuthTime, &t.SID, &t.Resource, &t.OpenID, &t.Email,
		&t.FullName, &t.FirstName, &t.LastName, &t.Enabled, &roles, &t.Subject, &skip, &refused)
	if err != nil {
		return nil, fmt.Errorf("token by id: %w", err)
	}
	t.SkipConsent, t.ClientExists = skip.Bool, skip.Valid
	t.Roles, t.ClientRefusedQuirks = split(roles, rolesSep), split(refused.String, wordSep)
	return &t, nil
}

// bearerSQL is BearerByID's statement, fixed text: GORM builds nothing per call, and the
// prepared-statement cache keys on it. Every column is qualified, so a column added to either
// table later cannot make the statement ambiguous.
const bearerSQL = "SELECT tokens.kind, tokens.grant_id, tokens.client_id, tokens.user_id, tokens.scope, " +
	"tokens.expires_at, tokens.revoked_at, tokens.resource, users.email, users.full_name, users.enabled, users.subject " +
	"FROM tokens JOIN users ON users.id = tokens.user_id WHERE tokens.id = ?"

// BearerByID reads what a bearer check needs and no more, since it runs on every API call: the
// token and its user, one two-table join, scanned straight into the fields (GORM's statement
// building and reflection scan measured more than the read itself). The user's names and roles,
// which only userinfo reports, are left out: with them the bearer check made ~3% less of the
// floor on MariaDB, whose driver reads every column's definition with every result. So are the
// token's ID and IssuedAt, and the client, on purpose: a third table measured ~6x the cost of
// the rest when the SQLite driver compiled every statement anew, and costs on every call still;
// a token never outlives its client anyway (DeleteClient deletes the client's tokens, and the
// inserts that are not tied to a client-owned row go through CreateTokenForClient).
// ClientExists is therefore set from the invariant.
func (s *Store) BearerByID(ctx context.Context, id string) (*models.TokenOwner, error) {
	rows, err := s.fixedRows(ctx, bearerSQL, id)
	if err != nil {
		return nil, found(err, "bearer by id") // a NUL byte PostgreSQL refuses: not found
	}
	defer rows.Close()
	if !rows.Next() {
		return nil, found(cmp.Or(rows.Err(), gorm.ErrRecordNotFound), "bearer by id")
	}
	var t models.TokenOwner
	err = rows.Scan(&t.Kind, &t.GrantID, &t.ClientID, &t.UserID, &t.Scope, &t.ExpiresAt, &t.RevokedAt, &t.Resource,
		&t.Email, &t.FullName, &t.Enabled, &t.Subject)
	if err != nil {
		return nil, fmt.Errorf("bearer by id: %w", err)
	}
	t.ClientExists = true
	return &t, nil
}

// CreateTokenForClient inserts a token only if its client still exists, in one statement (an
// INSERT ... SELECT from the client's row), and reports whether it did. A client removed
// between authenticating the request and this insert thus leaves no orphan token behind:
// the database orders the insert and DeleteClient's delete. On SQLite, concurrent calls are
// written together (see group_insert.go), each with the outcome it would have had alone.
func (s *Store) CreateTokenForClient(ctx context.Context, t *models.Token) (bool, error) {
	if s.tokens != nil {
		return s.tokens.insert(ctx, s, t)
	}
	return s.insertTokenForClient(ctx, t)
}

// tokenColumns are the columns CreateTokenForClient writes, client_id last (tokenValues' order).
const tokenColumns = "id, kind, grant_id, user_id, scope, issued_at, expires_at, revoked_at, rotated_at, " +
	"successor, auth_time, sid, resource, openid, client_id"

// tokenValues are t's values in tokenColumns' order.
func tokenValues(t *models.Token) []any {
	return []any{t.ID, t.Kind, t.GrantID, t.UserID, t.Scope, t.IssuedAt, t.ExpiresAt, t.RevokedAt, t.RotatedAt,
		t.Successor, t.AuthTime, t.SID, t.Resource, t.OpenID, t.ClientID}
}

// insertTokenForClient is CreateTokenForClient for one token, in one statement of its own. On
// PostgreSQL the SELECT locks the client's row against a concurrent DeleteClient (FOR KEY
// SHARE); at READ COMMITTED it would otherwise read a row that a delete is removing, and the
// delete's later statement would not see the token. InnoDB takes that lock by itself.
func (s *Store) insertTokenForClient(ctx context.Context, t *models.Token) (bool, error) {
	res := s.w.WithContext(ctx).Exec("INSERT INTO tokens ("+tokenColumns+") SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, "+
		"?, ?, ?, ?, ?, id FROM clients WHERE id = ?"+s.lockClient, tokenValues(t)...)
	if res.Error != nil {
		return false, created(res.Error, "create token")
	}
	return res.RowsAffected == 1, nil
}

// RotateRefresh marks an active, unrotated refresh token as rotated at now, keeping the sealed
// successor pair, and reports whether this call did so (a conditional UPDATE, like ConsumeCode).
func (s *Store) RotateRefresh(ctx context.Context, id string, now int64, successor []byte) (bool, error) {
	res := s.w.WithContext(ctx).Model(&Token{}).
		Where("id = ? AND kind = ? AND revoked_at = 0 AND rotated_at = 0", id, models.KindRefresh).
		Updates(map[string]any{"rotated_at": now, "revoked_at": now, "successor": successor})
	if res.Error != nil {
		return false, found(res.Error, "rotate refresh token")
	}
	return res.RowsAffected == 1, nil
}

// RevokeGrant revokes every still-active token of a grant and forgets the consent of its user
// for its client, so that the next authorization asks again.
func (s *Store) RevokeGrant(ctx context.Context, grantID string, now int64) error {
	return s.inTx(ctx, func(tx *Store) error {
		var owner Token
		err := tx.w.WithContext(ctx).Select("user_id", "client_id").Where("grant_id = ?", grantID).Take(&owner).Error
		switch err := found(err, "grant owner"); {
		case errors.Is(err, ErrNotFound): // no token yet: no consent to forget
		case err != nil:
			return err
		default:
			err = tx.w.WithContext(ctx).Where("user_id = ? AND client_id = ?", owner.UserID, owner.ClientID).
				Delete(&Consent{}).Error
			if err != nil {
				return found(err, "forget consent")
			}
		}
		err = tx.w.WithContext(ctx).Model(&Token{}).
			Where("grant_id = ? AND revoked_at = 0", grantID).Update("revoked_at", now).Error
		return found(err, "revoke grant")
	})
}

// RevokeAccessTokensOfGrant revokes the still-active access tokens of a grant, leaving its
// refresh token alone (used when a rotation replaces the access token too).
func (s *Store) RevokeAccessTokensOfGrant(ctx context.Context, grantID string, now int64) error {
	err := s.w.WithContext(ctx).Model(&Token{}).
		Where("grant_id = ? AND kind = ? AND revoked_at = 0", grantID, models.KindAccess).Update("revoked_at", now).Error
	return found(err, "revoke access tokens")
}

// ActiveScopes lists the scopes of the user's active access tokens for a client.
func (s *Store) ActiveScopes(ctx context.Context, userID uint, clientID string, now int64) ([]string, error) {
	var scopes []string
	err := s.db.WithContext(ctx).Model(&Token{}).
		Where("user_id = ? AND client_id = ? AND kind = ? AND revoked_at = 0 AND (expires_at = 0 OR expires_at > ?)",
			userID, clientID, models.KindAccess, now).
		Limit(50).Pluck("scope", &scopes).Error
	return scopes, found(err, "active scopes")
}
