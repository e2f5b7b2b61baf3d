package core

import (
	"context"
	"time"

	"oauthd/models"
)

// ClientCredentialsRequest is a client_credentials token request from an authenticated client.
type ClientCredentialsRequest struct {
	Client      *models.Client
	Scope       string
	AccessTTL   time.Duration
	ScopePolicy ScopePolicy
}

// ClientCredentials issues an access token (no refresh token, RFC 6749 §4.4.3) that acts as
// the client's owner user. Public clients and clients without an enabled owner are refused;
// req.Client is the client as AuthenticateClient read it, owner's enabled flag included.
func (e *Engine) ClientCredentials(ctx context.Context, req ClientCredentialsRequest) (*TokenResult, error) {
	if err := checkAccessTTL(req.AccessTTL); err != nil {
		return nil, err
	}
	c := req.Client
	switch {
	case Public(c) || !allows(c, GrantClientCredentials):
		return nil, fail(ErrUnauthorizedClient, ReasonGrantNotAllowed, "This client may not use the client_credentials grant.")
	case c.OwnerID == nil:
		return nil, fail(ErrUnauthorizedClient, ReasonNoOwner, "This client has no owner user to act as.")
	}
	scopes, serr := narrowScope(c.Scopes, req.Scope, req.ScopePolicy, false)
	if serr != nil {
		return nil, serr
	}
	if !c.OwnerEnabled { // read with the client: one statement less per token
		return nil, fail(ErrUnauthorizedClient, ReasonNoOwner, "This client's owner user is disabled or missing.")
	}
	now := e.now()
	is := e.newIssue(now, Digest(NewToken()), c.ID, *c.OwnerID, JoinScope(scopes), "", req.AccessTTL, false)
	if err := e.createForClient(ctx, is.access); err != nil {
		return nil, err
	}
	return is.result(now, req.AccessTTL), nil
}

var errClientGone = fail(ErrInvalidClient, ReasonClientUnknown, "Client authentication failed.")

// createForClient inserts a token unless its client was removed meanwhile.
func (e *Engine) createForClient(ctx context.Context, t *models.Token) error {
	ok, err := e.store.CreateTokenForClient(ctx, t)
	if err != nil {
		return stored(err)
	}
	if !ok {
		return errClientGone
	}
	return nil
}
