package core

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"oauthd/models"
)

// ErrAdminAuth is returned for a missing, malformed or unknown admin token.
var ErrAdminAuth = errors.New("invalid admin token")

// CreateAdminToken makes an admin token named name and returns it in clear, the only time it
// exists outside its holder's hands; only its digest is stored.
func (e *Engine) CreateAdminToken(ctx context.Context, name string) (string, *models.AdminToken, error) {
	name = strings.TrimSpace(name)
	if name == "" || len(name) > 191 || strings.ContainsAny(name, "\r\n\x00") {
		return "", nil, invalid("admin token name must be 1 to 191 bytes on one line")
	}
	plain := NewToken()
	t := &models.AdminToken{ID: Digest(plain), Name: name, CreatedAt: e.now().Unix()}
	if err := e.store.CreateAdminToken(ctx, t); err != nil {
		if errors.Is(err, models.ErrConflict) {
			return "", nil, invalid("an admin token named %q already exists", name)
		}
		return "", nil, fmt.Errorf("create admin token: %w", err)
	}
	return plain, t, nil
}

// AdminTokens lists the admin tokens (names and dates; the tokens themselves are not kept).
func (e *Engine) AdminTokens(ctx context.Context) ([]models.AdminToken, error) {
	return e.store.ListAdminTokens(ctx)
}

// RevokeAdminToken deletes the admin token named name.
func (e *Engine) RevokeAdminToken(ctx context.Context, name string) error {
	err := e.store.DeleteAdminToken(ctx, name)
	if errors.Is(err, models.ErrNotFound) {
		return unknown("no admin token named %q", name)
	}
	return err
}

// AuthenticateAdmin checks an admin token and returns it. The lookup is by digest, so timing
// reveals nothing about stored tokens.
func (e *Engine) AuthenticateAdmin(ctx context.Context, token string) (*models.AdminToken, error) {
	if !wellFormed(token) {
		return nil, ErrAdminAuth
	}
	t, err := e.store.AdminTokenByID(ctx, Digest(token))
	switch {
	case errors.Is(err, models.ErrNotFound):
		return nil, ErrAdminAuth
	case err != nil:
		return nil, unavailable(err)
	}
	if err := e.store.TouchAdminToken(ctx, t.ID, e.now().Unix()); err != nil {
		return nil, unavailable(err)
	}
	return t, nil
}
