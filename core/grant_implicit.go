package core

import (
	"context"
	"net/url"
	"strconv"

	"oauthd/models"
)

// issueImplicit answers response_type=token (implicit_grant, profile frappe-v15 clients whose
// Frappe grant type was Implicit): the consent is remembered and an access token, without a
// refresh token, goes in the redirect URI's fragment with expires_in, token_type, scope and
// state, as Frappe's approve sends it.
func (e *Engine) issueImplicit(ctx context.Context, a *Authorization, s Session) Outcome {
	ttl := a.Request.AccessTTL
	if err := checkAccessTTL(ttl); err != nil {
		return failed(a, err)
	}
	now := e.now()
	is := e.newIssue(now, Digest(NewToken()), a.Client.ID, s.User.ID, JoinScope(a.Scopes), "", ttl, false)
	err := e.store.Tx(ctx, func(tx models.Store) error {
		return remember(ctx, tx, s.User.ID, a.Client.ID, a.Scopes, now)
	})
	if err != nil {
		return failed(a, stored(err))
	}
	if err := e.createForClient(ctx, is.access); err != nil {
		return failed(a, err)
	}
	res := is.result(now, ttl)
	v := url.Values{"access_token": {res.AccessToken}, "expires_in": {strconv.FormatInt(res.ExpiresIn, 10)},
		"token_type": {"Bearer"}, "scope": {res.Scope}}
	e.obs.TokenIssued(ctx, GrantImplicit)
	return Outcome{Kind: OutcomeToken, Authorization: a, Token: res, Redirect: a.response(v)}
}
