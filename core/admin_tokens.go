package core

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

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

// RevokeAdminToken deletes the admin token named name, which signs out the admin page's
// browsers it signed in.
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

// AdminSessionTTL is how long a sign-in to the admin page lasts.
const AdminSessionTTL = 8 * time.Hour

// OpenAdminSession signs a browser in to the admin page with an admin token and returns the
// handle its cookie holds instead of the token: the handle is stored as a digest, expires after
// AdminSessionTTL, ends at sign-out and with its token, and opens the page only, never the API.
func (e *Engine) OpenAdminSession(ctx context.Context, token string) (string, error) {
	t, err := e.AuthenticateAdmin(ctx, token)
	if err != nil {
		return "", err
	}
	handle, now := NewToken(), e.now()
	sess := &models.AdminSession{ID: Digest(handle), TokenID: t.ID, CreatedAt: now.Unix(),
		ExpiresAt: now.Add(AdminSessionTTL).Unix()}
	if err := e.store.CreateAdminSession(ctx, sess, now.Unix()); err != nil {
		return "", unavailable(err)
	}
	return handle, nil
}

// AdminSession checks an admin page handle and returns the admin token it was signed in with;
// ErrAdminAuth when it is unknown, expired, or its token was revoked.
func (e *Engine) AdminSession(ctx context.Context, handle string) (*models.AdminToken, error) {
	if !wellFormed(handle) {
		return nil, ErrAdminAuth
	}
	t, err := e.store.AdminSessionToken(ctx, Digest(handle), e.now().Unix())
	switch {
	case errors.Is(err, models.ErrNotFound):
		return nil, ErrAdminAuth
	case err != nil:
		return nil, unavailable(err)
	}
	return t, nil
}

// CloseAdminSession ends an admin page sign-in.
func (e *Engine) CloseAdminSession(ctx context.Context, handle string) error {
	return endSession(ctx, handle, e.store.DeleteAdminSession)
}
