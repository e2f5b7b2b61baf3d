package core

import (
	"time"

	"oauthd/models"
)

// TokenResult is a successful token response, before a dialect renders it.
type TokenResult struct {
	AccessToken  string
	RefreshToken string // empty when none was issued
	ExpiresIn    int64  // seconds
	ExpiresAt    time.Time
	Scope        string
	ClientID     string
	UserID       uint
	Nonce        string
	IDToken      string // OpenID Connect id_token, when the scope holds openid
	Resource     string // RFC 8707 resource the access token is for ("" when none was asked)
}

// issue is the token pair one grant step produces, rows and plaintexts together.
type issue struct {
	access, refresh           *models.Token
	accessPlain, refreshPlain string
}

// newIssue mints an access token, and a refresh token when withRefresh.
func (e *Engine) newIssue(now time.Time, grantID, clientID string, userID uint, scope, refreshScope string,
	accessTTL time.Duration, withRefresh bool) *issue {
	is := &issue{accessPlain: NewToken()}
	is.access = &models.Token{ID: Digest(is.accessPlain), Kind: models.KindAccess, GrantID: grantID,
		ClientID: clientID, UserID: userID, Scope: scope, IssuedAt: now.Unix(), ExpiresAt: expiry(now, accessTTL)}
	if withRefresh {
		is.refreshPlain = NewToken()
		is.refresh = &models.Token{ID: Digest(is.refreshPlain), Kind: models.KindRefresh, GrantID: grantID,
			ClientID: clientID, UserID: userID, Scope: refreshScope, IssuedAt: now.Unix(),
			ExpiresAt: expiry(now, e.opt.RefreshTTL)}
	}
	return is
}

// bind records the login (its time and session), the resource and whether openid was asked for
// behind the grant on its new tokens.
func (is *issue) bind(authTime int64, sid, resource string, openid bool) *issue {
	for _, t := range is.rows() {
		t.AuthTime, t.SID, t.Resource, t.OpenID = authTime, sid, resource, openid
	}
	return is
}

// rows lists the token rows to insert.
func (is *issue) rows() []*models.Token {
	if is.refresh == nil {
		return []*models.Token{is.access}
	}
	return []*models.Token{is.access, is.refresh}
}

// result renders the issue for the client.
func (is *issue) result(now time.Time, accessTTL time.Duration) *TokenResult {
	return &TokenResult{AccessToken: is.accessPlain, RefreshToken: is.refreshPlain,
		ExpiresIn: int64(accessTTL / time.Second), ExpiresAt: now.Add(accessTTL),
		Scope: is.access.Scope, ClientID: is.access.ClientID, UserID: is.access.UserID, Resource: is.access.Resource}
}

// checkGrant is what a grant checks first: the dialect's access-token lifetime, and that the
// client may use the grant (named in the refusal as grantName).
func checkGrant(c *models.Client, grant, grantName string, ttl time.Duration) *Error {
	if err := checkAccessTTL(ttl); err != nil {
		return err
	}
	if !allows(c, grant) {
		return fail(ErrUnauthorizedClient, ReasonGrantNotAllowed, "This client may not use the "+grantName+" grant.")
	}
	return nil
}

func checkAccessTTL(ttl time.Duration) *Error {
	if ttl < time.Second {
		return fail(ErrInvalidRequest, ReasonBadParameter, "access token lifetime must be at least one second")
	}
	return nil
}
