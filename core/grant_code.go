package core

import (
	"cmp"
	"context"
	"errors"
	"time"

	"oauthd/models"
)

// CodeExchange is an authorization_code token request from an authenticated client.
type CodeExchange struct {
	Client       *models.Client
	Code         string
	RedirectURI  string
	CodeVerifier string
	AccessTTL    time.Duration
	Issuer       string // the iss of an id_token
	Resource     string // RFC 8707: must be the one the code was issued for, when given
}

var (
	errCodeUnknown = fail(ErrInvalidGrant, ReasonCodeUnknown, "Invalid authorization code.")
	errCodeUsed    = fail(ErrInvalidGrant, ReasonCodeUsed, "Authorization code already used.")
	errCodeExpired = fail(ErrInvalidGrant, ReasonCodeExpired, "Authorization code expired.")
)

// ExchangeCode redeems a code. It reads the code with its user, then consumes it by one
// conditional UPDATE inside the same transaction that writes the tokens, so of concurrent
// exchanges exactly one succeeds and a failure leaves no half-written grant. A code presented again revokes every token issued
// from it (RFC 6749 §4.1.2). A code that fails a check is burnt: one attempt per code.
func (e *Engine) ExchangeCode(ctx context.Context, req CodeExchange) (*TokenResult, error) {
	if err := checkGrant(req.Client, GrantAuthorizationCode, "authorization code", req.AccessTTL); err != nil {
		return nil, err
	}
	if !wellFormed(req.Code) {
		return nil, errCodeUnknown
	}
	resource, rerr := e.checkResource(req.Resource, req.Issuer)
	if rerr != nil {
		return nil, rerr
	}
	now := e.now()
	var result *TokenResult
	var rejected *Error
	var reusedGrant string
	var idGrant idTokenGrant
	err := e.store.Tx(ctx, func(tx models.Store) error {
		result, rejected, reusedGrant = nil, nil, "" // afresh: a deadlocked run is run again
		code, user, err := tx.CodeWithUser(ctx, Digest(req.Code))
		if errors.Is(err, models.ErrNotFound) {
			rejected = errCodeUnknown
			return nil
		} else if err != nil {
			return err
		}
		// The conditional UPDATE decides, not the read before it: of concurrent exchanges
		// exactly one sees its row change.
		won, err := tx.ConsumeCode(ctx, code.ID, now.Unix())
		if err != nil {
			return err
		}
		if !won {
			rejected, reusedGrant = errCodeUsed, code.GrantID
			return nil
		}
		if rejected = e.checkCode(code, req, now); rejected != nil {
			return nil // commit: the code stays burnt
		}
		if rejected = userEnabled(user); rejected != nil {
			return nil
		}
		is := e.newIssue(now, code.GrantID, code.ClientID, code.UserID, code.Scope, code.Scope,
			req.AccessTTL, allows(req.Client, GrantRefreshToken)).bind(code.AuthTime, code.SID, cmp.Or(code.Resource, resource), code.OpenID)
		if err := tx.CreateTokens(ctx, is.rows()...); err != nil {
			return err
		}
		result = is.result(now, req.AccessTTL)
		result.Nonce = code.Nonce
		idGrant = idTokenGrant{client: req.Client, userID: code.UserID, user: userPrincipal(user), scope: code.Scope, nonce: code.Nonce,
			authTime: code.AuthTime, sid: code.SID, accessToken: result.AccessToken, issuer: req.Issuer, ttl: req.AccessTTL,
			asked: code.OpenID}
		return nil
	})
	if err != nil {
		return nil, stored(err)
	}
	if reusedGrant != "" {
		if err := e.revokeGrant(ctx, reusedGrant, now); err != nil {
			return nil, err
		}
	}
	if rejected != nil {
		return nil, rejected
	}
	if err := e.withIDToken(ctx, result, idGrant); err != nil {
		return nil, err
	}
	return result, nil
}

// errUserDisabled refuses a grant for a user disabled since the code was issued.
var errUserDisabled = fail(ErrInvalidGrant, ReasonAccessDenied, "The user of this grant is disabled.")

// userEnabled checks, at exchange, that the code's user (read with the code; nil when removed)
// may still sign in: disabling a user must stop codes already in flight, not only new logins.
func userEnabled(u *models.User) *Error {
	if u == nil || !u.Enabled {
		return errUserDisabled
	}
	return nil
}

// checkCode applies the bindings of a freshly consumed code.
func (e *Engine) checkCode(code *models.AuthorizationCode, req CodeExchange, now time.Time) *Error {
	switch {
	case expired(code.ExpiresAt, now):
		return errCodeExpired
	case code.ClientID != req.Client.ID:
		return fail(ErrInvalidGrant, ReasonCodeWrongClient, "Authorization code was issued to another client.")
	case req.RedirectURI != code.RedirectURI && (req.RedirectURI != "" || code.RedirectURIGiven):
		return fail(ErrInvalidGrant, ReasonCodeMismatch, "Mismatching redirect URI.")
	}
	if req.Resource != "" && code.Resource != "" && !sameResource(req.Resource, code.Resource) {
		return invalidTarget()
	}
	if Public(req.Client) && req.Client.PKCE == "required" && code.CodeChallenge == "" {
		return fail(ErrInvalidGrant, ReasonPKCE, "PKCE is required for public clients.")
	}
	return verifyPKCE(code.CodeChallenge, code.ChallengeMethod, req.CodeVerifier, e.opt.PKCEMinVerifierLength)
}
