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
	Issuer       string // the iss of an id_token
	Resource     string // RFC 8707: when given, the grant's own resource
}

var errRefreshInvalid = fail(ErrInvalidGrant, ReasonRefreshInvalid, "Invalid refresh token.")

// Refresh issues a new access token for a refresh token bound to the calling client. A
// rotating client also gets a new refresh token, and the old refresh token is revoked (the
// earlier access tokens too with Options.RevokeAccessOnRefresh; otherwise they live until
// they expire, since RFC 9700 rotates refresh tokens, not live access tokens); presenting a
// rotated refresh token again within Options.RefreshReuseInterval returns the same new pair
// (a retry, see refresh_reuse.go), and after it revokes the whole grant (RFC 9700 §4.14.2). A
// non-rotating client (legacy Odoo behaviour) keeps its refresh token and gets it back unchanged.
func (e *Engine) Refresh(ctx context.Context, req RefreshRequest) (*TokenResult, error) {
	if err := checkGrant(req.Client, GrantRefreshToken, GrantRefreshToken, req.AccessTTL); err != nil {
		return nil, err
	}
	if !wellFormed(req.RefreshToken) {
		return nil, errRefreshInvalid
	}
	now := e.now()
	old, err := e.store.TokenByID(ctx, Digest(req.RefreshToken))
	if err := lookup(err, errRefreshInvalid); err != nil {
		return nil, err
	}
	if old.ClientID == req.Client.ID && e.withinReuse(old, now) {
		res, err := e.reuseSuccessor(ctx, old, req.RefreshToken, now)
		if err != nil {
			return nil, err
		}
		return e.refreshedIDToken(ctx, res, old, req)
	}
	if err := e.checkRefresh(ctx, old, req.Client, now); err != nil {
		return nil, err
	}
	if req.Resource != "" && !sameResource(req.Resource, old.Resource) {
		return nil, invalidTarget()
	}
	scopes, serr := narrowScope(ParseScope(old.Scope), req.Scope, req.ScopePolicy, false)
	if serr != nil {
		return nil, serr
	}
	refresh := e.rotate
	if !req.Client.RefreshRotation {
		refresh = e.refreshInPlace
	}
	res, err := refresh(ctx, old, req, JoinScope(scopes), now)
	if err != nil {
		return nil, err
	}
	return e.refreshedIDToken(ctx, res, old, req)
}

// refreshedIDToken adds the id_token of a refresh whose scope holds openid: the original
// login's auth_time and no nonce (OpenID Connect Core §12.2).
func (e *Engine) refreshedIDToken(ctx context.Context, res *TokenResult, old *models.TokenOwner, req RefreshRequest) (*TokenResult, error) {
	err := e.withIDToken(ctx, res, idTokenGrant{client: req.Client, user: principal(old), scope: res.Scope,
		authTime: old.AuthTime, sid: old.SID, accessToken: res.AccessToken, issuer: req.Issuer, ttl: req.AccessTTL,
		asked: old.OpenID})
	if err != nil {
		return nil, err
	}
	return res, nil
}

func (e *Engine) checkRefresh(ctx context.Context, t *models.TokenOwner, client *models.Client, now time.Time) error {
	switch {
	case t.Kind != models.KindRefresh || t.ClientID != client.ID:
		return errRefreshInvalid
	case t.RotatedAt != 0:
		return e.refreshReused(ctx, t.GrantID, now)
	case t.RevokedAt != 0 || expired(t.ExpiresAt, now) || !t.Enabled:
		return errRefreshInvalid
	}
	return nil
}

// rotate consumes the old refresh token with one conditional UPDATE, so of concurrent
// refreshes one wins; the others get the winner's pair within the reuse interval and are
// treated as reuse otherwise.
func (e *Engine) rotate(ctx context.Context, old *models.TokenOwner, req RefreshRequest, scope string, now time.Time) (*TokenResult, error) {
	is := e.newIssue(now, old.GrantID, old.ClientID, old.UserID, scope, old.Scope, req.AccessTTL, true).
		bind(old.AuthTime, old.SID, old.Resource, old.OpenID)
	var sealed []byte
	if e.opt.RefreshReuseInterval > 0 {
		var err error
		if sealed, err = sealSuccessor(req.RefreshToken, is); err != nil {
			return nil, unavailable(err)
		}
	}
	// Frappe's profiles revoke the earlier access tokens too, as Frappe's own test expects.
	revokeAccess := e.opt.RevokeAccessOnRefresh || profileOf(req.Client).RevokeAccessOnRefresh
	lost := false
	err := e.store.Tx(ctx, func(tx models.Store) error {
		lost = false // afresh: a deadlocked run is run again
		won, err := tx.RotateRefresh(ctx, old.ID, now.Unix(), sealed)
		if err != nil || !won {
			lost = !won
			return err
		}
		if revokeAccess {
			if err := tx.RevokeAccessTokensOfGrant(ctx, old.GrantID, now.Unix()); err != nil {
				return err
			}
		}
		return tx.CreateTokens(ctx, is.rows()...)
	})
	if err != nil {
		return nil, stored(err)
	}
	if lost {
		return e.lostRotation(ctx, old, req, now)
	}
	if revokeAccess {
		e.revoked(ctx, Revocation{GrantID: old.GrantID}) // the old access tokens were revoked with the rotation
	}
	return is.result(now, req.AccessTTL), nil
}

// lostRotation answers the loser of a rotation race: the winner's pair when the winner
// rotated within the reuse interval, reuse (the grant revoked) otherwise.
func (e *Engine) lostRotation(ctx context.Context, old *models.TokenOwner, req RefreshRequest, now time.Time) (*TokenResult, error) {
	if e.opt.RefreshReuseInterval > 0 {
		again, err := e.store.TokenByID(ctx, old.ID)
		if err := lookup(err, errRefreshInvalid); err != nil {
			return nil, err
		}
		if e.withinReuse(again, now) {
			return e.reuseSuccessor(ctx, again, req.RefreshToken, now)
		}
	}
	return nil, e.refreshReused(ctx, old.GrantID, now)
}

// refreshReused revokes a grant whose rotated refresh token came back (RFC 9700 §4.14.2).
func (e *Engine) refreshReused(ctx context.Context, grantID string, now time.Time) error {
	if err := e.revokeGrant(ctx, grantID, now); err != nil {
		return err
	}
	return fail(ErrInvalidGrant, ReasonRefreshReused, "Refresh token already used; the grant is revoked.")
}

// refreshInPlace issues only an access token and hands the same refresh token back.
func (e *Engine) refreshInPlace(ctx context.Context, old *models.TokenOwner, req RefreshRequest, scope string, now time.Time) (*TokenResult, error) {
	is := e.newIssue(now, old.GrantID, old.ClientID, old.UserID, scope, "", req.AccessTTL, false).
		bind(old.AuthTime, old.SID, old.Resource, old.OpenID)
	if err := e.createForClient(ctx, is.access); err != nil {
		return nil, err
	}
	res := is.result(now, req.AccessTTL)
	res.RefreshToken = req.RefreshToken
	return res, nil
}
