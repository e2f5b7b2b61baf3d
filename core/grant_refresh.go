package core

import (
	"context"
	"time"

	"oauthd/models"
)

// RefreshRequest is a refresh_token token request from an authenticated client.
type RefreshRequest struct {
	Client       *models.Client
	RefreshToken string
	Scope        string // optional narrower scope
	AccessTTL    time.Duration
	ScopePolicy  ScopePolicy
}

var errRefreshInvalid = fail(ErrInvalidGrant, ReasonRefreshInvalid, "Invalid refresh token.")

// Refresh issues a new access token for a refresh token bound to the calling client. A
// rotating client also gets a new refresh token, and the old refresh token is revoked (the
// earlier access tokens too with Options.RevokeAccessOnRefresh; otherwise they live until
// they expire, since RFC 9700 rotates refresh tokens, not live access tokens); presenting a
// rotated refresh token again revokes the whole grant (RFC 9700 §4.14.2). A non-rotating
// client (legacy Odoo behaviour) keeps its refresh token and gets it back unchanged.
func (e *Engine) Refresh(ctx context.Context, req RefreshRequest) (*TokenResult, error) {
	if err := checkAccessTTL(req.AccessTTL); err != nil {
		return nil, err
	}
	if !allows(req.Client, GrantRefreshToken) {
		return nil, fail(ErrUnauthorizedClient, ReasonGrantNotAllowed, "This client may not use the refresh_token grant.")
	}
	if !wellFormed(req.RefreshToken) {
		return nil, errRefreshInvalid
	}
	now := e.now()
	old, err := e.store.TokenByID(ctx, Digest(req.RefreshToken))
	if err := lookup(err, errRefreshInvalid); err != nil {
		return nil, err
	}
	if err := e.checkRefresh(ctx, old, req.Client, now); err != nil {
		return nil, err
	}
	scopes, serr := narrowScope(ParseScope(old.Scope), req.Scope, req.ScopePolicy, false)
	if serr != nil {
		return nil, serr
	}
	if !req.Client.RefreshRotation {
		return e.refreshInPlace(ctx, old, req, JoinScope(scopes), now)
	}
	return e.rotate(ctx, old, req, JoinScope(scopes), now)
}

func (e *Engine) checkRefresh(ctx context.Context, t *models.TokenOwner, client *models.Client, now time.Time) error {
	switch {
	case t.Kind != models.KindRefresh || t.ClientID != client.ID:
		return errRefreshInvalid
	case t.RotatedAt != 0:
		if err := e.revokeGrant(ctx, t.GrantID, now); err != nil {
			return err
		}
		return fail(ErrInvalidGrant, ReasonRefreshReused, "Refresh token already used; the grant is revoked.")
	case t.RevokedAt != 0 || expired(t.ExpiresAt, now) || !t.Enabled:
		return errRefreshInvalid
	}
	return nil
}

// rotate consumes the old refresh token with one conditional UPDATE, so of two concurrent
// refreshes one wins and the other is treated as reuse.
func (e *Engine) rotate(ctx context.Context, old *models.TokenOwner, req RefreshRequest, scope string, now time.Time) (*TokenResult, error) {
	is := e.newIssue(now, old.GrantID, old.ClientID, old.UserID, scope, old.Scope, req.AccessTTL, true)
	lost := false
	err := e.store.Tx(ctx, func(tx *models.Store) error {
		won, err := tx.RotateRefresh(ctx, old.ID, now.Unix())
		if err != nil || !won {
			lost = !won
			return err
		}
		if e.opt.RevokeAccessOnRefresh {
			if err := tx.RevokeAccessTokensOfGrant(ctx, old.GrantID, now.Unix()); err != nil {
				return err
			}
		}
		return tx.CreateTokens(ctx, is.rows()...)
	})
	if e.opt.RevokeAccessOnRefresh {
		e.bearer.dropGrant(old.GrantID) // the old access tokens were revoked with the rotation
	}
	if err != nil {
		return nil, stored(err)
	}
	if lost {
		if err := e.revokeGrant(ctx, old.GrantID, now); err != nil {
			return nil, err
		}
		return nil, fail(ErrInvalidGrant, ReasonRefreshReused, "Refresh token already used; the grant is revoked.")
	}
	return is.result(now, req.AccessTTL), nil
}

// refreshInPlace issues only an access token and hands the same refresh token back.
func (e *Engine) refreshInPlace(ctx context.Context, old *models.TokenOwner, req RefreshRequest, scope string, now time.Time) (*TokenResult, error) {
	is := e.newIssue(now, old.GrantID, old.ClientID, old.UserID, scope, "", req.AccessTTL, false)
	if err := e.store.CreateTokens(ctx, is.access); err != nil {
		return nil, stored(err)
	}
	res := is.result(now, req.AccessTTL)
	res.RefreshToken = req.RefreshToken
	return res, nil
}
